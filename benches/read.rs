//! Reading throughput on one large, realistic Claude Code transcript, on one core.
//!
//! ```text
//! cargo bench --bench read
//! RINGSIDE_BENCH_MB=50 RINGSIDE_BENCH_RUNS=3 cargo bench --bench read
//! ```
//!
//! Environment: `RINGSIDE_BENCH_MB` (file size in MB of 10^6 bytes, default 200),
//! `RINGSIDE_BENCH_RUNS` (timed runs per variant, default 5; one extra warm-up run is discarded),
//! `RINGSIDE_BENCH_SEED` (generator seed, default 42).
//!
//! The transcript is generated once by `benches/common/gen.rs` and cached, with its ground truth,
//! at `target/bench-data/transcript-<MB>mb-seed<seed>.jsonl` (+ `.truth`). Every variant reads that
//! file from disk (warm page cache) through a reused 1 MiB buffer:
//!
//! - raw: split lines with `memchr` and count them (the floor);
//! - parse only: `LineAssembler` + `Parser::parse_line`, events dropped after each line;
//! - parse + model: `LineAssembler` + `Parser` + `session::Builder` (the session model alone);
//! - parse + model + score: `Pipeline::feed` per chunk, `finish` (model plus the coaching
//!   engine: what `score`, `watch` and the status line run). Issue 3's target: this stays at
//!   least 80% of parse-only throughput; the bench prints the ratio.
//!
//! After the runs it checks the session figures against the generator's ground truth and prints
//! the peak RSS, which should stay far below the file size.
//!
//! Then the same for a generated Codex rollout (`RINGSIDE_BENCH_CODEX_MB`, default 100; 0 skips
//! it; `benches/common/codex_gen.rs`): raw, the Codex reader alone, and the whole pipeline, its
//! prompts, tool calls and model calls checked against the generator's.

#[path = "common/codex_gen.rs"]
mod codex_gen;
#[path = "common/gen.rs"]
mod generator;
#[path = "common/util.rs"]
mod util;

use util::{env_u64, now, target_dir};

use std::fs::{self, File};
use std::io::{self, BufWriter, ErrorKind, Read};
use std::path::{Path, PathBuf};

use ringside::core::agents::claude::Parser;
use ringside::core::agents::{Format, Reader, Role};
use ringside::core::engine::Rules;
use ringside::core::lines::{Line, LineAssembler};
use ringside::core::pipeline::Pipeline;
use ringside::core::session::Builder;

use generator::Truth;

/// The read buffer: 1 MiB, reused across reads.
const CHUNK: usize = 1 << 20;
const MB: f64 = 1_000_000.0;

// =============================================================================================
// Variants

/// What one run of a variant produced: proof it did the work, and figures to check.
#[derive(Debug, Clone, Default)]
struct RunOut {
    lines: u64,
    /// A count of what the variant produced (events, turns…), so its work cannot be optimised
    /// away, and what that count is.
    work: u64,
    work_what: &'static str,
    figures: Option<Figures>,
}

/// The session figures compared with the ground truth.
#[derive(Debug, Clone, Default)]
struct Figures {
    prompts: u64,
    tool_calls: u64,
    tool_errors: u64,
    model_calls: u64,
    output_tokens: u64,
    compactions: u64,
    interrupts: u64,
    task_notifications: u64,
    skipped: u64,
    unknown_types: Vec<(String, u64)>,
    unknown_fields: Vec<(String, u64)>,
}

struct Variant {
    name: &'static str,
    run: fn(&Path, &mut [u8]) -> io::Result<RunOut>,
}

/// The measured variants, in table order. The first is the baseline the ratios refer to.
fn variants() -> Vec<Variant> {
    vec![
        Variant {
            name: "raw (read + memchr)",
            run: raw,
        },
        Variant {
            name: "parse only",
            run: parse_only,
        },
        Variant {
            name: "parse + model",
            run: parse_model,
        },
        Variant {
            name: "parse + model + score",
            run: parse_score,
        },
    ]
}

