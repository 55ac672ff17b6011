//! `watch` speed: append-to-screen latency, idle CPU, and memory after following a big session.
//!
//! ```text
//! cargo bench --bench watch
//! RINGSIDE_BENCH_APPENDS=200 RINGSIDE_BENCH_IDLE_SECS=30 RINGSIDE_BENCH_MB=100 cargo bench --bench watch
//! ```
//!
//! Three measurements, each printed with its method:
//!
//! 1. **Latency** (in process): a generated 5 MB session in a temporary `projects/` folder is
//!    followed by the real reader thread (`source::live`, with notify and the follower), and the
//!    UI's `App` draws every update onto a ratatui `TestBackend` of 80x30, as the event loop does.
//!    A prompt line is appended (write + flush, as Claude Code does) every 20 ms; the latency is
//!    from the write returning to the frame showing that prompt being drawn. This covers inotify,
//!    reading the appended bytes, parsing, the engine, building the dashboard, the channel and the
//!    render; it leaves out only the terminal's own write of the changed cells.
//! 2. **Idle CPU** (the release binary in tmux, 80x30): `ringside watch --all` follows an
//!    unchanging session; CPU time (utime+stime from `/proc/PID/stat`) over
//!    `RINGSIDE_BENCH_IDLE_SECS` seconds, as a share of one core.
//! 3. **Memory** (same process): after it has read a `RINGSIDE_BENCH_MB` MB session (the generated
//!    one cached by the read bench, `target/bench-data/transcript-<MB>mb-seed42.jsonl`), its
//!    `VmRSS` and `VmHWM` from `/proc/PID/status`, and how long the first full screen took.
//!
//! Parts 2 and 3 need Linux and tmux; they are skipped with a notice otherwise.

#[path = "common/gen.rs"]
mod generator;
#[path = "common/util.rs"]
mod util;

use util::{env_u64, now, target_dir};

use std::fs::{self, File, OpenOptions};
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use ratatui::{Terminal, backend::TestBackend};
use ringside::core::config::Config;
use ringside::core::engine::Rules;
use ringside::source::agents::claude;
use ringside::source::follow::FollowOptions;
use ringside::source::live::{self, Feed, Update};
use ringside::tui::{app::App, keymap::Keymap, theme::Theme, view};

const SESSION_ID: &str = "0b5e55ed-0000-4000-8000-000000000001";

fn main() -> io::Result<()> {
    let appends = env_u64("RINGSIDE_BENCH_APPENDS", 200).max(10) as usize;
    let idle_secs = env_u64("RINGSIDE_BENCH_IDLE_SECS", 30).max(5);
    let mb = env_u64("RINGSIDE_BENCH_MB", 100).max(1);
    println!("ringside watch bench");
    if cfg!(debug_assertions) {
        println!("WARNING   debug build: run with `cargo bench --bench watch` for real figures");
    }
    latency(appends)?;
    match process_checks() {
        Err(why) => println!("SKIPPED   idle CPU and memory: {why}"),
        Ok(bin) => {
            idle_and_memory(&bin, idle_secs, mb)?;
        }
    }
    Ok(())
}

// =============================================================================================
// 1. Latency

