//! The review through the study's lenses (hard signals, by stack, the work mix, the three
//! behaviours, the system around the model, headless sessions) as small tables of plain cells,
//! so the review screen and the markdown draw exactly the same figures.

use crate::core::format;
use crate::core::review::{Outcomes, Review};

use super::review::{count, pct, per_week, period};

/// One section: a title, a table and the sentences that go with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Section {
    pub title: &'static str,
    /// Column headers; the first is the row labels' (often empty).
    pub header: Vec<String>,
    pub rows: Vec<Vec<String>>,
    /// What the figures mean (shown faint).
    pub about: Vec<String>,
    /// Where something differs, in a sentence (shown like a suggestion).
    pub notes: Vec<String>,
}

/// `4 of 6 (67%)`.
fn of(n: u64, total: u64, share: Option<f64>) -> String {
    format!("{n} of {total} ({})", pct(share))
}

fn baseline_pct(r: &Review, share: Option<f64>) -> String {
    if r.baseline.sessions == 0 {
        "–".into()
    } else {
        pct(share)
    }
}

fn header(cells: &[&str]) -> Vec<String> {
    cells.iter().map(|c| (*c).to_owned()).collect()
}

/// Every lens section, in the order they are shown.
#[must_use]
pub fn sections(r: &Review) -> Vec<Section> {
    let mut out = vec![
        hard_signals(r),
        by_stack(r),
        work_mix(r),
        behaviours(r),
        around_model(r),
    ];
    if let Some(h) = headless(r) {
        out.push(h);
    }
    out
}

fn hard_signals(r: &Review) -> Section {
    let (w, b) = (&r.week, &r.baseline);
    let kinds = [
        (
            "  a commit that succeeded",
            w.hard_signals.commit,
            b.hard_signals.commit,
        ),
        (
            "  a pull request opened",
            w.hard_signals.pr,
            b.hard_signals.pr,
        ),
        (
            "  a test run that passed",
            w.hard_signals.test_passed,
            b.hard_signals.test_passed,
        ),
        (
            "  your yes in a later prompt",
            w.hard_signals.affirmation,
            b.hard_signals.affirmation,
        ),
    ];
    let mut rows = vec![vec![
        "sessions with a hard signal present".to_owned(),
        of(w.hard_signal, w.sessions, w.hard_signal_share),
        baseline_pct(r, b.hard_signal_share),
    ]];
    rows.extend(
        kinds.iter().map(|(label, now, before)| {
            vec![(*label).to_owned(), count(*now), per_week(r, *before)]
        }),
    );
    Section {
        title: "Hard signals",
        header: header(&["", period(r), "baseline / week"]),
        rows,
        about: vec![
            "A commit or pull request that succeeded, a test run that passed, or your yes in a later prompt: evidence you can check, not a verdict on success.".into(),
        ],
        notes: Vec::new(),
    }
}

fn by_stack(r: &Review) -> Section {
    let rows = r
        .by_stack
        .iter()
        .map(|s| {
            vec![
                s.stack.to_owned(),
                count(s.sessions),
                count(s.prompts),
                format::ratio(s.actions_per_prompt_geomean),
                count(s.trouble),
                pct(s.recovered_share),
                pct(s.abandoned_share),
                pct(s.hard_signal_share),
            ]
        })
        .collect::<Vec<_>>();
    let mut about = vec![
        "From the files touched and the commands run (cargo: rust, mix: elixir, pytest: python, npm: typescript …). Recovered, abandoned: of the troubled sessions.".to_owned(),
    ];
    if rows.is_empty() {
        about.insert(
            0,
            format!(
                "No session {} touched a language or toolchain ringside recognises.",
                period(r)
            ),
        );
    }
    Section {
        title: "By stack",
        header: header(&[
            "stack",
            "sessions",
            "prompts",
            "actions/prompt",
            "trouble",
            "recovered",
            "abandoned",
            "hard signal",
        ]),
        rows,
        about,
        notes: r.by_stack.iter().filter_map(|s| s.note.clone()).collect(),
    }
}

