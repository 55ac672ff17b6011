//! OpenAI Codex rollouts: one JSON line (`{"timestamp", "type", "payload"}`) in, normalised
//! [`Event`]s out. Shapes follow `shared/research/agents.md` 5.1 and `transcript-format.md` 7.
//!
//! What is read, and from where:
//! - identity from the file's first `session_meta` (id, cwd, version, front end, git branch);
//!   a resumed session appends to the same file, so later `session_meta` lines change nothing;
//! - prompts from `event_msg` `user_message` only: the `response_item` user message repeats it,
//!   and the AGENTS.md, `<environment_context>` and other scaffolding messages are not typed by
//!   anyone. A prompt that arrives while a turn is running is a steering prompt (queued);
//! - tool calls from `function_call`, `custom_tool_call`, `local_shell_call`, `web_search_call`,
//!   `tool_search_call` and `image_generation_call`, joined to their outputs by `call_id`;
//! - how a call ended: `exec_command_end`'s exit code where it was persisted (Extended mode),
//!   else the output text (`Process exited with code N`, `Exit code: N`, a JSON
//!   `metadata.exit_code`); a command still running in a unified-exec session ends when a later
//!   `write_stdin` output says it exited (a check is counted then, with that exit code);
//!   `patch_apply_end` or the patch output for edits, whose lines come from the patch itself;
//! - turns from `task_started` / `task_complete` / `turn_aborted`: a turn Codex Desktop left
//!   open ends when the next one starts;
//! - tokens from the cumulative `token_count`: each increase is one model call, counted by its
//!   difference, with the context in use and the window from the same record;
//! - compaction from `compacted` (or a `context_compacted` without it): automatic inside a turn
//!   that has a prompt, manual in a turn of its own (`/compact`).

pub(crate) mod tools;

use std::collections::HashMap;
use std::sync::Arc;

use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

use self::tools::{CallKind, Said, output_text, read_output};
use super::common::{
    self, Emitter, JsonLines, LineParser, commit_line, first_line, flag, int, is_placeholder,
    line_text, observation_hash, parse_object, present, text, unknown_kind, unknown_subkind,
};
use super::{ParseStats, Role, SkipReason};
use crate::core::checks::{self, CheckKind};
use crate::core::event::{
    AGENT_TEXT_KEEP, AgentText, Context, ERROR_KEEP, EntryPoint, Event, EventKind, ModelCall,
    Outcome, PROMPT_KEEP, Prompt, PromptSource, Tool, ToolResult,
};
use crate::core::hash::{hash, hash_str};
use crate::core::sanitize::prefix;
use crate::core::{LineNo, Millis};

/// Codex's reader: JSON lines, only ever appended.
pub type Reader = JsonLines<Parser>;

impl Reader {
    /// A reader for a main rollout, or for a sub-agent's (or fork's) rollout.
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

/// The envelope of one rollout line.
#[derive(Deserialize)]
struct Line<'a> {
    #[serde(borrow, default)]
    timestamp: Option<&'a RawValue>,
    #[serde(rename = "type", borrow, default)]
    kind: Option<&'a RawValue>,
    #[serde(borrow, default)]
    payload: Option<&'a RawValue>,
}

/// Every payload field a rule reads, raw: a field of an unexpected type reads as absent, never
/// loses the line (`"[trimmed for fixture]"` where a number belongs).
#[derive(Default, Deserialize)]
#[serde(default)]
struct Payload<'a> {
    #[serde(rename = "type", borrow)]
    kind: Option<&'a RawValue>,
    #[serde(borrow)]
    id: Option<&'a RawValue>,
    #[serde(borrow)]
    role: Option<&'a RawValue>,
    #[serde(borrow)]
    name: Option<&'a RawValue>,
    #[serde(borrow)]
    arguments: Option<&'a RawValue>,
    #[serde(borrow)]
    input: Option<&'a RawValue>,
    #[serde(borrow)]
    call_id: Option<&'a RawValue>,
    #[serde(borrow)]
    output: Option<&'a RawValue>,
    #[serde(borrow)]
    action: Option<&'a RawValue>,
    #[serde(borrow)]
    status: Option<&'a RawValue>,
    #[serde(borrow)]
    message: Option<&'a RawValue>,
    #[serde(borrow)]
    images: Option<&'a RawValue>,
    #[serde(borrow)]
    local_images: Option<&'a RawValue>,
    #[serde(rename = "kind", borrow)]
    message_kind: Option<&'a RawValue>,
    #[serde(borrow)]
    info: Option<&'a RawValue>,
    #[serde(borrow)]
    reason: Option<&'a RawValue>,
    #[serde(borrow)]
    exit_code: Option<&'a RawValue>,
    #[serde(borrow)]
    aggregated_output: Option<&'a RawValue>,
    #[serde(borrow)]
    formatted_output: Option<&'a RawValue>,
    #[serde(borrow)]
    stderr: Option<&'a RawValue>,
    #[serde(borrow)]
    success: Option<&'a RawValue>,
    #[serde(borrow)]
    duration_ms: Option<&'a RawValue>,
    #[serde(borrow)]
    cwd: Option<&'a RawValue>,
    #[serde(borrow)]
    model: Option<&'a RawValue>,
    #[serde(borrow)]
    originator: Option<&'a RawValue>,
    #[serde(borrow)]
    cli_version: Option<&'a RawValue>,
    #[serde(borrow)]
    source: Option<&'a RawValue>,
    #[serde(borrow)]
    git: Option<&'a RawValue>,
    #[serde(borrow)]
    collaboration_mode: Option<&'a RawValue>,
    #[serde(borrow)]
    collaboration_mode_kind: Option<&'a RawValue>,
    #[serde(borrow)]
    error: Option<&'a RawValue>,
    #[serde(borrow)]
    new_thread_id: Option<&'a RawValue>,
    #[serde(borrow)]
    result: Option<&'a RawValue>,
    #[serde(borrow)]
    thread_name: Option<&'a RawValue>,
}

