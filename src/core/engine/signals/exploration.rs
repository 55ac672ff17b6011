//! Exploration: reading without changing anything (S14).

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use super::short_path;
use crate::core::engine::detector::{Cx, Detector, PromptFacts, Trail};
use crate::core::engine::ids::SignalId;
use crate::core::engine::text;
use crate::core::event::{Event, EventKind, Outcome, Tool};

/// S14: many read-only steps in a row, or the same file read again and again, in one turn.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub(super) struct Exploration {
    /// The turn's prompt is a question: exploring is the answer, not a stall.
    question: bool,
    /// Read-only steps since the last edit or substantial agent text.
    read_streak: Trail,
    /// Reads by signature (file, offset, limit) since the last edit.
    reads: HashMap<u64, Trail>,
    /// The turn S14 fired in (once a turn).
    fired: Option<usize>,
}

impl Detector for Exploration {
    fn prompt(&mut self, p: &PromptFacts<'_>, _cx: &mut Cx<'_>) {
        self.read_streak.clear();
        self.reads.clear();
        self.question = text::is_question(p.text);
    }

    fn observe(&mut self, ev: &Event, cx: &mut Cx<'_>) {
        match &ev.kind {
            EventKind::Action(a) => {
                let turn = cx.turn_index();
                let t = &cx.rules.config.thresholds;
                if a.read_only && !a.polling {
                    self.read_streak.push(ev.line);
                    let n = self.read_streak.len();
                    if n >= t.s14_read_only_actions as usize
                        && self.fired != Some(turn)
                        && !self.question
                    {
                        self.fired = Some(turn);
                        let evidence = vec![self.read_streak.first().unwrap_or(ev.line), ev.line];
                        cx.fire(
                            SignalId::S14,
                            evidence,
                            1.0,
                            format!("{n} read-only steps in a row without a change"),
                            0,
                        );
                    }
                } else if matches!(a.tool, Tool::Edit | Tool::Write) {
                    self.read_streak.clear();
                }
                if a.tool == Tool::Read {
                    let reads = self.reads.entry(a.sig).or_default();
                    reads.push(ev.line);
                    let n = reads.len();
                    if n >= t.s14_same_file_reads as usize && self.fired != Some(turn) {
                        self.fired = Some(turn);
                        let evidence = &*reads;
                        let detail =
                            format!("{} was read {n} times in this turn", short_path(&a.target));
                        cx.fire(SignalId::S14, evidence, 1.0, detail, 1);
                    }
                }
            }
            // Reading a file again after changing something is progress, not a loop.
            EventKind::Result(r)
                if r.outcome == Outcome::Ok
                    && cx
                        .act()
                        .is_some_and(|a| matches!(a.tool, Tool::Edit | Tool::Write)) =>
            {
                self.reads.clear();
            }
            EventKind::AgentText(t) if t.words >= 40 => self.read_streak.clear(),
            _ => {}
        }
    }
}
