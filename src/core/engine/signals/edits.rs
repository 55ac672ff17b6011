//! Edits: the agent editing the same lines back and forth (S6); and the first lines written
//! (R8).
//!
//! Back and forth is "A, B, A again" on the same lines of one file within a turn: an edit puts
//! back lines an earlier edit removed, while removing lines that edit wrote (or writes back the
//! very text an earlier edit replaced). Many edits of one file that each move forward are
//! ordinary work, and a revert the user asked for is not thrash.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use super::{push_capped_vec, short_path};
use crate::core::LineNo;
use crate::core::engine::detector::{Act, Cx, Detector, PromptFacts};
use crate::core::engine::ids::{RecoveryId, SignalId};
use crate::core::event::{Event, EventKind, Outcome, Tool};

/// Earlier edits kept per file in a turn.
const MAX_EDITS: usize = 16;

/// S6 and R8.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub(super) struct Edits {
    /// Per file, this turn's edits: where, the lines each removed and wrote, and the hashes of
    /// the whole texts each replaced.
    history: HashMap<String, Vec<Step>>,
    /// Per file: the back-and-forth firing in this turn.
    episodes: HashMap<String, usize>,
    /// The turn's prompt asked to revert or undo something.
    revert_asked: bool,
    /// Lines have been written (R8 was marked).
    wrote: bool,
}

/// One edit of a file: its line, the substantial lines it removed and wrote, the text it replaced.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Step {
    line: LineNo,
    removed: Vec<u64>,
    added: Vec<u64>,
    old: u64,
}

impl Detector for Edits {
    fn prompt(&mut self, p: &PromptFacts<'_>, _cx: &mut Cx<'_>) {
        self.history.clear();
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
            self.on_edit(act, cx);
        }
        if !self.wrote && cx.session.lines_written() > 0 {
            self.wrote = true;
            cx.recover(RecoveryId::R8, ev.line, "first lines written".into());
        }
    }
}

fn minus(a: &[u64], b: &[u64]) -> Vec<u64> {
    a.iter()
        .filter(|h| b.binary_search(h).is_err())
        .copied()
        .collect()
}

fn meets(a: &[u64], b: &[u64]) -> bool {
    a.iter().any(|h| b.contains(h))
}

impl Edits {
    fn on_edit(&mut self, act: &Act, cx: &mut Cx<'_>) {
        let Some(edit) = act.edit.clone() else {
            return;
        };
        let empty = crate::core::hash::hash_words(b"");
        let step = Step {
            line: act.line,
            removed: minus(&edit.old_lines, &edit.new_lines),
            added: minus(&edit.new_lines, &edit.old_lines),
            old: edit.old,
        };
        let history = self.history.entry(edit.path.clone()).or_default();
        // The earliest edit this one undoes: it writes back what that one removed (or the whole
        // text it replaced) and removes what that one wrote. Taking out lines an edit only added
        // (a debug print in, then out) is cleaning up, not going back.
        let undone = history.iter().position(|k| {
            (edit.new != empty && edit.new == k.old && !k.removed.is_empty())
                || (meets(&step.added, &k.removed) && meets(&step.removed, &k.added))
        });
        push_capped_vec(history, step, MAX_EDITS);
        let (Some(k), false) = (undone, self.revert_asked) else {
            return;
        };
        // Versions of these lines so far: the first, every edit since, and this one.
        let chain: Vec<LineNo> = history[k..].iter().map(|s| s.line).collect();
        let versions = chain.len() + 1;
        let need = cx.rules.config.thresholds.s6_rewrites as usize;
        if versions < need {
            return;
        }
        let detail = format!(
            "Claude edited the same lines of {} back and forth: {} versions in this turn, the last one putting back what it had replaced",
            short_path(&edit.path),
            versions
        );
        // Each edit once: the earlier ones by their call, this one by its result.
        let evidence: Vec<LineNo> = chain[..chain.len() - 1]
            .iter()
            .copied()
            .chain([act.result_line])
            .collect();
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
