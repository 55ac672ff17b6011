//! The weekly review: session summaries in, this week beside the user's own baseline out.
//!
//! [`Review::build`] is pure: the summaries, the window (with its time zone, for days) and the
//! feedback on nudges come in as data. Which sessions belong where: a session is in the window
//! when it was active in it (started before its end and last active after its start), else in
//! the baseline when active there; a session spanning the boundary counts once, in the window.
//! Days attribute each prompt's figures to the day (in the given zone) its turn started.
//!
//! Lift and the recovery moves pool the window and the baseline ("your last five weeks"): a
//! week alone is usually too few abandonments to say anything.

pub mod lenses;
pub mod summary;

use std::collections::BTreeMap;

use serde::Serialize;

use crate::core::Millis;
use crate::core::engine::ids::{RecoveryId, SignalId};
use crate::core::engine::nudge;
use crate::core::format;

pub use self::lenses::{
    AroundModel, Behaviours, HardSignals, Headless, MixShare, MixWeek, Outcomes, SessionLenses,
    StackRow, TurnLenses,
};
pub use self::summary::{SUMMARY_VERSION, SessionSummary, TurnBrief};

/// Version of the review's JSON shape.
pub const SCHEMA: u32 = 1;

/// Upper bounds of the actions-per-prompt distribution's buckets (the last is open).
pub const BUCKETS: [(u32, &str); 8] = [
    (0, "0"),
    (2, "1-2"),
    (5, "3-5"),
    (10, "6-10"),
    (20, "11-20"),
    (50, "21-50"),
    (100, "51-100"),
    (u32::MAX, "101+"),
];

/// The study's figures, shown as faint reference marks (never as a grade).
pub const REFERENCE: Reference = Reference {
    abandoned_novice: 0.19,
    abandoned_others: (0.05, 0.07),
    actions_per_prompt_novice: 4.9,
    actions_per_prompt_expert: 11.7,
};

/// The reference marks (signals.md 1.3).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Reference {
    /// Share of troubled sessions abandoned, novices.
    pub abandoned_novice: f64,
    /// The same share, intermediate and above (a range).
    pub abandoned_others: (f64, f64),
    /// Geometric-mean actions per prompt, novices and experts.
    pub actions_per_prompt_novice: f64,
    pub actions_per_prompt_expert: f64,
}

/// The period reviewed and its baseline.
#[derive(Debug, Clone)]
pub struct Window {
    /// Start of the reviewed period (inclusive).
    pub since: Millis,
    /// End of the reviewed period (exclusive).
    pub until: Millis,
    /// Start of the baseline (it ends where the period starts).
    pub baseline_since: Millis,
    /// The zone days are counted in.
    pub tz: jiff::tz::TimeZone,
    /// The zone's name, for the report.
    pub tz_name: String,
}

/// One piece of feedback on a nudge.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NudgeFeedback {
    pub at: Millis,
    /// `S5`.
    pub signal: String,
    /// Marked helpful (else dismissed).
    pub helpful: bool,
}

/// Figures of one period (the week, or the whole baseline).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Period {
    pub sessions: u64,
    pub prompts: u64,
    pub actions: u64,
    /// `exp(mean(ln(1 + actions))) − 1` over every prompt of the period.
    pub actions_per_prompt_geomean: f64,
    /// Prompts per bucket of actions, keyed by [`BUCKETS`] labels in order.
    pub actions_distribution: Vec<Bucket>,
    pub output_tokens: u64,
    pub lines_added: u64,
    /// Sessions that reached failure tier 3.
    pub trouble: u64,
    /// Of those, recovered / likely abandoned.
    pub recovered: u64,
    pub abandoned: u64,
    /// `recovered / trouble` and `abandoned / trouble` (null without trouble).
    pub recovered_share: Option<f64>,
    pub abandoned_share: Option<f64>,
    /// Sessions with a hard signal present (a commit or PR that succeeded, a test run that
    /// passed, your yes in a later prompt), their share of the sessions, and which kinds.
    pub hard_signal: u64,
    pub hard_signal_share: Option<f64>,
    pub hard_signals: HardSignals,
    /// Share of sessions per work mode.
    pub work_mix: Vec<MixShare>,
    /// Specific set-ups, asks for verification, corrections.
    pub behaviours: Behaviours,
    /// The system around the model, and outcomes with and without it.
    pub around_model: AroundModel,
    /// Headless and SDK sessions, counted apart: none of the figures above include them.
    pub headless: Headless,
}

