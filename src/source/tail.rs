//! [`Tailer`]: follows one transcript file from a byte offset, read-only.
//!
//! Decision table on each [`Tailer::poll`] (STYLE.md 9.3):
//!
//! | what the path shows                   | what happens                         | notice      |
//! |---------------------------------------|--------------------------------------|-------------|
//! | longer than the offset                | read `[offset, len)`, hand it over   | none        |
//! | same length, same modification time   | nothing                              | none        |
//! | same file, shorter than the offset    | start over from byte 0               | `Truncated` |
//! | another file (new dev/inode)          | start over from byte 0 of the new one| `Replaced`  |
//! | same file, bytes before the offset changed (its first 4 KiB or the 256 bytes before the offset) | start over from byte 0 | `Replaced` |
//! | a format whose files are rewritten whole ([`Growth::Rewrites`]): any change | start over from byte 0 | `Replaced` |
//! | gone                                  | keep what was read, wait             | `Deleted`   |
//! | unreadable                            | keep what was read, report the error | `Error`     |
//!
//! A tailer is plain data (serde) apart from its open file, so the status line saves it between
//! calls and the next call resumes from the offset, with the same checks. The file is only ever
//! opened for reading ([`open`] is the one place a transcript is opened); nothing here writes,
//! locks or moves it. Work per poll is proportional to the bytes appended, never to the file's
//! size.

use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::core::agents::Growth;
use crate::core::hash::hash;

/// Bytes read per `read` call.
const CHUNK: usize = 256 * 1024;
/// Bytes at the file's head that must not change.
const HEAD: u64 = 4096;
/// Bytes just before the offset that must not change.
const TAIL: u64 = 256;

/// Something the user should hear about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Notice {
    /// The file got shorter: everything is read again from the start.
    Truncated,
    /// Another file now has this path (rotated, rewritten): read from its start.
    Replaced,
    /// The file is gone; what was read is kept.
    Deleted,
    /// The file could not be read (said once per failing stretch).
    Error(String),
    /// The file could not be read and now can again (said once, after an [`Notice::Error`]).
    Readable,
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
            Notice::Readable => format!("{p} can be read again"),
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
    /// Bytes the file held past where this poll stopped, when [`Tailer::poll_until`] was told
    /// to stop before the end (0 when it read to the end).
    pub remaining: u64,
}

/// Follows one file; see the module docs.
#[derive(Debug, Serialize, Deserialize)]
pub struct Tailer {
    path: PathBuf,
    growth: Growth,
    #[serde(skip)]
    file: Option<File>,
    identity: Option<Identity>,
    offset: u64,
    /// What the bytes read so far look like, to tell a grown file from a rewritten one.
    marks: Marks,
    gone: bool,
    /// Check the marks even when the length and time are unchanged, on the first poll with no
    /// open file (a state read back from disk: a rewrite within one timestamp tick is caught).
    verify_unchanged: bool,
    #[serde(skip)]
    buf: Vec<u8>,
    /// Read once and dropped ([`Tailer::read_once`]): no marks are kept, and the read buffer is
    /// the thread's.
    #[serde(skip)]
    once: bool,
    /// The open file was opened by this poll, so its position is byte 0.
    #[serde(skip)]
    at_start: bool,
    /// The last poll failed: the error is said once, and its end is said too.
    #[serde(skip)]
    failing: bool,
}

/// (device, inode) where the platform has them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
struct Identity(u64, u64);

/// Hashes of the marks' ranges taken from the bytes as they were read (`None`: read them back).
#[derive(Debug, Default, Clone, Copy)]
struct Seen {
    /// (bytes, hash) of the file's head, from its first read.
    head: Option<(u64, u64)>,
    /// Hash of the [`TAIL`] bytes before the offset, from the last read.
    tail: Option<u64>,
}

/// The file as it was when reading stopped: its modification time and hashes of its first
/// [`HEAD`] bytes and of the [`TAIL`] bytes before the offset.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
struct Marks {
    mtime_ns: i128,
    head_len: u64,
    head: u64,
    tail: u64,
}

