//! The demo session shipped in assets/ tells the story it is meant to: a healthy turn, a
//! failing-test loop that gets a nudge, a reframe, and recovery.

#![allow(clippy::unwrap_used, reason = "test")]

use ringside::core::engine::ids::{RecoveryId, SignalId};
use ringside::core::pipeline::Pipeline;

fn demo() -> Pipeline {
    let bytes = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/assets/demo/session.jsonl"
    ))
    .unwrap();
    let mut p = Pipeline::new(Some("demo".into()));
    p.feed(&bytes);
    p.finish();
    p
}

#[test]
fn the_demo_stalls_gets_reframed_and_recovers() {
    let p = demo();
    let s = p.session();
    let e = p.engine();
    assert_eq!(p.stats().skipped_total(), 0);
    assert_eq!(s.prompts(), 4);
    assert_eq!(e.turns[0].tier, 0, "the first turn is healthy");
    let nudges: Vec<SignalId> = e.nudges.iter().map(|n| n.signal).collect();
    assert_eq!(
        nudges,
        vec![SignalId::S5],
        "exactly one nudge, on the failing-test loop"
    );
    assert_eq!(e.nudges[0].turn, 1);
    let moves: Vec<RecoveryId> = e.recoveries.iter().map(|r| r.recovery).collect();
    for r in [
        RecoveryId::R4,
        RecoveryId::R5,
        RecoveryId::R6,
        RecoveryId::R7,
    ] {
        assert!(moves.contains(&r), "{r:?} missing from {moves:?}");
    }
    assert!(e.assess(s).tier <= 1, "recovered by the end");
    assert!(s.totals.lines_added > 0 && s.totals.checks_failed == 3);
}
