//! Harness trouble: the API and the tools failing, not the user (S18, information only).

use std::collections::VecDeque;

use serde::{Deserialize, Serialize};

use super::push_capped;
use crate::core::LineNo;
use crate::core::Millis;
use crate::core::engine::detector::{Cx, Detector, Trail};
use crate::core::engine::ids::SignalId;
use crate::core::engine::seconds_ms;
use crate::core::event::{Event, EventKind, Outcome};

/// S18: API errors close together, commands timing out, calls refused by the harness.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub(super) struct Harness {
    /// API errors in the window (when, line).
    api_errors: VecDeque<(Millis, LineNo)>,
    /// Timed-out commands in a row.
    timeouts: Trail,
    /// Calls refused by hooks or read-before-edit since the last success.
    blocked: Trail,
}

impl Detector for Harness {
    fn observe(&mut self, ev: &Event, cx: &mut Cx<'_>) {
        match &ev.kind {
            EventKind::Result(r) => match r.outcome {
                Outcome::Ok => self.blocked.clear(),
                Outcome::Error => {
                    if r.timed_out {
                        self.timeouts.push(ev.line);
                        self.streak(cx, true);
                    } else {
                        self.timeouts.clear();
                    }
                }
                Outcome::Blocked => {
                    self.blocked.push(ev.line);
                    self.streak(cx, false);
                }
                _ => {}
            },
            EventKind::HookBlock { .. } => {
                self.blocked.push(ev.line);
                self.streak(cx, false);
            }
            EventKind::ApiError { .. } => self.api_error(ev, cx),
            _ => {}
        }
    }
}

impl Harness {
    fn api_error(&mut self, ev: &Event, cx: &mut Cx<'_>) {
        let t = &cx.rules.config.thresholds;
        let Some(at) = ev.at.or(cx.now()) else { return };
        let window = seconds_ms(t.s18_window_minutes * 60.0);
        self.api_errors
            .retain(|(when, _)| at.since(*when) <= window);
        push_capped(&mut self.api_errors, (at, ev.line), 64);
        if self.api_errors.len() >= t.s18_api_errors as usize {
            let evidence: Vec<LineNo> = self.api_errors.iter().map(|(_, l)| *l).collect();
            self.api_errors.clear();
            let detail = format!(
                "{} API errors within {} minutes",
                evidence.len(),
                t.s18_window_minutes.round()
            );
            cx.fire(SignalId::S18, evidence, 1.0, detail, 0);
        }
    }

    fn streak(&mut self, cx: &mut Cx<'_>, timeouts: bool) {
        let t = &cx.rules.config.thresholds;
        let (list, need, what) = if timeouts {
            (&mut self.timeouts, t.s18_timeouts, "commands timed out")
        } else {
            (
                &mut self.blocked,
                3,
                "calls were refused by the harness (hooks, read-before-edit)",
            )
        };
        if list.len() == need as usize {
            let n = list.len();
            cx.fire(
                SignalId::S18,
                &*list,
                1.0,
                format!("{n} {what} in a row"),
                0,
            );
        }
    }
}
