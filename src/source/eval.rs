//! Runs the coach over every session of a labels file, as `ringside score --json` would, and
//! scores its nudges with [`crate::core::eval`].

use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::core::Millis;
use crate::core::engine::Rules;
use crate::core::eval::{self, LabelSet, NudgeAt, SessionScore};

use super::{discover, read};

/// Reads and parses a labels file.
///
/// # Errors
/// When it cannot be read or is not in the labels schema.
pub fn load_labels(path: &Path) -> Result<LabelSet, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read labels {}: {e}", path.display()))?;
    serde_json::from_str(&text).map_err(|e| format!("{} is not a labels file: {e}", path.display()))
}

/// Where a labels file's `file` paths point by default: `../corpus` beside its folder (the shared
/// layout: `coaching/labels.json` and `corpus/claude/...`).
#[must_use]
pub fn default_corpus(labels: &Path) -> PathBuf {
    labels
        .parent()
        .and_then(Path::parent)
        .unwrap_or_else(|| Path::new("."))
        .join("corpus")
}

/// The nudges and every firing of one session, read with its sub-agent files and evaluated at
/// `now` (what `ringside score --now` does).
///
/// # Errors
/// When the file cannot be read.
pub fn coach(
    path: &Path,
    rules: &Arc<Rules>,
    now: Millis,
) -> Result<(Vec<NudgeAt>, Vec<NudgeAt>), String> {
    let mut r = read::read_session(path, &discover::subagents_of(path), rules)
        .map_err(|e| e.to_string())?;
    r.engine.tick(now, &r.session);
    let nudges = r
        .engine
        .nudges
        .iter()
        .map(|n| NudgeAt::new(n.at_line, n.signal.code()))
        .collect();
    let firings = r
        .engine
        .firings
        .iter()
        .map(|f| NudgeAt::new(f.at_line, f.signal.code()))
        .collect();
    Ok((nudges, firings))
}

/// Scores every labelled session under `corpus`.
///
/// # Errors
/// When a labelled file cannot be read (a labels file for another corpus, or a missing file).
pub fn run(
    labels: &LabelSet,
    corpus: &Path,
    rules: &Arc<Rules>,
    now: Millis,
) -> Result<Vec<SessionScore>, String> {
    labels
        .sessions
        .iter()
        .map(|s| {
            let (nudges, firings) = coach(&corpus.join(&s.file), rules, now)?;
            Ok(eval::score_session(s, &nudges, &firings))
        })
        .collect()
}
