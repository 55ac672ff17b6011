//! What the fuzzers share: the mutators and the one check, used by the stable proptest
//! (`tests/fuzz.rs`) and the cargo-fuzz target (`fuzz/fuzz_targets/pipeline.rs`, which includes
//! this file by path).
//!
//! [`check`] reads a document whole and in chunks through the pipeline, asserts the two agree,
//! then renders it through every front end: the score table, the score JSON, the session
//! report (markdown and JSON), the status line, and the watch screen's view model drawn into a
//! ratatui `TestBackend` (the dashboard and the detail of the last turn). Nothing may panic, and
//! nothing a transcript said may reach an output as a control character.
#![allow(
    dead_code,
    clippy::unwrap_used,
    clippy::panic,
    reason = "test helpers fail loudly by design; each user takes a subset"
)]

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use serde_json::Value;

use ringside::core::Millis;
use ringside::core::pipeline::Pipeline;
use ringside::core::view::{Dashboard, Glance, TurnDetail};
use ringside::report::session::SessionReport;
use ringside::report::status::{self, Layout};
use ringside::report::text;
use ringside::report::types::ScoreReport;
use ringside::source::live::{Showing, Update};
use ringside::source::read::ReadSession;
use ringside::tui::app::App;
use ringside::tui::keymap::Keymap;
use ringside::tui::theme::Theme;

/// The clock every render uses (time-based rules need one).
pub const NOW: Millis = Millis(1_771_588_800_000);

/// One structured way to damage a transcript (libFuzzer's byte-level mutations come on top).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mutation {
    /// XOR one byte with a mask.
    FlipByte,
    /// Cut the document at a byte.
    Truncate,
    /// A line whose content is nested arrays and objects thousands deep.
    DeepNesting,
    /// A number replaced by a huge one (`1e999999`, 400 digits, `-0.0e-999`).
    HugeNumber,
    /// A string replaced by a very long one.
    HugeString,
    /// Bytes that are not UTF-8 inside a line.
    InvalidUtf8,
    /// A lone UTF-16 surrogate escape (`\ud800`) inside a string.
    LoneSurrogate,
    /// A run of NUL bytes.
    NulRun,
    /// Every `\n` as `\r\n`.
    Crlf,
    /// A UTF-8 byte order mark before the first line.
    Bom,
    /// A value at a random path of a line's JSON replaced by one of another shape.
    WrongShape,
}

impl Mutation {
    pub const ALL: [Self; 11] = [
        Self::FlipByte,
        Self::Truncate,
        Self::DeepNesting,
        Self::HugeNumber,
        Self::HugeString,
        Self::InvalidUtf8,
        Self::LoneSurrogate,
        Self::NulRun,
        Self::Crlf,
        Self::Bom,
        Self::WrongShape,
    ];
}

/// A small deterministic generator, so a mutation is a function of `(document, kind, seed)`.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        // splitmix64
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            usize::try_from(self.next() % n as u64).unwrap_or(0)
        }
    }
}

/// Byte ranges of the document's lines (without their `\n`).
fn lines(doc: &[u8]) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut start = 0;
    for (i, b) in doc.iter().enumerate() {
        if *b == b'\n' {
            out.push((start, i));
            start = i + 1;
        }
    }
    if start < doc.len() {
        out.push((start, doc.len()));
    }
    out
}

/// Replaces line `(s, e)` of `doc` with `new`.
fn splice(doc: &[u8], (s, e): (usize, usize), new: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(doc.len() + new.len());
    out.extend_from_slice(&doc[..s]);
    out.extend_from_slice(new);
    out.extend_from_slice(&doc[e..]);
    out
}

