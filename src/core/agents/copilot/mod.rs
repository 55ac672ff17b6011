//! GitHub Copilot CLI's `events.jsonl`: one event per line (`{"type", "data", "id", "timestamp",
//! "parentId"}`) in, normalised [`Event`]s out. Shapes follow `shared/research/agents.md` 5.2.
//!
//! - identity from `session.start` (`sessionId`, `copilotVersion`, `context.cwd`, `branch`);
//! - prompts from `user.message` (`content`, what was typed; `transformedContent` adds Copilot's
//!   own context); a message with a `parentToolCallId` is a sub-agent's instruction;
//! - tool calls from `assistant.message`'s `toolRequests` (or `tool.execution_start` when it came
//!   first), results from `tool.execution_complete`'s `success` flag, and for shell commands the
//!   exit code in the result text (`exit code N`) when there is one;
//! - turns end at `assistant.idle` / `session.idle`; `abort` is the user's interrupt;
//! - output tokens from `assistant.message`'s `outputTokens` (the transcript has no input
//!   tokens, so how full the context is cannot be told: `session.truncation` and compaction
//!   events are the context's signal);
//! - events of a sub-agent carry `parentToolCallId`: they are that sub-agent's work.
//!
//! Copilot CLI records a declined call like any other failed one, so rejections are not read
//! ([`super::Format::shows`]).

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::Arc;

use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

use super::common::{
    self, Emitter, JsonLines, LineParser, bare_action, command_action, commit_line, edit_action,
    first_line, flag, int, line_count, line_text, observation_hash, one_line, parse_object,
    present, text, text_sig, unknown_kind,
};
use super::{ParseStats, Role, SkipReason};
use crate::core::LineNo;
use crate::core::checks::{self, CheckKind};
use crate::core::event::{
    AGENT_TEXT_KEEP, AgentText, Context, ERROR_KEEP, EntryPoint, Event, EventKind, ModelCall,
    Outcome, PROMPT_KEEP, Prompt, PromptSource, Tool, ToolResult,
};
use crate::core::hash::{hash, hash_str};
use crate::core::sanitize::prefix;

/// Copilot CLI's reader: JSON lines, only ever appended.
pub type Reader = JsonLines<Parser>;

impl Reader {
    /// A reader for a session's `events.jsonl` (sub-agents are inline, so a file is always a
    /// main one; a sub-agent role attributes everything to it).
    #[must_use]
    pub fn new(role: Role<'_>) -> Self {
        Self::with_parser(Parser {
            file_agent: match role {
                Role::Main => None,
                Role::Agent(a) => Some(Arc::from(prefix(a, 80))),
            },
            ..Parser::default()
        })
    }
}

#[derive(Deserialize)]
struct Line<'a> {
    #[serde(rename = "type", borrow, default)]
    kind: Option<&'a RawValue>,
    #[serde(borrow, default)]
    data: Option<&'a RawValue>,
    #[serde(borrow, default)]
    timestamp: Option<&'a RawValue>,
    #[serde(borrow, default)]
    ephemeral: Option<&'a RawValue>,
}

#[derive(Default, Deserialize)]
#[serde(default)]
struct Data<'a> {
    #[serde(rename = "sessionId", borrow)]
    session_id: Option<&'a RawValue>,
    #[serde(rename = "copilotVersion", borrow)]
    copilot_version: Option<&'a RawValue>,
    #[serde(borrow)]
    context: Option<&'a RawValue>,
    #[serde(borrow)]
    content: Option<&'a RawValue>,
    #[serde(borrow)]
    attachments: Option<&'a RawValue>,
    #[serde(rename = "toolRequests", borrow)]
    tool_requests: Option<&'a RawValue>,
    #[serde(rename = "toolCallId", borrow)]
    tool_call_id: Option<&'a RawValue>,
    #[serde(rename = "toolName", borrow)]
    tool_name: Option<&'a RawValue>,
    #[serde(borrow)]
    arguments: Option<&'a RawValue>,
    #[serde(borrow)]
    success: Option<&'a RawValue>,
    #[serde(borrow)]
    result: Option<&'a RawValue>,
    #[serde(borrow)]
    error: Option<&'a RawValue>,
    #[serde(rename = "outputTokens", borrow)]
    output_tokens: Option<&'a RawValue>,
    #[serde(rename = "messageId", borrow)]
    message_id: Option<&'a RawValue>,
    #[serde(borrow)]
    model: Option<&'a RawValue>,
    #[serde(rename = "newModel", borrow)]
    new_model: Option<&'a RawValue>,
    #[serde(rename = "selectedModel", borrow)]
    selected_model: Option<&'a RawValue>,
    #[serde(rename = "parentToolCallId", borrow)]
    parent_tool_call_id: Option<&'a RawValue>,
    #[serde(borrow)]
    message: Option<&'a RawValue>,
    #[serde(rename = "statusCode", borrow)]
    status_code: Option<&'a RawValue>,
    #[serde(rename = "totalToolCalls", borrow)]
    total_tool_calls: Option<&'a RawValue>,
}

