//! What covers the panes: the keys (help), a prompt in full (detail), the session picker.
//! Each scrolls when it is taller than the screen.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};

use crate::core::Millis;
use crate::core::replay::MarkKind;
use crate::core::sanitize::{self, width};
use crate::core::session::Status;
use crate::core::view::TurnDetail;
use crate::source::live::SessionEntry;

use super::super::app::{App, Overlay};
use super::super::keymap::Action;
use super::super::theme::Theme;
use super::playback::mark_name;
use super::wrap;

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

/// Lines from `scroll` on, with the scroll clamped so the last page stays full; returns the
/// clamped scroll and whether there is more than fits.
fn page(
    lines: Vec<Line<'static>>,
    scroll: usize,
    rows: usize,
) -> (Vec<Line<'static>>, usize, bool) {
    let max = lines.len().saturating_sub(rows);
    let skip = scroll.min(max);
    (lines.into_iter().skip(skip).collect(), skip, max > 0)
}

pub(super) fn help(f: &mut Frame<'_>, area: Rect, app: &mut App, theme: Theme) {
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
    let w = usize::from(area.width.min(72).saturating_sub(2));
    let mut lines: Vec<Line<'static>> = Vec::new();
    for (action, keys) in actions {
        let key = sanitize::one_line(&keys, 14);
        // Descriptions wrap under themselves: the help is never cut.
        for (i, part) in wrap(action.describe(replaying), w.saturating_sub(15))
            .into_iter()
            .enumerate()
        {
            let lead = if i == 0 { key.clone() } else { String::new() };
            lines.push(Line::from(vec![
                Span::styled(format!("{lead:<15}"), theme.accent()),
                Span::raw(part),
            ]));
        }
    }
    lines.push(Line::raw(""));
    let legend = [
        "✓ ok · ✗ failed · ⊘ rejected/refused · ◌ running · ⚠ nudge",
        "checks: ✓2 two run, all passed · ✗1/3 one of three failed",
        "▕█┊·▏ actions per prompt; marks at 5, 10, 12 (study: novice, average, expert)",
        "risk of giving up: ● low ▲ watch ■ high, with its three strongest reasons; \
         never low while a nudge is open",
        "tier 0–5: how bad it got (3 trouble, 4 a hard failure)",
    ];
    for l in legend {
        for wl in wrap(l, w) {
            lines.push(Line::styled(wl, theme.dim()));
        }
    }
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
    // The box is as tall as its lines, and scrolls on screens shorter than that.
    let want = u16::try_from(lines.len() + 2).unwrap_or(u16::MAX);
    let r = overlay_area(f, area, 72, want);
    let rows = usize::from(r.height.saturating_sub(2));
    let scroll = match &app.overlay {
        Some(Overlay::Help { scroll }) => *scroll,
        _ => 0,
    };
    let (shown, scroll, more) = page(lines, scroll, rows);
    if let Some(Overlay::Help { scroll: s }) = &mut app.overlay {
        *s = scroll;
    }
    let mut block = Block::default()
        .borders(Borders::ALL)
        .title(Span::styled(" Keys ", theme.title()));
    if more {
        block = block.title_bottom(Line::styled(" j/k scroll ", theme.dim()));
    }
    f.render_widget(Paragraph::new(shown).block(block), r);
}

/// The detail's lines: the nudge in full first, then the prompt, its figures, its signals with
/// their evidence lines, files, and every call with its line.
fn detail_lines(d: &TurnDetail, w: usize, theme: Theme) -> Vec<Line<'static>> {
    let mut lines: Vec<Line<'static>> = Vec::new();
    for n in &d.nudges {
        for wl in wrap(&format!("⚠ {}", n.headline), w) {
            lines.push(Line::styled(wl, theme.nudge_border()));
        }
        for wl in wrap(&n.text, w) {
            lines.push(Line::raw(wl));
        }
        if !n.evidence_words.is_empty() {
            for wl in wrap(&n.evidence_words, w) {
                lines.push(Line::styled(wl, theme.dim()));
            }
        }
        let ev: Vec<String> = n.evidence.iter().map(ToString::to_string).collect();
        let at = format!(
            "{} {} · evidence lines {}",
            n.signal.code(),
            n.name,
            ev.join(", ")
        );
        for wl in wrap(&at, w) {
            lines.push(Line::styled(wl, theme.dim()));
        }
        lines.push(Line::raw(""));
    }
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
    lines
}

