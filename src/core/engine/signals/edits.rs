//! Edits: the agent rewriting its own edits (S6); and the first lines written (R8).

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use super::{push_capped_vec, short_path};
use crate::core::engine::detector::{Act, Cx, Detector, Evidence, PromptFacts, Trail};
use crate::core::engine::ids::{RecoveryId, SignalId};
use crate::core::event::{Event, EventKind, Outcome, Tool};

/// S6: a chain of edits each rewriting lines the previous edit of the file wrote, or an edit
/// putting back what an earlier one replaced (unless the user asked to revert). R8: the session's
/// first lines written.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub(super) struct Edits {
    /// Per file: hashes of the texts its edits replaced (a revert writes one back).
    olds: HashMap<String, Vec<u64>>,
    /// Per file: the lines its last edit wrote, and the chain of edits rewriting each other.
    rewrites: HashMap<String, (Vec<u64>, Trail)>,
    /// Per file: the rewrite chain's firing in this turn.
    episodes: HashMap<String, usize>,
    /// The turn's prompt asked to revert or undo something.
    revert_asked: bool,
    /// Lines have been written (R8 was marked).
    wrote: bool,
}

impl Detector for Edits {
    fn prompt(&mut self, p: &PromptFacts<'_>, _cx: &mut Cx<'_>) {
        self.rewrites.clear();
        self.episodes.clear();
        self.revert_asked = REVERT_ASK.is_match(p.text);
    }

    fn observe(&mut self, ev: &Event, cx: &mut Cx<'_>) {
        let EventKind::Result(r) = &ev.kind else {
            return;
        };
        if r.outcome == Outcome::Ok
            && let Some(act) = cx
                .act()
                .filter(|a| matches!(a.tool, Tool::Edit | Tool::Write))
        {
            let act = act.clone();
            self.on_edit(&act, cx);
        }
        if !self.wrote && cx.session.lines_written() > 0 {
            self.wrote = true;
            cx.recover(RecoveryId::R8, ev.line, "first lines written".into());
        }
    }
}

impl Edits {
    fn on_edit(&mut self, act: &Act, cx: &mut Cx<'_>) {
        let Some(edit) = act.edit.clone() else {
            return;
        };
        let need = cx.rules.config.thresholds.s6_rewrites as usize;
        let empty = crate::core::hash::hash_words(b"");
        // A revert: the new text is what an earlier edit of this file replaced.
        let olds = self.olds.entry(edit.path.clone()).or_default();
        let reverted = edit.new != empty && olds.contains(&edit.new);
        if edit.old != empty {
            push_capped_vec(olds, edit.old, 64);
        }
        if reverted && !self.revert_asked {
            let detail = format!(
                "an edit to {} put back text an earlier edit had replaced",
                short_path(&edit.path)
            );
            cx.fire(
                SignalId::S6,
                vec![act.line, act.result_line],
                1.0,
                detail,
                1,
            );
            return;
        }
        // A rewrite chain: each edit replaces lines the previous edit of this file wrote.
        let chain = self.rewrites.entry(edit.path.clone()).or_default();
        if chain.1.is_empty()
            || !edit
                .old_lines
                .iter()
                .any(|h| chain.0.binary_search(h).is_ok())
        {
            chain.1.clear();
        }
        chain.0.clone_from(&edit.new_lines);
        chain.1.push(act.line);
        let n = chain.1.len();
        if n < need {
            return;
        }
        let evidence = Evidence::from(&chain.1);
        let detail = format!(
            "Claude rewrote its own edit of {} {} times in a row",
            short_path(&edit.path),
            n - 1
        );
        match self.episodes.get(&edit.path).copied() {
            Some(i) => cx.update(i, evidence, 1.0, detail),
            None => {
                let i = cx.fire(SignalId::S6, evidence, 1.0, detail, 0);
                self.episodes.insert(edit.path.clone(), i);
            }
        }
    }
}

static REVERT_ASK: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
    crate::core::checks::re(
        r"(?i)\b(revert|undo|put (it |that )?back|restore|roll ?back|go back to)\b",
    )
});
