//! `ringside hook --agent codex`: Codex's `notify` program. Codex runs it after every turn with
//! one JSON argument appended (`{"type": "agent-turn-complete", "thread-id", "turn-id", "cwd",
//! "input-messages", "last-assistant-message"}`), and shows nothing it prints. So it:
//! - records the live session (the thread's rollout) for `watch`, as the Claude Code hook does;
//! - reads the rollout through the status line's saved state and, when a nudge is due that was
//!   not handed out yet, prints it (one line) and marks it shown;
//! - runs the notify program the user had before (the arguments before the JSON, kept by
//!   `install codex-notify`), with the same notification, the nudge in front of
//!   `last-assistant-message` when one is due: a desktop notifier then shows it.
//!
//! Read-only towards Codex: it never writes Codex's files, and always exits 0.

use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::Duration;

use crate::cli::{Global, HookArgs};
use ringside::core::agents::Format;
use ringside::source::agents::codex;
use ringside::source::atomic::{self, Durability};
use ringside::source::discover;
use ringside::source::live_session::{self, LiveSession};
use ringside::source::settings;

use super::{hook, inside};

/// How long the kept notify program may run before ringside stops waiting for it.
const KEPT_TIMEOUT: Duration = Duration::from_secs(10);

/// The notification's fields ringside reads.
#[derive(Debug, Default, PartialEq, Eq)]
struct Notification {
    kind: Option<String>,
    thread: Option<String>,
    cwd: Option<String>,
}

fn parse(json: &str) -> Option<(Notification, serde_json::Map<String, serde_json::Value>)> {
    let value: serde_json::Value = serde_json::from_str(json).ok()?;
    let obj = value.as_object()?.clone();
    let text = |k: &str| {
        obj.get(k)
            .and_then(serde_json::Value::as_str)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
    };
    Some((
        Notification {
            kind: text("type"),
            thread: text("thread-id").or_else(|| text("thread_id")),
            cwd: text("cwd"),
        },
        obj,
    ))
}

pub fn run(args: &HookArgs, global: &Global) {
    let Some((json, kept)) = args.args.split_last() else {
        tracing::info!("codex notify: no notification argument");
        return;
    };
    let parsed = parse(json);
    let nudge = parsed
        .as_ref()
        .and_then(|(n, _)| nudge_for(n, args, global));
    if let Some(line) = &nudge {
        println!("{line}");
    }
    if kept.is_empty() {
        return;
    }
    // The user's own notifier gets the same notification, the nudge in front when one is due.
    let forward = match (&nudge, parsed) {
        (Some(line), Some((_, mut obj))) => {
            let last = obj
                .get("last-assistant-message")
                .and_then(serde_json::Value::as_str)
                .unwrap_or("")
                .to_owned();
            obj.insert(
                "last-assistant-message".into(),
                format!("{line}\n\n{last}").trim_end().into(),
            );
            obj.insert("ringside".into(), serde_json::json!({ "nudge": line }));
            serde_json::Value::Object(obj).to_string()
        }
        _ => json.clone(),
    };
    run_kept(kept, &forward);
}

/// The line to show when a nudge is due for the notification's thread (marking it shown).
fn nudge_for(n: &Notification, args: &HookArgs, global: &Global) -> Option<String> {
    if n.kind
        .as_deref()
        .is_some_and(|k| k != "agent-turn-complete")
    {
        tracing::info!(kind = ?n.kind, "codex notify: not a turn's end");
        return None;
    }
    let thread = n.thread.as_deref()?;
    let dirs = settings::dirs()?;
    let roots = discover::roots_from_env();
    let Some(rollout) = rollout(&roots, thread) else {
        tracing::info!(thread, "codex notify: no rollout for this thread");
        return None;
    };
    let now = inside::now(args.now.as_deref());
    let live = LiveSession {
        session_id: thread.to_owned(),
        transcript_path: rollout.clone(),
        cwd: n.cwd.clone(),
        event: Some("agent-turn-complete".into()),
        at: now.to_string(),
    };
    if let Err(e) = live_session::record(&dirs.data, &live) {
        tracing::warn!("cannot record the live session: {e}");
    }
    let (rules, _) = inside::rules(global);
    if !rules.config.hook.system_message {
        return None;
    }
    let scored = inside::score_format(Format::Codex, &rollout, &rules, now)?;
    if scored.catching_up.is_some() {
        return None;
    }
    let dismissed = inside::dismissed(&scored);
    let nudge = scored.view(now, &dismissed).glance().nudge?;
    let marks = hook::marks_file(&dirs.cache, &rollout);
    let mut shown = hook::read_shown(&marks);
    if shown.user.is_some_and(|i| i >= nudge.index) {
        return None;
    }
    shown.user = Some(nudge.index);
    if let Ok(json) = serde_json::to_vec(&shown)
        && let Err(e) = atomic::write(&marks, &json, Durability::Unsynced)
    {
        tracing::warn!("cannot save which nudges were shown: {e}");
    }
    Some(hook::system_message(&nudge))
}

fn rollout(roots: &discover::Roots, thread: &str) -> Option<PathBuf> {
    codex::rollout_of(roots.folders(Format::Codex), thread)
}

/// Runs the kept notify program with `json` appended, without a shell, and waits a little.
fn run_kept(program: &[String], json: &str) {
    let Some((exe, rest)) = program.split_first() else {
        return;
    };
    let spawned = Command::new(exe)
        .args(rest)
        .arg(json)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn();
    let mut child = match spawned {
        Ok(c) => c,
        Err(e) => {
            tracing::warn!("the kept notify program `{exe}` could not start: {e}");
            return;
        }
    };
    let deadline = ringside::source::clock::instant() + KEPT_TIMEOUT;
    while ringside::source::clock::instant() < deadline {
        if matches!(child.try_wait(), Ok(Some(_))) {
            return;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    tracing::warn!("the kept notify program `{exe}` ran past {KEPT_TIMEOUT:?}: left running");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_notification_is_read_leniently() {
        let (n, obj) = parse(
            r#"{"type":"agent-turn-complete","thread-id":"019c","turn-id":"t","cwd":"/w","input-messages":["x"],"last-assistant-message":"done"}"#,
        )
        .unwrap();
        assert_eq!(
            n,
            Notification {
                kind: Some("agent-turn-complete".into()),
                thread: Some("019c".into()),
                cwd: Some("/w".into()),
            }
        );
        assert_eq!(obj.len(), 6);
        assert!(parse("not json").is_none());
        assert!(parse("[1]").is_none());
        assert_eq!(parse(r#"{"thread-id":7}"#).unwrap().0.thread, None);
    }
}