pub(super) fn detail(f: &mut Frame<'_>, area: Rect, app: &mut App, theme: Theme) {
    let back = app.keymap.first_key(Action::Back);
    let Some(Overlay::Detail { detail: d, scroll }) = &mut app.overlay else {
        return;
    };
    // The detail is a view of its own: the whole screen, nothing of the panes beneath showing.
    let r = overlay_area(f, area, area.width, area.height);
    let w = usize::from(r.width.saturating_sub(2));
    let lines = detail_lines(d, w, theme);
    let (shown, clamped, more) = page(lines, *scroll, usize::from(r.height.saturating_sub(2)));
    *scroll = clamped;
    let title = format!(" Prompt {} · line {} ", d.number, d.line);
    let hint = if more {
        format!(" {back} close · j/k scroll ")
    } else {
        format!(" {back} close ")
    };
    let block = Block::default()
        .borders(Borders::ALL)
        .title(Span::styled(title, theme.title()))
        .title_bottom(Line::styled(hint, theme.dim()));
    f.render_widget(Paragraph::new(shown).block(block), r);
}

/// `2026-11-20 14:02` (UTC), or nothing.
fn when(t: Option<Millis>) -> String {
    let s = t.map(|t| t.to_string()).unwrap_or_default();
    s.get(..16).unwrap_or(&s).replace('T', " ")
}

/// The picker's two lines for a session: where and how much, then which and what about.
fn entry_lines(s: &SessionEntry, w: usize) -> [String; 2] {
    let mark = if s.current { "•" } else { " " };
    let project = s.project.as_deref().unwrap_or("(unknown project)");
    let place = match &s.branch {
        Some(b) => format!("{project} ({b})"),
        None => project.to_owned(),
    };
    let prompts = crate::core::format::plural(s.prompts as u64, "prompt");
    let first = format!("{mark} {place} · {prompts} · {}", s.agent);
    let id = s.id.get(..8).unwrap_or(&s.id);
    let what = s.first_prompt.as_deref().unwrap_or("(no prompt yet)");
    let second = format!("  {id} · {} · {what}", when(s.modified));
    [super::clip(&first, w), super::clip(&second, w)]
}

pub(super) fn sessions(f: &mut Frame<'_>, area: Rect, app: &App, theme: Theme) {
    let Some(Overlay::Sessions {
        rows,
        selected,
        filter,
        typing,
        loading,
    }) = &app.overlay
    else {
        return;
    };
    let r = overlay_area(f, area, 76, area.height.saturating_sub(2));
    let w = usize::from(r.width.saturating_sub(2));
    let view_h = usize::from(r.height.saturating_sub(2));
    let shown = super::super::app::filtered(rows, filter);
    // Two lines per session; keep the selected one in view.
    let per = 2;
    let fit = (view_h / per).max(1);
    let start = selected.saturating_sub(fit.saturating_sub(1));
    let mut lines: Vec<Line<'_>> = Vec::new();
    if shown.is_empty() {
        let none = if *loading {
            "reading the sessions…".to_owned()
        } else if filter.is_empty() {
            "no sessions found".to_owned()
        } else {
            format!("no session matches '{filter}'")
        };
        lines.push(Line::styled(sanitize::one_line(&none, w), theme.dim()));
    }
    for (i, s) in shown.iter().enumerate().skip(start).take(fit) {
        let [a, b] = entry_lines(s, w);
        let (a, b) = if i == *selected {
            (
                Line::raw(a).style(theme.selected()),
                Line::raw(b).style(theme.selected()),
            )
        } else {
            (Line::raw(a), Line::styled(b, theme.dim()))
        };
        lines.push(a);
        lines.push(b);
    }
    let hint = if *typing || !filter.is_empty() {
        format!(" filter: {filter}▏ · ↵ follow · esc clear ")
    } else {
        " / filter · ↵ follow · esc close ".to_owned()
    };
    let count = if filter.is_empty() {
        format!(" Follow which session? ({}) ", rows.len())
    } else {
        format!(
            " Follow which session? ({} of {}) ",
            shown.len(),
            rows.len()
        )
    };
    let block = Block::default()
        .borders(Borders::ALL)
        .title(Span::styled(count, theme.title()))
        .title_bottom(Line::styled(super::clip(&hint, w), theme.dim()));
    f.render_widget(Paragraph::new(lines).block(block), r);
}
