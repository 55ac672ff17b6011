//! The watch screen, drawn into ratatui's TestBackend: snapshots of the demo at a few moments
//! and sizes, the overlays and the edge states, and the rules no snapshot can show (no escape
//! sequence reaches the screen; NO_COLOR leaves no colour).

#![allow(clippy::unwrap_used, reason = "test")]

mod common;

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::style::Color;
use ringside::core::pipeline::Pipeline;
use ringside::core::view::{Dashboard, Glance, TurnDetail};
use ringside::source::live::{SessionEntry, Showing, Update, Waiting};
use ringside::tui::app::{App, Overlay};
use ringside::tui::keymap::{Action, Keymap};
use ringside::tui::theme::Theme;
use ringside::tui::view::render;

const DEMO: &[u8] = include_bytes!("../assets/demo/session.jsonl");
const COLOR: Theme = Theme { color: true };

fn demo_pipeline(lines: usize) -> Pipeline {
    let mut p = Pipeline::new(Some("demo".into()));
    for l in DEMO.split(|b| *b == b'\n').take(lines) {
        p.feed(l);
        p.feed(b"\n");
    }
    p
}

fn app_at(lines: usize) -> (App, Pipeline) {
    let p = demo_pipeline(lines);
    let mut app = App::new(Keymap::default());
    let d = Dashboard::build(p.session(), p.engine(), None, &[], 0);
    app.on_update(Update::Dashboard(
        Box::new(d),
        Showing::Demo {
            finished: lines >= 97,
        },
    ));
    (app, p)
}

fn draw(app: &mut App, w: u16, h: u16, theme: Theme) -> Terminal<TestBackend> {
    let mut t = Terminal::new(TestBackend::new(w, h)).unwrap();
    t.draw(|f| render(f, app, theme)).unwrap();
    t
}

/// The demo at three moments: the healthy first turn done, mid-loop with the nudge, the end.
const MOMENTS: [(usize, &str); 3] = [(34, "healthy"), (62, "nudge"), (97, "recovered")];

/// The sizes a split pane beside the agent takes, down to the smallest ringside draws on.
const SIZES: [(u16, u16); 4] = [(120, 40), (80, 20), (50, 40), (40, 15)];

