//! Monologue: the agent talking instead of acting (S16): apologising and retrying, or writing the
//! same message again and again without a step in between.

use std::collections::VecDeque;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use super::{push_capped, push_capped_vec};
use crate::core::engine::detector::{Cx, Detector, PromptFacts};
use crate::core::engine::ids::SignalId;
use crate::core::event::{AgentText, Event, EventKind};
use crate::core::{LineNo, Millis};

/// S16.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub(super) struct Monologue {
    /// Recent apologies and give-ups: (turn, line, time).
    apologies: VecDeque<(usize, LineNo, Option<Millis>)>,
    /// The turn S16 last fired in.
    fired: Option<usize>,
    /// The agent's latest messages since its last action: (message, text, line).
    texts_since_action: Vec<(u64, Arc<str>, LineNo)>,
}

impl Detector for Monologue {
    fn prompt(&mut self, _p: &PromptFacts<'_>, _cx: &mut Cx<'_>) {
        self.texts_since_action.clear();
    }

    fn observe(&mut self, ev: &Event, cx: &mut Cx<'_>) {
        match &ev.kind {
            EventKind::Action(_) => self.texts_since_action.clear(),
            EventKind::AgentText(t) => self.on_text(ev, t, cx),
            _ => {}
        }
    }
}

impl Monologue {
    fn on_text(&mut self, ev: &Event, t: &AgentText, cx: &mut Cx<'_>) {
        let turn = cx.turn_index();
        let need = cx.rules.config.thresholds.s16_apologies as usize;
        if cx.rules.lex.is_apology(&t.text) {
            push_capped(&mut self.apologies, (turn, ev.line, ev.at), 16);
            // Within two turns and fifteen minutes: long turns must not add up distant apologies.
            let recent: Vec<LineNo> = self
                .apologies
                .iter()
                .filter(|(tu, _, at)| {
                    tu + 1 >= turn
                        && at
                            .zip(ev.at)
                            .is_none_or(|(a, now)| now.since(a) <= 15 * 60_000)
                })
                .map(|(_, l, _)| *l)
                .collect();
            if recent.len() >= need && self.fired.is_none_or(|x| x + 1 < turn) {
                self.fired = Some(turn);
                let detail = format!(
                    "Claude apologised or gave up {} times in two turns",
                    recent.len()
                );
                cx.fire(SignalId::S16, recent, 1.0, detail, 0);
            }
        }
        let texts = &mut self.texts_since_action;
        if texts.last().is_none_or(|(m, _, _)| *m != t.message) {
            // Only the latest `need` are ever compared.
            push_capped_vec(texts, (t.message, t.text.clone(), ev.line), need);
        }
        if texts.len() >= need && self.fired != Some(turn) {
            let last = &texts[texts.len() - need..];
            let alike = last.windows(2).all(|w| {
                let (a, b) = (&w[0].1, &w[1].1);
                crate::core::engine::text::indel_at_least(a, b, 0.8)
            });
            if alike {
                let evidence: Vec<LineNo> = last.iter().map(|x| x.2).collect();
                self.fired = Some(turn);
                cx.fire(
                    SignalId::S16,
                    evidence,
                    1.0,
                    format!("Claude wrote the same message {need} times without acting"),
                    0,
                );
            }
        }
    }
}
