//! The coaching engine: events in, stall signals, failure tier, abandonment risk and nudges out.
//!
//! [`Engine::observe`] takes one event at a time, after the session builder has counted it, and
//! keeps bounded state (recent actions of the current turn, small counters, the firings so far).
//! Time comes in as data: each event's timestamp advances the engine's clock, and the live front
//! end calls [`Engine::tick`] with the wall clock so silence (S19) is noticed without new lines.
//! Feeding the same events gives the same result however they were chunked.
//!
//! How it is built:
//! - `catalogue.rs`: one row per signal (id, name, family, config keys, how it counts toward the
//!   tier and the risk, when it may nudge, headline and advice);
//! - `signals/`: the detectors, one file per family of signals, each with its own state, behind
//!   the small trait of `detector.rs` (which also documents the context they fire through);
//! - this file: the bookkeeping every detector shares (turns, the turn's actions, the clock) and
//!   the order of calls;
//! - `tier.rs`, `risk.rs`, `gate.rs`: the failure tier, the risk score and the nudge gate.
//!
//! Silence is the default. Risk is only computed from failure tier 2 (`risk.gate_tier`); a nudge
//! needs trouble (tier 3) and a risk band of at least "watch" ("high" for the low-weight context
//! signals), except S20 (a bypassed check, always worth saying, even inside the cooldown) and S18
//! (harness trouble, information only). At most one nudge per cooldown, never the same signal
//! twice in a row, and each nudge names the lines it rests on.

pub mod catalogue;
mod detector;
mod gate;
pub mod ids;
pub mod nudge;
mod risk;
mod signals;
pub mod text;
mod tier;

#[cfg(test)]
mod tests;

use std::sync::Arc;

use serde::{Deserialize, Serialize};

use self::detector::{
    Act, ActEdit, Cx, Detector, Last, PromptFacts, RECENT_ACTIONS, Standing, TurnState,
};
pub use self::detector::{EVIDENCE_FIRST, EVIDENCE_KEPT};
use self::ids::{RecoveryId, SignalId};
use self::signals::Detectors;
use self::text::Lexicons;
use super::agents::Format;
use super::config::Config;
use super::event::{Event, EventKind, Outcome};
use super::session::Session;
use super::{LineNo, Millis};

/// A config with its lexicons compiled, shared by every engine (compile once per run).
#[derive(Debug)]
pub struct Rules {
    pub config: Config,
    pub lex: Lexicons,
}

impl Rules {
    /// Compiles a config.
    #[must_use]
    pub fn new(config: Config) -> Arc<Self> {
        let lex = Lexicons::new(&config.lexicon);
        Arc::new(Self { config, lex })
    }
}

impl Rules {
    /// [`Rules::new`] for a process that reads a few lines and exits (the status line, a hook):
    /// the same answers, with word lists that build faster and search long texts slower (see
    /// [`text::Lexicons::one_call`]).
    #[must_use]
    pub fn for_one_call(config: Config) -> Arc<Self> {
        let lex = Lexicons::one_call(&config.lexicon);
        Arc::new(Self { config, lex })
    }

    /// The default rules, compiled once per process and shared: building the lexicons costs
    /// milliseconds, and most runs (every sub-agent file, every session in a review) use them.
    #[must_use]
    pub fn shared_default() -> Arc<Self> {
        static DEFAULT: std::sync::OnceLock<Arc<Rules>> = std::sync::OnceLock::new();
        DEFAULT.get_or_init(|| Arc::new(Rules::default())).clone()
    }
}

impl Default for Rules {
    fn default() -> Self {
        let config = Config::default();
        Self {
            lex: Lexicons::new(&config.lexicon),
            config,
        }
    }
}

/// One signal firing, with the lines a person can check.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Firing {
    pub signal: SignalId,
    /// Index into `Session::turns` of the turn it fired in.
    pub turn: usize,
    pub at_line: LineNo,
    pub at: Option<Millis>,
    /// The events it rests on, by line: all of them, or when there are more than
    /// [`EVIDENCE_KEPT`], the first [`EVIDENCE_FIRST`] and the latest.
    pub evidence: Vec<LineNo>,
    /// How many lines the evidence rests on in all (more than `evidence.len()` when cut).
    pub evidence_total: usize,
    /// 1 at the threshold, capped at 1.
    pub intensity: f64,
    /// The evidence in words ("`cargo test` failed 3 times with edits in between").
    pub detail: String,
    /// Which advice applies (a signal's variants, e.g. a revert versus overlapping edits).
    pub variant: u8,
}

