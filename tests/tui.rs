//! The watch screen, drawn into ratatui's TestBackend: snapshots of the demo at a few moments
//! and sizes, the overlays and the edge states, and the rules no snapshot can show (no escape
//! sequence reaches the screen; NO_COLOR leaves no colour).

#![allow(clippy::unwrap_used, reason = "test")]

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::style::Color;
use ringside::core::pipeline::Pipeline;
use ringside::core::view::{Dashboard, TurnDetail};
use ringside::source::live::{SessionEntry, Showing, Update};
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

#[test]
fn snapshots_of_the_demo_at_three_sizes() {
    for (lines, moment) in MOMENTS {
        for (w, h) in [(120, 40), (60, 40), (40, 15)] {
            let (mut app, _) = app_at(lines);
            let t = draw(&mut app, w, h, COLOR);
            insta::assert_snapshot!(format!("demo_{moment}_{w}x{h}"), t.backend());
        }
    }
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
    app.on_update(Update::Waiting("/home/me/.claude/projects".into()));
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