/// Reads `path` through `buf`, calling `f` on every chunk.
fn for_each_chunk(path: &Path, buf: &mut [u8], mut f: impl FnMut(&[u8])) -> io::Result<()> {
    let mut file = File::open(path)?;
    loop {
        match file.read(buf) {
            Ok(0) => return Ok(()),
            Ok(n) => f(&buf[..n]),
            Err(e) if e.kind() == ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
}

fn raw(path: &Path, buf: &mut [u8]) -> io::Result<RunOut> {
    let mut lines = 0u64;
    for_each_chunk(path, buf, |chunk| {
        lines += memchr::memchr_iter(b'\n', chunk).count() as u64;
    })?;
    Ok(RunOut {
        lines,
        ..RunOut::default()
    })
}

fn parse_only(path: &Path, buf: &mut [u8]) -> io::Result<RunOut> {
    let mut asm = LineAssembler::default();
    let mut parser = Parser::new();
    let mut events = Vec::new();
    let mut count = 0u64;
    let mut consume = |line: Line<'_>| match line {
        Line::Complete { no, bytes } => {
            parser.parse_line(no, bytes, &mut events);
            count += events.len() as u64;
            events.clear();
        }
        Line::Oversized { no, len } => parser.oversized(no, len),
    };
    for_each_chunk(path, buf, |chunk| asm.feed(chunk, &mut consume))?;
    asm.finish(&mut consume);
    Ok(RunOut {
        lines: parser.stats.lines,
        work: count,
        work_what: "events",
        figures: None,
    })
}

fn parse_model(path: &Path, buf: &mut [u8]) -> io::Result<RunOut> {
    let mut asm = LineAssembler::default();
    let mut parser = Parser::new();
    let mut builder = Builder::new(Some("bench".into()));
    let mut events = Vec::new();
    let mut consume = |line: Line<'_>| {
        match line {
            Line::Complete { no, bytes } => parser.parse_line(no, bytes, &mut events),
            Line::Oversized { no, len } => parser.oversized(no, len),
        }
        for ev in &events {
            builder.push(ev);
        }
        events.clear();
    };
    for_each_chunk(path, buf, |chunk| asm.feed(chunk, &mut consume))?;
    asm.finish(&mut consume);
    Ok(RunOut {
        lines: parser.stats.lines,
        work: builder.session().turns.len() as u64,
        work_what: "turns",
        figures: None,
    })
}

fn parse_score(path: &Path, buf: &mut [u8]) -> io::Result<RunOut> {
    let mut pipeline = Pipeline::new(Some("bench".into()));
    for_each_chunk(path, buf, |chunk| pipeline.feed(chunk))?;
    pipeline.finish();
    let s = pipeline.session();
    let stats = pipeline.stats();
    let coached = pipeline.engine().firings.len() + pipeline.engine().recoveries.len();
    let t = &s.totals;
    let figures = Figures {
        prompts: s.prompts() as u64,
        tool_calls: u64::from(t.tool_calls),
        tool_errors: u64::from(t.tool_errors),
        model_calls: u64::from(t.model_calls),
        output_tokens: t.output_tokens,
        compactions: s.compactions.len() as u64,
        interrupts: u64::from(t.interrupts),
        task_notifications: u64::from(s.task_notifications),
        skipped: stats.skipped_total(),
        unknown_types: stats
            .unknown_types
            .iter()
            .map(|(k, v)| (k.clone(), *v))
            .collect(),
        unknown_fields: stats
            .unknown_fields
            .iter()
            .map(|(k, v)| (k.clone(), *v))
            .collect(),
    };
    Ok(RunOut {
        lines: stats.lines,
        work: coached as u64,
        work_what: "signals and recoveries",
        figures: Some(figures),
    })
}

/// The Codex reader alone (framing and parsing), events dropped.
fn codex_parse(path: &Path, buf: &mut [u8]) -> io::Result<RunOut> {
    let mut r = Reader::new(Format::Codex, Role::Main);
    let mut events = Vec::new();
    let mut count = 0u64;
    for_each_chunk(path, buf, |mut chunk| {
        while !chunk.is_empty() {
            let step = r.feed_record(chunk, &mut events);
            chunk = &chunk[step.consumed..];
            count += events.len() as u64;
            events.clear();
        }
    })?;
    r.finish(&mut events);
    Ok(RunOut {
        lines: r.stats().lines,
        work: count,
        work_what: "events",
        figures: None,
    })
}

/// A Codex rollout through the whole pipeline.
fn codex_score(path: &Path, buf: &mut [u8]) -> io::Result<RunOut> {
    let mut p = Pipeline::for_format(Format::Codex, Some("bench".into()), Rules::shared_default());
    for_each_chunk(path, buf, |chunk| p.feed(chunk))?;
    p.finish();
    let s = p.session();
    Ok(RunOut {
        lines: p.stats().lines,
        work: (p.engine().firings.len() + p.engine().recoveries.len()) as u64,
        work_what: "signals and recoveries",
        figures: Some(Figures {
            prompts: s.prompts() as u64,
            tool_calls: u64::from(s.totals.tool_calls),
            model_calls: u64::from(s.totals.model_calls),
            skipped: p.stats().skipped_total(),
            ..Figures::default()
        }),
    })
}

