//! `ringside score` on sessions with many short prompts: its cost must grow with the work.
//!
//! ```text
//! cargo bench --bench prompts
//! RINGSIDE_BENCH_PROMPTS=2500,20000 RINGSIDE_BENCH_RUNS=9 cargo bench --bench prompts
//! ```
//!
//! Environment: `RINGSIDE_BENCH_PROMPTS` (session sizes in prompts, default
//! `2500,5000,10000,20000`), `RINGSIDE_BENCH_RUNS` (timed runs per size, default 5, median
//! reported; one untimed warm-up first), `RINGSIDE_BENCH_SEED` (default 7), `RINGSIDE_BENCH_BIN`
//! (another `ringside` binary to measure, e.g. an older commit's build).
//!
//! Method: each session is written once by `benches/common/gen.rs` (`write_short_prompts`: short
//! typed prompts, a quarter of them corrections, one small shell command each, a sixth failing,
//! and no success anywhere, so the session stays in trouble and the correction chain only grows)
//! into `target/bench-data/prompts-<N>-seed<S>.jsonl`. Each run is the release binary as its own
//! process, `score --json --now <fixed>` on that file, stdout drained, under `/usr/bin/time -f %M`
//! for the peak RSS and the CPU time. Targets (issue 17): the largest session within 10x the time of the smallest
//! (20,000 against 2,500 prompts is 8x the bytes), and memory that follows the session's summary,
//! not its firings. After the runs the same file goes through the library's pipeline once, to
//! print what the engine kept: firings, and evidence lines kept against the lines they stand for.

#[path = "common/gen.rs"]
mod generator;
#[path = "common/util.rs"]
mod util;

use std::io::BufWriter;
use std::path::{Path, PathBuf};
use std::process::Command;

use ringside::core::pipeline::Pipeline;
use util::{env_u64, run_measured, target_dir};

const MB: f64 = 1_000_000.0;
const NOW: &str = "2026-06-01T00:00:00Z";

struct Row {
    prompts: u64,
    bytes: u64,
    wall: f64,
    cpu: Option<f64>,
    rss_kb: Option<u64>,
}

fn mib(kb: Option<u64>) -> String {
    kb.map_or("n/a".to_owned(), |k| {
        format!("{:.1} MiB", k as f64 / 1024.0)
    })
}

