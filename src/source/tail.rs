//! [`Tailer`]: follows one transcript file from a byte offset, read-only.
//!
//! Decision table on each [`Tailer::poll`] (STYLE.md 9.3):
//!
//! | what the path shows                   | what happens                         | notice      |
//! |---------------------------------------|--------------------------------------|-------------|
//! | longer than the offset                | read `[offset, len)`, hand it over   | none        |
//! | same length                           | nothing                              | none        |
//! | same file, shorter than the offset    | start over from byte 0               | `Truncated` |
//! | another file (new dev/inode)          | start over from byte 0 of the new one| `Replaced`  |
//! | gone                                  | keep what was read, wait             | `Deleted`   |
//! | unreadable                            | keep what was read, report the error | `Error`     |
//!
//! The file is only ever opened for reading; nothing here writes, locks or moves it. Work per poll
//! is proportional to the bytes appended, never to the file's size.

use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};

/// Bytes read per `read` call.
const CHUNK: usize = 256 * 1024;

/// Something the user should hear about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Notice {
    /// The file got shorter: everything is read again from the start.
    Truncated,
    /// Another file now has this path (rotated, rewritten): read from its start.
    Replaced,
    /// The file is gone; what was read is kept.
    Deleted,
    /// The file could not be read.
    Error(String),
}

impl Notice {
    /// A sentence for people.
    #[must_use]
    pub fn describe(&self, path: &Path) -> String {
        let p = path.display();
        match self {
            Notice::Truncated => format!("{p} was truncated; reading it again from the start"),
            Notice::Replaced => format!("{p} was replaced by a new file; reading the new one"),
            Notice::Deleted => format!("{p} was deleted; keeping what was already read"),
            Notice::Error(e) => format!("cannot read {p}: {e}"),
        }
    }

    /// The reader must forget what it read and start over.
    #[must_use]
    pub fn restarts(&self) -> bool {
        matches!(self, Notice::Truncated | Notice::Replaced)
    }
}

/// What one poll did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Polled {
    /// Bytes handed to the sink.
    pub bytes: u64,
    /// Set when something happened to the file. When it [`Notice::restarts`], the sink was not
    /// called before the notice: reset the consumer, then poll again.
    pub notice: Option<Notice>,
}

/// Follows one file; see the module docs.
#[derive(Debug)]
pub struct Tailer {
    path: PathBuf,
    file: Option<File>,
    identity: Option<Identity>,
    offset: u64,
    gone: bool,
    buf: Vec<u8>,
}

/// (device, inode) where the platform has them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Identity(u64, u64);

impl Tailer {
    /// A tailer that will read `path` from the start.
    #[must_use]
    pub fn new(path: impl Into<PathBuf>) -> Self {
        Self {
            path: path.into(),
            file: None,
            identity: None,
            offset: 0,
            gone: false,
            buf: Vec::new(),
        }
    }

    /// The path being followed.
    #[must_use]
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Bytes consumed so far.
    #[must_use]
    pub fn offset(&self) -> u64 {
        self.offset
    }

    /// Resumes from a saved offset (the status line's cache): the next poll reads from there.
    pub fn seek_to(&mut self, offset: u64) {
        self.offset = offset;
        self.file = None;
    }

    /// Reads whatever was appended since the last poll and hands it to `sink` in chunks.
    pub fn poll(&mut self, mut sink: impl FnMut(&[u8])) -> Polled {
        let meta = match std::fs::metadata(&self.path) {
            Ok(m) => m,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return self.missing(),
            Err(e) => {
                return Polled {
                    bytes: 0,
                    notice: Some(Notice::Error(e.to_string())),
                };
            }
        };
        if meta.is_dir() {
            return Polled {
                bytes: 0,
                notice: Some(Notice::Error("is a directory".into())),
            };
        }
        let identity = identity(&meta);
        let seen_before = self.identity.is_some() || self.offset > 0;
        let other_file = matches!((self.identity, identity), (Some(a), Some(b)) if a != b);
        if seen_before && (self.gone || other_file) {
            self.restart(identity);
            return Polled {
                bytes: 0,
                notice: Some(Notice::Replaced),
            };
        }
        self.gone = false;
        self.identity = identity.or(self.identity);
        let len = meta.len();
        if len < self.offset {
            self.restart(identity);
            return Polled {
                bytes: 0,
                notice: Some(Notice::Truncated),
            };
        }
        if len == self.offset {
            return Polled::default();
        }
        match self.read_from_offset(&mut sink) {
            Ok(bytes) => Polled {
                bytes,
                notice: None,
            },
            Err(e) => {
                self.file = None;
                Polled {
                    bytes: 0,
                    notice: Some(Notice::Error(e.to_string())),
                }
            }
        }
    }

    /// The path is gone: say so once if it had been read, else it never existed.
    fn missing(&mut self) -> Polled {
        self.file = None;
        if self.identity.is_none() && self.offset == 0 {
            return Polled {
                bytes: 0,
                notice: Some(Notice::Error("no such file".into())),
            };
        }
        if std::mem::replace(&mut self.gone, true) {
            return Polled::default();
        }
        Polled {
            bytes: 0,
            notice: Some(Notice::Deleted),
        }
    }

