//! The stable fuzzer in the suite: the mutators of the cargo-fuzz target (`fuzz/`) applied to
//! the demo and, where `../shared` is present, small real sessions; every damaged document must
//! read the same whole and in chunks and render through every front end without a panic
//! (`fuzz_harness::check`). The case count is kept small so the suite stays fast; `fuzz/`
//! runs the same check for as long as you let it.

#![allow(
    clippy::unwrap_used,
    clippy::panic,
    reason = "test helpers fail loudly by design"
)]

mod common;
mod fuzz_harness;

use std::sync::OnceLock;

use proptest::prelude::*;

use fuzz_harness::{Mutation, check, mutate};

const DEMO: &[u8] = include_bytes!("../assets/demo/session.jsonl");
/// Real sessions up to this size seed the cases (bigger ones make a case slow).
const SEED_MAX: u64 = 256 << 10;

fn seeds() -> &'static [Vec<u8>] {
    static SEEDS: OnceLock<Vec<Vec<u8>>> = OnceLock::new();
    SEEDS.get_or_init(|| {
        let mut out = vec![DEMO.to_vec()];
        if let Some(corpus) = common::corpus() {
            for f in common::claude_files(&corpus) {
                if std::fs::metadata(&f).is_ok_and(|m| m.len() <= SEED_MAX) {
                    out.push(std::fs::read(f).unwrap());
                }
            }
        }
        out
    })
}

/// A seed session with the mutations applied in turn.
fn damaged(pick: prop::sample::Index, kinds: &[Mutation], seed: u64) -> Vec<u8> {
    let seeds = seeds();
    let mut doc = seeds[pick.index(seeds.len())].clone();
    for (i, k) in kinds.iter().enumerate() {
        doc = mutate(&doc, *k, seed.wrapping_add(i as u64));
    }
    doc
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 40, ..ProptestConfig::default() })]

    #[test]
    fn damaged_sessions_read_the_same_in_chunks_and_render_everywhere(
        pick in any::<prop::sample::Index>(),
        kinds in prop::collection::vec(prop::sample::select(Mutation::ALL.to_vec()), 1..4),
        seed in any::<u64>(),
        cuts in prop::collection::vec(prop_oneof![1usize..8, 8usize..4096, 4096usize..100_000], 1..6),
    ) {
        check(&damaged(pick, &kinds, seed), &cuts);
    }
}

/// Every mutator, on the demo, with a few seeds each: none may leave `check` failing.
#[test]
fn every_mutator_on_the_demo() {
    for kind in Mutation::ALL {
        for seed in 0..3 {
            let doc = mutate(DEMO, kind, seed);
            check(&doc, &[4096, 1, 77]);
        }
    }
}

/// The demo cut at every line boundary (and a byte either side): a transcript being written.
#[test]
fn truncation_at_every_line_boundary() {
    let ends: Vec<usize> = DEMO
        .iter()
        .enumerate()
        .filter(|(_, b)| **b == b'\n')
        .map(|(i, _)| i)
        .collect();
    for e in ends {
        for cut in [e, e + 1, e + 2] {
            check(&DEMO[..cut.min(DEMO.len())], &[DEMO.len()]);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 60, ..ProptestConfig::default() })]

    /// Every line of a damaged session: the fast top-level reader either defers or builds the
    /// record serde builds.
    #[test]
    fn the_fast_reader_never_reads_a_damaged_line_differently(
        pick in any::<prop::sample::Index>(),
        kinds in prop::collection::vec(prop::sample::select(Mutation::ALL.to_vec()), 1..4),
        seed in any::<u64>(),
    ) {
        use ringside::core::agents::claude::record::{Record, fast_record};
        let doc = damaged(pick, &kinds, seed);
        for line in doc.split(|&b| b == b'\n') {
            let Ok(text) = std::str::from_utf8(line) else { continue };
            if let Some(fast) = fast_record(text) {
                let serde = serde_json::from_str::<Record<'_>>(text).map(|r| format!("{r:?}"));
                prop_assert_eq!(Some(format!("{fast:?}")), serde.ok(), "{}", text);
            }
        }
    }
}
