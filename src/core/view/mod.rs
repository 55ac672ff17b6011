//! The view model: everything a front end shows, computed from the pipeline's state without a
//! terminal, a file or a clock.
//!
//! There is one way in: a [`View`] of the pipeline's state (the session, its coaching, the parse
//! counts), seen at one moment, minus the nudges the user dismissed. Every front end builds its
//! model from one:
//!
//! | front end | model |
//! |---|---|
//! | `watch` (reader thread), `replay` (the player) | [`View::dashboard`], [`View::detail`] |
//! | the status line (`report::status`) | [`View::glance`] folded into one or two rows |
//! | the hook's message | [`View::glance`]'s nudge |
//! | `score`, `replay --report` (`report::types`) | [`View::session`], [`View::engine`] |
//!
//! What comes out is plain data: numbers, words and sanitised transcript text. Symbols, colours,
//! escape codes and keys belong to the front ends (`tui`, `report`), which only lay it out.

mod dashboard;
mod detail;
mod evidence;

pub use dashboard::{
    ActivityRow, CurrentTurn, Dashboard, FADING_MS, Glance, Header, IDLE_SHOWN_MS, LIVE_ROWS,
    NudgeCard, NudgeLine, REFERENCE_MARKS, RiskPanel, RiskTerm, TurnRow, session_id, term_name,
    tier_words,
};
pub use detail::{SignalLine, TurnDetail};

use super::Millis;
use super::engine::Engine;
use super::pipeline::Pipeline;
use super::session::Session;

/// The pipeline's state as a front end sees it: see the module docs.
#[derive(Debug, Clone, Copy)]
pub struct View<'a> {
    session: &'a Session,
    engine: &'a Engine,
    skipped: u64,
    now: Option<Millis>,
    dismissed: &'a [usize],
}

impl<'a> View<'a> {
    /// A pipeline's state, at its latest event, nothing dismissed (lines skipped in the main
    /// file and its sub-agent files).
    #[must_use]
    pub fn of(p: &'a Pipeline) -> Self {
        Self::new(p.session(), p.engine()).with_skipped(p.skipped_total())
    }

    /// A session and its coaching held apart from their pipeline (a file read whole, or an
    /// engine ticked to the wall clock on a copy).
    #[must_use]
    pub fn new(session: &'a Session, engine: &'a Engine) -> Self {
        Self {
            session,
            engine,
            skipped: 0,
            now: None,
            dismissed: &[],
        }
    }

    /// Lines the reading skipped so far (shown when not zero).
    #[must_use]
    pub fn with_skipped(mut self, skipped: u64) -> Self {
        self.skipped = skipped;
        self
    }

    /// Seen at `now` (clocks and ages are measured to it); `None`: the engine's own clock, else
    /// the latest event.
    #[must_use]
    pub fn at(mut self, now: Option<Millis>) -> Self {
        self.now = now;
        self
    }

    /// Without the nudges at these indexes of the engine's list (the user dismissed them).
    #[must_use]
    pub fn hiding(mut self, dismissed: &'a [usize]) -> Self {
        self.dismissed = dismissed;
        self
    }

    /// The session.
    #[must_use]
    pub fn session(&self) -> &'a Session {
        self.session
    }

    /// Its coaching: signals, nudges, recoveries, risk.
    #[must_use]
    pub fn engine(&self) -> &'a Engine {
        self.engine
    }

    /// Lines skipped so far.
    #[must_use]
    pub fn skipped(&self) -> u64 {
        self.skipped
    }

    /// The moment it is seen at: the one asked for, else the engine's clock, else the latest
    /// event.
    fn moment(&self) -> Option<Millis> {
        self.now.or(self.engine.now()).or(self.session.last)
    }

    /// The whole screen's data for `watch` and `replay`, and the status line's figures.
    #[must_use]
    pub fn dashboard(&self) -> Dashboard {
        Dashboard::build(
            self.session,
            self.engine,
            self.now,
            self.dismissed,
            self.skipped,
        )
    }

    /// The status line's figures and the nudge on screen, in words (what the hook hands out):
    /// the dashboard's, from the latest turn and the engine's live state only, so also from the
    /// status line's bounded state.
    #[must_use]
    pub fn glance(&self) -> Glance {
        Glance::build(self.session, self.engine, self.dismissed)
    }

    /// The nudge on screen now, if any, as the dashboard shows it.
    #[must_use]
    pub fn nudge(&self) -> Option<NudgeCard> {
        dashboard::current_nudge(self.session, self.engine, self.dismissed, self.moment())
    }

    /// Prompt `turn` (an index into the session's turns) in full, if it exists.
    #[must_use]
    pub fn detail(&self, turn: usize) -> Option<TurnDetail> {
        TurnDetail::build_at(
            self.session,
            self.engine,
            turn,
            self.moment(),
            self.dismissed,
        )
    }
}

/// The shipped demo read up to a line: the fixture of the view model's tests and the front
/// ends' unit tests.
#[cfg(test)]
pub(crate) mod fixtures {
    use crate::core::pipeline::Pipeline;

    const DEMO: &[u8] = include_bytes!("../../../assets/demo/session.jsonl");

    /// The pipeline fed the demo's first `lines` lines.
    pub(crate) fn demo_until(lines: usize) -> Pipeline {
        let mut p = Pipeline::new(Some("demo".into()));
        for l in DEMO.split(|b| *b == b'\n').take(lines) {
            p.feed(l);
            p.feed(b"\n");
        }
        p
    }
}

#[cfg(test)]
mod tests {
    use super::fixtures::demo_until;
    use super::*;

    #[test]
    fn every_model_of_a_view_shows_the_same_nudge() {
        let p = demo_until(62);
        let v = View::of(&p);
        let card = v.nudge().expect("the demo nudges mid-loop");
        assert_eq!(v.dashboard().nudge.as_ref(), Some(&card));
        assert_eq!(
            View::of(&p).hiding(&[card.index]).dashboard().nudge,
            None,
            "a dismissed nudge is gone from every model"
        );
        assert_eq!(View::of(&p).hiding(&[card.index]).nudge(), None);
    }

    #[test]
    fn a_view_of_a_pipeline_counts_its_skipped_lines() {
        let mut p = Pipeline::new(Some("x".into()));
        p.feed(b"not json\n{\"type\":\"user\",\"message\":{\"role\":\"user\",\"content\":\"hi\"},\"timestamp\":\"2026-01-01T00:00:00Z\"}\n");
        assert_eq!(View::of(&p).dashboard().skipped, 1);
        assert_eq!(View::new(p.session(), p.engine()).dashboard().skipped, 0);
    }

    #[test]
    fn the_moment_sets_the_clocks() {
        let p = demo_until(62);
        let at_event = View::of(&p).dashboard().header;
        assert_eq!(at_event.idle_ms, None);
        let later = p.session().last.map(|l| Millis(l.0 + 60_000));
        let a_minute_on = View::of(&p).at(later).dashboard().header;
        assert_eq!(a_minute_on.idle_ms, Some(60_000));
        assert_eq!(
            a_minute_on.length_ms, at_event.length_ms,
            "the length stops at the last event"
        );
    }

    #[test]
    fn detail_is_the_turn_in_full() {
        let p = demo_until(62);
        let d = View::of(&p).detail(1).expect("the second prompt");
        assert_eq!(d.number, 2);
        assert!(View::of(&p).detail(99).is_none());
    }
}