/// A recovery move.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RecoveryMark {
    pub recovery: RecoveryId,
    pub turn: usize,
    pub at_line: LineNo,
    pub at: Option<Millis>,
    pub detail: String,
}

/// A nudge that was (or would have been) shown.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Nudge {
    pub signal: SignalId,
    pub turn: usize,
    pub at_line: LineNo,
    pub at: Option<Millis>,
    /// The firing's evidence lines, and how many there were in all.
    pub evidence: Vec<LineNo>,
    pub evidence_total: usize,
    #[serde(deserialize_with = "nudge::deserialize_headline")]
    pub headline: Headline,
    pub text: String,
}

/// A nudge's headline, one of [`nudge::headline`]'s. An alias so serde's derive does not treat
/// the field as borrowed from the input (it is read back by [`nudge::deserialize_headline`]).
pub type Headline = &'static str;

/// Low / watch / high.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Band {
    Low,
    Watch,
    High,
}

impl Band {
    /// Lowercase label.
    #[must_use]
    pub fn label(self) -> &'static str {
        match self {
            Band::Low => "low",
            Band::Watch => "watch",
            Band::High => "high",
        }
    }
}

/// One term of the risk score, in points (the term times two, rounded).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Contribution {
    /// `S5`, `R5`, or `nothing_written`.
    pub id: String,
    pub label: String,
    pub points: i32,
}

/// The explainable abandonment risk at one moment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RiskView {
    pub value: f64,
    pub band: Band,
    /// Every non-zero term, largest first; offsets (recoveries) are negative.
    pub contributions: Vec<Contribution>,
}

/// Failure tier and risk at one moment.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Assessment {
    /// The live failure tier, 0–5 (signals.md 1.3).
    pub tier: u8,
    /// The session has hit trouble (tier 3 or more) at some point.
    pub trouble: bool,
    /// `None` below the trouble gate.
    pub risk: Option<RiskView>,
}

/// What the engine knows about one turn.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct TurnMark {
    /// Tier when the turn closed (or now, for the open turn).
    pub tier: u8,
    /// Highest tier during the turn.
    pub peak_tier: u8,
    /// Risk when the turn closed.
    pub risk: Option<RiskView>,
    pub closed: bool,
}

/// How many turn marks, firings and nudges were left out (see [`Engine::forget_finished`]).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
struct Forgotten {
    turns: usize,
    firings: usize,
    nudges: usize,
}

/// The engine; see the module docs.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Engine {
    /// Compiled rules are not saved: whoever restores an engine re-attaches them
    /// ([`Engine::set_rules`]).
    #[serde(skip, default = "Rules::shared_default")]
    rules: Arc<Rules>,
    /// Every firing, in order.
    pub firings: Vec<Firing>,
    /// Every recovery move, in order.
    pub recoveries: Vec<RecoveryMark>,
    /// Every nudge shown, in order.
    pub nudges: Vec<Nudge>,
    /// Per session turn.
    pub turns: Vec<TurnMark>,
    /// What [`Engine::forget_finished`] left out from the front of `turns`, `firings` and
    /// `nudges` (the status line's bounded state); all 0 everywhere else. Indexes into those
    /// lists (turns, a detector's firing, a dismissed nudge) count them.
    #[serde(default)]
    forgotten: Forgotten,
    /// The latest line of a success (R5–R7) so far: a nudge before it was answered.
    #[serde(default)]
    success_line: Option<LineNo>,
    /// When the session was likely abandoned (S19's long silence with nothing written).
    pub abandoned_at: Option<(LineNo, Millis)>,
    now: Option<Millis>,
    /// The time firings are stamped with: the latest main-thread event's, or the moment a
    /// time-based rule fired for.
    event_at: Option<Millis>,
    turn: TurnState,
    standing: Standing,
    detectors: Detectors,
    trouble: bool,
    last_nudge: Option<(SignalId, Option<Millis>)>,
    /// Line of the latest success marker (R5–R7): signals before it are answered.
    last_success: Option<LineNo>,
    /// The session's format: what its records can show (a signal they cannot is off) and the
    /// agent's words in nudges.
    #[serde(default)]
    format: Format,
}

