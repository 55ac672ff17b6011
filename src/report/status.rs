//! The status line's text: a [`Glance`] folded into one or two short rows for Claude Code's
//! status bar (`ringside statusline`). A front end: the symbols and the SGR colour codes live
//! here, the figures come from the view model.
//!
//! The glance holds the dashboard's figures that the TUI draws too, so they are the same ones;
//! every transcript string in it is already sanitised. Rows never exceed the given width (terminal
//! columns, not bytes); colour is plain SGR and optional, and every meaning is also a word.

use crate::core::engine::Band;
use crate::core::format;
use crate::core::sanitize;
use crate::core::view::Glance;

/// How to lay the rows out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Layout {
    /// Terminal columns available.
    pub width: usize,
    /// 1: one row; 2: the nudge on a row of its own.
    pub lines: u8,
    /// ANSI colour.
    pub color: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tone {
    Plain,
    Dim,
    Good,
    Warn,
    Bad,
    Nudge,
}

impl Tone {
    fn sgr(self) -> &'static str {
        match self {
            Tone::Plain => "",
            Tone::Dim => "\x1b[2m",
            Tone::Good => "\x1b[32m",
            Tone::Warn => "\x1b[33m",
            Tone::Bad => "\x1b[1;31m",
            Tone::Nudge => "\x1b[1;35m",
        }
    }
}

const SEP: &str = " · ";

/// The rows to print (one or two), each within `layout.width` columns.
#[must_use]
pub fn rows(d: &Glance, layout: Layout) -> Vec<String> {
    let mut figures: Vec<(String, Tone)> = Vec::new();
    if d.prompts == 0 {
        figures.push(("ringside: no prompt yet".into(), Tone::Dim));
    } else {
        figures.push((
            format!(
                "{} this turn",
                format::plural(u64::from(d.turn_actions), "action")
            ),
            Tone::Plain,
        ));
        figures.push((
            format!("{}/prompt", format::ratio(d.actions_per_prompt)),
            Tone::Plain,
        ));
        if let Some(band) = d.band {
            let (mark, tone) = match band {
                Band::Low => ("●", Tone::Good),
                Band::Watch => ("▲", Tone::Warn),
                Band::High => ("■", Tone::Bad),
            };
            figures.push((format!("{mark} risk {}", band.label()), tone));
        }
    }
    let nudge = d.nudge.as_ref().map(|n| {
        let headline = sanitize::one_line(&n.headline, 200);
        if layout.lines >= 2 {
            let text = sanitize::one_line(&n.text, 600);
            (format!("⚠ {headline}: {text}"), Tone::Nudge)
        } else {
            (format!("⚠ {headline}"), Tone::Nudge)
        }
    });
    match nudge {
        Some(n) if layout.lines >= 2 => vec![fit(&figures, layout), fit(&[n], layout)],
        Some(n) => {
            // Narrow: the counts give way first (this turn, then per prompt), then the band;
            // the nudge's headline stays, cut only when it alone is too wide.
            figures.push(n);
            while figures.len() > 1 && total(&figures) > layout.width {
                figures.remove(0);
            }
            vec![fit(&figures, layout)]
        }
        None => vec![fit(&figures, layout)],
    }
}

/// The width of segments joined with separators.
fn total(segments: &[(String, Tone)]) -> usize {
    let seps = segments.len().saturating_sub(1) * sanitize::width(SEP);
    segments
        .iter()
        .map(|(t, _)| sanitize::width(t))
        .sum::<usize>()
        + seps
}

/// Joins segments with a dim separator, cutting the first one that does not fit (with `…`) and
/// dropping the rest.
fn fit(segments: &[(String, Tone)], layout: Layout) -> String {
    let mut out = String::new();
    let mut used = 0usize;
    for (i, (text, tone)) in segments.iter().enumerate() {
        if i > 0 {
            if used + sanitize::width(SEP) + 2 > layout.width {
                break;
            }
            paint(&mut out, SEP, Tone::Dim, layout.color);
            used += sanitize::width(SEP);
        }
        let room = layout.width.saturating_sub(used);
        let w = sanitize::width(text);
        if w <= room {
            paint(&mut out, text, *tone, layout.color);
            used += w;
        } else {
            paint(
                &mut out,
                &sanitize::one_line(text, room),
                *tone,
                layout.color,
            );
            break;
        }
    }
    out
}

fn paint(out: &mut String, text: &str, tone: Tone, color: bool) {
    if color && tone != Tone::Plain {
        out.push_str(tone.sgr());
        out.push_str(text);
        out.push_str("\x1b[0m");
    } else {
        out.push_str(text);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::view::{View, fixtures};

    fn demo_until(lines: usize) -> Glance {
        View::of(&fixtures::demo_until(lines)).glance()
    }

    fn layout(width: usize, lines: u8, color: bool) -> Layout {
        Layout {
            width,
            lines,
            color,
        }
    }

    #[test]
    fn mid_loop_shows_figures_risk_and_the_nudge() {
        let d = demo_until(62);
        let r = rows(&d, layout(200, 1, false));
        assert_eq!(r.len(), 1);
        assert!(r[0].contains("this turn"), "{r:?}");
        assert!(r[0].contains("/prompt"), "{r:?}");
        assert!(r[0].contains("risk"), "{r:?}");
        assert!(r[0].contains("⚠ Check keeps failing"), "{r:?}");
        let two = rows(&d, layout(200, 2, false));
        assert_eq!(two.len(), 2);
        assert!(two[1].starts_with("⚠ Check keeps failing"), "{two:?}");
    }

    #[test]
    fn rows_fit_the_width_with_or_without_colour() {
        let d = demo_until(62);
        for w in [1, 5, 20, 40, 61, 80] {
            for color in [false, true] {
                for r in rows(&d, layout(w, 2, color)) {
                    let plain = strip(&r);
                    assert!(sanitize::width(&plain) <= w, "{w}: {plain:?}");
                    if !color {
                        assert!(!r.contains('\x1b'), "{r:?}");
                    }
                }
            }
        }
    }

    #[test]
    fn a_narrow_row_keeps_the_nudge_headline_and_drops_counts_first() {
        let d = demo_until(62);
        let r = rows(&d, layout(50, 1, false));
        assert!(r[0].contains("⚠ Check keeps failing"), "{r:?}");
        assert!(!r[0].contains("this turn"), "{r:?}");
        let r = rows(&d, layout(30, 1, false));
        assert!(r[0].starts_with("⚠ Check keeps"), "{r:?}");
    }

    #[test]
    fn before_the_first_prompt() {
        let d = demo_until(1);
        assert_eq!(
            rows(&d, layout(80, 1, false)),
            vec!["ringside: no prompt yet"]
        );
    }

    fn strip(s: &str) -> String {
        let mut out = String::new();
        let mut esc = false;
        for c in s.chars() {
            match (esc, c) {
                (false, '\x1b') => esc = true,
                (true, 'm') => esc = false,
                (true, _) => {}
                (false, c) => out.push(c),
            }
        }
        out
    }
}