/// One bucket of the distribution.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Bucket {
    pub actions: &'static str,
    pub prompts: u64,
}

/// Whether the baseline is worth comparing with.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct History {
    pub enough: bool,
    /// Weeks the baseline spans.
    pub baseline_weeks: f64,
    /// Days of the baseline with at least one session.
    pub baseline_active_days: u32,
    /// Why not, when not enough.
    pub note: Option<String>,
}

/// A signal that fired, and what followed it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SignalRow {
    pub id: String,
    pub name: &'static str,
    /// Sessions of the week it fired in, and its firings there.
    pub sessions: u64,
    pub firings: u64,
    pub baseline_sessions: u64,
    /// Over the week and baseline: sessions it fired in, of those abandoned and recovered.
    pub pool_sessions: u64,
    pub abandoned_after: u64,
    pub recovered_after: u64,
    /// `P(abandoned | fired) / P(abandoned)` over the pool; null when nothing was abandoned.
    pub lift: Option<f64>,
    /// What to do when it shows.
    pub advice: &'static str,
}

/// A recovery move and how often it worked.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RecoveryRow {
    pub id: String,
    pub name: &'static str,
    /// Troubled sessions of the pool where it was made after the trouble began.
    pub used: u64,
    /// Of those, the ones that recovered.
    pub worked: u64,
    pub share: Option<f64>,
}

/// Nudges shown, and your feedback on them.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct NudgeRow {
    /// `S5`, or `all` for the totals.
    pub signal: String,
    pub shown: u64,
    pub dismissed: u64,
    pub helpful: u64,
}

/// A project or work mode.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GroupRow {
    pub key: String,
    pub sessions: u64,
    pub prompts: u64,
    pub actions_per_prompt_geomean: f64,
    pub output_tokens: u64,
    pub lines_added: u64,
    pub trouble: u64,
    pub recovered: u64,
    pub abandoned: u64,
}

/// One day.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DayRow {
    /// `2026-02-10`, in the review's zone.
    pub date: String,
    /// Inside the reviewed period (else baseline).
    pub in_window: bool,
    /// Sessions started that day.
    pub sessions: u64,
    pub prompts: u64,
    pub actions: u64,
    pub output_tokens: u64,
    pub lines_added: u64,
    /// Troubled sessions started that day.
    pub trouble: u64,
}

/// One session of the week, for the lists (opened with `ringside replay <id>`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SessionRow {
    pub id: String,
    /// The agent that wrote it (`claude-code`, `codex`, `copilot`, `gemini`).
    pub agent: String,
    pub path: String,
    pub project: String,
    pub started: Option<Millis>,
    pub prompts: u32,
    pub actions: u64,
    pub actions_per_prompt_geomean: f64,
    pub tier: u8,
    pub trouble: bool,
    pub recovered: bool,
    pub abandoned: bool,
    pub signals: Vec<String>,
    pub first_prompt: Option<String>,
    /// A hard signal is present (a commit or PR, a passing test, your yes).
    pub hard_signal: bool,
    /// The stacks it worked in, most evidence first.
    pub stacks: Vec<&'static str>,
    /// The parts of the system around the model in play (`memory`, `skills`, `commands`,
    /// `hooks`, `plan_mode`).
    pub around_model: Vec<&'static str>,
}

/// The window as reported.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WindowInfo {
    pub since: Millis,
    pub until: Millis,
    pub baseline_since: Millis,
    pub timezone: String,
}

/// The whole review (the `review --format json` document).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Review {
    pub schema: u32,
    pub window: WindowInfo,
    pub history: History,
    pub week: Period,
    pub baseline: Period,
    pub reference: Reference,
    pub signals: Vec<SignalRow>,
    pub recoveries: Vec<RecoveryRow>,
    /// The totals first (`all`), then per signal.
    pub nudges: Vec<NudgeRow>,
    pub projects: Vec<GroupRow>,
    pub modes: Vec<GroupRow>,
    /// Per agent (`claude-code`, `codex`, …): the period's sessions of each, as `projects`.
    pub by_agent: Vec<GroupRow>,
    /// Per stack the period's sessions worked in, with a note where one differs from the rest.
    pub by_stack: Vec<StackRow>,
    /// The work mix of each baseline week, then of the period.
    pub work_mix_trend: Vec<MixWeek>,
    pub days: Vec<DayRow>,
    /// The week's sessions, newest first.
    pub sessions: Vec<SessionRow>,
    /// Three concrete things to try, derived from the figures above.
    pub try_this_week: Vec<String>,
}