/// A call waiting for its result.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Pending {
    tool: Tool,
    check: Option<CheckKind>,
    kind: CallKind,
    added: u32,
    removed: u32,
    /// The sub-agent thread a spawn call started (`collab_agent_spawn_end`).
    delegated: Option<Arc<str>>,
}

/// A command still running in a unified-exec session, whose result waits for its exit.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Running {
    id: u64,
    pending: Pending,
}

/// A prompt that arrived while a turn was running, held for one record: a `task_started` next
/// means the running turn was left open (Codex Desktop) and this prompt starts the next one;
/// anything else means it steers the running turn.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Held {
    line: LineNo,
    at: Option<Millis>,
    prompt: HeldPrompt,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct HeldPrompt {
    text: String,
    len: usize,
    images: u32,
    plan_mode: bool,
}

/// The last cumulative usage seen.
#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize)]
struct Usage {
    total: u64,
    output: u64,
}

/// The Codex line parser; see the module docs.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Parser {
    ctx: Context,
    model: Option<Arc<str>>,
    /// For a sub-agent's file: the agent every line belongs to.
    file_agent: Option<Arc<str>>,
    meta_seen: bool,
    pending: HashMap<u64, Pending>,
    running: HashMap<i64, Running>,
    /// A `task_started` without its `task_complete` or `turn_aborted` yet.
    task_open: bool,
    /// The open task has had its prompt.
    task_prompted: bool,
    /// A prompt came before its `task_started` (the order of newer versions).
    awaiting_task: bool,
    held: Option<Held>,
    usage: Usage,
    plan_mode: bool,
    /// The last record was a `compacted` (its `context_compacted` is the same compaction).
    after_compacted: bool,
    pub stats: ParseStats,
}

/// Record kinds seen and deliberately ignored.
const IGNORED_KINDS: &[&str] = &["world_state", "inter_agent_communication_metadata"];

/// `event_msg` kinds that carry nothing the rules use (the UI's copies of items, progress).
const IGNORED_EVENTS: &[&str] = &[
    "agent_reasoning",
    "agent_reasoning_raw_content",
    "agent_reasoning_section_break",
    "agent_message_delta",
    "item_completed",
    "item_started",
    "entered_review_mode",
    "exited_review_mode",
    "web_search_end",
    "web_search_begin",
    "exec_command_begin",
    "exec_command_output_delta",
    "patch_apply_begin",
    "mcp_tool_call_begin",
    "turn_diff",
    "plan_update",
    "background_event",
    "view_image_tool_call",
    "image_generation_end",
    "undo_started",
    "undo_completed",
    "guardian_assessment",
    "sub_agent_activity",
    "collab_waiting_end",
    "collab_close_end",
    "collab_agent_interaction_end",
    "dynamic_tool_call_request",
    "dynamic_tool_call_response",
    "thread_goal_updated",
    "thread_settings_applied",
    "warning",
    "shutdown_complete",
    "session_configured",
    "mcp_startup_update",
    "mcp_startup_complete",
    "deprecation_notice",
    "account/rateLimits/updated",
];

/// `response_item` kinds that carry nothing the rules use.
const IGNORED_ITEMS: &[&str] = &[
    "reasoning",
    "ghost_snapshot",
    "tool_search_output",
    "agent_message",
    "compaction",
    "compaction_summary",
];

/// The openings of user messages Codex writes itself: instructions, environment, notices.
const SCAFFOLDING: &[&str] = &[
    "<environment_context>",
    "# AGENTS.md instructions",
    "<user_instructions>",
    "<permissions instructions>",
    "<INSTRUCTIONS>",
    "<turn_aborted>",
    "<subagent_notification>",
    "<skill>",
    "[ringside]",
];

