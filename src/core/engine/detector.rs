//! The seam between the engine and its detectors.
//!
//! A detector is one family of signals (a file under `signals/`) with its own bounded state. The
//! engine keeps what every family needs (the turns, the current turn's actions and their results,
//! the clock) and calls every family, in the fixed order of [`super::signals::Detectors`], at
//! four moments:
//!
//! - [`Detector::prompt`]: a prompt opened a new turn (after the previous turn's
//!   [`Detector::end_of_turn`]). Reset per-turn state here, then read the prompt.
//! - [`Detector::observe`]: any other main-thread event (sub-agent work never reaches detectors).
//!   A tool result reaches detectors only when it answers an action of the current turn;
//!   [`Cx::act`] is then that action with its outcome filled in (for an action event: the action).
//! - [`Detector::end_of_turn`]: the turn ended (an end-of-turn marker, idle time after the
//!   agent's last text, or the next prompt). Called once per turn.
//! - [`Detector::tick`]: the clock moved forward (an event's timestamp, before the event is
//!   observed, or the live front end's tick). Time-based rules live here.
//!
//! Detectors talk back only through the context [`Cx`]: [`Cx::fire`] a catalogue signal with the
//! lines it rests on, [`Cx::update`] an ongoing episode (evidence and intensity grow, it is not
//! nudged again), [`Cx::recover`] a recovery move, and read [`Cx::tier`]. Everything else the
//! engine decides (tier, risk, nudges) follows from the firings, the recoveries and the few facts
//! in [`Standing`].
//!
//! Order matters, and it is part of the behaviour: firings are nudged in the order they were
//! made, and a rule may read the tier, which counts the signals fired before it in the same
//! event. A new family goes where its firings should come in that order (usually last).
//!
//! State is plain data (`Clone`, serde): the whole engine is saved between status line calls and
//! cloned for replay's snapshots. Keep it bounded: per turn, a window, or a cap.

use std::collections::VecDeque;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use super::ids::{RecoveryId, SignalId};
use super::{Firing, Forgotten, RecoveryMark, Rules, TurnMark, catalogue::Loop};
use crate::core::agents::Format;
use crate::core::checks::CheckKind;
use crate::core::event::{Event, Outcome, Tool};
use crate::core::session::Session;
use crate::core::{LineNo, Millis};

/// One family of signals. Every method has an empty default: implement the moments you need.
pub(super) trait Detector {
    /// A prompt opened the turn `cx.turn_index()`: reset per-turn state, then read it.
    fn prompt(&mut self, _p: &PromptFacts<'_>, _cx: &mut Cx<'_>) {}
    /// A main-thread event other than the prompt (see the module docs for results).
    fn observe(&mut self, _ev: &Event, _cx: &mut Cx<'_>) {}
    /// The current turn ended.
    fn end_of_turn(&mut self, _cx: &mut Cx<'_>) {}
    /// The clock moved forward to `cx.now()`.
    fn tick(&mut self, _cx: &mut Cx<'_>) {}
}

/// What one prompt says, worked out once by the engine for every family.
#[derive(Debug)]
pub(super) struct PromptFacts<'a> {
    pub line: LineNo,
    /// The prompt's own timestamp.
    pub at: Option<Millis>,
    /// The text as kept (not sanitised).
    pub text: &'a str,
    /// What the human typed: code fences, quoted logs and pasted errors left out.
    pub typed: String,
    pub plan_mode: bool,
    /// `text::word_count(text)`.
    pub words: usize,
    /// Only continues ("go on", "yes"): never a re-prompt, never vague.
    pub continuation: bool,
    /// The agent's last text before it ended with a question: this prompt answers it.
    pub answered_question: bool,
    /// Its first clause corrects the agent, and it is not an answer to a question.
    pub correction: bool,
    /// Strong frustration aimed at the agent.
    pub frustrated: bool,
    /// Asks for a specific check ("run the tests", "show me the output").
    pub asks_verification: bool,
    /// A reframe: at least 20 words, twice the previous prompt, with an anchor (a path, an
    /// identifier, an error).
    pub reframe: bool,
}

/// One action of the current turn and, once known, its result.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(super) struct Act {
    pub id: u64,
    /// 1-based position in the turn.
    pub seq: u32,
    pub line: LineNo,
    pub sig: u64,
    pub tool: Tool,
    /// Shared, so handling the result clones a pointer, not the text.
    pub target: Arc<str>,
    pub polling: bool,
    /// Probes whether something exists (`which`, `test -f`): its failure is an answer.
    pub probe: bool,
    pub check: Option<CheckKind>,
    pub edit: Option<Arc<ActEdit>>,
    pub outcome: Option<Outcome>,
    pub obs: u64,
    /// The result's line once it came (the action's line before).
    pub result_line: LineNo,
}

/// What an edit changed: its file, hashes of the old and new text, and of their lines.
#[derive(Debug, Serialize, Deserialize)]
pub(super) struct ActEdit {
    pub path: String,
    pub old: u64,
    pub new: u64,
    pub old_lines: Vec<u64>,
    pub new_lines: Vec<u64>,
}

/// What the last main-thread event was, for idle turn ends.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub(super) enum Last {
    #[default]
    Other,
    AgentText,
    Interrupt,
    Action,
}

