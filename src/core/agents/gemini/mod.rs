//! Gemini CLI sessions, both formats (`shared/research/agents.md` 5.4, `transcript-format.md` 8):
//!
//! - 0.40 and later ([`Reader`]): JSON lines. The first is the session's metadata
//!   (`sessionId`, `projectHash`, `startTime`, `kind`), then messages, and `{"$set": …}` patches.
//!   A message is appended again, whole, every time it is updated (its tool calls finish, its
//!   tokens arrive), so the same `id` repeats and the last copy wins: the reader holds the latest
//!   message until a line with another id shows it is final (or the file ends).
//! - 0.39 and earlier ([`DocumentReader`]): one JSON document, `{sessionId, …, messages: […]}`,
//!   rewritten whole on every change ([`super::Growth::Rewrites`]): read when it is complete.
//!
//! A message is `{id, timestamp, type: user|gemini|info|error|warning, content}`; a `gemini`
//! message carries `model`, `tokens{input, output, cached, …}` and `toolCalls[{id, name, args,
//! result, status: success|error|cancelled}]`. The shell's exit code is only in its output text
//! (`Exit Code: N`). "Request cancelled." (an `info` message) is the user's interrupt. The
//! project's directory is not in the file (only its hash), and a declined call is recorded as
//! cancelled like one the user stopped, so rejections are not read.

use std::borrow::Cow;
use std::sync::Arc;

use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

use super::common::{
    self, Emitter, JsonLines, LineParser, bad_line, bare_action, command_action, commit_line,
    edit_action, first_line, int, line_count, line_text, observation_hash, one_line, parse_object,
    present, text, text_sig,
};
use super::{ParseStats, Role, SkipReason, Step};
use crate::core::LineNo;
use crate::core::checks::{self, CheckKind};
use crate::core::event::{
    AGENT_TEXT_KEEP, AgentText, Context, ERROR_KEEP, EntryPoint, Event, EventKind, ModelCall,
    Outcome, PROMPT_KEEP, Prompt, PromptSource, Tool, ToolResult,
};
use crate::core::hash::{hash, hash_str};
use crate::core::lines::DEFAULT_MAX_LINE;
use crate::core::sanitize::prefix;

/// Gemini CLI's JSONL reader (0.40+).
pub type Reader = JsonLines<Parser>;

impl Reader {
    /// A reader for a session file (a sub-agent role attributes everything to it).
    #[must_use]
    pub fn new(role: Role<'_>) -> Self {
        Self::with_parser(Parser {
            messages: Messages::new(role),
            ..Parser::default()
        })
    }
}

/// A message's fields a rule reads.
#[derive(Default, Deserialize)]
#[serde(default)]
struct Message<'a> {
    #[serde(borrow)]
    id: Option<&'a RawValue>,
    #[serde(borrow)]
    timestamp: Option<&'a RawValue>,
    #[serde(rename = "type", borrow)]
    kind: Option<&'a RawValue>,
    #[serde(borrow)]
    content: Option<&'a RawValue>,
    #[serde(borrow)]
    model: Option<&'a RawValue>,
    #[serde(borrow)]
    tokens: Option<&'a RawValue>,
    #[serde(rename = "toolCalls", borrow)]
    tool_calls: Option<&'a RawValue>,
    #[serde(rename = "sessionId", borrow)]
    session_id: Option<&'a RawValue>,
    #[serde(rename = "$set", borrow)]
    set: Option<&'a RawValue>,
    #[serde(rename = "startTime", borrow)]
    start_time: Option<&'a RawValue>,
}

/// What turns messages into events: the session's context and the model in use. Shared by both
/// readers.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Messages {
    ctx: Context,
    model: Option<Arc<str>>,
    file_agent: Option<Arc<str>>,
    pub stats: ParseStats,
}

impl Messages {
    fn new(role: Role<'_>) -> Self {
        Self {
            file_agent: match role {
                Role::Main => None,
                Role::Agent(a) => Some(Arc::from(prefix(a, 80))),
            },
            ..Self::default()
        }
    }

    /// The session's header (`sessionId`, …).
    fn header(&mut self, m: &Message<'_>, line: LineNo, out: &mut Vec<Event>) {
        if self.file_agent.is_some() {
            return;
        }
        let Some(id) = text(m.session_id).filter(|s| !s.is_empty()) else {
            return;
        };
        self.ctx.session_id = Some(prefix(&id, 200).to_owned());
        self.ctx.entry_point = Some(EntryPoint::Cli);
        out.push(Event {
            line,
            at: common::time(m.start_time),
            agent: None,
            kind: EventKind::Context(self.ctx.clone()),
        });
    }