impl LineParser for Parser {
    fn parse_line(&mut self, line: LineNo, bytes: &[u8], out: &mut Vec<Event>) {
        if passes_over(bytes) {
            self.stats.lines += 1;
            self.stats.passed_over += 1;
            return;
        }
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

    fn finish(&mut self, out: &mut Vec<Event>) {
        self.release_held(false, out);
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
        let payload: Payload<'_> = present(l.payload)
            .and_then(|p| serde_json::from_str(p.get()).ok())
            .unwrap_or_default();
        let sub = text(payload.kind);
        let next_is_task = kind == "event_msg" && sub.as_deref() == Some("task_started");
        self.release_held(next_is_task, out);
        let at = common::time(l.timestamp);
        let mut em = Emitter {
            line,
            at,
            agent: self.file_agent.clone(),
            out,
        };
        let was_compacted = std::mem::take(&mut self.after_compacted);
        match &*kind {
            "session_meta" => self.session_meta(&payload, &mut em),
            "turn_context" => self.turn_context(&payload, &mut em),
            "response_item" => self.response_item(sub.as_deref(), &payload, &mut em),
            "event_msg" => self.event(sub.as_deref(), &payload, was_compacted, &mut em),
            "compacted" => {
                self.after_compacted = true;
                self.compaction(&mut em);
            }
            k if IGNORED_KINDS.contains(&k) => {}
            k => unknown_kind(&mut self.stats, line, k),
        }
    }

    fn main_thread(&self) -> bool {
        self.file_agent.is_none()
    }

    // -- identity and context ------------------------------------------------------------------

    fn session_meta(&mut self, p: &Payload<'_>, em: &mut Emitter<'_>) {
        // The first one names the file's session; a resumed session writes none, and later
        // ones (history carried into this file) change nothing.
        if std::mem::replace(&mut self.meta_seen, true) || !self.main_thread() {
            return;
        }
        let keep = |v: Option<std::borrow::Cow<'_, str>>| {
            v.filter(|s| !s.is_empty())
                .map(|s| prefix(&s, 4096).to_owned())
        };
        self.ctx.session_id = keep(text(p.id));
        self.ctx.cwd = keep(text(p.cwd));
        self.ctx.version = keep(text(p.cli_version));
        self.ctx.entry_point = entry_point(text(p.originator).as_deref(), p.source);
        self.ctx.git_branch = git_branch(p.git);
        em.emit(EventKind::Context(self.ctx.clone()));
    }

    fn turn_context(&mut self, p: &Payload<'_>, em: &mut Emitter<'_>) {
        if let Some(m) = text(p.model).filter(|m| !m.is_empty())
            && self.model.as_deref() != Some(&*m)
        {
            self.model = Some(Arc::from(prefix(&m, 100)));
        }
        if let Some(mode) = collaboration_mode(p.collaboration_mode) {
            self.plan_mode = mode == "plan";
        }
        if !self.main_thread() {
            return;
        }
        if let Some(cwd) = text(p.cwd).filter(|c| !c.is_empty())
            && self.ctx.cwd.as_deref() != Some(&*cwd)
        {
            self.ctx.cwd = Some(prefix(&cwd, 4096).to_owned());
            em.emit(EventKind::Context(self.ctx.clone()));
        }
    }

    // -- response items ------------------------------------------------------------------------

    fn response_item(&mut self, sub: Option<&str>, p: &Payload<'_>, em: &mut Emitter<'_>) {
        let Some(sub) = sub else { return };
        match sub {
            // The model's view: the user's copy repeats `user_message`, the assistant's repeats
            // `agent_message` (counted there).
            "message" => {}
            "function_call" => {
                let name = text(p.name).unwrap_or_default();
                let args = text(p.arguments);
                let call = tools::function_call(0, &name, args.as_deref());
                self.call(p.call_id, call, em);
            }
            "custom_tool_call" => {
                let name = text(p.name).unwrap_or_default();
                let input = text(p.input).unwrap_or_default();
                let call = tools::custom_call(0, &name, &input);
                self.call(p.call_id, call, em);
            }
            "local_shell_call" => {
                let call = tools::local_shell(0, p.action);
                self.call(p.call_id.or(p.id), call, em);
            }
            "web_search_call" | "image_generation_call" => {
                let (name, tool) = if sub == "web_search_call" {
                    ("web_search", Tool::Web)
                } else {
                    ("image_generation", Tool::Other)
                };
                let mut a = common::bare_action(0, name, tool);
                let query = web_query(p.action);
                a.target = common::one_line(&query);
                a.sig = common::text_sig(name, &query);
                // Often without a call id: the record is the call and its end.
                let id = self.call_id(p.call_id.or(p.id), em.line);
                a.id = id;
                let failed = text(p.status).is_some_and(|s| s == "failed" || s == "error");
                em.emit(EventKind::Action(a));
                let outcome = if failed { Outcome::Error } else { Outcome::Ok };
                em.emit(EventKind::Result(ToolResult::new(id, outcome)));
            }
            "tool_search_call" => {
                let mut a = common::bare_action(0, "tool_search", Tool::Search);
                let args = p.arguments.map_or("", RawValue::get);
                a.target = common::one_line(
                    &common::text(
                        serde_json::from_str::<HashMap<&str, &RawValue>>(args)
                            .ok()
                            .and_then(|m| m.get("query").copied()),
                    )
                    .unwrap_or_default(),
                );
                a.sig = common::text_sig("tool_search", args);
                let call = tools::Call {
                    action: a,
                    kind: CallKind::Other,
                    added: 0,
                    removed: 0,
                };
                self.call(p.call_id, call, em);
            }
            "function_call_output" | "custom_tool_call_output" | "local_shell_call_output" => {
                self.output(p, em);
            }
            "tool_search_output" => {
                let id = self.call_id(p.call_id, em.line);
                if self.pending.remove(&id).is_some() {
                    em.emit(EventKind::Result(ToolResult::new(id, Outcome::Ok)));
                }
            }
            s if IGNORED_ITEMS.contains(&s) => {}
            s => unknown_subkind(&mut self.stats, "response_item", s),
        }
    }