/// `doc` damaged by `kind`, choices made from `seed`.
#[must_use]
pub fn mutate(doc: &[u8], kind: Mutation, seed: u64) -> Vec<u8> {
    let mut rng = Rng(seed);
    let ls = lines(doc);
    let pick = |rng: &mut Rng| ls.get(rng.below(ls.len())).copied();
    match kind {
        Mutation::FlipByte => {
            let mut d = doc.to_vec();
            if !d.is_empty() {
                let at = rng.below(d.len());
                d[at] ^= u8::try_from(rng.next() % 255 + 1).unwrap_or(1);
            }
            d
        }
        Mutation::Truncate => doc[..rng.below(doc.len() + 1)].to_vec(),
        Mutation::DeepNesting => {
            let depth = 1000 + rng.below(20_000);
            let (open, close) = if rng.next().is_multiple_of(2) {
                ("[", "]")
            } else {
                ("{\"a\":", "}")
            };
            let mut line = String::from(r#"{"type":"user","message":{"role":"user","content":"#);
            line.push_str(&open.repeat(depth));
            line.push('1');
            line.push_str(&close.repeat(depth));
            line.push_str(r#"},"timestamp":"2026-02-10T10:00:00Z"}"#);
            let at = pick(&mut rng).map_or((0, 0), |(s, _)| (s, s));
            splice(doc, at, format!("{line}\n").as_bytes())
        }
        Mutation::HugeNumber => {
            const HUGE: [&str; 4] = ["1e999999", "-0.0e-999", "18446744073709551616", "9"];
            let n = HUGE[rng.below(HUGE.len())];
            let n = if n == "9" {
                "9".repeat(400)
            } else {
                n.to_owned()
            };
            replace_in_line(doc, pick(&mut rng), &mut rng, |b| b.is_ascii_digit(), &n)
        }
        Mutation::HugeString => {
            let s = "x".repeat(50_000 + rng.below(300_000));
            replace_value(doc, pick(&mut rng), &mut rng, Value::String(s))
        }
        Mutation::InvalidUtf8 => {
            const BAD: [&[u8]; 4] = [b"\xff\xfe", b"\xc3", b"\xed\xa0\x80", b"\xf4\x90\x80\x80"];
            let bad = BAD[rng.below(BAD.len())];
            insert(doc, &mut rng, bad)
        }
        Mutation::LoneSurrogate => {
            const LONE: [&str; 3] = [r"\ud800", r"\udfff", r"\ud83d x"];
            let s = LONE[rng.below(LONE.len())];
            // Inside a string: right after an opening quote of a value.
            match pick(&mut rng) {
                Some((a, b)) => {
                    let line = &doc[a..b];
                    let quotes: Vec<usize> = line
                        .windows(2)
                        .enumerate()
                        .filter(|(_, w)| w == b":\"")
                        .map(|(i, _)| i + 2)
                        .collect();
                    match quotes.get(rng.below(quotes.len())) {
                        Some(&q) => {
                            let mut d = doc.to_vec();
                            d.splice(a + q..a + q, s.bytes());
                            d
                        }
                        None => doc.to_vec(),
                    }
                }
                None => doc.to_vec(),
            }
        }
        Mutation::NulRun => {
            let run = vec![0u8; 1 + rng.below(5000)];
            insert(doc, &mut rng, &run)
        }
        Mutation::Crlf => {
            let mut d = Vec::with_capacity(doc.len() + ls.len());
            for b in doc {
                if *b == b'\n' {
                    d.push(b'\r');
                }
                d.push(*b);
            }
            d
        }
        Mutation::Bom => [&b"\xef\xbb\xbf"[..], doc].concat(),
        Mutation::WrongShape => {
            const SHAPES: [fn(&mut Rng) -> Value; 6] = [
                |_| Value::Null,
                |r| Value::Bool(r.next().is_multiple_of(2)),
                |r| Value::from(r.next() >> 12),
                |_| Value::String("wrong".into()),
                |_| Value::Array(vec![Value::from(1), Value::Null]),
                |_| serde_json::json!({"type": "text", "text": 7}),
            ];
            let v = SHAPES[rng.below(SHAPES.len())](&mut rng);
            replace_value(doc, pick(&mut rng), &mut rng, v)
        }
    }
}

fn insert(doc: &[u8], rng: &mut Rng, bytes: &[u8]) -> Vec<u8> {
    let at = rng.below(doc.len() + 1);
    let mut d = doc.to_vec();
    d.splice(at..at, bytes.iter().copied());
    d
}

/// The first run of bytes matching `is` at or after a random point of the line, replaced by
/// `with`.
fn replace_in_line(
    doc: &[u8],
    line: Option<(usize, usize)>,
    rng: &mut Rng,
    is: fn(&u8) -> bool,
    with: &str,
) -> Vec<u8> {
    let Some((a, b)) = line else {
        return doc.to_vec();
    };
    let from = a + rng.below(b - a);
    let Some(s) = doc[from..b].iter().position(is).map(|p| from + p) else {
        return doc.to_vec();
    };
    let e = doc[s..b].iter().position(|c| !is(c)).map_or(b, |p| s + p);
    splice(doc, (s, e), with.as_bytes())
}

/// A value at a random path of the line's JSON replaced by `v`, the line written back.
fn replace_value(doc: &[u8], line: Option<(usize, usize)>, rng: &mut Rng, v: Value) -> Vec<u8> {
    let Some(range) = line else {
        return doc.to_vec();
    };
    let Ok(mut root) = serde_json::from_slice::<Value>(&doc[range.0..range.1]) else {
        return doc.to_vec();
    };
    let mut at = &mut root;
    for _ in 0..1 + rng.below(6) {
        let len = match &*at {
            Value::Object(m) => m.len(),
            Value::Array(a) => a.len(),
            _ => break,
        };
        if len == 0 {
            break;
        }
        let i = rng.below(len);
        at = match at {
            Value::Object(m) => m.values_mut().nth(i).unwrap(),
            Value::Array(a) => &mut a[i],
            _ => unreachable!(),
        };
    }
    *at = v;
    splice(doc, range, serde_json::to_string(&root).unwrap().as_bytes())
}

/// Reads `doc` whole and in pieces of `cuts` (cycled), asserts both readings agree, and renders
/// the result through every front end.
pub fn check(doc: &[u8], cuts: &[usize]) {
    let mut whole = Pipeline::new(Some("fuzz".into())).with_log();
    whole.feed(doc);
    whole.finish();
    let mut parts = Pipeline::new(Some("fuzz".into())).with_log();
    let (mut at, mut i) = (0, 0);
    while at < doc.len() {
        let n = cuts
            .get(i % cuts.len().max(1))
            .copied()
            .unwrap_or(doc.len());
        let n = n.max(1).min(doc.len() - at);
        parts.feed(&doc[at..at + n]);
        at += n;
        i += 1;
    }
    parts.finish();
    assert_eq!(parts.events(), whole.events(), "chunked events differ");
    assert_eq!(parts.session(), whole.session(), "chunked session differs");
    assert_eq!(
        parts.stats().skipped_total(),
        whole.stats().skipped_total(),
        "chunked skips differ"
    );
    let (pe, we) = (parts.engine(), whole.engine());
    assert_eq!(pe.firings, we.firings, "chunked firings differ");
    assert_eq!(pe.nudges, we.nudges, "chunked nudges differ");
    render(whole);
}

/// No control character but `\n` (the table, markdown and status line without colour).
fn assert_printable(what: &str, s: &str) {
    if let Some(c) = s.chars().find(|c| c.is_control() && *c != '\n') {
        panic!("{what} carries U+{:04X}", c as u32);
    }
}

fn render(p: Pipeline) {
    let bytes = 0;
    let (session, stats, mut engine) = p.into_parts();
    engine.tick(NOW, &session);
    let read = ReadSession {
        path: "fuzz.jsonl".into(),
        session,
        stats,
        engine,
        bytes,
        warnings: Vec::new(),
    };
    let report = ScoreReport::new(&read);
    for width in [40, 120] {
        assert_printable("score table", &text::score_table(&report, width));
    }
    let json = serde_json::to_string(&report).unwrap();
    serde_json::from_str::<Value>(&json).unwrap();
    let session_report = SessionReport::new(&report);
    assert_printable("report markdown", &session_report.markdown());
    serde_json::from_str::<Value>(&serde_json::to_string(&session_report).unwrap()).unwrap();

    let d = Dashboard::build(
        &read.session,
        &read.engine,
        Some(NOW),
        &[],
        read.stats.skipped_total(),
    );
    for (width, lines) in [(20, 1), (100, 2)] {
        for row in status::rows(
            &Glance::from(&d),
            Layout {
                width,
                lines,
                color: false,
            },
        ) {
            assert_printable("status line", &row);
        }
    }
    let mut app = App::new(Keymap::default());
    app.on_update(Update::Dashboard(
        Box::new(d),
        Showing::Demo { finished: true },
    ));
    let turns = read.session.turns.len();
    for (w, h) in [(80, 24), (40, 15)] {
        draw(&mut app, w, h);
    }
    if let Some(detail) = TurnDetail::build(&read.session, &read.engine, turns.saturating_sub(1)) {
        app.on_update(Update::Detail(Box::new(detail)));
        draw(&mut app, 80, 24);
    }
}

fn draw(app: &mut App, w: u16, h: u16) {
    let mut t = Terminal::new(TestBackend::new(w, h)).unwrap();
    t.draw(|f| ringside::tui::view::render(f, app, Theme { color: false }))
        .unwrap();
    for cell in t.backend().buffer().content() {
        assert_printable("watch screen", cell.symbol());
    }
}
