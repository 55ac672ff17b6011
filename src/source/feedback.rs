//! Your feedback on nudges (dismissed, helpful), kept in ringside's data dir for the weekly
//! review. One JSON object per line in `feedback.jsonl`; appended, never rewritten.

use std::io::Write;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::core::engine::Engine;

/// What you did with a nudge.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    Dismissed,
    Helpful,
}

/// One piece of feedback.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Feedback {
    /// When it was given (RFC 3339).
    pub at: String,
    pub session: String,
    /// `S5`.
    pub signal: String,
    /// The line the nudge rested on.
    pub line: u64,
    pub verdict: Verdict,
}

/// The feedback file in a data dir.
#[must_use]
pub fn file(data_dir: &Path) -> PathBuf {
    data_dir.join("feedback.jsonl")
}

/// Appends one entry (creating the folder and file as needed).
///
/// # Errors
/// When the data dir cannot be written.
pub fn record(data_dir: &Path, entry: &Feedback) -> std::io::Result<()> {
    std::fs::create_dir_all(data_dir)?;
    let mut line = serde_json::to_string(entry).map_err(std::io::Error::other)?;
    line.push('\n');
    std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(file(data_dir))?
        .write_all(line.as_bytes())
}

/// Every entry recorded; damaged lines are skipped and counted.
#[must_use]
pub fn read_all(data_dir: &Path) -> (Vec<Feedback>, usize) {
    let Ok(text) = std::fs::read_to_string(file(data_dir)) else {
        return (Vec::new(), 0);
    };
    let mut bad = 0;
    let entries = text
        .lines()
        .filter(|l| !l.trim().is_empty())
        .filter_map(|l| serde_json::from_str(l).map_err(|_| bad += 1).ok())
        .collect();
    (entries, bad)
}

/// The dismissals recorded in a data dir (damaged lines skipped).
#[must_use]
pub fn dismissals(data_dir: &Path) -> Vec<Feedback> {
    let mut all = read_all(data_dir).0;
    all.retain(|f| f.verdict == Verdict::Dismissed);
    all
}

/// The indexes of a session's nudges (its engine's) that `dismissals` dismissed, matched by
/// session id, signal and line: what the dashboard hides, so a nudge dismissed in `watch` stays
/// dismissed in the status line, in the hook's messages and in the next `watch`.
#[must_use]
pub fn dismissed_in(dismissals: &[Feedback], session: &str, engine: &Engine) -> Vec<usize> {
    if session.is_empty() {
        return Vec::new();
    }
    engine
        .nudges_indexed()
        .filter(|(_, n)| {
            dismissals.iter().any(|f| {
                f.verdict == Verdict::Dismissed
                    && f.session == session
                    && f.signal == n.signal.code()
                    && f.line == n.at_line.0
            })
        })
        .map(|(i, _)| i)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn feedback_round_trips_and_survives_a_damaged_line() {
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("nested/data");
        let a = Feedback {
            at: "2026-01-01T00:00:00Z".into(),
            session: "s1".into(),
            signal: "S5".into(),
            line: 945,
            verdict: Verdict::Helpful,
        };
        let b = Feedback {
            verdict: Verdict::Dismissed,
            signal: "S13".into(),
            ..a.clone()
        };
        record(&data, &a).unwrap();
        std::fs::OpenOptions::new()
            .append(true)
            .open(file(&data))
            .unwrap()
            .write_all(b"{torn\n")
            .unwrap();
        record(&data, &b).unwrap();
        assert_eq!(read_all(&data), (vec![a, b], 1));
    }
}
