//! Times compiling the default rules: `cargo run --release --example rules_compile`
//!
//! The word lists compile on first use, so this times building the rules and then one match
//! against every list (what a call that reads prompts and agent text pays).
fn main() {
    let mut times = Vec::new();
    for _ in 0..15 {
        let t = ringside::source::clock::instant();
        let r = ringside::core::engine::Rules::new(ringside::core::config::Config::default());
        let l = &r.lex;
        let any = l.is_correction("x")
            | l.is_frustrated("x")
            | l.is_continuation("x")
            | l.is_affirmation("x")
            | l.is_apology("x")
            | l.claims_done("x")
            | l.asks_verification("x");
        std::hint::black_box((&r, any));
        times.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    times.sort_by(f64::total_cmp);
    println!(
        "compile default rules: median {:.2} ms, min {:.2}, max {:.2}",
        times[7], times[0], times[14]
    );
}
