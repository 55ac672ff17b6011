//! Profiling helper: reads one transcript through the full pipeline N times.
//! `cargo run --release --example profile_read -- FILE [N]`; `MODE=parse` reads only, `MODE=model`
//! also builds the session model, anything else runs the whole pipeline.
fn main() {
    let mut args = std::env::args().skip(1);
    let path = args.next().expect("usage: profile_read FILE [N]");
    let n: usize = args.next().and_then(|s| s.parse().ok()).unwrap_or(3);
    let bytes = std::fs::read(&path).expect("read");
    let mode = std::env::var("MODE").unwrap_or_default();
    for _ in 0..n {
        if mode == "parse" {
            let mut p = ringside::core::agents::claude::Parser::new();
            let mut asm = ringside::core::lines::LineAssembler::default();
            let mut ev = Vec::new();
            for c in bytes.chunks(1 << 20) {
                asm.feed(c, |l| {
                    if let ringside::core::lines::Line::Complete { no, bytes } = l {
                        p.parse_line(no, bytes, &mut ev);
                        ev.clear();
                    }
                });
            }
            std::hint::black_box(p.stats.lines);
        } else if mode == "model" {
            let mut p = ringside::core::agents::claude::Parser::new();
            let mut b = ringside::core::session::Builder::new(None);
            let mut asm = ringside::core::lines::LineAssembler::default();
            let mut ev = Vec::new();
            for c in bytes.chunks(1 << 20) {
                asm.feed(c, |l| {
                    if let ringside::core::lines::Line::Complete { no, bytes } = l {
                        p.parse_line(no, bytes, &mut ev);
                        for e in &ev {
                            b.push(e);
                        }
                        ev.clear();
                    }
                });
            }
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