/// A call waiting for its result.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Pending {
    tool: Tool,
    check: Option<CheckKind>,
    added: u32,
    removed: u32,
    agent: Option<Arc<str>>,
}

/// The Copilot CLI event parser; see the module docs.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Parser {
    ctx: Context,
    model: Option<Arc<str>>,
    file_agent: Option<Arc<str>>,
    pending: HashMap<u64, Pending>,
    /// Sub-agent calls' reported totals, by call id.
    delegated: HashMap<u64, u32>,
    pub stats: ParseStats,
}

/// Event kinds seen and deliberately ignored (session bookkeeping, the UI's own notices).
const IGNORED: &[&str] = &[
    "session.info",
    "session.shutdown",
    "session.usage_checkpoint",
    "session.tools_updated",
    "session.auto_mode_resolved",
    "session.context_changed",
    "session.warning",
    "session.resume",
    "system.message",
    "assistant.reasoning",
    "assistant.turn_start",
    "assistant.turn_end",
    "assistant.intent",
    "model.call_start",
    "model.call_end",
    "permission.requested",
    "permission.completed",
    "hook.start",
    "hook.end",
    "subagent.started",
    "subagent.failed",
    "subagent.selected",
    "tool.user_requested",
    "tool.execution_partial_result",
    "tool.execution_progress",
    "skill.invoked",
    "custom_agent.selected",
];

impl LineParser for Parser {
    fn parse_line(&mut self, line: LineNo, bytes: &[u8], out: &mut Vec<Event>) {
        let Some((text, repaired)) = line_text(&mut self.stats, bytes) else {
            return;
        };
        if let Some(l) = parse_object::<Line<'_>>(&mut self.stats, line, &text) {
            if repaired {
                self.stats.repaired_utf8 += 1;
            }
            self.record(line, &l, out);
        }
    }

    fn oversized(&mut self, line: LineNo, len: u64) {
        self.stats.lines += 1;
        self.stats
            .skip(line, SkipReason::TooLong, format!("{len} bytes"));
    }

    fn stats(&self) -> &ParseStats {
        &self.stats
    }

    fn into_stats(self) -> ParseStats {
        self.stats
    }
}