impl Engine {
    /// An engine with these rules.
    #[must_use]
    pub fn new(rules: Arc<Rules>) -> Self {
        Self {
            rules,
            firings: Vec::new(),
            recoveries: Vec::new(),
            nudges: Vec::new(),
            turns: Vec::new(),
            forgotten: Forgotten::default(),
            success_line: None,
            abandoned_at: None,
            now: None,
            event_at: None,
            turn: TurnState::default(),
            standing: Standing::default(),
            detectors: Detectors::default(),
            trouble: false,
            last_nudge: None,
            last_success: None,
            format: Format::default(),
        }
    }

    /// The same engine for a session of `format`.
    #[must_use]
    pub fn for_format(mut self, format: Format) -> Self {
        self.format = format;
        self
    }

    /// The format of the session it coaches.
    #[must_use]
    pub fn format(&self) -> Format {
        self.format
    }

    /// The signals that are off for this session: its format cannot show what they read.
    #[must_use]
    pub fn signals_off(&self) -> Vec<SignalId> {
        SignalId::ALL
            .into_iter()
            .filter(|s| !s.available_in(self.format))
            .collect()
    }

    /// The rules in use.
    #[must_use]
    pub fn rules(&self) -> &Arc<Rules> {
        &self.rules
    }

    /// Re-attaches compiled rules to an engine read back from saved state (they are not saved).
    pub fn set_rules(&mut self, rules: Arc<Rules>) {
        self.rules = rules;
    }

    /// The latest time seen (an event's or a tick's).
    #[must_use]
    pub fn now(&self) -> Option<Millis> {
        self.now
    }

    /// Feeds one event; `session` is the builder's state after counting it.
    pub fn observe(&mut self, ev: &Event, session: &Session) {
        let before = self.firing_count();
        if let Some(at) = ev.at {
            self.advance(at, session);
        }
        if ev.agent.is_some() {
            // Sub-agent work is counted by the builder; signals read the main thread.
            self.after(before, session);
            return;
        }
        if session.turn_count() > self.turn_count() {
            self.open_turns(ev, session);
        }
        self.dispatch(ev, session);
        self.turn.last_line = ev.line;
        if ev.at.is_some() {
            self.turn.last_at = ev.at;
        }
        self.after(before, session);
    }

    /// The clock moved without new lines (the live front end's tick).
    pub fn tick(&mut self, now: Millis, session: &Session) {
        let before = self.firing_count();
        self.advance(now, session);
        self.after(before, session);
    }

    /// Tier and risk now.
    #[must_use]
    pub fn assess(&self, session: &Session) -> Assessment {
        let tier = self.tier();
        Assessment {
            tier,
            trouble: self.trouble || tier >= 3,
            risk: self.risk(tier, self.current_turn(), self.now, session),
        }
    }

    /// Firings in one turn (found by binary search: firings are in turn order).
    pub fn firings_in(&self, turn: usize) -> impl Iterator<Item = &Firing> {
        let from = self.firings.partition_point(|f| f.turn < turn);
        let to = from + self.firings[from..].partition_point(|f| f.turn == turn);
        self.firings[from..to].iter()
    }

    /// The nudge shown in one turn, if any (nudges are in turn order).
    #[must_use]
    pub fn nudge_in(&self, turn: usize) -> Option<&Nudge> {
        let from = self.nudges.partition_point(|n| n.turn < turn);
        self.nudges.get(from).filter(|n| n.turn == turn)
    }

    fn current_turn(&self) -> usize {
        self.turn_count().saturating_sub(1)
    }

    /// Turns so far (forgotten ones included).
    #[must_use]
    pub fn turn_count(&self) -> usize {
        self.forgotten.turns + self.turns.len()
    }

    /// The mark of turn `i` (an index into the session's turns), when it is held.
    #[must_use]
    pub fn mark(&self, i: usize) -> Option<&TurnMark> {
        self.turns.get(i.checked_sub(self.forgotten.turns)?)
    }

    fn mark_mut(&mut self, i: usize) -> Option<&mut TurnMark> {
        self.turns.get_mut(i.checked_sub(self.forgotten.turns)?)
    }

