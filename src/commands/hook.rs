//! `ringside hook`: a Claude Code hook handler for `SessionStart`, `UserPromptSubmit`, `Stop` and
//! `Notification`.
//!
//! It never blocks and never changes what the agent does by default:
//! - it always exits 0 (exit 2 would block a prompt or a stop), reads stdin to EOF or one whole
//!   JSON value, and ends within a time budget whatever it is reading;
//! - it records the live session in the data dir (`source::live_session`) for `watch`;
//! - when a nudge is due (the same one the status line and `watch` show) it shows it to the user
//!   once, as `systemMessage` JSON;
//! - only with `[hook] additional_context = true`, and only on `UserPromptSubmit`, it also hands
//!   the nudge to the agent as `additionalContext`, starting with the `[ringside]` tag, which the
//!   transcript parser recognises so ringside never scores its own text as the user's. Never on
//!   `Stop`, where additional context would make the agent carry on.
//!
//! The work is bounded by the new bytes of the transcript (the status line's saved state).

use std::io::Write as _;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::cli::{Global, HookArgs};
use ringside::core::agents::claude::INJECTED_TAG;
use ringside::core::hash::hash;
use ringside::core::view::NudgeLine;
use ringside::source::atomic::{self, Durability};
use ringside::source::live_session::{self, LiveSession};
use ringside::source::settings;

use super::inside;

/// Which nudges were already handed out for one transcript (indexes into the engine's list).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub(super) struct Shown {
    pub user: Option<usize>,
    pub agent: Option<usize>,
}

/// The call's time budget after stdin, well inside the 10 s Claude Code gives a hook.
const BUDGET: std::time::Duration = std::time::Duration::from_secs(4);

/// Handles one hook call; every problem is logged, none is returned.
pub fn run(args: &HookArgs, global: &Global) {
    inside::init_log();
    inside::watchdog(inside::STDIN_WAIT + BUDGET, "the hook");
    if args.agent == Some(crate::cli::Agent::Codex) {
        super::codex_notify::run(args, global);
        return;
    }
    let Some(payload) = inside::read_stdin().and_then(|b| inside::parse_payload(&b)) else {
        return;
    };
    let now = inside::now(args.now.as_deref());
    let event = payload.hook_event_name.clone().unwrap_or_default();
    let Some(dirs) = settings::dirs() else {
        return;
    };
    let Some(transcript) = payload.transcript_path.clone() else {
        tracing::info!(event, "hook payload without transcript_path");
        return;
    };
    if let Some(id) = payload.session_id.clone() {
        let live = LiveSession {
            session_id: id,
            transcript_path: transcript.clone(),
            cwd: payload.cwd.clone(),
            event: payload.hook_event_name.clone(),
            at: now.to_string(),
        };
        if let Err(e) = live_session::record(&dirs.data, &live) {
            tracing::warn!("cannot record the live session: {e}");
        }
    }
    if !matches!(
        event.as_str(),
        "UserPromptSubmit" | "Stop" | "SubagentStop" | "Notification"
    ) {
        return;
    }
    let (rules, _) = inside::rules(global);
    let hook = rules.config.hook.clone();
    if !hook.system_message && !hook.additional_context {
        return;
    }
    if event == "Stop" {
        settle(&transcript);
    }
    let Some(scored) = inside::score(&transcript, &rules, now) else {
        return;
    };
    if scored.catching_up.is_some() {
        // Figures of an earlier point of the session: no nudge until reading has caught up.
        return;
    }
    let dismissed = inside::dismissed(&scored);
    let Some(nudge) = scored.view(now, &dismissed).glance().nudge else {
        return;
    };
    let marks = marks_file(&dirs.cache, &transcript);
    let mut shown = read_shown(&marks);
    let mut out = serde_json::Map::new();
    if hook.system_message && shown.user.is_none_or(|i| i < nudge.index) {
        out.insert("systemMessage".into(), system_message(&nudge).into());
        shown.user = Some(nudge.index);
    }
    if hook.additional_context
        && event == "UserPromptSubmit"
        && shown.agent.is_none_or(|i| i < nudge.index)
    {
        out.insert(
            "hookSpecificOutput".into(),
            serde_json::json!({
                "hookEventName": "UserPromptSubmit",
                "additionalContext": additional_context(&nudge),
            }),
        );
        shown.agent = Some(nudge.index);
    }
    if out.is_empty() {
        return;
    }
    if let Ok(json) = serde_json::to_vec(&shown)
        && let Err(e) = atomic::write(&marks, &json, Durability::Unsynced)
    {
        tracing::warn!("cannot save which nudges were shown: {e}");
    }
    let mut stdout = std::io::stdout().lock();
    let _ = serde_json::to_writer(&mut stdout, &out);
    let _ = stdout.write_all(b"\n");
    let _ = stdout.flush();
}

/// The text shown to the user (all of it sanitised, well under Claude Code's 10,000 characters).
pub(super) fn system_message(n: &NudgeLine) -> String {
    format!("ringside ⚠ {} — {}", n.headline, n.text)
}

/// The text handed to the agent, tagged so ringside recognises it in the transcript later.
fn additional_context(n: &NudgeLine) -> String {
    format!(
        "{INJECTED_TAG} A coaching note for this session (from ringside, not from the user): {}. {}",
        n.headline, n.text
    )
}

pub(super) fn marks_file(cache: &Path, transcript: &Path) -> std::path::PathBuf {
    let key = hash(transcript.as_os_str().as_encoded_bytes());
    cache.join("hook").join(format!("{key:016x}.json"))
}

pub(super) fn read_shown(path: &Path) -> Shown {
    std::fs::read(path)
        .ok()
        .and_then(|b| serde_json::from_slice(&b).ok())
        .unwrap_or_default()
}

/// Claude Code writes the transcript asynchronously, and `Stop` can fire before the turn's last
/// lines are on disk: waits (at most a second) until the file stops growing for 150 ms.
fn settle(transcript: &std::path::Path) {
    const STEP: std::time::Duration = std::time::Duration::from_millis(75);
    let deadline = ringside::source::clock::instant() + std::time::Duration::from_secs(1);
    let size = || std::fs::metadata(transcript).map_or(0, |m| m.len());
    let (mut last, mut still) = (size(), 0);
    while still < 2 && ringside::source::clock::instant() < deadline {
        std::thread::sleep(STEP);
        let now = size();
        still = if now == last { still + 1 } else { 0 };
        last = now;
    }
}
