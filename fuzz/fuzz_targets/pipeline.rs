//! libFuzzer over the whole pipeline and every renderer: the same check as the suite's stable
//! proptest (`tests/fuzz.rs`), with the same structured mutators on top of libFuzzer's own.
//!
//! The input's first byte picks a mutator (or none), the next eight its seed and the next one
//! the chunk size; the rest is the transcript. Seed the corpus from real sessions first
//! (`fuzz/seed.sh`, which copies nothing into the repository). See README.md, "Fuzzing".

#![no_main]

#[path = "../../tests/fuzz_harness/mod.rs"]
mod fuzz_harness;

use fuzz_harness::{Mutation, check, mutate};

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let Some((&pick, rest)) = data.split_first() else {
        return;
    };
    let (seed, rest) = rest.split_at(rest.len().min(8));
    let mut s = [0u8; 8];
    s[..seed.len()].copy_from_slice(seed);
    let seed = u64::from_le_bytes(s);
    let (cut, doc) = rest.split_first().map_or((0, rest), |(c, d)| (*c, d));
    let doc = match Mutation::ALL.get(usize::from(pick) % (Mutation::ALL.len() + 1)) {
        Some(kind) => mutate(doc, *kind, seed),
        None => doc.to_vec(),
    };
    check(&doc, &[usize::from(cut).max(1), 4096]);
});
