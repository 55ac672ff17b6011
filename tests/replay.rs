//! Replay: the screen at several positions (insta, TestBackend), seeking in any order gives the
//! state a fresh read gives (proptest), and the report agrees with `score --json`.

#![allow(clippy::unwrap_used, clippy::panic, reason = "test")]

mod common;

#[path = "../benches/common/gen.rs"]
mod transcript_gen;

use std::sync::Arc;

use assert_cmd::Command;
use proptest::prelude::*;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ringside::core::engine::Rules;
use ringside::core::pipeline::Pipeline;
use ringside::core::replay::{Command as Cmd, MarkKind, Opening, Player, Replay, SNAPSHOT_BYTES};
use ringside::tui::app::App;
use ringside::tui::keymap::{Action, Keymap};
use ringside::tui::theme::Theme;
use ringside::tui::view::render;

const DEMO: &[u8] = include_bytes!("../assets/demo/session.jsonl");
/// Evaluation time for reproducible snapshots: long after every session in the corpus.
const NOW: &str = "2026-06-01T00:00:00Z";

fn open(bytes: &[u8], id: &str) -> Arc<Replay> {
    let now = ringside::core::Millis::parse(NOW);
    Arc::new(Replay::open(
        bytes.to_vec(),
        Some(id.into()),
        Rules::shared_default(),
        now,
    ))
}

fn screen(player: &Player, w: u16, h: u16) -> String {
    let mut app = App::new(Keymap::default());
    app.on_replay(player.dashboard(&[]), player.bar());
    let mut t = Terminal::new(TestBackend::new(w, h)).unwrap();
    t.draw(|f| render(f, &mut app, Theme { color: true }))
        .unwrap();
    format!("{}", t.backend())
}

/// A fresh pipeline fed the file up to `pos`'s stop: what replay must equal.
fn fresh(r: &Replay, bytes: &[u8], pos: usize) -> Pipeline {
    let mut p = Pipeline::new(r.id().map(str::to_owned));
    let end = pos
        .checked_sub(1)
        .map_or(0, |i| r.stops()[i].end.min(bytes.len()));
    p.feed(&bytes[..end]);
    p
}

fn assert_same(a: &Pipeline, b: &Pipeline, at: &str) {
    assert_eq!(a.session(), b.session(), "session differs {at}");
    assert_eq!(
        a.engine().firings,
        b.engine().firings,
        "signals differ {at}"
    );
    assert_eq!(a.engine().nudges, b.engine().nudges, "nudges differ {at}");
    assert_eq!(
        a.engine().recoveries,
        b.engine().recoveries,
        "recoveries differ {at}"
    );
    assert_eq!(
        a.skipped_total(),
        b.skipped_total(),
        "skipped lines differ {at}"
    );
    assert_eq!(a.stats(), b.stats(), "parse counts differ {at}");
}

#[test]
fn snapshots_of_the_demo_replay() {
    let r = open(DEMO, "demo");
    let mut p = Player::new(Arc::clone(&r), 8.0);
    let nudge = r.next_mark(0, &[MarkKind::Nudge]).unwrap();
    for (name, pos) in [("start", 1), ("nudge", nudge), ("end", r.len())] {
        p.command(Cmd::Seek(pos));
        for (w, h) in [(120, 40), (60, 40), (40, 15)] {
            insta::assert_snapshot!(format!("replay_demo_{name}_{w}x{h}"), screen(&p, w, h));
        }
    }
}

#[test]
fn snapshots_of_a_long_corpus_session_replay() {
    let Some(dir) = common::corpus() else { return };
    let bytes = std::fs::read(dir.join(common::MANUAL_COMPACT)).unwrap();
    let r = open(&bytes, "ae4a77f8-aedd-4bc1-888f-c94edc91af04");
    let mut p = Player::new(Arc::clone(&r), 8.0);
    // The first nudge, the check-bypass signal, and the end (with the likely abandonment).
    let nudge = r.next_mark(0, &[MarkKind::Nudge]).unwrap();
    let bypass = r.pos_of_line(ringside::core::LineNo(1458));
    for (name, pos) in [("first_nudge", nudge), ("bypass", bypass), ("end", r.len())] {
        p.command(Cmd::Seek(pos));
        insta::assert_snapshot!(format!("replay_corpus_{name}_80x30"), screen(&p, 80, 30));
    }
    // It ends in silence after trouble (S19 at its last line), but lines were written, so it
    // is not "abandoned with nothing written".
    let last = r
        .marks()
        .iter()
        .rev()
        .find(|m| m.kind == MarkKind::Signal)
        .unwrap();
    assert_eq!((last.label.as_str(), last.line.0), ("S19", 1478));
    assert!(!r.marks().iter().any(|m| m.kind == MarkKind::Abandoned));
}