/// The screen's text with borders gone and whitespace folded: wrapped text reads as one line.
fn plain_text(t: &Terminal<TestBackend>) -> String {
    let buf = t.backend().buffer();
    let w = usize::from(buf.area.width);
    let cells: Vec<&str> = buf.content().iter().map(|c| c.symbol()).collect();
    let rows: Vec<String> = cells
        .chunks(w)
        .map(|r| {
            r.concat()
                .chars()
                .map(|c| {
                    if "│┃┌┐└┘┏┓┗┛─━".contains(c) {
                        ' '
                    } else {
                        c
                    }
                })
                .collect()
        })
        .collect();
    rows.join(" ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

#[test]
fn snapshots_of_the_demo_at_four_sizes() {
    for (lines, moment) in MOMENTS {
        for (w, h) in SIZES {
            let (mut app, _) = app_at(lines);
            let t = draw(&mut app, w, h, COLOR);
            insta::assert_snapshot!(format!("demo_{moment}_{w}x{h}"), t.backend());
        }
    }
}

#[test]
fn the_whole_nudge_is_on_screen_at_every_size() {
    let (app, _) = app_at(62);
    let n = app
        .dash
        .as_ref()
        .unwrap()
        .nudge
        .clone()
        .expect("the demo nudges here");
    for (w, h) in SIZES {
        let (mut app, _) = app_at(62);
        let text = plain_text(&draw(&mut app, w, h, COLOR));
        let whole = n.text.split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(text.contains(&whole), "{w}x{h}: the nudge is cut:\n{text}");
        assert!(
            text.contains(&n.headline),
            "{w}x{h}: the headline is cut:\n{text}"
        );
        assert!(
            !text.contains("risk low"),
            "{w}x{h}: a nudge beside low:\n{text}"
        );
    }
}

/// Every position of a replay, drawn: wherever a nudge is on screen, the risk band beside it is
/// not "low", on the screen, in the view model and in the status line.
/// Returns how many positions had the band raised for the nudge (the engine's band was lower).
fn assert_no_nudge_beside_low(
    r: &std::sync::Arc<ringside::core::replay::Replay>,
    what: &str,
) -> usize {
    use ringside::core::engine::Band;
    use ringside::report::status::{self, Layout};
    let mut p = ringside::core::replay::Player::new(std::sync::Arc::clone(r), 8.0);
    let mut nudged = 0;
    let mut raised = 0;
    for pos in 0..=r.len() {
        p.seek(pos);
        let d = p.dashboard(&[]);
        let Some(n) = &d.nudge else { continue };
        nudged += 1;
        raised += usize::from(d.risk.raised_for.is_some());
        assert!(
            d.risk.band.is_some_and(|b| b >= Band::Watch),
            "{what} at {pos}: {:?} beside {}",
            d.risk.band,
            n.headline
        );
        let row = status::rows(
            &Glance::from(&d),
            Layout {
                width: 200,
                lines: 1,
                color: false,
            },
        )
        .join(" ");
        assert!(!row.contains("low"), "{what} at {pos}: {row}");
        let mut app = App::new(Keymap::default());
        app.on_replay(d, p.bar());
        let text = plain_text(&draw(&mut app, 80, 24, Theme { color: false }));
        assert!(!text.contains("risk low"), "{what} at {pos}:\n{text}");
    }
    assert!(nudged > 0, "{what}: no position showed a nudge");
    raised
}

#[test]
fn no_screen_shows_a_nudge_beside_a_low_band() {
    use ringside::core::engine::Rules;
    use ringside::core::replay::Replay;
    // Evaluated long after the sessions ended, as a replay or the status line does later on:
    // time has decayed the risk while the last nudge is still open.
    let later = ringside::core::Millis::parse("2026-06-01T00:00:00Z");
    let open = |bytes: Vec<u8>| {
        std::sync::Arc::new(Replay::open(bytes, None, Rules::shared_default(), later))
    };
    assert_no_nudge_beside_low(&open(DEMO.to_vec()), "the demo");
    let Some(corpus) = common::corpus() else {
        return;
    };
    let files = common::claude_files(&corpus);
    let mut checked = 0;
    let mut raised = 0;
    for f in files {
        let r = open(std::fs::read(&f).unwrap());
        if r.last().engine().nudges.is_empty() {
            continue;
        }
        raised += assert_no_nudge_beside_low(&r, &f.display().to_string());
        checked += 1;
    }
    assert!(checked > 0, "no corpus session nudges");
    // The case this guards: a nudge (a bypassed check) while the engine's band is low.
    assert!(raised > 0, "no corpus position had a nudge at a low band");
}

#[test]
fn snapshots_of_the_overlays() {
    let (mut app, p) = app_at(97);
    app.on_action(Action::Help);
    insta::assert_snapshot!("help_60x40", draw(&mut app, 60, 40, COLOR).backend());

    let (mut app, _) = app_at(97);
    let detail = TurnDetail::build(p.session(), p.engine(), 1).unwrap();
    app.on_update(Update::Detail(Box::new(detail)));
    insta::assert_snapshot!(
        "detail_turn2_60x40",
        draw(&mut app, 60, 40, COLOR).backend()
    );

    let (mut app, _) = app_at(97);
    let row = |id: &str, current| SessionEntry {
        path: format!("/p/{id}.jsonl").into(),
        id: id.into(),
        modified: ringside::core::Millis::parse("2026-11-20T14:02:11Z"),
        bytes: 123_456,
        current,
        project: Some("logslice".into()),
        branch: Some("fix/since-timezone".into()),
        first_prompt: Some("Add a --since flag to logslice".into()),
        prompts: 4,
        agent: "claude-code",
    };
    app.on_update(Update::Sessions(vec![
        row("d3m0c0de-5e55", true),
        row("aa11bb22-0000", false),
    ]));
    assert!(matches!(app.overlay, Some(Overlay::Sessions { .. })));
    insta::assert_snapshot!("sessions_60x20", draw(&mut app, 60, 20, COLOR).backend());
}

#[test]
fn snapshots_of_the_edge_states() {
    let mut app = App::new(Keymap::default());
    app.on_update(Update::Waiting(Waiting {
        looking_in: "/home/me/.claude/projects".into(),
        project: Some("/home/me/src/app".into()),
        elsewhere: 3,
    }));
    insta::assert_snapshot!("waiting_60x20", draw(&mut app, 60, 20, COLOR).backend());
    let (mut app, _) = app_at(62);
    insta::assert_snapshot!("too_small_30x10", draw(&mut app, 30, 10, COLOR).backend());
}

#[test]
fn every_size_from_tiny_to_wide_draws_without_panicking() {
    for (lines, _) in MOMENTS {
        for w in [1u16, 10, 39, 40, 41, 55, 80, 200] {
            for h in [1u16, 5, 14, 15, 16, 23, 24, 60] {
                let (mut app, _) = app_at(lines);
                draw(&mut app, w, h, COLOR);
                app.on_action(Action::Help);
                draw(&mut app, w, h, COLOR);
            }
        }
    }
}

#[test]
fn escape_sequences_in_transcript_text_never_reach_the_screen() {
    let evil = concat!(
        r#"{"type":"user","message":{"role":"user","content":"copy \u001b]52;c;ZXZpbA==\u0007 this \u001b[2J now"},"#,
        r#""cwd":"/w/\u001b[31mred","gitBranch":"b\u001b]0;title\u0007","timestamp":"2026-01-01T00:00:00Z"}"#,
        "\n",
        r#"{"type":"assistant","message":{"id":"m","model":"claude-x","content":[{"type":"tool_use","id":"t","name":"Bash","input":{"command":"echo \u001b[2J\u001b]52;c;AAAA\u0007hi"}}]},"timestamp":"2026-01-01T00:00:01Z"}"#,
        "\n"
    );
    let mut p = Pipeline::new(Some("evil".into()));
    p.feed(evil.as_bytes());
    let mut app = App::new(Keymap::default());
    let d = Dashboard::build(p.session(), p.engine(), None, &[], 0);
    app.on_update(Update::Dashboard(
        Box::new(d),
        Showing::Demo { finished: false },
    ));
    let t = draw(&mut app, 100, 30, COLOR);
    let buf = t.backend().buffer();
    let text: String = buf.content().iter().map(|c| c.symbol()).collect();
    assert!(
        !text.chars().any(|c| c.is_control()),
        "a control character reached the buffer"
    );
    for fragment in ["]52;", "[2J", "[31m", "]0;"] {
        assert!(
            !text.contains(fragment),
            "{fragment} reached the screen: {text}"
        );
    }
    assert!(
        text.contains("copy") && text.contains("this") && text.contains("now"),
        "the prompt is still shown"
    );
}

#[test]
fn no_color_leaves_meaning_in_symbols_only() {
    let (mut app, _) = app_at(62);
    let t = draw(&mut app, 80, 40, Theme { color: false });
    let buf = t.backend().buffer();
    assert!(
        buf.content()
            .iter()
            .all(|c| c.fg == Color::Reset && c.bg == Color::Reset),
        "a colour was used"
    );
    let text: String = buf.content().iter().map(|c| c.symbol()).collect();
    assert!(text.contains('✗') && text.contains('⚠') && text.contains("risk watch"));
    let t = draw(&mut app, 80, 40, COLOR);
    assert!(
        t.backend()
            .buffer()
            .content()
            .iter()
            .any(|c| c.symbol() == "✗" && c.fg == Color::Red)
    );
}
