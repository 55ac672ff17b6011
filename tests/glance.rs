//! The status line's bounded state shows what the whole state shows.
//!
//! The status line saves, between calls, only what later lines and its own figures can read (the
//! open turn and the one before, the totals, the engine's live state: `Pipeline::forget_finished`),
//! so a call costs the same however long the session. Here every transcript of the corpus and a
//! few generated sessions are fed in uneven pieces (cutting lines in half) to two pipelines: one
//! keeping everything, one forgetting after every piece and saved and read back as the status
//! line does. After every piece, ticked to moments from the last event to hours later, with and
//! without the latest nudge dismissed, both give the same glance (the status line's figures and
//! the hook's nudge), the same printed rows, and the glance equals the whole dashboard's.

#![allow(
    clippy::unwrap_used,
    clippy::panic,
    reason = "test helpers fail loudly by design"
)]

mod common;

#[path = "../benches/common/gen.rs"]
mod transcript_gen;

use std::sync::Arc;

use ringside::core::Millis;
use ringside::core::engine::Rules;
use ringside::core::pipeline::Pipeline;
use ringside::core::view::{Glance, View};
use ringside::report::status::{self, Layout};

/// Ticks from the latest event: at once, after the idle turn end, after the silence rules.
const LATER_MS: [u64; 4] = [0, 90_000, 40 * 60_000, 3 * 3_600_000];

fn glance_at(p: &Pipeline, now: Millis, dismissed: &[usize]) -> (Glance, Glance) {
    let mut engine = p.engine().clone();
    engine.tick(now, p.session());
    let view = View::new(p.session(), &engine)
        .with_skipped(p.skipped_total())
        .at(Some(now))
        .hiding(dismissed);
    (view.glance(), Glance::from(&view.dashboard()))
}

fn rows(g: &Glance) -> Vec<String> {
    [(120, 1, true), (60, 2, false), (30, 1, false)]
        .into_iter()
        .flat_map(|(width, lines, color)| {
            status::rows(
                g,
                Layout {
                    width,
                    lines,
                    color,
                },
            )
        })
        .collect()
}

/// What the status line keeps: forgotten, encoded and decoded again.
fn saved(mut p: Pipeline, rules: &Arc<Rules>) -> Pipeline {
    p.forget_finished();
    let mut back: Pipeline = postcard::from_bytes(&postcard::to_stdvec(&p).unwrap()).unwrap();
    back.set_rules(rules.clone());
    back
}

/// Cut points: `pieces` uneven steps through `len` bytes (a fixed-seed sequence).
fn cuts(len: usize, pieces: usize, mut seed: u64) -> Vec<usize> {
    let mut at = 0;
    let mut out = Vec::new();
    let avg = (len / pieces).max(1);
    while at < len {
        seed = seed
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        at = (at + 1 + usize::try_from(seed >> 33).unwrap() % (2 * avg)).min(len);
        out.push(at);
    }
    out
}

/// Checks the bounded state against the whole one after every piece; returns how many
/// (piece, moment) pairs showed a nudge, and the most turns the bounded state held.
fn same_glance(name: &str, bytes: &[u8], pieces: usize) -> (usize, usize) {
    let rules = Rules::shared_default();
    let mut whole = Pipeline::with_rules(Some("s".into()), rules.clone());
    let mut bounded = Pipeline::with_rules(Some("s".into()), rules.clone());
    let (mut nudged, mut held) = (0, 0);
    let mut from = 0;
    for to in cuts(bytes.len(), pieces, bytes.len() as u64) {
        whole.feed(&bytes[from..to]);
        bounded.feed(&bytes[from..to]);
        bounded = saved(bounded, &rules);
        from = to;
        held = held.max(bounded.session().turns.len());
        assert_eq!(
            bounded.session().totals,
            whole.session().totals,
            "{name} at {to}"
        );
        // The shortcuts the glance takes, against the whole history they stand for.
        let s = whole.session();
        let prompted = s.turns.iter().filter(|t| t.prompt.is_some()).count();
        assert_eq!(s.prompts(), prompted, "{name} at {to}: prompts");
        let e = whole.engine();
        for n in &e.nudges {
            let answered = e
                .recoveries
                .iter()
                .any(|r| r.recovery.is_success() && r.at_line > n.at_line);
            assert_eq!(e.answered_after(n.at_line), answered, "{name} at {to}");
        }
        let Some(last) = whole.seen().last_at else {
            continue;
        };
        for later in LATER_MS {
            let now = last.plus(later);
            let (g, from_dashboard) = glance_at(&whole, now, &[]);
            assert_eq!(
                g, from_dashboard,
                "{name} at {to}, +{later} ms: the dashboard's"
            );
            let (b, _) = glance_at(&bounded, now, &[]);
            assert_eq!(b, g, "{name} at {to} bytes, +{later} ms");
            assert_eq!(rows(&b), rows(&g), "{name} at {to}, +{later} ms");
            if let Some(n) = &g.nudge {
                nudged += 1;
                // Dismissed, the one before it (if still current) shows, the same in both.
                let dismissed = [n.index];
                let (g2, d2) = glance_at(&whole, now, &dismissed);
                let (b2, _) = glance_at(&bounded, now, &dismissed);
                assert_eq!(g2, d2, "{name} at {to}: dismissed, the dashboard's");
                assert_eq!(b2, g2, "{name} at {to}, +{later} ms, {} dismissed", n.index);
            }
        }
    }
    assert!(held <= 2, "{name}: the bounded state held {held} turns");
    (nudged, held)
}

