//! Drawing the screen from the app state. Layout, top to bottom:
//!
//! ```text
//! ringside · logslice (fix/since-timezone)      opus-4-6 · 5m · idle 2m   header (2 lines; 1 when short)
//! 4 prompts · 20 actions · 5.0/prompt ▕█████┊····┊·┊··▏ · +45 −14
//! ┏ ⚠ Check keeps failing: root cause first ━━━━━━━━━━━━━━━━━━━┓   nudge card: first, and whole
//! ┃`cargo test …` failed 3 times with edits in between. Ask for ┃   (a box on tall screens; on
//! ┃the root cause before more edits: "Why does it fail? …"      ┃   short ones no box, keys in
//! ┃3 failing runs of `cargo test since_keeps_local_lines…`, 1m ┃   the footer)
//! ┗ d dismiss · h helpful ━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┛
//! ▲ risk watch 0.18 · failing check loop +3 · tier 3                 risk line
//! ┏ Prompts ━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┓   one row per prompt, a header row
//! ┃  # prompt                       act err checks signals      ┃   (the focused list is thick)
//! ┃• 2 --since 2h drops lines…        5  ✗3 ✗3/3   failing che…⚠┃
//! ┗━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┛
//! ┌ Now · prompt 2 · 3m12s ─────────────────────────────────────┐   live activity (tall screens)
//! │✗ Bash  cargo test since_keeps_local_lines   check failed    │
//! └─────────────────────────────────────────────────────────────┘
//! ? help · q quit · enter detail · s sessions                        footer: hints or a notice
//! ```
//!
//! Rows go to the nudge card first (whole, wrapped), then the risk line, then the prompt list,
//! then the live pane; what does not fit is hidden, never squeezed into a cut box. Everything
//! drawn comes sanitised from the dashboard; this module only lays it out and never panics on
//! any size (below 40×15 it says so instead of drawing garbage).

mod card;
mod lists;
mod overlay;
mod playback;

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::core::agents::Format;
use crate::core::event::EntryPoint;
use crate::core::format;
use crate::core::replay::Command;
use crate::core::sanitize::{self, width};
use crate::core::view::{Dashboard, REFERENCE_MARKS};
use crate::source::live::Showing;

use super::app::{App, Overlay, Pane};
use super::keymap::Action;
use super::theme::Theme;

/// The smallest screen ringside draws on.
pub const MIN: (u16, u16) = (40, 15);
/// From this height: a two-line header, the nudge card in a box, the live pane.
const TALL: u16 = 24;

/// Rows per pane, decided top-down by priority.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Rows {
    header: u16,
    card: u16,
    risk: u16,
    turns: u16,
    live: u16,
    bar: u16,
}

/// The rows each pane gets on a screen `h` tall: the nudge card first (`card(max)`: the rows
/// it takes when it may have `max`), then the risk line, the prompt list (wanting `turns_want`)
/// and the live pane (`live_want`, only on tall screens).
fn rows(
    h: u16,
    card: impl Fn(u16) -> u16,
    turns_want: u16,
    live_want: Option<u16>,
    replay: bool,
) -> Rows {
    let tall = h >= TALL;
    let bar = match (replay, tall) {
        (false, _) => 0,
        (true, true) => 3,
        (true, false) => 2,
    };
    let header = if tall { 2 } else { 1 };
    let body = h.saturating_sub(header + bar + 1);
    let risk = u16::from(body > 0);
    let card = card(body.saturating_sub(risk));
    let rest = body - risk - card;
    let show_live = tall && rest >= 14 && live_want.is_some();
    let turns = if show_live {
        turns_want.clamp(5, rest / 2)
    } else if rest >= 3 {
        turns_want.clamp(3, rest)
    } else {
        0
    };
    let live = if show_live {
        live_want.unwrap_or(0).max(5).min(rest - turns)
    } else {
        0
    };
    // A row to spare and no list to put it in: the header's figures line.
    let header = if turns == 0 && rest > 0 { 2 } else { header };
    Rows {
        header,
        card,
        risk,
        turns,
        live,
        bar,
    }
}

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
        // The picker (s) and the keys (?) work here too.
        overlays(f, area, app, theme);
        return;
    };
    let boxed = area.height >= TALL;
    let card = dash
        .nudge
        .as_ref()
        .map(|n| card::Card::new(n, area.width, boxed));
    // The demo over (and its nudge retired): what to do next, where the card was.
    let next = matches!(app.showing, Some(Showing::Demo { finished: true }))
        .then(|| next_steps(app, area.width))
        .filter(|_| card.is_none());
    let as_rows = |n: usize, extra: u16| u16::try_from(n).unwrap_or(u16::MAX).saturating_add(extra);
    // Borders and the header row.
    let turns_want = as_rows(dash.turns.len(), 3);
    let live_want = dash.current.as_ref().map(|c| as_rows(c.activity.len(), 2));
    let next_h = next.as_ref().map_or(0, |l| as_rows(l.len(), 0));
    let r = rows(
        area.height,
        |max| {
            card.as_ref()
                .map_or(0, |c| c.height(max))
                .max(next_h.min(max))
        },
        turns_want,
        live_want,
        app.replay.is_some(),
    );
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
        Constraint::Length(r.header),
        Constraint::Length(r.card),
        Constraint::Length(r.risk),
        Constraint::Length(r.turns),
        Constraint::Length(r.live),
        Constraint::Fill(1),
        Constraint::Length(r.bar),
        Constraint::Length(1),
    ])
    .areas(area);
    app.live_shown = r.live > 0;
    if !app.live_shown {
        app.focus = Pane::Prompts;
    }
    header(f, header_a, &dash, app, theme);
    if let (Some(card), Some(n)) = (&card, &dash.nudge) {
        card.draw(f, card_a, n, app, theme);
    }
    if let Some(lines) = next {
        let lines: Vec<Line<'_>> = lines
            .into_iter()
            .enumerate()
            .map(|(i, l)| {
                if i == 0 {
                    Line::styled(l, theme.title())
                } else {
                    Line::raw(l)
                }
            })
            .collect();
        f.render_widget(Paragraph::new(lines), card_a);
    }
    if r.risk > 0 {
        card::risk(f, risk_a, &dash, theme);
    }
    app.page = usize::from(turns_a.height.saturating_sub(3)).max(1);
    if r.turns > 0 {
        lists::turns(f, turns_a, &dash, app, theme);
    }
    if r.live > 0 {
        lists::live(f, live_a, &dash, app, theme);
    }
    if let Some(bar) = &app.replay {
        playback::playback(f, bar_a, bar, theme);
    }
    footer(f, footer_a, &dash, app, theme, !boxed);
    overlays(f, area, app, theme);
}

