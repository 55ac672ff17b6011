//! Times compiling the default rules: `cargo run --release --example rules_compile`
fn main() {
    let mut times = Vec::new();
    for _ in 0..15 {
        let t = ringside::source::clock::instant();
        let r = ringside::core::engine::Rules::new(ringside::core::config::Config::default());
        std::hint::black_box(&r);
        times.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    times.sort_by(f64::total_cmp);
    println!(
        "compile default rules: median {:.2} ms, min {:.2}, max {:.2}",
        times[7], times[0], times[14]
    );
}