/// The engine's own bookkeeping of the turn in progress; detectors read it through [`Cx::turn`].
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub(super) struct TurnState {
    /// The last main-thread event's line and time.
    pub last_line: LineNo,
    pub last_at: Option<Millis>,
    pub(super) last: Last,
    /// When the turn's prompt came.
    pub started: Option<Millis>,
    /// The agent is idle: the turn ended and nothing happened since.
    pub ended: bool,
    /// The transcript writes end-of-turn markers (2.1.x): idle time never ends a turn then.
    pub markers: bool,
    pub(super) ended_turn: Option<usize>,
    /// Actions so far in this turn.
    pub seq: u32,
    /// The turn's latest actions (at most [`RECENT_ACTIONS`]), with their results once known.
    pub acts: VecDeque<Act>,
    /// The outcome of the latest tool result of this turn.
    pub last_outcome: Option<Outcome>,
    /// The agent's latest text ended with a question (and no action came after it).
    pub agent_asked: bool,
    /// Words of the previous prompt (for reframes).
    pub(super) prompt_words: usize,
    /// This turn's prompt was typed but its words are not in the transcript: the rules that read
    /// a prompt's words are off for it.
    #[serde(default)]
    pub(super) prompt_unread: bool,
}

/// Actions of the current turn kept for loop detection (S1–S3).
pub(super) const RECENT_ACTIONS: usize = 40;

/// Items that make a turn's ending a hard failure (tier 4 each). A turn that ends on the user's
/// rejection or interrupt is not one: that is the user steering (signals S7, S8 note it).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub(super) struct EndItems {
    pub unrecovered_error: bool,
    pub failing_check: bool,
}

/// The few facts the failure tier reads besides the active firings, each kept by one owner.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub(super) struct Standing {
    /// Tool errors so far (tier 1). The engine.
    pub errors_seen: u32,
    /// Tool errors in a row now (tier 3 from the S4 threshold). The errors family.
    pub error_streak: usize,
    /// The most failing runs any kind of check has had since it last passed (tier 3 from 2).
    /// The checks family.
    pub failing_runs: usize,
    /// Corrections (and repeated prompts) since the last success (tier 2 while any): how many,
    /// and their lines (a line once). The prompts family adds; a success clears them.
    pub corrections: usize,
    pub correction_lines: Trail,
    /// A [`Loop::Sticky`] signal fired at some point (tier 2: a recovered loop). On fire.
    pub had_loop: bool,
    /// A loop signal fired in the current turn. On fire; reset by each prompt.
    pub turn_loop: bool,
    /// The last check run failed. The engine.
    pub last_check_failed: bool,
    /// How the last turn ended (tier 4 items). The engine, at each turn's end; answered by
    /// successes and by what comes after.
    pub end: EndItems,
}

/// What a detector sees and how it answers: see the module docs.
pub(super) struct Cx<'a> {
    pub session: &'a Session,
    pub rules: &'a Rules,
    pub standing: &'a mut Standing,
    pub(super) turn: &'a TurnState,
    pub(super) act: Option<&'a Act>,
    pub(super) marks: &'a [TurnMark],
    /// What the engine left out of `marks` and `firings` (indexes count them).
    pub(super) forgotten: Forgotten,
    pub(super) firings: &'a mut Vec<Firing>,
    pub(super) recoveries: &'a mut Vec<RecoveryMark>,
    pub(super) last_success: &'a mut Option<LineNo>,
    pub(super) success_line: &'a mut Option<LineNo>,
    pub(super) abandoned_at: &'a mut Option<(LineNo, Millis)>,
    /// The time new firings and recoveries are stamped with (else `now`).
    pub(super) event_at: &'a mut Option<Millis>,
    pub(super) now: Option<Millis>,
    pub(super) trouble: bool,
    /// The session's format: a signal it cannot show is never fired, and details name its agent.
    pub(super) format: Format,
}

