//! [`Follower`]: which session `watch` follows, read incrementally with its sub-agent files.
//!
//! Policy (documented in the README):
//! - A pinned session (`--session`) is followed whatever else happens.
//! - Otherwise the most recently written main session is followed, among those whose working
//!   directory is under the project filter (`--project DIR`; by default the git repository
//!   ringside was started in, else every project).
//! - When another session writes, ringside switches to it if it is new since following began
//!   (a fresh `claude`, or `/clear`) or if the followed one has been quiet for
//!   [`SWITCH_AFTER_QUIET`]: two agents working at once do not make the screen flip back and forth.
//!
//! Nothing here blocks on the filesystem beyond reading appended bytes; notify events are hints
//! (`on_path`), and [`Follower::poll`] re-stats as a fallback.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::core::Millis;
use crate::core::agents::Format;
use crate::core::engine::Rules;
use crate::core::pipeline::Pipeline;
use crate::core::view::{Dashboard, View};

use super::discover::{self, Roots, SessionFile};
use super::read::SessionReader;

/// How long the followed session must be quiet before another (older) one may take over.
pub const SWITCH_AFTER_QUIET: u64 = 30_000;

/// What to follow.
#[derive(Debug, Clone)]
pub struct FollowOptions {
    /// Follow exactly this file.
    pub pinned: Option<PathBuf>,
    /// Only sessions whose working directory is under this folder.
    pub project: Option<PathBuf>,
    pub rules: Arc<Rules>,
    /// The transcript `ringside hook` last reported live (`live-session.json`), if recent:
    /// preferred at start over the newest file by modification time.
    pub live_hint: Option<PathBuf>,
}

/// Something the user should see.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    /// New lines were read.
    Updated,
    /// Now following another session.
    Switched { id: String, reason: String },
    /// A message (truncation, deletion, an unreadable file).
    Notice(String),
}

/// A session being followed.
struct Followed {
    path: PathBuf,
    format: Format,
    reader: SessionReader,
    /// When this session last grew (the follower's clock).
    last_growth: Millis,
}

/// See the module docs.
pub struct Follower {
    opts: FollowOptions,
    roots: Roots,
    current: Option<Followed>,
    started: Millis,
    cwd_cache: HashMap<PathBuf, Option<String>>,
}

impl Follower {
    /// A follower over these roots; call [`Self::start`] next.
    #[must_use]
    pub fn new(opts: FollowOptions, roots: Roots, now: Millis) -> Self {
        Self {
            opts,
            roots,
            current: None,
            started: now,
            cwd_cache: HashMap::new(),
        }
    }

    /// The roots being watched.
    #[must_use]
    pub fn roots(&self) -> &Roots {
        &self.roots
    }

    /// Picks the session to follow and reads it.
    pub fn start(&mut self, now: Millis) -> Vec<Change> {
        if let Some(p) = self.opts.pinned.clone() {
            return self.switch(&p, "pinned with --session", now);
        }
        let candidates = self.candidates();
        // The hook's word beats modification times, when it names a session we would follow.
        if let Some(hint) = self.opts.live_hint.clone()
            && candidates.iter().any(|s| s.path == hint)
        {
            return self.switch(
                &hint,
                "the session your Claude Code hook reported live",
                now,
            );
        }
        match candidates.into_iter().next() {
            Some(s) => self.switch(&s.path, "following the latest session", now),
            None => Vec::new(),
        }
    }

    /// Main session files matching the project filter, newest first.
    #[must_use]
    pub fn candidates(&mut self) -> Vec<SessionFile> {
        let all = discover::sessions(&self.roots);
        all.into_iter()
            .filter(|s| self.matches_project(&s.path))
            .collect()
    }

    /// The folder sessions must be working under, when there is such a filter.
    #[must_use]
    pub fn project(&self) -> Option<&Path> {
        self.opts.project.as_deref()
    }

    /// Every session under the roots, those of the project filter first, each newest first;
    /// and how many are outside the filter.
    pub fn all_sessions(&mut self) -> (Vec<SessionFile>, usize) {
        let (mut mine, others): (Vec<SessionFile>, Vec<SessionFile>) =
            discover::sessions(&self.roots)
                .into_iter()
                .partition(|s| self.matches_project(&s.path));
        let elsewhere = others.len();
        mine.extend(others);
        (mine, elsewhere)
    }

    /// Follows `path` from now on (the session picker).
    pub fn pin(&mut self, path: &Path, now: Millis) -> Vec<Change> {
        self.opts.pinned = Some(path.to_path_buf());
        self.switch(path, "chosen in the session list", now)
    }

