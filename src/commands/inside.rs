//! What `statusline` and `hook` share: Claude Code runs both as short processes with JSON on
//! stdin, and neither may ever break the agent's UI. So: stdin is read with a size cap (never
//! from a terminal) until EOF or until it holds one whole JSON value, and never waited on for
//! longer than [`STDIN_WAIT`]; the whole call has a time budget ([`watchdog`]) after which it
//! ends with exit 0 and whatever it printed so far; problems go to the log in the data dir,
//! never to the screen; and the session is scored through the saved state in the cache dir (see
//! `source::snapshot`).

use std::io::{IsTerminal as _, Read as _};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::mpsc::{self, RecvTimeoutError};
use std::time::Duration;

use crate::cli::Global;
use ringside::core::Millis;
use ringside::core::agents::Format;
use ringside::core::config::Config;
use ringside::core::engine::{Engine, Rules};
use ringside::core::pipeline::Pipeline;
use ringside::core::view::View;
use ringside::source::{clock, feedback, settings, snapshot};
use ringside::tui::keys::Keys;

/// Largest stdin accepted (Claude Code's payloads are a few KiB; a prompt can be long).
const STDIN_LIMIT: u64 = 4 << 20;

/// The fields of Claude Code's statusLine and hook payloads that ringside uses.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Payload {
    pub session_id: Option<String>,
    pub transcript_path: Option<PathBuf>,
    pub cwd: Option<String>,
    pub hook_event_name: Option<String>,
    pub notification_type: Option<String>,
}

/// Longest wait for the payload on stdin (Claude Code writes it at once and closes).
pub const STDIN_WAIT: Duration = Duration::from_secs(2);
/// How long stdin may stay open once it holds a whole JSON value (the writer's last newline).
const STDIN_LINGER: Duration = Duration::from_millis(100);

enum Chunk {
    Data(Vec<u8>),
    End,
    Failed(std::io::Error),
}

/// Stdin read to EOF, or to one whole JSON value when the writer keeps it open; `None` (logged)
/// when it is a terminal, unreadable, too large, or nothing came within [`STDIN_WAIT`].
pub fn read_stdin() -> Option<Vec<u8>> {
    if std::io::stdin().is_terminal() {
        tracing::info!("stdin is a terminal: no payload (Claude Code pipes JSON in)");
        return None;
    }
    // A thread reads, so a stdin that never closes cannot hold the call; it is left blocked
    // when the call ends.
    let (tx, rx) = mpsc::channel();
    let spawned = std::thread::Builder::new()
        .name("ringside-stdin".into())
        .spawn(move || {
            let mut stdin = std::io::stdin().lock();
            let mut buf = vec![0u8; 64 << 10];
            loop {
                let msg = match stdin.read(&mut buf) {
                    Ok(0) => Chunk::End,
                    Ok(n) => Chunk::Data(buf[..n].to_vec()),
                    Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                    Err(e) => Chunk::Failed(e),
                };
                let last = !matches!(msg, Chunk::Data(_));
                if tx.send(msg).is_err() || last {
                    return;
                }
            }
        });
    if let Err(e) = spawned {
        tracing::warn!("cannot read stdin: {e}");
        return None;
    }
    let mut deadline = clock::instant() + STDIN_WAIT;
    let mut buf = Vec::new();
    loop {
        let left = deadline.saturating_duration_since(clock::instant());
        match rx.recv_timeout(left) {
            Ok(Chunk::Data(d)) => {
                buf.extend_from_slice(&d);
                if buf.len() as u64 > STDIN_LIMIT {
                    tracing::warn!("stdin is larger than {STDIN_LIMIT} bytes: ignored");
                    return None;
                }
                if whole_json(&buf) {
                    deadline = deadline.min(clock::instant() + STDIN_LINGER);
                }
            }
            Ok(Chunk::End) | Err(RecvTimeoutError::Disconnected) => return Some(buf),
            Ok(Chunk::Failed(e)) => {
                tracing::warn!("cannot read stdin: {e}");
                return None;
            }
            Err(RecvTimeoutError::Timeout) if whole_json(&buf) => return Some(buf),
            Err(RecvTimeoutError::Timeout) => {
                tracing::warn!(
                    bytes = buf.len(),
                    "no whole payload on stdin within {STDIN_WAIT:?} and stdin still open: ignored"
                );
                return None;
            }
        }
    }
}

/// `bytes` start with one whole JSON value.
fn whole_json(bytes: &[u8]) -> bool {
    matches!(
        serde_json::Deserializer::from_slice(bytes)
            .into_iter::<serde::de::IgnoredAny>()
            .next(),
        Some(Ok(_))
    )
}

/// Ends the process with exit 0 after `budget`, whatever it is doing then (a transcript that is
/// huge, a FIFO, a slow disk): Claude Code waits for the status line and the hook, and a slow
/// one is worse than a missing one. What was printed so far stays printed.
pub fn watchdog(budget: Duration, what: &'static str) {
    let spawned = std::thread::Builder::new()
        .name("ringside-watchdog".into())
        .spawn(move || {
            std::thread::sleep(budget);
            tracing::warn!("{what} took longer than its budget of {budget:?}: stopped");
            std::process::exit(0);
        });
    if let Err(e) = spawned {
        tracing::warn!("cannot start the {what} watchdog: {e}");
    }
}

