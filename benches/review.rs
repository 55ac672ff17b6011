//! `ringside review` over a heavy user's month, against ccusage on the same folder.
//!
//! ```text
//! cargo bench --bench review
//! RINGSIDE_BENCH_REVIEW_MB=1200 RINGSIDE_BENCH_RUNS=5 cargo bench --bench review
//! RINGSIDE_BENCH_REVIEW_SMALL=1 cargo bench --bench review   # 10,000 sessions of ~15 KB
//! ```
//!
//! Environment: `RINGSIDE_BENCH_REVIEW_MB` (corpus size in MB of 10^6 bytes, default 1200),
//! `RINGSIDE_BENCH_REVIEW_SMALL` (many small files instead: sessions of about 15 KB, default 150 MB,
//! so about 10,000 files: the per-file cost), `RINGSIDE_BENCH_RUNS` (timed runs per measurement,
//! default 5, median reported; one untimed
//! warm-up first), `RINGSIDE_BENCH_SEED` (default 7), `RINGSIDE_BENCH_NO_CCUSAGE` (skip the peer).
//!
//! Method: the corpus is generated once with `benches/common/gen.rs` (`write_session`: thousands of
//! realistic sessions over 16 projects and five weeks, see [`corpus`]) into
//! `target/bench-data/review-<MB>mb-seed<S>/` and reused. Each measurement runs the release `ringside` binary as a separate process with
//! `CLAUDE_CONFIG_DIR` pointing at the corpus and `RINGSIDE_HOME` at a private folder, output to
//! a pipe that is drained and discarded, under `/usr/bin/time -f %M` for the peak RSS:
//!
//! - cold: `review --no-cache --format json` (every transcript parsed, modelled and scored);
//! - warm: `review --format json` after one run filled the cache (summaries only);
//! - export: `export --no-cache --out NEW` (cold, a first export), `export --out NEW` (from the
//!   cache the review filled, every record written), `export --out SAME` again (nothing new);
//! - sessions: `sessions --json --limit 0 --no-cache` (every transcript read) and from the cache
//!   (after a warm-up that adds what the review left out), checked to print the same bytes;
//! - ccusage 20.0.24 (`npm install --prefix target/bench-data/ccusage`, skipped with a notice when
//!   npm is missing): `ccusage claude daily --offline --json -z UTC` on the same folder.
//!
//! The files are in the page cache (they were just written or read; dropping it needs root and
//! is not attempted), so cold here means "no summary cache", not "cold disk".

#[path = "common/gen.rs"]
mod generator;
#[path = "common/util.rs"]
mod util;

use util::{now, run_timed};

use std::path::{Path, PathBuf};
use std::process::Command;

const MB: f64 = 1_000_000.0;
const NOW: &str = "2026-02-17T00:00:00Z";