    /// `ringside hook` reported that the user just prompted in (or started) the session at
    /// `path`: follow it, unless a session is pinned, it is already followed, or it is not a main
    /// session under the transcript roots that matches the project filter. This is what tells
    /// two live sessions apart: modification times alone would keep following the other one
    /// while it works.
    pub fn hook_reported(&mut self, path: &Path, now: Millis) -> Vec<Change> {
        let Some(format) = self.roots.format_of(path) else {
            return Vec::new();
        };
        if self.opts.pinned.is_some()
            || self.current_path() == Some(path)
            || !discover::is_main_session(format, path)
            || !path.is_file()
            || !self.matches_project(path)
        {
            return Vec::new();
        }
        self.switch(path, "your Claude Code hook reported it live", now)
    }

    /// The followed session's file, if any.
    #[must_use]
    pub fn current_path(&self) -> Option<&Path> {
        self.current.as_ref().map(|c| c.path.as_path())
    }

    /// Whether a session is pinned.
    #[must_use]
    pub fn pinned(&self) -> bool {
        self.opts.pinned.is_some()
    }

    /// A filesystem event for `path` (a hint: the path is re-read or re-stated).
    pub fn on_path(&mut self, path: &Path, now: Millis) -> Vec<Change> {
        let main_session = self
            .roots
            .format_of(path)
            .is_some_and(|f| discover::is_main_session(f, path));
        let Some(cur) = &self.current else {
            return if self.opts.pinned.is_none() && main_session && self.matches_project(path) {
                self.switch(path, "a session started", now)
            } else {
                Vec::new()
            };
        };
        if path == cur.path || discover::is_part_of(cur.format, path, &cur.path) {
            return self.poll(now);
        }
        if self.opts.pinned.is_some() || !main_session || !path.exists() {
            return Vec::new();
        }
        let quiet = now.since(cur.last_growth) >= SWITCH_AFTER_QUIET;
        let fresh = created(path).is_some_and(|c| c >= self.started);
        if (quiet || fresh) && self.matches_project(path) {
            let reason = if fresh {
                "a new session started"
            } else {
                "the previous session went quiet"
            };
            return self.switch(path, reason, now);
        }
        Vec::new()
    }

    /// Reads whatever the followed files gained (also the fallback when events are missed).
    pub fn poll(&mut self, now: Millis) -> Vec<Change> {
        let Some(cur) = &mut self.current else {
            return Vec::new();
        };
        let polled = cur.reader.poll();
        let mut changes: Vec<Change> = polled
            .notices
            .iter()
            .map(|n| Change::Notice(n.describe()))
            .collect();
        if polled.main_bytes > 0 || polled.agent_bytes > 0 {
            cur.last_growth = now;
            changes.push(Change::Updated);
        }
        changes
    }

    /// Looks for a session that should take over (when filesystem events are unavailable).
    pub fn rescan(&mut self, now: Millis) -> Vec<Change> {
        if self.opts.pinned.is_some() {
            return self.poll(now);
        }
        let newest = self.candidates().into_iter().next();
        match (newest, &self.current) {
            (Some(n), Some(cur)) if n.path != cur.path => {
                let mut changes = self.poll(now);
                changes.extend(self.on_path(&n.path, now));
                changes
            }
            (Some(n), None) => self.switch(&n.path, "a session started", now),
            _ => self.poll(now),
        }
    }

    /// The clock moved: time-based signals update.
    pub fn tick(&mut self, now: Millis) {
        if let Some(cur) = &mut self.current {
            cur.reader.tick(now);
        }
    }

    /// The dashboard of the followed session.
    #[must_use]
    pub fn dashboard(&self, now: Option<Millis>, dismissed: &[usize]) -> Option<Dashboard> {
        let p = self.pipeline()?;
        Some(View::of(p).at(now).hiding(dismissed).dashboard())
    }

    /// The followed session's pipeline (for feedback records and tests).
    #[must_use]
    pub fn pipeline(&self) -> Option<&Pipeline> {
        self.current.as_ref().map(|c| c.reader.pipeline())
    }

