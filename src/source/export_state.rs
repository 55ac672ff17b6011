//! The export's own files, in ringside's data dir under `export/`:
//!
//! - `salt`: 32 random bytes (hex), made on the first export and never changed: the key of
//!   the pseudonyms (`core::export::Pseudonyms`). Lose it and later exports name sessions and
//!   projects anew (they no longer join earlier ones); it never leaves the machine.
//! - `<destination>/state.json`, one folder per destination (an `--out` folder, an OTLP
//!   endpoint): what was exported there (the ledger of versions and digests), with which
//!   settings, and the commit point of its writes (the files' lengths, the spool's last batch).
//!   Written whole to a temporary file and renamed, after the records it describes are on disk.
//! - `<destination>/lock`: an advisory lock, so two exports to one destination never interleave.
//! - `<destination>/spool/`, `sent.log`, `rejected/`: the OTLP spool (`source::otlp`).

use std::fs::{File, OpenOptions};
use std::io::{Read as _, Seek as _, SeekFrom, Write as _};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::atomic::{self, Durability};
use crate::core::export::Ledger;
use crate::core::hash::Fnv;

/// Version of `state.json`'s layout.
pub const STATE_FORMAT: u32 = 1;

/// `<data dir>/export`.
#[must_use]
pub fn root(data_dir: &Path) -> PathBuf {
    data_dir.join("export")
}

/// Why the export cannot go on.
#[derive(Debug, thiserror::Error)]
pub enum StateError {
    #[error("{what} {path}: {error}", path = .path.display())]
    Io {
        what: &'static str,
        path: PathBuf,
        error: std::io::Error,
    },
    #[error(
        "the export salt {path} is damaged (it should be 64 hex digits). Ids made with another \
         salt never match the ones exported before: restore the file from a backup, or delete it \
         to start a new series of ids",
        path = .0.display()
    )]
    BadSalt(PathBuf),
    #[error(
        "the export state {path} cannot be read ({why}), so ringside cannot tell what was \
         already exported there. Delete it to export everything again (readers keep the highest \
         version of each record, so nothing is counted twice), or export to a new folder",
        path = .path.display()
    )]
    BadState { path: PathBuf, why: String },
    #[error(
        "another `ringside export` is writing to {0} right now; try again when it has finished"
    )]
    Busy(String),
    #[error("the operating system's random source failed: {0}")]
    Random(String),
}

fn io<'a>(what: &'static str, path: &'a Path) -> impl FnOnce(std::io::Error) -> StateError + 'a {
    move |error| StateError::Io {
        what,
        path: path.to_path_buf(),
        error,
    }
}

/// Random bytes from the operating system.
///
/// # Errors
/// When the OS has no random source.
pub fn random<const N: usize>() -> Result<[u8; N], StateError> {
    let mut b = [0u8; N];
    getrandom::fill(&mut b).map_err(|e| StateError::Random(e.to_string()))?;
    Ok(b)
}

/// Hex digits of bytes.
#[must_use]
pub fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write as _;
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        let _ = write!(s, "{b:02x}");
    }
    s
}

fn unhex<const N: usize>(s: &str) -> Option<[u8; N]> {
    let s = s.trim();
    if s.len() != N * 2 || !s.is_ascii() {
        return None;
    }
    let mut out = [0u8; N];
    for (i, b) in out.iter_mut().enumerate() {
        *b = u8::from_str_radix(s.get(i * 2..i * 2 + 2)?, 16).ok()?;
    }
    Some(out)
}

/// The installation's salt, made (readable by you only) on the first call.
///
/// # Errors
/// When it cannot be read or made, or is damaged (never silently replaced: that would break
/// every join with earlier exports).
pub fn salt(data_dir: &Path) -> Result<[u8; 32], StateError> {
    let dir = root(data_dir);
    let path = dir.join("salt");
    match std::fs::read_to_string(&path) {
        Ok(text) => return unhex::<32>(&text).ok_or(StateError::BadSalt(path)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(io("cannot read the export salt", &path)(e)),
    }
    std::fs::create_dir_all(&dir).map_err(io("cannot create", &dir))?;
    let key = random::<32>()?;
    let mut opts = OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt as _;
        opts.mode(0o600);
    }
    match opts.open(&path) {
        Ok(mut f) => {
            f.write_all(format!("{}\n", hex(&key)).as_bytes())
                .and_then(|()| f.sync_all())
                .map_err(io("cannot write the export salt", &path))?;
            Ok(key)
        }
        // Another export made it first: use theirs.
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            let text =
                std::fs::read_to_string(&path).map_err(io("cannot read the export salt", &path))?;
            unhex::<32>(&text).ok_or(StateError::BadSalt(path))
        }
        Err(e) => Err(io("cannot create the export salt", &path)(e)),
    }
}

