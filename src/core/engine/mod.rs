//! The coaching engine: events in, stall signals, failure tier, abandonment risk and nudges out.
//!
//! [`Engine::observe`] takes one event at a time, after the session builder has counted it, and
//! keeps bounded state (recent actions of the current turn, small counters, the firings so far).
//! Time comes in as data: each event's timestamp advances the engine's clock, and the live front
//! end calls [`Engine::tick`] with the wall clock so silence (S19) is noticed without new lines.
//! Feeding the same events gives the same result however they were chunked.
//!
//! Silence is the default. Risk is only computed from failure tier 2 (`risk.gate_tier`); a nudge
//! needs trouble (tier 3) and a risk band of at least "watch" ("high" for the low-weight context
//! signals), except S20 (a bypassed check, always worth saying, even inside the cooldown) and S18
//! (harness trouble, information only). At most one nudge per cooldown, never the same signal
//! twice in a row, and each nudge names the lines it rests on.

pub mod catalogue;
mod detect;
pub mod ids;
pub mod nudge;
pub mod text;

#[cfg(test)]
mod tests;

use std::collections::{HashMap, VecDeque};
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use self::ids::{RecoveryId, SignalId};
use self::text::Lexicons;
use super::config::Config;
use super::event::Event;
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
    /// The events it rests on, by line.
    pub evidence: Vec<LineNo>,
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
    pub evidence: Vec<LineNo>,
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

