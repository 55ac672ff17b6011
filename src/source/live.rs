//! The reader thread behind `watch`: it owns the follower (or the demo player), reads files as
//! notify reports changes, ticks the clock, and sends finished [`Dashboard`]s to the UI.
//!
//! File reads block, so they live on this std thread, never on the UI's async loop. notify is a
//! hint: a periodic re-scan catches anything it misses (or everything, where it cannot run).

use std::collections::{BTreeSet, HashMap};
use std::path::PathBuf;
use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender};
use std::time::Duration;

use crate::core::Millis;
use crate::core::pipeline::Pipeline;
use crate::core::view::{Dashboard, View, session_id};

use super::clock;
use super::discover::Roots;
use super::feedback::{self, Feedback};
use super::follow::{Change, FollowOptions, Follower};

/// How often the clock ticks (silence after trouble, the elapsed time shown).
pub const TICK: Duration = Duration::from_secs(1);
/// How often ringside re-scans for sessions and re-stats files when notify cannot run…
pub const RESCAN: Duration = Duration::from_secs(3);
/// …and, as a safety net for missed events, when it can.
pub const RESCAN_WATCHED: Duration = Duration::from_secs(30);

/// Where the dashboards come from.
pub enum Feed {
    /// Transcripts on disk.
    Live {
        opts: FollowOptions,
        /// Every agent's folders (boxed: the demo variant is small).
        roots: Box<Roots>,
        /// Nudges dismissed before this run (`feedback::dismissals`): still hidden.
        dismissed: Vec<Feedback>,
        /// `live-session.json` in the data dir, which `ringside hook` rewrites on every call:
        /// watched for the session the user prompts in.
        live_file: Option<PathBuf>,
    },
    /// The embedded demo, played `speed` times faster than recorded, gaps capped at `max_gap`.
    Demo {
        bytes: &'static [u8],
        speed: f64,
        max_gap: Duration,
    },
}

/// What the UI receives.
#[derive(Debug, Clone)]
pub enum Update {
    /// A fresh dashboard, and what is being shown.
    Dashboard(Box<Dashboard>, Showing),
    /// Nothing to show yet (no session found): where ringside is looking, and why it sees
    /// nothing.
    Waiting(Waiting),
    /// Something happened worth a line in the status bar.
    Notice(String),
    /// The recent sessions, for the picker.
    Sessions(Vec<SessionEntry>),
    /// One turn in full, as asked with [`Control::Detail`].
    Detail(Box<crate::core::view::TurnDetail>),
}

/// What is on screen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Showing {
    Live {
        path: PathBuf,
        pinned: bool,
    },
    Demo {
        finished: bool,
    },
    /// A finished session played back (`ringside replay`).
    Replay,
}

/// What the waiting screen says.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Waiting {
    /// The transcript folders looked in (or that none was found).
    pub looking_in: String,
    /// The folder sessions must be working under (the repository ringside was started in, or
    /// `--project`), when there is such a filter.
    pub project: Option<String>,
    /// Sessions that exist but are outside that filter.
    pub elsewhere: usize,
}

/// One row of the session picker.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionEntry {
    pub path: PathBuf,
    pub id: String,
    pub modified: Option<Millis>,
    pub bytes: u64,
    pub current: bool,
    /// The project folder's name, its git branch and the first prompt (sanitised), when read.
    pub project: Option<String>,
    pub branch: Option<String>,
    pub first_prompt: Option<String>,
    pub prompts: usize,
    /// Which agent wrote it.
    pub agent: &'static str,
}

/// What the UI asks of the reader.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Control {
    /// Hide the nudge at this index (the feedback file is the UI's job).
    Dismiss(usize),
    /// Follow this session.
    Pin(PathBuf),
    /// Send the recent sessions.
    ListSessions,
    /// Send the details of this turn (its index in the session).
    Detail(usize),
    /// Stop.
    Quit,
}

/// Messages into the reader thread.
#[derive(Debug)]
pub enum Msg {
    Fs(PathBuf),
    Control(Control),
}

