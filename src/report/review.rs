//! The weekly review as markdown (for notes), and the small formatters the review screen shares.
//! Every transcript-derived string passes through `sanitize` before it is printed.

use std::fmt::Write as _;

use crate::core::format;
use crate::core::review::{GroupRow, Period, Review, SessionRow};
use crate::core::sanitize;
use crate::report::markdown;

/// `▁▂▃▄▅▆▇█` scaled to the largest value; a zero is a space.
#[must_use]
pub fn sparkline(values: &[u64]) -> String {
    const BARS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];
    let max = values.iter().copied().max().unwrap_or(0);
    values
        .iter()
        .map(|&v| {
            if v == 0 || max == 0 {
                ' '
            } else {
                let i = (v.saturating_mul(7) + max / 2) / max;
                BARS[usize::try_from(i).unwrap_or(7).min(7)]
            }
        })
        .collect()
}

/// `42%`, or `–` without a denominator.
#[must_use]
pub fn pct(share: Option<f64>) -> String {
    share.map_or_else(|| "–".into(), |s| format!("{:.0}%", s * 100.0))
}

/// A baseline count per week: `10.5`, `–` without history.
#[must_use]
pub fn per_week(r: &Review, n: u64) -> String {
    if r.history.baseline_weeks <= 0.0 {
        return "–".into();
    }
    per_week_cell(r.per_week(n))
}

/// A per-week average in the same form as this week's count beside it: compact from 10,000 up
/// (`88k`), else with a decimal where it matters (`10.5`).
fn per_week_cell(v: f64) -> String {
    if v >= 10_000.0 {
        #[expect(
            clippy::cast_possible_truncation,
            clippy::cast_sign_loss,
            reason = "checked positive; display rounding"
        )]
        return count(v.round() as u64);
    }
    format::ratio(v)
}

/// A count for the table, in compact form above 10,000 (`1.2M`).
#[must_use]
pub fn count(n: u64) -> String {
    if n >= 10_000 {
        format::compact(n)
    } else {
        n.to_string()
    }
}

/// The outcome of a session in a word or two.
#[must_use]
pub fn outcome(s: &SessionRow) -> &'static str {
    match (s.trouble, s.recovered, s.abandoned) {
        (false, _, _) => "no trouble",
        (true, _, true) => "likely abandoned",
        (true, true, false) => "recovered",
        (true, false, false) => "trouble",
    }
}

/// A short date-time (`2026-02-10 14:03`, UTC) for lists.
#[must_use]
pub fn when(s: &SessionRow) -> String {
    s.started.map_or_else(
        || "?".into(),
        |t| {
            let full = t.to_string();
            full.get(..16).unwrap_or(&full).replace('T', " ")
        },
    )
}

/// The first 8 characters of a session id.
#[must_use]
pub fn short(id: &str) -> &str {
    id.get(..8).unwrap_or(id)
}

/// The headline figures: (label, this week, baseline per week or share).
#[must_use]
pub fn headline_rows(r: &Review) -> Vec<(String, String, String)> {
    let w = &r.week;
    let b = &r.baseline;
    let rows = vec![
        (
            "sessions".into(),
            count(w.sessions),
            per_week(r, b.sessions),
        ),
        ("prompts".into(), count(w.prompts), per_week(r, b.prompts)),
        (
            "actions per prompt (geometric mean)".into(),
            format::ratio(w.actions_per_prompt_geomean),
            baseline_ratio(r, b.actions_per_prompt_geomean),
        ),
        (
            "output tokens".into(),
            count(w.output_tokens),
            per_week(r, b.output_tokens),
        ),
        (
            "lines written".into(),
            count(w.lines_added),
            per_week(r, b.lines_added),
        ),
        (
            "sessions that hit trouble".into(),
            count(w.trouble),
            per_week(r, b.trouble),
        ),
        (
            "  of those, recovered".into(),
            pct(w.recovered_share),
            baseline_share(r, b.recovered_share),
        ),
        (
            "  of those, likely abandoned".into(),
            pct(w.abandoned_share),
            baseline_share(r, b.abandoned_share),
        ),
    ];
    rows
}

