//! The detectors: one small rule per signal card (signals.md section 2), over bounded state.
//!
//! Episodes: a signal fires once when its condition starts to hold and the same firing grows
//! (evidence, intensity) while it keeps holding; it can fire again only after the condition broke.

use std::collections::{HashMap, HashSet, VecDeque};

use super::ids::{RecoveryId, SignalId};
use super::text;
use super::{Engine, push_capped};
use crate::core::checks::{self, Bypass, CheckKind};
use crate::core::event::{
    Action, AgentText, Event, EventKind, ModelCall, Outcome, Tool, ToolResult,
};
use crate::core::sanitize::one_line;
use crate::core::session::Session;
use crate::core::{LineNo, Millis};

/// Recent actions kept for loop detection (S1–S3, S6).
const RECENT_ACTIONS: usize = 40;

/// One action of the current turn and, once known, its result.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
struct Act {
    id: u64,
    seq: u32,
    line: LineNo,
    sig: u64,
    tool: Tool,
    /// Shared, so handling the result clones a pointer, not the text.
    target: std::sync::Arc<str>,
    polling: bool,
    probe: bool,
    check: Option<CheckKind>,
    edit: Option<std::sync::Arc<ActEdit>>,
    outcome: Option<Outcome>,
    obs: u64,
    result_line: LineNo,
}

/// What an edit changed: its file, hashes of the old and new text, and of their lines.
#[derive(Debug, serde::Serialize, serde::Deserialize)]
struct ActEdit {
    path: String,
    old: u64,
    new: u64,
    old_lines: Vec<u64>,
    new_lines: Vec<u64>,
}

/// Failing runs of one kind of check since it last passed.
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
struct CheckLoop {
    /// (result line, failing-id count, label, edits before this run)
    runs: Vec<(LineNo, u32, String, u32)>,
    target: String,
    edits_since: u32,
    episode: Option<usize>,
}

/// What the last main-thread event was, for idle turn ends.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
enum Last {
    #[default]
    Other,
    AgentText,
    Interrupt,
    Action,
}

#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
struct PromptRec {
    line: LineNo,
    at: Option<Millis>,
    text: String,
    words: HashSet<String>,
    /// `text::fold(text)` when the prompt is long enough to be compared (S9), else empty.
    folded: String,
    /// `text::word_count(text)`.
    word_count: usize,
}

/// Everything the detectors remember; bounded by turn, window or cap.
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub(super) struct State {
    pub last_line: LineNo,
    pub last_at: Option<Millis>,
    pub event_at: Option<Millis>,
    last: Last,
    turn_started: Option<Millis>,
    turn_ended: bool,
    /// The transcript writes end-of-turn markers (2.1.x): idle time never ends a turn then.
    markers: bool,
    ended_turn: Option<usize>,
    turn_question: bool,
    seq: u32,
    acts: VecDeque<Act>,
    s1: Option<usize>,
    s2: Option<usize>,
    s3: Option<usize>,
    pub streak: Vec<LineNo>,
    s4: Option<usize>,
    pub errors_seen: u32,
    turn_errors: u32,
    last_outcome: Option<Outcome>,
    checks: HashMap<CheckKind, CheckLoop>,
    check_failed_seen: bool,
    last_check_failed: bool,
    any_check: bool,
    olds: HashMap<String, Vec<u64>>,
    /// Per file: the lines its last edit wrote, and the chain of edits rewriting each other.
    rewrites: HashMap<String, (Vec<u64>, Vec<LineNo>)>,
    s6_paths: HashMap<String, usize>,
    /// The turn's prompt asked to revert or undo something.
    revert_asked: bool,
    last_edit_seq: Option<u32>,
    last_check_seq: Option<u32>,
    interrupt_turns: VecDeque<(usize, LineNo)>,
    s7_turn: Option<usize>,
    interrupted_last: bool,
    rejection_units: u32,
    rejection_lines: Vec<LineNo>,
    s8_turn: Option<usize>,
    plan_rejections: Vec<LineNo>,
    prompts: VecDeque<PromptRec>,
    pub corrections: Vec<LineNo>,
    s10: Option<usize>,
    agent_asked: bool,
    last_agent_text: Option<std::sync::Arc<str>>,
    verification_asked: bool,
    unverified: Vec<LineNo>,
    s13_turn: Option<usize>,
    read_streak: Vec<LineNo>,
    reads: HashMap<u64, Vec<LineNo>>,
    s14_turn: Option<usize>,
    prev_turn_actions: Vec<u32>,
    s15_turn: Option<usize>,
    /// A loop signal (S1–S6) fired in the current turn.
    pub turn_loop: bool,
    apologies: VecDeque<(usize, LineNo, Option<Millis>)>,
    s16_turn: Option<usize>,
    texts_since_action: Vec<(u64, std::sync::Arc<str>, LineNo)>,
    compactions: u32,
    context_fired: bool,
    api_errors: VecDeque<(Millis, LineNo)>,
    timeouts: Vec<LineNo>,
    blocked: Vec<LineNo>,
    s19_turn: Option<usize>,
    wrote: bool,
}

impl State {
    /// The most failing runs any kind of check has had since it last passed.
    pub fn failing_runs(&self) -> usize {
        self.checks
            .values()
            .map(|c| c.runs.len())
            .max()
            .unwrap_or(0)
    }
}