fn latency(appends: usize) -> io::Result<()> {
    let dir = tempfile::tempdir()?;
    let project = dir.path().join("projects").join("-home-dev-projects-bench");
    fs::create_dir_all(&project)?;
    let file = project.join(format!("{SESSION_ID}.jsonl"));
    generator::write_transcript(BufWriter::new(File::create(&file)?), 5_000_000, 7)?;

    let roots = claude::roots(Some(&dir.path().display().to_string()), None, None);
    let feed = Feed::Live {
        opts: FollowOptions {
            pinned: None,
            project: None,
            rules: Rules::new(Config::default()),
            live_hint: None,
        },
        roots: Box::new(roots),
        dismissed: Vec::new(),
        live_file: None,
    };
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let ctl = live::spawn(feed, tx)?;
    let mut app = App::new(Keymap::default());
    let mut term = Terminal::new(TestBackend::new(80, 30)).map_err(io::Error::other)?;
    let theme = Theme { color: true };

    // The first screen: the whole 5 MB session read.
    let t0 = now();
    wait_for(&mut rx, &mut app, Duration::from_secs(60), |d| {
        d.header.prompts > 0
    })?;
    term.draw(|f| view::render(f, &mut app, theme))
        .map_err(io::Error::other)?;
    let first = t0.elapsed();

    let mut out = OpenOptions::new().append(true).open(&file)?;
    let mut samples = Vec::with_capacity(appends);
    for i in 0..appends {
        std::thread::sleep(Duration::from_millis(20));
        let marker = format!("bench prompt number {i} please");
        out.write_all(prompt_line(i, &marker).as_bytes())?;
        out.flush()?;
        let start = now();
        wait_for(&mut rx, &mut app, Duration::from_secs(10), |d| {
            d.turns.last().is_some_and(|t| t.excerpt.contains(&marker))
        })?;
        term.draw(|f| view::render(f, &mut app, theme))
            .map_err(io::Error::other)?;
        samples.push(start.elapsed());
    }
    let _ = ctl.send(live::Msg::Control(live::Control::Quit));
    samples.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "latency   {appends} appends to a 5 MB session, append → frame drawn (80x30 TestBackend)"
    );
    println!(
        "          median {:.2} ms   p90 {:.2} ms   p99 {:.2} ms   max {:.2} ms   (target p99 < 50 ms)",
        ms(pct(&samples, 50)),
        ms(pct(&samples, 90)),
        ms(pct(&samples, 99)),
        ms(*samples.last().unwrap_or(&Duration::ZERO)),
    );
    println!(
        "          first screen of the 5 MB session: {:.1} ms",
        ms(first)
    );
    Ok(())
}

/// Feeds updates to the app until a dashboard satisfies `done`.
fn wait_for(
    rx: &mut tokio::sync::mpsc::UnboundedReceiver<Update>,
    app: &mut App,
    timeout: Duration,
    done: impl Fn(&ringside::core::view::Dashboard) -> bool,
) -> io::Result<()> {
    let deadline = now() + timeout;
    loop {
        match rx.try_recv() {
            Ok(u) => {
                app.on_update(u);
                if app.dash.as_ref().is_some_and(&done) {
                    return Ok(());
                }
            }
            Err(tokio::sync::mpsc::error::TryRecvError::Empty) => {
                if now() > deadline {
                    return Err(io::Error::other("no matching screen before the timeout"));
                }
                // A tight poll keeps the measurement's own delay below 50 µs.
                std::thread::sleep(Duration::from_micros(50));
            }
            Err(e) => return Err(io::Error::other(e)),
        }
    }
}

fn prompt_line(i: usize, text: &str) -> String {
    let ms = 1_900_000_000_000_i64 + i as i64 * 1000;
    format!(
        "{{\"parentUuid\":null,\"isSidechain\":false,\"userType\":\"external\",\"cwd\":\"/home/dev/projects/bench\",\"sessionId\":\"{SESSION_ID}\",\"version\":\"2.1.39\",\"gitBranch\":\"main\",\"type\":\"user\",\"message\":{{\"role\":\"user\",\"content\":\"{text}\"}},\"uuid\":\"bench-{i}\",\"timestamp\":\"{}\"}}\n",
        generator::rfc3339_ms(ms)
    )
}

fn pct(sorted: &[Duration], p: usize) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let i = ((sorted.len() - 1) * p).div_ceil(100);
    sorted[i.min(sorted.len() - 1)]
}

// =============================================================================================
// 2 and 3. Idle CPU and memory of the real binary

/// The release binary, when this machine can run the process checks.
fn process_checks() -> Result<PathBuf, String> {
    if !Path::new("/proc/self/stat").exists() {
        return Err("no /proc (Linux only)".into());
    }
    let tmux = Command::new("tmux").arg("-V").output();
    if !tmux.is_ok_and(|o| o.status.success()) {
        return Err("tmux is not installed".into());
    }
    Ok(PathBuf::from(env!("CARGO_BIN_EXE_ringside")))
}

