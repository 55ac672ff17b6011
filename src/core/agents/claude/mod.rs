//! Claude Code transcripts: one JSONL line in, normalised [`Event`]s out.
//!
//! [`Parser`] is fed lines in file order. It keeps a little state between lines: the tool calls
//! still waiting for their results (so a result is analysed according to what was called: a test
//! run's output is read for failures, an edit's patch is counted, a file read is only hashed), the
//! last context it reported, and the skip and drift counters. Everything else is decided per line,
//! following `shared/research/transcript-format.md` sections 2–3.

mod peek;
pub mod record;
mod tools;

use std::collections::HashMap;
use std::sync::Arc;

use serde::Serialize;
use serde_json::value::RawValue;

use self::record::{Block, Content, Json, Record, raw_text};
use super::common::{
    Emitter, JsonLines, LineParser, commit_line, first_line, json_kind, observation_hash,
};
use super::{ParseStats, Role, SkipReason};
use crate::core::bounded::Waiting;
use crate::core::checks::{self, CheckKind};
use crate::core::event::{
    AGENT_TEXT_KEEP, AgentText, Context, ERROR_KEEP, EntryPoint, Event, EventKind, ModelCall,
    Outcome, PROMPT_KEEP, Prompt, PromptSource, Tool, ToolResult,
};
use crate::core::hash::hash_str;
use crate::core::sanitize::prefix;
use crate::core::{LineNo, Millis};

/// The tag at the start of anything ringside hands the agent (`ringside hook` with
/// `additional_context`). Claude Code saves such context in the transcript, usually inside a
/// `<system-reminder>`; text carrying the tag is never read as the user's.
pub const INJECTED_TAG: &str = "[ringside]";

/// Claude Code's reader: JSON lines, one record per line, only ever appended. Framing is
/// [`JsonLines`]'s (a torn last line waits for its newline, an oversized one is skipped and
/// counted); each complete line goes to the [`Parser`].
pub type Reader = JsonLines<Parser>;

impl Reader {
    /// A reader for a main session file, or for a sub-agent's file.
    #[must_use]
    pub fn new(role: Role<'_>) -> Self {
        Self::with_parser(match role {
            Role::Main => Parser::new(),
            Role::Agent(agent) => Parser::for_agent(agent),
        })
    }
}

impl LineParser for Parser {
    fn parse_line(&mut self, line: LineNo, bytes: &[u8], out: &mut Vec<Event>) {
        Parser::parse_line(self, line, bytes, out);
    }

    fn oversized(&mut self, line: LineNo, len: u64) {
        Parser::oversized(self, line, len);
    }

    fn finish(&mut self, out: &mut Vec<Event>) {
        Parser::finish(self, out);
    }

    fn stats(&self) -> &ParseStats {
        &self.stats
    }

    fn into_stats(self) -> ParseStats {
        self.stats
    }
}

/// What a pending tool call needs from its result.
#[derive(Debug, Clone, Copy, Serialize, serde::Deserialize)]
struct Pending {
    tool: Tool,
    check: Option<CheckKind>,
}

/// The Claude Code line parser; see the module docs.
#[derive(Debug, Clone, Default, Serialize, serde::Deserialize)]
pub struct Parser {
    /// Calls waiting for their result (bounded: see [`crate::core::bounded`]).
    pending: Waiting<Pending>,
    ctx: Context,
    model: Option<Arc<str>>,
    agents: HashMap<String, Arc<str>>,
    /// For a sub-agent file: the agent every line belongs to.
    file_agent: Option<Arc<str>>,
    last_was_boundary: bool,
    /// A prompt just enqueued; see [`Parser::release_held`].
    held: Option<Held>,
    pub stats: ParseStats,
}

/// A `queue-operation` enqueue waiting for the next line to say what it was.
#[derive(Debug, Clone, Serialize, serde::Deserialize)]
struct Held {
    line: LineNo,
    at: Option<Millis>,
    text: String,
}

/// Line types that carry nothing the rules use; seen and deliberately ignored.
const IGNORED_TYPES: &[&str] = &[
    "summary",
    "file-history-snapshot",
    "file-history-delta",
    "progress",
    "tag",
    "last-prompt",
    "permission-mode",
    "mode",
    "pr-link",
    "frame-link",
    "worktree-state",
    "relocated",
    "bridge-session",
    "atis-latch",
    // 2.1.3xx: the request's shape and body, the tools offered, the client's running cost.
    "api-request",
    "api-request-blob",
    "api-request-shape",
    "tools-used",
    "cost-state",
    "started",
    "result",
];