fn lines(v: &[LineNo]) -> Vec<LineNo> {
    let mut v = v.to_vec();
    v.sort_unstable();
    v.dedup();
    v
}

fn short(s: &str) -> String {
    one_line(s, 60)
}

fn short_path(s: &str) -> String {
    crate::core::sanitize::path_tail(s, 48)
}

impl Engine {
    pub(super) fn dispatch(&mut self, ev: &Event, s: &Session) {
        self.st.event_at = ev.at;
        match &ev.kind {
            EventKind::Action(a) => self.on_action(ev, a, s),
            EventKind::Result(r) => self.on_result(ev, r, s),
            EventKind::AgentText(t) => self.on_agent_text(ev, t),
            EventKind::Interrupt { .. } => self.on_interrupt(ev),
            EventKind::ApiError { .. } => self.on_api_error(ev),
            EventKind::Compaction { auto, .. } => self.on_compaction(ev, *auto),
            EventKind::ModelCall(m) => self.on_model_call(ev, m, s),
            EventKind::TurnEnd { .. } => {
                self.st.markers = true;
                self.st.turn_ended = true;
                self.end_of_turn(s, self.current_turn());
            }
            EventKind::Command { name, .. } if name == "/clear" && self.tier() >= 2 => {
                self.recover(RecoveryId::R4, ev.line, "ran /clear to start over".into());
            }
            EventKind::HookBlock { .. } => self.on_blocked(ev.line),
            _ => {}
        }
        self.st.last = match &ev.kind {
            EventKind::AgentText(_) => Last::AgentText,
            EventKind::Interrupt { .. } => Last::Interrupt,
            EventKind::Action(_) => Last::Action,
            EventKind::Result(r) if matches!(r.outcome, Outcome::Rejected { .. }) => {
                Last::Interrupt
            }
            EventKind::Context(_) | EventKind::Title { .. } => self.st.last,
            _ => Last::Other,
        };
    }

    /// The clock moved to `now`: idle turn ends and silence after trouble (S19).
    pub(super) fn advance(&mut self, now: Millis, s: &Session) {
        if self.now.is_some_and(|n| n >= now) {
            return;
        }
        self.now = Some(now);
        let Some(last) = self.st.last_at else { return };
        let idle = now.since(last);
        let rules = self.rules.clone();
        let t = &rules.config.thresholds;
        let idle_end = seconds_ms(t.idle_turn_end_seconds);
        if !self.st.turn_ended
            && !self.st.markers
            && idle >= idle_end
            && matches!(self.st.last, Last::AgentText | Last::Interrupt)
        {
            self.st.turn_ended = true;
            self.st.event_at = Some(last.plus(idle_end));
            self.end_of_turn(s, self.current_turn());
        }
        let turn = self.current_turn();
        let quiet = seconds_ms(t.s19_minutes * 60.0);
        // The tier is only worth computing once the other conditions hold (this runs per event).
        if self.st.turn_ended
            && idle >= quiet
            && self.st.s19_turn != Some(turn)
            && !self.turns.is_empty()
            && (self.tier() >= 3 || self.st.last_outcome.as_ref().is_some_and(Outcome::is_error))
        {
            self.st.s19_turn = Some(turn);
            self.st.event_at = Some(last.plus(quiet));
            let nothing = s.lines_written() == 0;
            let detail = format!(
                "no prompt for {} minutes after a troubled turn",
                t.s19_minutes.round()
            );
            self.fire(
                SignalId::S19,
                vec![self.st.last_line],
                1.0,
                detail,
                u8::from(nothing),
            );
        }
        let abandon = seconds_ms(t.s19_abandoned_minutes * 60.0);
        if self.st.turn_ended
            && idle >= abandon
            && self.abandoned_at.is_none()
            && self.trouble
            && s.lines_written() == 0
        {
            self.abandoned_at = Some((self.st.last_line, last.plus(abandon)));
        }
    }

    // -- prompts ---------------------------------------------------------------------------

