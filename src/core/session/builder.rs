//! [`Builder`]: events in, [`Session`] out, one event at a time.
//!
//! The builder is the only place the counting rules live: unique tool ids, one model call per
//! `message.id` at its largest usage, results attributed to the turn that made the call, queued
//! prompts counted once, a slash command that expands into a prompt counted as a prompt. Feeding
//! events one by one or all at once gives the same session, so live watching and `score` agree.

use std::collections::VecDeque;
use std::sync::Arc;

use super::mode::{self, PathClass};
use super::model::{
    ACTIVITY_KEEP, Activity, CheckRun, Compaction, Control, Delegation, Footprint, Session, Status,
    SubagentFigures, Tally, Turn, TurnPrompt,
};
use crate::core::bounded::{Recent, Waiting};
use crate::core::checks::CheckKind;
use crate::core::event::{
    Action, Event, EventKind, ModelCall, Outcome, Prompt, PromptSource, Tool, ToolResult,
};
use crate::core::hash::hash_str;
use crate::core::stack;
use crate::core::{LineNo, Millis};

/// A call waiting for its result.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
struct Call {
    turn: usize,
    /// Position in the turn's activity feed, counting dropped entries.
    activity: usize,
    agent: Option<Arc<str>>,
    tool: Tool,
    check: Option<CheckKind>,
    path: Option<String>,
    /// `gh pr create`: a success counts as a pull request opened.
    #[serde(default)]
    pr: bool,
}

/// A response seen so far: where it was counted and at what output figure.
#[derive(Debug, Clone, Copy, serde::Serialize, serde::Deserialize)]
struct Response {
    turn: usize,
    output: u64,
}

/// Builds a [`Session`] from events; see the module docs.
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct Builder {
    session: Session,
    /// Calls waiting for their result.
    calls: Waiting<Call>,
    /// Ids seen lately (a call or response is counted once; see [`crate::core::bounded`]).
    seen_calls: Recent<()>,
    seen_results: Recent<()>,
    responses: Recent<Response>,
    agent_responses: Recent<u64>,
    /// A command whose expansion would make it a prompt: (line, text).
    pending_command: Option<(LineNo, Option<Millis>, String)>,
    /// Hashes of recently queued prompts, so their later delivery is not counted again.
    queued: VecDeque<u64>,
    first_edit_seen: bool,
}

impl Builder {
    /// A builder for a session whose id is known from its file name.
    #[must_use]
    pub fn new(id: Option<String>) -> Self {
        let mut b = Self::default();
        b.session.id = id;
        b
    }

    /// The session so far.
    #[must_use]
    pub fn session(&self) -> &Session {
        &self.session
    }

    /// Takes the finished session.
    #[must_use]
    pub fn into_session(self) -> Session {
        self.session
    }

    /// Forgets the session's finished turns but the last ([`Session::forget_turns`]: the engine
    /// reads the open turn and the one before), its compactions and its slash commands but the
    /// last (which a prompt may still turn out to be). Totals stay whole.
    pub fn forget_finished(&mut self) {
        self.session.forget_turns(2);
        self.session.compactions.clear();
        let n = self.session.controls.len().saturating_sub(1);
        self.session.controls.drain(..n);
    }

    /// Sets one sub-agent's figures; returns what it replaced.
    pub fn put_subagent(
        &mut self,
        name: &str,
        figures: SubagentFigures,
    ) -> Option<SubagentFigures> {
        self.session.subagents.insert(name.to_owned(), figures)
    }