impl Parser {
    /// A parser for a main session file.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// A parser for a sub-agent file: every event is attributed to `agent`.
    #[must_use]
    pub fn for_agent(agent: &str) -> Self {
        Self {
            file_agent: Some(Arc::from(agent)),
            ..Self::default()
        }
    }

    /// The file ended (as far as it will be read): a prompt still held is a queued one.
    pub fn finish(&mut self, out: &mut Vec<Event>) {
        self.release_held(false, out);
    }

    /// An enqueued prompt is held for one line. Dequeued at once, it was never waiting: the
    /// `user` record that follows delivers it (`claude -p`, and every typed prompt in newer
    /// versions), so it is counted there, once, as typed. Anything else next means it waited
    /// while the agent worked: a prompt typed meanwhile, counted at the enqueue.
    fn release_held(&mut self, dequeued: bool, out: &mut Vec<Event>) {
        let Some(h) = self.held.take() else { return };
        if !dequeued {
            queued(
                &h.text,
                &mut Emitter {
                    line: h.line,
                    at: h.at,
                    agent: None,
                    out,
                },
            );
        }
    }

    /// Records a line that was too long to buffer.
    pub fn oversized(&mut self, line: LineNo, len: u64) {
        self.stats.lines += 1;
        self.stats
            .skip(line, SkipReason::TooLong, format!("{len} bytes"));
    }

