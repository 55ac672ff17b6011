//! Steering: the user stopping the agent. Interrupts close together or followed by a correction
//! (S7), rejected steps (S8: separate decisions; parallel calls rejected at once count once); and
//! taking control back after trouble: plan mode (R3), `/clear` (R4).

use std::collections::VecDeque;

use serde::{Deserialize, Serialize};

use super::push_capped;
use crate::core::LineNo;
use crate::core::engine::detector::{Cx, Detector, PromptFacts, Trail};
use crate::core::engine::ids::{RecoveryId, SignalId};
use crate::core::event::{Event, EventKind, Outcome, Tool};

/// S7, S8, R3 (entering plan mode) and R4 (`/clear`).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub(super) struct Steering {
    /// Recent interrupts: (turn, line).
    interrupts: VecDeque<(usize, LineNo)>,
    /// The last event before this prompt was an interrupt.
    interrupted_last: bool,
    /// The turn S7 last fired in.
    s7_turn: Option<usize>,
    /// Rejections in this turn, counted in halves: one with feedback (a steer) counts 1, a bare
    /// one 2.
    rejection_units: u32,
    rejection_lines: Trail,
    /// The turn S8 fired in for rejections.
    s8_turn: Option<usize>,
    /// Rejected plans in the session.
    plan_rejections: Trail,
    /// The latest result was a rejection and no call came since: parallel calls the user
    /// rejected together are one decision.
    in_burst: bool,
}

impl Detector for Steering {
    fn prompt(&mut self, p: &PromptFacts<'_>, cx: &mut Cx<'_>) {
        self.rejection_units = 0;
        self.rejection_lines.clear();
        let turn = cx.turn_index();
        let interrupted = std::mem::take(&mut self.interrupted_last);
        // Interrupting to redirect with a precise instruction is the expert move, not pushback.
        if p.correction && interrupted && !p.reframe && self.s7_turn != Some(turn) {
            self.s7_turn = Some(turn);
            let last_interrupt = self.interrupts.back().map_or(p.line, |(_, l)| *l);
            cx.fire(
                SignalId::S7,
                vec![last_interrupt, p.line],
                1.0,
                "you interrupted Claude, then had to correct it".into(),
                0,
            );
        }
    }

    fn observe(&mut self, ev: &Event, cx: &mut Cx<'_>) {
        if matches!(ev.kind, EventKind::Action(_) | EventKind::Prompt(_)) {
            self.in_burst = false;
        }
        match &ev.kind {
            EventKind::Interrupt { .. } => self.on_interrupt(ev.line, cx),
            EventKind::Result(r) => {
                if let Outcome::Rejected { feedback } = &r.outcome
                    && let Some(act) = cx.act()
                    && act.tool != Tool::Ask
                {
                    let plan = act.tool == Tool::Plan;
                    self.on_rejection(ev.line, plan, feedback.is_some(), cx);
                }
            }
            EventKind::Action(a)
                if a.tool == Tool::Plan && &*a.name == "EnterPlanMode" && cx.tier() >= 2 =>
            {
                cx.recover(RecoveryId::R3, ev.line, "switched to plan mode".into());
            }
            EventKind::Command { name, .. } if name == "/clear" && cx.tier() >= 2 => {
                cx.recover(RecoveryId::R4, ev.line, "ran /clear to start over".into());
            }
            _ => {}
        }
    }
}

impl Steering {
    fn on_interrupt(&mut self, line: LineNo, cx: &mut Cx<'_>) {
        self.interrupted_last = true;
        let turn = cx.turn_index();
        push_capped(&mut self.interrupts, (turn, line), 32);
        let t = &cx.rules.config.thresholds;
        let window = t.s7_window_turns as usize;
        let recent: Vec<&(usize, LineNo)> = self
            .interrupts
            .iter()
            .filter(|(tu, _)| tu + window > turn)
            .collect();
        let mut turns: Vec<usize> = recent.iter().map(|(tu, _)| *tu).collect();
        turns.dedup();
        if turns.len() >= t.s7_interrupts as usize
            && self.s7_turn.is_none_or(|x| x + window <= turn)
        {
            self.s7_turn = Some(turn);
            let evidence: Vec<LineNo> = recent.iter().map(|(_, l)| *l).collect();
            let detail = format!(
                "you interrupted Claude in {} of the last {window} turns",
                turns.len()
            );
            cx.fire(SignalId::S7, evidence, 1.0, detail, 0);
        }
    }

    fn on_rejection(&mut self, line: LineNo, plan: bool, feedback: bool, cx: &mut Cx<'_>) {
        let turn = cx.turn_index();
        let t = &cx.rules.config.thresholds;
        // A second rejection in the same burst (siblings of one response) adds no decision.
        if !std::mem::replace(&mut self.in_burst, true) {
            self.rejection_units += if feedback { 1 } else { 2 };
        }
        self.rejection_lines.push(line);
        if self.rejection_units >= 2 * t.s8_rejections && self.s8_turn != Some(turn) {
            self.s8_turn = Some(turn);
            let n = self.rejection_lines.len();
            let evidence = &self.rejection_lines;
            cx.fire(
                SignalId::S8,
                evidence,
                1.0,
                format!("you rejected Claude's steps {n} times in this turn"),
                0,
            );
        }
        if plan {
            self.plan_rejections.push(line);
            if self.plan_rejections.len() == 2 {
                let evidence = &self.plan_rejections;
                cx.fire(
                    SignalId::S8,
                    evidence,
                    1.0,
                    "you rejected Claude's plan twice".into(),
                    0,
                );
            }
        }
    }
}
