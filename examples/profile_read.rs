//! Profiling helper: reads one transcript through the full pipeline N times.
//! `cargo run --release --example profile_read -- FILE [N]`; `MODE=parse` reads only, `MODE=model`
//! also builds the session model, anything else runs the whole pipeline. `MODE=files`: FILE lists
//! transcripts, one path a line; each is held in memory and read through the pipeline and the
//! review's session summary, on one thread (a cold review's work without the file system).
use ringside::core::agents::claude::Parser;
use ringside::core::event::Event;
use ringside::core::lines::{Line, LineAssembler};

/// Frames and parses `bytes` in 1 MiB chunks, handing each line's events to `f`.
fn parse_each(bytes: &[u8], mut f: impl FnMut(&[Event])) -> Parser {
    let mut p = Parser::new();
    let mut asm = LineAssembler::default();
    let mut ev = Vec::new();
    for c in bytes.chunks(1 << 20) {
        asm.feed(c, |l| {
            if let Line::Complete { no, bytes } = l {
                p.parse_line(no, bytes, &mut ev);
                f(&ev);
                ev.clear();
            }
        });
    }
    p
}

fn main() {
    let mut args = std::env::args().skip(1);
    let path = args.next().expect("usage: profile_read FILE [N]");
    let n: usize = args.next().and_then(|s| s.parse().ok()).unwrap_or(3);
    let mode = std::env::var("MODE").unwrap_or_default();
    if mode == "files" {
        return summaries(&path, n);
    }
    let bytes = std::fs::read(&path).expect("read");
    for _ in 0..n {
        if mode == "parse" {
            let p = parse_each(&bytes, |_| {});
            std::hint::black_box(p.stats.lines);
        } else if mode == "model" {
            let mut b = ringside::core::session::Builder::new(None);
            parse_each(&bytes, |ev| ev.iter().for_each(|e| b.push(e)));
            std::hint::black_box(b.session().turns.len());
        } else {
            let mut p = ringside::core::pipeline::Pipeline::new(None);
            for c in bytes.chunks(1 << 20) {
                p.feed(c);
            }
            p.finish();
            std::hint::black_box(p.engine().firings.len());
        }
    }
}

/// `MODE=files`: every listed transcript through the pipeline and its summary, `n` times.
fn summaries(list: &str, n: usize) {
    let list = std::fs::read_to_string(list).expect("read the list");
    let files: Vec<(String, Vec<u8>)> = list
        .lines()
        .map(|p| (p.to_owned(), std::fs::read(p).expect("read")))
        .collect();
    let rules = std::sync::Arc::new(ringside::core::engine::Rules::default());
    let now = ringside::core::Millis(1_771_286_400_000);
    for _ in 0..n {
        for (path, bytes) in &files {
            let mut p = ringside::core::pipeline::Pipeline::with_rules(None, rules.clone());
            for c in bytes.chunks(256 << 10) {
                p.feed(c);
            }
            p.finish();
            p.tick(now);
            let s = ringside::core::review::SessionSummary::new(
                path,
                bytes.len() as u64,
                p.session(),
                p.engine(),
                p.stats(),
                now,
            );
            std::hint::black_box(s);
        }
    }
}
