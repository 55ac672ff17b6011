//! Context: the context window filling up (S17): compacted automatically, compacted again and
//! again, or the last model call close to the window.
//!
//! Information, not trouble: it never raises the tier, and it fires only while the session is in
//! trouble (tier 3), where a fresh or focused context is advice the user can act on. In a
//! session that goes well, a compaction is shown as a compaction, not as a warning.

use serde::{Deserialize, Serialize};

use crate::core::engine::detector::{Cx, Detector};
use crate::core::engine::ids::SignalId;
use crate::core::event::{Event, EventKind, ModelCall};

/// S17.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub(super) struct Context {
    compactions: u32,
    /// S17 fired for a full window since the last compaction.
    full_fired: bool,
}

impl Detector for Context {
    fn observe(&mut self, ev: &Event, cx: &mut Cx<'_>) {
        match &ev.kind {
            EventKind::Compaction { auto, .. } => self.on_compaction(ev, *auto, cx),
            EventKind::ModelCall(m) => self.on_model_call(ev, m, cx),
            _ => {}
        }
    }
}

impl Context {
    fn on_compaction(&mut self, ev: &Event, auto: bool, cx: &mut Cx<'_>) {
        self.compactions += 1;
        self.full_fired = false;
        if cx.tier() < 3 {
            return;
        }
        let n = self.compactions;
        let need = cx.rules.config.thresholds.s17_compactions;
        if auto {
            cx.fire(
                SignalId::S17,
                vec![ev.line],
                1.0,
                "the context filled up and was compacted automatically".into(),
                0,
            );
        } else if n >= need {
            cx.fire(
                SignalId::S17,
                vec![ev.line],
                1.0,
                format!("the context was compacted {n} times"),
                0,
            );
        }
    }

    fn on_model_call(&mut self, ev: &Event, m: &ModelCall, cx: &mut Cx<'_>) {
        // Once a full window fired, nothing until the next compaction (every call comes here).
        if self.full_fired {
            return;
        }
        let Some(window) = m
            .window
            .or_else(|| cx.session.model.as_deref().and_then(context_window))
        else {
            return;
        };
        let used = m.input_tokens + m.cache_read_tokens + m.cache_creation_tokens;
        #[expect(clippy::cast_precision_loss, reason = "token counts")]
        let fraction = used as f64 / window as f64;
        if fraction > cx.rules.config.thresholds.s17_context_fraction && cx.tier() >= 3 {
            self.full_fired = true;
            let detail = format!("the context is {:.0}% full", fraction * 100.0);
            cx.fire(SignalId::S17, vec![ev.line], 1.0, detail, 0);
        }
    }
}

/// The context window of a model, when known: 200k tokens for Claude models, 1M for `[1m]`.
fn context_window(model: &str) -> Option<u64> {
    // The byte search first: the substring search sets itself up on every call.
    if memchr::memchr(b'[', model.as_bytes()).is_some() && model.contains("[1m]") {
        Some(1_000_000)
    } else if model.starts_with("claude-") {
        Some(200_000)
    } else {
        None
    }
}
