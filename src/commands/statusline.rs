//! `ringside statusline`: Claude Code's status line command.
//!
//! Claude Code pipes a JSON object (session id, `transcript_path`, cwd, model…) to the command
//! after each assistant message and shows each line it prints as a status row. ringside scores
//! the transcript through its saved state (only the new bytes are read), and prints one row (or
//! two, `[statusline] lines`): actions this turn, actions per prompt, the risk band, and the
//! current nudge's headline, within `COLUMNS`, coloured unless `NO_COLOR` is set.
//!
//! A status line must never break the agent's UI: bad or missing input, an unreadable
//! transcript or a broken config print nothing harmful, log the reason, and exit 0.
//! `--chain CMD` runs the user's previous status line command first, with the same stdin, and
//! prints its output above ringside's.

use std::io::{Read as _, Write as _};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use crate::cli::{Global, StatuslineArgs};
use ringside::report::status::{self, Layout};

use super::inside;

/// Width when `COLUMNS` is not set (Claude Code sets it from v2.1.153).
const DEFAULT_WIDTH: usize = 120;
/// Most output taken from a chained command.
const CHAIN_OUTPUT_LIMIT: u64 = 64 << 10;
/// The call's time budget beyond stdin and the chained command's own timeout.
const BUDGET: Duration = Duration::from_secs(2);

/// Runs the status line; every problem is logged, none is returned.
pub fn run(args: &StatuslineArgs, global: &Global) {
    inside::init_log();
    let (rules, config_error) = inside::rules(global);
    let chain_timeout = Duration::from_millis(rules.config.statusline.chain_timeout_ms);
    let budget = inside::STDIN_WAIT
        + BUDGET
        + args
            .chain
            .as_ref()
            .map_or(Duration::ZERO, |_| chain_timeout);
    inside::watchdog(budget, "the status line");
    let input = inside::read_stdin();
    if let Some(cmd) = &args.chain {
        // Printed at once: should ringside's own part run out of time, the user's line stays.
        let mut out = chain(cmd, input.as_deref().unwrap_or_default(), chain_timeout);
        if !out.is_empty() && !out.ends_with('\n') {
            out.push('\n');
        }
        print(&out);
    }
    let mut out = String::new();
    for row in own_rows(input.as_deref(), &rules, config_error, args.now.as_deref()) {
        out.push_str(&row);
        out.push('\n');
    }
    print(&out);
}

fn print(s: &str) {
    if s.is_empty() {
        return;
    }
    let mut stdout = std::io::stdout().lock();
    let _ = stdout.write_all(s.as_bytes());
    let _ = stdout.flush();
}

fn own_rows(
    input: Option<&[u8]>,
    rules: &std::sync::Arc<ringside::core::engine::Rules>,
    config_error: Option<ringside::source::settings::SettingsError>,
    now: Option<&str>,
) -> Vec<String> {
    let layout = Layout {
        width: width(),
        lines: rules.config.statusline.lines,
        color: std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()),
    };
    if config_error.is_some() {
        // Say so, briefly: the user should know their settings are being ignored.
        let msg = "ringside: config error, using defaults (run `ringside config`)";
        return vec![ringside::core::sanitize::one_line(msg, layout.width)];
    }
    let Some(payload) = input.and_then(inside::parse_payload) else {
        return Vec::new();
    };
    let Some(transcript) = payload.transcript_path else {
        tracing::info!("statusLine payload without transcript_path");
        return Vec::new();
    };
    let now = inside::now(now);
    let Some(scored) = inside::score(&transcript, rules, now) else {
        return Vec::new();
    };
    if let Some(b) = scored.catching_up {
        return vec![catching_up(b, layout.width)];
    }
    let dismissed = inside::dismissed(&scored);
    status::rows(&scored.view(now, &dismissed).glance(), layout)
}

/// The line while a session too big for one call is read over several: how far reading got.
fn catching_up(b: ringside::source::snapshot::Behind, width: usize) -> String {
    let total = b.main_read + b.main_left;
    let pct = (b.main_read * 100).checked_div(total).unwrap_or(0).min(99);
    let msg = format!("ringside: reading this session, {pct}% so far (the next calls go on)");
    ringside::core::sanitize::one_line(&msg, width)
}

/// `COLUMNS` when set and sane, else a default.
fn width() -> usize {
    std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.trim().parse::<usize>().ok())
        .filter(|c| *c > 0)
        .map_or(DEFAULT_WIDTH, |c| c.min(1000))
}

/// Runs `cmd` through the shell with `input` on its stdin and returns its stdout (as the user's
/// own status line wrote it: colours and links pass through). A command that fails to start,
/// or runs past `timeout`, is logged and contributes nothing.
fn chain(cmd: &str, input: &[u8], timeout: Duration) -> String {
    let spawned = Command::new("sh")
        .arg("-c")
        .arg(cmd)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn();
    let mut child = match spawned {
        Ok(c) => c,
        Err(e) => {
            tracing::warn!("--chain command could not start: {e}");
            return String::new();
        }
    };
    if let Some(mut stdin) = child.stdin.take() {
        let input = input.to_vec();
        // A command that never reads its stdin must not block us: write from a thread.
        std::thread::spawn(move || {
            let _ = stdin.write_all(&input);
        });
    }
    let (tx, rx) = mpsc::channel();
    if let Some(stdout) = child.stdout.take() {
        std::thread::spawn(move || {
            let mut buf = Vec::new();
            let _ = stdout.take(CHAIN_OUTPUT_LIMIT).read_to_end(&mut buf);
            let _ = tx.send(buf);
        });
    }
    let out = match rx.recv_timeout(timeout) {
        Ok(buf) => String::from_utf8_lossy(&buf).into_owned(),
        Err(_) => {
            tracing::warn!("--chain command gave no output within {timeout:?}: left out");
            let _ = child.kill();
            String::new()
        }
    };
    // Reap it if it has finished; a command still running after closing stdout is left to exit.
    let _ = child.try_wait();
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use ringside::source::snapshot::Behind;

    #[test]
    fn the_catching_up_line_says_how_far_reading_got_and_never_100_percent() {
        let line = |main_read, main_left| {
            catching_up(
                Behind {
                    main_read,
                    main_left,
                },
                120,
            )
        };
        assert!(line(41, 59).contains(" 41% so far"), "{}", line(41, 59));
        assert!(line(999, 1).contains(" 99% "), "{}", line(999, 1));
        assert!(line(0, 0).contains(" 0% "));
        assert!(
            catching_up(
                Behind {
                    main_read: 1,
                    main_left: 1
                },
                20
            )
            .chars()
            .count()
                <= 20
        );
    }
}