/// The Codex part of the bench: its own generated file, table and checks.
fn codex_bench(mb: u64, seed: u64, runs: usize, buf: &mut [u8]) -> io::Result<bool> {
    let path = target_dir()
        .join("bench-data")
        .join(format!("codex-rollout-{mb}mb-seed{seed}.jsonl"));
    let truth_path = path.with_extension("truth");
    let stamp = format!("generator={}", codex_gen::CODEX_GENERATOR_VERSION);
    let cached = fs::read_to_string(&truth_path)
        .ok()
        .filter(|t| t.lines().any(|l| l.trim() == stamp))
        .and_then(|t| codex_gen::CodexTruth::from_kv(&t))
        .filter(|t| fs::metadata(&path).is_ok_and(|m| m.len() == t.bytes));
    let truth = match cached {
        Some(t) => t,
        None => {
            if let Some(dir) = path.parent() {
                fs::create_dir_all(dir)?;
            }
            let tmp = path.with_extension("jsonl.tmp");
            let t = codex_gen::write_rollout(
                BufWriter::with_capacity(CHUNK, File::create(&tmp)?),
                mb * 1_000_000,
                seed,
            )?;
            fs::rename(&tmp, &path)?;
            fs::write(&truth_path, format!("{}{stamp}\n", t.to_kv()))?;
            t
        }
    };
    println!();
    println!(
        "codex     {} ({:.1} MB, {} lines, {} prompts, {} tool calls)",
        path.display(),
        truth.bytes as f64 / MB,
        thousands(truth.lines),
        thousands(truth.prompts),
        thousands(truth.tool_calls)
    );
    let variants = [
        Variant {
            name: "raw (read + memchr)",
            run: raw,
        },
        Variant {
            name: "codex parse only",
            run: codex_parse,
        },
        Variant {
            name: "codex parse+model+score",
            run: codex_score,
        },
    ];
    let mut rows = Vec::new();
    for v in &variants {
        rows.push(measure(v, &path, buf, runs)?);
    }
    let base = rows.first().map_or(f64::NAN, Row::median);
    let mbps = |s: f64| truth.bytes as f64 / MB / s;
    println!(
        "{:<24} {:>11} {:>21} {:>10} {:>9}",
        "variant", "median MB/s", "min–max MB/s", "median s", "time/raw"
    );
    println!("{}", "-".repeat(79));
    for r in &rows {
        let range = format!("{:.0} – {:.0}", mbps(r.max()), mbps(r.min()));
        println!(
            "{:<24} {:>11.0} {:>21} {:>10.3} {:>8.1}x",
            r.name,
            mbps(r.median()),
            range,
            r.median(),
            r.median() / base
        );
    }
    let mut ok = rows.iter().all(|r| r.out.lines == truth.lines);
    if let Some(f) = rows.iter().rev().find_map(|r| r.out.figures.clone()) {
        for (name, got, want) in [
            ("prompts", f.prompts, truth.prompts),
            ("tool calls", f.tool_calls, truth.tool_calls),
            ("model calls", f.model_calls, truth.model_calls),
            ("skipped lines", f.skipped, 0),
        ] {
            let verdict = if got == want {
                "ok"
            } else {
                "<<<<<<<< MISMATCH"
            };
            ok &= got == want;
            println!(
                "  {name:<27} {:>14} {:>14}  {verdict}",
                thousands(got),
                thousands(want)
            );
        }
    }
    Ok(ok)
}

// =============================================================================================
// Measurement

struct Row {
    name: &'static str,
    secs: Vec<f64>,
    out: RunOut,
}

impl Row {
    fn sorted(&self) -> Vec<f64> {
        let mut s = self.secs.clone();
        s.sort_by(f64::total_cmp);
        s
    }
    fn median(&self) -> f64 {
        let s = self.sorted();
        let n = s.len();
        if n == 0 {
            return f64::NAN;
        }
        if n % 2 == 1 {
            s[n / 2]
        } else {
            (s[n / 2 - 1] + s[n / 2]) / 2.0
        }
    }
    fn min(&self) -> f64 {
        self.sorted().first().copied().unwrap_or(f64::NAN)
    }
    fn max(&self) -> f64 {
        self.sorted().last().copied().unwrap_or(f64::NAN)
    }
}

