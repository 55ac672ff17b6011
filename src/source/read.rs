//! The one session reader: a session's main file and its sub-agent files, read incrementally and
//! read-only, into one [`Pipeline`].
//!
//! Every front end reads sessions through [`SessionReader`]: `score`, the report, `sessions` and
//! the review read a session once ([`read_session`], [`SessionReader::read`]); `watch` keeps one
//! and polls it as files grow; the status line and the hook save one between calls
//! (`source::snapshot`). So a sub-agent is counted the same way everywhere, and the main thread's
//! figures never depend on its sub-agents.
//!
//! Per poll: the main file's new bytes (a [`Tailer`]); then, when one of the folders that decide
//! the session's sub-agent files changed since the last listing (a `stat` each), the list of
//! sub-agent files again; then each sub-agent file's new bytes. A main file that was truncated or
//! replaced starts the whole session over; a sub-agent file that was, starts only its own part
//! over. Replay reads its main file itself, in chunks, and reads stretches back when it seeks
//! (`source::replay`).

use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::core::agents::{Format, Growth, ParseStats};
use crate::core::engine::{Engine, Rules};
use crate::core::pipeline::{AgentFeed, Pipeline};
use crate::core::session::Session;

use super::discover::{self, SessionFile};
use super::tail::{Notice, Tailer};

/// A main session file could not be read.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("cannot read {path}: {reason}", path = .path.display())]
pub struct ReadError {
    pub path: PathBuf,
    /// What went wrong (the system's words).
    pub reason: String,
}

impl ReadError {
    /// The error for a notice the main file gave on a read that must be whole.
    #[must_use]
    pub fn from_notice(path: &Path, notice: &Notice) -> Self {
        let reason = match notice {
            Notice::Error(e) => e.clone(),
            Notice::Deleted => "it was deleted".into(),
            Notice::Truncated => "it was truncated while being read".into(),
            Notice::Replaced => "it was replaced while being read".into(),
            Notice::Readable => "it can be read again".into(),
        };
        Self {
            path: path.to_path_buf(),
            reason,
        }
    }
}

/// A session read from disk.
#[derive(Debug, Clone)]
pub struct ReadSession {
    pub path: PathBuf,
    pub session: Session,
    pub stats: ParseStats,
    pub engine: Engine,
    /// Bytes read from the main file.
    pub bytes: u64,
    /// Problems with sub-agent files (they never stop the main report).
    pub warnings: Vec<String>,
}

/// Something that happened to one of a session's files during a poll.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileNotice {
    pub path: PathBuf,
    /// The session's main file (else a sub-agent's).
    pub main: bool,
    pub notice: Notice,
}

impl FileNotice {
    /// A sentence for people.
    #[must_use]
    pub fn describe(&self) -> String {
        self.notice.describe(&self.path)
    }
}

/// What one [`SessionReader::poll`] did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Polled {
    /// Bytes read from the main file.
    pub main_bytes: u64,
    /// Bytes read from sub-agent files.
    pub agent_bytes: u64,
    /// The sub-agent files were listed again and a new one was found.
    pub new_agents: bool,
    pub notices: Vec<FileNotice>,
    /// [`SessionReader::poll_until`] stopped before the end of the files (the next poll goes on
    /// from there).
    pub behind: bool,
    /// Bytes of the main file left unread because it stopped there.
    pub main_left: u64,
}

impl Polled {
    /// Whether anything was read or happened.
    #[must_use]
    pub fn changed(&self) -> bool {
        self.main_bytes > 0 || self.agent_bytes > 0 || self.new_agents || !self.notices.is_empty()
    }

    /// The main file's notice, if it gave one.
    #[must_use]
    pub fn main_notice(&self) -> Option<&Notice> {
        self.notices.iter().find(|n| n.main).map(|n| &n.notice)
    }
}

/// How the session's sub-agent files are found.
#[derive(Debug, Clone, Serialize, Deserialize)]
enum Listing {
    /// Exactly these files (a session found by discovery, or named with its files).
    Fixed(Vec<(String, PathBuf)>),
    /// Whatever the format's layout says, listed again when one of these folders changed:
    /// (folder, its modification time in ns when last listed; `None` when absent).
    Live(Vec<(PathBuf, Option<i128>)>),
}