#[test]
fn replay_help_lists_the_playback_keys_and_watch_help_does_not() {
    let r = open(DEMO, "demo");
    let p = Player::new(r, 8.0);
    let mut app = App::new(Keymap::default());
    app.on_replay(p.dashboard(&[]), p.bar());
    app.on_action(Action::Help);
    let mut t = Terminal::new(TestBackend::new(80, 40)).unwrap();
    t.draw(|f| render(f, &mut app, Theme { color: false }))
        .unwrap();
    let text = format!("{}", t.backend());
    for want in ["play / pause", "next signal or nudge", "likely abandoned"] {
        assert!(text.contains(want), "{want} missing:\n{text}");
    }
    assert!(!text.contains("pick the session"), "{text}");

    let mut watch = App::new(Keymap::default());
    watch.dash = app.dash.clone();
    watch.on_action(Action::Help);
    let mut t = Terminal::new(TestBackend::new(80, 40)).unwrap();
    t.draw(|f| render(f, &mut watch, Theme { color: false }))
        .unwrap();
    assert!(!format!("{}", t.backend()).contains("play / pause"));
}

#[test]
fn playing_reaches_the_end_and_stops() {
    let r = open(DEMO, "demo");
    let mut p = Player::new(Arc::clone(&r), 64.0);
    let mut wall = 0;
    while p.playing() {
        let due = p.due_in_ms().unwrap();
        p.advance(due.max(1));
        wall += due.max(1);
        assert!(wall < 120_000, "still playing after {wall} ms");
    }
    assert_eq!(p.pos(), r.len());
    let (_, total) = r.play_clock(r.len());
    // At 64x the whole play time passes in about total/64 ms of wall time.
    assert!(wall <= total / 64 + r.len() as u64, "{wall} vs {total}");
    // Space at the end starts again from the beginning.
    assert!(p.command(Cmd::PlayPause));
    assert_eq!((p.pos(), p.playing()), (0, true));
}

fn commands() -> impl Strategy<Value = Vec<Cmd>> {
    let one = prop_oneof![
        Just(Cmd::StepBack),
        Just(Cmd::StepForward),
        Just(Cmd::PrevPrompt),
        Just(Cmd::NextPrompt),
        Just(Cmd::PrevMark),
        Just(Cmd::NextMark),
        Just(Cmd::Start),
        Just(Cmd::End),
        (0usize..20_000).prop_map(Cmd::Seek),
    ];
    proptest::collection::vec(one, 1..12)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    /// Whatever the order of seeks, the state at a position is the state a fresh read up to
    /// that position gives; and seeking away and back returns it unchanged.
    #[test]
    fn seeking_in_any_order_gives_the_fresh_state(cmds in commands()) {
        let r = open(DEMO, "demo");
        let mut p = Player::new(Arc::clone(&r), 8.0);
        for c in cmds {
            p.command(c);
            let pos = p.pos();
            if pos < r.len() {
                assert_same(p.state(), &fresh(&r, DEMO, pos), &format!("at {pos} after {c:?}"));
            }
        }
        let here = p.pos();
        let before = p.dashboard(&[]);
        p.command(Cmd::End);
        p.command(Cmd::Start);
        p.command(Cmd::Seek(here));
        prop_assert_eq!(p.dashboard(&[]), before);
    }
}

#[test]
fn seeking_a_long_corpus_session_matches_fresh_reads() {
    let Some(dir) = common::corpus() else { return };
    let bytes = std::fs::read(dir.join(common::AUTOCOMPACT)).unwrap();
    let r = open(&bytes, "258c7280-ae70-4798-800f-63464d01a85d");
    let mut p = Player::new(Arc::clone(&r), 8.0);
    let n = r.len();
    for pos in [n - 1, 3, n / 2, n / 2 + 1, n / 3, 1, n - 2] {
        p.command(Cmd::Seek(pos));
        assert_same(p.state(), &fresh(&r, &bytes, pos), &format!("at {pos}"));
    }
}