    pub(super) fn on_prompt(&mut self, ev: &Event, s: &Session, turn: usize) {
        let prev_tier = turn
            .checked_sub(1)
            .and_then(|p| self.turns.get(p))
            .map_or(0, |t| t.tier);
        if let Some(prev) = turn.checked_sub(1).and_then(|p| s.turns.get(p)) {
            push_capped_vec(&mut self.st.prev_turn_actions, prev.tally.tool_calls, 50);
        }
        let Some(prompt) = s.turns.get(turn).and_then(|t| t.prompt.as_ref()) else {
            return;
        };
        let text = prompt.text.clone();
        self.reset_turn(ev.at);
        let lex = &self.rules.lex;
        let rules = self.rules.clone();
        let t = &rules.config.thresholds;
        let continuation = lex.is_continuation(&text);
        let answered_question = std::mem::take(&mut self.st.agent_asked);
        let typed = text::human_text(&text);
        let correction = lex.correction_in(&typed) && !answered_question;
        let frustrated = lex.frustration_in(&typed);
        let content = text::content_words(&text);
        let words = text::word_count(&text);
        self.st.turn_question = text::is_question(&text);
        self.st.verification_asked = lex.asks_verification(&text);
        self.st.revert_asked = REVERT_ASK.is_match(&text);
        let interrupted = std::mem::take(&mut self.st.interrupted_last);
        let line = ev.line;

        let prev_words = self.st.prompts.back().map_or(0, |p| p.word_count);
        let folded = if content.len() >= t.s9_min_words as usize {
            text::fold(&text)
        } else {
            String::new()
        };
        let reframe = words >= 20 && words >= prev_words * 2 && text::has_anchor(&text);
        // Interrupting to redirect with a precise instruction is the expert move, not pushback.
        if correction && interrupted && !reframe && self.st.s7_turn != Some(turn) {
            self.st.s7_turn = Some(turn);
            let last_interrupt = self.st.interrupt_turns.back().map_or(line, |(_, l)| *l);
            self.fire(
                SignalId::S7,
                vec![last_interrupt, line],
                1.0,
                "you interrupted Claude, then had to correct it".into(),
                0,
            );
        }
        let duplicate = if continuation {
            None
        } else {
            self.near_duplicate(&text, &folded, &content, ev.at)
        };
        if let Some((prev_line, ago)) = duplicate {
            let detail = match ago {
                Some(ms) => format!(
                    "this prompt repeats the one at line {prev_line}, {} earlier",
                    crate::core::format::duration_short(ms)
                ),
                None => format!("this prompt repeats the one at line {prev_line}"),
            };
            self.fire(SignalId::S9, vec![prev_line, line], 1.0, detail, 0);
        }
        if correction || duplicate.is_some() {
            self.st.corrections.push(line);
            self.correction_chain();
        }
        if frustrated {
            self.fire(
                SignalId::S11,
                vec![line],
                1.0,
                "this prompt sounds frustrated".into(),
                0,
            );
        }
        let vague = words as u32 <= t.s12_max_words && !text::has_anchor(&text) && !continuation;
        if prev_tier >= 3 && vague && !answered_question {
            let detail = format!(
                "\"{}\" follows a troubled turn but adds nothing new",
                one_line(&text, 40)
            );
            self.fire(SignalId::S12, vec![line], 1.0, detail, 0);
        }
        if prev_tier >= 2 || self.tier() >= 3 {
            self.prompt_recoveries(&text, words, prompt.plan_mode, reframe, line);
        }
        if self.rules.lex.affirmation_in(&typed) {
            self.recover(RecoveryId::R7, line, format!("\"{}\"", one_line(&text, 40)));
        }
        let rec = PromptRec {
            line,
            at: ev.at,
            words: content,
            text,
            folded,
            word_count: words,
        };
        push_capped(&mut self.st.prompts, rec, 2);
    }

    fn prompt_recoveries(
        &mut self,
        text: &str,
        words: usize,
        plan: bool,
        reframe: bool,
        line: LineNo,
    ) {
        let rules = self.rules.clone();
        let lex = &rules.lex;
        if lex.asks_verification(text) {
            self.recover(RecoveryId::R1, line, "asked for a specific check".into());
        }
        if text::brings_information(text) {
            self.recover(
                RecoveryId::R2,
                line,
                "added the error, a file or the expected result".into(),
            );
        }
        if plan {
            self.recover(RecoveryId::R3, line, "switched to plan mode".into());
        }
        if reframe {
            self.recover(
                RecoveryId::R4,
                line,
                format!("reframed the task in {words} words"),
            );
        }
    }

    fn near_duplicate(
        &self,
        text: &str,
        folded: &str,
        words: &HashSet<String>,
        at: Option<Millis>,
    ) -> Option<(LineNo, Option<u64>)> {
        let rules = self.rules.clone();
        let t = &rules.config.thresholds;
        let window = seconds_ms(t.s9_window_minutes * 60.0);
        self.st.prompts.iter().rev().find_map(|p| {
            let ago = at.zip(p.at).map(|(a, b)| a.since(b));
            if ago.is_some_and(|ms| ms > window) {
                return None;
            }
            let identical = p.text.trim() == text.trim();
            let long_enough =
                words.len() >= t.s9_min_words as usize && p.words.len() >= t.s9_min_words as usize;
            (identical
                || (long_enough
                    && text::similarity_folded(folded, &p.folded, words, &p.words)
                        >= t.s9_similarity))
                .then_some((p.line, ago))
        })
    }

    fn correction_chain(&mut self) {
        let need = self.rules.config.thresholds.s10_corrections as usize;
        let n = self.st.corrections.len();
        if n < need {
            return;
        }
        let evidence = lines(&self.st.corrections);
        let detail = format!("this is correction number {n} without a success in between");
        match self.st.s10 {
            Some(i)
                if self
                    .firings
                    .get(i)
                    .is_some_and(|f| f.turn + 1 >= self.current_turn()) =>
            {
                self.update(i, evidence, 1.0, detail);
            }
            _ => self.st.s10 = Some(self.fire(SignalId::S10, evidence, 1.0, detail, 0)),
        }
    }

    fn reset_turn(&mut self, at: Option<Millis>) {
        let st = &mut self.st;
        st.turn_started = at;
        st.turn_ended = false;
        st.seq = 0;
        st.acts.clear();
        st.s1 = None;
        st.s2 = None;
        st.s3 = None;
        st.streak.clear();
        st.s4 = None;
        st.turn_errors = 0;
        st.turn_loop = false;
        st.rejection_units = 0;
        st.rejection_lines.clear();
        st.last_edit_seq = None;
        st.last_check_seq = None;
        st.read_streak.clear();
        st.reads.clear();
        st.texts_since_action.clear();
        st.rewrites.clear();
        st.s6_paths.clear();
        st.last_agent_text = None;
        st.last_outcome = None;
    }