    /// Parses one line (without its newline) and appends its events to `out`.
    pub fn parse_line(&mut self, line: LineNo, bytes: &[u8], out: &mut Vec<Event>) {
        self.stats.lines += 1;
        if bytes.iter().all(u8::is_ascii_whitespace) {
            self.stats.blank += 1;
            return;
        }
        // One shallow look at the line's type serves both the held prompt and the skip below.
        let kind = peek::shallow_type(bytes);
        if self.held.is_some() {
            self.release_held(is_dequeue(kind, bytes), out);
        }
        // Progress and snapshot lines carry nothing the rules use: a shallow look at their type is
        // enough. A line that does not end like a complete object gets the full parse (and its
        // skip is counted if it is broken).
        if let Some(kind) = kind
            && (kind == b"progress" || kind == b"file-history-snapshot")
            && bytes.trim_ascii_end().ends_with(b"}")
        {
            self.stats.passed_over += 1;
            if kind == b"progress" && !self.stats.user_hooks {
                self.stats.user_hooks = peek::user_hook_progress(bytes);
            }
            return;
        }
        // One UTF-8 check for the whole line; `from_str` then never re-validates the strings
        // and raw values it borrows (the slice reader would, piece by piece).
        let Ok(text) = simdutf8::basic::from_utf8(bytes) else {
            // Invalid UTF-8: replace the bad bytes with U+FFFD and keep the line.
            let text = String::from_utf8_lossy(bytes).into_owned();
            match serde_json::from_str::<Record<'_>>(&text) {
                Ok(rec) => {
                    self.stats.repaired_utf8 += 1;
                    self.record(line, &rec, out);
                }
                Err(e) => self
                    .stats
                    .skip(line, SkipReason::InvalidJson, e.to_string()),
            }
            return;
        };
        // The fast reader where it is sure to agree with serde (vector scanning on x86-64; the
        // byte-at-a-time fallback elsewhere would be no faster than serde).
        if cfg!(all(target_arch = "x86_64", target_feature = "sse2"))
            && let Some(rec) = record::fast_record(text)
        {
            self.record(line, &rec, out);
            return;
        }
        match serde_json::from_str::<Record<'_>>(text) {
            Ok(rec) => self.record(line, &rec, out),
            Err(e) => {
                let reason = match serde_json::from_str::<serde::de::IgnoredAny>(text) {
                    Ok(_) => SkipReason::NotAnObject,
                    Err(_) => SkipReason::InvalidJson,
                };
                let detail = if reason == SkipReason::NotAnObject {
                    format!("a JSON {}", json_kind(bytes))
                } else {
                    e.to_string()
                };
                self.stats.skip(line, reason, detail);
            }
        }
    }

    fn record(&mut self, line: LineNo, rec: &Record<'_>, out: &mut Vec<Event>) {
        for f in &rec.unknown_fields {
            *self.stats.unknown_fields.entry(f.to_string()).or_default() += 1;
        }
        let Some(kind) = rec.kind.as_deref() else {
            self.stats.skip(
                line,
                SkipReason::NoType,
                "the object has no string \"type\"".into(),
            );
            return;
        };
        let at = rec.timestamp.as_deref().and_then(Millis::parse);
        let agent = self.agent_of(rec);
        let mut em = Emitter {
            line,
            at,
            agent: agent.clone(),
            out,
        };
        if agent.is_none() {
            self.context(rec, &mut em);
        }
        let boundary = kind == "system" && rec.subtype.as_deref() == Some("compact_boundary");
        match kind {
            "user" => self.user(rec, &mut em),
            "assistant" => self.assistant(rec, &mut em),
            "system" => self.system(rec, &mut em),
            "queue-operation" => {
                if let Some(text) = enqueued(rec, &em) {
                    self.held = Some(Held { line, at, text });
                }
            }
            "attachment" => self.stats.user_hooks |= attachment(rec, &mut em),
            "custom-title" => title(rec.custom_title.as_deref(), 3, &mut em),
            "agent-name" => title(rec.agent_name.as_deref(), 2, &mut em),
            "ai-title" => title(rec.ai_title.as_deref(), 1, &mut em),
            k if IGNORED_TYPES.contains(&k) => {}
            k => {
                *self.stats.unknown_types.entry(k.to_owned()).or_default() += 1;
                self.stats.skip(
                    line,
                    SkipReason::UnknownType,
                    format!("type \"{}\"", prefix(k, 60)),
                );
            }
        }
        if agent.is_none() && kind != "progress" && kind != "file-history-snapshot" {
            self.last_was_boundary = boundary;
        }
    }

    fn agent_of(&mut self, rec: &Record<'_>) -> Option<Arc<str>> {
        if let Some(a) = &self.file_agent {
            return Some(a.clone());
        }
        if !rec.is_sidechain {
            return None;
        }
        let id = rec.agent_id.as_deref().unwrap_or("sidechain");
        if let Some(a) = self.agents.get(id) {
            return Some(a.clone());
        }
        let a: Arc<str> = Arc::from(prefix(id, 80));
        self.agents.insert(id.to_owned(), a.clone());
        Some(a)
    }

    fn context(&mut self, rec: &Record<'_>, em: &mut Emitter<'_>) {
        let changed = |old: &Option<String>, new: &Option<std::borrow::Cow<'_, str>>| {
            new.as_deref()
                .is_some_and(|n| !n.is_empty() && old.as_deref() != Some(n))
        };
        // The `entrypoint` field names the front end; older headless lines say only
        // `promptSource: "sdk"` on the prompt.
        let entry = rec
            .entrypoint
            .as_deref()
            .and_then(EntryPoint::from_claude)
            .or_else(|| {
                (rec.kind.as_deref() == Some("user") && rec.prompt_source.as_deref() == Some("sdk"))
                    .then_some(EntryPoint::Headless)
            });
        let entry_changed = entry.is_some_and(|e| self.ctx.entry_point != Some(e));
        if entry_changed
            || changed(&self.ctx.session_id, &rec.session_id)
            || changed(&self.ctx.cwd, &rec.cwd)
            || changed(&self.ctx.git_branch, &rec.git_branch)
            || changed(&self.ctx.version, &rec.version)
        {
            if entry.is_some() {
                self.ctx.entry_point = entry;
            }
            let keep = |old: &mut Option<String>, new: &Option<std::borrow::Cow<'_, str>>| {
                if let Some(n) = new.as_deref().filter(|n| !n.is_empty()) {
                    *old = Some(prefix(n, 4096).to_owned());
                }
            };
            keep(&mut self.ctx.session_id, &rec.session_id);
            keep(&mut self.ctx.cwd, &rec.cwd);
            keep(&mut self.ctx.git_branch, &rec.git_branch);
            keep(&mut self.ctx.version, &rec.version);
            em.emit(EventKind::Context(self.ctx.clone()));
        }
    }

    // -- user lines ------------------------------------------------------------------------

    fn user(&mut self, rec: &Record<'_>, em: &mut Emitter<'_>) {
        let Some(msg) = &rec.message else { return };
        match &msg.content {
            Content::Text(t) => self.user_text(rec, t, 0, em),
            Content::Blocks(blocks) => {
                let results = blocks
                    .iter()
                    .filter(|b| b.kind.as_deref() == Some("tool_result"));
                let single = results.clone().count() == 1;
                for b in results {
                    self.tool_result(rec, b, single, em);
                }
                let texts: Vec<&str> = blocks
                    .iter()
                    .filter(|b| b.kind.as_deref() == Some("text"))
                    .filter_map(|b| b.text.as_deref())
                    .collect();
                let images = blocks
                    .iter()
                    .filter(|b| b.kind.as_deref() == Some("image"))
                    .count();
                if !texts.is_empty() || images > 0 {
                    let text = texts.join("\n");
                    self.user_text(rec, &text, u32::try_from(images).unwrap_or(u32::MAX), em);
                }
            }
            Content::None => {}
        }
    }

    fn user_text(&mut self, rec: &Record<'_>, text: &str, images: u32, em: &mut Emitter<'_>) {
        // ringside's own context first: alone it is no event at all (not even a command's
        // expansion); next to a prompt it is cut out of the prompt.
        let stripped = strip_injected(text);
        let injected = matches!(stripped, std::borrow::Cow::Owned(_));
        let text = stripped.as_ref();
        let t = text.trim_start();
        if (injected && t.is_empty() && images == 0) || t.starts_with(INJECTED_TAG) {
            return;
        }
        if t.starts_with("[Request interrupted by user") {
            em.emit(EventKind::Interrupt {
                during_tool: t.contains("for tool use"),
            });
            return;
        }
        if em.agent.is_some() || rec.tool_use_result.is_some() {
            return; // sub-agent instructions and tool-result carriers are never the human
        }
        if rec.is_compact_summary
            || t.starts_with("This session is being continued from a previous")
        {
            if !self.last_was_boundary {
                em.emit(EventKind::Compaction {
                    auto: true,
                    pre_tokens: None,
                });
            }
            return;
        }
        if rec.is_meta {
            if !t.starts_with("<local-command-caveat>") && !t.starts_with("Caveat:") {
                em.emit(EventKind::CommandExpansion);
            }
            return;
        }
        if rec.is_visible_in_transcript_only || !origin_is_human(rec.origin) {
            return;
        }
        if t.starts_with("<local-command-stdout>") || t.starts_with("<local-command-stderr>") {
            em.emit(EventKind::CommandOutput);
            return;
        }
        if let Some(kind) = machine_text(t) {
            match kind {
                Machine::Command => {
                    if let Some((name, args)) = parse_command(t) {
                        em.emit(EventKind::Command {
                            name,
                            args,
                            system: false,
                        });
                    }
                }
                Machine::Shell => em.emit(EventKind::ManualShell {
                    command: tag_body(t, "bash-input")
                        .map(|s| prefix(s, 300).to_owned())
                        .unwrap_or_default(),
                }),
                Machine::Task => em.emit(EventKind::TaskNotification {
                    failed: task_failed(t),
                }),
                Machine::HookFeedback => em.emit(EventKind::HookBlock {
                    text: first_line(t, ERROR_KEEP),
                }),
                Machine::Other => {}
            }
            return;
        }
        if t.is_empty() && images == 0 {
            return;
        }
        let mut p = prompt(text, PromptSource::Typed, images);
        p.plan_mode = rec.permission_mode.as_deref() == Some("plan");
        em.emit(EventKind::Prompt(p));
    }

    fn tool_result(&mut self, rec: &Record<'_>, b: &Block<'_>, single: bool, em: &mut Emitter<'_>) {
        let Some(id) = b.tool_use_id.as_deref().map(hash_str) else {
            return;
        };
        let pending = self.pending.remove(id);
        let tur = if single { rec.tool_use_result } else { None };
        let raw = b.content.map_or("", Json::get);
        let mut r = ToolResult::new(id, Outcome::Ok);
        r.is_error = b.is_error;
        r.obs = observation_hash(raw);
        let check = pending.and_then(|p| p.check);
        // Error texts, and the output of checks, are read in full; other output is only hashed.
        let text = if b.is_error || check.is_some() {
            b.content.map(|c| raw_text(c.get())).unwrap_or_default()
        } else {
            std::borrow::Cow::Borrowed("")
        };
        let interrupted = tur.is_some_and(|t| {
            memchr::memmem::find(t.get().as_bytes(), b"\"interrupted\":true").is_some()
        });
        r.outcome = if b.is_error {
            classify_error(&text, tur, rec.tool_denial_kind.is_some(), check)
        } else if interrupted {
            Outcome::Interrupted
        } else {
            Outcome::Ok
        };
        if r.outcome != Outcome::Ok && !matches!(r.outcome, Outcome::Rejected { .. }) {
            r.error = Some(error_excerpt(&text));
        }
        r.timed_out = b.is_error && text.contains("Command timed out");
        if let Some(kind) = check {
            r.check_failed = r.outcome == Outcome::Error
                || (r.outcome == Outcome::Ok
                    && kind != CheckKind::Commit
                    && checks::output_says_failed(&text));
            if r.check_failed {
                r.failure = Some(checks::failure(&text));
            }
            r.committed =
                kind == CheckKind::Commit && r.outcome == Outcome::Ok && commit_line(&text);
        }
        if r.outcome == Outcome::Ok {
            match pending.map(|p| p.tool) {
                Some(Tool::Edit | Tool::Write) => {
                    if let Some(t) = tur {
                        tools::count_patch(t.get(), &mut r);
                    }
                }
                Some(Tool::Task) => {
                    if let Some(t) = tur {
                        let (n, agent) = tools::delegated_actions(t.get());
                        r.delegated_actions = n;
                        r.delegated_to = agent.map(Arc::from);
                    }
                }
                _ => {}
            }
        }
        em.emit(EventKind::Result(r));
    }

    // -- assistant lines -------------------------------------------------------------------

    fn assistant(&mut self, rec: &Record<'_>, em: &mut Emitter<'_>) {
        let Some(msg) = &rec.message else { return };
        let synthetic = msg.model.as_deref() == Some("<synthetic>");
        if rec.is_api_error_message || synthetic {
            let text = msg
                .content
                .blocks()
                .iter()
                .filter_map(|b| b.text.as_deref())
                .next()
                .or(match &msg.content {
                    Content::Text(t) => Some(&**t),
                    _ => None,
                })
                .unwrap_or("");
            if rec.is_api_error_message || text.trim_start().starts_with("API Error") {
                em.emit(EventKind::ApiError {
                    status: rec.api_error_status,
                    text: first_line(text, ERROR_KEEP),
                });
            }
            return;
        }
        let Some(mid) = msg.id.as_deref().map(hash_str) else {
            return;
        };
        let model = msg.model.as_deref().map(|m| match &self.model {
            Some(cur) if &**cur == m => cur.clone(),
            _ => {
                let a: Arc<str> = Arc::from(prefix(m, 100));
                self.model = Some(a.clone());
                a
            }
        });
        let u = msg.usage.unwrap_or_default();
        em.emit(EventKind::ModelCall(ModelCall {
            id: mid,
            model,
            input_tokens: u.input_tokens,
            output_tokens: u.output_tokens,
            cache_read_tokens: u.cache_read_input_tokens,
            cache_creation_tokens: u.cache_creation_input_tokens,
            window: None,
        }));
        let blocks: &[Block<'_>] = msg.content.blocks();
        if let Content::Text(t) = &msg.content {
            em.emit(agent_text(mid, t));
        }
        for b in blocks {
            match b.kind.as_deref() {
                Some("text") => {
                    if let Some(t) = b.text.as_deref().filter(|t| !t.trim().is_empty()) {
                        em.emit(agent_text(mid, t));
                    }
                }
                Some("tool_use") => {
                    let Some(id) = b.id.as_deref() else { continue };
                    let name = b.name.as_deref().unwrap_or("unknown");
                    let action = tools::action(hash_str(id), name, b.input);
                    self.pending.insert(
                        action.id,
                        Pending {
                            tool: action.tool,
                            check: action.check,
                        },
                    );
                    em.emit(EventKind::Action(action));
                }
                _ => {}
            }
        }
        // A reply that ends the agent's turn, and asks for no tool, ends the turn: headless
        // runs (`claude -p`) write no `turn_duration`, and interactive ones write it later.
        let calls_tools = blocks.iter().any(|b| b.kind.as_deref() == Some("tool_use"));
        if em.agent.is_none() && msg.stop_reason.as_deref() == Some("end_turn") && !calls_tools {
            em.emit(EventKind::TurnEnd { duration_ms: None });
        }
    }

    // -- system lines ----------------------------------------------------------------------

    fn system(&mut self, rec: &Record<'_>, em: &mut Emitter<'_>) {
        match rec.subtype.as_deref() {
            Some("compact_boundary") => {
                let meta = rec.compact_metadata.clone().unwrap_or_default();
                em.emit(EventKind::Compaction {
                    auto: meta.trigger.as_deref() != Some("manual"),
                    pre_tokens: meta.pre_tokens,
                });
            }
            Some("turn_duration") => em.emit(EventKind::TurnEnd {
                duration_ms: rec.duration_ms,
            }),
            Some("api_error") => em.emit(EventKind::ApiRetry),
            Some("api_refusal" | "error") => em.emit(EventKind::ApiError {
                status: None,
                text: rec
                    .content
                    .map(|c| first_line(&raw_text(c.get()), ERROR_KEEP))
                    .unwrap_or_default(),
            }),
            Some("local_command") => {
                let text = rec.content.map(|c| raw_text(c.get())).unwrap_or_default();
                let t = text.trim_start();
                if matches!(machine_text(t), Some(Machine::Command))
                    && let Some((name, args)) = parse_command(t)
                {
                    em.emit(EventKind::Command {
                        name,
                        args,
                        system: true,
                    });
                }
            }
            _ => {}
        }
    }
}

