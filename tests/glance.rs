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