/// One place records go: an `--out` folder or an OTLP endpoint, with its folder of state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Destination {
    /// What it is, for people and for the state file (`files:/abs/dir`, `otlp:<logs url>`).
    pub name: String,
    /// `<data dir>/export/<kind>-<hash of name>`.
    pub dir: PathBuf,
}

impl Destination {
    /// The destination `name` (see the field), keeping its state under `data_dir`.
    #[must_use]
    pub fn new(data_dir: &Path, kind: &str, name: String) -> Self {
        let mut h = Fnv::default();
        h.write(name.as_bytes());
        let dir = root(data_dir).join(format!("{kind}-{:016x}", h.finish()));
        Self { name, dir }
    }

    /// Takes the destination's lock (released when dropped).
    ///
    /// # Errors
    /// When another export holds it, or the lock file cannot be made.
    pub fn lock(&self) -> Result<File, StateError> {
        std::fs::create_dir_all(&self.dir).map_err(io("cannot create", &self.dir))?;
        let path = self.dir.join("lock");
        let f = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .map_err(io("cannot open", &path))?;
        match f.try_lock() {
            Ok(()) => Ok(f),
            Err(std::fs::TryLockError::WouldBlock) => Err(StateError::Busy(self.name.clone())),
            Err(std::fs::TryLockError::Error(e)) => Err(io("cannot lock", &path)(e)),
        }
    }

    fn state_path(&self) -> PathBuf {
        self.dir.join("state.json")
    }

    /// The state, or `None` before the first export here.
    ///
    /// # Errors
    /// When it exists and cannot be read or parsed.
    pub fn load(&self) -> Result<Option<State>, StateError> {
        let path = self.state_path();
        let bytes = match std::fs::read(&path) {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => {
                return Err(StateError::BadState {
                    path,
                    why: e.to_string(),
                });
            }
        };
        let state: State = serde_json::from_slice(&bytes).map_err(|e| StateError::BadState {
            path: path.clone(),
            why: e.to_string(),
        })?;
        if state.format != STATE_FORMAT {
            return Err(StateError::BadState {
                path,
                why: format!(
                    "format {} where this ringside writes {STATE_FORMAT}",
                    state.format
                ),
            });
        }
        Ok(Some(state))
    }

    /// Writes the state (the commit point: call it once what it describes is on disk).
    ///
    /// # Errors
    /// When it cannot be written.
    pub fn store(&self, state: &State) -> Result<(), StateError> {
        let path = self.state_path();
        let bytes = serde_json::to_vec(state).map_err(|e| StateError::Io {
            what: "cannot encode",
            path: path.clone(),
            error: std::io::Error::other(e),
        })?;
        atomic::write(&path, &bytes, Durability::Synced).map_err(io("cannot write", &path))
    }
}

/// What one destination has received.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct State {
    pub format: u32,
    pub destination: String,
    /// The settings records were made with: a later export there must use the same ones.
    pub with_names: bool,
    pub person: Option<String>,
    /// When the last export here finished (Unix ms).
    pub last_export: Option<i64>,
    pub ledger: Ledger,
    /// An `--out` folder: the files' lengths after the last export.
    #[serde(default)]
    pub files: Lengths,
    /// OTLP: the highest spooled batch number the ledger accounts for.
    #[serde(default)]
    pub committed_seq: u64,
}

/// The lengths of the two record files.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Lengths {
    pub sessions: u64,
    pub prompts: u64,
}

/// The record files of an `--out` folder.
pub const SESSIONS_FILE: &str = "sessions.jsonl";
pub const PROMPTS_FILE: &str = "prompts.jsonl";

