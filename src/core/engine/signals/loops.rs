//! Loops: the same steps over and over in one turn (S1 same failing action, S2 same action with
//! the same result, S3 ping-pong between two steps), and a long run in a troubled turn (S15):
//! one where a loop signal fired or the errors come in a row.
//!
//! An edit that does not apply is the same failing action even when its text changes each time:
//! edits of one file failing again and again in a turn, none of them applied in between, with
//! reads or other steps between the attempts, are S1 too (variant 1). The harness refusing an
//! edit it has not seen read is not counted (that is a blocked call, fixed by one read).

use serde::{Deserialize, Serialize};

use super::{push_capped_vec, short, short_path};
use crate::core::LineNo;
use crate::core::checks;
use crate::core::engine::detector::{Act, Cx, Detector, PromptFacts};
use crate::core::engine::ids::SignalId;
use crate::core::event::{Event, EventKind, Outcome, Tool};
use crate::core::sanitize::one_line;

/// S1–S3 over the turn's completed actions (cancelled siblings left out), and S15.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub(super) struct Loops {
    /// The ongoing S1, S2 and S3 episodes of this turn.
    s1: Option<usize>,
    s2: Option<usize>,
    s3: Option<usize>,
    /// Failed tool calls in this turn.
    turn_errors: u32,
    /// Tool calls of the last 50 turns (for the user's median run).
    prev_turn_actions: Vec<u32>,
    /// The turn S15 fired in.
    s15_turn: Option<usize>,
    /// This turn's edits that did not apply, of the file they were for, since one applied:
    /// (file, result lines).
    #[serde(default)]
    failed_edits: Vec<(String, Vec<LineNo>)>,
    /// The S1 firing of the file whose edits keep failing, and that file.
    #[serde(default)]
    edit_loop: Option<(usize, String)>,
}

impl Detector for Loops {
    fn prompt(&mut self, _p: &PromptFacts<'_>, cx: &mut Cx<'_>) {
        let turn = cx.turn_index();
        if let Some(prev) = turn.checked_sub(1).and_then(|p| cx.session.turn(p)) {
            push_capped_vec(&mut self.prev_turn_actions, prev.tally.tool_calls, 50);
        }
        self.s1 = None;
        self.s2 = None;
        self.s3 = None;
        self.turn_errors = 0;
        self.failed_edits.clear();
        self.edit_loop = None;
    }

    fn observe(&mut self, ev: &Event, cx: &mut Cx<'_>) {
        match &ev.kind {
            EventKind::Action(_) => self.long_run(ev, cx),
            EventKind::Result(r) => {
                if r.outcome == Outcome::Error {
                    self.turn_errors += 1;
                }
                self.repeats(cx);
                self.failed_edit(ev.line, cx);
                self.long_run(ev, cx);
            }
            _ => {}
        }
    }
}

impl Loops {
    /// S1–S3 over the completed actions of the turn (cancelled siblings left out).
    fn repeats(&mut self, cx: &mut Cx<'_>) {
        let t = &cx.rules.config.thresholds;
        // Only the latest completed actions are ever compared: as many as the longest tail read.
        let keep = t
            .s1_same_failing_action
            .max(t.s2_same_action_same_result)
            .max(t.s3_ping_pong_actions) as usize;
        let mut done: Vec<&Act> = Vec::with_capacity(keep);
        done.extend(
            cx.turn()
                .acts
                .iter()
                .rev()
                .filter(|a| a.outcome.as_ref().is_some_and(|o| *o != Outcome::Cancelled))
                .take(keep),
        );
        done.reverse();
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
                SignalId::S1 => &mut self.s1,
                SignalId::S2 => &mut self.s2,
                _ => &mut self.s3,
            };
            *slot = match (hit, *slot) {
                (Some((evidence, detail)), Some(i)) => {
                    cx.update(i, evidence, 1.0, detail);
                    Some(i)
                }
                (Some((evidence, detail)), None) => Some(cx.fire(signal, evidence, 1.0, detail, 0)),
                (None, _) => None,
            };
        }
    }

    /// S1 (variant 1): edits of one file that do not apply, again and again (module docs).
    fn failed_edit(&mut self, line: LineNo, cx: &mut Cx<'_>) {
        let Some(act) = cx.act().filter(|a| a.tool == Tool::Edit) else {
            return;
        };
        let path = act
            .edit
            .as_ref()
            .map_or_else(|| act.target.to_string(), |e| e.path.clone());
        match act.outcome {
            Some(Outcome::Ok) => {
                self.failed_edits.retain(|(p, _)| *p != path);
                if self.edit_loop.as_ref().is_some_and(|(_, p)| *p == path) {
                    self.edit_loop = None;
                }
                return;
            }
            Some(Outcome::Error) => {}
            _ => return,
        }
        let need = cx.rules.config.thresholds.s1_same_failing_action as usize;
        let lines = match self.failed_edits.iter_mut().find(|(p, _)| *p == path) {
            Some((_, lines)) => lines,
            None => {
                push_capped_vec(&mut self.failed_edits, (path.clone(), Vec::new()), 8);
                let Some((_, lines)) = self.failed_edits.last_mut() else {
                    return;
                };
                lines
            }
        };
        lines.push(line);
        let n = lines.len();
        let evidence = lines.clone();
        if n < need {
            return;
        }
        let detail = format!(
            "edits of {} failed to apply {n} times, none applied in between",
            short_path(&path)
        );
        match &self.edit_loop {
            Some((i, p)) if *p == path => cx.update(*i, evidence, 1.0, detail),
            // The same call failing over and over is already S1's ordinary episode.
            _ if self.s1.is_some() => {}
            _ => {
                let i = cx.fire(SignalId::S1, evidence, 1.0, detail, 1);
                self.edit_loop = Some((i, path));
            }
        }
    }

    /// S15: a long run in a troubled turn.
    fn long_run(&mut self, ev: &Event, cx: &mut Cx<'_>) {
        let turn = cx.turn_index();
        if self.s15_turn == Some(turn) {
            return;
        }
        let t = &cx.rules.config.thresholds;
        let Some(current) = cx.session.turn(turn) else {
            return;
        };
        // Errors each answered at once are progress: the run is troubled when it loops (a loop
        // signal fired in the turn) or keeps failing (this many errors in a row).
        let troubled = cx.standing.turn_loop || cx.standing.error_streak >= t.s15_errors as usize;
        if !troubled {
            return;
        }
        let median = median(&self.prev_turn_actions);
        let limit = t.s15_actions.max(median.saturating_mul(3));
        let actions = current.tally.tool_calls;
        let minutes = ev
            .at
            .zip(cx.turn().started)
            .map_or(0, |(a, b)| a.since(b) / 60_000);
        #[expect(
            clippy::cast_possible_truncation,
            clippy::cast_sign_loss,
            reason = "validated range"
        )]
        let long = minutes >= t.s15_minutes as u64;
        if actions > limit || long {
            self.s15_turn = Some(turn);
            let detail = format!(
                "{actions} actions and {} errors in this turn, {minutes} minutes",
                self.turn_errors
            );
            cx.fire(SignalId::S15, vec![current.line, ev.line], 1.0, detail, 0);
        }
    }
}

fn median(v: &[u32]) -> u32 {
    if v.is_empty() {
        return 0;
    }
    let mut s = v.to_vec();
    s.sort_unstable();
    s[s.len() / 2]
}
