//! Drawing the screen from the app state. Layout, top to bottom:
//!
//! ```text
//! ringside · logslice (fix/since-timezone)           opus-4-6 · 5m   header (2 lines; 1 when short)
//! 4 prompts · 20 actions · 5.0/prompt ▕█████┊····┊·┊··▏ · +45 −14
//! ┌ ⚠ Check keeps failing: root cause first ────────────────────┐   nudge card (when there is one)
//! │`cargo test …` failed 3 times with edits in between. Ask …   │
//! │lines 47, 54, 61 · d dismiss · h helpful                     │
//! └─────────────────────────────────────────────────────────────┘
//! Risk watch 0.32 · S5 +3 · S6 +2                                   risk line
//! ┌ Prompts ────────────────────────────────────────────────────┐   one row per prompt
//! │  1 Add a --since flag…                10        ✓2/2       │
//! │▸ 2 --since 2h drops lines…             5  ✗3     ✗0/3 S5 S6⚠│
//! └─────────────────────────────────────────────────────────────┘
//! ┌ Now · prompt 2 · 3m12s ─────────────────────────────────────┐   live activity (tall screens)
//! │✗ Bash  cargo test since_keeps_local_lines   check failed    │
//! └─────────────────────────────────────────────────────────────┘
//! ? help · q quit · s sessions · ↵ detail                          footer: hints or a notice
//! ```
//!
//! Everything drawn comes sanitised from the dashboard; this module only lays it out and never
//! panics on any size (below 40×15 it says so instead of drawing garbage).

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};

use crate::core::engine::Band;
use crate::core::event::EntryPoint;
use crate::core::format;
use crate::core::replay::{Command, MarkKind, PlaybackBar};
use crate::core::sanitize::{self, width};
use crate::core::session::Status;
use crate::core::view::{Dashboard, NudgeCard, REFERENCE_MARKS, TurnRow};
use crate::source::live::Showing;

use super::app::{App, Overlay, Pane};
use super::keymap::Action;
use super::theme::Theme;

/// The smallest screen ringside draws on.
pub const MIN: (u16, u16) = (40, 15);

/// Draws the whole screen.
pub fn render(f: &mut Frame<'_>, app: &mut App, theme: Theme) {
    let area = f.area();
    if area.width < MIN.0 || area.height < MIN.1 {
        let msg = format!(
            "ringside needs {}×{} (this is {}×{})",
            MIN.0, MIN.1, area.width, area.height
        );
        f.render_widget(
            Paragraph::new(sanitize::one_line(&msg, usize::from(area.width))),
            area,
        );
        return;
    }
    let Some(dash) = app.dash.clone() else {
        waiting(f, area, app, theme);
        return;
    };
    let tall = area.height >= 24;
    let header_h = if tall { 2 } else { 1 };
    let card = dash.nudge.as_ref().map(|n| {
        nudge_lines(
            n,
            usize::from(area.width.saturating_sub(2)),
            if tall { 4 } else { 2 },
        )
    });
    let card_h = card
        .as_ref()
        .map_or(0, |c| u16::try_from(c.len()).unwrap_or(6) + 2);
    let bar_h: u16 = match &app.replay {
        Some(_) if tall => 3,
        Some(_) => 2,
        None => 0,
    };
    let rest = area
        .height
        .saturating_sub(header_h + card_h + 1 + 1 + bar_h);
    let show_live = tall && rest >= 14 && dash.current.is_some();
    // The prompt list takes what its rows need (up to half when the live pane shows); the live
    // pane takes what its calls need; leftover space stays below them, not inside a box.
    let want_turns = u16::try_from(dash.turns.len())
        .unwrap_or(u16::MAX)
        .saturating_add(2);
    let turns_h = if show_live {
        want_turns.clamp(4, rest / 2)
    } else {
        want_turns.clamp(3, rest)
    };
    let want_live = dash
        .current
        .as_ref()
        .map_or(0, |c| {
            u16::try_from(c.activity.len())
                .unwrap_or(u16::MAX)
                .saturating_add(2)
        })
        .max(5);
    let live_h = if show_live {
        want_live.min(rest.saturating_sub(turns_h))
    } else {
        0
    };
    let [
        header_a,
        card_a,
        risk_a,
        turns_a,
        live_a,
        _,
        bar_a,
        footer_a,
    ] = Layout::vertical([
        Constraint::Length(header_h),
        Constraint::Length(card_h),
        Constraint::Length(1),
        Constraint::Length(turns_h),
        Constraint::Length(live_h),
        Constraint::Fill(1),
        Constraint::Length(bar_h),
        Constraint::Length(1),
    ])
    .areas(area);
    header(f, header_a, &dash, app, theme);
    if let (Some(card), Some(n)) = (card, &dash.nudge) {
        nudge(f, card_a, n, card, app, theme);
    }
    risk(f, risk_a, &dash, theme);
    app.page = usize::from(turns_a.height.saturating_sub(2)).max(1);
    turns(f, turns_a, &dash, app, theme);
    if show_live {
        live(f, live_a, &dash, app, theme);
    }
    if let Some(bar) = &app.replay {
        playback(f, bar_a, bar, theme);
    }
    footer(f, footer_a, &dash, app, theme);
    match &app.overlay {
        Some(Overlay::Help) => help(f, area, app, theme),
        Some(Overlay::Detail { .. }) => detail(f, area, app, theme),
        Some(Overlay::Sessions { .. }) => sessions(f, area, app, theme),
        None => {}
    }
}

