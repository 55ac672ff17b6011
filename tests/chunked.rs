//! Feeding a file in arbitrary chunks gives exactly the events and session of reading it whole,
//! over the real corpus; and no input, however broken, makes the pipeline panic.

#![allow(
    clippy::unwrap_used,
    clippy::panic,
    reason = "test helpers fail loudly by design"
)]

mod common;

use std::sync::OnceLock;

use proptest::prelude::*;
use ringside::core::event::Event;
use ringside::core::pipeline::Pipeline;
use ringside::core::session::Session;

struct Whole {
    bytes: Vec<u8>,
    events: Vec<Event>,
    session: Session,
    skipped: u64,
    coaching: Coaching,
}

/// The engine's output: what streaming must reproduce exactly.
type Coaching = (
    Vec<ringside::core::engine::Firing>,
    Vec<ringside::core::engine::Nudge>,
    Vec<ringside::core::engine::RecoveryMark>,
    Vec<ringside::core::engine::TurnMark>,
);

fn coaching(p: &Pipeline) -> Coaching {
    let e = p.engine();
    (
        e.firings.clone(),
        e.nudges.clone(),
        e.recoveries.clone(),
        e.turns.clone(),
    )
}

fn corpus_files() -> &'static [Whole] {
    static FILES: OnceLock<Vec<Whole>> = OnceLock::new();
    FILES.get_or_init(|| {
        let Some(corpus) = common::corpus() else {
            return Vec::new();
        };
        common::claude_files(&corpus)
            .into_iter()
            .map(|f| {
                let bytes = std::fs::read(f).unwrap();
                let p = common::pipeline_of(&bytes);
                Whole {
                    events: p.events().to_vec(),
                    session: p.session().clone(),
                    skipped: p.stats().skipped_total(),
                    coaching: coaching(&p),
                    bytes,
                }
            })
            .collect()
    })
}

fn chunked(bytes: &[u8], sizes: &[usize]) -> Pipeline {
    let mut p = Pipeline::new(Some("t".into())).with_log();
    let (mut at, mut i) = (0, 0);
    while at < bytes.len() {
        let n = sizes[i % sizes.len()].max(1).min(bytes.len() - at);
        p.feed(&bytes[at..at + n]);
        at += n;
        i += 1;
    }
    p.finish();
    p
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn chunked_reading_equals_whole_reading(
        pick in any::<prop::sample::Index>(),
        sizes in prop::collection::vec(prop_oneof![1usize..16, 16usize..4096, 4096usize..200_000], 1..12),
    ) {
        let files = corpus_files();
        if files.is_empty() {
            return Ok(());
        }
        let whole = &files[pick.index(files.len())];
        let p = chunked(&whole.bytes, &sizes);
        prop_assert_eq!(p.events(), &whole.events[..]);
        prop_assert_eq!(p.session(), &whole.session);
        prop_assert_eq!(p.stats().skipped_total(), whole.skipped);
        prop_assert_eq!(coaching(&p), whole.coaching.clone());
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..4000), cut in 1usize..64) {
        let mut p = Pipeline::new(None).with_max_line(512);
        for c in bytes.chunks(cut) {
            p.feed(c);
        }
        p.finish();
        prop_assert!(p.stats().lines <= bytes.iter().filter(|b| **b == b'\n').count() as u64 + 1);
    }

    #[test]
    fn damaged_real_lines_never_panic_and_are_counted(
        pick in any::<prop::sample::Index>(),
        line in any::<prop::sample::Index>(),
        cut in any::<prop::sample::Index>(),
        flip in any::<u8>(),
    ) {
        let files = corpus_files();
        if files.is_empty() {
            return Ok(());
        }
        let whole = &files[pick.index(files.len())];
        let lines: Vec<&[u8]> = whole.bytes.split(|b| *b == b'\n').filter(|l| !l.is_empty()).collect();
        if lines.is_empty() {
            return Ok(());
        }
        let original = lines[line.index(lines.len())];
        // Truncate the line somewhere and flip one byte: torn writes and bit rot.
        let mut damaged = original[..cut.index(original.len()).max(1)].to_vec();
        let at = cut.index(damaged.len());
        damaged[at] ^= flip;
        if damaged[at] == b'\n' {
            damaged[at] = b'x';
        }
        damaged.push(b'\n');
        let mut p = Pipeline::new(None);
        p.feed(&damaged);
        p.finish();
        prop_assert_eq!(p.stats().lines, 1);
    }
}