    /// Shows one sub-agent's figures as counted from its own file; returns what the name held
    /// before. When a main-thread call spawned it, its successful calls count in that turn's
    /// `delegated_actions` instead of what the call reported; `credited` is how many of them
    /// are counted so far (kept by the caller between calls).
    pub fn show_subagent(
        &mut self,
        name: &str,
        figures: SubagentFigures,
        credited: &mut u64,
    ) -> Option<SubagentFigures> {
        let actions = u64::from(figures.tally.actions);
        let before = self.session.subagents.insert(name.to_owned(), figures);
        match self.session.delegations.get(name) {
            Some(d) if !d.read => {
                self.session.delegated(name, 0);
                *credited = actions;
            }
            Some(_) if actions > *credited => {
                self.session.delegated(name, actions - *credited);
                *credited = actions;
            }
            _ => {}
        }
        before
    }

    /// Adds (`absorb`) or takes back a sub-agent file's footprint (stacks, memory, skills).
    pub fn footprint_of_subagent(&mut self, sub: &Footprint, absorb: bool) {
        if absorb {
            self.session.footprint.absorb_subagent(sub);
        } else {
            self.session.footprint.release_subagent(sub);
        }
    }

    /// Forgets one sub-agent's figures; returns them.
    pub fn remove_subagent(&mut self, name: &str) -> Option<SubagentFigures> {
        self.session.subagents.remove(name)
    }

    /// Feeds one event.
    pub fn push(&mut self, ev: &Event) {
        if let Some(at) = ev.at {
            self.session.started = Some(self.session.started.map_or(at, |s| s.min(at)));
            self.session.last = Some(self.session.last.map_or(at, |l| l.max(at)));
        }
        // A slash command is a prompt when what follows shows the agent took it as one: its
        // expansion (2.x) or the agent answering straight away (1.0.x wrote no expansion).
        if ev.agent.is_none()
            && let Some(pending) = self.pending_command.take()
        {
            match &ev.kind {
                EventKind::Context(_) => self.pending_command = Some(pending),
                EventKind::CommandExpansion => {
                    self.command_prompt(pending);
                    return;
                }
                EventKind::ModelCall(_) | EventKind::Action(_) | EventKind::AgentText(_) => {
                    self.command_prompt(pending);
                }
                _ => {}
            }
        }
        match &ev.agent {
            Some(agent) => self.agent_event(agent, ev),
            None => self.main_event(ev),
        }
    }

    fn main_event(&mut self, ev: &Event) {
        match &ev.kind {
            EventKind::Context(c) => {
                let s = &mut self.session;
                if s.id.is_none() {
                    s.id.clone_from(&c.session_id);
                }
                if s.cwd.is_none() {
                    s.cwd.clone_from(&c.cwd);
                }
                if c.cwd.is_some() && c.cwd != s.cwd {
                    s.current_cwd.clone_from(&c.cwd);
                }
                if c.git_branch.is_some() {
                    s.git_branch.clone_from(&c.git_branch);
                }
                if c.version.is_some() {
                    s.version.clone_from(&c.version);
                }
                if c.entry_point.is_some() {
                    s.entry_point = c.entry_point;
                }
            }
            EventKind::Prompt(p) => self.prompt(ev, p),
            EventKind::Command { name, args, system } => {
                let command = if args.is_empty() {
                    name.clone()
                } else {
                    format!("{name} {args}")
                };
                self.session.controls.push(Control {
                    line: ev.line,
                    command: command.clone(),
                });
                if !system {
                    self.pending_command = Some((ev.line, ev.at, command));
                }
            }
            EventKind::CommandExpansion | EventKind::CommandOutput => {}
            EventKind::Action(a) => self.action(ev, a),
            EventKind::Result(r) => self.result(ev, r),
            EventKind::ModelCall(m) => self.model_call(ev, m),
            EventKind::AgentText(t) => {
                let turn = self.turn_mut(ev);
                turn.tally.words += u64::from(t.words);
                self.session.totals.words += u64::from(t.words);
            }
            EventKind::Interrupt { .. } => {
                // Esc stops the agent: no turn_duration and no Stop hook follow, so this is
                // the turn's end.
                let turn = self.turn_mut(ev);
                turn.tally.interrupts += 1;
                turn.ended = true;
                self.session.totals.interrupts += 1;
            }
            EventKind::ApiError { .. } => {
                self.turn_mut(ev).tally.api_errors += 1;
                self.session.totals.api_errors += 1;
            }
            EventKind::ApiRetry => self.session.api_retries += 1,
            EventKind::Compaction { auto, pre_tokens } => {
                self.session.compactions.push(Compaction {
                    line: ev.line,
                    auto: *auto,
                    pre_tokens: *pre_tokens,
                });
            }
            EventKind::ManualShell { .. } => self.session.manual_commands += 1,
            EventKind::TaskNotification { .. } => self.session.task_notifications += 1,
            EventKind::HookBlock { .. } => self.session.hook_blocks += 1,
            EventKind::TurnEnd { duration_ms } => {
                let turn = self.turn_mut(ev);
                turn.ended = true;
                if duration_ms.is_some() {
                    turn.reported_ms = *duration_ms;
                }
            }
            EventKind::Title { text, rank } => {
                if *rank >= self.session.title_rank {
                    self.session.title = Some(text.clone());
                    self.session.title_rank = *rank;
                }
            }
        }
    }