    /// The id a call is joined by: its `call_id`, else one made from its line.
    fn call_id(&self, raw: Option<&RawValue>, line: LineNo) -> u64 {
        match text(raw).filter(|s| !s.is_empty()) {
            Some(id) => hash_str(&id),
            None => hash(format!("codex line {}", line.0).as_bytes()),
        }
    }

    fn call(&mut self, call_id: Option<&RawValue>, mut call: tools::Call, em: &mut Emitter<'_>) {
        let id = self.call_id(call_id, em.line);
        call.action.id = id;
        self.pending.insert(
            id,
            Pending {
                tool: call.action.tool,
                check: call.action.check,
                kind: call.kind,
                added: call.added,
                removed: call.removed,
                delegated: None,
            },
        );
        em.emit(EventKind::Action(call.action));
    }

    /// A call's output: how it ended, from what the output says.
    fn output(&mut self, p: &Payload<'_>, em: &mut Emitter<'_>) {
        let id = self.call_id(p.call_id, em.line);
        let Some(pending) = self.pending.remove(&id) else {
            // Already ended (by `exec_command_end` or `patch_apply_end`), or its call is not in
            // this file: nothing more to count.
            return;
        };
        let raw = p.output.map_or("", RawValue::get);
        // The head says how it ended; the whole text is read only where a rule reads it (a
        // check's output, an error's excerpt, a patch's verdict).
        let head = tools::output_head(p.output);
        let (said, inner) = read_output(&head);
        let needs_all = inner.is_none()
            && (pending.check.is_some()
                || pending.kind == CallKind::Patch
                || !matches!(said, Said::Exit(0) | Said::Running(_)));
        let (body, success) = if needs_all || head.len() < tools::HEAD {
            output_text(p.output)
        } else {
            (head, None)
        };
        let body = inner.map_or(body, std::borrow::Cow::Owned);
        if let Said::Running(session) = said {
            // Still running: a check waits for its exit (a later `write_stdin` output); anything
            // else has started, which is its success.
            if pending.check.is_some()
                && let Some(s) = session
            {
                self.running.insert(s, Running { id, pending });
                return;
            }
            let r = self.result(id, &pending, Said::Nothing, &body, raw, success);
            em.emit(EventKind::Result(r));
            return;
        }
        if let CallKind::Stdin { session: Some(s) } = pending.kind
            && matches!(said, Said::Exit(_))
            && let Some(run) = self.running.remove(&s)
        {
            // The command this input polled has ended: its result comes now, with its exit.
            let r = self.result(run.id, &run.pending, said.clone(), &body, raw, None);
            em.emit(EventKind::Result(r));
        }
        let r = self.result(id, &pending, said, &body, raw, success);
        em.emit(EventKind::Result(r));
    }

    /// The result of call `id`: its outcome from what its output said (and a success flag), the
    /// check's verdict from its text, the patch's lines on success.
    fn result(
        &self,
        id: u64,
        pending: &Pending,
        said: Said,
        body: &str,
        raw: &str,
        success: Option<bool>,
    ) -> ToolResult {
        let mut outcome = match said {
            Said::Exit(0) => Outcome::Ok,
            Said::Exit(_) => Outcome::Error,
            Said::Rejected => Outcome::Rejected { feedback: None },
            Said::Aborted => Outcome::Interrupted,
            Said::Running(_) | Said::Nothing => match success {
                Some(false) => Outcome::Error,
                _ if pending.kind == CallKind::Patch && tools::patch_failed(body) => Outcome::Error,
                _ => Outcome::Ok,
            },
        };
        if matches!(pending.kind, CallKind::Stdin { .. }) && outcome == Outcome::Error {
            // A poll reports the exit of the command it polls (counted there); the poll itself
            // worked.
            outcome = Outcome::Ok;
        }
        self.finish_result(id, pending, outcome, body, raw)
    }