    /// One message, final.
    fn message(&mut self, m: &Message<'_>, line: LineNo, out: &mut Vec<Event>) {
        let mut em = Emitter {
            line,
            at: common::time(m.timestamp),
            agent: self.file_agent.clone(),
            out,
        };
        let kind = text(m.kind).unwrap_or_default();
        let body = content_text(m.content);
        match &*kind {
            "user" => {
                if em.agent.is_some() || body.trim().is_empty() {
                    return;
                }
                em.emit(EventKind::Prompt(Prompt {
                    text: prefix(&body, PROMPT_KEEP).to_owned(),
                    len: body.len(),
                    source: PromptSource::Typed,
                    images: 0,
                    plan_mode: false,
                    redelivered: false,
                }));
            }
            "gemini" | "model" => self.reply(m, &body, &mut em),
            "info" => {
                if body.trim_start().starts_with("Request cancelled") && em.agent.is_none() {
                    em.emit(EventKind::Interrupt { during_tool: false });
                }
            }
            "error" => em.emit(EventKind::ApiError {
                status: None,
                text: first_line(&body, ERROR_KEEP),
            }),
            "warning" => {}
            k => common::unknown_subkind(&mut self.stats, "message", k),
        }
    }

    fn reply(&mut self, m: &Message<'_>, body: &str, em: &mut Emitter<'_>) {
        if let Some(model) = text(m.model).filter(|s| !s.is_empty())
            && self.model.as_deref() != Some(&*model)
        {
            self.model = Some(Arc::from(prefix(&model, 100)));
        }
        #[derive(Deserialize, Default)]
        #[serde(default)]
        struct Tokens<'a> {
            #[serde(borrow)]
            input: Option<&'a RawValue>,
            #[serde(borrow)]
            output: Option<&'a RawValue>,
            #[serde(borrow)]
            cached: Option<&'a RawValue>,
        }
        let t: Tokens<'_> = present(m.tokens)
            .and_then(|t| serde_json::from_str(t.get()).ok())
            .unwrap_or_default();
        let n = |r| int(r).and_then(|v| u64::try_from(v).ok()).unwrap_or(0);
        let id = match text(m.id).filter(|s| !s.is_empty()) {
            Some(s) => hash_str(&s),
            None => hash(format!("gemini msg {}", em.line.0).as_bytes()),
        };
        let input = n(t.input);
        let cached = n(t.cached).min(input);
        em.emit(EventKind::ModelCall(ModelCall {
            id,
            model: self.model.clone(),
            input_tokens: input - cached,
            output_tokens: n(t.output),
            cache_read_tokens: cached,
            cache_creation_tokens: 0,
            window: None,
        }));
        if !body.trim().is_empty() {
            em.emit(EventKind::AgentText(AgentText {
                message: id,
                text: Arc::from(prefix(body, AGENT_TEXT_KEEP)),
                words: u32::try_from(crate::core::engine::text::word_count(body))
                    .unwrap_or(u32::MAX),
            }));
        }
        let calls: Vec<&RawValue> = present(m.tool_calls)
            .and_then(|c| serde_json::from_str(c.get()).ok())
            .unwrap_or_default();
        for (i, c) in calls.into_iter().enumerate() {
            tool_call(c, id, i, em);
        }
    }
}