/// One session's files, read incrementally; see the module docs.
#[derive(Debug, Serialize, Deserialize)]
pub struct SessionReader {
    format: Format,
    id: Option<String>,
    main: Tailer,
    /// One per sub-agent file, with its feed into the pipeline.
    agents: Vec<(Tailer, AgentFeed)>,
    listing: Listing,
    pipeline: Pipeline,
    /// Read once and dropped ([`Self::read`]): the files' tailers are [`Tailer::read_once`].
    #[serde(skip)]
    once: bool,
}

impl SessionReader {
    /// A reader for a discovered session: its main file and exactly its sub-agent files.
    #[must_use]
    pub fn open(file: &SessionFile, rules: Arc<Rules>) -> Self {
        Self::new(
            file.format,
            &file.path,
            Some(file.id.clone()),
            Listing::Fixed(file.subagents.clone()),
            rules,
        )
    }

    /// A reader that follows a session file as it grows, finding new sub-agent files as they
    /// appear (`watch`, the status line).
    #[must_use]
    pub fn follow(format: Format, path: &Path, rules: Arc<Rules>) -> Self {
        Self::new(
            format,
            path,
            discover::session_id(format, path),
            Listing::Live(Vec::new()),
            rules,
        )
    }

    fn new(
        format: Format,
        path: &Path,
        id: Option<String>,
        listing: Listing,
        rules: Arc<Rules>,
    ) -> Self {
        Self {
            format,
            main: Tailer::with_growth(path, format.growth()).verifying_unchanged(),
            agents: Vec::new(),
            pipeline: Pipeline::for_format(format, id.clone(), rules),
            id,
            listing,
            once: false,
        }
    }

    /// Reads a whole session: everything there is now, finished (a last line without its
    /// newline counts). Sub-agent files that cannot be read, or had lines skipped, become
    /// warnings.
    ///
    /// # Errors
    /// When the main file cannot be read.
    pub fn read(mut self) -> Result<ReadSession, ReadError> {
        if self.main.offset() == 0 && self.agents.is_empty() {
            self.once = true;
            self.main.read_once();
        }
        let polled = self.poll();
        if let Some(n) = polled.main_notice() {
            return Err(ReadError::from_notice(self.main.path(), n));
        }
        self.pipeline.finish();
        for (_, feed) in &mut self.agents {
            self.pipeline.finish_agent(feed);
        }
        let mut warnings = Vec::new();
        for ((tailer, _), part) in self.agents.iter().zip(self.pipeline.agents()) {
            let path = tailer.path();
            if let Some(n) = polled.notices.iter().find(|n| n.path == path) {
                warnings.push(n.describe());
            } else if part.stats.skipped_total() > 0 {
                warnings.push(format!(
                    "{}: {} lines skipped",
                    path.display(),
                    part.stats.skipped_total()
                ));
            }
        }
        let path = self.main.path().to_path_buf();
        let bytes = self.pipeline.bytes();
        let (session, stats, engine) = self.pipeline.into_parts();
        Ok(ReadSession {
            path,
            session,
            stats,
            engine,
            bytes,
            warnings,
        })
    }

    /// Reads what the session's files gained since the last poll.
    pub fn poll(&mut self) -> Polled {
        self.poll_until(&mut || false)
    }

    /// [`Self::poll`], asking `stop` after each chunk whether to stop there (a time budget):
    /// the main file first, then each sub-agent file; a file where it stopped, and the files
    /// after it, are read on from there by the next poll. Whatever `stop` says, a poll with
    /// bytes to read reads some, so successive polls reach the end.
    pub fn poll_until(&mut self, stop: &mut dyn FnMut() -> bool) -> Polled {
        let mut polled = Polled::default();
        let (main, left) = self.poll_main(&mut polled, stop);
        polled.main_bytes = main;
        if left > 0 {
            polled.behind = true;
            polled.main_left = left;
            return polled;
        }
        polled.new_agents = self.list_agents();
        for i in 0..self.agents.len() {
            if self.poll_agent(i, &mut polled, stop) {
                polled.behind = true;
                break;
            }
        }
        polled
    }

    /// Bytes of the main file read so far.
    #[must_use]
    pub fn main_offset(&self) -> u64 {
        self.main.offset()
    }

