//! The review screen: the weekly review as one scrollable page of sections, a cursor line, and
//! Enter on a session to open it in replay. q/Esc quits, `?` shows the keys.
//!
//! Synchronous on purpose: the review is computed before the screen opens, so there is nothing
//! to wait for but keys (no async runtime, no reader thread).

use std::time::Duration;

use ratatui::Frame;
use ratatui::crossterm::event::{self, Event, KeyCode, KeyEventKind, KeyModifiers};
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};

use crate::core::format;
use crate::core::review::Review;
use crate::core::sanitize;
use crate::report::review as fmt;

use super::theme::Theme;

/// How the screen was left.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Exit {
    Quit,
    /// Open this session in replay, then come back.
    Open(String),
}

/// One line of the page; session lines carry the id Enter opens.
#[derive(Debug, Clone)]
struct Row {
    line: Line<'static>,
    session: Option<String>,
}

/// The screen's state.
#[derive(Debug, Clone)]
pub struct ReviewState {
    pub review: Review,
    rows: Vec<Row>,
    /// The cursor's row.
    pub cursor: usize,
    /// The first row shown.
    pub top: usize,
    pub help: bool,
    theme: Theme,
    /// The width the rows were laid out for (long sentences wrap to it).
    width: usize,
}

impl ReviewState {
    /// A state for a review, cursor on the first session when there is one.
    #[must_use]
    pub fn new(review: Review) -> Self {
        Self::with_theme(review, Theme::from_env())
    }

    /// The same, with an explicit theme (tests).
    #[must_use]
    pub fn with_theme(review: Review, theme: Theme) -> Self {
        let rows = page(&review, theme, LAYOUT_WIDTH);
        Self {
            review,
            rows,
            cursor: 0,
            top: 0,
            help: false,
            theme,
            width: LAYOUT_WIDTH,
        }
    }

    /// The session id under the cursor.
    #[must_use]
    pub fn selected(&self) -> Option<&str> {
        self.rows.get(self.cursor)?.session.as_deref()
    }

    /// Applies a key; returns how to leave, when it leaves.
    pub fn on_key(&mut self, code: KeyCode, mods: KeyModifiers, height: usize) -> Option<Exit> {
        if self.help {
            self.help = false;
            return None;
        }
        let last = self.rows.len().saturating_sub(1);
        let page = height.max(1);
        match code {
            KeyCode::Char('q') | KeyCode::Esc => return Some(Exit::Quit),
            KeyCode::Char('c') if mods.contains(KeyModifiers::CONTROL) => return Some(Exit::Quit),
            KeyCode::Char('?') => self.help = true,
            KeyCode::Down | KeyCode::Char('j') => self.cursor = (self.cursor + 1).min(last),
            KeyCode::Up | KeyCode::Char('k') => self.cursor = self.cursor.saturating_sub(1),
            KeyCode::PageDown | KeyCode::Char(' ') => self.cursor = (self.cursor + page).min(last),
            KeyCode::PageUp => self.cursor = self.cursor.saturating_sub(page),
            KeyCode::Home | KeyCode::Char('g') => self.cursor = 0,
            KeyCode::End | KeyCode::Char('G') => self.cursor = last,
            KeyCode::Tab | KeyCode::Char('n') => self.next_session(1),
            KeyCode::BackTab | KeyCode::Char('p') => self.next_session(-1),
            KeyCode::Enter => {
                if let Some(id) = self.selected() {
                    return Some(Exit::Open(id.to_owned()));
                }
            }
            _ => {}
        }
        None
    }

    fn next_session(&mut self, dir: isize) {
        let n = self.rows.len();
        let mut i = self.cursor;
        for _ in 0..n {
            i = if dir > 0 {
                (i + 1) % n.max(1)
            } else {
                (i + n - 1) % n.max(1)
            };
            if self.rows.get(i).is_some_and(|r| r.session.is_some()) {
                self.cursor = i;
                return;
            }
        }
    }

    fn scroll_to_cursor(&mut self, height: usize) {
        if self.cursor < self.top {
            self.top = self.cursor;
        } else if height > 0 && self.cursor >= self.top + height {
            self.top = self.cursor + 1 - height;
        }
    }
}

fn heading(text: &str, theme: Theme) -> Line<'static> {
    Line::from(Span::styled(text.to_owned(), theme.title()))
}

fn plain(text: String) -> Row {
    Row {
        line: Line::from(text),
        session: None,
    }
}

fn styled(text: String, style: Style) -> Row {
    Row {
        line: Line::from(Span::styled(text, style)),
        session: None,
    }
}

/// "This week" from "this week".
fn capital(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}