fn baseline_ratio(r: &Review, x: f64) -> String {
    if r.baseline.prompts == 0 {
        "–".into()
    } else {
        format::ratio(x)
    }
}

fn baseline_share(r: &Review, s: Option<f64>) -> String {
    if r.baseline.sessions == 0 {
        "–".into()
    } else {
        pct(s)
    }
}

/// The reference marks, in one faint line.
#[must_use]
pub fn reference_line(r: &Review) -> String {
    let f = &r.reference;
    format!(
        "For reference only, from Anthropic's study: troubled sessions abandoned, novices {:.0}%, others {:.0}–{:.0}%; actions per prompt, novices {}, experts {}.",
        f.abandoned_novice * 100.0,
        f.abandoned_others.0 * 100.0,
        f.abandoned_others.1 * 100.0,
        format::ratio(f.actions_per_prompt_novice),
        format::ratio(f.actions_per_prompt_expert)
    )
}

/// Whether the period is a week (give or take a daylight-saving hour): then it is "this week"
/// and a "weekly review"; otherwise "this period".
#[must_use]
pub fn is_week(r: &Review) -> bool {
    let ms = r.window.until.since(r.window.since);
    ((7 * 24 - 1) * 3_600_000..=(7 * 24 + 1) * 3_600_000).contains(&ms)
}

/// "this week", or "this period" for any other length.
#[must_use]
pub fn period(r: &Review) -> &'static str {
    if is_week(r) {
        "this week"
    } else {
        "this period"
    }
}

/// The window in words: its first day to its last (the end is exclusive, so a period ending at
/// midnight ends on the day before).
#[must_use]
pub fn title(r: &Review) -> String {
    let last = day(r.window.until);
    let last = if last.len() == 10 {
        day(crate::core::Millis(r.window.until.0.saturating_sub(1)))
            .get(..10)
            .map_or(last, str::to_owned)
    } else {
        last
    };
    format!(
        "{} · {} → {} ({})",
        if is_week(r) {
            "Weekly review"
        } else {
            "Review"
        },
        day(r.window.since),
        last,
        sanitize::one_line(&r.window.timezone, 60)
    )
}

fn day(m: crate::core::Millis) -> String {
    let s = m.to_string();
    let s = s.get(..16).unwrap_or(&s).replace('T', " ");
    s.strip_suffix(" 00:00").map(str::to_owned).unwrap_or(s)
}

/// Most days a sparkline shows (the latest): 13 weeks.
pub const SPARK_DAYS: usize = 91;

/// Day-by-day sparklines: (label, line), the window after a `│`; the latest [`SPARK_DAYS`].
#[must_use]
pub fn day_lines(r: &Review) -> Vec<(&'static str, String)> {
    let days = &r.days[r.days.len().saturating_sub(SPARK_DAYS)..];
    type Get = fn(&crate::core::review::DayRow) -> u64;
    let series: [(&'static str, Get); 5] = [
        ("sessions", |d| d.sessions),
        ("prompts", |d| d.prompts),
        ("actions", |d| d.actions),
        ("output", |d| d.output_tokens),
        ("trouble", |d| d.trouble),
    ];
    series
        .iter()
        .map(|(label, get)| {
            let values: Vec<u64> = days.iter().map(get).collect();
            let line = sparkline(&values);
            let split = days
                .iter()
                .position(|d| d.in_window)
                .unwrap_or(values.len());
            let (before, after): (String, String) = (
                line.chars().take(split).collect(),
                line.chars().skip(split).collect(),
            );
            (*label, format!("{before}│{after}"))
        })
        .collect()
}

/// Untrusted text in the markdown (the one escaping shared with the session report).
fn cell(s: &str, width: usize) -> String {
    markdown::text(s, width)
}

fn group_table(out: &mut String, rows: &[GroupRow], what: &str) {
    let _ = writeln!(
        out,
        "| {what} | sessions | prompts | actions/prompt | output | lines | trouble | recovered | abandoned |"
    );
    let _ = writeln!(out, "|---|---:|---:|---:|---:|---:|---:|---:|---:|");
    for g in rows {
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} | {} | {} | {} |",
            cell(&g.key, 60),
            g.sessions,
            g.prompts,
            format::ratio(g.actions_per_prompt_geomean),
            count(g.output_tokens),
            count(g.lines_added),
            g.trouble,
            g.recovered,
            g.abandoned
        );
    }
}