    /// Reads the main file on; the bytes read and those left where `stop` stopped it.
    fn poll_main(&mut self, polled: &mut Polled, stop: &mut dyn FnMut() -> bool) -> (u64, u64) {
        let p = &mut self.pipeline;
        let mut got = self.main.poll_until(|chunk| p.feed(chunk), stop);
        if got.notice.as_ref().is_some_and(Notice::restarts) {
            // Truncated or replaced: forget everything (sub-agents too) and read anew.
            let files = self.agent_files();
            let rules = self.pipeline.engine().rules().clone();
            self.pipeline = Pipeline::for_format(self.format, self.id.clone(), rules);
            self.agents.clear();
            if let Listing::Live(dirs) = &mut self.listing {
                dirs.clear();
            } else {
                self.listing = Listing::Fixed(files);
            }
            // A format whose files are rewritten whole is read anew on every change: no news.
            let news = got
                .notice
                .take()
                .filter(|_| self.format.growth() == Growth::Appends);
            self.notice(polled, true, news);
            let p = &mut self.pipeline;
            got = self.main.poll_until(|chunk| p.feed(chunk), stop);
        }
        self.notice(polled, true, got.notice);
        (got.bytes, got.remaining)
    }

    /// Reads sub-agent file `i` on; whether `stop` stopped it before its end.
    fn poll_agent(
        &mut self,
        i: usize,
        polled: &mut Polled,
        stop: &mut dyn FnMut() -> bool,
    ) -> bool {
        let p = &mut self.pipeline;
        let Some((tailer, feed)) = self.agents.get_mut(i) else {
            return false;
        };
        let mut got = tailer.poll_until(|chunk| p.feed_agent(feed, chunk), stop);
        if got.notice.as_ref().is_some_and(Notice::restarts) {
            p.restart_agent(feed);
            if let Some(notice) = got
                .notice
                .take()
                .filter(|_| self.format.growth() == Growth::Appends)
            {
                polled.notices.push(FileNotice {
                    path: tailer.path().to_path_buf(),
                    main: false,
                    notice,
                });
            }
            got = tailer.poll_until(|chunk| p.feed_agent(feed, chunk), stop);
        }
        polled.agent_bytes += got.bytes;
        if let Some(n) = got.notice {
            let path = tailer.path().to_path_buf();
            polled.notices.push(FileNotice {
                path,
                main: false,
                notice: n,
            });
        }
        got.remaining > 0
    }

    fn notice(&self, polled: &mut Polled, main: bool, notice: Option<Notice>) {
        if let Some(notice) = notice {
            polled.notices.push(FileNotice {
                path: self.main.path().to_path_buf(),
                main,
                notice,
            });
        }
    }

    /// Adds sub-agent files not read yet; whether one was added.
    fn list_agents(&mut self) -> bool {
        let files = match &mut self.listing {
            Listing::Fixed(files) => std::mem::take(files),
            Listing::Live(seen) => {
                let now: Vec<(PathBuf, Option<i128>)> =
                    discover::listing_dirs(self.format, self.main.path())
                        .into_iter()
                        .map(|d| {
                            let m = dir_mtime(&d);
                            (d, m)
                        })
                        .collect();
                let unsettled = now.iter().any(|(_, m)| *m == Some(i128::MIN));
                if *seen == now && !unsettled {
                    return false;
                }
                *seen = now;
                discover::subagents_for(self.format, self.main.path())
            }
        };
        let mut added = false;
        for (name, path) in files {
            if self.agents.iter().any(|(t, _)| t.path() == path) {
                continue;
            }
            let feed = self
                .pipeline
                .add_agent(&name, Some(path.display().to_string()));
            let mut tailer = Tailer::with_growth(path, self.format.growth());
            if self.once {
                tailer.read_once();
            }
            self.agents.push((tailer, feed));
            added = true;
        }
        added
    }

    /// The sub-agent files known so far, with their names.
    fn agent_files(&self) -> Vec<(String, PathBuf)> {
        self.pipeline
            .agents()
            .zip(&self.agents)
            .map(|(part, (t, _))| (part.name.to_owned(), t.path().to_path_buf()))
            .collect()
    }

    /// Re-attaches compiled rules after the reader was read back from saved state.
    pub fn set_rules(&mut self, rules: Arc<Rules>) {
        self.pipeline.set_rules(rules);
    }

    /// The main file.
    #[must_use]
    pub fn path(&self) -> &Path {
        self.main.path()
    }

    /// The session's format.
    #[must_use]
    pub fn format(&self) -> Format {
        self.format
    }