fn waiting(f: &mut Frame<'_>, area: Rect, app: &App, theme: Theme) {
    let w = usize::from(area.width.saturating_sub(4));
    let where_ = app.waiting.as_deref().unwrap_or("starting…");
    let lines = vec![
        Line::styled("ringside", theme.title()),
        Line::raw(""),
        Line::raw(sanitize::one_line(
            "Waiting for a Claude Code session to write something.",
            w,
        )),
        Line::styled(
            sanitize::one_line(&format!("Looking in: {where_}"), w),
            theme.dim(),
        ),
        Line::raw(""),
        Line::raw(sanitize::one_line(
            "Start `claude` in another pane, or run `ringside --demo`.",
            w,
        )),
        Line::styled(
            sanitize::one_line(&format!("{} quit", app.keymap.keys_for(Action::Quit)), w),
            theme.dim(),
        ),
    ];
    let inner = area.inner(ratatui::layout::Margin {
        horizontal: 2,
        vertical: 1,
    });
    f.render_widget(Paragraph::new(lines), inner);
}

fn header(f: &mut Frame<'_>, area: Rect, d: &Dashboard, app: &App, theme: Theme) {
    let w = usize::from(area.width);
    let h = &d.header;
    let mut right = Vec::new();
    if h.entry_point.is_some_and(EntryPoint::is_headless) {
        right.push("headless".to_owned());
    }
    if let Some(m) = &h.model {
        right.push(m.clone());
    }
    if let Some(e) = h.elapsed_ms {
        right.push(format::duration_short(e));
    }
    let right = right.join(" · ");
    let demo = match app.showing {
        Some(Showing::Demo { finished }) => Some(if finished {
            " DEMO · finished "
        } else {
            " DEMO "
        }),
        Some(Showing::Replay) => Some(" REPLAY "),
        _ => None,
    };
    let project = match &h.branch {
        Some(b) => format!("{} ({b})", h.project),
        None => h.project.clone(),
    };
    // "ringside · " (11) plus the banner, then the project, then at least one space before the
    // right-hand part.
    let left_w = w.saturating_sub(width(&right) + 1 + demo.map_or(0, |b| width(b) + 1) + 11);
    let mut spans = vec![
        Span::styled("ringside", theme.title()),
        Span::styled(" · ", theme.dim()),
    ];
    if let Some(banner) = demo {
        spans.insert(
            0,
            Span::styled(
                banner,
                theme
                    .warn()
                    .add_modifier(ratatui::style::Modifier::REVERSED),
            ),
        );
        spans.insert(1, Span::raw(" "));
    }
    spans.push(Span::raw(sanitize::one_line(&project, left_w)));
    let used: usize = spans.iter().map(|s| width(&s.content)).sum();
    if used + 1 + width(&right) <= w {
        let pad = w - used - width(&right);
        spans.push(Span::raw(" ".repeat(pad)));
        spans.push(Span::styled(right, theme.dim()));
    }
    let mut lines = vec![Line::from(spans)];
    if area.height >= 2 {
        lines.push(gauge_line(d, w, theme));
    }
    f.render_widget(Paragraph::new(lines), area);
}