/// The text of a main-thread `enqueue`, held until the next line (see `release_held`).
fn enqueued(rec: &Record<'_>, em: &Emitter<'_>) -> Option<String> {
    if rec.operation.as_deref() != Some("enqueue") || em.agent.is_some() {
        return None;
    }
    let text = rec.content.map(|c| raw_text(c.get())).unwrap_or_default();
    Some(prefix(&text, PROMPT_KEEP * 2).to_owned())
}

/// A `queue-operation` line whose operation is `dequeue` (a cheap look; a miss only means the
/// held prompt counts as queued).
fn is_dequeue(kind: Option<&[u8]>, bytes: &[u8]) -> bool {
    kind == Some(b"queue-operation")
        && memchr::memmem::find(bytes, b"\"operation\":\"dequeue\"").is_some()
}

/// A prompt typed while the agent worked; a queued `/command` is a control, not a prompt.
fn queued(text: &str, em: &mut Emitter<'_>) {
    let t = text.trim();
    if t.is_empty() || machine_text(t).is_some() {
        return;
    }
    if let Some((name, args)) = slash_command(t) {
        em.emit(EventKind::Command {
            name,
            args,
            system: true,
        });
        return;
    }
    em.emit(EventKind::Prompt(prompt(text, PromptSource::Queued, 0)));
}