/// One finished tool call of a reply: its action and its result.
fn tool_call(raw: &RawValue, message: u64, i: usize, em: &mut Emitter<'_>) {
    #[derive(Deserialize, Default)]
    #[serde(default)]
    struct Call<'a> {
        #[serde(borrow)]
        id: Option<&'a RawValue>,
        #[serde(borrow)]
        name: Option<&'a RawValue>,
        #[serde(borrow)]
        args: Option<&'a RawValue>,
        #[serde(borrow)]
        result: Option<&'a RawValue>,
        #[serde(borrow)]
        status: Option<&'a RawValue>,
        #[serde(rename = "resultDisplay", borrow)]
        result_display: Option<&'a RawValue>,
    }
    let Ok(c) = serde_json::from_str::<Call<'_>>(raw.get()) else {
        return;
    };
    let id = match text(c.id).filter(|s| !s.is_empty()) {
        Some(s) => hash_str(&s),
        None => hash(format!("gemini call {message}:{i}").as_bytes()),
    };
    let name = text(c.name).unwrap_or_default();
    let (action, added, removed) = action(id, &name, c.args);
    let check = action.check;
    let tool = action.tool;
    em.emit(EventKind::Action(action));
    let output = result_output(c.result)
        .or_else(|| text(c.result_display).map(Cow::into_owned))
        .unwrap_or_default();
    let exit = exit_code(&output);
    let status = text(c.status).unwrap_or_default();
    let outcome = match &*status {
        "error" => Outcome::Error,
        "cancelled" | "canceled" => Outcome::Interrupted,
        _ if exit.is_some_and(|x| x != 0) => Outcome::Error,
        _ => Outcome::Ok,
    };
    let mut r = ToolResult::new(id, outcome);
    r.obs = observation_hash(c.result.map_or("", RawValue::get));
    if r.outcome == Outcome::Error {
        r.error = Some(first_line(&output, ERROR_KEEP));
        r.timed_out = output.contains("timed out");
    }
    if let Some(kind) = check {
        r.check_failed = r.outcome == Outcome::Error
            || (r.outcome == Outcome::Ok
                && kind != CheckKind::Commit
                && checks::output_says_failed(&output));
        if r.check_failed {
            r.failure = Some(checks::failure(&output));
        }
        r.committed = kind == CheckKind::Commit && r.outcome == Outcome::Ok && commit_line(&output);
    }
    if r.outcome == Outcome::Ok && matches!(tool, Tool::Edit | Tool::Write) {
        r.lines_added = added;
        r.lines_removed = removed;
    }
    em.emit(EventKind::Result(r));
}

/// The output text of a call's `result` (`[{functionResponse: {response: {output}}}]`).
fn result_output(raw: Option<&RawValue>) -> Option<String> {
    #[derive(Deserialize, Default)]
    #[serde(default)]
    struct Response<'a> {
        #[serde(borrow)]
        output: Option<&'a RawValue>,
        #[serde(borrow)]
        error: Option<&'a RawValue>,
    }
    #[derive(Deserialize, Default)]
    #[serde(default)]
    struct Fr<'a> {
        #[serde(borrow)]
        response: Option<Response<'a>>,
    }
    #[derive(Deserialize, Default)]
    #[serde(default)]
    struct Part<'a> {
        #[serde(rename = "functionResponse", borrow)]
        function_response: Option<Fr<'a>>,
    }
    let raw = present(raw)?;
    if let Some(s) = text(Some(raw)) {
        return Some(s.into_owned());
    }
    let parts: Vec<Part<'_>> = serde_json::from_str(raw.get()).ok()?;
    let texts: Vec<String> = parts
        .into_iter()
        .filter_map(|p| p.function_response?.response)
        .filter_map(|r| {
            text(r.output)
                .or_else(|| text(r.error))
                .map(Cow::into_owned)
        })
        .collect();
    (!texts.is_empty()).then(|| texts.join("\n"))
}

/// `Exit Code: N` in a shell output.
fn exit_code(output: &str) -> Option<i64> {
    let i = output.find("Exit Code: ")?;
    let rest = &output[i + "Exit Code: ".len()..];
    let digits: String = rest
        .chars()
        .take_while(|c| c.is_ascii_digit() || *c == '-')
        .collect();
    digits.parse().ok()
}

/// A message's content: a string, or a list of `{text}` parts.
fn content_text(raw: Option<&RawValue>) -> String {
    let Some(raw) = present(raw) else {
        return String::new();
    };
    if let Some(s) = text(Some(raw)) {
        return s.into_owned();
    }
    #[derive(Deserialize, Default)]
    #[serde(default)]
    struct Part<'a> {
        #[serde(borrow)]
        text: Option<&'a RawValue>,
    }
    let parts: Vec<Part<'_>> = serde_json::from_str(raw.get()).unwrap_or_default();
    parts
        .iter()
        .filter_map(|p| text(p.text))
        .collect::<Vec<_>>()
        .join("\n")
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Args<'a> {
    #[serde(borrow)]
    command: Option<&'a RawValue>,
    #[serde(borrow)]
    file_path: Option<&'a RawValue>,
    #[serde(borrow)]
    absolute_path: Option<&'a RawValue>,
    #[serde(borrow)]
    path: Option<&'a RawValue>,
    #[serde(borrow)]
    old_string: Option<&'a RawValue>,
    #[serde(borrow)]
    new_string: Option<&'a RawValue>,
    #[serde(borrow)]
    content: Option<&'a RawValue>,
    #[serde(borrow)]
    pattern: Option<&'a RawValue>,
    #[serde(borrow)]
    query: Option<&'a RawValue>,
    #[serde(borrow)]
    prompt: Option<&'a RawValue>,
}

