//! Replay speed: opening a big session and seeking anywhere in it.
//!
//! ```text
//! cargo bench --bench replay
//! RINGSIDE_BENCH_MB=50 RINGSIDE_BENCH_SEEKS=200 cargo bench --bench replay
//! ```
//!
//! Method: the read bench's generated transcript (`target/bench-data/transcript-<MB>mb-seed42.jsonl`,
//! generated here when missing) is read from disk (warm page cache) and opened as a `Replay`
//! (one pass: stops, snapshots, marks), 5 times; then `RINGSIDE_BENCH_SEEKS` seeks to random
//! positions (a fixed-seed sequence, forwards and backwards) through `Player::command(Seek)`,
//! each followed by building the dashboard and playback bar the screen draws. Target: opening
//! and any seek under 200 ms each.

#[path = "common/gen.rs"]
mod generator;
#[path = "common/util.rs"]
mod util;

use util::{env_u64, now, target_dir};

use std::fs::{self, File};
use std::io::{self, BufWriter};
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use ringside::core::engine::Rules;
use ringside::core::replay::{Command, Player, Replay};

fn main() -> io::Result<()> {
    let mb = env_u64("RINGSIDE_BENCH_MB", 50).max(1);
    let seeks = env_u64("RINGSIDE_BENCH_SEEKS", 200).max(10) as usize;
    println!("ringside replay bench");
    if cfg!(debug_assertions) {
        println!("WARNING   debug build: run with `cargo bench --bench replay` for real figures");
    }
    let path = target_dir()
        .join("bench-data")
        .join(format!("transcript-{mb}mb-seed42.jsonl"));
    if !path.exists() {
        fs::create_dir_all(path.parent().unwrap_or(Path::new(".")))?;
        generator::write_transcript(BufWriter::new(File::create(&path)?), mb * 1_000_000, 42)?;
    }
    let mut opens = Vec::new();
    let mut replay = None;
    for _ in 0..5 {
        let t = now();
        let bytes = fs::read(&path)?;
        let r = Replay::open(bytes, Some("bench".into()), Rules::shared_default(), None);
        opens.push(t.elapsed());
        replay = Some(r);
    }
    let Some(replay) = replay else { return Ok(()) };
    let len = replay.len();
    println!(
        "open      {:.1} MB, {} stops, {} marks: median {:.0} ms (runs: {})",
        fs::metadata(&path)?.len() as f64 / 1e6,
        len,
        replay.marks().len(),
        ms(median(&mut opens)),
        opens
            .iter()
            .map(|d| format!("{:.0}", ms(*d)))
            .collect::<Vec<_>>()
            .join(", ")
    );
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

fn median(v: &mut [Duration]) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}