/// Where a session falls.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Place {
    Window,
    Baseline,
}

fn place(s: &SessionSummary, w: &Window) -> Option<Place> {
    let start = s.started.or(s.last)?;
    let end = s.end().unwrap_or(start);
    if start < w.until.0 && end >= w.since.0 {
        Some(Place::Window)
    } else if start < w.since.0 && end >= w.baseline_since.0 {
        Some(Place::Baseline)
    } else {
        None
    }
}

/// Geometric mean of `1 + x`, minus one.
pub(crate) fn geomean(values: impl Iterator<Item = u32>) -> f64 {
    let (sum, n) = values.fold((0.0f64, 0u64), |(s, n), a| {
        (s + f64::from(a).ln_1p(), n + 1)
    });
    if n == 0 {
        return 0.0;
    }
    #[expect(clippy::cast_precision_loss, reason = "counts are small")]
    let mean = sum / n as f64;
    round2(mean.exp_m1())
}

fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

fn round3(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

#[expect(clippy::cast_precision_loss, reason = "counts are small")]
fn share(num: u64, den: u64) -> Option<f64> {
    (den > 0).then(|| round3(num as f64 / den as f64))
}

impl Period {
    fn of(sessions: &[&SessionSummary]) -> Self {
        let mut p = Period {
            actions_distribution: BUCKETS
                .iter()
                .map(|(_, label)| Bucket {
                    actions: label,
                    prompts: 0,
                })
                .collect(),
            ..Period::default()
        };
        for s in sessions {
            p.sessions += 1;
            p.prompts += u64::from(s.prompts);
            p.actions += s.actions;
            p.output_tokens += s.output_tokens;
            p.lines_added += s.lines_added;
            p.trouble += u64::from(s.trouble);
            p.recovered += u64::from(s.recovered);
            p.abandoned += u64::from(s.abandoned);
            for a in s.prompt_actions() {
                let i = BUCKETS.iter().position(|(hi, _)| a <= *hi).unwrap_or(0);
                if let Some(b) = p.actions_distribution.get_mut(i) {
                    b.prompts += 1;
                }
            }
        }
        p.actions_per_prompt_geomean = geomean(sessions.iter().flat_map(|s| s.prompt_actions()));
        p.recovered_share = share(p.recovered, p.trouble);
        p.abandoned_share = share(p.abandoned, p.trouble);
        let l = lenses::period(sessions);
        p.hard_signal = l.hard_signal;
        p.hard_signal_share = l.hard_signal_share;
        p.hard_signals = l.hard_signals;
        p.work_mix = l.work_mix;
        p.behaviours = l.behaviours;
        p.around_model = l.around_model;
        p
    }
}

fn group(sessions: &[&SessionSummary], key: impl Fn(&SessionSummary) -> String) -> Vec<GroupRow> {
    let mut by: BTreeMap<String, Vec<&SessionSummary>> = BTreeMap::new();
    for s in sessions {
        by.entry(key(s)).or_default().push(s);
    }
    let mut rows: Vec<GroupRow> = by
        .into_iter()
        .map(|(key, list)| {
            let p = Period::of(&list);
            GroupRow {
                key,
                sessions: p.sessions,
                prompts: p.prompts,
                actions_per_prompt_geomean: p.actions_per_prompt_geomean,
                output_tokens: p.output_tokens,
                lines_added: p.lines_added,
                trouble: p.trouble,
                recovered: p.recovered,
                abandoned: p.abandoned,
            }
        })
        .collect();
    rows.sort_by(|a, b| b.sessions.cmp(&a.sessions).then_with(|| a.key.cmp(&b.key)));
    rows
}

fn date_of(ms: i64, tz: &jiff::tz::TimeZone) -> Option<jiff::civil::Date> {
    let ts = jiff::Timestamp::from_millisecond(ms).ok()?;
    Some(tz.to_datetime(ts).date())
}

impl Review {
    /// Builds the review; see the module docs.
    #[must_use]
    pub fn build(all: &[SessionSummary], w: &Window, feedback: &[NudgeFeedback]) -> Self {
        let mut week: Vec<&SessionSummary> = Vec::new();
        let mut base: Vec<&SessionSummary> = Vec::new();
        // Headless and SDK sessions are counted apart and kept out of every other figure: the
        // study's figures describe interactive sessions only.
        let mut week_headless: Vec<&SessionSummary> = Vec::new();
        let mut base_headless: Vec<&SessionSummary> = Vec::new();
        for s in all {
            match (place(s, w), s.lenses.headless) {
                (Some(Place::Window), false) => week.push(s),
                (Some(Place::Baseline), false) => base.push(s),
                (Some(Place::Window), true) => week_headless.push(s),
                (Some(Place::Baseline), true) => base_headless.push(s),
                (None, _) => {}
            }
        }
        let pool: Vec<&SessionSummary> = week.iter().chain(base.iter()).copied().collect();
        let mut week_p = Period::of(&week);
        week_p.headless = Headless::of(&week_headless);
        let mut base_p = Period::of(&base);
        base_p.headless = Headless::of(&base_headless);
        let by_stack = lenses::stack_rows(&week, &pool);
        let work_mix_trend = lenses::mix_trend(&base, &week, w);
        let days = days(&pool, w);
        let history = history(&base, &days, w);
        let signals = signal_rows(&week, &base, &pool);
        let recoveries = recovery_rows(&pool);
        let nudges = nudge_rows(&week, feedback, w);
        let projects = group(&week, |s| s.project().to_owned());
        let modes = group(&week, |s| {
            s.mode.map_or("unknown", |m| m.label()).to_owned()
        });
        let by_agent = group(&week, |s| s.format.id().to_owned());
        let mut sessions: Vec<SessionRow> = week
            .iter()
            .map(|s| SessionRow {
                id: s.id.clone(),
                agent: s.format.id().to_owned(),
                path: s.path.clone(),
                project: s.project().to_owned(),
                started: s.started.map(Millis),
                prompts: s.prompts,
                actions: s.actions,
                actions_per_prompt_geomean: geomean(s.prompt_actions()),
                tier: s.tier,
                trouble: s.trouble,
                recovered: s.recovered,
                abandoned: s.abandoned,
                signals: {
                    let mut ids: Vec<SignalId> = s.fired().collect();
                    ids.sort();
                    ids.into_iter().map(|i| i.code().to_owned()).collect()
                },
                first_prompt: s.first_prompt.clone(),
                hard_signal: s.lenses.hard_signal(),
                stacks: s
                    .lenses
                    .main_stacks()
                    .into_iter()
                    .map(|x| x.label())
                    .collect(),
                around_model: s.lenses.around().map(lenses::Around::key).collect(),
            })
            .collect();
        sessions.sort_by(|a, b| b.started.cmp(&a.started).then_with(|| a.id.cmp(&b.id)));
        let mut review = Review {
            schema: SCHEMA,
            window: WindowInfo {
                since: w.since,
                until: w.until,
                baseline_since: w.baseline_since,
                timezone: w.tz_name.clone(),
            },
            history,
            week: week_p,
            baseline: base_p,
            reference: REFERENCE,
            signals,
            recoveries,
            nudges,
            projects,
            modes,
            by_agent,
            by_stack,
            work_mix_trend,
            days,
            sessions,
            try_this_week: Vec::new(),
        };
        review.try_this_week = try_lines(&review, &week, &pool);
        review
    }

    /// The baseline's figure per week, for a count.
    #[must_use]
    pub fn per_week(&self, count: u64) -> f64 {
        if self.history.baseline_weeks <= 0.0 {
            return 0.0;
        }
        #[expect(clippy::cast_precision_loss, reason = "counts are small")]
        let c = count as f64;
        c / self.history.baseline_weeks
    }

    /// Length of the reviewed period in weeks (1 for `--since 7d`).
    #[must_use]
    pub fn window_weeks(&self) -> f64 {
        #[expect(clippy::cast_precision_loss, reason = "ms spans are far below 2^52")]
        let ms = self.window.until.0.saturating_sub(self.window.since.0) as f64;
        ms / (7.0 * 86_400_000.0)
    }
}

fn days(pool: &[&SessionSummary], w: &Window) -> Vec<DayRow> {
    let (Some(first), Some(last)) = (
        date_of(w.baseline_since.0, &w.tz),
        date_of(w.until.0.saturating_sub(1), &w.tz),
    ) else {
        return Vec::new();
    };
    let Some(window_first) = date_of(w.since.0, &w.tz) else {
        return Vec::new();
    };
    let mut rows: BTreeMap<jiff::civil::Date, DayRow> = BTreeMap::new();
    let mut d = first;
    // At most a few hundred days: a window is weeks long.
    while d <= last && rows.len() < 3660 {
        rows.insert(
            d,
            DayRow {
                date: d.to_string(),
                in_window: d >= window_first,
                sessions: 0,
                prompts: 0,
                actions: 0,
                output_tokens: 0,
                lines_added: 0,
                trouble: 0,
            },
        );
        let Ok(next) = d.tomorrow() else { break };
        d = next;
    }
    for s in pool {
        if let Some(row) = s
            .started
            .and_then(|t| date_of(t, &w.tz))
            .and_then(|d| rows.get_mut(&d))
        {
            row.sessions += 1;
            row.trouble += u64::from(s.trouble);
        }
        for t in &s.turns {
            let Some(row) =
                t.at.and_then(|at| date_of(at, &w.tz))
                    .and_then(|d| rows.get_mut(&d))
            else {
                continue;
            };
            row.prompts += u64::from(t.prompt);
            row.actions += u64::from(t.actions);
            row.output_tokens += t.output_tokens;
            row.lines_added += t.lines_added;
        }
    }
    rows.into_values().collect()
}

/// At least 10 baseline sessions spread over at least 7 days.
fn history(base: &[&SessionSummary], days: &[DayRow], w: &Window) -> History {
    #[expect(clippy::cast_precision_loss, reason = "ms spans are far below 2^52")]
    let weeks = w.since.0.saturating_sub(w.baseline_since.0) as f64 / (7.0 * 86_400_000.0);
    let active = days
        .iter()
        .filter(|d| !d.in_window && d.sessions > 0)
        .count();
    let active = u32::try_from(active).unwrap_or(u32::MAX);
    let enough = base.len() >= 10 && active >= 7;
    let note = (!enough).then(|| {
        format!(
            "not enough history for a baseline yet: {} in the previous {} (a baseline needs 10 sessions over 7 days)",
            format::plural(base.len() as u64, "session"),
            format::plural((weeks.round() as u64).max(1), "week")
        )
    });
    History {
        enough,
        baseline_weeks: round2(weeks),
        baseline_active_days: active,
        note,
    }
}

fn signal_rows(
    week: &[&SessionSummary],
    base: &[&SessionSummary],
    pool: &[&SessionSummary],
) -> Vec<SignalRow> {
    #[expect(clippy::cast_precision_loss, reason = "counts are small")]
    let overall = {
        let abandoned = pool.iter().filter(|s| s.abandoned).count();
        (abandoned > 0).then(|| abandoned as f64 / pool.len() as f64)
    };
    let fired_in = |list: &[&SessionSummary], id: SignalId| {
        list.iter()
            .filter(|s| s.signals.contains_key(id.code()))
            .count() as u64
    };
    let mut rows: Vec<SignalRow> = SignalId::ALL
        .into_iter()
        .filter_map(|id| {
            let sessions = fired_in(week, id);
            if sessions == 0 {
                return None;
            }
            let fired: Vec<&&SessionSummary> = pool
                .iter()
                .filter(|s| s.signals.contains_key(id.code()))
                .collect();
            let pool_sessions = fired.len() as u64;
            let abandoned_after = fired.iter().filter(|s| s.abandoned).count() as u64;
            let recovered_after = fired.iter().filter(|s| s.recovered).count() as u64;
            #[expect(clippy::cast_precision_loss, reason = "counts are small")]
            let lift = overall.map(|o| round2(abandoned_after as f64 / pool_sessions as f64 / o));
            Some(SignalRow {
                id: id.code().to_owned(),
                name: id.name(),
                sessions,
                firings: week
                    .iter()
                    .map(|s| u64::from(s.signals.get(id.code()).copied().unwrap_or(0)))
                    .sum(),
                baseline_sessions: fired_in(base, id),
                pool_sessions,
                abandoned_after,
                recovered_after,
                lift,
                advice: nudge::headline(id),
            })
        })
        .collect();
    rows.sort_by(|a, b| {
        b.sessions
            .cmp(&a.sessions)
            .then_with(|| b.firings.cmp(&a.firings))
    });
    rows
}

fn recovery_rows(pool: &[&SessionSummary]) -> Vec<RecoveryRow> {
    let mut rows: Vec<RecoveryRow> = RecoveryId::ALL
        .into_iter()
        .filter_map(|id| {
            let used: Vec<&&SessionSummary> = pool
                .iter()
                .filter(|s| s.trouble && s.recoveries_after_trouble.contains_key(id.code()))
                .collect();
            if used.is_empty() {
                return None;
            }
            let worked = used.iter().filter(|s| s.recovered).count() as u64;
            Some(RecoveryRow {
                id: id.code().to_owned(),
                name: id.name(),
                used: used.len() as u64,
                worked,
                share: share(worked, used.len() as u64),
            })
        })
        .collect();
    rows.sort_by(|a, b| {
        b.worked
            .cmp(&a.worked)
            .then_with(|| b.share.unwrap_or(0.0).total_cmp(&a.share.unwrap_or(0.0)))
    });
    rows
}

fn nudge_rows(week: &[&SessionSummary], feedback: &[NudgeFeedback], w: &Window) -> Vec<NudgeRow> {
    let mut by: BTreeMap<String, NudgeRow> = BTreeMap::new();
    for s in week {
        for (sig, n) in &s.nudges {
            by.entry(sig.clone()).or_default().shown += u64::from(*n);
        }
    }
    for f in feedback
        .iter()
        .filter(|f| f.at >= w.since && f.at < w.until)
    {
        let row = by.entry(f.signal.clone()).or_default();
        if f.helpful {
            row.helpful += 1;
        } else {
            row.dismissed += 1;
        }
    }
    let mut total = NudgeRow {
        signal: "all".into(),
        ..NudgeRow::default()
    };
    let mut rows: Vec<NudgeRow> = by
        .into_iter()
        .map(|(signal, mut r)| {
            total.shown += r.shown;
            total.dismissed += r.dismissed;
            total.helpful += r.helpful;
            r.signal = signal;
            r
        })
        .collect();
    rows.sort_by_key(|r| SignalId::parse(&r.signal));
    rows.insert(0, total);
    rows
}

/// Three lines, each from a figure above; candidates in order of how much they say.
fn try_lines(r: &Review, week: &[&SessionSummary], pool: &[&SessionSummary]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    // 1. The stall that most often came before walking away, else the most frequent one. S19
    // (silence after trouble) is how abandonment is recognised, so its lift says nothing new;
    // S18 is the harness, not you.
    let telling = |s: &&SignalRow| s.id != "S19" && s.id != "S18";
    let risky = r
        .signals
        .iter()
        .filter(telling)
        .filter(|s| s.sessions >= 2 && s.lift.is_some_and(|l| l >= 1.5))
        .max_by(|a, b| a.lift.unwrap_or(0.0).total_cmp(&b.lift.unwrap_or(0.0)));
    if let Some(s) = risky {
        out.push(format!(
            "{} ({}) fired in {} this week, and sessions where it fired were abandoned {}× as often as your average. When it shows, {}.",
            s.id,
            s.name,
            format::plural(s.sessions, "session"),
            format::ratio(s.lift.unwrap_or(0.0)),
            lower_first(action_of(s.advice))
        ));
    } else if let Some(s) = r.signals.iter().find(telling) {
        out.push(format!(
            "Your most frequent stall this week was {} ({}), in {}. Next time it shows, {}.",
            s.id,
            s.name,
            format::plural(s.sessions, "session"),
            lower_first(action_of(s.advice))
        ));
    }
    // 2. The recovery move that worked for you, or the absence of any.
    if let Some(m) = r.recoveries.iter().find(|m| m.used >= 2 && m.worked > 0) {
        out.push(format!(
            "\"{}\" ({}) got you out of trouble in {} of {} sessions over five weeks: reach for it as soon as a session starts to stall.",
            capitalise(m.name),
            m.id,
            m.worked,
            m.used
        ));
    } else if r.week.trouble > 0 && r.week.recovered == 0 {
        out.push(format!(
            "None of this week's {} recovered. Next time one stalls, reframe it: a new prompt with the exact symptom, where it happens and how you'll check it's fixed.",
            format::plural(r.week.trouble, "troubled session")
        ));
    }
    // The behaviours that are low where trouble is high, and the system around the model where
    // sessions without it fare clearly worse (both over five weeks, your own sessions only).
    out.extend(lenses::try_behaviours(pool));
    out.extend(lenses::try_around_model(pool));
    // 3. Actions per prompt against your own baseline.
    let (now, before) = (
        r.week.actions_per_prompt_geomean,
        r.baseline.actions_per_prompt_geomean,
    );
    if r.history.enough && r.week.prompts > 0 && before > 0.0 {
        if now < before * 0.8 {
            out.push(format!(
                "Your prompts set off fewer actions this week (geometric mean {} vs {} in your baseline): try one prompt that states the goal and what \"done\" means, then let it run.",
                format::ratio(now),
                format::ratio(before)
            ));
        } else if now > before * 1.25 {
            out.push(format!(
                "Longer action chains this week (geometric mean {} vs {} in your baseline): open the longest in replay and check it was work, not a loop.",
                format::ratio(now),
                format::ratio(before)
            ));
        }
    }
    // 4. The project that struggled most.
    if let Some(p) = r
        .projects
        .iter()
        .filter(|p| p.trouble >= 2 && p.trouble * 2 >= p.sessions)
        .max_by_key(|p| (p.trouble, p.sessions))
    {
        out.push(format!(
            "In {}, {} of {} sessions hit trouble: start the next one there in plan mode (Shift+Tab) and agree the approach before any edits.",
            p.key, p.trouble, p.sessions
        ));
    }
    // 5. A nudge you keep dismissing.
    if let Some(n) = r
        .nudges
        .iter()
        .skip(1)
        .filter(|n| n.dismissed >= 3 && n.helpful == 0)
        .max_by_key(|n| n.dismissed)
    {
        out.push(format!(
            "You dismissed the {} nudge {} times and never marked it helpful: raise its threshold in the config file (`ringside config --print-defaults` lists them).",
            n.signal, n.dismissed
        ));
    }
    // 6. The work mode where sessions were abandoned.
    if let Some(m) = r
        .modes
        .iter()
        .filter(|m| m.abandoned >= 2)
        .max_by_key(|m| m.abandoned)
    {
        out.push(format!(
            "{} of your {} sessions in {} mode were likely abandoned: before the next one, write down what done looks like in the first prompt.",
            m.abandoned, m.sessions, m.key
        ));
    }
    // Fallbacks, still from the data.
    if let Some((s, most)) = week
        .iter()
        .filter_map(|s| s.prompt_actions().max().map(|m| (s, m)))
        .max_by_key(|(s, m)| (*m, std::cmp::Reverse(s.id.clone())))
        .filter(|(_, m)| *m >= 20)
    {
        out.push(format!(
            "Your longest chain this week was {most} actions for one prompt (session {}, `ringside replay {}`): look at where it could have stopped earlier.",
            short_id(&s.id),
            short_id(&s.id)
        ));
    }
    if r.week.sessions > 0 && r.week.trouble == 0 {
        out.push(format!(
            "No session hit trouble in {}: keep writing prompts the way you did, and try one larger task end to end.",
            format::plural(r.week.sessions, "session")
        ));
    }
    if let Some(p) = r.projects.first() {
        out.push(format!(
            "Most of your work was in {} ({} of {}, geometric mean {} actions per prompt): note what made its best session go well.",
            p.key,
            p.sessions,
            format::plural(r.week.sessions, "session"),
            format::ratio(p.actions_per_prompt_geomean)
        ));
    }
    if r.week.sessions == 0 {
        out.push("No sessions in this window: widen it with --since (e.g. --since 30d).".into());
    }
    out.dedup();
    out.truncate(3);
    out
}

fn short_id(id: &str) -> &str {
    id.get(..8).unwrap_or(id)
}

/// The action half of a nudge headline ("Asked twice: add what's missing" gives "add what's
/// missing"); a headline without one is kept whole.
fn action_of(headline: &str) -> &str {
    headline
        .split_once(": ")
        .map_or(headline, |(_, action)| action)
}

fn lower_first(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_lowercase().chain(c).collect())
        .unwrap_or_default()
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}