/// `/name args` where name is a command-like word.
fn slash_command(t: &str) -> Option<(String, String)> {
    let rest = t.strip_prefix('/')?;
    let (name, args) = rest.split_once(char::is_whitespace).unwrap_or((rest, ""));
    let ok = name.chars().next()?.is_ascii_alphabetic()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | ':'));
    ok.then(|| {
        (
            format!("/{}", prefix(name, 80)),
            prefix(args.trim(), PROMPT_KEEP).to_owned(),
        )
    })
}

/// Emits an attachment's events; true when it reports a hook of the user's.
fn attachment(rec: &Record<'_>, em: &mut Emitter<'_>) -> bool {
    #[derive(serde::Deserialize)]
    struct Attachment<'a> {
        #[serde(rename = "type", borrow, default)]
        kind: Option<std::borrow::Cow<'a, str>>,
        #[serde(borrow, default)]
        prompt: Option<&'a RawValue>,
        #[serde(borrow, default)]
        content: Option<&'a RawValue>,
        #[serde(borrow, default)]
        command: Option<std::borrow::Cow<'a, str>>,
    }
    let Some(a) = rec
        .attachment
        .and_then(|raw| serde_json::from_str::<Attachment<'_>>(raw.get()).ok())
    else {
        return false;
    };
    // Without a command, only ringside's own context is known not to be the user's hook.
    let hook = a.kind.as_deref().is_some_and(|k| k.starts_with("hook_"))
        && match a.command.as_deref() {
            Some(c) => peek::is_user_hook(Some(c)),
            None => !a.content.is_some_and(|c| c.get().contains(INJECTED_TAG)),
        };
    match a.kind.as_deref() {
        Some("queued_command") if em.agent.is_none() => {
            queued(&a.prompt.map(|p| raw_text(p.get())).unwrap_or_default(), em);
        }
        Some("hook_blocking_error") => em.emit(EventKind::HookBlock {
            text: a
                .content
                .map(|c| first_line(&raw_text(c.get()), ERROR_KEEP))
                .unwrap_or_default(),
        }),
        _ => {}
    }
    hook
}