    // -- actions and results ---------------------------------------------------------------

    fn on_action(&mut self, ev: &Event, a: &Action, s: &Session) {
        self.st.turn_ended = false;
        self.st.seq += 1;
        self.st.agent_asked = false;
        self.st.texts_since_action.clear();
        let probe = a.target.starts_with("which ")
            || a.target.starts_with("test -")
            || a.target.starts_with("command -v")
            || a.target.starts_with("[ ");
        push_capped(
            &mut self.st.acts,
            Act {
                id: a.id,
                seq: self.st.seq,
                line: ev.line,
                sig: a.sig,
                tool: a.tool,
                target: std::sync::Arc::from(a.target.as_str()),
                polling: a.polling,
                probe,
                check: a.check,
                edit: a.edit.as_ref().map(|e| {
                    std::sync::Arc::new(ActEdit {
                        path: e.path.clone(),
                        old: e.old,
                        new: e.new,
                        old_lines: e.old_lines.clone(),
                        new_lines: e.new_lines.clone(),
                    })
                }),
                outcome: None,
                obs: 0,
                result_line: ev.line,
            },
            RECENT_ACTIONS,
        );
        let turn = self.current_turn();
        let rules = self.rules.clone();
        let t = &rules.config.thresholds;
        if a.read_only && !a.polling {
            self.st.read_streak.push(ev.line);
            let n = self.st.read_streak.len();
            if n >= t.s14_read_only_actions as usize
                && self.st.s14_turn != Some(turn)
                && !self.st.turn_question
            {
                self.st.s14_turn = Some(turn);
                let evidence = vec![self.st.read_streak[0], ev.line];
                self.fire(
                    SignalId::S14,
                    evidence,
                    1.0,
                    format!("{n} read-only steps in a row without a change"),
                    0,
                );
            }
        } else if matches!(a.tool, Tool::Edit | Tool::Write) {
            self.st.read_streak.clear();
        }
        if a.tool == Tool::Read {
            let reads = self.st.reads.entry(a.sig).or_default();
            reads.push(ev.line);
            let n = reads.len();
            if n >= t.s14_same_file_reads as usize && self.st.s14_turn != Some(turn) {
                self.st.s14_turn = Some(turn);
                let evidence = reads.clone();
                let detail = format!("{} was read {n} times in this turn", short_path(&a.target));
                self.fire(SignalId::S14, evidence, 1.0, detail, 1);
            }
        }
        if let Some(b) = a.bypass
            && (b == Bypass::NoVerify || self.st.check_failed_seen)
        {
            let detail = format!("Claude {}: `{}`", b.describe(), short(&a.target));
            self.fire(SignalId::S20, vec![ev.line], 1.0, detail, 0);
        }
        if a.tool == Tool::Plan && &*a.name == "EnterPlanMode" && self.tier() >= 2 {
            self.recover(RecoveryId::R3, ev.line, "switched to plan mode".into());
        }
        self.long_run(ev, s);
    }

    fn on_result(&mut self, ev: &Event, r: &ToolResult, s: &Session) {
        self.st.turn_ended = false;
        let line = ev.line;
        let Some(pos) = self.st.acts.iter().position(|a| a.id == r.id) else {
            self.st.last_outcome = Some(r.outcome.clone());
            return;
        };
        {
            let act = &mut self.st.acts[pos];
            act.outcome = Some(r.outcome.clone());
            act.obs = r.obs;
            act.result_line = line;
        }
        let act = self.st.acts[pos].clone(); // cheap: shared text and edit
        self.st.last_outcome = Some(r.outcome.clone());
        match &r.outcome {
            Outcome::Ok => {
                self.st.streak.clear();
                self.st.s4 = None;
                self.st.blocked.clear();
                self.end_items.unrecovered_error = false;
                self.end_items.rejected_last = false;
                if matches!(act.tool, Tool::Edit | Tool::Write) {
                    self.on_edit(&act);
                }
                if r.committed {
                    self.recover(
                        RecoveryId::R6,
                        line,
                        format!("committed: `{}`", short(&act.target)),
                    );
                }
            }
            Outcome::Error => {
                self.st.errors_seen += 1;
                self.st.turn_errors += 1;
                if r.timed_out {
                    self.st.timeouts.push(line);
                    self.harness_streak(true);
                } else {
                    self.st.timeouts.clear();
                }
                if !act.probe {
                    self.st.streak.push(line);
                    self.error_streak();
                }
            }
            Outcome::Rejected { feedback } => {
                self.on_rejection(line, &act, feedback.as_deref());
            }
            Outcome::Blocked => self.on_blocked(line),
            Outcome::Cancelled | Outcome::Interrupted => {}
        }
        if let Some(kind) = act.check
            && matches!(r.outcome, Outcome::Ok | Outcome::Error)
        {
            self.on_check(kind, &act, r, line);
        }
        self.loops();
        if !self.st.wrote && s.lines_written() > 0 {
            self.st.wrote = true;
            self.recover(RecoveryId::R8, line, "first lines written".into());
        }
        self.long_run(ev, s);
    }