fn action(id: u64, name: &str, args: Option<&RawValue>) -> (crate::core::event::Action, u32, u32) {
    let raw = args.map_or("", RawValue::get);
    let a: Args<'_> = serde_json::from_str(raw).unwrap_or_default();
    let path = text(a.file_path)
        .or_else(|| text(a.absolute_path))
        .or_else(|| text(a.path))
        .unwrap_or_default();
    match name {
        "run_shell_command" | "shell" => {
            let command = text(a.command).unwrap_or_default();
            (command_action(id, name, &command), 0, 0)
        }
        "replace" | "edit" => {
            let old = text(a.old_string).unwrap_or_default();
            let new = text(a.new_string).unwrap_or_default();
            let act = edit_action(id, name, Tool::Edit, &path, &old, &new);
            (act, line_count(&new), line_count(&old))
        }
        "write_file" => {
            let new = text(a.content).unwrap_or_default();
            let act = edit_action(id, name, Tool::Write, &path, "", &new);
            (act, line_count(&new), 0)
        }
        _ => {
            let tool = match name {
                "read_file" | "read_many_files" | "list_directory" | "ls" => Tool::Read,
                "glob" | "search_file_content" | "grep" | "grep_search" => Tool::Search,
                "web_fetch" | "google_web_search" | "web_search" => Tool::Web,
                "write_todos" => Tool::Todo,
                "codebase_investigator" | "delegate_to_agent" => Tool::Task,
                _ => Tool::Other,
            };
            let mut act = bare_action(id, name, tool);
            let target = if path.is_empty() {
                text(a.pattern)
                    .or_else(|| text(a.query))
                    .or_else(|| text(a.prompt))
                    .unwrap_or_default()
            } else {
                path
            };
            act.target = one_line(&target);
            act.sig = text_sig(name, raw);
            (act, 0, 0)
        }
    }
}

/// A message held until its last copy can have arrived.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Held {
    line: LineNo,
    id: String,
    /// The message's JSON, as its latest copy wrote it.
    json: String,
}

/// The JSONL parser (0.40+); see the module docs.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Parser {
    messages: Messages,
    held: Option<Held>,
    /// Ids of messages let go, the latest few: a copy of one of them after it was let go is an
    /// update that came too late to count (noted, not read twice).
    released: std::collections::VecDeque<String>,
}

impl Parser {
    fn release(&mut self, out: &mut Vec<Event>) {
        let Some(h) = self.held.take() else { return };
        if let Ok(m) = serde_json::from_str::<Message<'_>>(&h.json) {
            self.messages.message(&m, h.line, out);
        }
        self.released.push_back(h.id);
        if self.released.len() > 16 {
            self.released.pop_front();
        }
    }
}

impl LineParser for Parser {
    fn parse_line(&mut self, line: LineNo, bytes: &[u8], out: &mut Vec<Event>) {
        let Some((text_in, repaired)) = line_text(&mut self.messages.stats, bytes) else {
            return;
        };
        let Some(m) = parse_object::<Message<'_>>(&mut self.messages.stats, line, &text_in) else {
            return;
        };
        if repaired {
            self.messages.stats.repaired_utf8 += 1;
        }
        if m.set.is_some() {
            return; // metadata patch (`lastUpdated`)
        }
        let Some(id) = text(m.id).filter(|s| !s.is_empty()) else {
            if m.session_id.is_some() {
                self.messages.header(&m, line, out);
            } else {
                self.messages.stats.skip(
                    line,
                    SkipReason::NoType,
                    "neither a message (id) nor the session's header".into(),
                );
            }
            return;
        };
        if text(m.kind).is_none() {
            self.messages.stats.skip(
                line,
                SkipReason::NoType,
                "the message has no string \"type\"".into(),
            );
            return;
        }
        if self.held.as_ref().is_some_and(|h| h.id != *id) {
            self.release(out);
        }
        if self.released.iter().any(|r| *r == *id) {
            // Updated after a later message was written: too late to count again.
            self.messages.stats.passed_over += 1;
            return;
        }
        self.held = Some(Held {
            line,
            id: id.into_owned(),
            json: text_in.into_owned(),
        });
    }

    fn oversized(&mut self, line: LineNo, len: u64) {
        self.messages.stats.lines += 1;
        self.messages
            .stats
            .skip(line, SkipReason::TooLong, format!("{len} bytes"));
    }

    fn finish(&mut self, out: &mut Vec<Event>) {
        self.release(out);
    }

    fn stats(&self) -> &ParseStats {
        &self.messages.stats
    }

    fn into_stats(self) -> ParseStats {
        self.messages.stats
    }
}