/// `4 prompts · 20 actions · 5.0/prompt ▕█████┊····┊·┊··▏ · +45 −14`: the parts are dropped
/// from the right (lines, then the gauge) until the line fits.
fn gauge_line(d: &Dashboard, w: usize, theme: Theme) -> Line<'static> {
    const CELLS: usize = 15;
    let h = &d.header;
    let text = format!(
        "{} · {} · {}/prompt",
        format::plural(h.prompts as u64, "prompt"),
        format::plural(u64::from(h.actions), "action"),
        format::ratio(h.actions_per_prompt)
    );
    #[expect(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        reason = "clamped to 0..=15"
    )]
    let filled = h.actions_per_prompt.round().clamp(0.0, CELLS as f64) as usize;
    let headless = h.entry_point.is_some_and(EntryPoint::is_headless);
    let mut gauge = vec![Span::styled(" ▕", theme.dim())];
    for i in 1..=CELLS {
        #[expect(clippy::cast_precision_loss, reason = "small numbers")]
        // The study's marks describe people at a prompt, not scripted runs.
        let mark = !headless && REFERENCE_MARKS.contains(&(i as f64));
        gauge.push(match (i <= filled, mark) {
            (true, _) => Span::styled("█", theme.accent()),
            (false, true) => Span::styled("┊", theme.dim()),
            (false, false) => Span::styled("·", theme.dim()),
        });
    }
    gauge.push(Span::styled("▏", theme.dim()));
    let lines = format::lines(h.lines_added, h.lines_removed);
    let lines = (lines != "–").then(|| Span::styled(format!(" · {lines}"), theme.dim()));
    let text_w = width(&text);
    let gauge_w = CELLS + 3;
    let lines_w = lines.as_ref().map_or(0, |l| width(&l.content));
    let mut spans = vec![Span::raw(sanitize::one_line(&text, w))];
    if text_w + gauge_w <= w {
        spans.extend(gauge);
    }
    let used: usize = spans.iter().map(|s| width(&s.content)).sum();
    if let Some(l) = lines.filter(|_| used + lines_w <= w) {
        spans.push(l);
    }
    Line::from(spans)
}

/// The nudge card's inner lines: the wrapped text (at most `max` lines), then evidence and keys.
fn nudge_lines(n: &NudgeCard, w: usize, max: usize) -> Vec<String> {
    let mut lines = wrap(&n.text, w);
    if lines.len() > max {
        lines.truncate(max);
        if let Some(last) = lines.last_mut() {
            *last = sanitize::one_line(&format!("{last} …"), w);
        }
    }
    let ev: Vec<String> = n.evidence.iter().take(6).map(ToString::to_string).collect();
    let more = if n.evidence.len() > 6 { ", …" } else { "" };
    lines.push(format!("lines {}{more}", ev.join(", ")));
    lines
}

fn nudge(
    f: &mut Frame<'_>,
    area: Rect,
    n: &NudgeCard,
    lines: Vec<String>,
    app: &App,
    theme: Theme,
) {
    let w = usize::from(area.width.saturating_sub(2));
    let keys = format!(
        " {} dismiss · {} helpful ",
        app.keymap.keys_for(Action::Dismiss),
        app.keymap.keys_for(Action::Helpful)
    );
    let session = app.dash.as_ref().map(|d| d.header.session_id.as_str());
    let answered = app
        .answered
        .iter()
        .find(|(s, i, _)| Some(s.as_str()) == session && *i == n.index)
        .map(|(_, _, v)| *v);
    let title = format!(" ⚠ {} ", n.headline);
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.nudge_border())
        .title(Span::styled(
            sanitize::one_line(&title, w.saturating_sub(2)),
            theme.nudge_border(),
        ))
        .title_bottom(Line::styled(
            match answered {
                Some(crate::source::feedback::Verdict::Helpful) => " ✓ marked helpful ".to_string(),
                _ => keys,
            },
            theme.dim(),
        ));
    let count = lines.len();
    let text: Vec<Line<'_>> = lines
        .into_iter()
        .enumerate()
        .map(|(i, l)| {
            if i + 1 == count {
                Line::styled(l, theme.dim())
            } else {
                Line::raw(l)
            }
        })
        .collect();
    f.render_widget(Paragraph::new(text).block(block), area);
}