    fn command_prompt(&mut self, (line, at, text): (LineNo, Option<Millis>, String)) {
        if self.session.controls.last().is_some_and(|c| c.line == line) {
            self.session.controls.pop();
        }
        self.queued.clear();
        let p = Prompt {
            len: text.len(),
            text,
            source: PromptSource::Command,
            images: 0,
            plan_mode: false,
            redelivered: false,
        };
        self.start_turn(line, at, p);
    }

    fn prompt(&mut self, ev: &Event, p: &Prompt) {
        // The text's hash, taken only when a queued text is waiting or this one will wait (a
        // prompt can be long, and most sessions queue nothing).
        let key = || hash_str(p.text.trim());
        let mut held = None;
        if !self.queued.is_empty() {
            let k = *held.insert(key());
            if let Some(pos) = self.queued.iter().position(|q| *q == k) {
                // Queued moments ago and counted then: this line (a typed line or a
                // queued_command attachment with the same text) is its delivery, not a new prompt.
                self.queued.remove(pos);
                return;
            }
        }
        match p.source {
            // Seen once in this format (a steering prompt in Codex): nothing to wait for.
            PromptSource::Queued if !p.redelivered => {}
            PromptSource::Queued => {
                self.queued.push_back(held.unwrap_or_else(key));
                if self.queued.len() > 8 {
                    self.queued.pop_front();
                }
            }
            // A new typed prompt ends the window in which queued texts can still be delivered.
            PromptSource::Typed | PromptSource::Command => self.queued.clear(),
        }
        if self.session.prompts() == 0 && mode::says_broken(&p.text) {
            self.session.mode_evidence.breakage = true;
        }
        self.start_turn(ev.line, ev.at, p.clone());
    }

    fn start_turn(&mut self, line: LineNo, at: Option<Millis>, p: Prompt) {
        // Only a preamble (number 0) has no prompt, so the last turn's number is the count of
        // prompts so far (counting them again here made a session's cost grow with its square).
        let number = self.session.turns.last().map_or(0, |t| t.number) + 1;
        let prompt = TurnPrompt {
            plan_mode: p.plan_mode,
            text: p.text,
            len: p.len,
            source: p.source,
            images: p.images,
        };
        self.session
            .turns
            .push(Arc::new(Turn::new(number, line, Some(prompt), at)));
    }

    /// The current turn, opening a preamble when work arrives before any prompt.
    fn turn_mut(&mut self, ev: &Event) -> &mut Turn {
        if self.session.turns.is_empty() {
            self.session
                .turns
                .push(Arc::new(Turn::new(0, ev.line, None, ev.at)));
        }
        let turn = Arc::make_mut(
            self.session
                .turns
                .last_mut()
                .expect("a turn was just ensured"),
        );
        if let Some(at) = ev.at {
            turn.started.get_or_insert(at);
            turn.last = Some(turn.last.map_or(at, |l| l.max(at)));
        }
        turn
    }