fn json(args: &[&str]) -> serde_json::Value {
    let out = Command::cargo_bin("ringside")
        .unwrap()
        .args(args)
        .env("RINGSIDE_HOME", "/nonexistent-ringside-home")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn the_report_agrees_with_score_json_on_both_long_sessions() {
    let Some(dir) = common::corpus() else { return };
    for rel in [common::AUTOCOMPACT, common::MANUAL_COMPACT] {
        let path = dir.join(rel);
        let path = path.to_str().unwrap();
        let score = json(&["score", path, "--json", "--now", NOW]);
        let report = json(&["replay", path, "--report", "--format", "json", "--now", NOW]);
        let s = &score["session"];
        let sum = &report["summary"];
        for (a, b) in [
            ("prompts", "prompts"),
            ("actions_per_prompt", "actions_per_prompt"),
            ("actions_per_prompt_geomean", "actions_per_prompt_geomean"),
            ("duration_ms", "duration_ms"),
            ("lines_added", "lines_added"),
            ("lines_removed", "lines_removed"),
            ("checks_run", "checks_run"),
            ("checks_failed", "checks_failed"),
            ("actions", "actions"),
            ("tool_errors", "tool_errors"),
            ("output_tokens", "output_tokens"),
        ] {
            assert_eq!(sum[b], s[a], "{rel}: summary.{b} vs session.{a}");
        }
        assert_eq!(report["turns"], score["turns"], "{rel}: turns");
        assert_eq!(report["nudges"], s["nudges"], "{rel}: nudges");
        assert_eq!(report["recoveries"], s["recoveries"], "{rel}: recoveries");
        assert_eq!(
            report["abandoned_at"], s["abandoned_at"],
            "{rel}: abandoned"
        );
        let fired: usize = score["turns"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t["signals"].as_array().unwrap().len())
            .sum();
        assert_eq!(report["signals"].as_array().unwrap().len(), fired);
        assert_eq!(sum["outcome"]["trouble"], s["trouble"]);
        assert_eq!(
            sum["outcome"]["likely_abandoned"],
            serde_json::Value::Bool(!s["abandoned_at"].is_null())
        );
    }
}

#[test]
fn markdown_report_of_the_demo_tells_the_story() {
    let out = Command::cargo_bin("ringside")
        .unwrap()
        .args(["replay", "--demo", "--report", "--now", NOW])
        .env("RINGSIDE_HOME", "/nonexistent-ringside-home")
        .output()
        .unwrap();
    assert!(out.status.success());
    let md = String::from_utf8(out.stdout).unwrap();
    insta::assert_snapshot!("replay_demo_report_md", md);
}

#[test]
fn replay_without_a_terminal_points_to_the_report() {
    let out = Command::cargo_bin("ringside")
        .unwrap()
        .args(["replay", "--demo"])
        .env("RINGSIDE_HOME", "/nonexistent-ringside-home")
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("--report"));
}

/// Opens `path` as `ringside replay` does: one pass in chunks, stretches read back from the file.
fn open_file(path: &std::path::Path, id: &str) -> Arc<Replay> {
    let now = ringside::core::Millis::parse(NOW);
    Arc::new(
        ringside::source::replay::open(
            path,
            ringside::core::agents::Format::default(),
            Some(id.into()),
            Rules::shared_default(),
            now,
        )
        .unwrap(),
    )
}

