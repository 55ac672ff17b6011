//! The live session as Claude Code's hooks report it: `ringside hook` writes the session id,
//! transcript path, working folder, event and time of the latest hook call to
//! `live-session.json` in the data dir, so `watch` can know exactly which transcript is live
//! instead of guessing from modification times. One small JSON object, replaced atomically on
//! every hook call.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::atomic::{self, Durability};

/// What the latest hook call said.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LiveSession {
    pub session_id: String,
    pub transcript_path: PathBuf,
    pub cwd: Option<String>,
    /// The hook event (`UserPromptSubmit`, `Stop`, …).
    pub event: Option<String>,
    /// When it was recorded (RFC 3339).
    pub at: String,
}

/// The file in a data dir.
#[must_use]
pub fn file(data_dir: &Path) -> PathBuf {
    data_dir.join("live-session.json")
}

/// Records the live session.
///
/// # Errors
/// When the data dir cannot be written.
pub fn record(data_dir: &Path, live: &LiveSession) -> std::io::Result<()> {
    let mut json = serde_json::to_vec_pretty(live).map_err(std::io::Error::other)?;
    json.push(b'\n');
    atomic::write(&file(data_dir), &json, Durability::Unsynced)
}

/// The latest live session recorded, if any (a missing or unreadable file is `None`).
#[must_use]
pub fn read(data_dir: &Path) -> Option<LiveSession> {
    let bytes = std::fs::read(file(data_dir)).ok()?;
    serde_json::from_slice(&bytes).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_and_reads_back() {
        let tmp = tempfile::tempdir().unwrap();
        assert_eq!(read(tmp.path()), None);
        let live = LiveSession {
            session_id: "abc".into(),
            transcript_path: "/p/abc.jsonl".into(),
            cwd: Some("/p".into()),
            event: Some("Stop".into()),
            at: "2026-01-01T00:00:00.000Z".into(),
        };
        record(&tmp.path().join("data"), &live).unwrap();
        assert_eq!(read(&tmp.path().join("data")), Some(live));
        std::fs::write(file(tmp.path()), b"{broken").unwrap();
        assert_eq!(read(tmp.path()), None);
    }
}