    fn action(&mut self, ev: &Event, a: &Action) {
        if !self.seen_calls.remember(a.id) {
            return;
        }
        let turn = self.turn_mut(ev);
        turn.tally.tool_calls += 1;
        // Look the name up before allocating a key for it: most calls repeat a known tool.
        match turn.tools.get_mut(&*a.name) {
            Some(n) => *n += 1,
            None => {
                turn.tools.insert(a.name.to_string(), 1);
            }
        }
        let index = self.session.turn_count() - 1;
        self.session.totals.tool_calls += 1;
        let e = &mut self.session.mode_evidence;
        if a.read_only {
            e.read_only += 1;
        }
        if a.tool == Tool::Plan {
            e.plan_calls += 1;
        }
        if a.ships
            || a.target.contains("deploy")
            || a.target.starts_with("kubectl")
            || a.target.starts_with("terraform")
            || a.target.starts_with("docker")
        {
            e.ops_commands += 1;
        }
        if a.tool == Tool::Bash
            && (a.target.starts_with("python")
                || a.target.starts_with("node ")
                || a.target.starts_with("Rscript"))
        {
            e.script_runs += 1;
        }
        note_footprint(&mut self.session.footprint, a);
        let Some(turn) = self.session.turn_mut(index) else {
            return;
        };
        let activity = turn.activity_dropped as usize + turn.activity.len();
        turn.activity.push(Activity {
            line: ev.line,
            result_line: None,
            tool: a.name.clone(),
            target: crate::core::sanitize::prefix(&a.target, 160).to_owned(),
            status: Status::Running,
            check: a.check,
            lines_added: 0,
            lines_removed: 0,
            error: None,
        });
        if turn.activity.len() > ACTIVITY_KEEP + ACTIVITY_KEEP / 4 {
            // Drop the oldest in a batch, so the feed stays bounded at amortised cost.
            let drop = turn.activity.len() - ACTIVITY_KEEP;
            turn.activity.drain(..drop);
            turn.activity_dropped += u32::try_from(drop).unwrap_or(u32::MAX);
        }
        self.calls.insert(
            a.id,
            Call {
                turn: index,
                activity,
                agent: None,
                tool: a.tool,
                check: a.check,
                path: a.edit.as_ref().map(|e| e.path.clone()),
                pr: a.ships && a.target.contains("pr create"),
            },
        );
    }