/// A replay read back from its file shows, at every position visited (by a seek from a
/// snapshot, by stepping on from the position before, and by playing), exactly what a fresh
/// pipeline fed the file up to that position's line shows; and its stops, marks and final state
/// are those of a replay that holds the whole file.
fn assert_file_replay_is_exact(path: &std::path::Path, id: &str, positions: usize) {
    let bytes = std::fs::read(path).unwrap();
    let r = open_file(path, id);
    let held = open(&bytes, id);
    let at = path.display();
    assert_eq!(r.stops(), held.stops(), "stops of {at}");
    assert_eq!(r.marks(), held.marks(), "marks of {at}");
    assert_same(r.last(), held.last(), &format!("at the end of {at}"));
    let n = r.len();
    assert!(n > 0, "{at} has no stops");
    let mut p = Player::new(Arc::clone(&r), 8.0);
    // Seeks far apart (each from its nearest snapshot, backwards too), then a step forward and
    // a step back from each.
    let mut targets: Vec<usize> = (0..positions)
        .map(|i| n - 1 - i * (n - 1) / positions)
        .collect();
    targets.extend([1, n / 2]);
    for pos in targets {
        p.command(Cmd::Seek(pos));
        assert_eq!(p.pos(), pos);
        assert_same(
            p.state(),
            &fresh(&r, &bytes, pos),
            &format!("at {pos} of {at}"),
        );
        if pos + 1 < n {
            p.command(Cmd::StepForward);
            assert_same(
                p.state(),
                &fresh(&r, &bytes, pos + 1),
                &format!("after {pos} of {at}"),
            );
            p.command(Cmd::StepBack);
        }
        assert_same(
            p.state(),
            &fresh(&r, &bytes, pos),
            &format!("back at {pos} of {at}"),
        );
        assert!(p.take_error().is_none());
    }
    p.command(Cmd::End);
    assert_same(p.state(), r.last(), &format!("at the end of {at}"));
}

#[test]
fn a_replay_read_back_from_its_file_equals_fresh_reads_on_the_corpus() {
    let Some(dir) = common::corpus() else { return };
    let mut files = 0;
    for path in common::claude_files(&dir) {
        let bytes = std::fs::read(&path).unwrap();
        if Replay::open(bytes, None, Rules::shared_default(), None).len() < 2 {
            continue;
        }
        let id = path.file_stem().unwrap().to_string_lossy().into_owned();
        assert_file_replay_is_exact(&path, &id, 4);
        files += 1;
    }
    assert!(files >= 5, "only {files} corpus files replayed");
}

#[test]
fn a_replay_read_back_from_its_file_equals_fresh_reads_on_a_generated_session() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("generated.jsonl");
    let out = std::io::BufWriter::new(std::fs::File::create(&path).unwrap());
    transcript_gen::write_transcript(out, 10_000_000, 7).unwrap();
    let len = std::fs::metadata(&path).unwrap().len() as usize;
    // Several snapshots: seeks start from ones other than the first.
    assert!(len > 2 * SNAPSHOT_BYTES, "{len} bytes");
    assert_file_replay_is_exact(&path, "generated", 6);
}

#[test]
fn how_the_transcript_is_cut_while_opening_changes_nothing() {
    let whole = open(DEMO, "demo");
    for size in [1, 7, 4096] {
        let mut o = Opening::new(
            Default::default(),
            Some("demo".into()),
            Rules::shared_default(),
        );
        for chunk in DEMO.chunks(size) {
            o.feed(chunk);
        }
        let r = o.finish(Arc::new(DEMO.to_vec()), ringside::core::Millis::parse(NOW));
        assert_eq!(r.stops(), whole.stops(), "stops, chunks of {size}");
        assert_eq!(r.marks(), whole.marks(), "marks, chunks of {size}");
        let pos = r.len() / 2;
        assert_same(
            &r.state_at(pos).unwrap(),
            &whole.state_at(pos).unwrap(),
            &format!("at {pos}, chunks of {size}"),
        );
    }
}

#[test]
fn a_transcript_cut_short_after_opening_stops_the_seek_and_says_why() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("demo.jsonl");
    std::fs::write(&path, DEMO).unwrap();
    let r = open_file(&path, "demo");
    let mut p = Player::new(Arc::clone(&r), 8.0);
    let half = r.len() / 2;
    p.command(Cmd::Seek(half));
    assert_eq!(p.pos(), half);
    let before = p.dashboard(&[]);
    // Someone else shortens the file (ringside never writes to it).
    std::fs::OpenOptions::new()
        .write(true)
        .open(&path)
        .unwrap()
        .set_len(DEMO.len() as u64 / 3)
        .unwrap();
    let end = r.len() - 1;
    p.command(Cmd::Seek(end));
    assert_eq!(p.pos(), half, "it stays where it was");
    assert!(!p.playing());
    let e = p.take_error().expect("the failed seek says why");
    assert!(e.to_string().contains("shorter"), "{e}");
    assert!(p.take_error().is_none(), "said once");
    assert_eq!(p.dashboard(&[]), before);
    // What needs nothing read back still works: the start, the end.
    p.command(Cmd::End);
    assert_eq!(p.pos(), r.len());
    p.command(Cmd::Start);
    assert_eq!(p.pos(), 0);
}