fn risk(f: &mut Frame<'_>, area: Rect, d: &Dashboard, theme: Theme) {
    let w = usize::from(area.width);
    let r = &d.risk;
    let line = match r.band {
        None if r.tier == 0 => Line::styled("✓ on track: no trouble so far", theme.good()),
        None => Line::styled(
            sanitize::one_line(
                &format!("✓ on track · tier {}: {}", r.tier, tier_words(r.tier)),
                w,
            ),
            theme.good(),
        ),
        Some(band) => {
            let marker = match band {
                Band::Low => "●",
                Band::Watch => "▲",
                Band::High => "■",
            };
            // Name the drivers when they fit ("S5 failing check loop +3"), else codes only.
            let build = |named: bool| {
                let mut spans = vec![Span::styled(
                    format!("{marker} risk {} {:.2}", band.label(), r.value),
                    theme.band(Some(band)),
                )];
                for (id, _, pts) in &r.drivers {
                    let shown = match (id.as_str(), named) {
                        ("nothing_written", _) => "nothing written".to_string(),
                        (code, true) => format!("{code} {}", signal_name(code)),
                        (code, false) => code.to_string(),
                    };
                    spans.push(Span::raw(format!(" · {shown} {pts:+}")));
                }
                for (id, _, pts) in &r.offsets {
                    spans.push(Span::styled(format!(" · {id} {pts:+}"), theme.good()));
                }
                spans.push(Span::styled(format!(" · tier {}", r.tier), theme.dim()));
                spans
            };
            let named = build(true);
            let fits = named.iter().map(|s| width(&s.content)).sum::<usize>() <= w;
            Line::from(fit(if fits { named } else { build(false) }, w))
        }
    };
    f.render_widget(Paragraph::new(line), area);
}

/// The catalogue name of a signal code (`S5` → "failing check loop").
fn signal_name(id: &str) -> &'static str {
    crate::core::engine::ids::SignalId::parse(id).map_or("", |s| s.name())
}

fn tier_words(t: u8) -> &'static str {
    match t {
        1 => "an error, recovered",
        2 => "a stall or a correction",
        3 => "trouble",
        4 => "a hard failure",
        _ => "several hard failures",
    }
}

fn turns(f: &mut Frame<'_>, area: Rect, d: &Dashboard, app: &App, theme: Theme) {
    let focused = app.focus == Pane::Prompts && app.overlay.is_none();
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(if focused { theme.accent() } else { theme.dim() })
        .title(Span::styled(" Prompts ", theme.title()));
    let inner_h = usize::from(area.height.saturating_sub(2));
    let w = usize::from(area.width.saturating_sub(2));
    let sel = app.selected_turn();
    let n = d.turns.len();
    // Keep the selection in view, latest rows at the bottom.
    let end = sel.map_or(n, |s| (s + 1).max(inner_h.min(n))).min(n);
    let start = end.saturating_sub(inner_h);
    let rows: Vec<Line<'_>> = d.turns[start..end]
        .iter()
        .map(|t| turn_line(t, Some(t.index) == sel && app.selected.is_some(), w, theme))
        .collect();
    f.render_widget(Paragraph::new(rows).block(block), area);
}