impl Parser {
    fn record(&mut self, line: LineNo, l: &Line<'_>, out: &mut Vec<Event>) {
        let Some(kind) = text(l.kind) else {
            self.stats.skip(
                line,
                SkipReason::NoType,
                "the object has no string \"type\"".into(),
            );
            return;
        };
        if flag(l.ephemeral) == Some(true) {
            // Streaming deltas: the complete message follows.
            self.stats.passed_over += 1;
            return;
        }
        let d: Data<'_> = present(l.data)
            .and_then(|d| serde_json::from_str(d.get()).ok())
            .unwrap_or_default();
        let agent = self.file_agent.clone().or_else(|| {
            text(d.parent_tool_call_id)
                .filter(|p| !p.is_empty())
                .map(|p| Arc::from(prefix(&p, 80)))
        });
        let mut em = Emitter {
            line,
            at: common::time(l.timestamp),
            agent,
            out,
        };
        match &*kind {
            "session.start" => self.start(&d, &mut em),
            "session.model_change" => {
                if let Some(m) = text(d.new_model) {
                    self.model = Some(Arc::from(prefix(&m, 100)));
                }
            }
            "user.message" => user_message(&d, &mut em),
            "assistant.message" => self.assistant(&d, &mut em),
            "tool.execution_start" => {
                let id = call_id(d.tool_call_id, line);
                if !self.pending.contains_key(&id) {
                    let name = text(d.tool_name).unwrap_or_default();
                    self.call(id, &name, d.arguments, &mut em);
                }
            }
            "tool.execution_complete" => self.complete(&d, &mut em),
            "assistant.idle" | "session.idle" => {
                if em.agent.is_none() {
                    em.emit(EventKind::TurnEnd { duration_ms: None });
                }
            }
            "abort" => {
                if em.agent.is_none() {
                    em.emit(EventKind::Interrupt {
                        during_tool: !self.pending.is_empty(),
                    });
                }
            }
            "session.error" => em.emit(EventKind::ApiError {
                status: int(d.status_code).and_then(|s| u64::try_from(s).ok()),
                text: text(d.message)
                    .map(|m| first_line(&m, ERROR_KEEP))
                    .unwrap_or_default(),
            }),
            "session.truncation" | "session.compaction_complete" => {
                if em.agent.is_none() {
                    em.emit(EventKind::Compaction {
                        auto: true,
                        pre_tokens: None,
                    });
                }
            }
            "subagent.completed" => {
                let id = call_id(d.tool_call_id, line);
                if let Some(n) = int(d.total_tool_calls).and_then(|n| u32::try_from(n).ok()) {
                    self.delegated.insert(id, n);
                }
            }
            k if IGNORED.contains(&k) => {}
            k if k.ends_with("_delta") => self.stats.passed_over += 1,
            k => unknown_kind(&mut self.stats, line, k),
        }
    }

