//! Whole-file writes that a reader never sees half done: a temporary file beside the target,
//! then a rename over it.

use std::io::Write as _;
use std::path::Path;

/// Whether the data must reach the disk before the rename.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Durability {
    /// `fsync` first: the user's settings, the review's index (written once per review).
    Synced,
    /// No `fsync`: state that is rebuilt from the transcripts when lost (the status line's saved
    /// pipeline, the live-session note), written on every call where milliseconds count.
    Unsynced,
}

/// The suffix of temporary files; [`crate::source::snapshot::prune`] removes stale ones.
pub const TMP_SUFFIX: &str = ".tmp";

/// Writes `bytes` to `path` through `.<name>.<pid>.tmp` in the same folder (created as needed)
/// and a rename; on failure the temporary file is removed.
///
/// # Errors
/// When the folder cannot be created or the file written or renamed.
pub fn write(path: &Path, bytes: &[u8], durability: Durability) -> std::io::Result<()> {
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)?;
    let name = path
        .file_name()
        .ok_or_else(|| std::io::Error::other("no file name"))?
        .to_string_lossy();
    let tmp = dir.join(format!(".{name}.{}{TMP_SUFFIX}", std::process::id()));
    let result = (|| {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        if durability == Durability::Synced {
            f.sync_all()?;
        }
        std::fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_replace_whole_files_and_leave_no_temporary() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("nested/state.bin");
        write(&path, b"first", Durability::Unsynced).unwrap();
        write(&path, b"second", Durability::Synced).unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"second");
        let names: Vec<_> = std::fs::read_dir(path.parent().unwrap())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, vec!["state.bin"]);
        // A target that is a folder: an error, and the temporary file is gone.
        let blocked = dir.path().join("blocked");
        std::fs::create_dir_all(blocked.join("x")).unwrap();
        assert!(write(&blocked, b"x", Durability::Unsynced).is_err());
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 2);
    }
}