fn measure(v: &Variant, path: &Path, buf: &mut [u8], runs: usize) -> io::Result<Row> {
    let mut secs = Vec::with_capacity(runs);
    let mut out = RunOut::default();
    for i in 0..=runs {
        let t = now();
        let o = (v.run)(path, buf)?;
        let dt = t.elapsed().as_secs_f64();
        std::hint::black_box(&o);
        if i > 0 {
            secs.push(dt); // run 0 is the warm-up
        }
        out = o;
    }
    Ok(Row {
        name: v.name,
        secs,
        out,
    })
}

// =============================================================================================
// Data

/// The cached transcript and its truth, generated when either is missing or stale.
fn ensure_data(path: &Path, bytes: u64, seed: u64) -> io::Result<Truth> {
    let truth_path = path.with_extension("truth");
    let stamp = format!("generator={}", generator::GENERATOR_VERSION);
    if let (Ok(meta), Ok(text)) = (fs::metadata(path), fs::read_to_string(&truth_path))
        && text.lines().any(|l| l.trim() == stamp)
        && let Some(truth) = Truth::from_kv(&text)
        && truth.bytes == meta.len()
    {
        println!("data      {} (cached)", path.display());
        return Ok(truth);
    }
    if let Some(dir) = path.parent() {
        fs::create_dir_all(dir)?;
    }
    println!(
        "data      generating {} ({:.0} MB, seed {seed}) …",
        path.display(),
        bytes as f64 / MB
    );
    let t = now();
    let tmp = path.with_extension("jsonl.tmp");
    let file = File::create(&tmp)?;
    let truth = generator::write_transcript(BufWriter::with_capacity(CHUNK, file), bytes, seed)?;
    fs::rename(&tmp, path)?;
    fs::write(&truth_path, format!("{}{stamp}\n", truth.to_kv()))?;
    println!("data      generated in {:.2} s", t.elapsed().as_secs_f64());
    Ok(truth)
}

// =============================================================================================
// Machine and memory

fn cpu_model() -> String {
    fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split_once(':'))
                .map(|(_, v)| v.trim().to_owned())
        })
        .unwrap_or_else(|| "unknown".into())
}

