//! Replay: opening a big session (time and peak memory) and seeking anywhere in it.
//!
//! ```text
//! cargo bench --bench replay                                # 50 MB and 400 MB
//! RINGSIDE_BENCH_MB=400 RINGSIDE_BENCH_RUNS=5 RINGSIDE_BENCH_SEEKS=200 cargo bench --bench replay
//! ```
//!
//! Method: the read bench's generated transcript (`target/bench-data/transcript-<MB>mb-seed42.jsonl`,
//! generated here when missing) is opened as a `Replay` (one pass: stops, snapshots, marks)
//! three ways, alternated run by run, `RINGSIDE_BENCH_RUNS` times each: as `ringside replay`
//! opens it (three threads, stretches read back from the file), the same on one thread, and the
//! way replay opened before (the whole file read into memory and kept). Each open runs in a
//! fresh child process (this bench re-run with `RINGSIDE_BENCH_CHILD` set), so that its peak RSS
//! (`VmHWM`) and CPU time are its own. In the same child, just before, the floor: the file read
//! through a reused 1 MiB buffer (warm page cache); the peak mark is reset after it. Then, in
//! this process,
//! `RINGSIDE_BENCH_SEEKS` seeks to random positions (a fixed-seed sequence, forwards and
//! backwards) through `Player::command(Seek)`, each followed by building the dashboard and
//! playback bar the screen draws. Targets: a 400 MB session opens under 500 ms with a peak under
//! 150 MB; any seek under 200 ms.

#[path = "common/gen.rs"]
mod generator;
#[path = "common/util.rs"]
mod util;

use util::{env_u64, now, target_dir};

use std::fs::{self, File};
use std::io::{self, BufWriter, Read as _};
use std::path::{Path, PathBuf};
use std::process::Command as Process;
use std::sync::Arc;
use std::time::Duration;

use ringside::core::agents::Format;
use ringside::core::engine::Rules;
use ringside::core::replay::{Command, Opening, Player, Replay};

const CHILD: &str = "RINGSIDE_BENCH_CHILD";
/// Set for a child that opens on one thread.
const WAY: &str = "RINGSIDE_BENCH_WAY";

/// How a child opens the replay.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Way {
    /// As `ringside replay` does: three threads, stretches read back from the file.
    Threads,
    /// The same on one thread (what one core gets).
    OneThread,
    /// The whole file read into memory and kept there, opened on one thread: how replay opened
    /// before reading back from the file.
    Held,
}

impl Way {
    const ALL: [Way; 3] = [Way::Threads, Way::OneThread, Way::Held];

    fn name(self) -> &'static str {
        match self {
            Way::Threads => "threads",
            Way::OneThread => "one thread",
            Way::Held => "file held",
        }
    }
}