    /// Firings so far (forgotten ones included): the index the next one gets.
    #[must_use]
    pub fn firing_count(&self) -> usize {
        self.forgotten.firings + self.firings.len()
    }

    /// The nudges held, each with its index in the session's list of nudges (what a dismissal
    /// and the hook's record of shown nudges name).
    pub fn nudges_indexed(&self) -> impl DoubleEndedIterator<Item = (usize, &Nudge)> {
        let base = self.forgotten.nudges;
        self.nudges
            .iter()
            .enumerate()
            .map(move |(i, n)| (base + i, n))
    }

    /// Leaves out what can no longer change the tier, the risk, a nudge or what a detector
    /// reads: turn marks but this turn's and the one before, firings older than both the risk's
    /// window and the turn before, recovery moves older than the risk's window, and nudges that
    /// can no longer be on screen (two prompts after their turn). Only the status line's saved
    /// state does this, to stay bounded; the figures it shows are the same (a test holds them
    /// equal to the full state's on the corpus). What is left out is counted, so indexes stay
    /// valid.
    pub fn forget_finished(&mut self) {
        let turn = self.current_turn();
        let (signals, moves) = self.risk_horizon();
        // The tier reads this turn's firings and the last one's.
        let from = signals.min(turn.saturating_sub(1));
        let n = self.firings.partition_point(|f| f.turn < from);
        self.firings.drain(..n);
        self.forgotten.firings += n;
        let n = self.recoveries.partition_point(|r| r.turn < moves);
        self.recoveries.drain(..n);
        let turns = self.turn_count();
        let n = self.nudges.partition_point(|x| x.turn + 2 < turns);
        self.nudges.drain(..n);
        self.forgotten.nudges += n;
        let n = self.turns.len().saturating_sub(2);
        self.turns.drain(..n);
        self.forgotten.turns += n;
    }

    /// Whether a success (R5–R7) came after `line`: the trouble there was answered.
    #[must_use]
    pub fn answered_after(&self, line: LineNo) -> bool {
        self.success_line.is_some_and(|s| s > line)
    }

    /// The live failure tier.
    fn tier(&self) -> u8 {
        tier::tier(
            &self.firings,
            self.current_turn(),
            self.last_success,
            &self.standing,
            &self.rules,
        )
    }