/// Items that make a turn's ending a hard failure (tier 4 each).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
struct EndItems {
    unrecovered_error: bool,
    failing_check: bool,
    rejected_last: bool,
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
    /// When the session was likely abandoned (S19's long silence with nothing written).
    pub abandoned_at: Option<(LineNo, Millis)>,
    now: Option<Millis>,
    st: detect::State,
    end_items: EndItems,
    trouble: bool,
    last_nudge: Option<(SignalId, Option<Millis>)>,
    /// Line of the latest success marker (R5–R7): signals before it are answered.
    last_success: Option<LineNo>,
    /// S1, S2 or S4 fired at some point (a recovered loop keeps the tier at 2).
    had_loop: bool,
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
            abandoned_at: None,
            now: None,
            st: detect::State::default(),
            end_items: EndItems::default(),
            trouble: false,
            last_nudge: None,
            last_success: None,
            had_loop: false,
        }
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
        let before = self.firings.len();
        if let Some(at) = ev.at {
            self.advance(at, session);
        }
        if ev.agent.is_some() {
            // Sub-agent work is counted by the builder; signals read the main thread.
            self.after(before, session);
            return;
        }
        if session.turns.len() > self.turns.len() {
            self.open_turns(ev, session);
        }
        self.dispatch(ev, session);
        self.st.last_line = ev.line;
        if ev.at.is_some() {
            self.st.last_at = ev.at;
        }
        self.after(before, session);
    }

    /// The clock moved without new lines (the live front end's tick).
    pub fn tick(&mut self, now: Millis, session: &Session) {
        let before = self.firings.len();
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

    /// Firings in one turn.
    pub fn firings_in(&self, turn: usize) -> impl Iterator<Item = &Firing> {
        self.firings.iter().filter(move |f| f.turn == turn)
    }

    fn current_turn(&self) -> usize {
        self.turns.len().saturating_sub(1)
    }

    /// Closes the previous turn and opens new ones the builder has started.
    fn open_turns(&mut self, ev: &Event, session: &Session) {
        if !self.turns.is_empty() {
            self.close_turn(session);
        }
        while self.turns.len() < session.turns.len() {
            self.turns.push(TurnMark::default());
        }
        let turn = self.current_turn();
        if session.turns[turn].prompt.is_some() {
            self.on_prompt(ev, session, turn);
        }
    }

    /// The open turn ended (an end-of-turn marker, idle time, or the next prompt).
    fn close_turn(&mut self, session: &Session) {
        let turn = self.current_turn();
        if self.turns.get(turn).is_none_or(|t| t.closed) {
            return;
        }
        self.end_of_turn(session, turn);
        let tier = self.tier();
        let risk = self.risk(tier, turn, self.st.last_at.or(self.now), session);
        if let Some(t) = self.turns.get_mut(turn) {
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
        for i in before..self.firings.len() {
            self.consider_nudge(i, tier, session);
        }
    }

    fn consider_nudge(&mut self, i: usize, tier: u8, session: &Session) {
        let c = &self.rules.config;
        if !c.coach.nudges {
            return;
        }
        let f = &self.firings[i];
        let always = matches!(f.signal, SignalId::S20 | SignalId::S18);
        if !always {
            let risk = self.risk(tier, self.current_turn(), f.at.or(self.now), session);
            let band = risk.map_or(Band::Low, |r| r.band);
            // Context signals (weight under 1: interrupts, long runs, context pressure…) are
            // common in healthy sessions: alone they nudge only when risk is high.
            let needed = if f.signal.weight(c) < 1.0 {
                Band::High
            } else {
                Band::Watch
            };
            if tier < 3 || band < needed {
                return;
            }
        }
        if let Some((last, when)) = self.last_nudge {
            if last == f.signal {
                return;
            }
            // A bypassed check is always worth saying, cooldown or not.
            let cooldown = if f.signal == SignalId::S20 {
                0
            } else {
                detect::seconds_ms(c.coach.cooldown_minutes * 60.0)
            };
            if let (Some(w), Some(at)) = (when, f.at.or(self.now))
                && at.since(w) < cooldown
            {
                return;
            }
        }
        let text = format!(
            "{}. {}",
            capitalise(&f.detail),
            nudge::advice(f.signal, f.variant)
        );
        self.last_nudge = Some((f.signal, f.at.or(self.now)));
        self.nudges.push(Nudge {
            signal: f.signal,
            turn: f.turn,
            at_line: f.at_line,
            at: f.at,
            evidence: f.evidence.clone(),
            headline: nudge::headline(f.signal),
            text,
        });
    }

    /// Records a new firing; returns its index for later updates.
    fn fire(
        &mut self,
        signal: SignalId,
        evidence: Vec<LineNo>,
        intensity: f64,
        detail: String,
        variant: u8,
    ) -> usize {
        self.had_loop |= matches!(signal, SignalId::S1 | SignalId::S2 | SignalId::S4);
        self.st.turn_loop |= matches!(
            signal,
            SignalId::S1 | SignalId::S2 | SignalId::S3 | SignalId::S4 | SignalId::S5 | SignalId::S6
        );
        let at_line = evidence.last().copied().unwrap_or(self.st.last_line);
        self.firings.push(Firing {
            signal,
            turn: self.current_turn(),
            at_line,
            at: self.st.event_at.or(self.now),
            evidence,
            intensity: intensity.clamp(0.0, 1.0),
            detail,
            variant,
        });
        self.firings.len() - 1
    }

    /// Grows an ongoing episode's evidence and intensity.
    fn update(&mut self, i: usize, evidence: Vec<LineNo>, intensity: f64, detail: String) {
        if let Some(f) = self.firings.get_mut(i) {
            f.evidence = evidence;
            f.intensity = f.intensity.max(intensity.clamp(0.0, 1.0));
            f.detail = detail;
        }
    }

    fn recover(&mut self, recovery: RecoveryId, at_line: LineNo, detail: String) {
        self.recoveries.push(RecoveryMark {
            recovery,
            turn: self.current_turn(),
            at_line,
            at: self.st.event_at.or(self.now),
            detail,
        });
        if recovery.is_success() {
            self.last_success = Some(at_line);
            self.end_items = EndItems::default();
            self.st.corrections.clear();
        }
    }

    /// The signals fired in this turn or the previous one and not answered by a success since,
    /// as a bit set by catalogue position (one pass over the recent firings).
    fn active_set(&self) -> u32 {
        let turn = self.current_turn();
        let mut set = 0u32;
        for f in self.firings.iter().rev().take_while(|f| f.turn + 1 >= turn) {
            if self.last_success.is_none_or(|s| s < f.at_line) {
                set |= bit(f.signal);
            }
        }
        set
    }

    /// The live failure tier (signals.md 1.3).
    fn tier(&self) -> u8 {
        use SignalId as S;
        let active = self.active_set();
        let e = &self.end_items;
        let items4 = [
            e.unrecovered_error,
            e.failing_check,
            e.rejected_last,
            active & bit(S::S11) != 0,
        ]
        .iter()
        .filter(|b| **b)
        .count();
        if items4 >= 2 {
            return 5;
        }
        if items4 == 1 {
            return 4;
        }
        let t = &self.rules.config.thresholds;
        let pushback = bits(&[
            S::S1,
            S::S4,
            S::S5,
            S::S7,
            S::S8,
            S::S9,
            S::S10,
            S::S16,
            S::S20,
        ]);
        if active & pushback != 0
            || self.st.failing_runs() >= 2
            || self.st.streak.len() >= t.s4_error_streak as usize
        {
            return 3;
        }
        let mild = bits(&[S::S2, S::S3, S::S6, S::S12, S::S13, S::S14, S::S15, S::S19]);
        if !self.st.corrections.is_empty() || active & mild != 0 || self.had_loop {
            return 2;
        }
        u8::from(self.st.errors_seen > 0)
    }

    /// The risk score (signals.md 3.1) at time `now` in turn `turn`, or `None` below the gate.
    fn risk(
        &self,
        tier: u8,
        turn: usize,
        now: Option<Millis>,
        session: &Session,
    ) -> Option<RiskView> {
        let c = &self.rules.config;
        if tier < c.risk.gate_tier {
            return None;
        }
        let decay = |f_turn: usize, at: Option<Millis>| {
            let by_turn = 0.5f64.powf(turn.saturating_sub(f_turn) as f64 / c.risk.half_life_turns);
            let by_time = match (now, at) {
                (Some(n), Some(a)) => {
                    0.5f64.powf(n.since(a) as f64 / 60_000.0 / c.risk.half_life_minutes)
                }
                _ => 1.0,
            };
            by_turn.min(by_time)
        };
        let mut best: HashMap<SignalId, (f64, &Firing)> = HashMap::new();
        for f in &self.firings {
            let term = f.signal.weight(c) * f.intensity * decay(f.turn, f.at);
            if term > 0.005 && best.get(&f.signal).is_none_or(|(t, _)| term > *t) {
                best.insert(f.signal, (term, f));
            }
        }
        // Frustration only confirms: it counts when another weighted signal is active too.
        if best.keys().all(|s| *s == SignalId::S11) {
            best.remove(&SignalId::S11);
        }
        let contributing: Vec<&Firing> = best.values().map(|(_, f)| *f).collect();
        let mut terms: Vec<(f64, Contribution)> = best
            .into_iter()
            .map(|(s, (t, f))| {
                (
                    t,
                    Contribution {
                        id: s.code().into(),
                        label: f.detail.clone(),
                        points: points(t),
                    },
                )
            })
            .collect();
        if session.lines_written() == 0 && c.risk.nothing_written > 0.0 {
            let t = c.risk.nothing_written;
            terms.push((
                t,
                Contribution {
                    id: "nothing_written".into(),
                    label: "nothing written yet".into(),
                    points: points(t),
                },
            ));
        }
        // A recovery offsets only the trouble it answers: it must come after the latest stall
        // that still weighs. Code written or a commit made before a loop says nothing about
        // getting out of that loop.
        let latest_trouble = contributing.iter().map(|f| f.at_line).max();
        let mut offsets: HashMap<RecoveryId, (f64, &RecoveryMark)> = HashMap::new();
        for r in self
            .recoveries
            .iter()
            .filter(|r| latest_trouble.is_none_or(|t| r.at_line > t))
        {
            let term = r.recovery.weight(c) * decay(r.turn, r.at);
            if term > 0.005 && offsets.get(&r.recovery).is_none_or(|(t, _)| term > *t) {
                offsets.insert(r.recovery, (term, r));
            }
        }
        terms.extend(offsets.into_iter().map(|(id, (t, r))| {
            (
                -t,
                Contribution {
                    id: id.code().into(),
                    label: r.detail.clone(),
                    points: -points(t),
                },
            )
        }));
        terms.sort_by(|a, b| {
            b.0.abs()
                .total_cmp(&a.0.abs())
                .then_with(|| a.1.id.cmp(&b.1.id))
        });
        let x = c.risk.intercept + terms.iter().map(|(t, _)| t).sum::<f64>();
        let value = 1.0 / (1.0 + (-x).exp());
        let band = if value >= c.risk.high {
            Band::High
        } else if value >= c.risk.watch {
            Band::Watch
        } else {
            Band::Low
        };
        Some(RiskView {
            value: (value * 1000.0).round() / 1000.0,
            band,
            contributions: terms
                .into_iter()
                .map(|(_, c)| c)
                .filter(|c| c.points != 0)
                .collect(),
        })
    }
}

fn bit(s: SignalId) -> u32 {
    1 << (s as u32)
}

fn bits(list: &[SignalId]) -> u32 {
    list.iter().fold(0, |acc, s| acc | bit(*s))
}

#[expect(clippy::cast_possible_truncation, reason = "points are small")]
fn points(term: f64) -> i32 {
    (term * 2.0).round() as i32
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}

/// Events that stand for `VecDeque` of recent items with a cap.
fn push_capped<T>(q: &mut VecDeque<T>, item: T, cap: usize) {
    q.push_back(item);
    while q.len() > cap {
        q.pop_front();
    }
}
