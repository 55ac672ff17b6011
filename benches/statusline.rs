//! The status line's cost per call, as Claude Code pays it: a new `ringside statusline` process
//! with the JSON payload on stdin, on a 20 MB transcript whose state is already saved, after 10
//! new lines were appended. Process start, config, state load, reading the new bytes, scoring,
//! saving the state and printing are all inside the timing.
//!
//! ```text
//! cargo bench --bench statusline
//! RINGSIDE_BENCH_MB=20 RINGSIDE_BENCH_CALLS=200 RINGSIDE_BENCH_NEW_LINES=10 cargo bench --bench statusline
//! ```
//!
//! The transcript comes from `benches/common/gen.rs` (seed 42), generated a third longer than
//! `mb`: the working copy starts with its first `mb` MB and one untimed call saves the state; the
//! lines after it are what the calls append. Then, per call: append the next `new_lines` lines (untimed), spawn the release binary
//! and wait for it (timed). It prints the median, p90, p99 and max, the first (cold) call, the
//! state file's size, and how long the state takes to decode with postcard versus serde_json
//! (why the state is postcard).

#![allow(
    clippy::disallowed_methods,
    reason = "a benchmark measures wall time with Instant::now"
)]

#[path = "common/gen.rs"]
mod generator;

use std::io::{BufWriter, Write as _};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use ringside::core::engine::Rules;
use ringside::core::pipeline::Pipeline;

fn env_num(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn main() -> std::io::Result<()> {
    let mb = env_num("RINGSIDE_BENCH_MB", 20);
    let calls = usize::try_from(env_num("RINGSIDE_BENCH_CALLS", 200)).unwrap_or(200);
    let new_lines = usize::try_from(env_num("RINGSIDE_BENCH_NEW_LINES", 10)).unwrap_or(10);
    let bin = PathBuf::from(env!("CARGO_BIN_EXE_ringside"));
    let work = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("target")
        .join("bench-data")
        .join("statusline");
    let _ = std::fs::remove_dir_all(&work);
    std::fs::create_dir_all(&work)?;

    // A transcript of `mb` MB plus the lines the calls will append (generated a third longer,
    // cut after the first `mb` MB).
    let full = work.join("full.jsonl");
    generator::write_transcript(
        BufWriter::new(std::fs::File::create(&full)?),
        mb * 1_000_000 * 4 / 3,
        42,
    )?;
    let bytes = std::fs::read(&full)?;
    let lines: Vec<&[u8]> = bytes.split_inclusive(|b| *b == b'\n').collect();
    let mut first = 0;
    let mut size = 0u64;
    while first < lines.len() && size < mb * 1_000_000 {
        size += lines[first].len() as u64;
        first += 1;
    }
    let held = (calls * new_lines).min(lines.len() - first);
    let start: Vec<u8> = lines[..first].concat();
    let transcript = work.join("3b6f0a52-bench.jsonl");
    std::fs::write(&transcript, &start)?;
    let home = work.join("home");
    let payload = serde_json::json!({
        "session_id": "3b6f0a52-bench",
        "transcript_path": transcript,
        "cwd": "/home/dev/project",
        "model": {"id": "claude-opus-4-6", "display_name": "Opus"},
        "version": "2.1.90",
    })
    .to_string();
    println!(
        "statusline: {} MB transcript, {} lines, {calls} calls of {new_lines} new lines each",
        start.len() / 1_000_000,
        first,
    );

    let cold = call(&bin, &home, &payload)?;
    println!(
        "first call (no state, reads the whole file): {:.1} ms",
        ms(cold)
    );
    let state = std::fs::read_dir(home.join("cache").join("state"))?
        .flatten()
        .map(|e| e.path())
        .next();
    if let Some(s) = &state {
        println!("state file: {} KiB", std::fs::metadata(s)?.len() / 1024);
    }

    let mut times = Vec::with_capacity(calls);
    let mut next = first;
    for _ in 0..calls {
        let end = (next + new_lines).min(first + held);
        let mut f = std::fs::OpenOptions::new().append(true).open(&transcript)?;
        f.write_all(&lines[next..end].concat())?;
        drop(f);
        next = end;
        times.push(call(&bin, &home, &payload)?);
    }
    times.sort();
    let pct = |p: f64| {
        let i = ((times.len() as f64 - 1.0) * p).round() as usize;
        ms(times[i.min(times.len() - 1)])
    };
    println!(
        "per call: median {:.2} ms, p90 {:.2} ms, p99 {:.2} ms, max {:.2} ms (target: median and p99 < 15 ms)",
        pct(0.5),
        pct(0.9),
        pct(0.99),
        ms(times[times.len() - 1]),
    );
    let baseline = {
        let mut t: Vec<Duration> = (0..50)
            .map(|_| call_args(&bin, &home, "", &["--version"]))
            .collect::<std::io::Result<_>>()?;
        t.sort();
        t[t.len() / 2]
    };
    println!(
        "process start alone (`ringside --version`): median {:.2} ms",
        ms(baseline)
    );

    // Why postcard: decode the same state both ways.
    let mut p = Pipeline::with_rules(Some("bench".into()), Rules::shared_default());
    p.feed(&start);
    let post = postcard::to_stdvec(&p).map_err(std::io::Error::other)?;
    let json = serde_json::to_vec(&p).map_err(std::io::Error::other)?;
    let time = |f: &dyn Fn()| {
        let mut t: Vec<Duration> = (0..21)
            .map(|_| {
                let s = Instant::now();
                f();
                s.elapsed()
            })
            .collect();
        t.sort();
        t[t.len() / 2]
    };
    let d_post = time(&|| {
        let _: Pipeline = postcard::from_bytes(&post).expect("decodes");
    });
    let d_json = time(&|| {
        let _: Pipeline = serde_json::from_slice(&json).expect("decodes");
    });
    println!(
        "state decode: postcard {} KiB in {:.2} ms; serde_json {} KiB in {:.2} ms",
        post.len() / 1024,
        ms(d_post),
        json.len() / 1024,
        ms(d_json)
    );
    Ok(())
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn call(bin: &Path, home: &Path, payload: &str) -> std::io::Result<Duration> {
    call_args(bin, home, payload, &["statusline"])
}

fn call_args(bin: &Path, home: &Path, payload: &str, args: &[&str]) -> std::io::Result<Duration> {
    let start = Instant::now();
    let mut child = Command::new(bin)
        .args(args)
        .env("RINGSIDE_HOME", home)
        .env("COLUMNS", "120")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()?;
    if let Some(mut stdin) = child.stdin.take() {
        stdin.write_all(payload.as_bytes())?;
    }
    let out = child.wait_with_output()?;
    let took = start.elapsed();
    if !out.status.success() {
        return Err(std::io::Error::other("ringside failed"));
    }
    Ok(took)
}