impl<'a> Cx<'a> {
    /// The engine's bookkeeping of the current turn.
    pub fn turn(&self) -> &'a TurnState {
        self.turn
    }

    /// Index into `Session::turns` (and the engine's turn marks) of the current turn.
    pub fn turn_index(&self) -> usize {
        (self.forgotten.turns + self.marks.len()).saturating_sub(1)
    }

    /// Whether the session has a turn yet.
    pub fn any_turn(&self) -> bool {
        self.forgotten.turns + self.marks.len() > 0
    }

    /// What the engine knows of turn `i` (the tier it closed at), for the current turn and the
    /// one before (older ones may be forgotten in the status line's bounded state).
    pub fn mark(&self, i: usize) -> Option<&'a TurnMark> {
        self.marks.get(i.checked_sub(self.forgotten.turns)?)
    }

    /// For an action or a result event: the action (with its outcome, for a result).
    pub fn act(&self) -> Option<&'a Act> {
        self.act
    }

    /// The latest time seen.
    pub fn now(&self) -> Option<Millis> {
        self.now
    }

    /// The session reached tier 3 at some point (as of the last event).
    pub fn trouble(&self) -> bool {
        self.trouble
    }

    /// The live failure tier, counting what fired so far in this event.
    pub fn tier(&self) -> u8 {
        super::tier::tier(
            self.firings,
            self.turn_index(),
            *self.last_success,
            self.standing,
            self.rules,
        )
    }

    /// A firing made earlier (by its index from [`Cx::fire`]); `None` once forgotten, which
    /// only happens to firings older than the turn before (see `Engine::forget_finished`).
    pub fn firing(&self, i: usize) -> Option<&Firing> {
        self.firings.get(i.checked_sub(self.forgotten.firings)?)
    }

    /// Stamps what fires from now on in this event with `at` instead of the event's time (a
    /// rule that fires for a moment between events, such as the end of a silence).
    pub fn set_time(&mut self, at: Millis) {
        *self.event_at = Some(at);
    }

    /// Records a new firing of `signal`; returns its index, for [`Cx::update`]. `evidence` is the
    /// lines a person can check, in order (the last one is where it fired): a `Vec` (cut to the
    /// first and latest when long) or a [`Trail`] kept as they came; `intensity` is 1 at the
    /// threshold (capped at 1); `detail` is the evidence in words, shown before the advice;
    /// `variant` picks the catalogue row's advice variant.
    pub fn fire(
        &mut self,
        signal: SignalId,
        evidence: impl Into<Evidence>,
        intensity: f64,
        detail: String,
        variant: u8,
    ) -> usize {
        let prompt_words_unknown =
            self.turn.prompt_unread && signal.needs().covers(crate::core::agents::Shows::PROMPTS);
        if !signal.available_in(self.format) || prompt_words_unknown {
            // Off for this format: it cannot show what the rule reads (no firing to update).
            return usize::MAX;
        }
        let detail = self.format.speak(&detail);
        let row = signal.row();
        self.standing.had_loop |= row.loops == Loop::Sticky;
        self.standing.turn_loop |= row.loops != Loop::No;
        let evidence = evidence.into();
        let at_line = evidence
            .lines
            .last()
            .copied()
            .unwrap_or(self.turn.last_line);
        self.firings.push(Firing {
            signal,
            turn: self.turn_index(),
            at_line,
            at: self.event_at.or(self.now),
            evidence: evidence.lines,
            evidence_total: evidence.total,
            intensity: intensity.clamp(0.0, 1.0),
            detail,
            variant,
        });
        self.forgotten.firings + self.firings.len() - 1
    }

    /// Grows an ongoing episode: new evidence and detail, intensity never lower.
    pub fn update(
        &mut self,
        i: usize,
        evidence: impl Into<Evidence>,
        intensity: f64,
        detail: String,
    ) {
        // A forgotten firing is past changing anything the tier, the risk or a nudge reads.
        if let Some(f) = i
            .checked_sub(self.forgotten.firings)
            .and_then(|i| self.firings.get_mut(i))
        {
            let detail = self.format.speak(&detail);
            let evidence = evidence.into();
            f.evidence = evidence.lines;
            f.evidence_total = evidence.total;
            f.intensity = f.intensity.max(intensity.clamp(0.0, 1.0));
            f.detail = detail;
        }
    }

    /// Records a recovery move. A success (R5–R7) answers the trouble before it: the turn's end
    /// items and the correction chain are cleared, and signals fired before it stop counting
    /// toward the tier.
    pub fn recover(&mut self, recovery: RecoveryId, at_line: LineNo, detail: String) {
        self.recoveries.push(RecoveryMark {
            recovery,
            turn: self.turn_index(),
            at_line,
            at: self.event_at.or(self.now),
            detail,
        });
        if recovery.is_success() {
            *self.last_success = Some(at_line);
            *self.success_line = (*self.success_line).max(Some(at_line));
            self.standing.end = EndItems::default();
            self.standing.corrections = 0;
            self.standing.correction_lines.clear();
        }
    }

    /// The session was likely abandoned here (first time only).
    pub fn mark_abandoned(&mut self, line: LineNo, at: Millis) {
        if self.abandoned_at.is_none() {
            *self.abandoned_at = Some((line, at));
        }
    }

    /// A likely abandonment was already marked.
    pub fn abandoned(&self) -> bool {
        self.abandoned_at.is_some()
    }
}