    fn restart(&mut self, identity: Option<Identity>) {
        self.file = None;
        self.offset = 0;
        self.identity = identity;
        self.gone = false;
    }

    fn read_from_offset(&mut self, sink: &mut impl FnMut(&[u8])) -> io::Result<u64> {
        if self.file.is_none() {
            // Read-only: `File::open` never creates, truncates or locks.
            let mut f = File::open(&self.path)?;
            f.seek(SeekFrom::Start(self.offset))?;
            self.file = Some(f);
        }
        let Some(file) = self.file.as_mut() else {
            return Ok(0);
        };
        if self.buf.len() < CHUNK {
            self.buf.resize(CHUNK, 0);
        }
        let mut total = 0u64;
        loop {
            let n = match file.read(&mut self.buf) {
                Ok(0) => break,
                Ok(n) => n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            };
            sink(&self.buf[..n]);
            total += n as u64;
            self.offset += n as u64;
        }
        Ok(total)
    }
}

#[cfg(unix)]
fn identity(meta: &std::fs::Metadata) -> Option<Identity> {
    use std::os::unix::fs::MetadataExt;
    Some(Identity(meta.dev(), meta.ino()))
}

#[cfg(not(unix))]
fn identity(_meta: &std::fs::Metadata) -> Option<Identity> {
    None
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use super::*;

    fn poll_all(t: &mut Tailer) -> (Vec<u8>, Option<Notice>) {
        let mut got = Vec::new();
        let p = t.poll(|b| got.extend_from_slice(b));
        (got, p.notice)
    }

    fn append(path: &Path, bytes: &[u8]) {
        let mut f = std::fs::OpenOptions::new()
            .append(true)
            .create(true)
            .open(path)
            .unwrap();
        f.write_all(bytes).unwrap();
    }

    #[test]
    fn appends_are_read_once_each() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("s.jsonl");
        append(&p, b"one\n");
        let mut t = Tailer::new(&p);
        assert_eq!(poll_all(&mut t), (b"one\n".to_vec(), None));
        assert_eq!(poll_all(&mut t), (Vec::new(), None));
        append(&p, b"two\npar");
        assert_eq!(poll_all(&mut t), (b"two\npar".to_vec(), None));
        assert_eq!(t.offset(), 11);
    }

    #[test]
    fn truncation_restarts_from_zero() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("s.jsonl");
        append(&p, b"aaaa\nbbbb\n");
        let mut t = Tailer::new(&p);
        poll_all(&mut t);
        std::fs::OpenOptions::new()
            .write(true)
            .truncate(true)
            .open(&p)
            .unwrap()
            .write_all(b"c\n")
            .unwrap();
        assert_eq!(poll_all(&mut t), (Vec::new(), Some(Notice::Truncated)));
        assert_eq!(poll_all(&mut t), (b"c\n".to_vec(), None));
    }

    #[test]
    fn replacement_by_a_new_file_restarts() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("s.jsonl");
        append(&p, b"old old old\n");
        let mut t = Tailer::new(&p);
        poll_all(&mut t);
        let tmp = dir.path().join("new.tmp");
        append(&tmp, b"new file, longer than the old one\n");
        std::fs::rename(&tmp, &p).unwrap();
        assert_eq!(poll_all(&mut t).1, Some(Notice::Replaced));
        assert_eq!(
            poll_all(&mut t).0,
            b"new file, longer than the old one\n".to_vec()
        );
    }

    #[test]
    fn deletion_keeps_the_offset_and_says_so_once() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("s.jsonl");
        append(&p, b"x\n");
        let mut t = Tailer::new(&p);
        poll_all(&mut t);
        std::fs::remove_file(&p).unwrap();
        assert_eq!(poll_all(&mut t).1, Some(Notice::Deleted));
        assert_eq!(poll_all(&mut t).1, None);
        assert_eq!(t.offset(), 2);
    }

    #[test]
    fn missing_and_unreadable_files_are_errors_not_panics() {
        let dir = tempfile::tempdir().unwrap();
        let mut t = Tailer::new(dir.path().join("nope.jsonl"));
        assert!(matches!(poll_all(&mut t).1, Some(Notice::Error(_))));
        let mut t = Tailer::new(dir.path());
        assert!(matches!(poll_all(&mut t).1, Some(Notice::Error(_))));
    }

    #[cfg(unix)]
    #[test]
    fn permission_denied_is_reported() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("s.jsonl");
        append(&p, b"x\n");
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o000)).unwrap();
        // root reads anything; the check is only meaningful for other users.
        if File::open(&p).is_ok() {
            eprintln!("skipping: running as a user who can read mode-000 files (root)");
            return;
        }
        let mut t = Tailer::new(&p);
        assert!(matches!(poll_all(&mut t).1, Some(Notice::Error(e)) if e.contains("denied")));
    }
}