/// A `Vm*` figure from /proc/self/status, in KiB.
fn vm_kib(key: &str) -> Option<u64> {
    let s = fs::read_to_string("/proc/self/status").ok()?;
    let line = s.lines().find(|l| l.starts_with(key))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// Resets VmHWM to the current RSS (Linux ≥ 4.0), so the peak reflects the runs only.
fn reset_peak_rss() -> bool {
    fs::write("/proc/self/clear_refs", "5").is_ok()
}

fn mib(kib: Option<u64>) -> String {
    kib.map_or_else(|| "n/a".into(), |k| format!("{:.1} MiB", k as f64 / 1024.0))
}

fn thousands(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

// =============================================================================================

fn main() -> io::Result<()> {
    let mb = env_u64("RINGSIDE_BENCH_MB", 200).max(1);
    let runs = env_u64("RINGSIDE_BENCH_RUNS", 5).max(1) as usize;
    let seed = env_u64("RINGSIDE_BENCH_SEED", 42);
    let external = std::env::var_os("RINGSIDE_BENCH_FILE").map(PathBuf::from);
    let path = external.clone().unwrap_or_else(|| {
        target_dir()
            .join("bench-data")
            .join(format!("transcript-{mb}mb-seed{seed}.jsonl"))
    });

    println!("ringside read bench");
    if cfg!(debug_assertions) {
        println!("WARNING   debug build: run with `cargo bench --bench read` for real figures");
    }
    let truth = match &external {
        // Any transcript (a real one, say): no ground truth beyond its line count.
        Some(p) => {
            let bytes = fs::read(p)?;
            let lines = memchr::memchr_iter(b'\n', &bytes).count() as u64;
            let max_line = bytes
                .split(|b| *b == b'\n')
                .map(<[u8]>::len)
                .max()
                .unwrap_or(0) as u64;
            println!(
                "data      {} (external: figures are not checked)",
                p.display()
            );
            Truth {
                lines,
                max_line,
                ..Truth::default()
            }
        }
        None => ensure_data(&path, mb * 1_000_000, seed)?,
    };
    let size = fs::metadata(&path)?.len();
    println!(
        "file      {} bytes ({:.1} MB), {} lines, avg {:.0} B/line, longest {} B",
        thousands(size),
        size as f64 / MB,
        thousands(truth.lines),
        size as f64 / truth.lines.max(1) as f64,
        thousands(truth.max_line)
    );
    println!(
        "machine   nproc {}, CPU: {}",
        std::thread::available_parallelism().map_or(0, |n| n.get()),
        cpu_model()
    );
    println!("threads   1 (single-core: every variant runs on the main thread)");
    println!(
        "runs      {runs} timed per variant, after 1 discarded warm-up; warm page cache; {} KiB read buffer",
        CHUNK / 1024
    );
    let rss_before = vm_kib("VmRSS:");
    let reset = reset_peak_rss();

    let mut buf = vec![0u8; CHUNK];
    let mut rows = Vec::new();
    for v in variants() {
        let row = measure(&v, &path, &mut buf, runs)?;
        rows.push(row);
    }

    println!();
    println!(
        "{:<22} {:>12} {:>21} {:>10} {:>10}",
        "variant", "median MB/s", "min–max MB/s", "median s", "time/raw"
    );
    println!("{}", "-".repeat(79));
    let base = rows.first().map_or(f64::NAN, Row::median);
    let mbps = |s: f64| size as f64 / MB / s;
    for r in &rows {
        let range = format!("{:.0} – {:.0}", mbps(r.max()), mbps(r.min()));
        println!(
            "{:<22} {:>12.0} {:>21} {:>10.3} {:>9.1}x",
            r.name,
            mbps(r.median()),
            range,
            r.median(),
            r.median() / base
        );
    }
    let median_of = |name: &str| rows.iter().find(|r| r.name == name).map(Row::median);
    if let (Some(parse), Some(score)) =
        (median_of("parse only"), median_of("parse + model + score"))
    {
        println!(
            "score keeps {:.0}% of parse-only throughput (target: at least 80%)",
            100.0 * parse / score
        );
    }
    for r in rows.iter().filter(|r| r.out.work > 0) {
        println!(
            "{:<22} produced {} {} (last run)",
            r.name,
            thousands(r.out.work),
            r.out.work_what
        );
    }
    println!();

    // Every variant must have seen every line.
    let mut ok = true;
    for r in &rows {
        if r.out.lines != truth.lines {
            ok = false;
            println!(
                "MISMATCH  {}: {} lines read, the generator wrote {}",
                r.name, r.out.lines, truth.lines
            );
        }
    }

    if let Some(f) = rows
        .iter()
        .rev()
        .find_map(|r| r.out.figures.clone())
        .filter(|_| external.is_none())
    {
        println!("session figures (parse + model + score) vs generator ground truth:");
        let checks = [
            ("prompts (typed + queued)", f.prompts, truth.prompts()),
            ("tool calls (unique ids)", f.tool_calls, truth.tool_calls),
            ("tool errors (is_error)", f.tool_errors, truth.tool_errors),
            (
                "model calls (message ids)",
                f.model_calls,
                truth.model_calls,
            ),
            (
                "output tokens (final/id)",
                f.output_tokens,
                truth.output_tokens,
            ),
            ("compactions", f.compactions, truth.compactions),
            ("interrupts", f.interrupts, truth.interrupts),
            (
                "task notifications",
                f.task_notifications,
                truth.task_notifications,
            ),
        ];
        for (name, got, want) in checks {
            let verdict = if got == want {
                "ok".to_owned()
            } else {
                ok = false;
                format!("<<<<<<<< MISMATCH (diff {})", got as i128 - want as i128)
            };
            println!(
                "  {name:<27} {:>14} {:>14}  {verdict}",
                thousands(got),
                thousands(want)
            );
        }
        println!(
            "  (typed prompts {}, queued steering prompts {})",
            thousands(truth.typed_prompts),
            thousands(truth.queued_prompts)
        );
        if f.skipped > 0 || !f.unknown_types.is_empty() || !f.unknown_fields.is_empty() {
            println!(
                "  parser notes: {} skipped lines, unknown types {:?}, unknown fields {:?}",
                f.skipped, f.unknown_types, f.unknown_fields
            );
        } else {
            println!("  parser notes: 0 skipped lines, no unknown types or fields");
        }
    }
    let codex_mb = env_u64("RINGSIDE_BENCH_CODEX_MB", 100);
    if codex_mb > 0 && external.is_none() {
        ok &= codex_bench(codex_mb, seed, runs, &mut buf)?;
    }
    println!();
    if ok {
        println!("ground truth: all figures match");
    } else {
        println!("!!!!!!!! MISMATCH: the figures above differ from the ground truth !!!!!!!!");
    }
    println!(
        "memory    peak RSS (VmHWM) {}{} ; RSS before the runs {}; file {:.1} MiB",
        mib(vm_kib("VmHWM:")),
        if reset {
            " over the runs"
        } else {
            " (whole process)"
        },
        mib(rss_before),
        size as f64 / 1024.0 / 1024.0
    );
    Ok(())
}