/// Starts the reader thread. Returns the sender the UI (and the watcher) use to reach it.
///
/// # Errors
/// When the thread cannot be spawned.
pub fn spawn(
    feed: Feed,
    out: tokio::sync::mpsc::UnboundedSender<Update>,
) -> std::io::Result<Sender<Msg>> {
    let (tx, rx) = std::sync::mpsc::channel();
    let watcher_tx = tx.clone();
    std::thread::Builder::new()
        .name("ringside-reader".into())
        .spawn(move || match feed {
            Feed::Live {
                opts,
                roots,
                dismissed,
                live_file,
            } => {
                let hook = HookNote::new(live_file);
                live(opts, *roots, &dismissed, hook, &rx, &watcher_tx, &out);
            }
            Feed::Demo {
                bytes,
                speed,
                max_gap,
            } => demo(bytes, speed, max_gap, &rx, &out),
        })?;
    Ok(tx)
}

fn live(
    opts: FollowOptions,
    roots: Roots,
    earlier: &[Feedback],
    mut hook: HookNote,
    rx: &Receiver<Msg>,
    tx: &Sender<Msg>,
    out: &tokio::sync::mpsc::UnboundedSender<Update>,
) {
    let watcher = watch(&roots, tx.clone());
    if watcher.is_none() {
        let _ = out.send(Update::Notice(
            "file events unavailable: checking for changes every 3 s".into(),
        ));
    }
    let mut follower = Follower::new(opts, roots, clock::now());
    let mut picker = Picker::default();
    // Dismissed in this run, per session (an index means nothing in another session).
    let mut dismissed: HashMap<String, Vec<usize>> = HashMap::new();
    let changes = follower.start(clock::now());
    let hide = hidden(&follower, &dismissed, earlier);
    let mut shown = publish(&mut follower, &hide, &changes, out, (None, true));
    let mut last_rescan = clock::instant();
    loop {
        let (paths, controls, timed_out) = gather(rx, TICK);
        let now = clock::now();
        let mut changes = Vec::new();
        for p in &paths {
            let c = follower.on_path(p, now);
            tracing::debug!(path = %p.display(), changes = ?c, "file event");
            changes.extend(c);
        }
        for c in controls {
            match c {
                Control::Quit => return,
                Control::Dismiss(i) => {
                    if let Some(p) = follower.pipeline() {
                        dismissed
                            .entry(session_id(p.session()))
                            .or_default()
                            .push(i);
                    }
                    shown = None;
                }
                Control::Pin(p) => changes.extend(follower.pin(&p, now)),
                Control::Detail(i) => {
                    if let Some(d) = follower.pipeline().and_then(|p| View::of(p).detail(i)) {
                        let _ = out.send(Update::Detail(Box::new(d)));
                    }
                }
                Control::ListSessions => {
                    let rows = picker.rows(&mut follower);
                    let _ = out.send(Update::Sessions(rows));
                }
            }
        }
        if let Some(path) = hook.prompted_in(now) {
            changes.extend(follower.hook_reported(&path, now));
        }
        if timed_out {
            follower.tick(now);
        }
        let every = if watcher.is_some() {
            RESCAN_WATCHED
        } else {
            RESCAN
        };
        let rescanned = last_rescan.elapsed() >= every;
        if rescanned {
            changes.extend(follower.rescan(now));
            last_rescan = clock::instant();
        }
        let hide = hidden(&follower, &dismissed, earlier);
        shown = publish(&mut follower, &hide, &changes, out, (shown, rescanned));
        if out.is_closed() {
            return;
        }
    }
}

/// The hook's `live-session.json`, looked at once per loop (a `stat`; read only when it changed).
struct HookNote {
    file: Option<PathBuf>,
    seen: Option<std::time::SystemTime>,
    /// A fresh report of a transcript that did not exist yet (Claude Code writes it at the first
    /// prompt, after `SessionStart`), and when it was made: handed out once the file appears,
    /// while the report is fresh.
    waiting: Option<(PathBuf, Millis)>,
}

/// How recent a hook's report must be to move `watch` to its session.
const HOOK_FRESH_MS: u64 = 120_000;