    fn finish_result(
        &self,
        id: u64,
        pending: &Pending,
        outcome: Outcome,
        body: &str,
        raw: &str,
    ) -> ToolResult {
        let mut r = ToolResult::new(id, outcome);
        r.obs = observation_hash(if raw.is_empty() { body } else { raw });
        let lower_head = prefix(body, 2048);
        r.timed_out = lower_head.contains("timed out") && r.outcome == Outcome::Error;
        if r.outcome == Outcome::Error {
            r.error = Some(error_excerpt(body));
        }
        if let Some(kind) = pending.check {
            r.check_failed = r.outcome == Outcome::Error
                || (r.outcome == Outcome::Ok
                    && kind != CheckKind::Commit
                    && checks::output_says_failed(body));
            if r.check_failed {
                r.failure = Some(checks::failure(body));
            }
            r.committed =
                kind == CheckKind::Commit && r.outcome == Outcome::Ok && commit_line(body);
        }
        if r.outcome == Outcome::Ok && pending.tool == Tool::Edit {
            r.lines_added = pending.added;
            r.lines_removed = pending.removed;
        }
        if r.outcome == Outcome::Ok {
            r.delegated_to.clone_from(&pending.delegated);
        }
        r
    }

    // -- events --------------------------------------------------------------------------------

    fn event(
        &mut self,
        sub: Option<&str>,
        p: &Payload<'_>,
        was_compacted: bool,
        em: &mut Emitter<'_>,
    ) {
        let Some(sub) = sub else { return };
        match sub {
            "user_message" => self.user_message(p, em),
            "agent_message" => {
                if let Some(t) =
                    text(p.message).filter(|t| !t.trim().is_empty() && !is_placeholder(t))
                {
                    em.emit(agent_text(
                        hash(format!("codex msg {}", em.line.0).as_bytes()),
                        &t,
                    ));
                }
            }
            "task_started" | "turn_started" => {
                if self.task_open && self.main_thread() {
                    // The previous turn never completed (Codex Desktop): it ended here.
                    em.emit(EventKind::TurnEnd { duration_ms: None });
                }
                self.task_open = true;
                self.task_prompted = std::mem::take(&mut self.awaiting_task);
                if let Some(mode) = text(p.collaboration_mode_kind) {
                    self.plan_mode = mode == "plan";
                }
            }
            "task_complete" | "turn_complete" => {
                if let Some(e) = present(p.error) {
                    em.emit(EventKind::ApiError {
                        status: None,
                        text: error_message(e),
                    });
                }
                self.end_task();
                if self.main_thread() {
                    let duration = int(p.duration_ms).and_then(|d| u64::try_from(d).ok());
                    em.emit(EventKind::TurnEnd {
                        duration_ms: duration.filter(|d| *d > 0),
                    });
                }
            }
            "turn_aborted" => {
                let reason = text(p.reason).unwrap_or_default();
                let during_tool = !self.pending.is_empty();
                self.end_task();
                if !self.main_thread() {
                    return;
                }
                if reason == "interrupted" {
                    em.emit(EventKind::Interrupt { during_tool });
                } else {
                    // Replaced by a new prompt, or ended by a review: not the user's Esc.
                    em.emit(EventKind::TurnEnd { duration_ms: None });
                }
            }
            "token_count" => self.token_count(p.info, em),
            "exec_command_end" => {
                let id = self.call_id(p.call_id, em.line);
                let Some(pending) = self.pending.remove(&id) else {
                    return;
                };
                let body = text(p.aggregated_output)
                    .or_else(|| text(p.formatted_output))
                    .or_else(|| text(p.stderr))
                    .unwrap_or_default();
                let said = match (text(p.status).as_deref(), int(p.exit_code)) {
                    (Some("declined"), _) => Said::Rejected,
                    (_, Some(code)) => Said::Exit(code),
                    _ => Said::Nothing,
                };
                let r = self.result(id, &pending, said, &body, "", None);
                em.emit(EventKind::Result(r));
            }
            "patch_apply_end" => {
                let id = self.call_id(p.call_id, em.line);
                let Some(pending) = self.pending.remove(&id) else {
                    return;
                };
                let outcome = match (flag(p.success), text(p.status).as_deref()) {
                    (_, Some("declined")) => Outcome::Rejected { feedback: None },
                    (Some(false), _) => Outcome::Error,
                    _ => Outcome::Ok,
                };
                let body = text(p.stderr).unwrap_or_default();
                let r = self.finish_result(id, &pending, outcome, &body, "");
                em.emit(EventKind::Result(r));
            }
            "mcp_tool_call_end" => {
                let id = self.call_id(p.call_id, em.line);
                let Some(pending) = self.pending.remove(&id) else {
                    return;
                };
                let raw = p.result.map_or("", RawValue::get);
                let failed = raw.trim_start().starts_with("{\"Err\"")
                    || memchr::memmem::find(raw.as_bytes(), b"\"isError\":true").is_some();
                let outcome = if failed { Outcome::Error } else { Outcome::Ok };
                let r = self.finish_result(id, &pending, outcome, raw, raw);
                em.emit(EventKind::Result(r));
            }
            "collab_agent_spawn_end" => {
                let id = self.call_id(p.call_id, em.line);
                if let Some(pending) = self.pending.get_mut(&id)
                    && let Some(t) = text(p.new_thread_id).filter(|t| !t.is_empty())
                {
                    pending.delegated = Some(Arc::from(prefix(&t, 80)));
                }
            }
            "error" => em.emit(EventKind::ApiError {
                status: None,
                text: text(p.message)
                    .map(|m| first_line(&m, ERROR_KEEP))
                    .or_else(|| present(p.error).map(error_message))
                    .unwrap_or_default(),
            }),
            "stream_error" => {
                if self.main_thread() {
                    em.emit(EventKind::ApiRetry);
                }
            }
            "context_compacted" => {
                if !was_compacted {
                    self.compaction(em);
                }
            }
            "thread_name_updated" => {
                if let Some(t) = text(p.thread_name).filter(|t| !t.trim().is_empty()) {
                    em.emit(EventKind::Title {
                        text: prefix(&t, 200).to_owned(),
                        rank: 2,
                    });
                }
            }
            s if IGNORED_EVENTS.contains(&s) => {}
            s => unknown_subkind(&mut self.stats, "event_msg", s),
        }
    }

