//! The nudge gate: which firings are shown as nudges (silence is the default).
//!
//! A firing whose row has [`Gate::Risk`] needs trouble (tier 3) and a risk band of at least
//! "watch" ("high" for the low-weight context signals, common in healthy sessions). Then, for
//! every firing: never the same signal twice in a row, and at most one nudge per
//! `coach.cooldown_minutes` unless the row is [`Gate::Urgent`]. Each nudge names the lines it
//! rests on and says the evidence first, then the row's advice.

use super::catalogue::Gate;
use super::{Band, Engine, Nudge, nudge, seconds_ms};
use crate::core::session::Session;

impl Engine {
    /// Shows firing `i` as a nudge if the gate lets it through (`tier` is the tier now).
    pub(super) fn consider_nudge(&mut self, i: usize, tier: u8, session: &Session) {
        let c = &self.rules.config;
        if !c.coach.nudges {
            return;
        }
        let Some(f) = i
            .checked_sub(self.forgotten.firings)
            .and_then(|i| self.firings.get(i))
        else {
            return;
        };
        let row = f.signal.row();
        if row.gate == Gate::Risk {
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
            let cooldown = if row.gate == Gate::Urgent {
                0
            } else {
                seconds_ms(c.coach.cooldown_minutes * 60.0)
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
            self.format.speak(nudge::advice(f.signal, f.variant))
        );
        self.last_nudge = Some((f.signal, f.at.or(self.now)));
        self.nudges.push(Nudge {
            signal: f.signal,
            turn: f.turn,
            at_line: f.at_line,
            at: f.at,
            evidence: f.evidence.clone(),
            evidence_total: f.evidence_total,
            headline: nudge::headline(f.signal),
            text,
        });
    }
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}