/// Evidence lines kept per firing when there are more: the first [`EVIDENCE_FIRST`] (where it
/// started) and the latest (where it is now). The count of all is kept beside them.
pub const EVIDENCE_KEPT: usize = 8;
/// Of [`EVIDENCE_KEPT`], how many are the first lines.
pub const EVIDENCE_FIRST: usize = 3;

/// A firing's evidence: the lines kept and how many there were in all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Evidence {
    pub lines: Vec<LineNo>,
    pub total: usize,
}

impl From<Vec<LineNo>> for Evidence {
    /// All the lines, cut to the first and latest when there are more than [`EVIDENCE_KEPT`].
    fn from(mut lines: Vec<LineNo>) -> Self {
        let total = lines.len();
        if total > EVIDENCE_KEPT {
            lines.drain(EVIDENCE_FIRST..total - (EVIDENCE_KEPT - EVIDENCE_FIRST));
        }
        Self { lines, total }
    }
}

impl From<&Trail> for Evidence {
    fn from(t: &Trail) -> Self {
        Self {
            lines: t.lines(),
            total: t.len,
        }
    }
}

/// A growing list of lines kept in bounded space: the first [`EVIDENCE_FIRST`] and the latest
/// up to [`EVIDENCE_KEPT`] in all, and how many were pushed. For evidence that can grow with the
/// session (a correction chain, a check failing run after run): the firing's evidence is then
/// exactly what a `Vec` of every line would have been cut to, without keeping every line.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub(super) struct Trail {
    first: Vec<LineNo>,
    latest: VecDeque<LineNo>,
    len: usize,
}

impl Trail {
    pub fn push(&mut self, line: LineNo) {
        self.len += 1;
        if self.first.len() < EVIDENCE_FIRST {
            self.first.push(line);
        } else {
            self.latest.push_back(line);
            if self.latest.len() > EVIDENCE_KEPT - EVIDENCE_FIRST {
                self.latest.pop_front();
            }
        }
    }

    /// How many lines were pushed since the last clear.
    pub fn len(&self) -> usize {
        self.len
    }

    #[allow(
        dead_code,
        reason = "len's pair (clippy::len_without_is_empty); no family asks today"
    )]
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    pub fn clear(&mut self) {
        self.first.clear();
        self.latest.clear();
        self.len = 0;
    }

    pub fn first(&self) -> Option<LineNo> {
        self.first.first().copied()
    }

    pub fn last(&self) -> Option<LineNo> {
        self.latest.back().or(self.first.last()).copied()
    }

    /// The lines kept, in order.
    pub fn lines(&self) -> Vec<LineNo> {
        self.first.iter().chain(&self.latest).copied().collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(v: impl IntoIterator<Item = u64>) -> Vec<LineNo> {
        v.into_iter().map(LineNo).collect()
    }

    #[test]
    fn a_trail_keeps_what_a_cut_vec_keeps() {
        for n in 0..30u64 {
            let all = lines(1..=n);
            let mut t = Trail::default();
            for l in &all {
                t.push(*l);
            }
            let cut = Evidence::from(all.clone());
            assert_eq!(Evidence::from(&t), cut, "{n}");
            assert_eq!(cut.total, all.len());
            assert_eq!(t.last(), all.last().copied());
            assert_eq!(t.first(), all.first().copied());
            if n as usize <= EVIDENCE_KEPT {
                assert_eq!(cut.lines, all, "short evidence is kept whole");
            } else {
                let mut want = lines(1..=EVIDENCE_FIRST as u64);
                want.extend(lines(n - (EVIDENCE_KEPT - EVIDENCE_FIRST) as u64 + 1..=n));
                assert_eq!(cut.lines, want);
            }
        }
        let mut t = Trail::default();
        t.push(LineNo(4));
        t.clear();
        assert!(t.is_empty() && t.lines().is_empty() && t.last().is_none());
    }
}