fn turn_line(t: &TurnRow, selected: bool, w: usize, theme: Theme) -> Line<'static> {
    let mut right: Vec<Span<'static>> = Vec::new();
    right.push(Span::raw(format!("{:>4}", t.actions)));
    right.push(if t.failed > 0 {
        Span::styled(format!(" ✗{:<2}", t.failed), theme.bad())
    } else {
        Span::raw("    ")
    });
    right.push(match (t.checks_run, t.checks_failed) {
        (0, _) => Span::raw("      "),
        (run, 0) => Span::styled(format!(" ✓{run:<4}"), theme.good()),
        (run, failed) => Span::styled(format!(" ✗{}/{run:<2}", run - failed), theme.bad()),
    });
    if w >= 56 {
        let codes: Vec<&str> = t.signals.iter().map(|s| s.code()).collect();
        right.push(Span::styled(
            format!(" {:<7}", sanitize::one_line(&codes.join(" "), 7)),
            theme.warn(),
        ));
    }
    right.push(if t.nudged {
        Span::styled("⚠", theme.warn())
    } else {
        Span::raw(" ")
    });
    let right_w: usize = right.iter().map(|s| width(&s.content)).sum();
    let marker = if selected {
        "▸"
    } else if t.open {
        "•"
    } else {
        " "
    };
    let label = if t.number == 0 {
        "–".to_string()
    } else {
        t.number.to_string()
    };
    let lead = format!("{marker}{label:>2} ");
    let excerpt_w = w.saturating_sub(right_w + width(&lead));
    let excerpt = if t.queued {
        format!("» {}", t.excerpt)
    } else {
        t.excerpt.clone()
    };
    let excerpt = sanitize::one_line(&excerpt, excerpt_w);
    let pad = excerpt_w.saturating_sub(width(&excerpt));
    let mut spans = vec![
        Span::raw(lead),
        Span::raw(excerpt),
        Span::raw(" ".repeat(pad)),
    ];
    spans.extend(right);
    let line = Line::from(spans);
    if selected {
        line.style(theme.selected())
    } else {
        line
    }
}

fn live(f: &mut Frame<'_>, area: Rect, d: &Dashboard, app: &App, theme: Theme) {
    let Some(cur) = &d.current else { return };
    let focused = app.focus == Pane::Live && app.overlay.is_none();
    let mut title = if cur.number == 0 {
        " Now · before the first prompt".to_string()
    } else {
        format!(" Now · prompt {}", cur.number)
    };
    if let Some(e) = cur.elapsed_ms {
        title.push_str(&format!(" · {}", format::duration_short(e)));
    }
    if cur.interrupted {
        title.push_str(" · interrupted");
    } else if cur.ended {
        title.push_str(" · done");
    }
    title.push(' ');
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(if focused { theme.accent() } else { theme.dim() })
        .title(Span::styled(title, theme.title()));
    let inner_h = usize::from(area.height.saturating_sub(2));
    let w = usize::from(area.width.saturating_sub(2));
    let n = cur.activity.len();
    let end = n.saturating_sub(app.live_scroll.min(n));
    let start = end.saturating_sub(inner_h);
    let mut rows: Vec<Line<'_>> = Vec::new();
    if n == 0 {
        rows.push(Line::styled(
            if cur.ended {
                "no tool calls in this prompt"
            } else {
                "no tool calls yet in this prompt"
            },
            theme.dim(),
        ));
    }
    for a in &cur.activity[start..end] {
        let (sym, style) = theme.status(a.status);
        let tool = sanitize::one_line(&a.tool, 10);
        let note_w = if a.note.is_empty() {
            0
        } else {
            (w / 3).min(width(&a.note) + 2)
        };
        let target_w = w.saturating_sub(2 + 11 + note_w + usize::from(note_w > 0));
        let target = sanitize::one_line(&a.target, target_w);
        let pad = target_w.saturating_sub(width(&target));
        let note_style = if matches!(a.status, Status::Failed) {
            theme.bad()
        } else {
            theme.dim()
        };
        rows.push(Line::from(vec![
            Span::styled(format!("{sym} "), style),
            Span::styled(format!("{tool:<10} "), theme.dim()),
            Span::raw(target),
            Span::raw(" ".repeat(pad + usize::from(note_w > 0))),
            Span::styled(sanitize::one_line(&a.note, note_w), note_style),
        ]));
    }
    f.render_widget(Paragraph::new(rows).block(block), area);
}