fn title(text: Option<&str>, rank: u8, em: &mut Emitter<'_>) {
    if let Some(t) = text.filter(|t| !t.trim().is_empty()) {
        em.emit(EventKind::Title {
            text: prefix(t, 200).to_owned(),
            rank,
        });
    }
}

fn prompt(text: &str, source: PromptSource, images: u32) -> Prompt {
    Prompt {
        text: prefix(text, PROMPT_KEEP).to_owned(),
        len: text.len(),
        source,
        images,
        plan_mode: false,
        redelivered: source == PromptSource::Queued,
    }
}

fn agent_text(message: u64, text: &str) -> EventKind {
    EventKind::AgentText(AgentText {
        message,
        text: Arc::from(prefix(text, AGENT_TEXT_KEEP)),
        words: u32::try_from(crate::core::engine::text::word_count(text)).unwrap_or(u32::MAX),
    })
}

/// Machine-written user text that looks like a message but is not the human's instruction.
enum Machine {
    Command,
    Shell,
    Task,
    HookFeedback,
    Other,
}

fn machine_text(t: &str) -> Option<Machine> {
    const OTHER: &[&str] = &[
        "<local-command-stdout>",
        "<local-command-stderr>",
        "<local-command-caveat>",
        "<bash-stdout>",
        "<bash-stderr>",
        "<user-memory-input>",
        "Caveat: The messages below",
        "[ringside]",
        "<ringside",
    ];
    // Only a body that is all tag markup is a command echo: people quote these tags in prompts.
    if (t.starts_with("<command-name>") || t.starts_with("<command-message>")) && is_all_markup(t) {
        return Some(Machine::Command);
    }
    if t.starts_with("<bash-input>") {
        return Some(Machine::Shell);
    }
    if t.starts_with("<task-notification>") {
        return Some(Machine::Task);
    }
    if t.starts_with("Stop hook feedback:") {
        return Some(Machine::HookFeedback);
    }
    if t.starts_with("<system-reminder>") && only_reminders(t) {
        return Some(Machine::Other);
    }
    OTHER
        .iter()
        .any(|p| t.starts_with(p))
        .then_some(Machine::Other)
}