impl HookNote {
    /// Starts from the file as it is: what it said at start was the follower's starting hint.
    fn new(file: Option<PathBuf>) -> Self {
        let seen = file.as_deref().and_then(modified);
        Self {
            file,
            seen,
            waiting: None,
        }
    }

    /// The transcript the user just prompted in or started, when the file changed to say so (or
    /// when a transcript it named before it existed has appeared since).
    fn prompted_in(&mut self, now: Millis) -> Option<PathBuf> {
        if let Some(fresh) = self.changed(now) {
            self.waiting = None;
            if fresh.0.is_file() {
                return Some(fresh.0);
            }
            self.waiting = Some(fresh);
            return None;
        }
        let (path, at) = self.waiting.take()?;
        if now.since(at) > HOOK_FRESH_MS {
            return None;
        }
        if path.is_file() {
            return Some(path);
        }
        self.waiting = Some((path, at));
        None
    }

    /// The note's transcript and time when the note changed to a fresh report of attention.
    fn changed(&mut self, now: Millis) -> Option<(PathBuf, Millis)> {
        let file = self.file.as_deref()?;
        let m = modified(file)?;
        if self.seen == Some(m) {
            return None;
        }
        self.seen = Some(m);
        let note = super::live_session::read(file.parent()?)?;
        let at = Millis::parse(&note.at)?;
        let attention = matches!(
            note.event.as_deref(),
            Some("UserPromptSubmit" | "SessionStart")
        );
        (attention && now.since(at) <= HOOK_FRESH_MS).then_some((note.transcript_path, at))
    }
}

fn modified(path: &std::path::Path) -> Option<std::time::SystemTime> {
    std::fs::metadata(path).and_then(|m| m.modified()).ok()
}

/// The followed session's nudges not to show: dismissed in this run, or before it.
fn hidden(f: &Follower, now: &HashMap<String, Vec<usize>>, earlier: &[Feedback]) -> Vec<usize> {
    let Some(p) = f.pipeline() else {
        return Vec::new();
    };
    let id = session_id(p.session());
    let mut hide = feedback::dismissed_in(earlier, &id, p.engine());
    hide.extend(now.get(&id).into_iter().flatten());
    hide
}

/// Sends what changed; returns a fingerprint of the dashboard shown, so an unchanged one is not
/// sent again (the UI redraws only on what it receives). With nothing to show, the waiting
/// screen's facts are sent at the start and after each rescan (`shown.1`).
fn publish(
    f: &mut Follower,
    dismissed: &[usize],
    changes: &[Change],
    out: &tokio::sync::mpsc::UnboundedSender<Update>,
    (shown, rescanned): (Option<Dashboard>, bool),
) -> Option<Dashboard> {
    for c in changes {
        match c {
            Change::Switched { id, reason } => {
                let _ = out.send(Update::Notice(format!(
                    "now following session {} ({reason})",
                    short_id(id)
                )));
            }
            Change::Notice(n) => {
                let _ = out.send(Update::Notice(crate::core::sanitize::one_line(n, 300)));
            }
            Change::Updated => {}
        }
    }
    let Some(d) = f.dashboard(Some(clock::now()), dismissed) else {
        if shown.is_none() && (rescanned || !changes.is_empty()) {
            let _ = out.send(Update::Waiting(waiting(f)));
        }
        return shown;
    };
    if shown.as_ref() == Some(&d) {
        return shown;
    }
    let showing = Showing::Live {
        path: f.current_path().map(PathBuf::from).unwrap_or_default(),
        pinned: f.pinned(),
    };
    let _ = out.send(Update::Dashboard(Box::new(d.clone()), showing));
    Some(d)
}

/// What the waiting screen says: where ringside looks, the project filter, and how many
/// sessions are outside it.
fn waiting(f: &mut Follower) -> Waiting {
    let looking_in = f
        .roots()
        .all_folders()
        .map(|(_, p)| p.display().to_string())
        .collect::<Vec<_>>()
        .join(", ");
    let project = f
        .project()
        .map(|p| crate::core::sanitize::one_line(&p.display().to_string(), 500));
    let elsewhere = if project.is_some() {
        f.all_sessions().1
    } else {
        0
    };
    Waiting {
        looking_in: if looking_in.is_empty() {
            "no transcript folder found".into()
        } else {
            crate::core::sanitize::one_line(&looking_in, 1000)
        },
        project,
        elsewhere,
    }
}