/// The playback bar: state and clock, then the scrubber (with the cursor reversed), then on
/// tall screens a caret under the cursor.
///
/// ```text
/// ▶ 16x · prompt 3/7 · line 1035 · 0:42 of 3:10 · real 1h12m  (47m idle)
/// ┃──✗✗⚠──✱──┃──↺───────┃──────■
///        ▲
/// ```
fn playback(f: &mut Frame<'_>, area: Rect, bar: &PlaybackBar, theme: Theme) {
    let w = usize::from(area.width);
    let state = if bar.playing { "▶" } else { "‖" };
    let mut text = format!(
        "{state} {}x · prompt {}/{} · line {} · {} of {} · real {}",
        bar.speed,
        bar.prompt,
        bar.prompts,
        bar.line,
        format::duration_short(bar.played_ms),
        format::duration_short(bar.total_ms),
        format::duration_short(bar.real_ms),
    );
    if let Some(g) = bar.gap {
        text.push_str(&format!("  ({} idle)", format::duration_short(g)));
    }
    if bar.pos >= bar.len {
        text.push_str(" · end");
    }
    let (cols, cursor) = bar.strip(w);
    let strip: Vec<Span<'_>> = cols
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let (sym, style) = match c {
                None => ('─', theme.dim()),
                Some(k) => theme.mark(*k),
            };
            let style = if i == cursor {
                style.add_modifier(ratatui::style::Modifier::REVERSED)
            } else {
                style
            };
            Span::styled(sym.to_string(), style)
        })
        .collect();
    let mut lines = vec![
        Line::styled(sanitize::one_line(&text, w), theme.title()),
        Line::from(strip),
    ];
    if area.height >= 3 {
        lines.push(Line::styled(
            format!("{}▲", " ".repeat(cursor)),
            theme.accent(),
        ));
    }
    f.render_widget(Paragraph::new(lines), area);
}

/// What a scrubber mark means, for the legend.
fn mark_name(k: MarkKind) -> &'static str {
    match k {
        MarkKind::Prompt => "prompt",
        MarkKind::Error => "error",
        MarkKind::Compaction => "compaction",
        MarkKind::Recovery => "recovery",
        MarkKind::Signal => "signal",
        MarkKind::Nudge => "nudge",
        MarkKind::Abandoned => "likely abandoned",
    }
}

fn footer(f: &mut Frame<'_>, area: Rect, d: &Dashboard, app: &App, theme: Theme) {
    let w = usize::from(area.width);
    let k = |a| app.keymap.keys_for(a);
    let line = match &app.notice {
        Some((n, _)) => Line::styled(sanitize::one_line(n, w), theme.warn()),
        None => {
            let mut hint = if app.replay.is_some() {
                let k1 = |a| app.keymap.first_key(a);
                format!(
                    "{} play · {}{} speed · {}{} prompt · {}{} signal · {} keys · {} quit",
                    k1(Action::Player(Command::PlayPause)),
                    k1(Action::Player(Command::Faster)),
                    k1(Action::Player(Command::Slower)),
                    k1(Action::Player(Command::PrevPrompt)),
                    k1(Action::Player(Command::NextPrompt)),
                    k1(Action::Player(Command::PrevMark)),
                    k1(Action::Player(Command::NextMark)),
                    k1(Action::Help),
                    k1(Action::Quit),
                )
            } else {
                format!(
                    "{} help · {} quit · {} detail",
                    k(Action::Help),
                    k(Action::Quit),
                    k(Action::Open)
                )
            };
            if matches!(app.showing, Some(Showing::Live { .. })) {
                hint.push_str(&format!(" · {} sessions", k(Action::Sessions)));
            }
            if matches!(app.showing, Some(Showing::Live { pinned: true, .. })) {
                hint.push_str(" · pinned");
            }
            let skipped = if d.skipped > 0 {
                format!("  {} skipped lines", d.skipped)
            } else {
                String::new()
            };
            let hint = sanitize::one_line(&hint, w.saturating_sub(width(&skipped)));
            let pad = w.saturating_sub(width(&hint) + width(&skipped));
            Line::from(vec![
                Span::styled(hint, theme.dim()),
                Span::raw(" ".repeat(pad)),
                Span::styled(skipped, theme.warn()),
            ])
        }
    };
    f.render_widget(Paragraph::new(line), area);
}

/// A centred box for overlays, cleared underneath.
fn overlay_area(f: &mut Frame<'_>, area: Rect, w: u16, h: u16) -> Rect {
    let w = w.min(area.width);
    let h = h.min(area.height);
    let r = Rect::new(
        area.x + (area.width - w) / 2,
        area.y + (area.height - h) / 2,
        w,
        h,
    );
    f.render_widget(Clear, r);
    r
}