fn env_u64(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn main() {
    let small = std::env::var_os("RINGSIDE_BENCH_REVIEW_SMALL").is_some();
    let mb = env_u64("RINGSIDE_BENCH_REVIEW_MB", if small { 150 } else { 1200 });
    let runs = env_u64("RINGSIDE_BENCH_RUNS", 5).max(1) as usize;
    let seed = env_u64("RINGSIDE_BENCH_SEED", 7);
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let data = manifest.join("target/bench-data");
    let kind = if small { "review-small" } else { "review" };
    let root = data.join(format!("{kind}-{mb}mb-seed{seed}"));
    let (files, bytes) = corpus(&root, mb, seed, small);
    // RINGSIDE_BENCH_BIN measures another build of the same source (e.g. `--profile dist`).
    let bin = std::env::var_os("RINGSIDE_BENCH_BIN").map_or_else(
        || PathBuf::from(env!("CARGO_BIN_EXE_ringside")),
        PathBuf::from,
    );
    println!("binary: {}", bin.display());
    let home = data.join(format!("{kind}-home-{mb}mb"));
    let _ = std::fs::remove_dir_all(&home);
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    println!(
        "corpus: {} sessions, {:.0} MB in {} ; {threads} threads available",
        files,
        bytes as f64 / MB,
        root.display()
    );

    let ringside = |cached: bool| {
        let mut c = Command::new(&bin);
        c.args(["review", "--format", "json", "--since", "7d", "--now", NOW])
            .env("CLAUDE_CONFIG_DIR", &root)
            .env("RINGSIDE_HOME", &home)
            .env("TZ", "UTC");
        if !cached {
            c.arg("--no-cache");
        }
        c
    };

    let cold = measure("ringside review --no-cache (cold)", runs, || {
        ringside(false)
    });
    report(&cold, bytes);
    // Fill the cache once, then measure reading it.
    let _ = run_timed(ringside(true));
    let warm = measure("ringside review (warm, cached)", runs, || ringside(true));
    report(&warm, bytes);

    // `ringside export` over the same month, beside the review it reads from: cold (no summary
    // cache), from the cache the review filled, each into a new folder (a first export: every
    // record written), and again into one folder (nothing new: the incremental case).
    let out_root = data.join(format!("{kind}-export-out-{mb}mb"));
    let _ = std::fs::remove_dir_all(&out_root);
    let fresh = std::cell::Cell::new(0u32);
    let export = |cached: bool, dir: Option<&str>| {
        let mut c = Command::new(&bin);
        let out = match dir {
            Some(d) => out_root.join(d),
            None => {
                fresh.set(fresh.get() + 1);
                out_root.join(format!("new-{}", fresh.get()))
            }
        };
        c.args(["export", "--now", NOW, "--out"])
            .arg(out)
            .env("CLAUDE_CONFIG_DIR", &root)
            .env("RINGSIDE_HOME", &home)
            .env("TZ", "UTC");
        if !cached {
            c.arg("--no-cache");
        }
        c
    };
    let export_cold = measure("ringside export --no-cache (first export)", runs, || {
        export(false, None)
    });
    report(&export_cold, bytes);
    let export_warm = measure("ringside export (cached, first export)", runs, || {
        export(true, None)
    });
    report(&export_warm, bytes);
    let _ = run_timed(export(true, Some("again")));
    let export_again = measure("ringside export (cached, nothing new)", runs, || {
        export(true, Some("again"))
    });
    report(&export_again, bytes);
    let size = |f: &str| {
        std::fs::metadata(out_root.join("again").join(f)).map_or(0, |m| m.len()) as f64 / MB
    };
    println!(
        "export: sessions.jsonl {:.1} MB, prompts.jsonl {:.1} MB; cold export {:.2}x a cold review's time, cached first export {:.2}x a warm review's, nothing new {:.2}x",
        size("sessions.jsonl"),
        size("prompts.jsonl"),
        median(&export_cold.secs) / median(&cold.secs),
        median(&export_warm.secs) / median(&warm.secs),
        median(&export_again.secs) / median(&warm.secs)
    );
    let _ = std::fs::remove_dir_all(&out_root);

    // `ringside sessions --limit 0` over the same folder: every transcript read (`--no-cache`),
    // and from the summary cache the review filled (its warm-up adds the sessions older than
    // the review's baseline). The two print the same bytes.
    let sessions = |cached: bool| {
        let mut c = Command::new(&bin);
        c.args(["sessions", "--json", "--limit", "0"])
            .env("CLAUDE_CONFIG_DIR", &root)
            .env("RINGSIDE_HOME", &home)
            .env("TZ", "UTC");
        if !cached {
            c.arg("--no-cache");
        }
        c
    };
    let sessions_cold = measure(
        "ringside sessions --limit 0 --no-cache (cold)",
        runs,
        || sessions(false),
    );
    report(&sessions_cold, bytes);
    let sessions_warm = measure("ringside sessions --limit 0 (from the cache)", runs, || {
        sessions(true)
    });
    report(&sessions_warm, bytes);
    let same = sessions(false).output().ok().map(|o| o.stdout)
        == sessions(true).output().ok().map(|o| o.stdout);
    println!(
        "sessions: warm {:.1}x faster than cold; warm {:.2}x a warm review's time; same output: {same}",
        median(&sessions_cold.secs) / median(&sessions_warm.secs),
        median(&sessions_warm.secs) / median(&warm.secs),
    );

    if std::env::var_os("RINGSIDE_BENCH_NO_CCUSAGE").is_some() {
        println!("ccusage: skipped (RINGSIDE_BENCH_NO_CCUSAGE)");
        return;
    }
    match ccusage(&data) {
        Some(exe) => {
            let peer = measure(
                "ccusage 20.0.24 claude daily --offline --json",
                runs,
                || {
                    let mut c = Command::new(&exe);
                    c.args(["claude", "daily", "--offline", "--json", "-z", "UTC"])
                        .env("CLAUDE_CONFIG_DIR", &root);
                    c
                },
            );
            report(&peer, bytes);
            println!(
                "ratio: ringside cold is {:.2}x ccusage's time ({:.2}x its throughput); warm {:.1}x faster than ccusage",
                median(&cold.secs) / median(&peer.secs),
                median(&peer.secs) / median(&cold.secs),
                median(&peer.secs) / median(&warm.secs)
            );
        }
        None => println!("NOTICE: npm is missing or ccusage did not install; comparison skipped"),
    }
}

struct Measured {
    name: &'static str,
    secs: Vec<f64>,
    rss_kb: Vec<u64>,
}

fn measure(name: &'static str, runs: usize, cmd: impl Fn() -> Command) -> Measured {
    let _ = run_timed(cmd()); // warm-up, untimed
    let mut m = Measured {
        name,
        secs: Vec::new(),
        rss_kb: Vec::new(),
    };
    for _ in 0..runs {
        let (s, rss) = run_timed(cmd());
        m.secs.push(s);
        m.rss_kb.extend(rss);
    }
    m
}

fn median(xs: &[f64]) -> f64 {
    let mut v = xs.to_vec();
    v.sort_by(f64::total_cmp);
    v.get(v.len() / 2).copied().unwrap_or(f64::NAN)
}

fn report(m: &Measured, bytes: u64) {
    let med = median(&m.secs);
    let runs: Vec<String> = m.secs.iter().map(|s| format!("{s:.3}")).collect();
    let rss = m
        .rss_kb
        .iter()
        .max()
        .map_or_else(|| "?".into(), |kb| format!("{:.0} MB", *kb as f64 / 1024.0));
    println!(
        "{:<48} median {med:.3} s  ({:>6.0} MB/s)  peak RSS {rss}  runs [{}]",
        m.name,
        bytes as f64 / MB / med,
        runs.join(", ")
    );
}

/// The corpus, generated once (a `.done` marker records its size): sessions of a heavy user's
/// month, most 30–400 KB, some 0.4–3 MB, one in a hundred 10–25 MB, across 16 projects, starting
/// over the 35 days before the review's "now"; each written by `write_session` (realistic lines).
/// `small`: every session about 15 KB instead (a target of 2–8 KB: a few short turns).
fn corpus(root: &Path, mb: u64, seed: u64, small: bool) -> (usize, u64) {
    let done = root.join(".done");
    if let Ok(text) = std::fs::read_to_string(&done) {
        let mut it = text
            .split_whitespace()
            .filter_map(|w| w.parse::<u64>().ok());
        if let (Some(f), Some(b)) = (it.next(), it.next()) {
            return (f as usize, b);
        }
    }
    let _ = std::fs::remove_dir_all(root);
    let t = now();
    let projects = [
        "api", "web", "cli", "infra", "docs", "parser", "billing", "search", "mobile", "ml",
        "auth", "etl", "sdk", "site", "bot", "game",
    ];
    let langs = [
        generator::Lang::Rust,
        generator::Lang::Python,
        generator::Lang::TypeScript,
    ];
    let now_ms: i64 = 1_771_286_400_000; // NOW
    let mut rng = generator::Rng::new(seed);
    let (mut files, mut bytes, mut i) = (0usize, 0u64, 0u64);
    while bytes < mb * 1_000_000 {
        let size = match rng.below(100) {
            _ if small => rng.range(2_000, 8_000),
            0 => rng.range(10_000_000, 25_000_000),
            1..=14 => rng.log_range(400_000, 3_000_000),
            _ => rng.log_range(30_000, 400_000),
        };
        let p = rng.below(projects.len() as u64) as usize;
        let cwd = format!("/home/dev/projects/{}", projects[p]);
        let id = format!(
            "{:08x}-{:04x}-4{:03x}-8{:03x}-{:012x}",
            rng.next_u64() as u32,
            rng.below(0x1_0000),
            rng.below(0x1000),
            rng.below(0x1000),
            rng.next_u64() & 0xffff_ffff_ffff
        );
        let spec = generator::SessionSpec {
            target_bytes: size,
            seed: seed.wrapping_mul(0x9E37_79B9).wrapping_add(i),
            session_id: id.clone(),
            cwd: cwd.clone(),
            git_branch: "main".into(),
            start_ms: now_ms - rng.below(35 * 86_400_000) as i64,
            lang: Some(langs[p % langs.len()]),
        };
        let dir = root.join("projects").join(generator::encode_cwd(&cwd));
        std::fs::create_dir_all(&dir).expect("corpus folder");
        let file = std::fs::File::create(dir.join(format!("{id}.jsonl"))).expect("corpus file");
        let truth =
            generator::write_session(std::io::BufWriter::with_capacity(1 << 20, file), &spec)
                .expect("write a session");
        bytes += truth.bytes;
        files += 1;
        i += 1;
    }
    println!(
        "generated {files} sessions in {:.1} s",
        t.elapsed().as_secs_f64()
    );
    std::fs::write(&done, format!("{files} {bytes}\n")).expect("marker");
    (files, bytes)
}

/// ccusage 20.0.24, installed under `data/ccusage` on first use.
fn ccusage(data: &Path) -> Option<PathBuf> {
    let prefix = data.join("ccusage");
    let exe = prefix.join("node_modules/.bin/ccusage");
    if exe.exists() {
        return Some(exe);
    }
    let ok = Command::new("npm")
        .args(["install", "--silent", "--no-audit", "--no-fund", "--prefix"])
        .arg(&prefix)
        .arg("ccusage@20.0.24")
        .status()
        .is_ok_and(|s| s.success());
    (ok && exe.exists()).then_some(exe)
}