fn main() -> io::Result<()> {
    if let Ok(path) = std::env::var(CHILD) {
        return child(Path::new(&path));
    }
    let sizes: Vec<u64> = std::env::var("RINGSIDE_BENCH_MB")
        .unwrap_or_else(|_| "50,400".into())
        .split(',')
        .filter_map(|s| s.trim().parse().ok())
        .map(|mb: u64| mb.max(1))
        .collect();
    let runs = env_u64("RINGSIDE_BENCH_RUNS", 5).max(1) as usize;
    let seeks = env_u64("RINGSIDE_BENCH_SEEKS", 200).max(10) as usize;
    println!("ringside replay bench");
    if cfg!(debug_assertions) {
        println!("WARNING   debug build: run with `cargo bench --bench replay` for real figures");
    }
    for mb in sizes {
        let path = transcript(mb)?;
        let bytes = fs::metadata(&path)?.len() as f64;
        // The two ways alternate run by run, so load from elsewhere falls on both alike.
        let mut modes = Way::ALL.map(|w| (w, Runs::default()));
        for _ in 0..runs {
            for (way, runs) in &mut modes {
                runs.add(&path, *way)?;
            }
        }
        let list = |v: &[f64]| {
            v.iter()
                .map(|x| format!("{x:.0}"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        for (way, r) in &modes {
            if r.opens.is_empty() {
                continue;
            }
            let how = way.name();
            println!(
                "open      {:.1} MB, {how}: median {:.0} ms (runs: {}); CPU (user + system) {:.0} ms; floor (read through a 1 MiB buffer) {:.0} ms; open / floor {:.1}x",
                bytes / 1e6,
                medianf(&r.opens),
                list(&r.opens),
                medianf(&r.cpus),
                medianf(&r.floors),
                medianf(&r.ratios),
            );
            println!(
                "peak RSS  {:.1} MB, {how}: median {:.0} MiB (runs: {}); {:.2}x the file",
                bytes / 1e6,
                medianf(&r.peaks),
                list(&r.peaks),
                medianf(&r.peaks) * 1024.0 * 1024.0 / bytes,
            );
        }
        if let [(_, threads), (_, one), (_, held)] = &modes
            && !threads.opens.is_empty()
            && !one.opens.is_empty()
            && !held.opens.is_empty()
        {
            println!(
                "          threads / one thread: open {:.2}x, CPU {:.2}x; threads / file held: open {:.2}x, peak {:.2}x   (targets at 400 MB: open < 500 ms, peak < 150 MB)",
                medianf(&threads.opens) / medianf(&one.opens),
                medianf(&threads.cpus) / medianf(&one.cpus),
                medianf(&threads.opens) / medianf(&held.opens),
                medianf(&threads.peaks) / medianf(&held.peaks),
            );
        }
        seek_bench(&path, seeks)?;
    }
    Ok(())
}

/// The measured opens of one way.
#[derive(Default)]
struct Runs {
    opens: Vec<f64>,
    floors: Vec<f64>,
    peaks: Vec<f64>,
    ratios: Vec<f64>,
    cpus: Vec<f64>,
}

impl Runs {
    /// One open in a child process.
    fn add(&mut self, path: &Path, way: Way) -> io::Result<()> {
        let mut child = Process::new(std::env::current_exe()?);
        child.env(CHILD, path).env(WAY, way.name());
        let out = child.output()?;
        let text = String::from_utf8_lossy(&out.stdout);
        let field = |k: &str| -> Option<f64> {
            text.split_whitespace()
                .find_map(|w| w.strip_prefix(k)?.parse().ok())
        };
        let (Some(open), Some(floor), Some(peak), Some(cpu)) = (
            field("open_ms="),
            field("floor_ms="),
            field("peak_kb="),
            field("cpu_ms="),
        ) else {
            eprintln!(
                "child failed: {}{}",
                text.trim(),
                String::from_utf8_lossy(&out.stderr).trim()
            );
            return Ok(());
        };
        self.opens.push(open);
        self.floors.push(floor);
        self.peaks.push(peak / 1024.0);
        self.ratios.push(open / floor);
        self.cpus.push(cpu);
        Ok(())
    }
}

/// The generated transcript of `mb` megabytes (seed 42), written when missing.
fn transcript(mb: u64) -> io::Result<PathBuf> {
    let path = target_dir()
        .join("bench-data")
        .join(format!("transcript-{mb}mb-seed42.jsonl"));
    if !path.exists() {
        fs::create_dir_all(path.parent().unwrap_or(Path::new(".")))?;
        generator::write_transcript(BufWriter::new(File::create(&path)?), mb * 1_000_000, 42)?;
    }
    Ok(path)
}

/// Opens the replay as `ringside replay` does: one pass in chunks, stretches read back from
/// the file when seeking.
fn open(path: &Path) -> io::Result<Replay> {
    ringside::source::replay::open(
        path,
        Format::default(),
        Some("bench".into()),
        Rules::shared_default(),
        None,
    )
    .map_err(io::Error::other)
}

/// The same open on this thread alone (what `ringside replay` does on one core): for the
/// comparison. It is never sought in, so it keeps no way to read back.
fn open_on_one_thread(path: &Path) -> io::Result<Replay> {
    let mut o = Opening::new(
        Format::default(),
        Some("bench".into()),
        Rules::shared_default(),
    );
    let mut f = File::open(path)?;
    let mut buf = vec![0u8; 1 << 20];
    loop {
        let n = f.read(&mut buf)?;
        if n == 0 {
            break;
        }
        o.feed(&buf[..n]);
    }
    Ok(o.finish(Arc::new(Vec::new()), None))
}

/// One measured open, in its own process: prints `floor_ms= open_ms= peak_kb= stops= marks=`.
fn child(path: &Path) -> io::Result<()> {
    let mut buf = vec![0u8; 1 << 20];
    let t = now();
    let mut f = File::open(path)?;
    let mut n = 0usize;
    loop {
        let got = f.read(&mut buf)?;
        if got == 0 {
            break;
        }
        n += got;
    }
    let floor = t.elapsed();
    drop(buf);
    // Resets the peak mark to the current RSS (Linux: `clear_refs` 5), so the peak is the open's.
    let _ = fs::write("/proc/self/clear_refs", "5");
    let (t, cpu) = (now(), cpu_ms());
    let way = std::env::var(WAY).unwrap_or_default();
    let r = if way == Way::OneThread.name() {
        open_on_one_thread(path)?
    } else if way == Way::Held.name() {
        Replay::open(
            fs::read(path)?,
            Some("bench".into()),
            Rules::shared_default(),
            None,
        )
    } else {
        open(path)?
    };
    let took = t.elapsed();
    let cpu = cpu_ms() - cpu;
    let peak = fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines().find_map(|l| {
                l.strip_prefix("VmHWM:")?
                    .trim()
                    .strip_suffix("kB")?
                    .trim()
                    .parse::<u64>()
                    .ok()
            })
        })
        .unwrap_or(0);
    println!(
        "floor_ms={:.3} open_ms={:.3} cpu_ms={cpu:.0} peak_kb={peak} stops={} marks={} bytes={n}",
        ms(floor),
        ms(took),
        r.len(),
        r.marks().len()
    );
    Ok(())
}

fn seek_bench(path: &Path, seeks: usize) -> io::Result<()> {
    let replay = open(path)?;
    let len = replay.len();
    println!("          {} stops, {} marks", len, replay.marks().len());
    let mut player = Player::new(Arc::new(replay), 8.0);
    let mut rng = 0x9E37_79B9_7F4A_7C15_u64;
    let mut times = Vec::with_capacity(seeks);
    let mut work = 0usize;
    for _ in 0..seeks {
        rng ^= rng << 13;
        rng ^= rng >> 7;
        rng ^= rng << 17;
        let pos = (rng % (len as u64 + 1)) as usize;
        let t = now();
        player.command(Command::Seek(pos));
        let d = player.dashboard(&[]);
        let bar = player.bar();
        times.push(t.elapsed());
        work += d.turns.len() + bar.pos;
    }
    times.sort();
    println!(
        "seek      {seeks} random seeks (+ dashboard and bar): median {:.1} ms   p99 {:.1} ms   max {:.1} ms   (target < 200 ms)",
        ms(times[times.len() / 2]),
        ms(times[(times.len() * 99 / 100).min(times.len() - 1)]),
        ms(times[times.len() - 1]),
    );
    println!("          (work check: {work})");
    Ok(())
}

/// User + system CPU time of this process so far (all threads), in ms (10 ms steps).
fn cpu_ms() -> f64 {
    let stat = fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // Fields after the command name (which is in parentheses): utime is the 12th, stime the 13th.
    let rest = stat.rsplit(')').next().unwrap_or("");
    let f: Vec<f64> = rest
        .split_whitespace()
        .skip(11)
        .take(2)
        .filter_map(|x| x.parse().ok())
        .collect();
    f.iter().sum::<f64>() * 10.0
}

fn medianf(v: &[f64]) -> f64 {
    let mut v = v.to_vec();
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}
