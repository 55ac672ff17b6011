//! The two lists: one row per prompt (with a header row naming the columns), and the live
//! activity of the current prompt. The focused one has a thick border, which reads without
//! colour too.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Borders, Paragraph};

use crate::core::format;
use crate::core::sanitize::{self, width};
use crate::core::session::Status;
use crate::core::view::{Dashboard, TurnRow};

use super::super::app::{App, Pane};
use super::super::theme::Theme;

/// Columns right of the excerpt: actions, errors, checks (the signals column is extra).
const ACT: usize = 4;
const ERR: usize = 4;
const CHECKS: usize = 7;
/// The signals column shows from this inner width.
const SIGNALS_FROM: usize = 56;

fn block(title: String, focused: bool, theme: Theme) -> Block<'static> {
    let (kind, style) = if focused {
        (BorderType::Thick, theme.accent())
    } else {
        (BorderType::Plain, theme.dim())
    };
    Block::default()
        .borders(Borders::ALL)
        .border_type(kind)
        .border_style(style)
        .title(Span::styled(title, theme.title()))
}

/// The widths of a prompt row's parts at inner width `w`: (excerpt, signals).
fn columns(w: usize) -> (usize, usize) {
    let fixed = 4 + ACT + ERR + CHECKS + 1;
    let signals = if w >= SIGNALS_FROM {
        (w.saturating_sub(fixed) / 2).clamp(8, 44)
    } else {
        0
    };
    (w.saturating_sub(fixed + signals), signals)
}

pub(super) fn turns(f: &mut Frame<'_>, area: Rect, d: &Dashboard, app: &App, theme: Theme) {
    let focused = app.focus == Pane::Prompts && app.overlay.is_none();
    let block = block(" Prompts ".into(), focused, theme);
    let w = usize::from(area.width.saturating_sub(2));
    // The header row takes one of the inner rows when there are two or more.
    let inner = usize::from(area.height.saturating_sub(2));
    let with_header = inner >= 2;
    let inner_h = inner - usize::from(with_header);
    let sel = app.selected_turn();
    let n = d.turns.len();
    // Keep the selection in view, latest rows at the bottom.
    let end = sel.map_or(n, |s| (s + 1).max(inner_h.min(n))).min(n);
    let start = end.saturating_sub(inner_h);
    let mut rows: Vec<Line<'_>> = Vec::new();
    if with_header {
        rows.push(header_row(w, theme));
    }
    rows.extend(
        d.turns[start..end]
            .iter()
            .map(|t| turn_line(t, Some(t.index) == sel && app.selected.is_some(), w, theme)),
    );
    f.render_widget(Paragraph::new(rows).block(block), area);
}

fn header_row(w: usize, theme: Theme) -> Line<'static> {
    let (excerpt_w, signals_w) = columns(w);
    let mut text = format!(
        "  # {:<excerpt_w$}{:>ACT$}{:>ERR$} {:<checks$}",
        "prompt",
        "act",
        "err",
        "checks",
        checks = CHECKS - 1
    );
    if signals_w > 0 {
        text.push_str(&format!(" {:<w$}", "signals", w = signals_w - 1));
    }
    Line::styled(super::clip(&text, w), theme.dim())
}

/// The signals of a row in `w` columns: names when they fit ("failing check loop, edit
/// thrash"), else the first name and how many more, else the codes.
fn signal_text(t: &TurnRow, w: usize) -> String {
    let names: Vec<&str> = t.signals.iter().map(|s| s.name()).collect();
    let all = names.join(", ");
    if width(&all) <= w {
        return all;
    }
    if let [first, rest @ ..] = names.as_slice() {
        let some = format!("{first}, {} more", rest.len());
        if width(&some) <= w {
            return some;
        }
    }
    let codes: Vec<&str> = t.signals.iter().map(|s| s.code()).collect();
    sanitize::one_line(&codes.join(" "), w)
}

fn turn_line(t: &TurnRow, selected: bool, w: usize, theme: Theme) -> Line<'static> {
    let (excerpt_w, signals_w) = columns(w);
    let mut right: Vec<Span<'static>> = vec![Span::raw(format!("{:>ACT$}", t.actions))];
    right.push(if t.failed > 0 {
        Span::styled(format!("{:>ERR$}", format!("✗{}", t.failed)), theme.bad())
    } else {
        Span::raw(" ".repeat(ERR))
    });
    let checks = format::checks_short(t.checks_run, t.checks_failed);
    let style = if t.checks_failed > 0 {
        theme.bad()
    } else {
        theme.good()
    };
    right.push(Span::styled(
        format!(" {:<w$}", checks, w = CHECKS - 1),
        style,
    ));
    if signals_w > 0 {
        right.push(Span::styled(
            format!(" {:<w$}", signal_text(t, signals_w - 1), w = signals_w - 1),
            theme.warn(),
        ));
    }
    right.push(if t.nudged {
        Span::styled("⚠", theme.warn())
    } else {
        Span::raw(" ")
    });
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

pub(super) fn live(f: &mut Frame<'_>, area: Rect, d: &Dashboard, app: &App, theme: Theme) {
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
    let block = block(title, focused, theme);
    let inner_h = usize::from(area.height.saturating_sub(2));
    let w = usize::from(area.width.saturating_sub(2));
    let n = cur.activity.len();
    let end = n.saturating_sub(app.live_scroll.min(n));
    let start = end.saturating_sub(inner_h);
    let mut rows: Vec<Line<'_>> = Vec::new();
    if n == 0 {
        let none = if cur.ended {
            "no tool calls in this prompt"
        } else {
            "no tool calls yet in this prompt"
        };
        rows.push(Line::styled(none, theme.dim()));
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_fill_the_width() {
        for w in [38, 48, 55, 56, 78, 118, 300] {
            let (excerpt, signals) = columns(w);
            assert_eq!(excerpt + signals + 4 + ACT + ERR + CHECKS + 1, w, "{w}");
            assert_eq!(signals > 0, w >= SIGNALS_FROM, "{w}");
        }
    }
}