    fn switch(&mut self, path: &Path, reason: &str, now: Millis) -> Vec<Change> {
        let format = self
            .roots
            .format_of(path)
            .unwrap_or_else(|| discover::format_of_file(path));
        let id = discover::session_id(format, path).unwrap_or_else(|| "session".to_owned());
        // Claude Code is the default; another agent's session says whose it is.
        let reason = if format == Format::Claude {
            reason.to_owned()
        } else {
            format!("a {} session: {reason}", format.short())
        };
        self.current = Some(Followed {
            path: path.to_path_buf(),
            format,
            reader: SessionReader::follow(format, path, self.opts.rules.clone()),
            last_growth: now,
        });
        let mut changes = vec![Change::Switched { id, reason }];
        changes.extend(self.poll(now));
        changes
    }

    fn matches_project(&mut self, path: &Path) -> bool {
        let Some(project) = self.opts.project.clone() else {
            return true;
        };
        let format = self
            .roots
            .format_of(path)
            .unwrap_or_else(|| discover::format_of_file(path));
        let cwd = self
            .cwd_cache
            .entry(path.to_path_buf())
            .or_insert_with(|| discover::first_cwd(format, path))
            .clone();
        cwd.is_some_and(|c| Path::new(&c).starts_with(&project))
    }
}

fn created(path: &Path) -> Option<Millis> {
    let meta = std::fs::metadata(path).ok()?;
    let t = meta.created().or_else(|_| meta.modified()).ok()?;
    let d = t.duration_since(std::time::UNIX_EPOCH).ok()?;
    Some(Millis(i64::try_from(d.as_millis()).ok()?))
}