fn overlays(f: &mut Frame<'_>, area: Rect, app: &mut App, theme: Theme) {
    match &app.overlay {
        Some(Overlay::Help { .. }) => overlay::help(f, area, app, theme),
        Some(Overlay::Detail { .. }) => overlay::detail(f, area, app, theme),
        Some(Overlay::Sessions { .. }) => overlay::sessions(f, area, app, theme),
        None => {}
    }
}

/// What to do once the demo is over, wrapped to the width.
fn next_steps(app: &App, w: u16) -> Vec<String> {
    let w = usize::from(w);
    let c = &app.command;
    let mut lines = vec!["The demo is over. Next:".to_owned()];
    for step in [
        format!("`{c} replay --demo`: step through it, signal by signal"),
        format!("`{c} install hooks`: its nudges inside Claude Code"),
        format!("`{c}` in a split pane beside `claude`: the live coach"),
        format!("{} quit", app.keymap.first_key(Action::Quit)),
    ] {
        for (i, l) in wrap(&step, w.saturating_sub(4)).into_iter().enumerate() {
            lines.push(if i == 0 {
                format!("  · {l}")
            } else {
                format!("    {l}")
            });
        }
    }
    lines
}

fn waiting(f: &mut Frame<'_>, area: Rect, app: &App, theme: Theme) {
    let w = usize::from(area.width.saturating_sub(4));
    let plain = ratatui::style::Style::new();
    // (text, style), most important first after the title; blank lines go first when short.
    let mut parts: Vec<(String, ratatui::style::Style)> = vec![(
        "Waiting for a Claude Code session to write something.".into(),
        plain,
    )];
    match &app.waiting {
        None => parts.push(("starting…".into(), theme.dim())),
        Some(wt) => {
            if let Some(p) = &wt.project {
                parts.push((
                    format!("Following only sessions under {p} (the repository you are in)."),
                    plain,
                ));
            }
            if wt.elsewhere > 0 {
                let n = format::plural(wt.elsewhere as u64, "session");
                parts.push((
                    format!(
                        "{n} elsewhere: `{} --all` follows any project, {} picks one.",
                        app.command,
                        app.keymap.first_key(Action::Sessions)
                    ),
                    theme.warn(),
                ));
            }
        }
    }
    parts.push((String::new(), plain));
    parts.push((
        format!(
            "Start `claude` in another pane, or see the demo: `{} --demo`.",
            app.command
        ),
        plain,
    ));
    parts.push((
        format!(
            "{} quit · {} keys",
            app.keymap.first_key(Action::Quit),
            app.keymap.first_key(Action::Help)
        ),
        theme.dim(),
    ));
    if let Some(wt) = &app.waiting {
        parts.push((format!("Looking in: {}", wt.looking_in), theme.dim()));
    }
    if let Some((n, _)) = &app.notice {
        parts.push((n.clone(), theme.warn()));
    }
    let mut lines = vec![Line::styled("ringside", theme.title()), Line::raw("")];
    for (text, style) in &parts {
        if text.is_empty() {
            lines.push(Line::raw(""));
        }
        for l in wrap(text, w) {
            lines.push(Line::styled(l, *style));
        }
    }
    let rows = usize::from(area.height.saturating_sub(2));
    if lines.len() > rows {
        lines.retain(|l| !l.spans.is_empty() && l.width() > 0);
    }
    let inner = area.inner(ratatui::layout::Margin {
        horizontal: 2,
        vertical: u16::from(lines.len() < rows),
    });
    f.render_widget(Paragraph::new(lines), inner);
}