    /// The session, coaching and counters so far.
    #[must_use]
    pub fn pipeline(&self) -> &Pipeline {
        &self.pipeline
    }

    /// The clock moved without new lines: time-based signals update.
    pub fn tick(&mut self, now: crate::core::Millis) {
        self.pipeline.tick(now);
    }

    /// Forgets what the status line's figures and the rest of the session can no longer need
    /// ([`Pipeline::forget_finished`]), so the saved state stays bounded.
    pub fn forget_finished(&mut self) {
        self.pipeline.forget_finished();
    }

    /// Takes the pipeline.
    #[must_use]
    pub fn into_pipeline(self) -> Pipeline {
        self.pipeline
    }
}

/// How recent a folder's modification time must be for a listing not to trust it: a file
/// created within the same timestamp tick as the listing would leave the time unchanged.
const SETTLED: std::time::Duration = std::time::Duration::from_secs(2);

/// A folder's modification time (ns), `None` when absent, and [`i128::MIN`] when it is too
/// recent to rely on (so the next poll lists again).
fn dir_mtime(dir: &Path) -> Option<i128> {
    let m = std::fs::metadata(dir).ok()?.modified().ok()?;
    if super::clock::system()
        .duration_since(m)
        .is_ok_and(|age| age < SETTLED)
    {
        return Some(i128::MIN);
    }
    let d = m.duration_since(std::time::UNIX_EPOCH).ok()?;
    i128::try_from(d.as_nanos()).ok()
}

/// Reads a main session file and exactly these sub-agent files, coached with `rules`.
///
/// # Errors
/// When the main file cannot be read.
pub fn read_session(
    path: &Path,
    subagents: &[(String, PathBuf)],
    rules: &Arc<Rules>,
) -> Result<ReadSession, ReadError> {
    read_session_as(discover::format_of_file(path), path, subagents, rules)
}

/// [`read_session`] of a file whose format is known (a discovered session).
///
/// # Errors
/// When the main file cannot be read.
pub fn read_session_as(
    format: Format,
    path: &Path,
    subagents: &[(String, PathBuf)],
    rules: &Arc<Rules>,
) -> Result<ReadSession, ReadError> {
    SessionReader::new(
        format,
        path,
        discover::session_id(format, path),
        Listing::Fixed(subagents.to_vec()),
        rules.clone(),
    )
    .read()
}

/// The main file's bytes, whole (replay keeps them to seek in).
///
/// # Errors
/// When the file cannot be read.
pub fn main_bytes(path: &Path) -> Result<Vec<u8>, ReadError> {
    let mut bytes = Vec::new();
    let mut t = Tailer::with_growth(path, discover::format_of_file(path).growth());
    t.read_once();
    let polled = t.poll(|chunk| bytes.extend_from_slice(chunk));
    match polled.notice {
        Some(n) => Err(ReadError::from_notice(path, &n)),
        None => Ok(bytes),
    }
}

#[cfg(test)]
mod tests {
    use std::io::Write as _;

    use super::*;

    fn line(t: u32, text: &str) -> String {
        format!(
            r#"{{"type":"user","message":{{"role":"user","content":"{text}"}},"timestamp":"2026-01-01T10:00:{t:02}Z","sessionId":"s1","cwd":"/w"}}"#
        ) + "\n"
    }

    fn call(id: &str, name: &str) -> String {
        format!(
            r#"{{"type":"assistant","message":{{"id":"m{id}","content":[{{"type":"tool_use","id":"{id}","name":"{name}","input":{{"file_path":"/a"}}}}]}},"timestamp":"2026-01-01T10:00:30Z"}}"#
        ) + "\n"
    }