/// Rows the picker shows at most.
const PICKER_ROWS: usize = 60;

/// The session picker's rows, each file read once per size and modification time.
#[derive(Default)]
struct Picker {
    seen: HashMap<PathBuf, (u64, Option<Millis>, super::listing::SessionInfo)>,
}

impl Picker {
    /// The sessions to choose from: the project's first, then the others, newest first.
    fn rows(&mut self, f: &mut Follower) -> Vec<SessionEntry> {
        let current = f.current_path().map(PathBuf::from);
        let (mut files, _) = f.all_sessions();
        files.truncate(PICKER_ROWS);
        let fresh: Vec<super::discover::SessionFile> = files
            .iter()
            .filter(|s| {
                self.seen
                    .get(&s.path)
                    .is_none_or(|(size, m, _)| *size != s.size || *m != s.modified)
            })
            .cloned()
            .collect();
        for (file, info) in fresh
            .iter()
            .zip(super::listing::describe_all(&fresh, || {}))
        {
            self.seen
                .insert(file.path.clone(), (file.size, file.modified, info));
        }
        files
            .into_iter()
            .filter_map(|s| {
                let (_, _, info) = self.seen.get(&s.path)?;
                Some(SessionEntry {
                    current: current.as_deref() == Some(s.path.as_path()),
                    project: info.project().map(str::to_owned),
                    branch: info.git_branch.clone(),
                    first_prompt: info.first_prompt.clone(),
                    prompts: info.prompts,
                    agent: info.agent,
                    path: s.path,
                    id: info.id.clone(),
                    modified: info.last_activity.or(s.modified),
                    bytes: s.size,
                })
            })
            .collect()
    }
}

fn short_id(id: &str) -> &str {
    id.get(..8).unwrap_or(id)
}

/// Waits up to `timeout` for messages, then takes whatever else is queued (bursts of appends
/// become one read). Returns (paths, controls, whether it timed out).
fn gather(rx: &Receiver<Msg>, timeout: Duration) -> (BTreeSet<PathBuf>, Vec<Control>, bool) {
    let mut paths = BTreeSet::new();
    let mut controls = Vec::new();
    let first = match rx.recv_timeout(timeout) {
        Ok(m) => m,
        Err(RecvTimeoutError::Timeout) => return (paths, controls, true),
        Err(RecvTimeoutError::Disconnected) => return (paths, vec![Control::Quit], false),
    };
    let mut take = |m: Msg| match m {
        Msg::Fs(p) => {
            paths.insert(p);
        }
        Msg::Control(c) => controls.push(c),
    };
    take(first);
    while let Ok(m) = rx.try_recv() {
        take(m);
    }
    (paths, controls, false)
}

/// A recursive watcher on every projects root; `None` when notify cannot run here.
fn watch(roots: &Roots, tx: Sender<Msg>) -> Option<notify::RecommendedWatcher> {
    use notify::Watcher;
    let mut watcher = notify::recommended_watcher(move |res: notify::Result<notify::Event>| {
        let Ok(ev) = res else { return };
        if ev.kind.is_access() {
            return;
        }
        for p in ev.paths {
            if super::discover::may_be_transcript(&p) {
                // The receiver is gone only when ringside is quitting.
                let _ = tx.send(Msg::Fs(p));
            }
        }
    })
    .map_err(|e| tracing::warn!("file watcher unavailable: {e}"))
    .ok()?;
    let mut any = false;
    for (_, root) in roots.all_folders() {
        match watcher.watch(root, notify::RecursiveMode::Recursive) {
            Ok(()) => any = true,
            Err(e) => tracing::warn!("cannot watch {}: {e}", root.display()),
        }
    }
    any.then_some(watcher)
}

