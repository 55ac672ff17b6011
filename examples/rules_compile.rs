//! Times compiling the default rules: `cargo run --release --example rules_compile`
//!
//! The word lists compile on first use, so this times building the rules and then one match
//! against every list (what a call that reads prompts and agent text pays), both as every
//! command builds them and as the status line and hooks do (`Rules::for_one_call`).
fn main() {
    type Build =
        fn(ringside::core::config::Config) -> std::sync::Arc<ringside::core::engine::Rules>;
    let ways: [(&str, Build); 2] = [
        ("compile default rules", ringside::core::engine::Rules::new),
        (
            "compile default rules for one call",
            ringside::core::engine::Rules::for_one_call,
        ),
    ];
    for (name, build) in ways {
        let mut times = Vec::new();
        for _ in 0..15 {
            let t = ringside::source::clock::instant();
            let r = build(ringside::core::config::Config::default());
            std::hint::black_box((&r, r.lex.every_answer("x")));
            times.push(t.elapsed().as_secs_f64() * 1000.0);
        }
        times.sort_by(f64::total_cmp);
        println!(
            "{name}: median {:.2} ms, min {:.2}, max {:.2}",
            times[7], times[0], times[14]
        );
    }
}
