//! The nudge card and the risk line under it.
//!
//! The card is the one thing ringside is for, so it is laid out first: its headline and text
//! wrapped to the width, then its evidence in words, and it takes the rows that needs before any
//! other pane. On tall screens it is a box (headline in the top border when it fits, keys in the
//! bottom one); on short ones it drops the box and its keys go to the footer. Only when the
//! screen cannot hold it all does it give up the evidence, and then the end of the text, with a
//! last line saying where the whole of it is (the prompt's detail).

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};

use crate::core::engine::Band;
use crate::core::format;
use crate::core::sanitize::{self, width};
use crate::core::view::{Dashboard, NudgeCard, RiskPanel};
use crate::source::feedback::Verdict;

use super::super::app::App;
use super::super::keymap::Action;
use super::super::theme::Theme;
use super::{fit, wrap};

/// What a line of the card is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Part {
    Headline,
    Text,
    Evidence,
    /// The card was cut: where the rest is.
    More,
}

/// A nudge laid out for one width.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Card {
    boxed: bool,
    /// The top border's title, when the headline fits there.
    title: Option<String>,
    lines: Vec<(String, Part)>,
}

impl Card {
    /// The card of `n` for a screen `screen_w` columns wide; `boxed` on tall screens.
    pub(super) fn new(n: &NudgeCard, screen_w: u16, boxed: bool) -> Self {
        let outer = usize::from(screen_w);
        let w = if boxed {
            outer.saturating_sub(2)
        } else {
            outer
        };
        let head = format!("⚠ {}", n.headline);
        // The border title sits between the corners, with a space either side.
        let title = (boxed && width(&head) + 2 <= w).then(|| format!(" {head} "));
        let mut lines = Vec::new();
        if title.is_none() {
            lines.extend(wrap(&head, w).into_iter().map(|l| (l, Part::Headline)));
        }
        lines.extend(wrap(&n.text, w).into_iter().map(|l| (l, Part::Text)));
        lines.extend(
            wrap(&n.evidence_words, w)
                .into_iter()
                .map(|l| (l, Part::Evidence)),
        );
        Self {
            boxed,
            title,
            lines,
        }
    }

    /// Rows it takes when it may have at most `max`: everything when that fits, else what
    /// [`Self::fitted`] keeps (so no row stays empty under a card that dropped its evidence).
    pub(super) fn height(&self, max: u16) -> u16 {
        let borders: u16 = if self.boxed { 2 } else { 0 };
        let inner = usize::from(max.saturating_sub(borders));
        u16::try_from(self.fitted(inner).len())
            .unwrap_or(u16::MAX)
            .saturating_add(borders)
            .min(max)
    }

    /// The lines that fit `rows` inner rows: everything when it fits; else without the
    /// evidence; else the start of the text and a last line pointing at the rest.
    fn fitted(&self, rows: usize) -> Vec<(String, Part)> {
        if self.lines.len() <= rows {
            return self.lines.clone();
        }
        let mut lines: Vec<(String, Part)> = self
            .lines
            .iter()
            .filter(|(_, p)| *p != Part::Evidence)
            .cloned()
            .collect();
        if lines.len() > rows && rows > 0 {
            lines.truncate(rows - 1);
            lines.push(("… the whole nudge: enter".into(), Part::More));
        }
        lines.truncate(rows);
        lines
    }

    /// Draws it into `area` (the height the layout could give it).
    pub(super) fn draw(&self, f: &mut Frame<'_>, area: Rect, n: &NudgeCard, app: &App, t: Theme) {
        let borders = if self.boxed { 2 } else { 0 };
        let rows = usize::from(area.height.saturating_sub(borders));
        let text: Vec<Line<'_>> = self
            .fitted(rows)
            .into_iter()
            .map(|(l, part)| match part {
                Part::Headline => Line::styled(l, t.nudge_border()),
                Part::Text => Line::raw(l),
                Part::Evidence | Part::More => Line::styled(l, t.dim()),
            })
            .collect();
        if !self.boxed {
            f.render_widget(Paragraph::new(text), area);
            return;
        }
        let title = self.title.clone().unwrap_or_else(|| " ⚠ nudge ".into());
        let block = Block::default()
            .borders(Borders::ALL)
            .border_style(t.nudge_border())
            .title(Span::styled(title, t.nudge_border()))
            .title_bottom(Line::styled(keys(n, app), t.dim()));
        f.render_widget(Paragraph::new(text).block(block), area);
    }
}