fn main() -> std::io::Result<()> {
    let sizes: Vec<u64> = std::env::var("RINGSIDE_BENCH_PROMPTS")
        .ok()
        .map(|v| v.split(',').filter_map(|n| n.trim().parse().ok()).collect())
        .filter(|v: &Vec<u64>| !v.is_empty())
        .unwrap_or_else(|| vec![2500, 5000, 10_000, 20_000]);
    let runs = env_u64("RINGSIDE_BENCH_RUNS", 5).max(1) as usize;
    let seed = env_u64("RINGSIDE_BENCH_SEED", 7);
    // RINGSIDE_BENCH_BIN measures another build (an older commit's, say) on the same sessions.
    let bin = std::env::var_os("RINGSIDE_BENCH_BIN").map_or_else(
        || PathBuf::from(env!("CARGO_BIN_EXE_ringside")),
        PathBuf::from,
    );
    let data = target_dir().join("bench-data");
    std::fs::create_dir_all(&data)?;
    println!("ringside prompts bench: `score --json` on sessions of many short prompts");
    if cfg!(debug_assertions) {
        println!("WARNING   debug build: run with `cargo bench --bench prompts` for real figures");
    }
    println!("binary    {}", bin.display());
    println!(
        "runs      {runs} timed per size after 1 warm-up; medians; warm page cache; CPU is user + \
         system (it does not grow when another process has the core, wall time does)"
    );
    println!();
    println!(
        "{:>8} {:>7} {:>8} {:>8} {:>7} {:>11} {:>9} {:>8} {:>8}",
        "prompts", "MB", "wall s", "CPU s", "MB/s", "peak RSS", "wall/1st", "CPU/1st", "MB/1st"
    );
    let mut rows: Vec<Row> = Vec::new();
    for &n in &sizes {
        let path = session(&data, n, seed)?;
        let bytes = std::fs::metadata(&path)?.len();
        let cmd = || {
            let mut c = Command::new(&bin);
            c.arg("score")
                .arg("--json")
                .arg("--now")
                .arg(NOW)
                .arg(&path);
            c
        };
        let _ = run_measured(cmd());
        let mut walls = Vec::with_capacity(runs);
        let mut cpus = Vec::with_capacity(runs);
        let mut rss = Vec::with_capacity(runs);
        for _ in 0..runs {
            let m = run_measured(cmd());
            walls.push(m.wall);
            cpus.extend(m.cpu);
            rss.extend(m.rss_kb);
        }
        let row = Row {
            prompts: n,
            bytes,
            wall: median(&mut walls).unwrap_or(f64::NAN),
            cpu: median(&mut cpus),
            rss_kb: rss.into_iter().max(),
        };
        let first = rows.first().unwrap_or(&row);
        let ratio = |a: Option<f64>, b: Option<f64>| match (a, b) {
            (Some(a), Some(b)) => format!("{:.1}x", a / b),
            _ => "n/a".to_owned(),
        };
        println!(
            "{:>8} {:>7.1} {:>8.3} {:>8} {:>7.0} {:>11} {:>8.1}x {:>8} {:>7.1}x",
            n,
            bytes as f64 / MB,
            row.wall,
            row.cpu.map_or("n/a".to_owned(), |c| format!("{c:.3}")),
            bytes as f64 / MB / row.wall,
            mib(row.rss_kb),
            row.wall / first.wall,
            ratio(row.cpu, first.cpu),
            bytes as f64 / first.bytes as f64,
        );
        rows.push(row);
    }
    if let (Some(a), Some(b)) = (rows.first(), rows.last())
        && rows.len() > 1
    {
        println!();
        println!(
            "{} vs {} prompts ({:.1}x the bytes): wall {:.1}x, CPU {} (target: within 10x); peak RSS {} vs {}",
            b.prompts,
            a.prompts,
            b.bytes as f64 / a.bytes as f64,
            b.wall / a.wall,
            match (b.cpu, a.cpu) {
                (Some(x), Some(y)) => format!("{:.1}x", x / y),
                _ => "n/a".to_owned(),
            },
            mib(a.rss_kb),
            mib(b.rss_kb),
        );
    }
    println!();
    println!("what this build's engine kept (its library pipeline, one pass):");
    for &n in &sizes {
        let path = session(&data, n, seed)?;
        let mut p = Pipeline::new(Some("bench".into()));
        p.feed(&std::fs::read(&path)?);
        p.finish();
        let e = p.engine();
        let kept: usize = e.firings.iter().map(|f| f.evidence.len()).sum();
        let total: usize = e.firings.iter().map(|f| f.evidence_total).sum();
        println!(
            "{:>8} prompts: {} turns, {} firings, {} nudges; evidence lines kept {} for {} referenced",
            n,
            e.turns.len(),
            e.firings.len(),
            e.nudges.len(),
            kept,
            total
        );
    }
    Ok(())
}

/// The session of `n` prompts, written once.
fn session(data: &Path, n: u64, seed: u64) -> std::io::Result<PathBuf> {
    let path = data.join(format!(
        "prompts-{n}-seed{seed}-gen{}.jsonl",
        generator::GENERATOR_VERSION
    ));
    if !path.exists() {
        let tmp = path.with_extension("tmp");
        let file = BufWriter::new(std::fs::File::create(&tmp)?);
        generator::write_short_prompts(file, n, seed)?;
        std::fs::rename(&tmp, &path)?;
    }
    Ok(path)
}

fn median(v: &mut [f64]) -> Option<f64> {
    v.sort_by(f64::total_cmp);
    let n = v.len();
    match n {
        0 => None,
        _ if n % 2 == 1 => Some(v[n / 2]),
        _ => Some((v[n / 2 - 1] + v[n / 2]) / 2.0),
    }
}
