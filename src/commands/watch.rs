//! `ringside watch` (and `ringside` alone): the live coach in a split pane.

use std::io::IsTerminal;
use std::time::Duration;

use anyhow::{Result, bail};

use crate::cli::{Global, WatchArgs};
use ringside::source::follow::{FollowOptions, repository_root};
use ringside::source::live::Feed;
use ringside::source::{discover, settings};
use ringside::tui::keys::Keys;
use ringside::tui::{self, keymap::Keymap, theme::Theme};

pub fn run(args: &WatchArgs, global: &Global) -> Result<()> {
    if !std::io::stdout().is_terminal() {
        bail!(
            "watch needs a terminal; for scripts use `ringside score --json <SESSION>` or `ringside sessions --json`"
        );
    }
    let loaded = settings::load::<Keys>(global.config.as_deref())?;
    let keymap = Keymap::new(&loaded.keys);
    let rules = ringside::core::engine::Rules::new(loaded.config.clone());
    let dirs = settings::dirs();
    let _log = super::log::init(dirs.as_ref().map(|d| d.data.as_path()));
    let data_dir = dirs
        .as_ref()
        .filter(|_| loaded.config.coach.record_feedback)
        .map(|d| d.data.clone());
    let all_roots = discover::roots_from_env();
    // A fresh machine (no transcript folder of any agent) gets the demo; a machine with an agent
    // but no session yet (or none of the `--agent` asked for) gets the waiting screen, which
    // switches to the first session that starts.
    let fresh_machine = all_roots.is_empty();
    let roots = match args.agent {
        Some(a) => all_roots.only(&a.formats()),
        None => all_roots,
    };
    let mut notice = None;
    let (feed, label) = if args.demo || (fresh_machine && args.session.is_none()) {
        notice = Some(if args.demo {
            "the demo: a recorded session, played as if live".to_owned()
        } else {
            tracing::info!("no transcripts found: playing the demo");
            "no Claude Code sessions here yet: this is a recorded one".to_owned()
        });
        let speed = if args.speed.is_finite() && args.speed > 0.0 {
            args.speed
        } else {
            8.0
        };
        (
            Feed::Demo {
                bytes: super::score::DEMO,
                speed,
                max_gap: Duration::from_millis(1500),
            },
            "demo".to_owned(),
        )
    } else {
        let pinned = match &args.session {
            Some(s) => Some(discover::resolve(s)?.path),
            None => None,
        };
        let project = if args.all || pinned.is_some() {
            None
        } else {
            args.project.clone().or_else(|| {
                std::env::current_dir()
                    .ok()
                    .and_then(|d| repository_root(&d))
            })
        };
        let label = pinned
            .as_ref()
            .and_then(|p| p.file_stem())
            .map_or_else(|| "live".into(), |s| s.to_string_lossy().into_owned());
        (
            Feed::Live {
                opts: FollowOptions {
                    pinned,
                    project,
                    rules,
                    live_hint: dirs.as_ref().and_then(|d| live_hint(&d.data)),
                },
                roots: Box::new(roots),
                dismissed: dirs
                    .as_ref()
                    .map(|d| ringside::source::feedback::dismissals(&d.data))
                    .unwrap_or_default(),
                live_file: dirs
                    .as_ref()
                    .map(|d| ringside::source::live_session::file(&d.data)),
            },
            label,
        )
    };
    tui::run(
        feed,
        tui::Options {
            keymap,
            theme: Theme::from_env(),
            data_dir,
            session_label: label,
            command: command(),
            notice,
        },
    )
}

/// How to run ringside again, for hints: `cargo run --release --` when this binary is a build
/// in a checkout's `target/` (nothing is installed on PATH then), else `ringside`.
pub(crate) fn command() -> String {
    let exe = std::env::current_exe().ok();
    let profile = exe
        .as_deref()
        .and_then(std::path::Path::parent)
        .filter(|d| d.parent().and_then(|t| t.file_name()) == Some("target".as_ref()))
        .and_then(|d| d.file_name())
        .map(|p| p.to_string_lossy().into_owned());
    match profile.as_deref() {
        Some("release") => "cargo run --release --".into(),
        Some(_) => "cargo run --".into(),
        None => "ringside".into(),
    }
}

/// How long a hook's report of the live session stays worth believing.
const LIVE_HINT_HOURS: u64 = 12;

/// The transcript `ringside hook` last reported live, when it did so recently.
fn live_hint(data: &std::path::Path) -> Option<std::path::PathBuf> {
    let live = ringside::source::live_session::read(data)?;
    let at = ringside::core::Millis::parse(&live.at)?;
    (ringside::source::clock::now().since(at) <= LIVE_HINT_HOURS * 3_600_000)
        .then_some(live.transcript_path)
}