#[test]
fn the_bounded_state_shows_what_the_whole_state_shows_on_the_corpus() {
    let Some(corpus) = common::corpus() else {
        return;
    };
    let mut nudged = 0;
    for f in common::claude_files(&corpus) {
        let bytes = std::fs::read(&f).unwrap();
        let name = f.display().to_string();
        nudged += same_glance(&name, &bytes, 40).0;
    }
    assert!(nudged > 0, "some corpus session shows a nudge");
}

#[test]
fn the_bounded_state_shows_what_the_whole_state_shows_on_generated_sessions() {
    // Many short prompts in trouble from the start (the correction chain only grows), and a
    // realistic mixed session.
    let mut short = Vec::new();
    transcript_gen::write_short_prompts(&mut short, 400, 7).unwrap();
    let (nudged, held) = same_glance("400 short prompts", &short, 150);
    assert!(nudged > 0, "the troubled session nudges");
    assert_eq!(held, 2);
    let mut mixed = Vec::new();
    transcript_gen::write_transcript(&mut mixed, 3_000_000, 42).unwrap();
    let (nudged, _) = same_glance("3 MB generated", &mixed, 120);
    assert!(nudged > 0, "the generated session nudges");
}

#[test]
fn the_bounded_state_stays_small_however_long_the_session() {
    let rules = Rules::shared_default();
    let size = |prompts: u64| {
        let mut bytes = Vec::new();
        transcript_gen::write_short_prompts(&mut bytes, prompts, 7).unwrap();
        let mut p = Pipeline::with_rules(Some("s".into()), rules.clone());
        p.feed(&bytes);
        let whole = postcard::to_stdvec(&p).unwrap().len();
        p.forget_finished();
        (whole, postcard::to_stdvec(&p).unwrap().len())
    };
    // Past the first thousand prompts or so (once the ids remembered are as many as they get),
    // four times the prompts make the whole state four times larger and the bounded state no
    // larger.
    let (whole_small, small) = size(1200);
    let (whole_big, big) = size(4800);
    assert!(whole_big > 3 * whole_small, "{whole_small} -> {whole_big}");
    assert!(
        big * 10 < small * 11 && big < 64 << 10,
        "bounded state {small} -> {big} bytes"
    );
}

/// A status line call that runs out of time saves the state it reached, so a session too big to
/// read in one call is read over successive calls, each going on where the last stopped, and
/// then shows what one whole read shows. The budget is injected: here it runs out after every
/// chunk (so each call reads one 256 KiB chunk), where the status line's is a second.
#[test]
fn a_session_read_over_many_short_calls_ends_with_the_whole_reads_line() {
    use ringside::core::agents::Format;
    use ringside::source::snapshot;

    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("3b6f0a52-big.jsonl");
    let mut bytes = Vec::new();
    // Short prompts in trouble from the start: about 3 MB that ends with a nudge showing.
    transcript_gen::write_short_prompts(&mut bytes, 800, 7).unwrap();
    std::fs::write(&path, &bytes).unwrap();
    let rules = Rules::shared_default();
    let cache = tmp.path().join("cache");
    let (mut calls, mut read_before) = (0, 0);
    let caught = loop {
        calls += 1;
        assert!(calls < 100, "no end after {calls} calls");
        let mut asked = 0;
        let c = snapshot::catch_up_within(&cache, Format::default(), &path, &rules, &mut || {
            asked += 1;
            true
        })
        .unwrap();
        assert_eq!(asked, 1, "call {calls}: one chunk, then out of time");
        let Some(b) = c.behind else {
            break c;
        };
        // Each call goes on from where the saved state stopped: never from byte 0 again.
        assert!(b.main_read > read_before, "call {calls}: {b:?}");
        assert_eq!(
            b.main_read + b.main_left,
            bytes.len() as u64,
            "call {calls}"
        );
        assert_eq!(c.read, b.main_read - read_before, "call {calls}");
        assert!(
            c.fresh.is_none() || calls == 1,
            "call {calls}: {:?}",
            c.fresh
        );
        read_before = b.main_read;
    };
    assert!(
        calls >= 10,
        "{} bytes in 256 KiB chunks took {calls} calls",
        bytes.len()
    );
    // A call with nothing new reads nothing and shows the same.
    let again = snapshot::catch_up(&cache, &path, &rules).unwrap();
    assert_eq!((again.read, again.behind), (0, None));
    let whole = snapshot::catch_up(&tmp.path().join("other-cache"), &path, &rules).unwrap();
    assert!(whole.behind.is_none() && whole.read == bytes.len() as u64);
    let last = whole.pipeline.seen().last_at.unwrap();
    let mut nudged = false;
    for later in LATER_MS {
        let now = last.plus(later);
        let (w, _) = glance_at(&whole.pipeline, now, &[]);
        for p in [&caught.pipeline, &again.pipeline] {
            let (g, _) = glance_at(p, now, &[]);
            assert_eq!(g, w, "+{later} ms");
            assert_eq!(rows(&g), rows(&w), "+{later} ms");
        }
        nudged |= w.nudge.is_some();
    }
    assert!(
        nudged,
        "the session shows a nudge, so the lines compared carry one"
    );
}