    fn end_task(&mut self) {
        self.task_open = false;
        self.task_prompted = false;
        self.awaiting_task = false;
    }

    fn compaction(&mut self, em: &mut Emitter<'_>) {
        if !self.main_thread() {
            return;
        }
        // A compaction in a turn the user prompted came when the context filled up; one in a
        // turn of its own (no prompt: `/compact`), or where no turn is known, is not counted as
        // automatic.
        em.emit(EventKind::Compaction {
            auto: self.task_open && self.task_prompted,
            pre_tokens: None,
        });
    }

    fn user_message(&mut self, p: &Payload<'_>, em: &mut Emitter<'_>) {
        if !self.main_thread() {
            return; // a sub-agent's instructions are never the person's prompt
        }
        // Older versions said what a message was in `kind`: instructions and the environment are
        // Codex's own (`plain` is typed; a kind it does not name is taken as typed).
        if text(p.message_kind)
            .is_some_and(|k| matches!(&*k, "user_instructions" | "environment_context"))
        {
            return;
        }
        let message = text(p.message).unwrap_or_default();
        let t = message.trim_start();
        if SCAFFOLDING.iter().any(|s| t.starts_with(s)) {
            return;
        }
        if let Some(cmd) = t
            .strip_prefix("<user_shell_command>")
            .map(|r| r.split("</user_shell_command>").next().unwrap_or(r))
        {
            em.emit(EventKind::ManualShell {
                command: prefix(cmd.trim(), 300).to_owned(),
            });
            return;
        }
        let images = count(p.images) + count(p.local_images);
        if t.is_empty() && images == 0 {
            return;
        }
        // A sanitised transcript's placeholder: a prompt was typed, its words are unknown.
        let words = if is_placeholder(&message) {
            ""
        } else {
            &message
        };
        let prompt = HeldPrompt {
            text: prefix(words, PROMPT_KEEP).to_owned(),
            len: message.len(),
            images,
            plan_mode: self.plan_mode,
        };
        if !self.task_open {
            self.awaiting_task = true;
            emit_prompt(prompt, PromptSource::Typed, em);
        } else if !self.task_prompted {
            self.task_prompted = true;
            emit_prompt(prompt, PromptSource::Typed, em);
        } else {
            self.held = Some(Held {
                line: em.line,
                at: em.at,
                prompt,
            });
        }
    }

    /// Lets a held prompt go: the start of a new turn, or a steering prompt.
    fn release_held(&mut self, task_starts: bool, out: &mut Vec<Event>) {
        let Some(h) = self.held.take() else { return };
        let mut em = Emitter {
            line: h.line,
            at: h.at,
            agent: None,
            out,
        };
        if task_starts {
            // The running turn was left open: it ends here, and this prompt opens the next.
            em.emit(EventKind::TurnEnd { duration_ms: None });
            self.task_open = false;
            self.awaiting_task = true;
            emit_prompt(h.prompt, PromptSource::Typed, &mut em);
        } else {
            emit_prompt(h.prompt, PromptSource::Queued, &mut em);
        }
    }

    fn token_count(&mut self, info: Option<&RawValue>, em: &mut Emitter<'_>) {
        #[derive(Deserialize, Default)]
        #[serde(default)]
        struct Counts<'a> {
            #[serde(borrow)]
            input_tokens: Option<&'a RawValue>,
            #[serde(borrow)]
            cached_input_tokens: Option<&'a RawValue>,
            #[serde(borrow)]
            output_tokens: Option<&'a RawValue>,
            #[serde(borrow)]
            total_tokens: Option<&'a RawValue>,
        }
        #[derive(Deserialize, Default)]
        #[serde(default)]
        struct Info<'a> {
            #[serde(borrow)]
            total_token_usage: Option<Counts<'a>>,
            #[serde(borrow)]
            last_token_usage: Option<Counts<'a>>,
            #[serde(borrow)]
            model_context_window: Option<&'a RawValue>,
        }
        let Some(info) = present(info).and_then(|i| serde_json::from_str::<Info<'_>>(i.get()).ok())
        else {
            return; // `info: null`: rate limits only
        };
        let n = |r: Option<&RawValue>| int(r).and_then(|v| u64::try_from(v).ok()).unwrap_or(0);
        let Some(total) = &info.total_token_usage else {
            return;
        };
        let now = Usage {
            total: n(total.total_tokens),
            output: n(total.output_tokens),
        };
        let last = info.last_token_usage.unwrap_or_default();
        let output = if now.total < self.usage.total {
            // The count started over (a new thread's totals in this file): the last request's.
            n(last.output_tokens)
        } else if now.total == self.usage.total {
            return; // the same totals again (Codex repeats them): no new model call
        } else {
            now.output.saturating_sub(self.usage.output)
        };
        self.usage = now;
        let input = n(last.input_tokens);
        let cached = n(last.cached_input_tokens).min(input);
        em.emit(EventKind::ModelCall(ModelCall {
            id: hash(format!("codex tokens {}", em.line.0).as_bytes()),
            model: self.model.clone(),
            input_tokens: input - cached,
            output_tokens: output,
            cache_read_tokens: cached,
            cache_creation_tokens: 0,
            window: int(info.model_context_window)
                .and_then(|w| u64::try_from(w).ok())
                .filter(|w| *w > 0),
        }));
    }
}