fn blank() -> Row {
    plain(String::new())
}

fn head(text: &str, theme: Theme) -> [Row; 2] {
    [
        blank(),
        Row {
            line: heading(text, theme),
            session: None,
        },
    ]
}

/// The width rows are laid out for before the first draw tells the real one.
const LAYOUT_WIDTH: usize = 100;

/// The page: every section as lines, long sentences wrapped to `width` columns.
fn page(r: &Review, theme: Theme, width: usize) -> Vec<Row> {
    let mut rows = vec![Row {
        line: heading(&fmt::title(r), theme),
        session: None,
    }];
    if let Some(note) = &r.history.note {
        rows.push(styled(format!("⚠ {note}"), theme.warn()));
    }
    rows.extend(head("Try this week", theme));
    for (i, t) in r.try_this_week.iter().enumerate() {
        // Each suggestion in full: wrapped, continuation lines indented under its text.
        let text = sanitize::one_line(t, 1000);
        for (j, part) in super::view::wrap(&text, width.saturating_sub(3))
            .into_iter()
            .enumerate()
        {
            let lead = if j == 0 {
                format!("{}. ", i + 1)
            } else {
                "   ".to_owned()
            };
            rows.push(styled(format!("{lead}{part}"), theme.accent()));
        }
    }
    let this = fmt::period(r);
    rows.extend(head(
        &format!("{} · baseline per week", capital(this)),
        theme,
    ));
    // The label column gives way on narrow screens; the two figures never do.
    let label_w = width.saturating_sub(20).clamp(12, 38);
    for (label, now, before) in fmt::headline_rows(r) {
        // Labels are ours (indented "of those" rows keep their indent); cut only when long.
        let label = if sanitize::width(&label) > label_w {
            sanitize::one_line(&label, label_w)
        } else {
            label
        };
        rows.push(plain(format!("{label:<label_w$}{now:>9}  {before:>9}")));
    }
    for part in super::view::wrap(&fmt::reference_line(r), width) {
        rows.push(styled(part, theme.dim()));
    }
    rows.extend(head(
        &format!("Actions per prompt · {this} · baseline per week"),
        theme,
    ));
    for (a, b) in r
        .week
        .actions_distribution
        .iter()
        .zip(&r.baseline.actions_distribution)
    {
        rows.push(plain(format!(
            "{:<10}{:>7}  {:>9}",
            a.actions,
            a.prompts,
            fmt::per_week(r, b.prompts)
        )));
    }
    rows.extend(head("Day by day (baseline │ this period)", theme));
    for (label, line) in fmt::day_lines(r) {
        rows.push(plain(format!("{label:<9}{line}")));
    }
    rows.extend(head(
        "Signals that fired most · abandoned after · lift",
        theme,
    ));
    if r.signals.is_empty() {
        rows.push(styled(
            format!("No stall signal fired {this}."),
            theme.dim(),
        ));
    }
    for s in &r.signals {
        let lift = s
            .lift
            .map_or_else(|| "–".into(), |l| format!("{}×", format::ratio(l)));
        let name_w = width.saturating_sub(4 + 41).clamp(8, 32);
        rows.push(plain(format!(
            "{:<4}{:<name_w$}{:>3} sessions  {:>3}/{:<3} abandoned  lift {lift}",
            s.id,
            sanitize::one_line(s.name, name_w.saturating_sub(1)),
            s.sessions,
            s.abandoned_after,
            s.pool_sessions
        )));
        rows.push(styled(format!("      ▸ {}", s.advice), theme.dim()));
    }
    rows.extend(head("Recovery moves that worked (five weeks)", theme));
    if r.recoveries.is_empty() {
        rows.push(styled(
            "No recovery move after trouble.".into(),
            theme.dim(),
        ));
    }
    for m in &r.recoveries {
        rows.push(plain(format!(
            "{:<4}{:<32}{:>3} of {:<3} recovered",
            m.id, m.name, m.worked, m.used
        )));
    }
    rows.extend(head("Nudges · shown · dismissed · helpful", theme));
    for n in &r.nudges {
        rows.push(plain(format!(
            "{:<6}{:>6}{:>11}{:>9}",
            n.signal, n.shown, n.dismissed, n.helpful
        )));
    }
    let mut groups_shown = vec![("Projects", &r.projects), ("Work modes", &r.modes)];
    // Agents as a dimension, once there is more than one to compare.
    if r.by_agent.len() > 1 {
        groups_shown.push(("Agents", &r.by_agent));
    }
    for (title, groups) in groups_shown {
        rows.extend(head(
            &format!("{title} · sessions · prompts · actions/prompt · trouble · abandoned"),
            theme,
        ));
        let key_w = width.saturating_sub(32).clamp(8, 24);
        for g in groups {
            rows.push(plain(format!(
                "{:<key_w$}{:>4}{:>8}{:>8}{:>6}{:>6}",
                sanitize::one_line(&g.key, key_w - 1),
                g.sessions,
                g.prompts,
                format::ratio(g.actions_per_prompt_geomean),
                g.trouble,
                g.abandoned
            )));
        }
    }
    rows.extend(lens_rows(r, theme, width));
    rows.extend(head("Sessions (Enter opens in replay)", theme));
    if r.sessions.is_empty() {
        rows.push(styled("No sessions in this period.".into(), theme.dim()));
    }
    for s in &r.sessions {
        let style = match (s.trouble, s.recovered) {
            (false, _) => theme.good(),
            (true, true) => theme.warn(),
            (true, false) => theme.bad(),
        };
        let line = Line::from(vec![
            Span::raw(format!(
                "{} {} {:<16} {:>11} ",
                fmt::short(&s.id),
                fmt::when(s),
                sanitize::one_line(&s.project, 16),
                format::plural(u64::from(s.prompts), "prompt")
            )),
            // One space at least between the outcome and the prompt ("likely abandoned" is 16).
            Span::styled(format!("{:<17}", fmt::outcome(s)), style),
            // ✓: a hard signal is present (a commit or PR, a passing test, your yes).
            Span::styled(if s.hard_signal { "✓ " } else { "  " }, theme.good()),
            Span::raw(sanitize::one_line(
                s.first_prompt.as_deref().unwrap_or(""),
                200,
            )),
        ]);
        rows.push(Row {
            line,
            session: Some(s.id.clone()),
        });
    }
    rows
}