impl Tailer {
    /// A tailer that will read `path` from the start, for a format whose files grow by appends.
    #[must_use]
    pub fn new(path: impl Into<PathBuf>) -> Self {
        Self::with_growth(path, Growth::Appends)
    }

    /// A tailer for a file that grows as `growth` says.
    #[must_use]
    pub fn with_growth(path: impl Into<PathBuf>, growth: Growth) -> Self {
        Self {
            path: path.into(),
            growth,
            file: None,
            identity: None,
            offset: 0,
            marks: Marks::default(),
            gone: false,
            verify_unchanged: false,
            buf: Vec::new(),
            once: false,
            at_start: false,
            failing: false,
        }
    }

    /// Makes this a tailer that reads its file once and is then dropped (a whole read: `score`, the
    /// review): it keeps no marks (nothing polls it again to check them; one that did would read
    /// the file anew, as replaced), and reads into one buffer per thread instead of one per file.
    pub fn read_once(&mut self) {
        self.once = true;
    }

    /// Also checks an unchanged-looking file's bytes when resuming (see the field).
    #[must_use]
    pub fn verifying_unchanged(mut self) -> Self {
        self.verify_unchanged = true;
        self
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

    /// Reads whatever was appended since the last poll and hands it to `sink` in chunks.
    pub fn poll(&mut self, sink: impl FnMut(&[u8])) -> Polled {
        self.poll_until(sink, &mut || false)
    }

    /// [`Self::poll`], asking `stop` after each chunk whether to stop there (a time budget): the
    /// offset and the marks are then those of the bytes handed over, so the next poll resumes
    /// where this one stopped, with the same checks. Every poll that has bytes to read hands over
    /// at least one chunk, so successive polls always progress. A file rewritten whole
    /// ([`Growth::Rewrites`]) is always read to its end: a part of it could not be resumed.
    pub fn poll_until(
        &mut self,
        mut sink: impl FnMut(&[u8]),
        stop: &mut dyn FnMut() -> bool,
    ) -> Polled {
        let never_read = self.file.is_none() && self.identity.is_none() && self.offset == 0;
        let meta = if never_read {
            // A file never read is opened anyway: its handle's metadata (which `open` checks)
            // serves, and the path is not looked up twice (a review reads thousands of files).
            match open_with_metadata(&self.path) {
                Ok((file, meta)) => {
                    self.file = Some(file);
                    self.at_start = true;
                    meta
                }
                Err(e) if e.kind() == io::ErrorKind::NotFound => return self.missing(),
                Err(e) => return self.fail(e.to_string()),
            }
        } else {
            match std::fs::metadata(&self.path) {
                Ok(m) => m,
                Err(e) if e.kind() == io::ErrorKind::NotFound => return self.missing(),
                Err(e) => return self.fail(e.to_string()),
            }
        };
        if meta.is_dir() {
            return self.fail("is a directory".into());
        }
        if !meta.is_file() {
            return self.fail(not_regular().to_string());
        }
        let identity = identity(&meta);
        let seen_before = self.identity.is_some() || self.offset > 0;
        let other_file = matches!((self.identity, identity), (Some(a), Some(b)) if a != b);
        if seen_before && (self.gone || other_file) {
            // Read the file put in its place only once it opens: an unreadable replacement
            // keeps what was read (and the old identity, so the next poll tries again).
            return match open(&self.path) {
                Ok(file) => {
                    let polled = self.restart(identity, Notice::Replaced);
                    self.file = Some(file);
                    polled
                }
                Err(e) => self.fail(e.to_string()),
            };
        }
        self.gone = false;
        self.identity = identity.or(self.identity);
        let len = meta.len();
        let mtime_ns = mtime_ns(&meta);
        if len < self.offset {
            return self.restart(identity, Notice::Truncated);
        }
        let unchanged = len == self.offset && mtime_ns == self.marks.mtime_ns;
        let resumed = self.file.is_none() && self.verify_unchanged;
        if unchanged && !resumed {
            return Polled::default();
        }
        if self.growth == Growth::Rewrites && self.offset > 0 && !unchanged {
            return self.restart(identity, Notice::Replaced);
        }
        let read = self.check_marks().and_then(|same| {
            if !same {
                return Ok(None);
            }
            if unchanged {
                return Ok(Some(0));
            }
            let (bytes, seen) = if self.growth == Growth::Rewrites {
                self.read_from_offset(len, &mut sink, &mut || false)?
            } else {
                self.read_from_offset(len, &mut sink, stop)?
            };
            if !self.once {
                self.remark(mtime_ns, seen)?;
            }
            Ok(Some(bytes))
        });
        match read {
            Ok(Some(bytes)) => Polled {
                bytes,
                notice: std::mem::take(&mut self.failing).then_some(Notice::Readable),
                remaining: len.saturating_sub(self.offset),
            },
            Ok(None) => self.restart(identity, Notice::Replaced),
            Err(e) => self.fail(e.to_string()),
        }
    }

    /// A poll failed: the file is closed (opened again next time) and the error said once per
    /// failing stretch, so a notice does not outlive the trouble it reports.
    fn fail(&mut self, e: String) -> Polled {
        self.file = None;
        if std::mem::replace(&mut self.failing, true) {
            return Polled::default();
        }
        error(e)
    }

    /// The path is gone: say so once if it had been read, else it never existed.
    fn missing(&mut self) -> Polled {
        self.file = None;
        if self.identity.is_none() && self.offset == 0 {
            return error("no such file".into());
        }
        if std::mem::replace(&mut self.gone, true) {
            return Polled::default();
        }
        Polled {
            notice: Some(Notice::Deleted),
            ..Polled::default()
        }
    }

    fn restart(&mut self, identity: Option<Identity>, notice: Notice) -> Polled {
        self.file = None;
        self.failing = false;
        self.offset = 0;
        self.marks = Marks::default();
        self.identity = identity;
        self.gone = false;
        Polled {
            notice: Some(notice),
            ..Polled::default()
        }
    }

    /// The open file (opened here on first use, and again after an error or a restart).
    fn file(&mut self) -> io::Result<&mut File> {
        if self.file.is_none() {
            self.file = Some(open(&self.path)?);
        }
        self.file
            .as_mut()
            .ok_or_else(|| io::Error::other("file not open"))
    }

    /// Whether the bytes read so far are still there, unchanged.
    fn check_marks(&mut self) -> io::Result<bool> {
        if self.offset == 0 {
            return Ok(true);
        }
        let Marks {
            head_len,
            head,
            tail,
            ..
        } = self.marks;
        let offset = self.offset;
        let file = self.file()?;
        Ok(hash_range(file, 0, head_len)? == head
            && hash_range(file, offset.saturating_sub(TAIL), offset)? == tail)
    }

    /// Records what the bytes read so far look like: from the hashes taken as they went by
    /// where the reads held them, else read back from the file.
    fn remark(&mut self, mtime_ns: i128, seen: Seen) -> io::Result<()> {
        let offset = self.offset;
        let mut marks = self.marks;
        marks.mtime_ns = mtime_ns;
        if marks.head_len < HEAD.min(offset) {
            marks.head_len = HEAD.min(offset);
            marks.head = match seen.head {
                Some((len, h)) if len == marks.head_len => h,
                _ => hash_range(self.file()?, 0, marks.head_len)?,
            };
        }
        marks.tail = match seen.tail {
            Some(h) => h,
            None => hash_range(self.file()?, offset.saturating_sub(TAIL), offset)?,
        };
        self.marks = marks;
        Ok(())
    }

    /// Reads from the offset to the end, or to the first chunk after which `stop` says so
    /// (`len` as last seen: the buffer is sized to it, so a small file or a small append never
    /// costs a whole chunk of zeroed memory).
    fn read_from_offset(
        &mut self,
        len: u64,
        sink: &mut impl FnMut(&[u8]),
        stop: &mut dyn FnMut() -> bool,
    ) -> io::Result<(u64, Seen)> {
        let offset = self.offset;
        let want = usize::try_from(len.saturating_sub(offset))
            .unwrap_or(CHUNK)
            .clamp(1, CHUNK);
        let mut buf = if self.once {
            THREAD_BUF.take()
        } else {
            std::mem::take(&mut self.buf)
        };
        if buf.len() < want {
            buf.resize(want, 0);
        }
        let at_start = std::mem::take(&mut self.at_start);
        // Read once, a file is read as long as it was when looked at: no read to find its end.
        let upto = self.once.then(|| len.saturating_sub(offset));
        let result = self.read_into(&mut buf, offset, at_start, upto, sink, stop);
        if self.once {
            THREAD_BUF.set(buf);
        } else {
            self.buf = buf;
        }
        result
    }

    /// [`Self::read_from_offset`] into `buf`; `at_start`: the file's position is byte 0; `upto`:
    /// stop once this many bytes are read (else at the file's end).
    fn read_into(
        &mut self,
        buf: &mut [u8],
        offset: u64,
        at_start: bool,
        upto: Option<u64>,
        sink: &mut impl FnMut(&[u8]),
        stop: &mut dyn FnMut() -> bool,
    ) -> io::Result<(u64, Seen)> {
        let keep_marks = !self.once;
        let file = self.file()?;
        if offset > 0 || !at_start {
            file.seek(SeekFrom::Start(offset))?;
        }
        let mut total = 0u64;
        let mut seen = Seen::default();
        let mut last = 0usize;
        let result = loop {
            let n = match file.read(buf) {
                Ok(0) => break Ok(total),
                Ok(n) => n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => break Err(e),
            };
            sink(&buf[..n]);
            if keep_marks && offset == 0 && total == 0 {
                // The file's head, while the first read holds it: as many bytes as the marks
                // will hash (its first HEAD, or fewer when this is all there is).
                let h = usize::try_from(HEAD).map_or(n, |h| h.min(n));
                seen.head = Some((h as u64, hash(&buf[..h])));
            }
            total += n as u64;
            last = n;
            if upto.is_some_and(|u| total >= u) || stop() {
                break Ok(total);
            }
        };
        self.offset += total;
        // The bytes just before the new offset, when the last read holds all of them.
        let want = usize::try_from(TAIL.min(self.offset)).unwrap_or(usize::MAX);
        if keep_marks && total > 0 && last >= want {
            seen.tail = Some(hash(&buf[last - want..last]));
        }
        result.map(|t| (t, seen))
    }
}

thread_local! {
    /// The read buffer of the tailers that read once ([`Tailer::read_once`]): a review reads
    /// thousands of files on each thread, and a fresh buffer per file costs an allocation and
    /// the page faults of zeroing it.
    static THREAD_BUF: std::cell::Cell<Vec<u8>> = const { std::cell::Cell::new(Vec::new()) };
}

/// Opens a transcript: read-only (never creates, truncates or locks), and only a regular file.
/// Every transcript ringside reads is opened here.
///
/// A FIFO or device named like a transcript would block `open` (a FIFO until a writer comes)
/// and then every read, so the file is opened non-blocking and its type checked on the open
/// handle (no window between a check and the open); a regular file reads the same either way.
///
/// # Errors
/// As `File::open`, and `InvalidInput` ("not a regular file") for anything else.
pub fn open(path: &Path) -> io::Result<File> {
    open_with_metadata(path).map(|(file, _)| file)
}

/// [`open`], with the metadata of the file opened.
fn open_with_metadata(path: &Path) -> io::Result<(File, std::fs::Metadata)> {
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NONBLOCK);
    }
    let file = options.open(path)?;
    let meta = file.metadata()?;
    if meta.is_dir() {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            "is a directory",
        ));
    }
    if !meta.is_file() {
        return Err(not_regular());
    }
    Ok((file, meta))
}