fn idle_and_memory(bin: &Path, idle_secs: u64, mb: u64) -> io::Result<()> {
    let dir = tempfile::tempdir()?;
    let project = dir.path().join("projects").join("-home-dev-projects-bench");
    fs::create_dir_all(&project)?;
    let file = project.join(format!("{SESSION_ID}.jsonl"));
    let cached = target_dir()
        .join("bench-data")
        .join(format!("transcript-{mb}mb-seed42.jsonl"));
    if cached.exists() {
        fs::copy(&cached, &file)?;
    } else {
        generator::write_transcript(BufWriter::new(File::create(&file)?), mb * 1_000_000, 42)?;
    }
    let size = fs::metadata(&file)?.len();
    let name = format!("ringside-bench-{}", std::process::id());
    let cmd = format!(
        "exec env CLAUDE_CONFIG_DIR={} RINGSIDE_HOME={} {} watch --all",
        dir.path().display(),
        dir.path().join("home").display(),
        bin.display()
    );
    let started = now();
    let ok = Command::new("tmux")
        .args([
            "new-session",
            "-d",
            "-x",
            "80",
            "-y",
            "30",
            "-s",
            &name,
            &cmd,
        ])
        .status()?
        .success();
    if !ok {
        println!("SKIPPED   idle CPU and memory: tmux could not start a session");
        return Ok(());
    }
    let result = measure(&name, started, size, idle_secs);
    let _ = Command::new("tmux")
        .args(["kill-session", "-t", &name])
        .status();
    result
}

fn measure(name: &str, started: Instant, size: u64, idle_secs: u64) -> io::Result<()> {
    let pid = pane_pid(name)?;
    // Loaded when the header shows the prompt count ("… prompts") of the big session.
    let deadline = now() + Duration::from_secs(120);
    loop {
        let screen = capture(name)?;
        if screen.contains("prompts") && !screen.contains("waiting") {
            break;
        }
        if now() > deadline {
            return Err(io::Error::other(format!(
                "the session never showed:\n{screen}"
            )));
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let loaded = started.elapsed();
    // Let the follower settle (one tick, the first rescan) before measuring idle.
    std::thread::sleep(Duration::from_secs(2));
    let (rss, hwm) = memory(pid)?;
    let cpu0 = cpu_ticks(pid)?;
    let t0 = now();
    std::thread::sleep(Duration::from_secs(idle_secs));
    let cpu1 = cpu_ticks(pid)?;
    let wall = t0.elapsed().as_secs_f64();
    let ticks_per_sec = 100.0; // USER_HZ on Linux
    let share = (cpu1 - cpu0) as f64 / ticks_per_sec / wall * 100.0;
    let (rss_after, hwm_after) = memory(pid)?;
    println!(
        "memory    following a {:.0} MB session: first full screen after {:.2} s (process start included)",
        size as f64 / 1e6,
        loaded.as_secs_f64()
    );
    println!(
        "          VmRSS {:.1} MiB, peak VmHWM {:.1} MiB after loading; {:.1} / {:.1} MiB after idling (target < 100 MB RSS)",
        mib(rss),
        mib(hwm),
        mib(rss_after),
        mib(hwm_after)
    );
    println!(
        "idle CPU  {:.2}% of one core over {wall:.0} s watching the unchanged session ({} ticks of 10 ms; target < 1%)",
        share,
        cpu1 - cpu0
    );
    Ok(())
}

fn pane_pid(name: &str) -> io::Result<u32> {
    let out = Command::new("tmux")
        .args(["display-message", "-p", "-t", name, "#{pane_pid}"])
        .output()?;
    String::from_utf8_lossy(&out.stdout)
        .trim()
        .parse()
        .map_err(|e| io::Error::other(format!("no pane pid: {e}")))
}

fn capture(name: &str) -> io::Result<String> {
    let out = Command::new("tmux")
        .args(["capture-pane", "-p", "-t", name])
        .output()?;
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

/// utime + stime in clock ticks.
fn cpu_ticks(pid: u32) -> io::Result<u64> {
    let stat = fs::read_to_string(format!("/proc/{pid}/stat"))?;
    // Fields after the command name, which is in parentheses and may contain spaces.
    let rest = stat.rsplit_once(')').map_or("", |(_, r)| r);
    let f: Vec<&str> = rest.split_whitespace().collect();
    let num = |i: usize| f.get(i).and_then(|v| v.parse::<u64>().ok()).unwrap_or(0);
    // rest starts at field 3 (state); utime is field 14, stime 15.
    Ok(num(11) + num(12))
}

/// (VmRSS, VmHWM) in kB.
fn memory(pid: u32) -> io::Result<(u64, u64)> {
    let status = fs::read_to_string(format!("/proc/{pid}/status"))?;
    let kb = |key: &str| {
        status
            .lines()
            .find(|l| l.starts_with(key))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|v| v.parse::<u64>().ok())
            .unwrap_or(0)
    };
    Ok((kb("VmRSS:"), kb("VmHWM:")))
}

fn mib(kb: u64) -> f64 {
    kb as f64 / 1024.0
}