/// The git repository containing `dir`, if any (the default project filter).
#[must_use]
pub fn repository_root(dir: &Path) -> Option<PathBuf> {
    dir.ancestors()
        .find(|d| d.join(".git").exists())
        .map(Path::to_path_buf)
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use super::*;

    fn line(session: &str, cwd: &str, text: &str) -> String {
        format!(
            r#"{{"type":"user","message":{{"role":"user","content":"{text}"}},"sessionId":"{session}","cwd":"{cwd}","timestamp":"2026-01-01T10:00:00Z"}}"#
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

    fn follower(root: &Path, project: Option<&str>) -> Follower {
        let roots = Roots {
            projects: vec![root.join("projects")],
            ..Roots::default()
        };
        let opts = FollowOptions {
            pinned: None,
            project: project.map(PathBuf::from),
            rules: Rules::shared_default(),
            live_hint: None,
        };
        Follower::new(opts, roots, Millis(0))
    }

    fn prompts(f: &Follower) -> usize {
        f.pipeline().map_or(0, |p| p.session().prompts())
    }

    #[test]
    fn follows_appends_and_a_new_session() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("projects/-w");
        std::fs::create_dir_all(&dir).unwrap();
        let a = dir.join("aaaa.jsonl");
        append(&a, &line("aaaa", "/w", "first"));
        let mut f = follower(tmp.path(), None);
        let changes = f.start(Millis(1000));
        assert!(matches!(&changes[0], Change::Switched { id, .. } if id == "aaaa"));
        append(&a, &line("aaaa", "/w", "second"));
        assert_eq!(f.on_path(&a, Millis(2000)), vec![Change::Updated]);
        assert_eq!(prompts(&f), 2);
        // A session created after following began takes over at once.
        let b = dir.join("bbbb.jsonl");
        append(&b, &line("bbbb", "/w", "new"));
        let changes = f.on_path(&b, Millis(3000));
        assert!(
            matches!(&changes[0], Change::Switched { id, reason } if id == "bbbb" && reason.contains("new"))
        );
        assert_eq!(prompts(&f), 1);
    }

    #[test]
    fn a_pinned_session_stays_put_and_the_project_filter_applies() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("projects/-x");
        std::fs::create_dir_all(&dir).unwrap();
        let mine = dir.join("mine.jsonl");
        append(&mine, &line("mine", "/home/me/app", "hi"));
        let other = dir.join("other.jsonl");
        append(&other, &line("other", "/home/me/elsewhere", "hi"));
        let mut f = follower(tmp.path(), Some("/home/me/app"));
        f.start(Millis(0));
        assert_eq!(f.current_path(), Some(mine.as_path()));
        append(&other, &line("other", "/home/me/elsewhere", "more"));
        assert!(
            f.on_path(&other, Millis(60_000)).is_empty(),
            "other project"
        );
        f.pin(&mine, Millis(0));
        let third = dir.join("third.jsonl");
        append(&third, &line("third", "/home/me/app", "x"));
        assert!(f.on_path(&third, Millis(90_000)).is_empty(), "pinned");
    }

    #[test]
    fn truncation_rereads_and_says_so() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("projects/-w");
        std::fs::create_dir_all(&dir).unwrap();
        let a = dir.join("aaaa.jsonl");
        append(
            &a,
            &(line("aaaa", "/w", "one") + &line("aaaa", "/w", "two")),
        );
        let mut f = follower(tmp.path(), None);
        f.start(Millis(0));
        assert_eq!(prompts(&f), 2);
        std::fs::write(&a, line("aaaa", "/w", "only")).unwrap();
        let changes = f.poll(Millis(10));
        assert!(
            changes
                .iter()
                .any(|c| matches!(c, Change::Notice(n) if n.contains("truncated"))),
            "{changes:?}"
        );
        assert_eq!(prompts(&f), 1);
    }

    #[test]
    fn sub_agent_files_count_into_the_session() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("projects/-w");
        std::fs::create_dir_all(dir.join("aaaa/subagents")).unwrap();
        append(&dir.join("aaaa.jsonl"), &line("aaaa", "/w", "go"));
        let mut f = follower(tmp.path(), None);
        f.start(Millis(0));
        let sub = dir.join("aaaa/subagents/agent-x1.jsonl");
        append(
            &sub,
            r#"{"type":"assistant","isSidechain":true,"agentId":"x1","message":{"id":"m1","content":[{"type":"tool_use","id":"t1","name":"Read","input":{"file_path":"/a"}}]}}"#,
        );
        append(&sub, "\n");
        assert_eq!(f.on_path(&sub, Millis(5)), vec![Change::Updated]);
        let s = f.pipeline().unwrap().session();
        assert_eq!(s.subagents["x1"].tally.tool_calls, 1);
    }

    #[test]
    fn a_prompt_reported_by_the_hook_moves_watch_to_its_session() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("projects/-w");
        std::fs::create_dir_all(&dir).unwrap();
        let (a, b) = (dir.join("aaaa.jsonl"), dir.join("bbbb.jsonl"));
        append(&a, &line("aaaa", "/w", "one"));
        append(&b, &line("bbbb", "/w", "two"));
        let mut f = follower(tmp.path(), None);
        f.pin(&a, Millis(0));
        f.opts.pinned = None;
        let changes = f.hook_reported(&b, Millis(1));
        assert!(matches!(&changes[0], Change::Switched { id, .. } if id == "bbbb"));
        assert_eq!(f.current_path(), Some(b.as_path()));
        assert!(
            f.hook_reported(&b, Millis(2)).is_empty(),
            "already followed"
        );
        // Not a main session under the roots, or gone: ignored.
        let agent = dir.join("agent-x.jsonl");
        append(&agent, &line("aaaa", "/w", "sub"));
        let outside = tmp.path().join("elsewhere/cccc.jsonl");
        std::fs::create_dir_all(outside.parent().unwrap()).unwrap();
        append(&outside, &line("cccc", "/w", "three"));
        for p in [agent, outside, dir.join("gone.jsonl")] {
            assert!(f.hook_reported(&p, Millis(3)).is_empty(), "{}", p.display());
        }
        // A session the user pinned stays, whatever the hook says.
        f.pin(&b, Millis(4));
        assert!(f.hook_reported(&a, Millis(5)).is_empty());
        assert_eq!(f.current_path(), Some(b.as_path()));
        // Outside the project filter: ignored.
        let mut f = follower(tmp.path(), Some("/elsewhere"));
        f.start(Millis(0));
        assert!(f.hook_reported(&a, Millis(6)).is_empty());
    }

    #[test]
    fn the_hooks_live_session_is_preferred_at_start() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("projects/-w");
        std::fs::create_dir_all(&dir).unwrap();
        let live = dir.join("live.jsonl");
        append(&live, &line("live", "/w", "the one I am typing in"));
        std::thread::sleep(std::time::Duration::from_millis(20));
        let newer = dir.join("newer.jsonl");
        append(
            &newer,
            &line("newer", "/w", "written later by something else"),
        );
        let mut f = follower(tmp.path(), None);
        f.start(Millis(0));
        assert_eq!(f.current_path(), Some(newer.as_path()), "no hint: newest");
        let mut f = follower(tmp.path(), None);
        f.opts.live_hint = Some(live.clone());
        let changes = f.start(Millis(0));
        assert_eq!(f.current_path(), Some(live.as_path()));
        assert!(matches!(&changes[0], Change::Switched { reason, .. } if reason.contains("hook")));
        // A hint outside the project filter (or gone) is ignored.
        let mut f = follower(tmp.path(), Some("/elsewhere"));
        f.opts.live_hint = Some(live);
        f.start(Millis(0));
        assert_eq!(f.current_path(), None);
    }
}