fn distribution(out: &mut String, w: &Period, b: &Period, r: &Review) {
    let _ = writeln!(
        out,
        "| actions per prompt | {} | baseline / week |",
        period(r)
    );
    let _ = writeln!(out, "|---|---:|---:|");
    for (a, bb) in w.actions_distribution.iter().zip(&b.actions_distribution) {
        let _ = writeln!(
            out,
            "| {} | {} | {} |",
            a.actions,
            a.prompts,
            per_week(r, bb.prompts)
        );
    }
}

/// The whole review as markdown.
#[must_use]
pub fn markdown(r: &Review) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "# {}\n", cell(&title(r), 200));
    let _ = writeln!(
        out,
        "Baseline: your previous {} weeks (from {}), shown per week.",
        format::ratio(r.history.baseline_weeks),
        day(r.window.baseline_since)
    );
    if let Some(note) = &r.history.note {
        let _ = writeln!(out, "\n> {note}.");
    }
    let _ = writeln!(out, "\n## Try this week\n");
    for (i, t) in r.try_this_week.iter().enumerate() {
        let _ = writeln!(out, "{}. {}", i + 1, cell(t, 1000));
    }
    let _ = writeln!(out, "\n## Figures\n");
    let _ = writeln!(out, "| | {} | baseline / week |", period(r));
    let _ = writeln!(out, "|---|---:|---:|");
    for (label, now, before) in headline_rows(r) {
        let _ = writeln!(out, "| {} | {now} | {before} |", label.trim());
    }
    let _ = writeln!(out, "\n_{}_\n", reference_line(r));
    distribution(&mut out, &r.week, &r.baseline, r);
    let _ = writeln!(out, "\n## Day by day\n");
    let _ = writeln!(
        out,
        "Baseline days, then `│`, then this period's days ({} to {}).\n",
        r.days[r.days.len().saturating_sub(SPARK_DAYS)..]
            .first()
            .map_or("", |d| d.date.as_str()),
        r.days.last().map_or("", |d| d.date.as_str())
    );
    let _ = writeln!(out, "```text");
    for (label, line) in day_lines(r) {
        let _ = writeln!(out, "{label:<9}{line}");
    }
    let _ = writeln!(out, "```");
    let _ = writeln!(out, "\n## Signals that fired most\n");
    if r.signals.is_empty() {
        let _ = writeln!(out, "No stall signal fired {}.", period(r));
    } else {
        let _ = writeln!(
            out,
            "Lift: how often a session was abandoned after the signal fired, against all your sessions (over five weeks).\n"
        );
        let _ = writeln!(
            out,
            "| signal | sessions | firings | baseline sessions | abandoned after | recovered after | lift | when it shows |"
        );
        let _ = writeln!(out, "|---|---:|---:|---:|---:|---:|---:|---|");
        for s in &r.signals {
            let _ = writeln!(
                out,
                "| {} {} | {} | {} | {} | {} of {} | {} of {} | {} | {} |",
                s.id,
                s.name,
                s.sessions,
                s.firings,
                s.baseline_sessions,
                s.abandoned_after,
                s.pool_sessions,
                s.recovered_after,
                s.pool_sessions,
                s.lift
                    .map_or_else(|| "–".into(), |l| format!("{}×", format::ratio(l))),
                s.advice
            );
        }
    }
    let _ = writeln!(out, "\n## Recovery moves that worked\n");
    if r.recoveries.is_empty() {
        let _ = writeln!(out, "No recovery move after trouble in five weeks.");
    } else {
        let _ = writeln!(out, "| move | used after trouble | recovered |");
        let _ = writeln!(out, "|---|---:|---:|");
        for m in &r.recoveries {
            let _ = writeln!(
                out,
                "| {} {} | {} | {} ({}) |",
                m.id,
                m.name,
                m.used,
                m.worked,
                pct(m.share)
            );
        }
    }
    let _ = writeln!(out, "\n## Nudges\n");
    let _ = writeln!(out, "| signal | shown | dismissed | marked helpful |");
    let _ = writeln!(out, "|---|---:|---:|---:|");
    for n in &r.nudges {
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} |",
            n.signal, n.shown, n.dismissed, n.helpful
        );
    }
    let _ = writeln!(out, "\n## Projects\n");
    group_table(&mut out, &r.projects, "project");
    let _ = writeln!(out, "\n## Work modes\n");
    group_table(&mut out, &r.modes, "mode");
    // Agents as a dimension, once there is more than one to compare.
    if r.by_agent.len() > 1 {
        let _ = writeln!(out, "\n## By agent\n");
        group_table(&mut out, &r.by_agent, "agent");
    }
    lens_markdown(&mut out, r);
    let _ = writeln!(out, "\n## Sessions\n");
    let _ = writeln!(out, "Open one with `ringside replay <id>`.\n");
    let _ = writeln!(
        out,
        "| id | started (UTC) | project | prompts | actions/prompt | outcome | hard signal | signals | first prompt |"
    );
    let _ = writeln!(out, "|---|---|---|---:|---:|---|---|---|---|");
    for s in &r.sessions {
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} | {} | {} | {} |",
            markdown::code_span(short(&s.id), 8),
            when(s),
            cell(&s.project, 40),
            s.prompts,
            format::ratio(s.actions_per_prompt_geomean),
            outcome(s),
            if s.hard_signal { "✓" } else { "" },
            s.signals.join(" "),
            cell(s.first_prompt.as_deref().unwrap_or(""), 80)
        );
    }
    out
}