/// The whole-file JSON reader (0.39 and earlier): bytes are held until the document's top-level
/// object closes, then it is read at once, each message at its own line.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct DocumentReader {
    messages: Messages,
    buf: Vec<u8>,
    /// Scanner state over `buf`: depth of nesting, inside a string, after a backslash.
    depth: u32,
    in_string: bool,
    escaped: bool,
    /// Lines before `buf` (documents already read) and the line the next document starts on.
    line: u64,
    done: bool,
    max: usize,
}

impl DocumentReader {
    /// A reader for a whole-file session.
    #[must_use]
    pub fn new(role: Role<'_>) -> Self {
        Self {
            messages: Messages::new(role),
            max: DEFAULT_MAX_LINE,
            line: 1,
            ..Self::default()
        }
    }

    /// Caps the document's size.
    pub fn set_max_record(&mut self, max: usize) {
        self.max = max.max(1);
    }

    /// Feeds bytes up to the end of the document: it is read when its top-level object closes.
    pub fn feed_record(&mut self, bytes: &[u8], out: &mut Vec<Event>) -> Step {
        if self.done {
            // Anything after the document: whitespace, or damage (counted once, at the end).
            self.buf
                .extend_from_slice(&bytes[..bytes.len().min(self.max)]);
            return Step {
                consumed: bytes.len(),
                ended: None,
            };
        }
        for (i, &b) in bytes.iter().enumerate() {
            if self.buf.len() >= self.max {
                self.buf.clear();
                self.done = true;
                self.messages.stats.lines += 1;
                self.messages.stats.skip(
                    LineNo(self.line),
                    SkipReason::TooLong,
                    format!("the session document is over {} bytes", self.max),
                );
                return Step {
                    consumed: bytes.len(),
                    ended: None,
                };
            }
            self.buf.push(b);
            if self.in_string {
                match (self.escaped, b) {
                    (true, _) => self.escaped = false,
                    (false, b'\\') => self.escaped = true,
                    (false, b'"') => self.in_string = false,
                    _ => {}
                }
                continue;
            }
            match b {
                b'"' => self.in_string = true,
                b'{' | b'[' => self.depth += 1,
                b'}' | b']' => {
                    self.depth = self.depth.saturating_sub(1);
                    if self.depth == 0 {
                        let ended = self.read_document(out);
                        return Step {
                            consumed: i + 1,
                            ended: Some(ended),
                        };
                    }
                }
                _ => {}
            }
        }
        Step {
            consumed: bytes.len(),
            ended: None,
        }
    }

    /// The file ended: an incomplete document (or damage after it) is a counted skip.
    pub fn finish(&mut self, _out: &mut Vec<Event>) -> Option<LineNo> {
        let rest = std::mem::take(&mut self.buf);
        if rest.iter().any(|b| !b.is_ascii_whitespace()) {
            self.messages.stats.lines += 1;
            let why = if self.done {
                "bytes after the session document"
            } else {
                "the session document is incomplete"
            };
            self.messages
                .stats
                .skip(LineNo(self.line), SkipReason::InvalidJson, why.into());
        }
        None
    }