/// The payload's fields; `None` (logged) when it is not a JSON object. Wrong-typed fields are
/// ignored one by one.
pub fn parse_payload(bytes: &[u8]) -> Option<Payload> {
    let value: serde_json::Value = match serde_json::from_slice(bytes) {
        Ok(v) => v,
        Err(e) => {
            tracing::warn!("stdin is not JSON ({e}); nothing to show");
            return None;
        }
    };
    let Some(obj) = value.as_object() else {
        tracing::warn!("stdin is JSON but not an object; nothing to show");
        return None;
    };
    let text = |k: &str| {
        obj.get(k)
            .and_then(serde_json::Value::as_str)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
    };
    Some(Payload {
        session_id: text("session_id"),
        transcript_path: text("transcript_path").map(PathBuf::from),
        cwd: text("cwd"),
        hook_event_name: text("hook_event_name"),
        notification_type: text("notification_type"),
    })
}

/// Logs to `ringside.log` in the data dir (opened only when something is logged), never to the
/// terminal. `RINGSIDE_LOG` sets the filter (default `info`).
pub fn init_log() {
    super::log::init_quiet(settings::dirs().as_ref().map(|d| d.data.as_path()));
}

/// The rules, and the complaint when the config file is bad (then the defaults are used). Built
/// for one call ([`Rules::for_one_call`]): every caller reads a few new lines and exits.
pub fn rules(global: &Global) -> (Arc<Rules>, Option<settings::SettingsError>) {
    match settings::load::<Keys>(global.config.as_deref()) {
        Ok(l) => (Rules::for_one_call(l.config), None),
        Err(e) => {
            tracing::warn!("{e}; using the defaults");
            (Rules::for_one_call(Config::default()), Some(e))
        }
    }
}

/// `--now`, else the wall clock.
pub fn now(arg: Option<&str>) -> Millis {
    arg.and_then(Millis::parse).unwrap_or_else(clock::now)
}

/// A session scored up to now: the saved pipeline caught up, and a copy of its engine ticked
/// to `now` (the saved one never is, so saved state depends on bytes alone).
pub struct Scored {
    pub pipeline: Pipeline,
    pub engine: Engine,
    /// Set when the call ran out of time before the end of the main file ([`CATCH_UP`]): the
    /// figures are of an earlier point of the session, so they are not shown; the next calls
    /// read on from the state saved.
    pub catching_up: Option<snapshot::Behind>,
}

impl Scored {
    /// What the status line and the hook show: the state seen at `now`, without `dismissed`.
    pub fn view<'a>(&'a self, now: Millis, dismissed: &'a [usize]) -> View<'a> {
        View::new(self.pipeline.session(), &self.engine)
            .with_skipped(self.pipeline.skipped_total())
            .at(Some(now))
            .hiding(dismissed)
    }
}

/// The nudges of this session dismissed so far (in `watch`), which the status line and the hook
/// do not show again.
pub fn dismissed(scored: &Scored) -> Vec<usize> {
    let Some(data) = settings::dirs().map(|d| d.data) else {
        return Vec::new();
    };
    let session = ringside::core::view::session_id(scored.pipeline.session());
    feedback::dismissed_in(&feedback::dismissals(&data), &session, &scored.engine)
}

/// How long one call reads a transcript before it saves the state reached and stops (well
/// inside the status line's and the hook's budgets, with time left to save and print). A
/// session larger than a call reads in this time is read over several calls.
pub const CATCH_UP: Duration = Duration::from_secs(1);

/// Catches up on the payload's transcript (for at most [`CATCH_UP`]) and ticks a copy of the
/// engine; `None` (logged) when there is no transcript to read.
pub fn score(transcript: &Path, rules: &Arc<Rules>, now: Millis) -> Option<Scored> {
    score_format(Format::default(), transcript, rules, now)
}

/// [`score`] for a transcript of `format`.
pub fn score_format(
    format: Format,
    transcript: &Path,
    rules: &Arc<Rules>,
    now: Millis,
) -> Option<Scored> {
    let cache = settings::dirs()?.cache;
    let deadline = clock::instant() + CATCH_UP;
    let mut out_of_time = || clock::instant() >= deadline;
    match snapshot::catch_up_within(&cache, format, transcript, rules, &mut out_of_time) {
        Ok(c) => {
            let mut engine = c.pipeline.engine().clone();
            engine.tick(now, c.pipeline.session());
            Some(Scored {
                pipeline: c.pipeline,
                engine,
                catching_up: c.behind.filter(|b| b.main_left > 0),
            })
        }
        Err(e) => {
            tracing::info!("{e}");
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn payload_fields_are_read_leniently() {
        let p = parse_payload(
            br#"{"session_id":"abc","transcript_path":"/t/x.jsonl","cwd":7,"hook_event_name":"Stop"}"#,
        )
        .unwrap();
        assert_eq!(p.session_id.as_deref(), Some("abc"));
        assert_eq!(p.transcript_path, Some(PathBuf::from("/t/x.jsonl")));
        assert_eq!(p.cwd, None);
        assert_eq!(p.hook_event_name.as_deref(), Some("Stop"));
        for bad in [&b""[..], b"nope", b"[1,2]", b"\"s\"", b"{\"a\":"] {
            assert_eq!(parse_payload(bad), None);
        }
    }
}