/// The lens sections (hard signals, by stack, work mix, behaviours, the system around the
/// model, headless sessions) as markdown tables.
fn lens_markdown(out: &mut String, r: &Review) {
    for s in super::lenses::sections(r) {
        let _ = writeln!(out, "\n## {}\n", s.title);
        for a in &s.about {
            let _ = writeln!(out, "_{}_\n", cell(a, 1000));
        }
        if !s.rows.is_empty() {
            let head: Vec<String> = s.header.iter().map(|h| cell(h, 40)).collect();
            let _ = writeln!(out, "| {} |", head.join(" | "));
            let align: Vec<&str> = (0..s.header.len())
                .map(|i| if i == 0 { "---" } else { "---:" })
                .collect();
            let _ = writeln!(out, "|{}|", align.join("|"));
            for row in &s.rows {
                let cells: Vec<String> = row.iter().map(|c| cell(c.trim(), 60)).collect();
                let _ = writeln!(out, "| {} |", cells.join(" | "));
            }
        }
        for n in &s.notes {
            let _ = writeln!(out, "\n- {}", cell(n, 1000));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn baseline_cells_take_the_form_of_the_week_beside_them() {
        assert_eq!(count(4_799_701), "4.8M");
        assert_eq!(per_week_cell(4_799_701.25), count(4_799_701));
        assert_eq!(per_week_cell(88_072.0), "88k");
        assert_eq!(per_week_cell(9_999.4), format::ratio(9_999.4));
        assert_eq!(per_week_cell(10.5), format::ratio(10.5));
    }

    #[test]
    fn sparkline_scales_and_marks_zero_days() {
        assert_eq!(sparkline(&[0, 1, 4, 8]), " ▂▅█");
        assert_eq!(sparkline(&[]), "");
        assert_eq!(sparkline(&[0, 0]), "  ");
    }
}