/// The lens sections: each a heading, a table (first column left, the rest right-aligned), what
/// the figures mean (faint) and where something differs (accent), wrapped to `width`.
fn lens_rows(r: &Review, theme: Theme, width: usize) -> Vec<Row> {
    let mut rows = Vec::new();
    for s in crate::report::lenses::sections(r) {
        rows.extend(head(s.title, theme));
        rows.extend(lens_table(&s, theme, width));
        for a in &s.about {
            for part in super::view::wrap(a, width) {
                rows.push(styled(part, theme.dim()));
            }
        }
        for n in &s.notes {
            for (j, part) in super::view::wrap(n, width.saturating_sub(2))
                .into_iter()
                .enumerate()
            {
                let lead = if j == 0 { "▸ " } else { "  " };
                rows.push(styled(format!("{lead}{part}"), theme.accent()));
            }
        }
    }
    rows
}

/// Narrowest the label column gets before a table is laid out as lines instead.
const LABEL_MIN: usize = 10;

/// A section's table. The label column gives way on narrow screens and the figures never do:
/// where they do not fit beside a 10-column label, each row becomes a wrapped line of
/// "figure header" pairs (empty cells, `·`, left out).
fn lens_table(s: &crate::report::lenses::Section, theme: Theme, width: usize) -> Vec<Row> {
    let mut rows = Vec::new();
    if s.rows.is_empty() {
        return rows;
    }
    let col_width = |i: usize| {
        std::iter::once(&s.header)
            .chain(&s.rows)
            .filter_map(|row| row.get(i))
            .map(|c| sanitize::width(c))
            .max()
            .unwrap_or(0)
    };
    let mut widths: Vec<usize> = (0..s.header.len()).map(col_width).collect();
    let figures: usize = widths.iter().skip(1).map(|w| w + 2).sum();
    if figures + LABEL_MIN > width {
        for row in &s.rows {
            let pairs = row
                .iter()
                .zip(&s.header)
                .skip(1)
                .filter(|(c, _)| !matches!(c.trim(), "" | "·"))
                .map(|(c, h)| {
                    // "1 session", not "1 sessions".
                    let h = match h.strip_suffix('s') {
                        Some(one) if c == "1" && !h.contains(' ') => one,
                        _ => h.as_str(),
                    };
                    format!("{c} {h}").trim().to_owned()
                });
            // Greedy, a pair at a time: a figure never parts from its header.
            let mut line = format!("{}:", row.first().map_or("", |l| l.trim()));
            let mut first = true;
            for pair in pairs {
                let sep = if first { " " } else { " · " };
                if sanitize::width(&line) + sep.len() + sanitize::width(&pair) > width && !first {
                    rows.push(plain(std::mem::replace(&mut line, format!("  {pair}"))));
                } else {
                    line.push_str(sep);
                    line.push_str(&pair);
                }
                first = false;
            }
            rows.push(plain(line));
        }
        return rows;
    }
    if let Some(first) = widths.first_mut() {
        *first = (*first).min(44).min(width - figures);
    }
    let line = |cells: &[String]| {
        cells
            .iter()
            .zip(&widths)
            .enumerate()
            .map(|(i, (c, w))| {
                let c = sanitize::one_line(c, *w);
                let pad = " ".repeat(w.saturating_sub(sanitize::width(&c)));
                if i == 0 {
                    format!("{c}{pad}")
                } else {
                    format!("  {pad}{c}")
                }
            })
            .collect::<String>()
    };
    rows.push(styled(line(&s.header), theme.dim()));
    for row in &s.rows {
        rows.push(plain(line(row)));
    }
    rows
}