/// What opening a record file for appending found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tail {
    /// As the last export left it.
    AsLeft,
    /// Longer: an export was interrupted before it recorded what it wrote; the extra bytes
    /// were cut (they are written again now, with the versions the ledger gives).
    Cut(u64),
    /// Shorter or missing: moved, rotated or emptied since (appending to what is there).
    Shorter,
}

/// Opens `path` for appending, first cutting anything past `committed` (an interrupted
/// export's records, which the ledger does not account for). A file shorter than `committed`
/// is left as it is.
///
/// # Errors
/// When the file cannot be opened, read or cut.
pub fn open_append(path: &Path, committed: u64) -> Result<(File, Tail), StateError> {
    let mut f = OpenOptions::new()
        .create(true)
        .read(true)
        .append(true)
        .open(path)
        .map_err(io("cannot open", path))?;
    let len = f.metadata().map_err(io("cannot read", path))?.len();
    let tail = if len > committed {
        f.set_len(committed).map_err(io("cannot cut", path))?;
        Tail::Cut(len - committed)
    } else if len < committed {
        Tail::Shorter
    } else {
        Tail::AsLeft
    };
    // A file that does not end with a newline (someone else's edit) gets one, so the next
    // record starts on its own line.
    let len = f.metadata().map_err(io("cannot read", path))?.len();
    if len > 0 {
        let mut last = [0u8; 1];
        f.seek(SeekFrom::Start(len - 1))
            .and_then(|_| f.read_exact(&mut last))
            .map_err(io("cannot read", path))?;
        if last[0] != b'\n' {
            f.write_all(b"\n").map_err(io("cannot write", path))?;
        }
    }
    Ok((f, tail))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_salt_is_made_once_private_and_a_damaged_one_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let a = salt(dir.path()).unwrap();
        let b = salt(dir.path()).unwrap();
        assert_eq!(a, b);
        assert_ne!(a, [0u8; 32]);
        let path = root(dir.path()).join("salt");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        std::fs::write(&path, "not hex").unwrap();
        assert!(matches!(salt(dir.path()), Err(StateError::BadSalt(_))));
        // Another installation gets another salt.
        let other = tempfile::tempdir().unwrap();
        assert_ne!(salt(other.path()).unwrap(), a);
    }

    #[test]
    fn a_destination_is_locked_against_a_second_export() {
        let dir = tempfile::tempdir().unwrap();
        let d = Destination::new(dir.path(), "files", "files:/x".into());
        let held = d.lock().unwrap();
        assert!(matches!(d.lock(), Err(StateError::Busy(_))));
        drop(held);
        assert!(d.lock().is_ok());
    }

    #[test]
    fn state_round_trips_and_a_damaged_one_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let d = Destination::new(dir.path(), "files", "files:/x".into());
        assert_eq!(d.load().unwrap(), None);
        let s = State {
            format: STATE_FORMAT,
            destination: d.name.clone(),
            committed_seq: 4,
            ..State::default()
        };
        d.store(&s).unwrap();
        assert_eq!(d.load().unwrap(), Some(s));
        std::fs::write(d.dir.join("state.json"), "{torn").unwrap();
        assert!(matches!(d.load(), Err(StateError::BadState { .. })));
    }

    #[test]
    fn appending_cuts_an_interrupted_tail_and_keeps_a_shorter_file() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("s.jsonl");
        std::fs::write(&p, "{\"a\":1}\n{\"b\":").unwrap();
        let (mut f, tail) = open_append(&p, 8).unwrap();
        assert_eq!(tail, Tail::Cut(5));
        f.write_all(b"{\"c\":3}\n").unwrap();
        drop(f);
        assert_eq!(
            std::fs::read_to_string(&p).unwrap(),
            "{\"a\":1}\n{\"c\":3}\n"
        );
        let (_, tail) = open_append(&p, 100).unwrap();
        assert_eq!(tail, Tail::Shorter);
        // A file someone left without a final newline gets one before the next record.
        std::fs::write(&p, "{\"a\":1}").unwrap();
        let (mut f, _) = open_append(&p, 7).unwrap();
        f.write_all(b"{\"d\":4}\n").unwrap();
        drop(f);
        assert_eq!(
            std::fs::read_to_string(&p).unwrap(),
            "{\"a\":1}\n{\"d\":4}\n"
        );
    }
}