fn not_regular() -> io::Error {
    io::Error::new(io::ErrorKind::InvalidInput, "not a regular file")
}

fn error(e: String) -> Polled {
    Polled {
        notice: Some(Notice::Error(e)),
        ..Polled::default()
    }
}

fn hash_range(file: &mut File, from: u64, to: u64) -> io::Result<u64> {
    let len = usize::try_from(to.saturating_sub(from)).map_err(io::Error::other)?;
    let mut buf = vec![0; len];
    file.seek(SeekFrom::Start(from))?;
    file.read_exact(&mut buf)?;
    Ok(hash(&buf))
}

fn mtime_ns(meta: &std::fs::Metadata) -> i128 {
    meta.modified()
        .ok()
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map_or(0, |d| i128::try_from(d.as_nanos()).unwrap_or(i128::MAX))
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

    fn mkfifo(path: &Path) {
        let ok = std::process::Command::new("mkfifo")
            .arg(path)
            .status()
            .is_ok_and(|s| s.success());
        assert!(ok, "mkfifo failed");
    }

    #[test]
    fn a_fifo_is_refused_without_blocking() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("agent-f1f0.jsonl");
        mkfifo(&p);
        // No writer ever opens it: a blocking open would wait here forever.
        let e = open(&p).unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::InvalidInput);
        let mut t = Tailer::new(&p);
        let (bytes, notice) = poll_all(&mut t);
        assert!(bytes.is_empty());
        assert_eq!(notice, Some(Notice::Error("not a regular file".into())));
    }

    #[test]
    fn a_replacement_that_cannot_be_read_keeps_what_was_read_and_says_so_once() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("s.jsonl");
        append(&p, b"one\ntwo\n");
        let mut t = Tailer::new(&p);
        assert_eq!(poll_all(&mut t).0, b"one\ntwo\n".to_vec());
        // Something that cannot be read takes the file's place.
        let kept = dir.path().join("kept.jsonl");
        std::fs::rename(&p, &kept).unwrap();
        mkfifo(&p);
        let (bytes, notice) = poll_all(&mut t);
        assert!(bytes.is_empty());
        assert!(matches!(notice, Some(Notice::Error(_))), "{notice:?}");
        assert_eq!(t.offset(), 8, "what was read is kept");
        // Said once, not on every poll.
        assert_eq!(poll_all(&mut t), (Vec::new(), None));
        // A readable file again: read from its start, and the error is over.
        std::fs::remove_file(&p).unwrap();
        append(&p, b"new\n");
        let (bytes, notice) = poll_all(&mut t);
        assert_eq!(notice, Some(Notice::Replaced));
        assert!(!t.failing, "the error notice ended");
        let (more, _) = poll_all(&mut t);
        assert_eq!([bytes, more].concat(), b"new\n".to_vec());
    }

    #[test]
    fn an_unreadable_file_is_said_once_and_its_end_too() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("s.jsonl");
        append(&p, b"one\n");
        let mut t = Tailer::new(&p);
        assert_eq!(poll_all(&mut t).0, b"one\n".to_vec());
        // The same path becomes a directory for a while (unreadable as a transcript).
        std::fs::remove_file(&p).unwrap();
        std::fs::create_dir(&p).unwrap();
        assert!(matches!(poll_all(&mut t).1, Some(Notice::Error(_))));
        assert_eq!(poll_all(&mut t), (Vec::new(), None));
        assert_eq!(t.offset(), 4);
        std::fs::remove_dir(&p).unwrap();
        append(&p, b"one\ntwo\n");
        // A file at the path again (the file system may hand out the same inode, and its head
        // is the same, so it may read as grown): either way the failing stretch is over, and
        // said to be.
        let (_, notice) = poll_all(&mut t);
        assert!(
            matches!(notice, Some(Notice::Readable | Notice::Replaced)),
            "{notice:?}"
        );
        assert!(!t.failing);
    }

    #[test]
    fn a_replacement_without_read_permission_keeps_what_was_read() {
        use std::os::unix::fs::PermissionsExt;
        // Root reads any file, so this variant can only run unprivileged.
        if is_root() {
            eprintln!(
                "NOTICE: running as root, which reads a 0000 file; skipping the permission variant"
            );
            return;
        }
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("s.jsonl");
        append(&p, b"one\n");
        let mut t = Tailer::new(&p);
        assert_eq!(poll_all(&mut t).0, b"one\n".to_vec());
        let q = dir.path().join("new.jsonl");
        append(&q, b"other\n");
        std::fs::set_permissions(&q, std::fs::Permissions::from_mode(0o000)).unwrap();
        std::fs::rename(&q, &p).unwrap();
        assert!(matches!(poll_all(&mut t).1, Some(Notice::Error(_))));
        assert_eq!(t.offset(), 4, "what was read is kept");
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o644)).unwrap();
        assert_eq!(poll_all(&mut t).1, Some(Notice::Replaced));
    }

    fn is_root() -> bool {
        std::process::Command::new("id")
            .arg("-u")
            .output()
            .is_ok_and(|o| o.stdout.trim_ascii() == b"0")
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
    fn a_rewrite_in_place_that_grows_is_read_again_from_the_start() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("s.jsonl");
        append(&p, b"aaaa\n");
        let mut t = Tailer::new(&p);
        poll_all(&mut t);
        // Same file (same inode), longer, but its first bytes are not the ones read.
        std::fs::OpenOptions::new()
            .write(true)
            .truncate(true)
            .open(&p)
            .unwrap()
            .write_all(b"bbbb\nmore\n")
            .unwrap();
        assert_eq!(poll_all(&mut t), (Vec::new(), Some(Notice::Replaced)));
        assert_eq!(poll_all(&mut t), (b"bbbb\nmore\n".to_vec(), None));
    }

    #[test]
    fn a_file_rewritten_whole_is_read_whole_on_every_change() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("s.json");
        std::fs::write(&p, b"{\"messages\":[1]}").unwrap();
        let mut t = Tailer::with_growth(&p, Growth::Rewrites);
        assert_eq!(poll_all(&mut t).0, b"{\"messages\":[1]}".to_vec());
        assert_eq!(poll_all(&mut t), (Vec::new(), None), "unchanged");
        std::fs::write(&p, b"{\"messages\":[1,2]}").unwrap();
        assert_eq!(poll_all(&mut t), (Vec::new(), Some(Notice::Replaced)));
        assert_eq!(poll_all(&mut t).0, b"{\"messages\":[1,2]}".to_vec());
    }

    #[test]
    fn marks_taken_as_bytes_go_by_are_those_read_back_from_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("s.jsonl");
        std::fs::write(&p, b"").unwrap();
        let mut t = Tailer::new(&p);
        let mut all = Vec::new();
        for (i, n) in [0usize, 10, 300, 5000, 100, CHUNK + 100, 3]
            .into_iter()
            .enumerate()
        {
            let piece: Vec<u8> = (0..n).map(|j| (i * 31 + j) as u8).collect();
            append(&p, &piece);
            all.extend_from_slice(&piece);
            poll_all(&mut t);
            let mut f = std::fs::File::open(&p).unwrap();
            let off = all.len() as u64;
            assert_eq!(t.offset(), off);
            assert_eq!(t.marks.head_len, HEAD.min(off), "after {n}");
            if off > 0 {
                let head = hash_range(&mut f, 0, HEAD.min(off)).unwrap();
                assert_eq!(t.marks.head, head, "after {n}");
            }
            let tail = hash_range(&mut f, off.saturating_sub(TAIL), off).unwrap();
            assert_eq!(t.marks.tail, tail, "after {n}");
        }
    }

    #[test]
    fn tailers_reading_once_share_the_threads_buffer_and_read_every_byte() {
        let dir = tempfile::tempdir().unwrap();
        // Big, then small, then big again: the thread's buffer is reused, never stale.
        for (i, n) in [CHUNK * 2 + 7, 10, 0, 5000, CHUNK + 1, 3]
            .into_iter()
            .enumerate()
        {
            let p = dir.path().join(format!("s{i}.jsonl"));
            let bytes: Vec<u8> = (0..n).map(|j| (i * 7 + j) as u8).collect();
            std::fs::write(&p, &bytes).unwrap();
            let mut t = Tailer::new(&p);
            t.read_once();
            assert_eq!(poll_all(&mut t), (bytes, None), "file {i}");
            assert_eq!(t.offset(), n as u64);
            assert_eq!(t.marks, Marks::default(), "no marks kept");
        }
        // Polled again after all (nothing does), it reads the file anew rather than trusting
        // marks it never took.
        let p = dir.path().join("again.jsonl");
        std::fs::write(&p, b"one\n").unwrap();
        let mut t = Tailer::new(&p);
        t.read_once();
        poll_all(&mut t);
        append(&p, b"two\n");
        assert_eq!(poll_all(&mut t), (Vec::new(), Some(Notice::Replaced)));
        assert_eq!(poll_all(&mut t).0, b"one\ntwo\n".to_vec());
    }

    #[test]
    fn a_poll_told_to_stop_hands_over_one_chunk_and_the_next_goes_on() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("s.jsonl");
        let bytes: Vec<u8> = (0..CHUNK * 5 / 2).map(|i| b'a' + (i % 26) as u8).collect();
        std::fs::write(&p, &bytes).unwrap();
        let mut t = Tailer::new(&p);
        let mut got = Vec::new();
        let mut left = Vec::new();
        for _ in 0..3 {
            let polled = t.poll_until(|b| got.extend_from_slice(b), &mut || true);
            assert_eq!(polled.notice, None);
            left.push(polled.remaining);
        }
        let c = CHUNK as u64;
        assert_eq!(left, [c * 3 / 2, c / 2, 0]);
        assert_eq!(got, bytes);
        // Saved and read back mid-file, it resumes there with its checks.
        let mut t = Tailer::new(&p);
        let mut first = Vec::new();
        t.poll_until(|b| first.extend_from_slice(b), &mut || true);
        let mut back: Tailer = serde_json::from_str(&serde_json::to_string(&t).unwrap()).unwrap();
        let (rest, notice) = poll_all(&mut back);
        assert_eq!(notice, None);
        assert_eq!([first, rest].concat(), bytes);
        // A file rewritten whole is read to its end whatever the budget says.
        let q = dir.path().join("s.json");
        std::fs::write(&q, &bytes).unwrap();
        let mut w = Tailer::with_growth(&q, Growth::Rewrites);
        let polled = w.poll_until(|_| {}, &mut || true);
        assert_eq!((polled.bytes, polled.remaining), (bytes.len() as u64, 0));
    }

    #[test]
    fn a_saved_tailer_resumes_at_its_offset_with_the_same_checks() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("s.jsonl");
        append(&p, b"one\n");
        let mut t = Tailer::new(&p).verifying_unchanged();
        poll_all(&mut t);
        let saved = serde_json::to_string(&t).unwrap();
        append(&p, b"two\n");
        let mut back: Tailer = serde_json::from_str(&saved).unwrap();
        assert_eq!(poll_all(&mut back), (b"two\n".to_vec(), None));
        // A rewrite of the same length within the same timestamp: caught on resuming.
        let saved = serde_json::to_string(&back).unwrap();
        let mtime = std::fs::metadata(&p).unwrap().modified().unwrap();
        std::fs::write(&p, b"one\ntwo!").unwrap();
        std::fs::File::options()
            .write(true)
            .open(&p)
            .unwrap()
            .set_modified(mtime)
            .unwrap();
        let mut back: Tailer = serde_json::from_str(&saved).unwrap();
        assert_eq!(poll_all(&mut back).1, Some(Notice::Replaced));
        // Unchanged: nothing to read, nothing to say.
        poll_all(&mut back);
        let saved = serde_json::to_string(&back).unwrap();
        let mut back: Tailer = serde_json::from_str(&saved).unwrap();
        assert_eq!(poll_all(&mut back), (Vec::new(), None));
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
