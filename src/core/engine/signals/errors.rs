//! Errors: tool failures in a row (S4).

use serde::{Deserialize, Serialize};

use crate::core::engine::detector::{Cx, Detector, PromptFacts, Trail};
use crate::core::engine::ids::SignalId;
use crate::core::event::{Event, EventKind, Outcome};

/// S4: consecutive failed tool calls in one turn. Probes (`which`, `test -f`) are answers, not
/// failures; siblings cancelled by a failed parallel call are not results of their own.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub(super) struct Errors {
    /// The failures in a row (their count is published as `Standing::error_streak`).
    streak: Trail,
    episode: Option<usize>,
}

impl Detector for Errors {
    fn prompt(&mut self, _p: &PromptFacts<'_>, cx: &mut Cx<'_>) {
        self.clear(cx);
    }

    fn observe(&mut self, ev: &Event, cx: &mut Cx<'_>) {
        let EventKind::Result(r) = &ev.kind else {
            return;
        };
        match r.outcome {
            Outcome::Ok => self.clear(cx),
            Outcome::Error if cx.act().is_some_and(|a| !a.probe) => {
                self.streak.push(ev.line);
                cx.standing.error_streak = self.streak.len();
                self.grow(cx);
            }
            _ => {}
        }
    }
}

impl Errors {
    fn clear(&mut self, cx: &mut Cx<'_>) {
        self.streak.clear();
        self.episode = None;
        cx.standing.error_streak = 0;
    }

    fn grow(&mut self, cx: &mut Cx<'_>) {
        let need = cx.rules.config.thresholds.s4_error_streak as usize;
        let n = self.streak.len();
        if n < need {
            return;
        }
        let evidence = &self.streak;
        #[expect(clippy::cast_precision_loss, reason = "small counts")]
        let intensity = n as f64 / need as f64;
        let detail = format!("{n} tool errors in a row");
        match self.episode {
            Some(i) => cx.update(i, evidence, intensity, detail),
            None => self.episode = Some(cx.fire(SignalId::S4, evidence, intensity, detail, 0)),
        }
    }
}