    fn start(&mut self, d: &Data<'_>, em: &mut Emitter<'_>) {
        #[derive(Deserialize, Default)]
        #[serde(default)]
        struct Ctx<'a> {
            #[serde(borrow)]
            cwd: Option<&'a RawValue>,
            #[serde(borrow)]
            branch: Option<&'a RawValue>,
        }
        let c: Ctx<'_> = present(d.context)
            .and_then(|c| serde_json::from_str(c.get()).ok())
            .unwrap_or_default();
        let keep = |v: Option<Cow<'_, str>>| {
            v.filter(|s| !s.is_empty())
                .map(|s| prefix(&s, 4096).to_owned())
        };
        if let Some(m) = text(d.selected_model).filter(|m| !m.is_empty()) {
            self.model = Some(Arc::from(prefix(&m, 100)));
        }
        if em.agent.is_some() {
            return;
        }
        self.ctx = Context {
            session_id: keep(text(d.session_id)),
            cwd: keep(text(c.cwd)),
            git_branch: keep(text(c.branch)),
            version: keep(text(d.copilot_version)),
            entry_point: Some(EntryPoint::Cli),
        };
        em.emit(EventKind::Context(self.ctx.clone()));
    }

    fn assistant(&mut self, d: &Data<'_>, em: &mut Emitter<'_>) {
        let message = match text(d.message_id).filter(|m| !m.is_empty()) {
            Some(m) => hash_str(&m),
            None => hash(format!("copilot msg {}", em.line.0).as_bytes()),
        };
        if let Some(m) = text(d.model).filter(|m| !m.is_empty())
            && self.model.as_deref() != Some(&*m)
        {
            self.model = Some(Arc::from(prefix(&m, 100)));
        }
        em.emit(EventKind::ModelCall(ModelCall {
            id: message,
            model: self.model.clone(),
            input_tokens: 0,
            output_tokens: int(d.output_tokens)
                .and_then(|n| u64::try_from(n).ok())
                .unwrap_or(0),
            cache_read_tokens: 0,
            cache_creation_tokens: 0,
            window: None,
        }));
        if let Some(t) = text(d.content).filter(|t| !t.trim().is_empty()) {
            em.emit(EventKind::AgentText(AgentText {
                message,
                text: Arc::from(prefix(&t, AGENT_TEXT_KEEP)),
                words: u32::try_from(crate::core::engine::text::word_count(&t)).unwrap_or(u32::MAX),
            }));
        }
        #[derive(Deserialize, Default)]
        #[serde(default)]
        struct Request<'a> {
            #[serde(rename = "toolCallId", borrow)]
            id: Option<&'a RawValue>,
            #[serde(borrow)]
            name: Option<&'a RawValue>,
            #[serde(borrow)]
            arguments: Option<&'a RawValue>,
        }
        let requests: Vec<Request<'_>> = present(d.tool_requests)
            .and_then(|r| serde_json::from_str(r.get()).ok())
            .unwrap_or_default();
        for (i, r) in requests.iter().enumerate() {
            let id = match text(r.id).filter(|s| !s.is_empty()) {
                Some(s) => hash_str(&s),
                None => hash(format!("copilot call {}:{i}", em.line.0).as_bytes()),
            };
            if self.pending.contains_key(&id) {
                continue;
            }
            let name = text(r.name).unwrap_or_default();
            self.call(id, &name, r.arguments, em);
        }
    }

    fn call(&mut self, id: u64, name: &str, arguments: Option<&RawValue>, em: &mut Emitter<'_>) {
        let (action, added, removed) = action(id, name, arguments);
        self.pending.insert(
            id,
            Pending {
                tool: action.tool,
                check: action.check,
                added,
                removed,
                agent: em.agent.clone(),
            },
        );
        em.emit(EventKind::Action(action));
    }

    fn complete(&mut self, d: &Data<'_>, em: &mut Emitter<'_>) {
        let id = call_id(d.tool_call_id, em.line);
        let Some(p) = self.pending.remove(&id) else {
            return;
        };
        em.agent = p.agent.clone();
        #[derive(Deserialize, Default)]
        #[serde(default)]
        struct Res<'a> {
            #[serde(borrow)]
            content: Option<&'a RawValue>,
        }
        let raw = d.result.map_or("", RawValue::get);
        let body: Cow<'_, str> = text(d.result)
            .or_else(|| {
                present(d.result)
                    .and_then(|r| serde_json::from_str::<Res<'_>>(r.get()).ok())
                    .and_then(|r| text(r.content))
            })
            .unwrap_or_default();
        let error = present(d.error).map(|e| {
            #[derive(Deserialize, Default)]
            #[serde(default)]
            struct E<'a> {
                #[serde(borrow)]
                message: Option<&'a RawValue>,
                #[serde(borrow)]
                code: Option<&'a RawValue>,
            }
            let e: E<'_> = serde_json::from_str(e.get()).unwrap_or_default();
            (
                text(e.message).map(Cow::into_owned).unwrap_or_default(),
                text(e.code).map(Cow::into_owned).unwrap_or_default(),
            )
        });
        let exit = exit_code(&body);
        let blocked = error
            .as_ref()
            .is_some_and(|(m, code)| code == "denied" && m.contains("hook"));
        let outcome = if blocked {
            Outcome::Blocked
        } else if flag(d.success) == Some(false) || exit.is_some_and(|c| c != 0) {
            Outcome::Error
        } else {
            Outcome::Ok
        };
        let mut r = ToolResult::new(id, outcome);
        r.obs = observation_hash(raw);
        let text_for = match &error {
            Some((m, _)) if body.is_empty() => Cow::Owned(m.clone()),
            _ => body.clone(),
        };
        if r.outcome != Outcome::Ok {
            r.error = Some(first_line(&text_for, ERROR_KEEP));
        }
        r.timed_out = r.outcome == Outcome::Error && text_for.contains("timed out");
        if let Some(kind) = p.check {
            r.check_failed = r.outcome == Outcome::Error
                || (r.outcome == Outcome::Ok
                    && kind != CheckKind::Commit
                    && checks::output_says_failed(&text_for));
            if r.check_failed {
                r.failure = Some(checks::failure(&text_for));
            }
            r.committed =
                kind == CheckKind::Commit && r.outcome == Outcome::Ok && commit_line(&text_for);
        }
        if r.outcome == Outcome::Ok && matches!(p.tool, Tool::Edit | Tool::Write) {
            r.lines_added = p.added;
            r.lines_removed = p.removed;
        }
        if p.tool == Tool::Task && r.outcome == Outcome::Ok {
            r.delegated_actions = self.delegated.remove(&id).unwrap_or(0);
            r.delegated_to = text(d.tool_call_id).map(|c| Arc::from(prefix(&c, 80)));
        }
        em.emit(EventKind::Result(r));
    }
}

/// Whether a line is a Copilot CLI event: `{"type": "<area>.<event>", "data": {…}}`.
#[must_use]
pub fn looks_like(line: &[u8]) -> bool {
    let Ok(t) = std::str::from_utf8(line) else {
        return false;
    };
    let Ok(l) = serde_json::from_str::<Line<'_>>(t) else {
        return false;
    };
    l.data.is_some()
        && text(l.kind).is_some_and(|k| {
            [
                "session.",
                "user.",
                "assistant.",
                "tool.",
                "subagent.",
                "hook.",
            ]
            .iter()
            .any(|p| k.starts_with(p))
        })
}

