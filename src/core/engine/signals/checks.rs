//! Checks: tests, builds, lints and commit hooks. A check failing again and again with fixes in
//! between (S5), work called done without a check after the last edit (S13), a check got around
//! instead of fixed (S20); and the recoveries a check or a commit brings (R5, R6).

use std::collections::HashMap;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use super::short;
use crate::core::LineNo;
use crate::core::checks::{self, Bypass, CheckKind};
use crate::core::engine::detector::{Act, Cx, Detector, Evidence, PromptFacts, Trail};
use crate::core::engine::ids::{RecoveryId, SignalId};
use crate::core::event::{Event, EventKind, Outcome, Tool, ToolResult};
use crate::core::sanitize::one_line;
use crate::core::session::mode::{PathClass, classify_path};

/// S5, S13, S20 and R5, R6.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub(super) struct Checks {
    /// Per kind of check: its failing runs since it last passed.
    loops: HashMap<CheckKind, CheckLoop>,
    /// A check has failed at some point (skipping a test is then a bypass).
    failed_seen: bool,
    /// A check has run at some point (the project has something to run).
    any_run: bool,
    /// Position in the turn of its last edit and its last check.
    last_edit_seq: Option<u32>,
    last_check_seq: Option<u32>,
    /// The turn's prompt asked for a check: the user is verifying.
    verification_asked: bool,
    /// The agent's latest text in this turn (a completion claim?).
    last_agent_text: Option<Arc<str>>,
    /// Ends of edit turns without a check after the last edit.
    unverified: Trail,
    /// The turn S13 fired in.
    s13_turn: Option<usize>,
}

/// Failing runs of one kind of check since it last passed.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
struct CheckLoop {
    /// Their result lines.
    runs: Trail,
    /// Failing ids the last run and the one before reported.
    last_count: u32,
    count_before: u32,
    /// The first three distinct failure labels, in order (a label repeated by the next run once).
    labels: Vec<String>,
    /// Some run after the first came after an edit: the agent tried to fix it.
    edited_between: bool,
    target: String,
    /// Edits since the last failing run.
    edits_since: u32,
    episode: Option<usize>,
}

impl Detector for Checks {
    fn prompt(&mut self, p: &PromptFacts<'_>, _cx: &mut Cx<'_>) {
        self.last_edit_seq = None;
        self.last_check_seq = None;
        self.last_agent_text = None;
        self.verification_asked = p.asks_verification;
    }

    fn observe(&mut self, ev: &Event, cx: &mut Cx<'_>) {
        match &ev.kind {
            EventKind::Action(a) => {
                if let Some(b) = a.bypass
                    && (b == Bypass::NoVerify || self.failed_seen)
                {
                    let detail = format!("Claude {}: `{}`", b.describe(), short(&a.target));
                    cx.fire(SignalId::S20, vec![ev.line], 1.0, detail, 0);
                }
            }
            EventKind::AgentText(t) => self.last_agent_text = Some(t.text.clone()),
            EventKind::Result(r) => {
                let Some(act) = cx.act().cloned() else { return };
                if r.outcome == Outcome::Ok {
                    if matches!(act.tool, Tool::Edit | Tool::Write) {
                        for lp in self.loops.values_mut() {
                            if !lp.runs.is_empty() {
                                lp.edits_since += 1;
                            }
                        }
                        self.last_edit_seq = Some(act.seq);
                    }
                    if r.committed {
                        cx.recover(
                            RecoveryId::R6,
                            ev.line,
                            format!("committed: `{}`", short(&act.target)),
                        );
                    }
                }
                if let Some(kind) = act.check
                    && matches!(r.outcome, Outcome::Ok | Outcome::Error)
                {
                    self.on_check(kind, &act, r, ev.line, cx);
                    cx.standing.failing_runs = self.failing_runs();
                }
            }
            _ => {}
        }
    }

