//! The replay's playback bar and scrubber.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::core::format;
use crate::core::replay::{MarkKind, PlaybackBar};
use crate::core::sanitize;

use super::super::theme::Theme;

/// The playback bar: state and clock, then the scrubber (with the cursor reversed), then on
/// tall screens a caret under the cursor.
///
/// ```text
/// ▶ 16x · prompt 3/7 · line 1035 · 0:42 of 3:10 · real 1h12m  (47m idle)
/// ┃──✗✗⚠──✱──┃──↺───────┃──────■
///        ▲
/// ```
pub(super) fn playback(f: &mut Frame<'_>, area: Rect, bar: &PlaybackBar, theme: Theme) {
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
pub(super) fn mark_name(k: MarkKind) -> &'static str {
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