    fn error_streak(&mut self) {
        let need = self.rules.config.thresholds.s4_error_streak as usize;
        let n = self.st.streak.len();
        if n < need {
            return;
        }
        let evidence = self.st.streak.clone();
        #[expect(clippy::cast_precision_loss, reason = "small counts")]
        let intensity = n as f64 / need as f64;
        let detail = format!("{n} tool errors in a row");
        match self.st.s4 {
            Some(i) => self.update(i, evidence, intensity, detail),
            None => self.st.s4 = Some(self.fire(SignalId::S4, evidence, intensity, detail, 0)),
        }
    }

    fn on_check(&mut self, kind: CheckKind, act: &Act, r: &ToolResult, line: LineNo) {
        self.st.any_check = true;
        self.st.last_check_seq = Some(act.seq);
        let need = self.rules.config.thresholds.s5_failing_check_runs as usize;
        let lp = self.st.checks.entry(kind).or_default();
        if !r.check_failed {
            self.st.last_check_failed = false;
            self.end_items.failing_check = false;
            let failed = lp.runs.len();
            *lp = CheckLoop::default();
            if failed > 0 {
                let detail = format!(
                    "`{}` passed after {} failing run{}",
                    short(&act.target),
                    failed,
                    if failed == 1 { "" } else { "s" }
                );
                self.recover(RecoveryId::R5, line, detail);
            }
            return;
        }
        self.st.check_failed_seen = true;
        self.st.last_check_failed = true;
        let (count, label) = r
            .failure
            .as_ref()
            .map_or((1, String::new()), |f| (f.count, f.label.clone()));
        let edits = std::mem::take(&mut lp.edits_since);
        lp.runs.push((line, count, label, edits));
        lp.target = checks::gist(&act.target);
        let n = lp.runs.len();
        let edited_between = lp.runs.iter().skip(1).any(|r| r.3 > 0);
        let not_shrinking = n < 2 || lp.runs[n - 1].1 >= lp.runs[n - 2].1;
        if n < need || !edited_between || !not_shrinking {
            return;
        }
        let evidence: Vec<LineNo> = lp.runs.iter().map(|r| r.0).collect();
        let mut labels: Vec<String> = lp
            .runs
            .iter()
            .map(|r| one_line(&r.2, 40))
            .filter(|l| !l.is_empty())
            .collect();
        labels.dedup();
        labels.truncate(3);
        let what = if labels.is_empty() {
            String::new()
        } else {
            format!(" ({})", labels.join(", "))
        };
        let (detail, variant) = if kind == CheckKind::Commit {
            (
                format!(
                    "the commit was rejected by its checks {n} times with edits in between{what}"
                ),
                1,
            )
        } else {
            (
                format!(
                    "`{}` failed {n} times with edits in between{what}",
                    short(&lp.target)
                ),
                0,
            )
        };
        #[expect(clippy::cast_precision_loss, reason = "small counts")]
        let intensity = n as f64 / need as f64;
        let episode = lp.episode;
        match episode {
            Some(i) => self.update(i, evidence, intensity, detail),
            None => {
                let i = self.fire(SignalId::S5, evidence, intensity, detail, variant);
                if let Some(lp) = self.st.checks.get_mut(&kind) {
                    lp.episode = Some(i);
                }
            }
        }
    }

    fn on_edit(&mut self, act: &Act) {
        for lp in self.st.checks.values_mut() {
            if !lp.runs.is_empty() {
                lp.edits_since += 1;
            }
        }
        self.st.last_edit_seq = Some(act.seq);
        // Reading a file again after changing something is progress, not a loop.
        self.st.reads.clear();
        let Some(edit) = act.edit.clone() else {
            return;
        };
        let need = self.rules.config.thresholds.s6_rewrites as usize;
        let empty = crate::core::hash::hash_words(b"");
        // A revert: the new text is what an earlier edit of this file replaced.
        if !self.st.olds.contains_key(&edit.path) {
            self.st.olds.insert(edit.path.clone(), Vec::new());
        }
        let olds = self.st.olds.get_mut(&edit.path).expect("inserted above");
        let reverted = edit.new != empty && olds.contains(&edit.new);
        if edit.old != empty {
            push_capped_vec(olds, edit.old, 64);
        }
        if reverted && !self.st.revert_asked {
            let detail = format!(
                "an edit to {} put back text an earlier edit had replaced",
                short_path(&edit.path)
            );
            self.fire(SignalId::S6, vec![act.line, r_line(act)], 1.0, detail, 1);
            return;
        }
        // A rewrite chain: each edit replaces lines the previous edit of this file wrote.
        if !self.st.rewrites.contains_key(&edit.path) {
            self.st
                .rewrites
                .insert(edit.path.clone(), (Vec::new(), Vec::new()));
        }
        let chain = self
            .st
            .rewrites
            .get_mut(&edit.path)
            .expect("inserted above");
        if chain.1.is_empty()
            || !edit
                .old_lines
                .iter()
                .any(|h| chain.0.binary_search(h).is_ok())
        {
            chain.1.clear();
        }
        chain.0.clone_from(&edit.new_lines);
        chain.1.push(act.line);
        let n = chain.1.len();
        if n < need {
            return;
        }
        let evidence = chain.1.clone();
        let detail = format!(
            "Claude rewrote its own edit of {} {} times in a row",
            short_path(&edit.path),
            n - 1
        );
        match self.st.s6_paths.get(&edit.path).copied() {
            Some(i) => self.update(i, evidence, 1.0, detail),
            None => {
                let i = self.fire(SignalId::S6, evidence, 1.0, detail, 0);
                self.st.s6_paths.insert(edit.path.clone(), i);
            }
        }
    }

