//! The coaching engine on the real sessions, checked by hand against the transcripts.
//!
//! What was checked (reading the lines with a small script over the JSONL):
//!
//! Autocompact session (258c7280…), a healthy session with a hard negative:
//! - l.945, l.988, l.1035, l.1111: `mix test test/spotter_web/live/project_review_live_test.exs`
//!   fails four times, each time for another reason (an undefined `get/2`, a missing
//!   `secret_key_base`, the `lazy_html` test dependency, the sandbox mode), each fixed in one
//!   edit: progress, not a loop. No S5, no nudge at all.
//! - l.1141: the same test file passes: a check passing after failing (R5).
//! - l.1256: `compact_boundary` with trigger "auto" in a session that goes well: a compaction,
//!   not a warning (S17 fires only in trouble).
//! - l.385 ("Now I'll write the complete updated file…") is a plan, then a 72-second Write:
//!   not a completion claim and not the end of a turn (an earlier version fired S13 there).
//! - The session ends with "did you push?" answered cleanly: no silence signal (S19).
//!
//! Manual-compact session (ae4a77f8…):
//! - l.1343 and l.1366: `git commit` rejected by the pre-commit hook for the same Dialyzer
//!   finding (`otel_trace_helpers.ex:57:13:pattern_match`), with an edit between and only the
//!   edited file re-read: S5 at the second rejection, nudged; it grows with each rejection for
//!   that reason (1419, 1447, 1463). l.1209 and l.1389 (Credo findings) are other reasons.
//! - l.1390: "add a dialyzer ignore for the false positive", right after the hook failed in the
//!   same turn: bypass intent (S21), nudged before any bypass happened.
//! - l.1403 (its result at l.1413): a `# dialyzer:ignore-warnings` comment added while the hook
//!   keeps failing: a check bypass (S20), always nudged once the edit is made; l.1430 (result
//!   l.1441) a `.dialyzerignore` written, l.1458 `git add -A && git commit --no-verify …` (a
//!   command: at its call): the same signal again (fired, not nudged twice in a row).
//! - l.1473: "Perfect! I have successfully completed two full tasks…" while the last commit had
//!   failed: claimed done with a failing check (S13, variant 2), inside the cooldown.
//! - l.1478 (14:34:19) to the user's /compact at 14:47:08: 13 quiet minutes after a troubled turn
//!   (S19 at 14:44:19), nudged. The user then came back with /compact and "continue
//!   implementation", which is a continuation, not a vague prompt (an earlier version fired S12).
//! - l.1519 ("The blocker was a Dialyzer false positive", in a new turn after the compaction):
//!   past tense, no check failed in that turn: no S21.
//! - l.661 ([FORMAT]) then a passing commit at l.679: one failure, fixed: no loop.
//!
//! Sniffly sessions:
//! - short, l.71: "conda activate aie311" sent again, identical to l.63 a minute earlier: S9,
//!   nudged when typed.
//! - summary-first, l.48 and l.65: two complaints about the sound, each answered "You're
//!   absolutely right!" (l.49, l.66): the second correction on the same point (S10), nudged.

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
fn autocompact_session_four_different_failures_are_progress_not_a_loop() {
    let Some(p) = run(common::AUTOCOMPACT) else {
        return;
    };
    let e = p.engine();
    assert!(e.nudges.is_empty(), "{:?}", e.nudges);
    assert!(
        !fired(&p).iter().any(|(s, _)| matches!(
            s,
            SignalId::S5
                | SignalId::S13
                | SignalId::S15
                | SignalId::S17
                | SignalId::S19
                | SignalId::S12
        )),
        "{:?}",
        fired(&p)
    );
    assert!(
        p.session()
            .compactions
            .iter()
            .any(|c| c.line.0 == 1256 && c.auto),
        "the compaction itself is still there"
    );
    assert!(
        e.recoveries
            .iter()
            .any(|r| r.recovery.code() == "R5" && r.at_line.0 == 1141)
    );
}

#[test]
fn manual_compact_session_shows_the_hook_loop_the_intent_the_bypass_and_the_silence() {
    let Some(p) = run(common::MANUAL_COMPACT) else {
        return;
    };
    let e = p.engine();
    let s5 = e
        .firings
        .iter()
        .find(|f| f.signal == SignalId::S5)
        .expect("S5");
    assert_eq!(lines(&s5.evidence), vec![1343, 1366, 1419, 1447, 1463]);
    assert!(s5.detail.contains("DIALYZER"), "{}", s5.detail);
    let s21 = e
        .firings
        .iter()
        .find(|f| f.signal == SignalId::S21)
        .expect("S21");
    assert_eq!((lines(&s21.evidence), s21.variant), (vec![1389, 1390], 0));
    assert!(s21.detail.contains("false positive"), "{}", s21.detail);
    assert_eq!(
        e.firings
            .iter()
            .filter(|f| f.signal == SignalId::S21)
            .count(),
        1,
        "once per failing episode; not again at l.1519 after the compaction"
    );
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
    assert_eq!(bypasses, vec![1413, 1441, 1458]);
    let nudges: Vec<(SignalId, u64)> = e.nudges.iter().map(|n| (n.signal, n.at_line.0)).collect();
    assert_eq!(
        nudges,
        vec![
            (SignalId::S5, 1366),
            (SignalId::S21, 1390),
            (SignalId::S20, 1413),
            (SignalId::S19, 1478)
        ]
    );
    // Line 1478 (turn_duration) is stamped 14:34:19.642; ten quiet minutes later:
    let s19 = &e.nudges[3];
    assert_eq!(s19.at.unwrap().to_string(), "2026-02-12T14:44:19.642Z");
    // Nothing fires in the quiet stretches before the loop and after the compaction.
    assert!(
        fired(&p).iter().all(|(_, l)| (1209..=1484).contains(l)),
        "{:?}",
        fired(&p)
    );
}

#[test]
fn the_user_repeating_themselves_is_nudged_when_typed() {
    let Some(p) = run("claude/real/sniffly-1.0.17-ai-music-short.jsonl") else {
        return;
    };
    let first: Vec<(SignalId, u64)> = p
        .engine()
        .nudges
        .iter()
        .map(|n| (n.signal, n.at_line.0))
        .take(1)
        .collect();
    assert_eq!(first, vec![(SignalId::S9, 71)]);
    let Some(p) = run("claude/real/sniffly-1.0.17-ai-music-summary-first.jsonl") else {
        return;
    };
    let s10: Vec<(Vec<u64>, u64)> = p
        .engine()
        .nudges
        .iter()
        .filter(|n| n.signal == SignalId::S10)
        .map(|n| (lines(&n.evidence), n.at_line.0))
        .collect();
    assert_eq!(s10, vec![(vec![48, 65, 66], 66)]);
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
    ] {
        let Some(p) = run(f) else { return };
        assert!(p.engine().nudges.is_empty(), "{f}: {:?}", p.engine().nudges);
    }
}