fn help(f: &mut Frame<'_>, area: Rect, app: &App, theme: Theme) {
    let replaying = app.replay.is_some();
    let actions: Vec<(Action, String)> = app
        .keymap
        .all()
        .filter(|(a, _)| {
            if replaying {
                *a != Action::Sessions
            } else {
                !matches!(a, Action::Player(_))
            }
        })
        .collect();
    let want = u16::try_from(actions.len() + 6 + 2 * usize::from(replaying)).unwrap_or(u16::MAX);
    let r = overlay_area(f, area, 72, want);
    let w = usize::from(r.width.saturating_sub(2));
    let mut lines: Vec<Line<'_>> = Vec::new();
    for (action, keys) in actions {
        let key = sanitize::one_line(&keys, 14);
        lines.push(Line::from(vec![
            Span::styled(format!("{key:<15}"), theme.accent()),
            Span::raw(sanitize::one_line(action.describe(), w.saturating_sub(15))),
        ]));
    }
    lines.push(Line::raw(""));
    lines.push(Line::styled(
        "✓ ok   ✗ failed   ⊘ rejected/refused   ◌ running   ⚠ nudge",
        theme.dim(),
    ));
    lines.push(Line::styled(
        sanitize::one_line(
            "▕█┊·▏ actions per prompt; marks at 5, 10, 12 (study: novice, average, expert)",
            w,
        ),
        theme.dim(),
    ));
    lines.push(Line::styled(
        sanitize::one_line(
            "Risk: low ● watch ▲ high ■ · tier 0–5 · S1–S20 signals, R1–R8 recoveries",
            w,
        ),
        theme.dim(),
    ));
    if replaying {
        let legend = [
            MarkKind::Prompt,
            MarkKind::Error,
            MarkKind::Signal,
            MarkKind::Nudge,
            MarkKind::Recovery,
            MarkKind::Compaction,
            MarkKind::Abandoned,
        ]
        .map(|k| format!("{} {}", theme.mark(k).0, mark_name(k)));
        // The legend wraps by whole entries.
        let mut row = String::from("Scrubber:");
        for entry in legend {
            if width(&row) + 2 + width(&entry) > w {
                lines.push(Line::styled(sanitize::one_line(&row, w), theme.dim()));
                row = String::from("         ");
            }
            row.push_str("  ");
            row.push_str(&entry);
        }
        lines.push(Line::styled(sanitize::one_line(&row, w), theme.dim()));
    }
    let block = Block::default()
        .borders(Borders::ALL)
        .title(Span::styled(" Keys ", theme.title()));
    f.render_widget(Paragraph::new(lines).block(block), r);
}

fn detail(f: &mut Frame<'_>, area: Rect, app: &App, theme: Theme) {
    let Some(Overlay::Detail { detail: d, scroll }) = &app.overlay else {
        return;
    };
    // The detail is a view of its own: the whole screen, nothing of the panes beneath showing.
    let r = overlay_area(f, area, area.width, area.height);
    let w = usize::from(r.width.saturating_sub(2));
    let mut lines: Vec<Line<'_>> = Vec::new();
    for l in d.prompt.lines().take(6) {
        for wl in wrap(l, w) {
            lines.push(Line::raw(wl));
        }
    }
    lines.push(Line::raw(""));
    for (k, v) in &d.figures {
        lines.push(Line::from(vec![
            Span::styled(format!("{k:<12}"), theme.dim()),
            Span::raw(sanitize::one_line(v, w.saturating_sub(12))),
        ]));
    }
    if !d.signals.is_empty() {
        lines.push(Line::raw(""));
        for s in &d.signals {
            let ev: Vec<String> = s.evidence.iter().take(8).map(ToString::to_string).collect();
            lines.push(Line::styled(
                sanitize::one_line(
                    &format!("{} {} · lines {}", s.signal.code(), s.name, ev.join(", ")),
                    w,
                ),
                theme.warn(),
            ));
            for wl in wrap(&s.detail, w.saturating_sub(2)) {
                lines.push(Line::raw(format!("  {wl}")));
            }
        }
    }
    if !d.files.is_empty() {
        lines.push(Line::raw(""));
        lines.push(Line::styled(
            sanitize::one_line(&format!("files: {}", d.files.join(", ")), w),
            theme.dim(),
        ));
    }
    lines.push(Line::raw(""));
    if d.dropped > 0 {
        lines.push(Line::styled(
            format!("… {} earlier calls not kept", d.dropped),
            theme.dim(),
        ));
    }
    for a in &d.activity {
        let (sym, style) = theme.status(a.status);
        let text = format!(
            "{:>6} {sym} {:<10} {}  {}",
            a.line.0,
            sanitize::one_line(&a.tool, 10),
            a.target,
            a.note
        );
        lines.push(Line::styled(
            sanitize::one_line(&text, w),
            if a.status == Status::Failed {
                theme.bad()
            } else {
                style.patch(Style::new())
            },
        ));
    }
    let view_h = usize::from(r.height.saturating_sub(2));
    let max_scroll = lines.len().saturating_sub(view_h);
    let skip = (*scroll).min(max_scroll);
    let shown: Vec<Line<'_>> = lines.into_iter().skip(skip).collect();
    let title = format!(" Prompt {} · line {} ", d.number, d.line);
    let block = Block::default()
        .borders(Borders::ALL)
        .title(Span::styled(title, theme.title()))
        .title_bottom(Line::styled(
            format!(" {} close · j/k scroll ", app.keymap.keys_for(Action::Back)),
            theme.dim(),
        ));
    f.render_widget(Paragraph::new(shown).block(block), r);
}

