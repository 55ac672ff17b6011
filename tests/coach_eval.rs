//! The coach against the hand labels of the corpus sessions (`../shared/coaching/labels.json`),
//! scored as `cargo run --example coach_eval` scores it. Skips with a notice where the shared
//! folder is absent.

#![allow(
    clippy::unwrap_used,
    clippy::panic,
    reason = "test helpers fail loudly by design"
)]

mod common;

use std::path::Path;

use ringside::core::Millis;
use ringside::core::engine::Rules;
use ringside::core::eval::{self, SessionScore, Targets};
use ringside::source::eval as run_eval;

/// Time-based rules are evaluated long after every labelled session ended, as `ringside score`
/// does on this machine today; a fixed time keeps the test reproducible.
const NOW: &str = "2030-01-01T00:00:00Z";

fn dev_set() -> Option<Vec<SessionScore>> {
    let corpus = common::corpus()?;
    let labels = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/coaching/labels.json");
    if !labels.is_file() {
        eprintln!("NOTICE: ../shared/coaching/labels.json is absent; skipping the coaching labels");
        return None;
    }
    let set = run_eval::load_labels(&labels).unwrap();
    let now = Millis::parse(NOW).unwrap();
    Some(run_eval::run(&set, &corpus, &Rules::shared_default(), now).unwrap())
}

#[test]
fn no_nudge_falls_inside_a_quiet_stretch() {
    let Some(scores) = dev_set() else { return };
    let totals = eval::totals(&scores, Targets::default());
    assert!(
        totals.quiet_stretches > 0,
        "the labels have quiet stretches"
    );
    assert_eq!(totals.noise, 0, "\n{}", eval::render(&scores, &totals));
}