    fn result(&mut self, ev: &Event, r: &ToolResult) {
        let Some(call) = self.calls.remove(r.id) else {
            if !self.seen_results.contains(r.id) {
                self.session.orphan_results += 1;
            }
            return;
        };
        self.seen_results.remember(r.id);
        if call.pr && r.outcome == Outcome::Ok {
            self.session.footprint.prs += 1;
        }
        // A failing check before the first edit is a breakage trigger for the mode guess.
        if call.check.is_some() && r.check_failed && !self.first_edit_seen {
            self.session.mode_evidence.breakage = true;
        }
        if let (Tool::Edit | Tool::Write, Outcome::Ok, Some(path)) =
            (call.tool, &r.outcome, &call.path)
        {
            self.first_edit_seen = true;
            let e = &mut self.session.mode_evidence;
            match mode::classify_path(path) {
                PathClass::Test => e.test_edits += 1,
                PathClass::Ops => e.ops_edits += 1,
                PathClass::Agent => e.agent_edits += 1,
                PathClass::Prose => e.prose_edits += 1,
                PathClass::Code => e.code_edits += 1,
            }
        }
        if let Some(at) = ev.at
            && let Some(turn) = self.session.turns.last_mut().map(Arc::make_mut)
        {
            turn.last = Some(turn.last.map_or(at, |l| l.max(at)));
        }
        let Some(turn) = self.session.turn_mut(call.turn) else {
            return;
        };
        count_result(&mut turn.tally, r, call.check);
        count_result(&mut self.session.totals, r, call.check);
        if let Some(agent) = &r.delegated_to {
            let d = Delegation {
                turn: call.turn,
                reported: u64::from(r.delegated_actions),
                read: false,
            };
            self.session.delegations.insert(agent.to_string(), d);
            if self.session.subagents.contains_key(&**agent) {
                self.session.delegated(agent, 0);
            }
        }
        let Some(turn) = self.session.turn_mut(call.turn) else {
            return;
        };
        if let Some(item) = call
            .activity
            .checked_sub(turn.activity_dropped as usize)
            .and_then(|i| turn.activity.get_mut(i))
        {
            item.result_line = Some(ev.line);
            item.status = match &r.outcome {
                Outcome::Ok if r.check_failed => Status::Failed,
                Outcome::Ok => Status::Ok,
                Outcome::Error => Status::Failed,
                Outcome::Rejected { .. } => Status::Rejected,
                Outcome::Cancelled => Status::Cancelled,
                Outcome::Blocked => Status::Blocked,
                Outcome::Interrupted => Status::Interrupted,
            };
            item.lines_added = r.lines_added;
            item.lines_removed = r.lines_removed;
            // A failed check is best described by what failed; other errors by their first line.
            item.error = r
                .failure
                .as_ref()
                .filter(|f| !f.label.is_empty())
                .map(|f| format!("failed: {}", f.label))
                .or_else(|| r.error.clone())
                .map(|e| crate::core::sanitize::prefix(&e, 200).to_owned());
        }
        if let (Tool::Edit | Tool::Write, Outcome::Ok, Some(path)) =
            (call.tool, &r.outcome, call.path)
        {
            turn.files.insert(path);
        }
        if let Some(kind) = call.check
            && matches!(r.outcome, Outcome::Ok | Outcome::Error)
        {
            turn.checks.push(CheckRun {
                line: ev.line,
                kind,
                passed: !r.check_failed,
            });
        }
    }

    fn model_call(&mut self, ev: &Event, m: &ModelCall) {
        let input = m.input_tokens + m.cache_read_tokens + m.cache_creation_tokens;
        if input > 0 {
            self.session.context_tokens = input;
        }
        if let Some(model) = &m.model
            && self.session.model.as_deref() != Some(&**model)
        {
            self.session.model = Some(model.to_string());
        }
        if let Some(seen) = self.responses.get_mut(m.id) {
            // A later line of the same response: only a larger output figure counts, as a delta.
            if m.output_tokens > seen.output {
                let delta = m.output_tokens - seen.output;
                seen.output = m.output_tokens;
                let turn = seen.turn;
                if let Some(t) = self.session.turn_mut(turn) {
                    t.tally.output_tokens += delta;
                }
                self.session.totals.output_tokens += delta;
            }
            return;
        }
        let turn = self.turn_mut(ev);
        turn.tally.model_calls += 1;
        turn.tally.output_tokens += m.output_tokens;
        let index = self.session.turn_count() - 1;
        self.session.totals.model_calls += 1;
        self.session.totals.output_tokens += m.output_tokens;
        self.responses.insert(
            m.id,
            Response {
                turn: index,
                output: m.output_tokens,
            },
        );
    }