/// Bulky records that carry nothing the rules use (the model's reasoning, the model's copies of
/// messages counted from their events, snapshots), told by the envelope Codex writes first
/// (`{"timestamp":…,"type":…,"payload":{"type":…`): passed over without parsing. A line that does
/// not end like a complete object gets the full parse (and its skip is counted if broken).
fn passes_over(bytes: &[u8]) -> bool {
    const BULKY: [&[u8]; 4] = [
        br#""type":"response_item","payload":{"type":"reasoning""#,
        br#""type":"response_item","payload":{"type":"message""#,
        br#""type":"response_item","payload":{"type":"ghost_snapshot""#,
        br#""type":"event_msg","payload":{"type":"agent_reasoning""#,
    ];
    let head = &bytes[..bytes.len().min(160)];
    bytes.trim_ascii_end().ends_with(b"}")
        && BULKY
            .iter()
            .any(|p| memchr::memmem::find(head, p).is_some())
}

fn emit_prompt(p: HeldPrompt, source: PromptSource, em: &mut Emitter<'_>) {
    em.emit(EventKind::Prompt(Prompt {
        text: p.text,
        len: p.len,
        source,
        images: p.images,
        plan_mode: p.plan_mode,
        redelivered: false,
    }));
}

fn agent_text(message: u64, text: &str) -> EventKind {
    EventKind::AgentText(AgentText {
        message,
        text: Arc::from(prefix(text, AGENT_TEXT_KEEP)),
        words: u32::try_from(crate::core::engine::text::word_count(text)).unwrap_or(u32::MAX),
    })
}

/// The length of a JSON array (images pasted with a prompt).
fn count(raw: Option<&RawValue>) -> u32 {
    present(raw)
        .and_then(|r| serde_json::from_str::<Vec<&RawValue>>(r.get()).ok())
        .map_or(0, |v| u32::try_from(v.len()).unwrap_or(u32::MAX))
}

/// The front end from `originator` (`codex_cli_rs`, `codex_exec`, `codex_vscode`, `Codex
/// Desktop`) or, where that says nothing known, `source` (`cli`, `exec`, `vscode`, …).
fn entry_point(originator: Option<&str>, source: Option<&RawValue>) -> Option<EntryPoint> {
    let by_originator = originator.and_then(|o| match o {
        "codex_cli_rs" | "codex_cli" | "codex-tui" => Some(EntryPoint::Cli),
        "codex_exec" | "codex_sdk_ts" | "codex_sdk" => Some(EntryPoint::Headless),
        "codex_vscode" => Some(EntryPoint::Vscode),
        "Codex Desktop" | "codex_work_desktop" | "codex_desktop" => Some(EntryPoint::Desktop),
        _ => None,
    });
    by_originator.or_else(|| {
        let s = text(source)?;
        Some(match &*s {
            "cli" => EntryPoint::Cli,
            "exec" => EntryPoint::Headless,
            "vscode" => EntryPoint::Vscode,
            "" => return None,
            _ => EntryPoint::Other,
        })
    })
}

fn git_branch(git: Option<&RawValue>) -> Option<String> {
    #[derive(Deserialize, Default)]
    #[serde(default)]
    struct Git<'a> {
        #[serde(borrow)]
        branch: Option<&'a RawValue>,
    }
    let g: Git<'_> = serde_json::from_str(present(git)?.get()).ok()?;
    text(g.branch)
        .filter(|b| !b.is_empty())
        .map(|b| prefix(&b, 300).to_owned())
}

/// `collaboration_mode` as a string, or as `{"mode": …}`.
fn collaboration_mode(raw: Option<&RawValue>) -> Option<String> {
    let raw = present(raw)?;
    if let Some(s) = text(Some(raw)) {
        return Some(s.into_owned());
    }
    #[derive(Deserialize, Default)]
    #[serde(default)]
    struct Mode<'a> {
        #[serde(borrow)]
        mode: Option<&'a RawValue>,
    }
    let m: Mode<'_> = serde_json::from_str(raw.get()).ok()?;
    text(m.mode).map(std::borrow::Cow::into_owned)
}