fn demo(
    bytes: &'static [u8],
    speed: f64,
    max_gap: Duration,
    rx: &Receiver<Msg>,
    out: &tokio::sync::mpsc::UnboundedSender<Update>,
) {
    let mut p = Pipeline::new(Some("demo".into()));
    let mut dismissed = Vec::new();
    let lines: Vec<&[u8]> = bytes
        .split(|b| *b == b'\n')
        .filter(|l| !l.is_empty())
        .collect();
    let mut last_at: Option<Millis> = None;
    let send = |p: &Pipeline, dismissed: &[usize], finished: bool| {
        let d = View::of(p).hiding(dismissed).dashboard();
        let _ = out.send(Update::Dashboard(Box::new(d), Showing::Demo { finished }));
    };
    for line in lines {
        let at = line_time(line);
        // Wait the (compressed) gap before this line, answering controls meanwhile.
        if let (Some(a), Some(b)) = (last_at, at) {
            let gap = Duration::from_millis(b.since(a))
                .div_f64(speed.max(0.1))
                .min(max_gap);
            let until = clock::instant() + gap;
            loop {
                let left = until.saturating_duration_since(clock::instant());
                if left.is_zero() {
                    break;
                }
                match rx.recv_timeout(left) {
                    Ok(Msg::Control(Control::Quit)) | Err(RecvTimeoutError::Disconnected) => return,
                    Ok(Msg::Control(Control::Dismiss(i))) => {
                        dismissed.push(i);
                        send(&p, &dismissed, false);
                    }
                    Ok(Msg::Control(Control::Detail(i))) => detail(&p, i, out),
                    Ok(_) | Err(RecvTimeoutError::Timeout) => {}
                }
            }
        }
        last_at = at.or(last_at);
        p.feed(line);
        p.feed(b"\n");
        send(&p, &dismissed, false);
    }
    send(&p, &dismissed, true);
    loop {
        match rx.recv() {
            Ok(Msg::Control(Control::Dismiss(i))) => {
                dismissed.push(i);
                send(&p, &dismissed, true);
            }
            Ok(Msg::Control(Control::Detail(i))) => detail(&p, i, out),
            Ok(Msg::Control(Control::Quit)) | Err(_) => return,
            Ok(_) => {}
        }
    }
}

fn detail(p: &Pipeline, turn: usize, out: &tokio::sync::mpsc::UnboundedSender<Update>) {
    if let Some(d) = View::of(p).detail(turn) {
        let _ = out.send(Update::Detail(Box::new(d)));
    }
}