    fn read_document(&mut self, out: &mut Vec<Event>) -> LineNo {
        #[derive(Deserialize, Default)]
        #[serde(default)]
        struct Doc<'a> {
            #[serde(borrow)]
            messages: Option<Vec<&'a RawValue>>,
        }
        let buf = std::mem::take(&mut self.buf);
        self.done = true;
        let start = self.line;
        let newlines = memchr::memchr_iter(b'\n', &buf).count() as u64;
        let end = LineNo(start + newlines);
        self.line = start + newlines;
        let text_in = String::from_utf8_lossy(&buf);
        self.messages.stats.lines += newlines + 1;
        let header = match serde_json::from_str::<Message<'_>>(&text_in) {
            Ok(h) => h,
            Err(e) => {
                bad_line(&mut self.messages.stats, LineNo(start), &text_in, &e);
                return end;
            }
        };
        self.messages.header(&header, LineNo(start), out);
        let doc: Doc<'_> = serde_json::from_str(&text_in).unwrap_or_default();
        let base = text_in.as_ptr() as usize;
        for raw in doc.messages.unwrap_or_default() {
            // The message's line in the file: the newlines before its first byte.
            let offset = (raw.get().as_ptr() as usize).saturating_sub(base);
            let line = start
                + memchr::memchr_iter(b'\n', &text_in.as_bytes()[..offset.min(text_in.len())])
                    .count() as u64;
            match serde_json::from_str::<Message<'_>>(raw.get()) {
                Ok(m) => self.messages.message(&m, LineNo(line), out),
                Err(e) => {
                    self.messages
                        .stats
                        .skip(LineNo(line), SkipReason::NotAnObject, e.to_string());
                }
            }
        }
        end
    }

    /// Skip and drift counters.
    #[must_use]
    pub fn stats(&self) -> &ParseStats {
        &self.messages.stats
    }

    /// Takes the counters.
    #[must_use]
    pub fn into_stats(self) -> ParseStats {
        self.messages.stats
    }

    /// Bytes held for a document that has not closed.
    #[must_use]
    pub fn pending_bytes(&self) -> u64 {
        if self.done { 0 } else { self.buf.len() as u64 }
    }
}

/// Whether a line is a Gemini CLI JSONL session's header (`sessionId` with `projectHash`).
#[must_use]
pub fn looks_like_lines(line: &[u8]) -> bool {
    std::str::from_utf8(line)
        .ok()
        .and_then(|t| serde_json::from_str::<Header<'_>>(t).ok())
        .is_some_and(|h| h.session_id.is_some() && h.project_hash.is_some() && h.messages.is_none())
}

/// Whether a file's head is the opening of a Gemini CLI whole-file session (a JSON object with
/// `sessionId` and `projectHash` on its first lines).
#[must_use]
pub fn looks_like_document(head: &[u8]) -> bool {
    let t = String::from_utf8_lossy(&head[..head.len().min(4096)]);
    t.trim_start().starts_with('{')
        && t.contains("\"sessionId\"")
        && (t.contains("\"projectHash\"") || t.contains("\"messages\""))
}

#[derive(Deserialize)]
struct Header<'a> {
    #[serde(rename = "sessionId", borrow, default)]
    session_id: Option<&'a RawValue>,
    #[serde(rename = "projectHash", borrow, default)]
    project_hash: Option<&'a RawValue>,
    #[serde(borrow, default)]
    kind: Option<&'a RawValue>,
    #[serde(borrow, default)]
    messages: Option<&'a RawValue>,
}

/// The header's `kind` (`main` or `subagent`) of a JSONL session's first line.
#[must_use]
pub fn header_kind(line: &[u8]) -> Option<String> {
    let h: Header<'_> = serde_json::from_str(std::str::from_utf8(line).ok()?).ok()?;
    text(h.kind).map(Cow::into_owned)
}

/// The `sessionId` and start time of a Gemini session file's head (JSONL's first line, or the
/// JSON document's opening), for the edge.
#[must_use]
pub fn session_id(head: &[u8]) -> Option<String> {
    let first = head.split(|b| *b == b'\n').next().unwrap_or(head);
    let try_line = std::str::from_utf8(first)
        .ok()
        .and_then(|t| serde_json::from_str::<Message<'_>>(t).ok())
        .and_then(|m| text(m.session_id).map(Cow::into_owned));
    try_line.or_else(|| {
        // A pretty-printed document: `"sessionId": "…"` near its start.
        let t = String::from_utf8_lossy(head);
        let i = t.find("\"sessionId\"")?;
        let rest = t[i + "\"sessionId\"".len()..]
            .trim_start()
            .strip_prefix(':')?;
        let rest = rest.trim_start().strip_prefix('"')?;
        Some(rest.split('"').next()?.to_owned())
    })
}

#[cfg(test)]
mod tests;
