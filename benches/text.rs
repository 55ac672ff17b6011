//! Near-duplicate prompt comparison (S9) on long prompts.
//!
//! `cargo bench --bench text` prints the median time of one comparison of two 2,000-character
//! prompts (word sets built once per prompt, as the engine does), over several runs.

use ringside::core::engine::text::{content_words, similarity};

const PARSER: [&str; 20] = [
    "the",
    "parser",
    "drops",
    "last",
    "line",
    "when",
    "file",
    "has",
    "no",
    "newline",
    "fix",
    "test",
    "src/lines.rs",
    "assembler",
    "torn",
    "chunk",
    "offset",
    "reader",
    "tail",
    "keep",
];
const UI: [&str; 20] = [
    "add",
    "dark",
    "mode",
    "toggle",
    "settings",
    "page",
    "store",
    "choice",
    "local",
    "storage",
    "theme",
    "css",
    "variables",
    "header",
    "button",
    "icon",
    "contrast",
    "accessible",
    "menu",
    "user",
];

fn prompt(words: &[&str], seed: u64, len: usize) -> String {
    let mut s = String::new();
    let mut x = seed;
    while s.len() < len {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        s.push_str(words[(x % words.len() as u64) as usize]);
        s.push(' ');
    }
    s.truncate(len);
    s
}

#[expect(clippy::disallowed_methods, reason = "a benchmark measures wall time")]
fn now() -> std::time::Instant {
    std::time::Instant::now()
}

fn main() {
    let a = prompt(&PARSER, 1, 2000);
    let mut b = a.clone();
    b.replace_range(900..960, &prompt(&PARSER, 9, 60)); // a rephrased middle: a near duplicate
    let c = prompt(&UI, 5, 2000); // another request of the same length
    let (wa, wb, wc) = (content_words(&a), content_words(&b), content_words(&c));
    for (name, other, words) in [("near duplicate", &b, &wb), ("different prompt", &c, &wc)] {
        let mut runs = Vec::new();
        let mut score = 0.0;
        for _ in 0..7 {
            let t = now();
            for _ in 0..200 {
                score = similarity(std::hint::black_box(&a), other, &wa, words);
            }
            runs.push(t.elapsed().as_secs_f64() / 200.0 * 1e6);
        }
        runs.sort_by(f64::total_cmp);
        println!(
            "{name:<17} 2,000 chars: median {:.1} µs per comparison (min {:.1}, max {:.1}), similarity {score:.2}",
            runs[3], runs[0], runs[6]
        );
    }
}
