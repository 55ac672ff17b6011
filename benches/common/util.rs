//! What every benchmark needs: the wall clock, settings from the environment, and where to keep
//! generated data.
#![allow(dead_code, reason = "each bench uses a different subset")]

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

/// The wall clock, for timing. (clippy.toml bans `Instant::now` so that `core` takes time as
/// data; a benchmark is exactly the place that must read it.)
#[allow(clippy::disallowed_methods)]
pub fn now() -> Instant {
    Instant::now()
}

/// A number from the environment, else `default`.
pub fn env_u64(key: &str, default: u64) -> u64 {
    std::env::var(key)
        .ok()
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(default)
}

/// Cargo's target folder (generated bench data lives in `bench-data/` under it).
pub fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("target"))
}

/// Runs a command under `/usr/bin/time -f %M` when present; returns wall seconds and peak RSS.
pub fn run_timed(cmd: Command) -> (f64, Option<u64>) {
    let m = run_measured(cmd);
    (m.wall, m.rss_kb)
}

/// What one run of a command cost.
#[derive(Debug, Clone, Copy)]
pub struct Measured {
    /// Wall seconds.
    pub wall: f64,
    /// User plus system CPU seconds (from `/usr/bin/time`, when present): unlike wall time, it
    /// does not grow when another process has the core.
    pub cpu: Option<f64>,
    /// Peak RSS in KiB (from `/usr/bin/time`, when present).
    pub rss_kb: Option<u64>,
}

/// Runs a command under `/usr/bin/time` when present, stdout drained and discarded.
pub fn run_measured(cmd: Command) -> Measured {
    let time = Path::new("/usr/bin/time");
    let mut c = if time.exists() {
        let mut c = Command::new(time);
        c.arg("-f")
            .arg("RSS_KB=%M\nCPU_S=%U %S")
            .arg(cmd.get_program());
        c.args(cmd.get_args());
        for (k, v) in cmd.get_envs() {
            match v {
                Some(v) => c.env(k, v),
                None => c.env_remove(k),
            };
        }
        c
    } else {
        cmd
    };
    c.stdout(Stdio::piped()).stderr(Stdio::piped());
    let t = now();
    let out = c.output().expect("run the benchmarked command");
    let wall = t.elapsed().as_secs_f64();
    if !out.status.success() {
        eprintln!(
            "command failed: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        );
    }
    let err = String::from_utf8_lossy(&out.stderr);
    let rss_kb = err
        .lines()
        .find_map(|l| l.strip_prefix("RSS_KB=")?.trim().parse().ok());
    let cpu = err.lines().find_map(|l| {
        let mut parts = l.strip_prefix("CPU_S=")?.split_whitespace();
        let user: f64 = parts.next()?.parse().ok()?;
        let sys: f64 = parts.next()?.parse().ok()?;
        Some(user + sys)
    });
    Measured { wall, cpu, rss_kb }
}