    /// S13: the turn's edits were not checked after the last one.
    fn end_of_turn(&mut self, cx: &mut Cx<'_>) {
        let turn = cx.turn_index();
        let Some(t) = cx.session.turns.get(turn) else {
            return;
        };
        let prose_only = !t.files.is_empty()
            && t.files
                .iter()
                .all(|f| matches!(classify_path(f), PathClass::Prose));
        if t.tally.lines_added == 0 || prose_only || self.s13_turn == Some(turn) {
            return;
        }
        let line = cx.turn().last_line;
        let claims = self
            .last_agent_text
            .as_deref()
            .is_some_and(|t| cx.rules.lex.claims_done(t));
        if claims && cx.standing.last_check_failed {
            self.s13_turn = Some(turn);
            let detail =
                "Claude says the work is done, but the last check it ran failed".to_owned();
            cx.fire(SignalId::S13, vec![line], 1.0, detail, 2);
            return;
        }
        let verified = match (self.last_check_seq, self.last_edit_seq) {
            (Some(c), Some(e)) => c > e,
            (_, None) => true,
            (None, Some(_)) => false,
        };
        if verified || self.verification_asked {
            self.unverified.clear();
            return;
        }
        if claims {
            self.s13_turn = Some(turn);
            cx.fire(
                SignalId::S13,
                vec![line],
                1.0,
                "Claude says the work is done, but nothing was run after its last edit".into(),
                0,
            );
            return;
        }
        self.unverified.push(line);
        let n = self.unverified.len();
        if n >= cx.rules.config.thresholds.s13_unverified_turns as usize && self.any_run {
            self.s13_turn = Some(turn);
            let evidence = Evidence::from(&self.unverified);
            self.unverified.clear();
            let detail =
                format!("{n} turns of edits ended without a test or build after the last edit");
            cx.fire(SignalId::S13, evidence, 1.0, detail, 1);
        }
    }
}

impl Checks {
    /// The most failing runs any kind of check has had since it last passed.
    fn failing_runs(&self) -> usize {
        self.loops.values().map(|c| c.runs.len()).max().unwrap_or(0)
    }

    /// A check ran: R5 when it passed after failing, S5 when it keeps failing with edits between.
    fn on_check(
        &mut self,
        kind: CheckKind,
        act: &Act,
        r: &ToolResult,
        line: LineNo,
        cx: &mut Cx<'_>,
    ) {
        self.any_run = true;
        self.last_check_seq = Some(act.seq);
        let need = cx.rules.config.thresholds.s5_failing_check_runs as usize;
        let lp = self.loops.entry(kind).or_default();
        if !r.check_failed {
            let failed = lp.runs.len();
            *lp = CheckLoop::default();
            if failed > 0 {
                let detail = format!(
                    "`{}` passed after {} failing run{}",
                    short(&act.target),
                    failed,
                    if failed == 1 { "" } else { "s" }
                );
                cx.recover(RecoveryId::R5, line, detail);
            }
            return;
        }
        self.failed_seen = true;
        let (count, label) = r
            .failure
            .as_ref()
            .map_or((1, String::new()), |f| (f.count, f.label.clone()));
        let edits = std::mem::take(&mut lp.edits_since);
        lp.edited_between |= !lp.runs.is_empty() && edits > 0;
        lp.runs.push(line);
        lp.count_before = std::mem::replace(&mut lp.last_count, count);
        let label = one_line(&label, 40);
        if !label.is_empty() && lp.labels.len() < 3 && lp.labels.last() != Some(&label) {
            lp.labels.push(label);
        }
        lp.target = checks::gist(&act.target);
        let n = lp.runs.len();
        let not_shrinking = n < 2 || lp.last_count >= lp.count_before;
        if n < need || !lp.edited_between || !not_shrinking {
            return;
        }
        let evidence = Evidence::from(&lp.runs);
        let what = if lp.labels.is_empty() {
            String::new()
        } else {
            format!(" ({})", lp.labels.join(", "))
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
        match lp.episode {
            Some(i) => cx.update(i, evidence, intensity, detail),
            None => lp.episode = Some(cx.fire(SignalId::S5, evidence, intensity, detail, variant)),
        }
    }
}