/// The keys that answer the nudge (or that it was marked helpful).
pub(super) fn keys(n: &NudgeCard, app: &App) -> String {
    let session = app.dash.as_ref().map(|d| d.header.session_id.as_str());
    let helpful = app
        .answered
        .iter()
        .any(|(s, i, v)| Some(s.as_str()) == session && *i == n.index && *v == Verdict::Helpful);
    if helpful {
        " ✓ marked helpful ".into()
    } else {
        format!(
            " {} dismiss · {} helpful ",
            app.keymap.first_key(Action::Dismiss),
            app.keymap.first_key(Action::Helpful)
        )
    }
}

/// The risk line: the band and why, in the three strongest terms by name (codes when names do
/// not fit), why it is fading when nothing new happened, and the failure tier last.
pub(super) fn risk(f: &mut Frame<'_>, area: Rect, d: &Dashboard, theme: Theme) {
    let w = usize::from(area.width);
    let r = &d.risk;
    let line = match r.band {
        None if r.tier == 0 => Line::styled("✓ on track: no trouble so far", theme.good()),
        None => Line::styled(
            sanitize::one_line(
                &format!("✓ on track · tier {}: {}", r.tier, r.tier_words),
                w,
            ),
            theme.good(),
        ),
        Some(band) => {
            // The first that fits whole: names with the score and tier, then without the score,
            // without the tier, then codes the same way; else the last, cut from the end.
            // (names, score, tier)
            let tries = [
                (true, true, true),
                (true, false, true),
                (true, false, false),
                (false, true, true),
                (false, false, true),
                (false, false, false),
            ];
            let mut spans = Vec::new();
            for (named, score, tier) in tries {
                spans = risk_spans(r, band, named, score, theme);
                if !tier {
                    spans.pop();
                }
                if spans.iter().map(|s| width(&s.content)).sum::<usize>() <= w {
                    break;
                }
            }
            Line::from(fit(spans, w))
        }
    };
    f.render_widget(Paragraph::new(line), area);
}

fn risk_spans(
    r: &RiskPanel,
    band: Band,
    named: bool,
    score: bool,
    theme: Theme,
) -> Vec<Span<'static>> {
    let marker = match band {
        Band::Low => "●",
        Band::Watch => "▲",
        Band::High => "■",
    };
    let head = match r.raised_for {
        // The engine's band is lower: say what holds it at watch instead of a score that
        // reads "low" beside the nudge.
        Some(s) if named => format!("{marker} risk {} (nudge: {})", band.label(), s.name()),
        Some(s) => format!("{marker} risk {} (nudge: {s})", band.label()),
        None if score => format!("{marker} risk {} {:.2}", band.label(), r.value),
        None => format!("{marker} risk {}", band.label()),
    };
    let mut spans = vec![Span::styled(head, theme.band(Some(band)))];
    for term in &r.top {
        let shown = if named || term.id == "nothing_written" {
            term.name.to_owned()
        } else {
            term.id.clone()
        };
        let style = if term.points < 0 {
            theme.good()
        } else {
            ratatui::style::Style::new()
        };
        spans.push(Span::styled(format!(" · {shown} {:+}", term.points), style));
    }
    if let Some(ms) = r.fading_ms {
        spans.push(Span::styled(
            format!(" · fading: last signal {} ago", format::age(ms)),
            theme.dim(),
        ));
    }
    spans.push(Span::styled(format!(" · tier {}", r.tier), theme.dim()));
    spans
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::view::{View, fixtures};

    fn demo_card(boxed: bool, w: u16) -> Card {
        let p = fixtures::demo_until(62);
        let n = View::of(&p).nudge().unwrap();
        Card::new(&n, w, boxed)
    }

    #[test]
    fn the_card_wraps_everything_and_cuts_only_when_short_of_rows() {
        for (boxed, w) in [(true, 120), (true, 60), (false, 50), (false, 40)] {
            let c = demo_card(boxed, w);
            let inner = usize::from(w) - if boxed { 2 } else { 0 };
            assert!(c.lines.iter().all(|(l, _)| width(l) <= inner), "{w}");
            let all = c.fitted(c.lines.len());
            assert_eq!(all, c.lines, "room for everything: nothing dropped");
            assert!(!all.iter().any(|(l, _)| l.contains('…') && l.ends_with('…')));
        }
        let c = demo_card(false, 40);
        let short = c.fitted(4);
        assert_eq!(short.len(), 4);
        assert_eq!(short[3].1, Part::More);
        assert!(short.iter().all(|(_, p)| *p != Part::Evidence));
    }

    #[test]
    fn the_headline_goes_inside_when_the_border_is_too_narrow() {
        assert!(demo_card(true, 120).title.is_some());
        let narrow = demo_card(true, 40);
        assert!(narrow.title.is_none());
        assert_eq!(narrow.lines[0].1, Part::Headline);
    }
}
