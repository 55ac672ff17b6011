//! Silence: no prompt for a while after a troubled turn (S19), and, after longer with nothing
//! written, the moment the session was likely abandoned.
//!
//! A troubled turn is one at tier 3 or more, or one whose last tool call failed. A turn the user
//! ended by rejecting a step or interrupting is not: the user took the wheel, and a pause after
//! that is them working, not giving up.

use serde::{Deserialize, Serialize};

use crate::core::engine::detector::{Cx, Detector};
use crate::core::engine::ids::SignalId;
use crate::core::engine::seconds_ms;
use crate::core::event::Outcome;

/// S19 and the engine's `abandoned_at`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub(super) struct Silence {
    /// The turn S19 fired after.
    fired: Option<usize>,
}

impl Detector for Silence {
    fn tick(&mut self, cx: &mut Cx<'_>) {
        let (Some(last), Some(now)) = (cx.turn().last_at, cx.now()) else {
            return;
        };
        let idle = now.since(last);
        let t = &cx.rules.config.thresholds;
        let turn = cx.turn_index();
        let ended = cx.turn().ended;
        let quiet = seconds_ms(t.s19_minutes * 60.0);
        // The tier is only worth computing once the other conditions hold (this runs per event).
        if ended
            && idle >= quiet
            && self.fired != Some(turn)
            && cx.any_turn()
            && (cx.tier() >= 3 || matches!(cx.turn().last_outcome, Some(Outcome::Error)))
        {
            self.fired = Some(turn);
            cx.set_time(last.plus(quiet));
            let nothing = cx.session.lines_written() == 0;
            let detail = format!(
                "no prompt for {} minutes after a troubled turn",
                t.s19_minutes.round()
            );
            let line = cx.turn().last_line;
            cx.fire(SignalId::S19, vec![line], 1.0, detail, u8::from(nothing));
        }
        let abandon = seconds_ms(t.s19_abandoned_minutes * 60.0);
        if ended
            && idle >= abandon
            && !cx.abandoned()
            && cx.trouble()
            && cx.session.lines_written() == 0
        {
            cx.mark_abandoned(cx.turn().last_line, last.plus(abandon));
        }
    }
}