fn header(f: &mut Frame<'_>, area: Rect, d: &Dashboard, app: &App, theme: Theme) {
    let w = usize::from(area.width);
    let h = &d.header;
    let mut right = Vec::new();
    // Claude Code is the default; another agent is named first.
    if h.agent != Format::Claude {
        right.push(h.agent.short().to_owned());
    }
    if h.entry_point.is_some_and(EntryPoint::is_headless) {
        right.push("headless".to_owned());
    }
    if let Some(m) = &h.model {
        right.push(m.clone());
    }
    if let Some(len) = h.length_ms {
        right.push(format::duration_short(len));
    }
    if let Some(idle) = h.idle_ms {
        right.push(format!("idle {}", format::age(idle)));
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
    if left_w >= 4 {
        spans.push(Span::raw(sanitize::one_line(&project, left_w)));
    } else {
        // No room for the project: no dangling separator either.
        spans.pop();
    }
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

fn footer(f: &mut Frame<'_>, area: Rect, d: &Dashboard, app: &App, theme: Theme, card_keys: bool) {
    let w = usize::from(area.width);
    let k = |a| app.keymap.first_key(a);
    let line = match &app.notice {
        Some((n, _)) => Line::styled(sanitize::one_line(n, w), theme.warn()),
        None => {
            let mut hints: Vec<String> = Vec::new();
            // Without the card's box, its keys come first here.
            if card_keys && let Some(n) = &d.nudge {
                hints.push(card::keys(n, app).trim().to_owned());
            }
            if app.replay.is_some() {
                hints.push(format!(
                    "{} play · {}{} speed · {}{} prompt · {}{} signal",
                    k(Action::Player(Command::PlayPause)),
                    k(Action::Player(Command::Faster)),
                    k(Action::Player(Command::Slower)),
                    k(Action::Player(Command::PrevPrompt)),
                    k(Action::Player(Command::NextPrompt)),
                    k(Action::Player(Command::PrevMark)),
                    k(Action::Player(Command::NextMark)),
                ));
                hints.push(format!(
                    "{} keys · {} quit",
                    k(Action::Help),
                    k(Action::Quit)
                ));
            } else {
                hints.push(format!(
                    "{} help · {} quit · {} detail",
                    k(Action::Help),
                    k(Action::Quit),
                    k(Action::Open)
                ));
            }
            if matches!(app.showing, Some(Showing::Live { .. })) {
                hints.push(format!("{} sessions", k(Action::Sessions)));
            }
            if matches!(app.showing, Some(Showing::Live { pinned: true, .. })) {
                hints.push("pinned".into());
            }
            let skipped = if d.skipped > 0 {
                format!("  {} skipped lines", d.skipped)
            } else {
                String::new()
            };
            let hint = sanitize::one_line(&hints.join(" · "), w.saturating_sub(width(&skipped)));
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

/// Word-wrapping, shared with the headless reports.
pub use crate::core::sanitize::wrap;

/// Cuts text ringside laid out (spaces kept) to `w` columns.
pub(crate) use crate::core::sanitize::clip;

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
    fn the_card_gets_its_rows_first_then_risk_then_prompts() {
        // 40x15 with a nudge needing 11 rows: header 1, card 11, risk 1, footer 1; no prompts.
        let need = |n: u16| move |max: u16| n.min(max);
        let r = rows(15, need(11), 6, Some(9), false);
        assert_eq!(
            (r.header, r.card, r.risk, r.turns, r.live),
            (2, 11, 1, 0, 0)
        );
        // A card taller than the screen gets what is left after the header, risk and footer.
        let r = rows(15, need(40), 6, None, false);
        assert_eq!((r.card, r.risk), (12, 1));
        // 80x20 with a six-row card: the prompt list still shows.
        let r = rows(20, need(6), 6, Some(9), false);
        assert_eq!((r.card, r.turns, r.live), (6, 6, 0));
        // Tall: the live pane joins when there is room for it.
        let r = rows(40, need(8), 6, Some(9), false);
        assert_eq!((r.header, r.card, r.turns, r.live), (2, 8, 6, 9));
        let r = rows(40, need(8), 6, Some(9), true);
        assert_eq!(r.bar, 3);
    }
}