    fn on_rejection(&mut self, line: LineNo, act: &Act, feedback: Option<&str>) {
        if act.tool == Tool::Ask {
            return;
        }
        let turn = self.current_turn();
        let rules = self.rules.clone();
        let t = &rules.config.thresholds;
        self.end_items.rejected_last = false;
        self.st.rejection_units += if feedback.is_some() { 1 } else { 2 };
        self.st.rejection_lines.push(line);
        if self.st.rejection_units >= 2 * t.s8_rejections && self.st.s8_turn != Some(turn) {
            self.st.s8_turn = Some(turn);
            let n = self.st.rejection_lines.len();
            let evidence = self.st.rejection_lines.clone();
            self.fire(
                SignalId::S8,
                evidence,
                1.0,
                format!("you rejected {n} of Claude's steps in this turn"),
                0,
            );
        }
        if act.tool == Tool::Plan {
            self.st.plan_rejections.push(line);
            if self.st.plan_rejections.len() == 2 {
                let evidence = self.st.plan_rejections.clone();
                self.fire(
                    SignalId::S8,
                    evidence,
                    1.0,
                    "you rejected Claude's plan twice".into(),
                    0,
                );
            }
        }
        if let Some(text) = feedback {
            // Feedback typed while rejecting is the human talking: corrections and frustration count.
            if self.rules.lex.is_correction(text) {
                self.st.corrections.push(line);
                self.correction_chain();
            }
            if self.rules.lex.is_frustrated(text) {
                self.fire(
                    SignalId::S11,
                    vec![line],
                    1.0,
                    "your feedback sounds frustrated".into(),
                    0,
                );
            }
        }
    }

    fn on_blocked(&mut self, line: LineNo) {
        self.st.blocked.push(line);
        self.harness_streak(false);
    }

    fn harness_streak(&mut self, timeouts: bool) {
        let rules = self.rules.clone();
        let t = &rules.config.thresholds;
        let (list, need, what) = if timeouts {
            (&mut self.st.timeouts, t.s18_timeouts, "commands timed out")
        } else {
            (
                &mut self.st.blocked,
                3,
                "calls were refused by the harness (hooks, read-before-edit)",
            )
        };
        if list.len() == need as usize {
            let evidence = list.clone();
            let n = list.len();
            self.fire(
                SignalId::S18,
                evidence,
                1.0,
                format!("{n} {what} in a row"),
                0,
            );
        }
    }

    /// S1–S3 over the completed actions of the turn (cancelled siblings left out).
    fn loops(&mut self) {
        let rules = self.rules.clone();
        let t = &rules.config.thresholds;
        let done: Vec<&Act> = self
            .st
            .acts
            .iter()
            .filter(|a| a.outcome.as_ref().is_some_and(|o| *o != Outcome::Cancelled))
            .collect();
        let tail = |n: usize| {
            done.get(done.len().saturating_sub(n)..)
                .filter(|t| t.len() == n)
        };
        let same_sig = |xs: &[&Act]| xs.windows(2).all(|w| w[0].sig == w[1].sig);
        let evid = |xs: &[&Act]| xs.iter().map(|a| a.result_line).collect::<Vec<_>>();
        let s1 = tail(t.s1_same_failing_action as usize)
            .filter(|xs| same_sig(xs) && xs.iter().all(|a| a.outcome == Some(Outcome::Error)))
            .map(|xs| {
                (
                    evid(xs),
                    format!(
                        "`{}` failed {} times in a row",
                        short(&checks::gist(&xs[0].target)),
                        xs.len()
                    ),
                )
            });
        let s2 = tail(t.s2_same_action_same_result as usize)
            .filter(|xs| {
                same_sig(xs)
                    && xs.windows(2).all(|w| w[0].obs == w[1].obs)
                    && xs.iter().all(|a| {
                        !a.polling && matches!(a.outcome, Some(Outcome::Ok | Outcome::Error))
                    })
            })
            .map(|xs| {
                (
                    evid(xs),
                    format!(
                        "`{}` ran {} times with the same result",
                        short(&xs[0].target),
                        xs.len()
                    ),
                )
            });
        let s3 = tail(t.s3_ping_pong_actions as usize)
            .filter(|xs| {
                xs[0].sig != xs[1].sig
                    && xs.windows(3).all(|w| w[0].sig == w[2].sig && w[0].obs == w[2].obs)
                    && xs.iter().all(|a| !a.polling)
            })
            .map(|xs| {
                let detail = format!(
                    "Claude went back and forth between `{}` and `{}` {} times with the same results",
                    one_line(&xs[0].target, 30),
                    one_line(&xs[1].target, 30),
                    xs.len() / 2
                );
                (evid(xs), detail)
            });
        let found = [(SignalId::S1, s1), (SignalId::S2, s2), (SignalId::S3, s3)];
        for (signal, hit) in found {
            let slot = match signal {
                SignalId::S1 => self.st.s1,
                SignalId::S2 => self.st.s2,
                _ => self.st.s3,
            };
            let next = match (hit, slot) {
                (Some((evidence, detail)), Some(i)) => {
                    self.update(i, evidence, 1.0, detail);
                    Some(i)
                }
                (Some((evidence, detail)), None) => {
                    Some(self.fire(signal, evidence, 1.0, detail, 0))
                }
                (None, _) => None,
            };
            match signal {
                SignalId::S1 => self.st.s1 = next,
                SignalId::S2 => self.st.s2 = next,
                _ => self.st.s3 = next,
            }
        }
    }

