//! The abandonment risk (signals.md 3.1): a logistic score over the weighted, decayed firings,
//! plus "nothing written yet", minus the recoveries that came after the trouble they answer.
//!
//! Each term decays with a half-life in turns and one in minutes, whichever is faster; only the
//! strongest firing of each signal (and the strongest move of each recovery) counts. Terms are
//! shown as points (the term times two, rounded).

use std::collections::HashMap;

use super::catalogue::Counts;
use super::ids::{RecoveryId, SignalId};
use super::{Band, Contribution, Engine, Firing, RecoveryMark, RiskView};
use crate::core::Millis;
use crate::core::session::Session;

impl Engine {
    /// The risk score at time `now` in turn `turn`, or `None` below the gate tier.
    pub(super) fn risk(
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
        // A confirming signal (frustration) counts only when another weighted signal does too.
        if best.keys().all(|s| s.row().counts == Counts::Confirms) {
            best.clear();
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

#[expect(clippy::cast_possible_truncation, reason = "points are small")]
fn points(term: f64) -> i32 {
    (term * 2.0).round() as i32
}