fn line_time(line: &[u8]) -> Option<Millis> {
    #[derive(serde::Deserialize)]
    struct T<'a> {
        #[serde(borrow)]
        timestamp: Option<&'a str>,
    }
    serde_json::from_slice::<T<'_>>(line)
        .ok()?
        .timestamp
        .and_then(Millis::parse)
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::core::engine::Rules;
    use crate::source::feedback::Verdict;

    const DEMO: &str = include_str!("../../assets/demo/session.jsonl");
    const DEMO_ID: &str = "d3m0c0de-5e55-4a1e-9c0d-000000000001";

    /// A projects folder with the demo twice, under two session ids, and a follower pinned to
    /// the first.
    fn two_demos(root: &Path) -> (Follower, PathBuf, PathBuf) {
        let dir = root.join("projects/-w");
        std::fs::create_dir_all(&dir).unwrap();
        let (a, b) = (dir.join("aaaa.jsonl"), dir.join("bbbb.jsonl"));
        std::fs::write(&a, DEMO.replace(DEMO_ID, "aaaa")).unwrap();
        std::fs::write(&b, DEMO.replace(DEMO_ID, "bbbb")).unwrap();
        let roots = Roots {
            projects: vec![root.join("projects")],
            ..Roots::default()
        };
        let opts = FollowOptions {
            pinned: Some(a.clone()),
            project: None,
            rules: Rules::shared_default(),
            live_hint: None,
        };
        let mut f = Follower::new(opts, roots, Millis(0));
        f.start(Millis(0));
        (f, a, b)
    }

    #[test]
    fn the_hook_note_reports_fresh_prompts_once() {
        use crate::source::live_session::{self, LiveSession};
        let tmp = tempfile::tempdir().unwrap();
        let file = live_session::file(tmp.path());
        let now = Millis::parse("2026-02-11T12:00:00Z").unwrap();
        let mut mtime = std::time::UNIX_EPOCH + Duration::from_secs(1_000_000);
        let transcript = tmp.path().join("bbbb.jsonl");
        std::fs::write(&transcript, "{}\n").unwrap();
        let mut write = |event: &str, at: &str, transcript: &std::path::Path| {
            let note = LiveSession {
                session_id: "bbbb".into(),
                transcript_path: transcript.to_owned(),
                cwd: None,
                event: Some(event.into()),
                at: at.into(),
            };
            live_session::record(tmp.path(), &note).unwrap();
            // Each write a distinct modification time, however fast the test runs.
            mtime += Duration::from_secs(1);
            std::fs::File::options()
                .write(true)
                .open(&file)
                .unwrap()
                .set_modified(mtime)
                .unwrap();
        };
        let mut none = HookNote::new(None);
        assert_eq!(none.prompted_in(now), None);
        write("UserPromptSubmit", "2026-02-11T11:59:30Z", &transcript);
        let mut hook = HookNote::new(Some(file.clone()));
        assert_eq!(
            hook.prompted_in(now),
            None,
            "what it said at start was the hint"
        );
        write("UserPromptSubmit", "2026-02-11T11:59:50Z", &transcript);
        assert_eq!(hook.prompted_in(now), Some(transcript.clone()));
        assert_eq!(hook.prompted_in(now), None, "unchanged file: nothing new");
        write("Stop", "2026-02-11T11:59:55Z", &transcript);
        assert_eq!(
            hook.prompted_in(now),
            None,
            "a session finishing is not the user's focus"
        );
        write("SessionStart", "2026-02-11T11:50:00Z", &transcript);
        assert_eq!(hook.prompted_in(now), None, "too old");
        write("SessionStart", "2026-02-11T11:59:58Z", &transcript);
        assert_eq!(hook.prompted_in(now), Some(transcript.clone()));

        // A session started before its transcript exists: reported once it appears, while fresh.
        let later = tmp.path().join("cccc.jsonl");
        write("SessionStart", "2026-02-11T11:59:58Z", &later);
        assert_eq!(hook.prompted_in(now), None, "no file yet");
        assert_eq!(hook.prompted_in(now), None, "still none");
        std::fs::write(&later, "{}\n").unwrap();
        assert_eq!(hook.prompted_in(now), Some(later.clone()), "it appeared");
        assert_eq!(hook.prompted_in(now), None, "once");
        let stale = tmp.path().join("dddd.jsonl");
        write("SessionStart", "2026-02-11T11:59:59Z", &stale);
        assert_eq!(hook.prompted_in(now), None);
        std::fs::write(&stale, "{}\n").unwrap();
        let much_later = Millis::parse("2026-02-11T12:05:00Z").unwrap();
        assert_eq!(
            hook.prompted_in(much_later),
            None,
            "the report went stale first"
        );
    }

    #[test]
    fn dismissals_belong_to_their_session() {
        let tmp = tempfile::tempdir().unwrap();
        let (mut f, _, b) = two_demos(tmp.path());
        let nudges = f.pipeline().unwrap().engine().nudges.len();
        assert!(nudges > 0, "the demo nudges");
        let mut now = HashMap::new();
        now.insert("aaaa".to_owned(), vec![0]);
        assert_eq!(hidden(&f, &now, &[]), vec![0]);
        // The same index in another session is another nudge: still shown there.
        f.pin(&b, Millis(0));
        assert_eq!(f.pipeline().unwrap().session().id.as_deref(), Some("bbbb"));
        assert!(hidden(&f, &now, &[]).is_empty());
        // Dismissed in an earlier run (feedback file): hidden again, by signal and line.
        let n = &f.pipeline().unwrap().engine().nudges[0];
        let earlier = Feedback {
            at: String::new(),
            session: "bbbb".into(),
            signal: n.signal.code().into(),
            line: n.at_line.0,
            verdict: Verdict::Dismissed,
        };
        assert_eq!(hidden(&f, &now, &[earlier]), vec![0]);
    }
}