    fn agent_event(&mut self, agent: &Arc<str>, ev: &Event) {
        if !self.session.subagents.contains_key(&**agent) {
            self.session.delegated(agent, 0);
        }
        let mut credit: Option<Arc<str>> = None;
        let figures = self
            .session
            .subagents
            .entry(agent.to_string())
            .or_insert_with(|| SubagentFigures {
                compactor: agent.starts_with("acompact"),
                ..SubagentFigures::default()
            });
        let t = &mut figures.tally;
        match &ev.kind {
            EventKind::Action(a) if self.seen_calls.remember(a.id) => {
                t.tool_calls += 1;
                if !figures.compactor {
                    note_footprint(&mut self.session.footprint, a);
                }
                self.calls.insert(
                    a.id,
                    Call {
                        turn: 0,
                        activity: 0,
                        agent: Some(agent.clone()),
                        tool: a.tool,
                        check: a.check,
                        path: None,
                        pr: false,
                    },
                );
            }
            EventKind::Result(r) => {
                if let Some(call) = self.calls.remove(r.id) {
                    self.seen_results.remember(r.id);
                    let target = match &call.agent {
                        Some(a) if **a != **agent => {
                            &mut self
                                .session
                                .subagents
                                .entry(a.to_string())
                                .or_default()
                                .tally
                        }
                        _ => t,
                    };
                    count_result(target, r, call.check);
                    if r.outcome == Outcome::Ok {
                        credit = call.agent.clone();
                    }
                }
            }
            EventKind::ModelCall(m) => match self.agent_responses.get_mut(m.id) {
                Some(out) => {
                    if m.output_tokens > *out {
                        t.output_tokens += m.output_tokens - *out;
                        *out = m.output_tokens;
                    }
                }
                None => {
                    t.model_calls += 1;
                    t.output_tokens += m.output_tokens;
                    self.agent_responses.insert(m.id, m.output_tokens);
                }
            },
            EventKind::AgentText(x) => t.words += u64::from(x.words),
            EventKind::Interrupt { .. } => t.interrupts += 1,
            EventKind::ApiError { .. } => t.api_errors += 1,
            _ => {}
        }
        if let Some(a) = credit {
            self.session.delegated(&a, 1);
        }
    }
}

/// The project memory files: what Claude Code loads as instructions for the project.
const MEMORY_FILES: [&str; 3] = ["CLAUDE.md", "CLAUDE.local.md", "AGENTS.md"];

/// What one call (main thread or sub-agent) says about the stacks, the project memory and
/// skills: one piece of stack evidence per file touched, one per stack a command runs.
fn note_footprint(f: &mut Footprint, a: &Action) {
    let mut stack = |s| *f.stacks.entry(s).or_insert(0) += 1;
    match a.tool {
        Tool::Read | Tool::Edit | Tool::Write => {
            if let Some(s) = stack::of_path(&a.target) {
                stack(s);
            }
            let file = a.target.rsplit(['/', '\\']).next().unwrap_or(&a.target);
            if MEMORY_FILES.iter().any(|m| file.eq_ignore_ascii_case(m)) {
                if a.tool == Tool::Read {
                    f.memory_reads += 1;
                } else {
                    f.memory_edits += 1;
                }
            }
        }
        Tool::Bash if &*a.name == "Bash" => {
            stack::each_of_command(&a.target, &mut stack);
            // One search for the common part first: most commands name no markdown file.
            if a.target.contains(".md") && MEMORY_FILES.iter().any(|m| a.target.contains(m)) {
                f.memory_reads += 1;
            }
        }
        _ if &*a.name == "Skill" => f.skills += 1,
        _ => {}
    }
}

/// Adds one result to a tally.
fn count_result(t: &mut Tally, r: &ToolResult, check: Option<CheckKind>) {
    if r.is_error {
        t.tool_errors += 1;
    }
    match &r.outcome {
        Outcome::Ok => t.actions += 1,
        Outcome::Error => t.failed += 1,
        Outcome::Rejected { .. } => t.rejections += 1,
        Outcome::Cancelled => t.cancelled += 1,
        Outcome::Blocked => t.blocked += 1,
        Outcome::Interrupted => {}
    }
    t.lines_added += u64::from(r.lines_added);
    t.lines_removed += u64::from(r.lines_removed);
    t.delegated_actions += u64::from(r.delegated_actions);
    if check.is_some() && matches!(r.outcome, Outcome::Ok | Outcome::Error) {
        t.checks_run += 1;
        if r.check_failed {
            t.checks_failed += 1;
        }
    }
}
