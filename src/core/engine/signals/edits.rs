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
        self.revert_asked = asks_to_revert(p.text);
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

/// The prompt asks to revert or undo something: [`REVERT_ASK`], run only where it can match.
/// Each of its phrases holds `revert`, `undo`, `restore` or `back`, so one of them must be in
/// the text, in any ASCII case, unless a character beyond ASCII stands for a letter: Unicode case
/// folding makes the Kelvin sign a `k` and the long s an `s` (the only two, a test holds), and
/// text with one is never ruled out. Every prompt comes here, pasted logs and all.
fn asks_to_revert(text: &str) -> bool {
    let folds_to_ascii = !text.is_ascii() && text.contains(['\u{212a}', '\u{17f}']);
    let may = folds_to_ascii || {
        let lower = text.to_ascii_lowercase();
        ["back", "revert", "undo", "restore"]
            .iter()
            .any(|w| memchr::memmem::find(lower.as_bytes(), w.as_bytes()).is_some())
    };
    may && REVERT_ASK.is_match(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_word_test_never_changes_whether_a_revert_was_asked() {
        let asks = [
            "revert that",
            "please UNDO the last change",
            "Put it back",
            "put that back the way it was",
            "restore the old parser",
            "roll back the migration",
            "Rollback!",
            "go back to the first version",
            "re\u{17f}tore the file",
        ];
        // Whether or not these match (the regex crate does not fold the Kelvin sign to `k`),
        // the two agree.
        let not = [
            "",
            "fix the backend",
            "reverted",
            "undone",
            "restored",
            "back up",
            "é",
            "put it bac\u{212a}",
        ];
        for t in asks.iter().chain(&not) {
            assert_eq!(asks_to_revert(t), REVERT_ASK.is_match(t), "{t:?}");
        }
        assert!(asks.iter().all(|t| asks_to_revert(t)));
    }

    #[test]
    fn only_the_kelvin_sign_and_the_long_s_fold_to_an_ascii_letter() {
        let letter = regex::Regex::new(r"(?i)^[a-z]$").unwrap();
        let folding: Vec<char> = (0x80..=0x10_ffff)
            .filter_map(char::from_u32)
            .filter(|c| letter.is_match(c.encode_utf8(&mut [0; 4])))
            .collect();
        assert_eq!(folding, ['\u{17f}', '\u{212a}']);
    }

    proptest::proptest! {
        #[test]
        fn the_word_test_agrees_on_any_mix_of_the_words(
            words in proptest::collection::vec(proptest::sample::select(vec![
                "revert", "REVERT", "undo", "Undo", "put", "it", "that", "back", "BACK",
                "restore", "roll", "rollback", "go", "to", "the", "file", "-", ".", "\n", "é",
                "\u{212a}", "bac", "\u{17f}", "re", "tore", "backend", "x",
            ]), 0..12),
            glue in proptest::sample::select(vec![" ", "", "  "]),
        ) {
            let t = words.join(glue);
            proptest::prop_assert_eq!(asks_to_revert(&t), REVERT_ASK.is_match(&t));
        }
    }
}