    /// Calls `f` on every detector family in order, each with a context on this engine.
    fn each(
        &mut self,
        session: &Session,
        act: Option<usize>,
        mut f: impl FnMut(&mut dyn Detector, &mut Cx<'_>),
    ) {
        let Engine {
            rules,
            firings,
            recoveries,
            turns,
            forgotten,
            success_line,
            abandoned_at,
            now,
            event_at,
            turn,
            standing,
            detectors,
            trouble,
            last_success,
            format,
            ..
        } = self;
        let mut cx = Cx {
            session,
            rules,
            standing,
            turn,
            act: act.and_then(|i| turn.acts.get(i)),
            marks: turns,
            forgotten: *forgotten,
            firings,
            recoveries,
            last_success,
            success_line,
            abandoned_at,
            event_at,
            now: *now,
            trouble: *trouble,
            format: *format,
        };
        detectors.each(|d| f(d, &mut cx));
    }

    /// Closes the previous turn and opens new ones the builder has started.
    fn open_turns(&mut self, ev: &Event, session: &Session) {
        if !self.turns.is_empty() {
            self.close_turn(session);
        }
        // What the prompt fires happens when it was typed, not at the event before it (the
        // previous turn's end keeps that event's time, above).
        self.event_at = ev.at;
        while self.turn_count() < session.turn_count() {
            self.turns.push(TurnMark::default());
        }
        let turn = self.current_turn();
        if let Some(prompt) = session.turn(turn).and_then(|t| t.prompt.as_ref()) {
            // A prompt whose words the transcript withheld (a sanitised placeholder): what its
            // words would say is not known.
            self.turn.prompt_unread = prompt.text.trim().is_empty() && prompt.len > 0;
            self.on_prompt(ev, &prompt.text, prompt.plan_mode, session);
        }
    }

    /// The open turn ended (an end-of-turn marker, idle time, or the next prompt).
    fn close_turn(&mut self, session: &Session) {
        let turn = self.current_turn();
        if self.mark(turn).is_none_or(|t| t.closed) {
            return;
        }
        self.end_of_turn(session);
        let tier = self.tier();
        let risk = self.risk(tier, turn, self.turn.last_at.or(self.now), session);
        if let Some(t) = self.mark_mut(turn) {
            t.tier = tier;
            t.peak_tier = t.peak_tier.max(tier);
            t.risk = risk;
            t.closed = true;
        }
    }

    /// Bookkeeping after an event or tick: tier, trouble, nudges for new firings.
    fn after(&mut self, before: usize, session: &Session) {
        let tier = self.tier();
        self.trouble |= tier >= 3;
        if let Some(t) = self.turns.last_mut() {
            t.peak_tier = t.peak_tier.max(tier);
            if !t.closed {
                t.tier = tier;
            }
        }
        for i in before..self.firing_count() {
            self.consider_nudge(i, tier, session);
        }
    }

    /// A prompt opened the current turn: reset the turn, work out what the prompt says, and let
    /// every family read it.
    fn on_prompt(&mut self, ev: &Event, text: &str, plan_mode: bool, session: &Session) {
        let t = &mut self.turn;
        t.started = ev.at;
        t.ended = false;
        t.seq = 0;
        t.acts.clear();
        t.last_outcome = None;
        self.standing.turn_loop = false;
        let lex = &self.rules.lex;
        let answered_question = std::mem::take(&mut self.turn.agent_asked);
        let typed = text::human_text(text);
        let words = text::word_count(text);
        let prev_words = self.turn.prompt_words;
        let facts = PromptFacts {
            line: ev.line,
            at: ev.at,
            text,
            correction: lex.correction_in(&typed) && !answered_question,
            frustrated: lex.frustration_in(&typed),
            continuation: lex.is_continuation(text),
            asks_verification: lex.asks_verification(text),
            reframe: words >= 20 && words >= prev_words * 2 && text::has_anchor(text),
            typed,
            plan_mode,
            words,
            answered_question,
        };
        self.each(session, None, |d, cx| d.prompt(&facts, cx));
        self.turn.prompt_words = words;
    }

    /// One main-thread event: the shared bookkeeping, then every family.
    fn dispatch(&mut self, ev: &Event, session: &Session) {
        self.event_at = ev.at;
        let mut act = None;
        match &ev.kind {
            EventKind::Action(a) => {
                let t = &mut self.turn;
                t.ended = false;
                t.seq += 1;
                t.agent_asked = false;
                let probe = a.target.starts_with("which ")
                    || a.target.starts_with("test -")
                    || a.target.starts_with("command -v")
                    || a.target.starts_with("[ ");
                signals::push_capped(
                    &mut t.acts,
                    Act {
                        id: a.id,
                        seq: t.seq,
                        line: ev.line,
                        sig: a.sig,
                        tool: a.tool,
                        target: Arc::from(a.target.as_str()),
                        polling: a.polling,
                        probe,
                        check: a.check,
                        edit: a.edit.as_ref().map(|e| {
                            Arc::new(ActEdit {
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
                act = Some(t.acts.len() - 1);
            }
            EventKind::Result(r) => {
                self.turn.ended = false;
                let Some(pos) = self.turn.acts.iter().position(|a| a.id == r.id) else {
                    // Not an action of this turn: it only ends the error, nothing reads it.
                    self.turn.last_outcome = Some(r.outcome.clone());
                    self.set_last(ev);
                    return;
                };
                self.on_result(pos, ev.line, r);
                act = Some(pos);
            }
            EventKind::AgentText(t) => {
                self.turn.ended = false;
                self.turn.agent_asked = t.text.trim_end().ends_with('?');
            }
            EventKind::Interrupt { .. } => self.turn.ended = false,
            EventKind::TurnEnd { .. } => {
                self.turn.markers = true;
                self.turn.ended = true;
                self.end_of_turn(session);
            }
            _ => {}
        }
        self.each(session, act, |d, cx| d.observe(ev, cx));
        self.set_last(ev);
    }

    /// A result for action `pos` of this turn: record it, and what it says about the turn's end.
    fn on_result(&mut self, pos: usize, line: LineNo, r: &super::event::ToolResult) {
        let Some(act) = self.turn.acts.get_mut(pos) else {
            return;
        };
        act.outcome = Some(r.outcome.clone());
        act.obs = r.obs;
        act.result_line = line;
        let check = act.check;
        self.turn.last_outcome = Some(r.outcome.clone());
        match &r.outcome {
            Outcome::Ok => self.standing.end.unrecovered_error = false,
            Outcome::Error => self.standing.errors_seen += 1,
            _ => {}
        }
        if check.is_some() && matches!(r.outcome, Outcome::Ok | Outcome::Error) {
            self.standing.last_check_failed = r.check_failed;
            if !r.check_failed {
                self.standing.end.failing_check = false;
            }
        }
    }

    fn set_last(&mut self, ev: &Event) {
        self.turn.last = match &ev.kind {
            EventKind::AgentText(_) => Last::AgentText,
            EventKind::Interrupt { .. } => Last::Interrupt,
            EventKind::Action(_) => Last::Action,
            EventKind::Result(r) if matches!(r.outcome, Outcome::Rejected { .. }) => {
                Last::Interrupt
            }
            EventKind::Context(_) | EventKind::Title { .. } => self.turn.last,
            _ => Last::Other,
        };
    }

    /// The clock moved to `now`: idle turn ends, then every family's time-based rules.
    fn advance(&mut self, now: Millis, session: &Session) {
        if self.now.is_some_and(|n| n >= now) {
            return;
        }
        self.now = Some(now);
        let Some(last) = self.turn.last_at else {
            return;
        };
        let idle_end = seconds_ms(self.rules.config.thresholds.idle_turn_end_seconds);
        if !self.turn.ended
            && !self.turn.markers
            && now.since(last) >= idle_end
            && matches!(self.turn.last, Last::AgentText | Last::Interrupt)
        {
            self.turn.ended = true;
            self.event_at = Some(last.plus(idle_end));
            self.end_of_turn(session);
        }
        self.each(session, None, |d, cx| d.tick(cx));
    }

    /// The current turn ended: the hard-failure items of tier 4, then every family, once a turn.
    fn end_of_turn(&mut self, session: &Session) {
        let turn = self.current_turn();
        if self.turn.ended_turn == Some(turn) {
            return;
        }
        self.turn.ended_turn = Some(turn);
        let last = &self.turn.last_outcome;
        let s = &mut self.standing;
        s.end.unrecovered_error = s.error_streak > 0 && matches!(last, Some(Outcome::Error));
        s.end.failing_check = s.last_check_failed;
        self.each(session, None, |d, cx| d.end_of_turn(cx));
    }
}

/// Seconds from the config (validated, non-negative) as milliseconds.
fn seconds_ms(s: f64) -> u64 {
    #[expect(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        reason = "validated range"
    )]
    let ms = (s.max(0.0) * 1000.0) as u64;
    ms
}

#[cfg(test)]
mod lookup_tests {
    use super::*;

    #[test]
    fn per_turn_lookups_find_every_firing_and_the_first_nudge_of_the_turn() {
        let mut e = Engine::new(Rules::shared_default());
        let turns = [0usize, 0, 2, 2, 2, 5];
        for (i, turn) in turns.iter().enumerate() {
            e.firings.push(Firing {
                signal: SignalId::S4,
                turn: *turn,
                at_line: LineNo(i as u64),
                at: None,
                evidence: Vec::new(),
                evidence_total: 0,
                intensity: 1.0,
                detail: String::new(),
                variant: 0,
            });
            e.nudges.push(Nudge {
                signal: SignalId::S4,
                turn: *turn,
                at_line: LineNo(i as u64),
                at: None,
                evidence: Vec::new(),
                evidence_total: 0,
                headline: nudge::headline(SignalId::S4),
                text: String::new(),
            });
        }
        for turn in 0..7 {
            let found: Vec<u64> = e.firings_in(turn).map(|f| f.at_line.0).collect();
            let want: Vec<u64> = (0..turns.len() as u64)
                .filter(|i| turns[*i as usize] == turn)
                .collect();
            assert_eq!(found, want, "turn {turn}");
            assert_eq!(
                e.nudge_in(turn).map(|n| n.at_line.0),
                want.first().copied(),
                "turn {turn}"
            );
        }
    }
}