    fn append(path: &Path, s: &str) {
        std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)
            .unwrap()
            .write_all(s.as_bytes())
            .unwrap();
    }

    /// A session folder with a main file; returns (main file, its sub-agents folder).
    fn session(dir: &Path) -> (PathBuf, PathBuf) {
        let proj = dir.join("projects/-w");
        std::fs::create_dir_all(&proj).unwrap();
        let main = proj.join("s1.jsonl");
        append(&main, &line(1, "first"));
        (main, proj.join("s1/subagents"))
    }

    #[test]
    fn a_followed_session_finds_sub_agent_files_as_they_appear() {
        let tmp = tempfile::tempdir().unwrap();
        let (main, subs) = session(tmp.path());
        let mut r = SessionReader::follow(Format::Claude, &main, Rules::shared_default());
        let p = r.poll();
        assert!(p.main_bytes > 0 && p.notices.is_empty(), "{p:?}");
        assert!(r.pipeline().session().subagents.is_empty());
        std::fs::create_dir_all(&subs).unwrap();
        append(&subs.join("agent-a1.jsonl"), &call("t1", "Read"));
        let p = r.poll();
        assert!(p.new_agents && p.agent_bytes > 0, "{p:?}");
        let s = r.pipeline().session();
        assert_eq!(s.subagents["a1"].tally.tool_calls, 1);
        assert_eq!(
            s.subagents["a1"].file.as_deref(),
            Some(subs.join("agent-a1.jsonl").display().to_string().as_str())
        );
        let main_totals = s.totals.clone();
        // The sub-agent's file is rewritten: only its own part starts over.
        std::fs::write(
            subs.join("agent-a1.jsonl"),
            call("t2", "Grep") + &call("t3", "Grep"),
        )
        .unwrap();
        let p = r.poll();
        assert_eq!(p.notices.len(), 1, "{p:?}");
        assert!(!p.notices[0].main);
        let s = r.pipeline().session();
        assert_eq!(s.subagents["a1"].tally.tool_calls, 2);
        assert_eq!(s.totals, main_totals);
        assert_eq!(s.prompts(), 1);
        // Saved and read back (the status line), it reads on from where it stopped.
        let saved = postcard::to_stdvec(&r).unwrap();
        let mut back: SessionReader = postcard::from_bytes(&saved).unwrap();
        back.set_rules(Rules::shared_default());
        append(&main, &line(2, "second"));
        append(&subs.join("agent-a1.jsonl"), &call("t4", "Read"));
        let p = back.poll();
        assert!(
            p.main_bytes > 0 && p.agent_bytes > 0 && p.notices.is_empty(),
            "{p:?}"
        );
        assert_eq!(back.pipeline().session().prompts(), 2);
        assert_eq!(
            back.pipeline().session().subagents["a1"].tally.tool_calls,
            3
        );
        // Nothing new: nothing read.
        assert!(!back.poll().changed());
    }

    #[test]
    fn a_replaced_main_file_starts_the_whole_session_over() {
        let tmp = tempfile::tempdir().unwrap();
        let (main, subs) = session(tmp.path());
        std::fs::create_dir_all(&subs).unwrap();
        append(&subs.join("agent-a1.jsonl"), &call("t1", "Read"));
        let mut r = SessionReader::follow(Format::Claude, &main, Rules::shared_default());
        r.poll();
        append(&main, &line(2, "second"));
        r.poll();
        assert_eq!(r.pipeline().session().prompts(), 2);
        std::fs::write(&main, line(3, "only")).unwrap();
        let p = r.poll();
        assert_eq!(p.main_notice(), Some(&Notice::Truncated));
        let s = r.pipeline().session();
        assert_eq!(s.prompts(), 1);
        assert_eq!(s.subagents["a1"].tally.tool_calls, 1, "read again, once");
    }

    #[test]
    fn a_whole_read_turns_sub_agent_problems_into_warnings() {
        let tmp = tempfile::tempdir().unwrap();
        let (main, subs) = session(tmp.path());
        std::fs::create_dir_all(subs.join("agent-dir.jsonl")).unwrap();
        append(&subs.join("agent-bad.jsonl"), "not json\n");
        append(&subs.join("agent-ok.jsonl"), &call("t1", "Read"));
        let files = discover::subagents_for(Format::Claude, &main);
        assert_eq!(files.len(), 3);
        let r = read_session(&main, &files, &Rules::shared_default()).unwrap();
        assert_eq!(
            r.warnings,
            vec![
                format!(
                    "{}: 1 lines skipped",
                    subs.join("agent-bad.jsonl").display()
                ),
                format!(
                    "cannot read {}: is a directory",
                    subs.join("agent-dir.jsonl").display()
                ),
            ]
        );
        assert_eq!(r.session.subagents["ok"].tally.tool_calls, 1);
        let err = read_session(
            &tmp.path().join("nope.jsonl"),
            &[],
            &Rules::shared_default(),
        )
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            format!(
                "cannot read {}: no such file",
                tmp.path().join("nope.jsonl").display()
            )
        );
        assert!(
            main_bytes(&main)
                .unwrap()
                .starts_with(b"{\"type\":\"user\"")
        );
    }
}