fn sessions(f: &mut Frame<'_>, area: Rect, app: &App, theme: Theme) {
    let Some(Overlay::Sessions { rows, selected }) = &app.overlay else {
        return;
    };
    let r = overlay_area(f, area, 76, area.height.saturating_sub(2));
    let w = usize::from(r.width.saturating_sub(2));
    let view_h = usize::from(r.height.saturating_sub(2));
    let start = selected.saturating_sub(view_h.saturating_sub(1));
    let mut lines: Vec<Line<'_>> = Vec::new();
    if rows.is_empty() {
        lines.push(Line::styled("no sessions found", theme.dim()));
    }
    for (i, s) in rows.iter().enumerate().skip(start).take(view_h) {
        let when = s.modified.map(|m| m.to_string()).unwrap_or_default();
        let when = when.get(..16).unwrap_or(&when).replace('T', " ");
        let mark = if s.current { "•" } else { " " };
        let text = format!(
            "{mark} {:<8}  {when}  {:>6}",
            s.id.get(..8).unwrap_or(&s.id),
            format::compact(s.bytes)
        );
        let line = Line::raw(sanitize::one_line(&text, w));
        lines.push(if i == *selected {
            line.style(theme.selected())
        } else {
            line
        });
    }
    let block = Block::default()
        .borders(Borders::ALL)
        .title(Span::styled(" Follow which session? ", theme.title()))
        .title_bottom(Line::styled(" ↵ follow · esc close ", theme.dim()));
    f.render_widget(Paragraph::new(lines).block(block), r);
}

/// Word-wraps (already sanitised) text to `w` columns; a word longer than a line is cut.
#[must_use]
pub fn wrap(text: &str, w: usize) -> Vec<String> {
    let w = w.max(8);
    let mut out = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        let word = if width(word) > w {
            sanitize::one_line(word, w)
        } else {
            word.to_owned()
        };
        let need = if line.is_empty() {
            width(&word)
        } else {
            width(&line) + 1 + width(&word)
        };
        if need > w && !line.is_empty() {
            out.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(&word);
    }
    if !line.is_empty() {
        out.push(line);
    }
    out
}

/// Drops spans from the end until the line fits `w` columns.
fn fit(mut spans: Vec<Span<'static>>, w: usize) -> Vec<Span<'static>> {
    while spans.len() > 1 && spans.iter().map(|s| width(&s.content)).sum::<usize>() > w {
        spans.pop();
    }
    if let Some(first) = spans.first_mut()
        && width(&first.content) > w
    {
        first.content = sanitize::one_line(&first.content, w).into();
    }
    spans
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrap_keeps_words_and_width() {
        let lines = wrap("The same test failed 3 times with edits in between", 16);
        assert!(lines.iter().all(|l| width(l) <= 16), "{lines:?}");
        assert_eq!(
            lines.join(" "),
            "The same test failed 3 times with edits in between"
        );
        assert!(wrap("", 10).is_empty());
    }
}