/// True when the text is nothing but `<tag>…</tag>` elements and whitespace.
fn is_all_markup(t: &str) -> bool {
    let mut rest = t.trim();
    while !rest.is_empty() {
        let Some(open_end) = rest.strip_prefix('<').and_then(|r| r.find('>')) else {
            return false;
        };
        let name = &rest[1..=open_end];
        let close = format!("</{name}>");
        let Some(end) = rest.find(&close) else {
            return false;
        };
        rest = rest[end + close.len()..].trim_start();
    }
    true
}

/// `text` without the `<system-reminder>` blocks that carry [`INJECTED_TAG`] (Claude Code wraps
/// a hook's additional context in one). Borrowed when there is nothing to cut.
fn strip_injected(text: &str) -> std::borrow::Cow<'_, str> {
    const OPEN: &str = "<system-reminder>";
    const CLOSE: &str = "</system-reminder>";
    if !text.contains(INJECTED_TAG) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find(OPEN) {
        let body = &rest[start + OPEN.len()..];
        let Some(end) = body.find(CLOSE) else {
            break;
        };
        let block_end = start + OPEN.len() + end + CLOSE.len();
        if body[..end].contains(INJECTED_TAG) {
            out.push_str(&rest[..start]);
        } else {
            out.push_str(&rest[..block_end]);
        }
        rest = &rest[block_end..];
    }
    out.push_str(rest);
    std::borrow::Cow::Owned(out)
}