fn work_mix(r: &Review) -> Section {
    let weeks = &r.work_mix_trend;
    let mut head = vec!["mode".to_owned()];
    head.extend(weeks.iter().map(|w| {
        if w.in_window {
            period(r).to_owned()
        } else {
            // The baseline week by its first day (UTC), `01-19`.
            let d = w.since.to_string();
            d.get(5..10).unwrap_or(&d).to_owned()
        }
    }));
    let modes: Vec<&str> = weeks
        .first()
        .map(|w| w.mix.iter().map(|m| m.mode.as_str()).collect())
        .unwrap_or_default();
    let mut rows: Vec<Vec<String>> = modes
        .iter()
        .enumerate()
        .map(|(i, mode)| {
            let mut row = vec![(*mode).to_owned()];
            row.extend(weeks.iter().map(|w| {
                w.mix
                    .get(i)
                    .filter(|m| m.sessions > 0)
                    .map_or_else(|| "·".into(), |m| pct(m.share))
            }));
            row
        })
        .collect();
    let mut total = vec!["sessions".to_owned()];
    total.extend(weeks.iter().map(|w| count(w.sessions)));
    rows.push(total);
    Section {
        title: "Work mix",
        header: head,
        rows,
        about: vec![
            "Share of sessions by what they mostly did: your baseline weeks (by first day, UTC), then this period.".into(),
        ],
        notes: Vec::new(),
    }
}

fn behaviours(r: &Review) -> Section {
    let (w, b) = (&r.week.behaviours, &r.baseline.behaviours);
    let ratio = |x: Option<f64>| x.map_or_else(|| "–".into(), format::ratio);
    Section {
        title: "Three behaviours",
        header: header(&["", period(r), "baseline"]),
        rows: vec![
            vec![
                "prompts that set up the task specifically".into(),
                of(w.specific, w.prompts, w.specific_share),
                baseline_pct(r, b.specific_share),
            ],
            vec![
                "prompts that ask for verification".into(),
                of(w.verification, w.prompts, w.verification_share),
                baseline_pct(r, b.verification_share),
            ],
            vec![
                "corrections of the agent per session".into(),
                ratio(w.corrections_per_session),
                if r.baseline.sessions == 0 {
                    "–".into()
                } else {
                    ratio(b.corrections_per_session)
                },
            ],
        ],
        about: vec![
            "Specific: names a file, an identifier, a constraint or what done looks like. Verification: asks for a check (run the tests, show the diff). Counts of what you typed, not a grade.".into(),
        ],
        notes: Vec::new(),
    }
}

fn outcome_row(label: &str, o: &Outcomes) -> Vec<String> {
    vec![
        label.to_owned(),
        count(o.sessions),
        pct(o.hard_signal_share),
        count(o.trouble),
        pct(o.abandoned_share),
    ]
}

fn around_model(r: &Review) -> Section {
    let a = &r.week.around_model;
    let parts = [
        ("project memory", a.memory),
        ("skills", a.skills),
        ("custom slash commands", a.commands),
        ("hooks", a.hooks),
        ("plan mode", a.plan_mode),
    ];
    let in_play: Vec<String> = parts
        .iter()
        .filter(|(_, n)| *n > 0)
        .map(|(label, n)| format!("{label} in {}", format::plural(*n, "session")))
        .collect();
    let mut about = vec![
        "Project memory (CLAUDE.md, AGENTS.md), skills, custom slash commands, your hooks, plan mode.".to_owned(),
    ];
    about.push(if in_play.is_empty() {
        format!("None of it was in play {}.", period(r))
    } else {
        format!("In play {}: {}.", period(r), in_play.join(", "))
    });
    Section {
        title: "The system around the model",
        header: header(&["", "sessions", "hard signal", "trouble", "abandoned"]),
        rows: vec![
            outcome_row("with any of it", &a.with),
            outcome_row("without", &a.without),
        ],
        about,
        notes: Vec::new(),
    }
}

fn headless(r: &Review) -> Option<Section> {
    let (w, b) = (&r.week.headless, &r.baseline.headless);
    if w.sessions == 0 && b.sessions == 0 {
        return None;
    }
    Some(Section {
        title: "Headless and SDK sessions",
        header: header(&["", period(r), "baseline / week"]),
        rows: vec![
            vec![
                "sessions".into(),
                count(w.sessions),
                per_week(r, b.sessions),
            ],
            vec!["prompts".into(), count(w.prompts), per_week(r, b.prompts)],
            vec!["actions".into(), count(w.actions), per_week(r, b.actions)],
        ],
        about: vec![
            "Run with claude -p or an SDK: counted apart, in no other figure here and never set against the study's (interactive sessions only).".into(),
        ],
        notes: Vec::new(),
    })
}
