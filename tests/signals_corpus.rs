//! The coaching engine on the two long real sessions, checked by hand against the transcripts.
//!
//! What was checked (reading the lines with a small script over the JSONL):
//!
//! Autocompact session (258c7280…):
//! - l.945, l.988, l.1035: `mix test test/spotter_web/live/project_review_live_test.exs` fails
//!   (exit 1, 2, 2), with Edits to the LiveView and its test between the runs: a failing-test
//!   loop (S5) from the third run. It is nudged: the only nudge of the session.
//! - l.1141: the same test file passes: a check passing after failing (R5).
//! - l.1256: `compact_boundary` with trigger "auto" (S17), preTokens 167094.
//! - l.385 ("Now I'll write the complete updated file…") is a plan, then a 72-second Write:
//!   not a completion claim and not the end of a turn (an earlier version fired S13 there).
//! - The session ends with "did you push?" answered cleanly: no silence signal (S19).
//!
//! Manual-compact session (ae4a77f8…):
//! - l.1209 ([CREDO]), l.1343 and l.1366 ([DIALYZER]): `git commit` rejected by the pre-commit
//!   hook, with Edits in between: S5 from the third rejection, nudged; it grows to 7 rejections
//!   (…, l.1463).
//! - l.1403: a `# dialyzer:ignore-warnings` comment added while the hook keeps failing: a check
//!   bypass (S20), always nudged; l.1430 a `.dialyzerignore` written, l.1458 `git add -A && git
//!   commit --no-verify …`: the same signal again (fired, not nudged twice in a row).
//! - l.1473: "Perfect! I have successfully completed two full tasks…" while the last commit had
//!   failed: claimed done with a failing check (S13, variant 2).
//! - l.1478 (14:34:19) to the user's /compact at 14:47:08: 13 quiet minutes after a troubled turn
//!   (S19 at 14:44:19), nudged. The user then came back with /compact and "continue
//!   implementation", which is a continuation, not a vague prompt (an earlier version fired S12).
//! - l.661 ([FORMAT]) then a passing commit at l.679: one failure, fixed: no loop.

#![allow(
    clippy::unwrap_used,
    clippy::panic,
    reason = "test helpers fail loudly by design"
)]

mod common;

use ringside::core::engine::ids::SignalId;
use ringside::core::pipeline::Pipeline;

fn run(rel: &str) -> Option<Pipeline> {
    let corpus = common::corpus()?;
    let bytes = std::fs::read(corpus.join(rel)).unwrap();
    Some(common::pipeline_of(&bytes))
}

fn fired(p: &Pipeline) -> Vec<(SignalId, u64)> {
    p.engine()
        .firings
        .iter()
        .map(|f| (f.signal, f.at_line.0))
        .collect()
}

fn lines(v: &[ringside::core::LineNo]) -> Vec<u64> {
    v.iter().map(|l| l.0).collect()
}

#[test]
fn autocompact_session_has_one_loop_and_one_nudge() {
    let Some(p) = run(common::AUTOCOMPACT) else {
        return;
    };
    let e = p.engine();
    let s5 = e
        .firings
        .iter()
        .find(|f| f.signal == SignalId::S5)
        .expect("S5");
    assert_eq!(lines(&s5.evidence), vec![945, 988, 1035]);
    assert!(
        e.firings
            .iter()
            .any(|f| f.signal == SignalId::S17 && f.at_line.0 == 1256)
    );
    assert!(
        !fired(&p)
            .iter()
            .any(|(s, _)| matches!(s, SignalId::S13 | SignalId::S19 | SignalId::S12)),
        "{:?}",
        fired(&p)
    );
    let nudges: Vec<(SignalId, u64)> = e.nudges.iter().map(|n| (n.signal, n.at_line.0)).collect();
    assert_eq!(nudges, vec![(SignalId::S5, 1035)]);
    assert!(
        e.recoveries
            .iter()
            .any(|r| r.recovery.code() == "R5" && r.at_line.0 == 1141)
    );
}

#[test]
fn manual_compact_session_shows_the_hook_loop_the_bypass_and_the_silence() {
    let Some(p) = run(common::MANUAL_COMPACT) else {
        return;
    };
    let e = p.engine();
    let s5 = e
        .firings
        .iter()
        .find(|f| f.signal == SignalId::S5)
        .expect("S5");
    assert_eq!(lines(&s5.evidence[..3]), vec![1209, 1343, 1366]);
    assert_eq!(s5.evidence.len(), 7);
    assert!(s5.detail.contains("DIALYZER"));
    let s13 = e
        .firings
        .iter()
        .find(|f| f.signal == SignalId::S13)
        .expect("S13");
    assert_eq!((s13.at_line.0, s13.variant), (1473, 2));
    assert!(
        !fired(&p).iter().any(|(s, _)| *s == SignalId::S12),
        "\"continue implementation\" is a continuation"
    );
    let bypasses: Vec<u64> = fired(&p)
        .iter()
        .filter(|(s, _)| *s == SignalId::S20)
        .map(|(_, l)| *l)
        .collect();
    assert_eq!(bypasses, vec![1403, 1430, 1458]);
    let nudges: Vec<(SignalId, u64)> = e.nudges.iter().map(|n| (n.signal, n.at_line.0)).collect();
    assert_eq!(
        nudges,
        vec![
            (SignalId::S5, 1366),
            (SignalId::S20, 1403),
            (SignalId::S19, 1478)
        ]
    );
    // Line 1478 (turn_duration) is stamped 14:34:19.642; ten quiet minutes later:
    let s19 = &e.nudges[2];
    assert_eq!(s19.at.unwrap().to_string(), "2026-02-12T14:44:19.642Z");
}

#[test]
fn the_sibling_cascade_is_not_an_error_streak() {
    let Some(corpus) = common::corpus() else {
        return;
    };
    let f = "claude/real/spotter-2.1.39-subagent-parallel-reads-sibling-error-cascade-agent-a2898e3.jsonl";
    // Read as a main thread (as if it were the parent) to exercise the rule on real lines.
    let text = std::fs::read_to_string(corpus.join(f))
        .unwrap()
        .replace("\"isSidechain\":true", "\"isSidechain\":false");
    let p = common::pipeline_of(text.as_bytes());
    assert!(
        !fired(&p).iter().any(|(s, _)| *s == SignalId::S4),
        "{:?}",
        fired(&p)
    );
    assert_eq!(p.session().totals.cancelled, 7);
}

#[test]
fn short_healthy_real_sessions_get_no_nudge() {
    for f in [
        "claude/real/spotter-2.1.38-task-subagent-progress.jsonl",
        "claude/real/ccviewer-1.0.98-inline-sidechains-orchestrator.jsonl",
        "claude/real/sniffly-1.0.17-ai-music-summary-first.jsonl",
    ] {
        let Some(p) = run(f) else { return };
        assert!(p.engine().nudges.is_empty(), "{f}: {:?}", p.engine().nudges);
    }
}
