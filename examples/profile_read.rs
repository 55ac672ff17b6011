//! Profiling helper: reads one transcript through the full pipeline N times.
//! `cargo run --release --example profile_read -- FILE [N]`; `MODE=parse` reads only, `MODE=model`
//! also builds the session model, anything else runs the whole pipeline.
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
    let bytes = std::fs::read(&path).expect("read");
    let mode = std::env::var("MODE").unwrap_or_default();
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