fn only_reminders(t: &str) -> bool {
    let mut rest = t.trim();
    while let Some(r) = rest.strip_prefix("<system-reminder>") {
        let Some(end) = r.find("</system-reminder>") else {
            return true;
        };
        rest = r[end + "</system-reminder>".len()..].trim_start();
    }
    rest.is_empty()
}

fn tag_body<'t>(t: &'t str, tag: &str) -> Option<&'t str> {
    let open = format!("<{tag}>");
    let close = format!("</{tag}>");
    let start = t.find(&open)? + open.len();
    let end = t[start..].find(&close).map_or(t.len(), |e| start + e);
    Some(t[start..end].trim())
}

fn parse_command(t: &str) -> Option<(String, String)> {
    let name = tag_body(t, "command-name")
        .or_else(|| tag_body(t, "command-message"))?
        .trim_start_matches('/');
    if name.is_empty() {
        return None;
    }
    let args = tag_body(t, "command-args").unwrap_or("");
    Some((
        format!("/{}", prefix(name, 80)),
        prefix(args, PROMPT_KEEP).to_owned(),
    ))
}

fn task_failed(t: &str) -> bool {
    let status = tag_body(t, "status").unwrap_or("");
    let exit_nonzero = t.find("exit code ").is_some_and(|i| {
        t[i + 10..]
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_digit() && c != '0')
    });
    !matches!(status, "" | "completed") || exit_nonzero
}

/// Newer lines say who wrote a prompt in `origin.kind`; anything but `human` is not the user.
fn origin_is_human(origin: Option<Json<'_>>) -> bool {
    #[derive(serde::Deserialize)]
    struct Origin<'a> {
        #[serde(borrow, default)]
        kind: Option<std::borrow::Cow<'a, str>>,
    }
    origin
        .and_then(|o| serde_json::from_str::<Origin<'_>>(o.get()).ok())
        .and_then(|o| o.kind)
        .is_none_or(|k| k == "human")
}

const REJECTION_PREFIXES: &[&str] = &[
    "The user doesn't want to proceed with this tool use",
    "The user doesn't want to take this action right now",
];
const FEEDBACK_MARKER: &str = "the user said:";

fn classify_error(
    text: &str,
    tur: Option<Json<'_>>,
    denied: bool,
    check: Option<CheckKind>,
) -> Outcome {
    let t = text.trim_start();
    let tur_text = tur.map(Json::get).unwrap_or("");
    if denied
        || REJECTION_PREFIXES.iter().any(|p| t.starts_with(p))
        || tur_text == "\"User rejected tool use\""
    {
        let feedback = t
            .find(FEEDBACK_MARKER)
            .map(|i| t[i + FEEDBACK_MARKER.len()..].trim())
            .filter(|f| !f.is_empty())
            .map(|f| prefix(f, PROMPT_KEEP).to_owned());
        return Outcome::Rejected { feedback };
    }
    if t.contains("Sibling tool call errored") {
        return Outcome::Cancelled;
    }
    if tur.is_some_and(|t| {
        memchr::memmem::find(t.get().as_bytes(), b"\"interrupted\":true").is_some()
    }) {
        return Outcome::Interrupted;
    }
    let harness = t.contains("File has not been read yet")
        || t.contains("File has been modified since read")
        || t.contains("File has been unexpectedly modified");
    let hook =
        t.contains("hook error") || t.contains("blocked by hook") || t.contains("Hook PreToolUse");
    if harness || (hook && check.is_none()) {
        return Outcome::Blocked;
    }
    Outcome::Error
}

/// The first meaningful lines of an error: tags removed, `Exit code N` joined to what follows.
fn error_excerpt(text: &str) -> String {
    let cleaned = text
        .replace("<tool_use_error>", "")
        .replace("</tool_use_error>", "");
    let mut lines = cleaned.lines().map(str::trim).filter(|l| !l.is_empty());
    let mut out = lines.next().unwrap_or("").to_owned();
    if (out.starts_with("Exit code") || out.starts_with("Error: Exit code") || out.ends_with(':'))
        && let Some(next) = lines.find(|l| !l.starts_with("Compiling") && !l.starts_with("Running"))
    {
        out.push_str(" · ");
        out.push_str(next);
    }
    prefix(&out, ERROR_KEEP).to_owned()
}

#[cfg(test)]
mod tests;