/// The working directory `session.start` names (`data.context.cwd`).
#[must_use]
pub fn start_cwd(line: &[u8]) -> Option<String> {
    #[derive(Deserialize, Default)]
    #[serde(default)]
    struct Ctx<'a> {
        #[serde(borrow)]
        cwd: Option<&'a RawValue>,
    }
    let l: Line<'_> = serde_json::from_str(std::str::from_utf8(line).ok()?).ok()?;
    if text(l.kind).as_deref() != Some("session.start") {
        return None;
    }
    let d: Data<'_> = serde_json::from_str(present(l.data)?.get()).ok()?;
    let c: Ctx<'_> = serde_json::from_str(present(d.context)?.get()).ok()?;
    text(c.cwd).map(Cow::into_owned).filter(|c| !c.is_empty())
}

fn call_id(raw: Option<&RawValue>, line: LineNo) -> u64 {
    match text(raw).filter(|s| !s.is_empty()) {
        Some(s) => hash_str(&s),
        None => hash(format!("copilot call {}", line.0).as_bytes()),
    }
}

fn user_message(d: &Data<'_>, em: &mut Emitter<'_>) {
    if em.agent.is_some() {
        return; // a sub-agent's instructions are never the person's prompt
    }
    let content = text(d.content).unwrap_or_default();
    let images = present(d.attachments)
        .and_then(|a| serde_json::from_str::<Vec<&RawValue>>(a.get()).ok())
        .map_or(0, |v| u32::try_from(v.len()).unwrap_or(u32::MAX));
    if content.trim().is_empty() && images == 0 {
        return;
    }
    if content.trim_start().starts_with("[ringside]") {
        return;
    }
    em.emit(EventKind::Prompt(Prompt {
        text: prefix(&content, PROMPT_KEEP).to_owned(),
        len: content.len(),
        source: PromptSource::Typed,
        images,
        plan_mode: false,
        redelivered: false,
    }));
}

/// The exit code a shell result's text ends with (`<exited with exit code 1>`, `<shellId: 0
/// completed with exit code 127>`, `exit code: 1`), if any.
fn exit_code(body: &str) -> Option<i64> {
    let tail = crate::core::sanitize::suffix(body, 300).to_ascii_lowercase();
    let i = tail.rfind("exit code")?;
    let rest = tail[i + "exit code".len()..].trim_start_matches([':', ' ']);
    let digits: String = rest
        .chars()
        .take_while(|c| c.is_ascii_digit() || *c == '-')
        .collect();
    digits.parse().ok()
}

/// The fields of a tool's arguments a rule reads.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Args<'a> {
    #[serde(borrow)]
    command: Option<&'a RawValue>,
    #[serde(borrow)]
    path: Option<&'a RawValue>,
    #[serde(borrow)]
    file_path: Option<&'a RawValue>,
    #[serde(borrow)]
    old_str: Option<&'a RawValue>,
    #[serde(borrow)]
    new_str: Option<&'a RawValue>,
    #[serde(borrow)]
    file_text: Option<&'a RawValue>,
    #[serde(borrow)]
    pattern: Option<&'a RawValue>,
    #[serde(borrow)]
    url: Option<&'a RawValue>,
    #[serde(borrow)]
    query: Option<&'a RawValue>,
    #[serde(borrow)]
    description: Option<&'a RawValue>,
    #[serde(borrow)]
    input: Option<&'a RawValue>,
    #[serde(borrow)]
    skill: Option<&'a RawValue>,
}

