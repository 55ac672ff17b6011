//! The status line's cost per call, as Claude Code pays it: a new `ringside statusline` process
//! with the JSON payload on stdin, on a 20 MB transcript whose state is already saved, after 10
//! new lines were appended. Process start, config, state load, reading the new bytes, scoring,
//! saving the state and printing are all inside the timing.
//!
//! ```text
//! cargo bench --bench statusline
//! RINGSIDE_BENCH_MB=20 RINGSIDE_BENCH_CALLS=200 RINGSIDE_BENCH_NEW_LINES=10 cargo bench --bench statusline
//! RINGSIDE_BENCH_MB=100 cargo bench --bench statusline            # a 100 MB transcript
//! RINGSIDE_BENCH_PROMPTS=20000 cargo bench --bench statusline     # 20,000 short prompts
//! ```
//!
//! The transcript comes from `benches/common/gen.rs` (seed 42), generated a third longer than
//! `mb`: the working copy starts with its first `mb` MB and one untimed call saves the state; the
//! lines after it are what the calls append. With `RINGSIDE_BENCH_PROMPTS=N` it is instead the
//! prompts bench's session of short prompts (`write_short_prompts`, seed 7), N prompts and 5%
//! more to append. Then, per call: append the next `new_lines` lines (untimed), spawn the release
//! binary and wait for it (timed). It prints the median, p90, p99 and max of the wall time and,
//! where `perf` runs, of the call's CPU time (`perf stat -e task-clock` around each call: unlike
//! wall time it does not grow while another process has the core), the first (cold) call, the
//! state file's size, and how long the state takes to decode with postcard versus serde_json
//! (why the state is postcard). `RINGSIDE_BENCH_BIN` measures another build.

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
    let prompts = env_num("RINGSIDE_BENCH_PROMPTS", 0);
    let bin = std::env::var_os("RINGSIDE_BENCH_BIN").map_or_else(
        || PathBuf::from(env!("CARGO_BIN_EXE_ringside")),
        PathBuf::from,
    );
    let work = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("target")
        .join("bench-data")
        .join("statusline");
    let _ = std::fs::remove_dir_all(&work);
    std::fs::create_dir_all(&work)?;

    // A transcript of `mb` MB plus the lines the calls will append (generated a third longer,
    // cut after the first `mb` MB); or N short prompts and 5% more.
    let full = work.join("full.jsonl");
    let out = BufWriter::new(std::fs::File::create(&full)?);
    let keep = if prompts > 0 {
        let truth = generator::write_short_prompts(out, prompts * 21 / 20, 7)?;
        truth.bytes * 20 / 21
    } else {
        generator::write_transcript(out, mb * 1_000_000 * 4 / 3, 42)?;
        mb * 1_000_000
    };
    let bytes = std::fs::read(&full)?;
    let lines: Vec<&[u8]> = bytes.split_inclusive(|b| *b == b'\n').collect();
    let mut first = 0;
    let mut size = 0u64;
    while first < lines.len() && size < keep {
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

    let (cold, cold_cpu) = call(&bin, &home, &payload)?;
    println!(
        "first call (no state, reads the whole file): {:.1} ms{}",
        ms(cold),
        cold_cpu.map_or(String::new(), |c| format!(", CPU {:.1} ms", ms(c)))
    );
    let state = std::fs::read_dir(home.join("cache").join("state"))?
        .flatten()
        .map(|e| e.path())
        .next();
    if let Some(s) = &state {
        println!("state file: {} KiB", std::fs::metadata(s)?.len() / 1024);
    }

    let mut times = Vec::with_capacity(calls);
    let mut cpu = Vec::with_capacity(calls);
    let mut next = first;
    for _ in 0..calls {
        let end = (next + new_lines).min(first + held);
        let mut f = std::fs::OpenOptions::new().append(true).open(&transcript)?;
        f.write_all(&lines[next..end].concat())?;
        drop(f);
        next = end;
        let (wall, c) = call(&bin, &home, &payload)?;
        times.push(wall);
        cpu.extend(c);
    }
    summary("per call, wall", &mut times);
    if !cpu.is_empty() {
        summary("per call, CPU (task-clock)", &mut cpu);
    }
    let mut boot: Vec<Duration> = Vec::new();
    let mut boot_cpu: Vec<Duration> = Vec::new();
    for _ in 0..50 {
        let (w, c) = measured(&bin, &home, "", &["--version"])?;
        boot.push(w);
        boot_cpu.extend(c);
    }
    summary(
        "process start alone (`ringside --version`), wall",
        &mut boot,
    );
    if !boot_cpu.is_empty() {
        summary("process start alone, CPU", &mut boot_cpu);
    }

    // Why postcard: decode the same state both ways (the bounded state the status line saves,
    // and for scale the whole one).
    let mut p = Pipeline::with_rules(Some("bench".into()), Rules::shared_default());
    p.feed(&start);
    let whole = postcard::to_stdvec(&p)
        .map_err(std::io::Error::other)?
        .len();
    p.forget_finished();
    println!(
        "state: whole {} KiB, bounded (saved) {} KiB",
        whole / 1024,
        postcard::to_stdvec(&p)
            .map_err(std::io::Error::other)?
            .len()
            / 1024
    );
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

/// Prints the median, p90, p99 and max of `times`.
fn summary(what: &str, times: &mut [Duration]) {
    times.sort();
    let pct = |p: f64| {
        let i = ((times.len() as f64 - 1.0) * p).round() as usize;
        ms(times[i.min(times.len() - 1)])
    };
    println!(
        "{what}: median {:.2} ms, p90 {:.2} ms, p99 {:.2} ms, max {:.2} ms ({} calls)",
        pct(0.5),
        pct(0.9),
        pct(0.99),
        ms(times[times.len() - 1]),
        times.len()
    );
}

/// One status line call: its wall time and, where `perf` runs, its CPU time.
fn call(bin: &Path, home: &Path, payload: &str) -> std::io::Result<(Duration, Option<Duration>)> {
    measured(bin, home, payload, &["statusline"])
}

/// Runs the binary with `args` and `payload` on stdin; wall time (perf's own start included when
/// it wraps the call) and the process's task-clock from `perf stat`, when perf is there.
fn measured(
    bin: &Path,
    home: &Path,
    payload: &str,
    args: &[&str],
) -> std::io::Result<(Duration, Option<Duration>)> {
    let stat = home.with_file_name("perf-stat.csv");
    let perf =
        Path::new("/usr/bin/perf").exists() && std::env::var_os("RINGSIDE_BENCH_NO_PERF").is_none();
    let mut cmd = if perf {
        let mut c = Command::new("/usr/bin/perf");
        c.args(["stat", "-x", ",", "-e", "task-clock", "-o"])
            .arg(&stat)
            .arg(bin);
        c
    } else {
        Command::new(bin)
    };
    let wall = run(&mut cmd, home, payload, args)?;
    let cpu = perf
        .then(|| std::fs::read_to_string(&stat).ok())
        .flatten()
        .and_then(|t| {
            t.lines()
                .find(|l| l.contains("task-clock"))
                .and_then(|l| l.split(',').next())
                .and_then(|v| v.trim().parse::<f64>().ok())
        })
        .map(|msec| Duration::from_secs_f64(msec / 1000.0));
    Ok((wall, cpu))
}

fn run(cmd: &mut Command, home: &Path, payload: &str, args: &[&str]) -> std::io::Result<Duration> {
    let start = Instant::now();
    let mut child = cmd
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