    /// S15: a long run in a troubled turn.
    fn long_run(&mut self, ev: &Event, s: &Session) {
        let turn = self.current_turn();
        if self.st.s15_turn == Some(turn) {
            return;
        }
        let rules = self.rules.clone();
        let t = &rules.config.thresholds;
        let Some(current) = s.turns.get(turn) else {
            return;
        };
        let troubled = self.st.turn_errors >= t.s15_errors || self.st.turn_loop;
        if !troubled {
            return;
        }
        let median = median(&self.st.prev_turn_actions);
        let limit = t.s15_actions.max(median.saturating_mul(3));
        let actions = current.tally.tool_calls;
        let minutes = ev
            .at
            .zip(self.st.turn_started)
            .map_or(0, |(a, b)| a.since(b) / 60_000);
        #[expect(
            clippy::cast_possible_truncation,
            clippy::cast_sign_loss,
            reason = "validated range"
        )]
        let long = minutes >= t.s15_minutes as u64;
        if actions > limit || long {
            self.st.s15_turn = Some(turn);
            let detail = format!(
                "{actions} actions and {} errors in this turn, {minutes} minutes",
                self.st.turn_errors
            );
            self.fire(SignalId::S15, vec![current.line, ev.line], 1.0, detail, 0);
        }
    }

    // -- agent text, interrupts, context, harness ------------------------------------------

    fn on_agent_text(&mut self, ev: &Event, t: &AgentText) {
        self.st.turn_ended = false;
        self.st.agent_asked = t.text.trim_end().ends_with('?');
        self.st.last_agent_text = Some(t.text.clone());
        if t.words >= 40 {
            self.st.read_streak.clear();
        }
        let turn = self.current_turn();
        let need = self.rules.config.thresholds.s16_apologies as usize;
        if self.rules.lex.is_apology(&t.text) {
            push_capped(&mut self.st.apologies, (turn, ev.line, ev.at), 16);
            // Within two turns and fifteen minutes: long turns must not add up distant apologies.
            let recent: Vec<LineNo> = self
                .st
                .apologies
                .iter()
                .filter(|(tu, _, at)| {
                    tu + 1 >= turn
                        && at
                            .zip(ev.at)
                            .is_none_or(|(a, now)| now.since(a) <= 15 * 60_000)
                })
                .map(|(_, l, _)| *l)
                .collect();
            if recent.len() >= need && self.st.s16_turn.is_none_or(|x| x + 1 < turn) {
                self.st.s16_turn = Some(turn);
                let detail = format!(
                    "Claude apologised or gave up {} times in two turns",
                    recent.len()
                );
                self.fire(SignalId::S16, recent, 1.0, detail, 0);
            }
        }
        let texts = &mut self.st.texts_since_action;
        if texts.last().is_none_or(|(m, _, _)| *m != t.message) {
            texts.push((t.message, t.text.clone(), ev.line));
        }
        if texts.len() >= need && self.st.s16_turn != Some(turn) {
            let last: Vec<&(u64, std::sync::Arc<str>, LineNo)> =
                texts[texts.len() - need..].iter().collect();
            let alike = last.windows(2).all(|w| {
                let (a, b) = (&w[0].1, &w[1].1);
                rapidfuzz::fuzz::ratio(a.chars(), b.chars()) >= 0.8
            });
            if alike {
                let evidence = last.iter().map(|x| x.2).collect();
                self.st.s16_turn = Some(turn);
                self.fire(
                    SignalId::S16,
                    evidence,
                    1.0,
                    format!("Claude wrote the same message {need} times without acting"),
                    0,
                );
            }
        }
    }

    fn on_interrupt(&mut self, ev: &Event) {
        self.st.turn_ended = false;
        self.st.interrupted_last = true;
        let turn = self.current_turn();
        push_capped(&mut self.st.interrupt_turns, (turn, ev.line), 32);
        let rules = self.rules.clone();
        let t = &rules.config.thresholds;
        let window = t.s7_window_turns as usize;
        let recent: Vec<&(usize, LineNo)> = self
            .st
            .interrupt_turns
            .iter()
            .filter(|(tu, _)| tu + window > turn)
            .collect();
        let mut turns: Vec<usize> = recent.iter().map(|(tu, _)| *tu).collect();
        turns.dedup();
        if turns.len() >= t.s7_interrupts as usize
            && self.st.s7_turn.is_none_or(|x| x + window <= turn)
        {
            self.st.s7_turn = Some(turn);
            let evidence = recent.iter().map(|(_, l)| *l).collect();
            let detail = format!(
                "you interrupted Claude in {} of the last {window} turns",
                turns.len()
            );
            self.fire(SignalId::S7, evidence, 1.0, detail, 0);
        }
    }

    fn on_api_error(&mut self, ev: &Event) {
        let rules = self.rules.clone();
        let t = &rules.config.thresholds;
        let Some(at) = ev.at.or(self.now) else { return };
        let window = seconds_ms(t.s18_window_minutes * 60.0);
        self.st
            .api_errors
            .retain(|(when, _)| at.since(*when) <= window);
        push_capped(&mut self.st.api_errors, (at, ev.line), 64);
        if self.st.api_errors.len() >= t.s18_api_errors as usize {
            let evidence: Vec<LineNo> = self.st.api_errors.iter().map(|(_, l)| *l).collect();
            self.st.api_errors.clear();
            let detail = format!(
                "{} API errors within {} minutes",
                evidence.len(),
                t.s18_window_minutes.round()
            );
            self.fire(SignalId::S18, evidence, 1.0, detail, 0);
        }
    }

    fn on_compaction(&mut self, ev: &Event, auto: bool) {
        self.st.compactions += 1;
        self.st.context_fired = false;
        let n = self.st.compactions;
        let need = self.rules.config.thresholds.s17_compactions;
        if auto {
            self.fire(
                SignalId::S17,
                vec![ev.line],
                1.0,
                "the context filled up and was compacted automatically".into(),
                0,
            );
        } else if n >= need {
            self.fire(
                SignalId::S17,
                vec![ev.line],
                1.0,
                format!("the context was compacted {n} times"),
                0,
            );
        }
    }

    fn on_model_call(&mut self, ev: &Event, m: &ModelCall, s: &Session) {
        let Some(window) = s.model.as_deref().and_then(context_window) else {
            return;
        };
        let used = m.input_tokens + m.cache_read_tokens + m.cache_creation_tokens;
        #[expect(clippy::cast_precision_loss, reason = "token counts")]
        let fraction = used as f64 / window as f64;
        if fraction > self.rules.config.thresholds.s17_context_fraction && !self.st.context_fired {
            self.st.context_fired = true;
            let detail = format!("the context is {:.0}% full", fraction * 100.0);
            self.fire(SignalId::S17, vec![ev.line], 1.0, detail, 0);
        }
    }

    // -- the end of a turn -----------------------------------------------------------------

    /// Evaluated once per turn when it ends: S13 and the hard-failure items of tier 4.
    pub(super) fn end_of_turn(&mut self, s: &Session, turn: usize) {
        if self.st.ended_turn == Some(turn) {
            return;
        }
        self.st.ended_turn = Some(turn);
        let last = self.st.last_outcome.clone();
        self.end_items.unrecovered_error =
            !self.st.streak.is_empty() && matches!(last, Some(Outcome::Error));
        self.end_items.failing_check = self.st.last_check_failed;
        self.end_items.rejected_last = matches!(last, Some(Outcome::Rejected { .. }));
        let Some(t) = s.turns.get(turn) else { return };
        let prose_only = !t.files.is_empty()
            && t.files.iter().all(|f| {
                matches!(
                    crate::core::session::mode::classify_path(f),
                    crate::core::session::mode::PathClass::Prose
                )
            });
        if t.tally.lines_added == 0 || prose_only || self.st.s13_turn == Some(turn) {
            return;
        }
        let line = self.st.last_line;
        let claims = self
            .st
            .last_agent_text
            .as_deref()
            .is_some_and(|t| self.rules.lex.claims_done(t));
        if claims && self.st.last_check_failed {
            self.st.s13_turn = Some(turn);
            let detail =
                "Claude says the work is done, but the last check it ran failed".to_owned();
            self.fire(SignalId::S13, vec![line], 1.0, detail, 2);
            return;
        }
        let verified = match (self.st.last_check_seq, self.st.last_edit_seq) {
            (Some(c), Some(e)) => c > e,
            (_, None) => true,
            (None, Some(_)) => false,
        };
        if verified || self.st.verification_asked {
            self.st.unverified.clear();
            return;
        }
        if claims {
            self.st.s13_turn = Some(turn);
            self.fire(
                SignalId::S13,
                vec![line],
                1.0,
                "Claude says the work is done, but nothing was run after its last edit".into(),
                0,
            );
            return;
        }
        self.st.unverified.push(line);
        let n = self.st.unverified.len();
        if n >= self.rules.config.thresholds.s13_unverified_turns as usize && self.st.any_check {
            self.st.s13_turn = Some(turn);
            let evidence = self.st.unverified.clone();
            self.st.unverified.clear();
            let detail =
                format!("{n} turns of edits ended without a test or build after the last edit");
            self.fire(SignalId::S13, evidence, 1.0, detail, 1);
        }
    }
}

static REVERT_ASK: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
    crate::core::checks::re(
        r"(?i)\b(revert|undo|put (it |that )?back|restore|roll ?back|go back to)\b",
    )
});

fn r_line(a: &Act) -> LineNo {
    a.result_line
}

fn median(v: &[u32]) -> u32 {
    if v.is_empty() {
        return 0;
    }
    let mut s = v.to_vec();
    s.sort_unstable();
    s[s.len() / 2]
}

fn push_capped_vec<T>(v: &mut Vec<T>, item: T, cap: usize) {
    v.push(item);
    if v.len() > cap {
        v.remove(0);
    }
}

/// The context window of a model, when known: 200k tokens for Claude models, 1M for `[1m]`.
fn context_window(model: &str) -> Option<u64> {
    if model.contains("[1m]") {
        Some(1_000_000)
    } else if model.starts_with("claude-") {
        Some(200_000)
    } else {
        None
    }
}

/// Seconds from the config (validated, non-negative) as milliseconds.
pub(super) fn seconds_ms(s: f64) -> u64 {
    #[expect(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        reason = "validated range"
    )]
    let ms = (s.max(0.0) * 1000.0) as u64;
    ms
}