/// A tool request's action, and the lines an edit adds and removes. `arguments` is an object,
/// or an object in a JSON string.
fn action(
    id: u64,
    name: &str,
    arguments: Option<&RawValue>,
) -> (crate::core::event::Action, u32, u32) {
    let inner = text(arguments);
    let raw: &str = match &inner {
        Some(s) => s,
        None => arguments.map_or("", RawValue::get),
    };
    let args: Args<'_> = serde_json::from_str(raw).unwrap_or_default();
    let path = text(args.path)
        .or_else(|| text(args.file_path))
        .unwrap_or_default();
    match name {
        "bash" | "powershell" | "shell" => {
            let command = text(args.command).unwrap_or_default();
            (command_action(id, name, &command), 0, 0)
        }
        "read_bash" | "write_bash" | "stop_bash" | "read_powershell" | "write_powershell"
        | "stop_powershell" | "list_bash" => {
            let mut a = bare_action(id, name, Tool::Bash);
            a.read_only = true;
            a.polling = true;
            a.sig = text_sig(name, raw);
            (a, 0, 0)
        }
        "edit" | "str_replace" | "str_replace_editor" | "create" | "write"
            if text(args.command).as_deref() != Some("view") =>
        {
            let old = text(args.old_str).unwrap_or_default();
            let new = text(args.new_str)
                .or_else(|| text(args.file_text))
                .unwrap_or_default();
            let creating = name == "create"
                || name == "write"
                || text(args.command).as_deref() == Some("create");
            let tool = if creating { Tool::Write } else { Tool::Edit };
            let a = edit_action(id, name, tool, &path, &old, &new);
            let removed = if creating { 0 } else { line_count(&old) };
            (a, line_count(&new), removed)
        }
        "apply_patch" => {
            let patch = text(args.input).map_or_else(|| raw.to_owned(), Cow::into_owned);
            let c = super::codex::tools::patch_call(id, name, &patch);
            (c.action, c.added, c.removed)
        }
        _ => {
            let tool = match name {
                "view" | "read" | "read_file" | "str_replace_editor" | "show_file" => Tool::Read,
                "glob" | "grep" | "rg" | "search" | "search_code" => Tool::Search,
                "web_fetch" | "web_search" | "fetch" => Tool::Web,
                "task" | "agent" | "delegate" => Tool::Task,
                "update_todo" | "todo" | "todo_write" => Tool::Todo,
                "ask_user" | "ask" => Tool::Ask,
                _ => Tool::Other,
            };
            let display = if name == "skill" { "Skill" } else { name };
            let mut a = bare_action(id, display, tool);
            let target = if path.is_empty() {
                text(args.pattern)
                    .or_else(|| text(args.url))
                    .or_else(|| text(args.query))
                    .or_else(|| text(args.description))
                    .or_else(|| text(args.skill))
                    .unwrap_or_default()
            } else {
                path
            };
            a.target = one_line(&target);
            a.sig = text_sig(name, raw);
            (a, 0, 0)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::agents::{Format, Reader as AnyReader};

    fn ev(t: u32, kind: &str, data: &str) -> String {
        format!(
            r#"{{"type":"{kind}","data":{data},"id":"e{t}","timestamp":"2026-07-30T01:56:{t:02}.000Z","parentId":null}}"#
        ) + "\n"
    }

    fn read(text: &str) -> (Vec<Event>, ParseStats) {
        let mut r = AnyReader::new(Format::Copilot, Role::Main);
        let mut events = Vec::new();
        let mut rest = text.as_bytes();
        while !rest.is_empty() {
            let step = r.feed_record(rest, &mut events);
            rest = &rest[step.consumed..];
        }
        r.finish(&mut events);
        (events, r.into_stats())
    }

    #[test]
    fn a_session_reads_its_prompt_calls_results_and_turn_end() {
        let text = ev(
            0,
            "session.start",
            r#"{"sessionId":"cs1","copilotVersion":"1.0.76","context":{"cwd":"/w","branch":"dev"}}"#,
        ) + &ev(
            1,
            "user.message",
            r#"{"content":"run the tests","transformedContent":"<current_datetime>x</current_datetime> run the tests","attachments":[]}"#,
        ) + &ev(2, "assistant.reasoning_delta", r#"{"deltaContent":"x"}"#)
            .replace("\"parentId\"", "\"ephemeral\":true,\"parentId\"")
            + &ev(
                3,
                "assistant.message",
                r#"{"messageId":"m1","content":"Running them.","toolRequests":[{"toolCallId":"c1","name":"bash","arguments":{"command":"cargo test"}}],"outputTokens":40}"#,
            )
            + &ev(
                4,
                "tool.execution_start",
                r#"{"toolCallId":"c1","toolName":"bash","arguments":{"command":"cargo test"}}"#,
            )
            + &ev(
                5,
                "tool.execution_complete",
                r#"{"toolCallId":"c1","success":true,"result":{"content":"test result: FAILED. 1 failed\n<exited with exit code 101>"}}"#,
            )
            + &ev(
                6,
                "assistant.message",
                r#"{"messageId":"m2","content":"","toolRequests":[{"toolCallId":"c2","name":"edit","arguments":"{\"path\":\"src/a.rs\",\"old_str\":\"a\\nb\",\"new_str\":\"c\"}"}],"outputTokens":9}"#,
            )
            + &ev(
                7,
                "tool.execution_complete",
                r#"{"toolCallId":"c2","success":true,"result":{"content":"ok"}}"#,
            )
            + &ev(8, "abort", r#"{"reason":"user"}"#)
            + &ev(9, "assistant.idle", "{}");
        let (events, stats) = read(&text);
        assert_eq!(stats.skipped_total(), 0);
        assert_eq!(stats.passed_over, 1);
        let prompts: Vec<&str> = events
            .iter()
            .filter_map(|e| match &e.kind {
                EventKind::Prompt(p) => Some(p.text.as_str()),
                _ => None,
            })
            .collect();
        assert_eq!(prompts, ["run the tests"]);
        let actions = events
            .iter()
            .filter(|e| matches!(e.kind, EventKind::Action(_)))
            .count();
        assert_eq!(actions, 2, "a call announced twice is one call");
        let results: Vec<(Outcome, bool, u32, u32)> = events
            .iter()
            .filter_map(|e| match &e.kind {
                EventKind::Result(r) => Some((
                    r.outcome.clone(),
                    r.check_failed,
                    r.lines_added,
                    r.lines_removed,
                )),
                _ => None,
            })
            .collect();
        assert_eq!(
            results,
            vec![(Outcome::Error, true, 0, 0), (Outcome::Ok, false, 1, 2)],
            "a non-zero exit is a failure even with success: true"
        );
        assert!(
            events
                .iter()
                .any(|e| matches!(e.kind, EventKind::Interrupt { .. }))
        );
        assert!(
            events
                .iter()
                .any(|e| matches!(e.kind, EventKind::TurnEnd { .. }))
        );
        assert!(
            events.iter().any(
                |e| matches!(&e.kind, EventKind::Context(c) if c.cwd.as_deref() == Some("/w"))
            )
        );
    }

    #[test]
    fn sub_agent_events_are_the_sub_agents_and_unknown_kinds_are_counted() {
        let text = ev(0, "user.message", r#"{"content":"delegate it"}"#)
            + &ev(
                1,
                "assistant.message",
                r#"{"toolRequests":[{"toolCallId":"t1","name":"task","arguments":{"description":"look"}}]}"#,
            )
            + &ev(
                2,
                "user.message",
                r#"{"content":"sub-agent instructions","parentToolCallId":"t1"}"#,
            )
            + &ev(
                3,
                "assistant.message",
                r#"{"toolRequests":[{"toolCallId":"s1","name":"view","arguments":{"path":"a"}}],"parentToolCallId":"t1"}"#,
            )
            + &ev(
                4,
                "tool.execution_complete",
                r#"{"toolCallId":"s1","success":true}"#,
            )
            + &ev(
                5,
                "subagent.completed",
                r#"{"toolCallId":"t1","totalToolCalls":1}"#,
            )
            + &ev(
                6,
                "tool.execution_complete",
                r#"{"toolCallId":"t1","success":true}"#,
            )
            + &ev(7, "brand.new", "{}")
            + "not json\n";
        let (events, stats) = read(&text);
        let prompts = events
            .iter()
            .filter(|e| matches!(e.kind, EventKind::Prompt(_)))
            .count();
        assert_eq!(prompts, 1);
        let sub: Vec<&Event> = events
            .iter()
            .filter(|e| e.agent.as_deref() == Some("t1"))
            .collect();
        assert_eq!(sub.len(), 3, "its model call, call and result");
        let delegated = events.iter().find_map(|e| match &e.kind {
            EventKind::Result(r) if r.delegated_to.is_some() => Some(r.delegated_actions),
            _ => None,
        });
        assert_eq!(delegated, Some(1));
        assert_eq!(stats.skipped.get(&SkipReason::UnknownType), Some(&1));
        assert_eq!(stats.skipped.get(&SkipReason::InvalidJson), Some(&1));
    }
}