const HELP: [(&str, &str); 7] = [
    ("↑ ↓ j k", "move"),
    ("PgUp PgDn", "page"),
    ("Home End", "top, bottom"),
    ("Tab n / p", "next / previous session"),
    ("Enter", "open the session in replay"),
    ("?", "this help"),
    ("q Esc", "quit"),
];

/// Draws the screen (and keeps the cursor in view).
pub fn render(f: &mut Frame<'_>, state: &mut ReviewState) {
    let area = f.area();
    let theme = state.theme;
    if usize::from(area.width) != state.width {
        // Re-laid out for this width; the cursor stays on the same session.
        let selected = state.selected().map(str::to_owned);
        state.width = usize::from(area.width);
        state.rows = page(&state.review, theme, state.width);
        state.cursor = selected
            .and_then(|id| {
                state
                    .rows
                    .iter()
                    .position(|r| r.session.as_deref() == Some(id.as_str()))
            })
            .unwrap_or(state.cursor)
            .min(state.rows.len().saturating_sub(1));
    }
    let body_h = usize::from(area.height.saturating_sub(1));
    state.scroll_to_cursor(body_h);
    let lines: Vec<Line<'static>> = state
        .rows
        .iter()
        .enumerate()
        .skip(state.top)
        .take(body_h)
        .map(|(i, r)| {
            if i == state.cursor {
                r.line.clone().patch_style(theme.selected())
            } else {
                r.line.clone()
            }
        })
        .collect();
    let body = Rect {
        height: area.height.saturating_sub(1),
        ..area
    };
    f.render_widget(Paragraph::new(lines), body);
    let status = Rect {
        y: area.y + area.height.saturating_sub(1),
        height: area.height.min(1),
        ..area
    };
    let hint = if state.selected().is_some() {
        "Enter replay · ? keys · q quit"
    } else {
        "↑↓ move · Tab next session · ? keys · q quit"
    };
    f.render_widget(
        Paragraph::new(Line::from(vec![
            Span::styled(
                format!(
                    "{}/{} ",
                    (state.cursor + 1).min(state.rows.len()),
                    state.rows.len()
                ),
                theme.dim(),
            ),
            Span::raw(hint),
        ])),
        status,
    );
    if state.help {
        let w = 44.min(area.width);
        let h = (u16::try_from(HELP.len()).unwrap_or(7) + 2).min(area.height);
        let r = Rect {
            x: area.x + (area.width - w) / 2,
            y: area.y + (area.height - h) / 2,
            width: w,
            height: h,
        };
        let text: Vec<Line> = HELP
            .iter()
            .map(|(k, v)| Line::from(format!("{k:<12}{v}")))
            .collect();
        f.render_widget(Clear, r);
        f.render_widget(
            Paragraph::new(text).block(Block::default().borders(Borders::ALL).title(" keys ")),
            r,
        );
    }
}

/// How often the screen looks for a signal while no key comes.
const SIGNAL_POLL: Duration = Duration::from_millis(100);

/// Runs the screen until the user quits or opens a session.
///
/// # Errors
/// When the terminal cannot be set up, drawn to or read.
pub fn run(state: &mut ReviewState, theme: Theme) -> anyhow::Result<Exit> {
    state.theme = theme;
    state.rows = page(&state.review, theme, state.width);
    let mut terminal = super::enter()?;
    let _guard = super::Guard;
    loop {
        let mut height = 0usize;
        terminal.draw(|f| {
            height = usize::from(f.area().height.saturating_sub(1));
            render(f, state);
        })?;
        // Short polls, so a signal ends the screen through the same guard as a quit.
        super::signals::check()?;
        if !event::poll(SIGNAL_POLL)? {
            continue;
        }
        if let Event::Key(k) = event::read()?
            && k.kind != KeyEventKind::Release
            && let Some(exit) = state.on_key(k.code, k.modifiers, height)
        {
            return Ok(exit);
        }
    }
}
