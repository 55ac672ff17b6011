//! The abandonment risk (signals.md 3.1): a logistic score over the weighted, decayed firings,
//! plus "nothing written yet", minus the recoveries that came after the trouble they answer.
//!
//! Each term decays with a half-life in turns and one in minutes, whichever is faster; only the
//! strongest firing of each signal (and the strongest move of each recovery) counts, and only
//! above [`FLOOR`]. Terms are shown as points (the term times two, rounded).
//!
//! Cost: the risk is computed at every turn's end and for every new firing, so it must not walk
//! the whole history. A term is at most the largest weight times the decay by turns, so a firing
//! old enough that this bound is under the floor can never count: only the window of recent
//! turns where it can is read ([`live_from`]). The result is the same as over every firing; a
//! property test below holds the two equal.

use std::collections::HashMap;

use super::catalogue::{Counts, rows};
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
        let hl = c.risk.half_life_turns;
        let (w_signals, w_moves) = max_weights(c);
        let firings = &self.firings[live_from(&self.firings, |f| f.turn, turn, hl, w_signals)..];
        let recoveries =
            &self.recoveries[live_from(&self.recoveries, |r| r.turn, turn, hl, w_moves)..];
        Some(self.risk_over(firings, recoveries, turn, now, session))
    }

    /// The risk over these firings and recoveries (all of them, or the window that can count).
    fn risk_over(
        &self,
        firings: &[Firing],
        recoveries: &[RecoveryMark],
        turn: usize,
        now: Option<Millis>,
        session: &Session,
    ) -> RiskView {
        let c = &self.rules.config;
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
        for f in firings {
            let term = f.signal.weight(c) * f.intensity * decay(f.turn, f.at);
            if term > FLOOR && best.get(&f.signal).is_none_or(|(t, _)| term > *t) {
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
        for r in recoveries
            .iter()
            .filter(|r| latest_trouble.is_none_or(|t| r.at_line > t))
        {
            let term = r.recovery.weight(c) * decay(r.turn, r.at);
            if term > FLOOR && offsets.get(&r.recovery).is_none_or(|(t, _)| term > *t) {
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
        RiskView {
            value: (value * 1000.0).round() / 1000.0,
            band,
            contributions: terms
                .into_iter()
                .map(|(_, c)| c)
                .filter(|c| c.points != 0)
                .collect(),
        }
    }
}

/// A term at or under this is left out.
const FLOOR: f64 = 0.005;

/// The largest weight of any signal and of any recovery move.
fn max_weights(c: &crate::core::config::Config) -> (f64, f64) {
    let w_signals = rows()
        .iter()
        .map(|r| r.weight_in(&c.weights))
        .fold(0.0, f64::max);
    let w_moves = RecoveryId::ALL
        .iter()
        .map(|r| r.weight(c))
        .fold(0.0, f64::max);
    (w_signals, w_moves)
}

/// How many turns back an item can still count (see [`live_from`]): an item's term is at most
/// `w_max` (the largest weight; intensities are at most 1) times its decay by turns,
/// `0.5^(age / half_life)`, so an item older than this stays under the floor whatever its time
/// decay. It has a margin of two turns beyond the exact bound, far more than floating-point
/// error. `None`: any age can count (a very long half-life, or a NaN).
fn reach(half_life: f64, w_max: f64) -> Option<usize> {
    let reach = (half_life * (w_max / FLOOR).log2()).ceil() + 1.0;
    #[expect(clippy::cast_precision_loss, reason = "a bound, not a count")]
    let too_far = reach.is_nan() || reach >= usize::MAX as f64;
    if too_far {
        return None;
    }
    #[expect(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        reason = "finite and below usize::MAX; a negative bound is 0 turns"
    )]
    let reach = reach.max(0.0) as usize;
    Some(reach)
}

/// Where the items that can still count in turn `turn` start, in a list in turn order (see
/// [`reach`]).
fn live_from<T>(
    items: &[T],
    turn_of: impl Fn(&T) -> usize,
    turn: usize,
    half_life: f64,
    w_max: f64,
) -> usize {
    if w_max <= FLOOR {
        return items.len();
    }
    match reach(half_life, w_max) {
        Some(reach) if reach < turn => items.partition_point(|x| turn_of(x) + reach < turn),
        _ => 0,
    }
}

impl Engine {
    /// The first turn whose firings, and the first whose recovery moves, can still count toward
    /// the risk in this turn or any later one (the window only moves forward).
    pub(super) fn risk_horizon(&self) -> (usize, usize) {
        let c = &self.rules.config;
        let turn = self.current_turn();
        let hl = c.risk.half_life_turns;
        let from = |w_max: f64| {
            if w_max <= FLOOR {
                return turn;
            }
            reach(hl, w_max).map_or(0, |r| turn.saturating_sub(r))
        };
        let (w_signals, w_moves) = max_weights(c);
        (from(w_signals), from(w_moves))
    }
}

#[expect(clippy::cast_possible_truncation, reason = "points are small")]
fn points(term: f64) -> i32 {
    (term * 2.0).round() as i32
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::core::LineNo;
    use crate::core::config::Config;
    use crate::core::engine::{Rules, TurnMark};
    use crate::core::session::Builder;

    /// One step of a made-up history: turns to move on, a signal (or a recovery), its intensity,
    /// minutes to move on (or no time at all).
    type Step = (usize, usize, f64, Option<u32>, bool);

    fn config(hl_turns: f64, hl_minutes: f64, weights: &[f64], moves: &[f64]) -> Config {
        let mut text = format!(
            "[risk]\nhalf_life_turns = {hl_turns}\nhalf_life_minutes = {hl_minutes}\n[weights]\n"
        );
        for ((key, _), w) in Config::default().weights.named().iter().zip(weights) {
            text.push_str(&format!("{key} = {w}\n"));
        }
        text.push_str("[recovery]\n");
        for ((key, _), w) in Config::default().recovery.named().iter().zip(moves) {
            text.push_str(&format!("{key} = {w}\n"));
        }
        // Straight from TOML: `Config::parse` would also compile every lexicon to check it.
        toml::from_str(&text).unwrap()
    }

    fn engine(config: Config, steps: &[Step], extra_turns: usize) -> Engine {
        let mut e = Engine::new(Rules::new(config));
        let (mut turn, mut ms, mut line) = (0usize, 1_767_225_600_000i64, 0u64);
        for &(dt, which, intensity, minutes, recovery) in steps {
            turn += dt;
            line += 1;
            let at = minutes.map(|m| {
                ms += i64::from(m) * 60_000;
                Millis(ms)
            });
            if recovery {
                e.recoveries.push(RecoveryMark {
                    recovery: RecoveryId::ALL[which % RecoveryId::ALL.len()],
                    turn,
                    at_line: LineNo(line),
                    at,
                    detail: format!("move {line}"),
                });
            } else {
                e.firings.push(Firing {
                    signal: SignalId::ALL[which % SignalId::ALL.len()],
                    turn,
                    at_line: LineNo(line),
                    at,
                    evidence: vec![LineNo(line)],
                    evidence_total: 1,
                    intensity,
                    detail: format!("firing {line}"),
                    variant: 0,
                });
            }
        }
        e.turns = vec![TurnMark::default(); turn + 1 + extra_turns];
        e
    }

    fn weight() -> impl Strategy<Value = f64> {
        prop_oneof![Just(0.0), Just(10.0), 0.0f64..10.0]
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

        #[test]
        fn the_window_gives_the_same_risk_as_every_firing(
            hl_turns in prop_oneof![0.05f64..40.0, Just(1e9)],
            hl_minutes in 0.1f64..240.0,
            weights in prop::collection::vec(weight(), 19),
            moves in prop::collection::vec(weight(), 8),
            steps in prop::collection::vec(
                (prop_oneof![4 => Just(0usize), 3 => Just(1usize), 1 => 2usize..40],
                 0usize..20, 0.0f64..=1.0, proptest::option::of(0u32..90), any::<bool>()),
                0..250),
            extra_turns in 0usize..60,
            later_minutes in proptest::option::of(0i64..600),
        ) {
            let e = engine(config(hl_turns, hl_minutes, &weights, &moves), &steps, extra_turns);
            let session = Builder::new(None).session().clone();
            let turn = e.turns.len() - 1;
            let last = e.firings.iter().filter_map(|f| f.at).chain(e.recoveries.iter().filter_map(|r| r.at)).max();
            let now = later_minutes.and_then(|m| last.map(|l| l.plus(u64::try_from(m).unwrap() * 60_000)));
            let windowed = e.risk(5, turn, now, &session).unwrap();
            let direct = e.risk_over(&e.firings, &e.recoveries, turn, now, &session);
            prop_assert_eq!(windowed, direct);
        }
    }

    #[test]
    fn old_firings_are_left_out_of_the_walk() {
        // 200 turns of S1 at full weight: only the last few turns can count.
        let steps: Vec<Step> = (0..200).map(|_| (1, 0, 1.0, Some(1), false)).collect();
        let e = engine(Config::default(), &steps, 0);
        let turn = e.turns.len() - 1;
        let from = live_from(&e.firings, |f| f.turn, turn, 2.0, 1.5);
        assert!(from > 170 && from < e.firings.len(), "{from}");
        // The window's first firing is too old to count, the one before it even more so.
        let age = (turn - e.firings[from].turn) as f64;
        assert!(1.5 * 0.5f64.powf(age / 2.0) <= FLOOR);
        assert_eq!(live_from(&e.firings, |f| f.turn, turn, 1e12, 1.5), 0);
        assert_eq!(
            live_from(&e.firings, |f| f.turn, turn, 2.0, FLOOR),
            e.firings.len()
        );
    }
}