/// The query of a web search's `action`.
fn web_query(action: Option<&RawValue>) -> String {
    #[derive(Deserialize, Default)]
    #[serde(default)]
    struct Act<'a> {
        #[serde(borrow)]
        query: Option<&'a RawValue>,
        #[serde(borrow)]
        url: Option<&'a RawValue>,
    }
    action
        .and_then(|a| serde_json::from_str::<Act<'_>>(a.get()).ok())
        .and_then(|a| {
            text(a.query)
                .or_else(|| text(a.url))
                .map(std::borrow::Cow::into_owned)
        })
        .unwrap_or_default()
}

/// An error object's message (`{"message": …}`), else its text.
fn error_message(raw: &RawValue) -> String {
    #[derive(Deserialize, Default)]
    #[serde(default)]
    struct E<'a> {
        #[serde(borrow)]
        message: Option<&'a RawValue>,
    }
    let msg = serde_json::from_str::<E<'_>>(raw.get())
        .ok()
        .and_then(|e| text(e.message))
        .or_else(|| text(Some(raw)));
    msg.map(|m| first_line(&m, ERROR_KEEP)).unwrap_or_default()
}

/// The first meaningful line of a failed output: the unified-exec header lines (chunk, wall
/// time, exit, token count, `Output:`) left out.
fn error_excerpt(body: &str) -> String {
    let line = body
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .find(|l| {
            !(l.starts_with("Chunk ID:")
                || l.starts_with("Wall time:")
                || l.starts_with("Process exited with code")
                || l.starts_with("Original token count:")
                || l.starts_with("Exit code:")
                || *l == "Output:")
        })
        .unwrap_or("");
    prefix(line, ERROR_KEEP).to_owned()
}

/// Whether a line is a rollout line: the `{"timestamp", "type", "payload"}` envelope with a
/// rollout record kind.
#[must_use]
pub fn looks_like(line: &[u8]) -> bool {
    let Ok(t) = std::str::from_utf8(line) else {
        return false;
    };
    let Ok(l) = serde_json::from_str::<Line<'_>>(t) else {
        return false;
    };
    l.payload.is_some()
        && text(l.kind).is_some_and(|k| {
            matches!(
                &*k,
                "session_meta" | "response_item" | "event_msg" | "turn_context" | "compacted"
            )
        })
}

/// What the edge needs from a rollout's first line: its thread id, and the thread it was forked
/// from or spawned by.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Meta {
    pub id: Option<String>,
    /// The parent thread: `forked_from_id`, else `source.subagent.thread_spawn.parent_thread_id`,
    /// else `parent_thread_id`.
    pub parent: Option<String>,
    pub cwd: Option<String>,
}

/// Reads a `session_meta` line (the first line of a rollout); `None` when it is not one.
#[must_use]
pub fn meta(line: &[u8]) -> Option<Meta> {
    #[derive(Deserialize, Default)]
    #[serde(default)]
    struct Spawn<'a> {
        #[serde(borrow)]
        parent_thread_id: Option<&'a RawValue>,
    }
    #[derive(Deserialize, Default)]
    #[serde(default)]
    struct Sub<'a> {
        #[serde(borrow)]
        thread_spawn: Option<Spawn<'a>>,
    }
    #[derive(Deserialize, Default)]
    #[serde(default)]
    struct Source<'a> {
        #[serde(borrow)]
        subagent: Option<Sub<'a>>,
    }
    #[derive(Deserialize, Default)]
    #[serde(default)]
    struct M<'a> {
        #[serde(borrow)]
        id: Option<&'a RawValue>,
        #[serde(borrow)]
        forked_from_id: Option<&'a RawValue>,
        #[serde(borrow)]
        parent_thread_id: Option<&'a RawValue>,
        #[serde(borrow)]
        source: Option<&'a RawValue>,
        #[serde(borrow)]
        cwd: Option<&'a RawValue>,
    }
    let text_line = std::str::from_utf8(line).ok()?;
    let l: Line<'_> = serde_json::from_str(text_line).ok()?;
    if text(l.kind).as_deref() != Some("session_meta") {
        return None;
    }
    let m: M<'_> = serde_json::from_str(present(l.payload)?.get()).ok()?;
    let own = |r: Option<&RawValue>| {
        text(r)
            .filter(|s| !s.is_empty())
            .map(|s| prefix(&s, 200).to_owned())
    };
    let spawned = m
        .source
        .filter(|s| s.get().trim_start().starts_with('{'))
        .and_then(|s| serde_json::from_str::<Source<'_>>(s.get()).ok())
        .and_then(|s| s.subagent)
        .and_then(|s| s.thread_spawn)
        .and_then(|t| own(t.parent_thread_id));
    Some(Meta {
        id: own(m.id),
        parent: own(m.forked_from_id)
            .or(spawned)
            .or_else(|| own(m.parent_thread_id)),
        cwd: own(m.cwd),
    })
}

#[cfg(test)]
mod tests;
