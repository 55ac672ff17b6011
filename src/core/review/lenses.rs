//! The review through the study's lenses (`study.md`): hard signals, stacks, the work mix, the
//! three behaviours, and the system around the model.
//!
//! Per session, [`SessionLenses`] keeps the few counts these need (computed once, cached with
//! the summary). Per period, [`fill`] adds them up; [`stack_rows`], [`mix_trend`] and the
//! `try_*` functions compare the user's sessions with each other, never with anyone else, and
//! never grade. Every rule here is one a person can check by reading the transcript:
//!
//! - **hard signal present**: a `git commit` that succeeded, a `gh pr create` that succeeded, a
//!   test run that passed, or a prompt (second or later) that opens by affirming the result
//!   ("thanks", "perfect", "works now": the config's `affirmations`). ringside cannot judge
//!   success, so this is not "verified success".
//! - **specific set-up**: a prompt that names a file or path, an identifier (`code`, snake_case,
//!   camelCase, `fn()`, `a::b`, `mod.name`, `--flag`, an issue `#42`, `ABC-12`, `bead-4te`), a
//!   constraint ("must", "without", "do not change") or an acceptance criterion ("done when",
//!   "should return", "until the tests pass").
//! - **asks for verification**: the config's `verification_asks`, or "check that", "verify
//!   that", "make sure the …", "show me the diff".
//! - **correction**: a prompt (second or later) whose first clause corrects the agent (the
//!   config's `corrections`: "no, …", "that's wrong", "still failing").
//! - **the system around the model**: project memory (`CLAUDE.md`, `CLAUDE.local.md`,
//!   `AGENTS.md` read or edited), skills invoked, custom slash commands (commands that expand
//!   into a prompt, other than Claude Code's own), hooks reporting (the user's own, not
//!   ringside's), plan mode (a prompt sent in it, or entering or leaving it).
//!
//! Prompts here are the ones typed (at the prompt or while the agent worked); a slash command's
//! expansion is canned text, not the user setting up a task.

use std::collections::BTreeMap;
use std::sync::LazyLock;

use regex::Regex;
use serde::{Deserialize, Serialize};

use super::summary::SessionSummary;
use super::{round2, share};
use crate::core::Millis;
use crate::core::agents::ParseStats;
use crate::core::checks::{CheckKind, re};
use crate::core::engine::Engine;
use crate::core::engine::text::{self, Lexicons};
use crate::core::event::{EntryPoint, PromptSource};
use crate::core::session::{Session, WorkMode};
use crate::core::stack::{self, Stack};

/// What one session gives the lenses; see the module docs.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct SessionLenses {
    /// Run headless (`claude -p`, an SDK): counted apart, never compared with the study.
    pub headless: bool,
    /// Stack evidence counts (see [`crate::core::stack`]).
    pub stacks: BTreeMap<Stack, u32>,
    /// Commits that succeeded, pull requests opened, test runs that passed, affirming prompts.
    pub commits: u32,
    pub prs: u32,
    pub tests_passed: u32,
    pub affirmations: u32,
    /// Typed prompts (slash commands' expansions out), and of those: specific set-ups, asks
    /// for verification, corrections of the agent.
    pub prompts: u32,
    pub specific: u32,
    pub verification: u32,
    pub corrections: u32,
    /// Project memory files read or edited, skills invoked, custom slash commands run, a hook of
    /// the user's reported, plan mode used (prompts in it plus plan-mode tool calls).
    pub memory: u32,
    pub skills: u32,
    pub commands: u32,
    pub hooks: bool,
    pub plan_mode: u32,
}

/// Claude Code's own slash commands that expand into a prompt: not something the user built.
const BUILT_IN_PROMPT_COMMANDS: &[&str] = &[
    "init",
    "review",
    "security-review",
    "pr-comments",
    "statusline",
    "install-github-app",
    "compact",
    "clear",
];

/// A part of the system around the model.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Around {
    Memory,
    Skills,
    Commands,
    Hooks,
    PlanMode,
}

impl Around {
    pub const ALL: [Around; 5] = [
        Around::Memory,
        Around::Skills,
        Around::Commands,
        Around::Hooks,
        Around::PlanMode,
    ];

    /// The JSON key.
    #[must_use]
    pub fn key(self) -> &'static str {
        match self {
            Around::Memory => "memory",
            Around::Skills => "skills",
            Around::Commands => "commands",
            Around::Hooks => "hooks",
            Around::PlanMode => "plan_mode",
        }
    }

    /// In words.
    #[must_use]
    pub fn phrase(self) -> &'static str {
        match self {
            Around::Memory => "project memory (CLAUDE.md, AGENTS.md)",
            Around::Skills => "skills",
            Around::Commands => "custom slash commands",
            Around::Hooks => "hooks",
            Around::PlanMode => "plan mode",
        }
    }
}

/// What one turn gives the lenses: the same rules as [`SessionLenses`], per turn (the export's
/// per-prompt records). A session's counts are the sums of its turns' (PRs aside: they are
/// counted per session only).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TurnLenses {
    pub commits: u32,
    pub tests_passed: u32,
    /// A typed prompt (second or later) that opens by affirming the result.
    pub affirmation: bool,
    /// A typed prompt that sets the task up specifically.
    pub specific: bool,
    /// A typed prompt that asks for verification.
    pub verification: bool,
    /// A typed prompt (second or later) that corrects the agent.
    pub correction: bool,
    /// Sent in plan mode.
    pub plan_mode: bool,
    /// A custom slash command.
    pub custom_command: bool,
}

impl SessionLenses {
    /// The lenses of a finished session; `engine` for the config's lexicons, `stats` for hooks.
    #[must_use]
    pub fn new(session: &Session, engine: &Engine, stats: &ParseStats) -> Self {
        Self::with_turns(session, engine, stats).0
    }

    /// [`Self::new`], and the same rules turn by turn (one entry per `session.turns`).
    #[must_use]
    pub fn with_turns(
        session: &Session,
        engine: &Engine,
        stats: &ParseStats,
    ) -> (Self, Vec<TurnLenses>) {
        let lex = &engine.rules().lex;
        let f = &session.footprint;
        let mut l = SessionLenses {
            headless: session.entry_point.is_some_and(EntryPoint::is_headless),
            stacks: f.stacks.clone(),
            prs: f.prs,
            memory: f.memory_reads + f.memory_edits,
            skills: f.skills,
            hooks: stats.user_hooks || session.hook_blocks > 0,
            plan_mode: session.mode_evidence.plan_calls,
            ..SessionLenses::default()
        };
        let mut turns = Vec::with_capacity(session.turns.len());
        for t in &session.turns {
            let mut tl = TurnLenses::default();
            for c in &t.checks {
                match (c.kind, c.passed) {
                    (CheckKind::Commit, true) => tl.commits += 1,
                    (CheckKind::Test, true) => tl.tests_passed += 1,
                    _ => {}
                }
            }
            if let Some(p) = &t.prompt {
                tl.plan_mode = p.plan_mode;
                if p.source == PromptSource::Command {
                    tl.custom_command = is_custom_command(&p.text);
                } else {
                    l.prompts += 1;
                    tl.specific = is_specific(&p.text);
                    tl.verification = asks_verification(lex, &p.text);
                    if t.number >= 2 {
                        let typed = typed_text(&p.text);
                        if lex.correction_in(&typed) {
                            tl.correction = true;
                        } else if lex.affirmation_in(&typed) {
                            tl.affirmation = true;
                        }
                    }
                }
            }
            l.commits += tl.commits;
            l.tests_passed += tl.tests_passed;
            l.plan_mode += u32::from(tl.plan_mode);
            l.commands += u32::from(tl.custom_command);
            l.specific += u32::from(tl.specific);
            l.verification += u32::from(tl.verification);
            l.corrections += u32::from(tl.correction);
            l.affirmations += u32::from(tl.affirmation);
            turns.push(tl);
        }
        (l, turns)
    }

    /// A commit or PR that succeeded, a test run that passed, or the user's yes.
    #[must_use]
    pub fn hard_signal(&self) -> bool {
        self.commits + self.prs + self.tests_passed + self.affirmations > 0
    }

    /// The parts of the system around the model in play.
    pub fn around(&self) -> impl Iterator<Item = Around> + '_ {
        Around::ALL.into_iter().filter(|a| match a {
            Around::Memory => self.memory > 0,
            Around::Skills => self.skills > 0,
            Around::Commands => self.commands > 0,
            Around::Hooks => self.hooks,
            Around::PlanMode => self.plan_mode > 0,
        })
    }

    /// Any part of the system around the model in play.
    #[must_use]
    pub fn any_around(&self) -> bool {
        self.around().next().is_some()
    }

    /// The stacks the session worked in, most evidence first.
    #[must_use]
    pub fn main_stacks(&self) -> Vec<Stack> {
        stack::main_stacks(&self.stacks)
    }
}

/// [`text::human_text`], borrowed where it would change nothing (one line, no fence, not
/// indented or quoted): most prompts.
fn typed_text(prompt: &str) -> std::borrow::Cow<'_, str> {
    let plain = !prompt.contains('\n')
        && !prompt.contains("```")
        && !prompt.starts_with("    ")
        && !prompt.starts_with('\t')
        && !prompt.trim_start().starts_with('>');
    if plain {
        std::borrow::Cow::Borrowed(prompt)
    } else {
        std::borrow::Cow::Owned(text::human_text(prompt))
    }
}

/// A slash command's prompt (`/name args`) that is not one of Claude Code's own.
fn is_custom_command(text: &str) -> bool {
    let name = text.split_whitespace().next().unwrap_or("");
    let name = name.trim_start_matches('/');
    !name.is_empty() && !BUILT_IN_PROMPT_COMMANDS.contains(&name)
}

// ASCII classes and ASCII case folding throughout (but for text in backticks): compiling Unicode
// classes costs more than scanning the prompts.
static FILE: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r#"(?:^|[ \t\r\n`'"(\[])(?:~|\.{1,2})?/[0-9A-Za-z_.-]+(?:/[0-9A-Za-z_.-]*)*|(?:^|[ \t\r\n`'"(\[])(?:[0-9A-Za-z_.-]+/)+[0-9A-Za-z_.-]*\.[A-Za-z0-9]{1,6}\b|\b[0-9A-Za-z_-]+\.(?:rs|py|ts|tsx|js|jsx|mjs|go|rb|ex|exs|heex|java|kt|c|h|cc|cpp|hpp|cs|swift|php|dart|toml|json|ya?ml|md|sql|sh|css|scss|html|vue|svelte|lock|env|ini|cfg|xml|proto|tf)\b"#,
    )
});
static IDENT: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"`[^`\n]+`|\b[a-z][a-z0-9]*_[a-z0-9_]+\b|\b[a-z]+[A-Z][0-9A-Za-z_]*\b|\b[A-Z][a-z0-9]+[A-Z][0-9A-Za-z_]*\b|\b[0-9A-Za-z_]+\(\)|\b[0-9A-Za-z_]+::[0-9A-Za-z_]+|\b[a-z_][a-z0-9_]+\.[a-z_][a-z0-9_]+\b|(?:^|(?-u:\s))--[a-z][0-9A-Za-z_-]+|#\d+\b|\b[A-Z][A-Z0-9]+-\d+\b|\b[a-z]+(?:-[a-z0-9]+)*-[a-z]*\d[a-z0-9]*\b",
    )
});
static CONSTRAINT: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i-u)\b(?:must(?:n'?t| not)?|never|without|instead of|at (?:most|least)|no more than|backwards?[ -]compatible|(?:do not|don'?t) (?:change|touch|modify|edit|add|remove|delete|use|break|rename|commit|push|create|introduce|call))\b",
    )
});
static ACCEPTANCE: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i-u)\b(?:done when|so that|acceptance|expected|should (?:pass|return|print|show|output|render|equal|match|compile|fail|be)|until (?:the |all )?(?:tests?|build|checks?|it) (?:pass|passes|compiles|works)|make (?:the |all )?(?:tests?|build|checks?) pass|(?:tests?|build|ci|checks?) (?:pass|passes|green|stays? green))\b",
    )
});
static VERIFY: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i-u)\b(?:check (?:that|whether|if)|verify (?:that|whether|it|the)|make sure (?:that|it|the|all)|confirm (?:that|it)|show (?:me )?(?:the )?(?:diff|output|logs?|test output)|git diff)\b",
    )
});

/// The prompt sets the task up specifically: it names a file or path, an identifier, a
/// constraint or an acceptance criterion (see the module docs).
#[must_use]
pub fn is_specific(prompt: &str) -> bool {
    let b = prompt.as_bytes();
    let lower = prompt.to_ascii_lowercase();
    (may_name_file(b) && FILE.is_match(prompt))
        || (may_name_ident(b) && IDENT.is_match(prompt))
        || (CONSTRAINT_WORDS.iter().any(|w| lower.contains(w)) && CONSTRAINT.is_match(prompt))
        || (ACCEPTANCE_WORDS.iter().any(|w| lower.contains(w)) && ACCEPTANCE.is_match(prompt))
}

/// The prompt asks for something to be verified.
#[must_use]
pub fn asks_verification(lex: &Lexicons, prompt: &str) -> bool {
    lex.asks_verification(prompt) || (may_ask_to_verify(prompt) && VERIFY.is_match(prompt))
}

// Byte tests that rule the patterns above out before they run, each a necessary condition of its
// pattern (held to it by tests over tricky text and every corpus string: [`unfiltered`]). The
// word lists hold a piece of every alternative; the worded patterns fold ASCII case only
// (`(?i-u)`), so the prompt's ASCII lowercase can be searched whatever else it holds.

/// [`FILE`]: a path needs a `/`, a bare file name a `.` before its (lowercase) extension.
fn may_name_file(b: &[u8]) -> bool {
    memchr::memchr(b'/', b).is_some()
        || b.windows(2)
            .any(|w| w[0] == b'.' && w[1].is_ascii_lowercase())
}

/// [`IDENT`]: a backtick, `_`, `()`, `::`, `--`, `#` or `-`, a `.` between lowercase words, or a
/// lowercase letter or digit before a capital.
fn may_name_ident(b: &[u8]) -> bool {
    b.iter()
        .any(|c| matches!(c, b'`' | b'_' | b'(' | b':' | b'#' | b'-'))
        || b.windows(2)
            .any(|w| matches!(w[0], b'a'..=b'z' | b'0'..=b'9') && w[1].is_ascii_uppercase())
        || b.windows(3).any(|w| {
            matches!(w[0], b'a'..=b'z' | b'0'..=b'9' | b'_')
                && w[1] == b'.'
                && matches!(w[2], b'a'..=b'z' | b'_')
        })
}

const CONSTRAINT_WORDS: &[&str] = &[
    "must",
    "never",
    "without",
    "instead of",
    "at most",
    "at least",
    "no more than",
    "backward",
    "do not",
    "don",
];
const ACCEPTANCE_WORDS: &[&str] = &[
    "done when",
    "so that",
    "acceptance",
    "expected",
    "should ",
    "until ",
    "make ",
    " pass",
    " green",
];

/// [`VERIFY`]: one of its verbs.
fn may_ask_to_verify(prompt: &str) -> bool {
    let lower = prompt.to_ascii_lowercase();
    [
        "check ",
        "verify ",
        "make sure ",
        "confirm ",
        "show ",
        "git diff",
    ]
    .iter()
    .any(|w| lower.contains(w))
}

/// [`is_specific`] and the pattern half of [`asks_verification`] with every pattern run, none
/// ruled out by a byte test: what the byte tests must never change. Not for use outside tests.
#[doc(hidden)]
pub mod unfiltered {
    use super::{ACCEPTANCE, CONSTRAINT, FILE, IDENT, VERIFY};

    /// Each pattern's answer with its byte test and without: (name, filtered, unfiltered).
    #[must_use]
    pub fn each(t: &str) -> [(&'static str, bool, bool); 5] {
        let lower = t.to_ascii_lowercase();
        let words = |ws: &[&str]| ws.iter().any(|w| lower.contains(w));
        let b = t.as_bytes();
        [
            (
                "file",
                super::may_name_file(b) && FILE.is_match(t),
                FILE.is_match(t),
            ),
            (
                "ident",
                super::may_name_ident(b) && IDENT.is_match(t),
                IDENT.is_match(t),
            ),
            (
                "constraint",
                words(super::CONSTRAINT_WORDS) && CONSTRAINT.is_match(t),
                CONSTRAINT.is_match(t),
            ),
            (
                "acceptance",
                words(super::ACCEPTANCE_WORDS) && ACCEPTANCE.is_match(t),
                ACCEPTANCE.is_match(t),
            ),
            (
                "verify",
                super::may_ask_to_verify(t) && VERIFY.is_match(t),
                VERIFY.is_match(t),
            ),
        ]
    }

    /// [`super::is_specific`].
    #[must_use]
    pub fn is_specific(t: &str) -> bool {
        FILE.is_match(t) || IDENT.is_match(t) || CONSTRAINT.is_match(t) || ACCEPTANCE.is_match(t)
    }
}

// -- per period ------------------------------------------------------------------------------

/// Sessions with each kind of hard signal (a session can have several).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct HardSignals {
    pub commit: u64,
    pub pr: u64,
    pub test_passed: u64,
    pub affirmation: u64,
}

/// One work mode's share of sessions.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MixShare {
    pub mode: String,
    pub sessions: u64,
    pub share: Option<f64>,
}

/// The three behaviours the study found separate experts, as counts (never a grade).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Behaviours {
    /// Typed prompts.
    pub prompts: u64,
    pub specific: u64,
    pub specific_share: Option<f64>,
    pub verification: u64,
    pub verification_share: Option<f64>,
    pub corrections: u64,
    pub corrections_per_session: Option<f64>,
}

/// How a group of sessions fared.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Outcomes {
    pub sessions: u64,
    pub trouble: u64,
    pub abandoned: u64,
    /// Of the troubled sessions.
    pub abandoned_share: Option<f64>,
    pub hard_signal: u64,
    /// Of the sessions.
    pub hard_signal_share: Option<f64>,
}

impl Outcomes {
    fn of<'a>(sessions: impl Iterator<Item = &'a SessionSummary>) -> Self {
        let mut o = Outcomes::default();
        for s in sessions {
            o.sessions += 1;
            o.trouble += u64::from(s.trouble);
            o.abandoned += u64::from(s.abandoned);
            o.hard_signal += u64::from(s.lenses.hard_signal());
        }
        o.abandoned_share = share(o.abandoned, o.trouble);
        o.hard_signal_share = share(o.hard_signal, o.sessions);
        o
    }
}

/// The system around the model: sessions with each part in play, and outcomes with and without.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct AroundModel {
    /// Sessions with any part in play, and their share.
    pub sessions: u64,
    pub share: Option<f64>,
    pub memory: u64,
    pub skills: u64,
    pub commands: u64,
    pub hooks: u64,
    pub plan_mode: u64,
    pub with: Outcomes,
    pub without: Outcomes,
}

/// Headless and SDK sessions, counted apart.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Headless {
    pub sessions: u64,
    pub prompts: u64,
    pub actions: u64,
}

impl Headless {
    /// Counts headless sessions.
    #[must_use]
    pub fn of(sessions: &[&SessionSummary]) -> Self {
        let mut h = Headless::default();
        for s in sessions {
            h.sessions += 1;
            h.prompts += u64::from(s.prompts);
            h.actions += s.actions;
        }
        h
    }
}

/// The lens figures of a period.
pub(super) struct PeriodLenses {
    pub hard_signal: u64,
    pub hard_signal_share: Option<f64>,
    pub hard_signals: HardSignals,
    pub work_mix: Vec<MixShare>,
    pub behaviours: Behaviours,
    pub around_model: AroundModel,
}

/// The lens figures of a period's sessions.
pub(super) fn period(sessions: &[&SessionSummary]) -> PeriodLenses {
    let n = sessions.len() as u64;
    let mut hs = HardSignals::default();
    let mut b = Behaviours::default();
    let mut a = AroundModel::default();
    for s in sessions {
        let l = &s.lenses;
        hs.commit += u64::from(l.commits > 0);
        hs.pr += u64::from(l.prs > 0);
        hs.test_passed += u64::from(l.tests_passed > 0);
        hs.affirmation += u64::from(l.affirmations > 0);
        b.prompts += u64::from(l.prompts);
        b.specific += u64::from(l.specific);
        b.verification += u64::from(l.verification);
        b.corrections += u64::from(l.corrections);
        for part in l.around() {
            *match part {
                Around::Memory => &mut a.memory,
                Around::Skills => &mut a.skills,
                Around::Commands => &mut a.commands,
                Around::Hooks => &mut a.hooks,
                Around::PlanMode => &mut a.plan_mode,
            } += 1;
        }
    }
    b.specific_share = share(b.specific, b.prompts);
    b.verification_share = share(b.verification, b.prompts);
    #[expect(clippy::cast_precision_loss, reason = "counts are small")]
    let per_session = (n > 0).then(|| round2(b.corrections as f64 / n as f64));
    b.corrections_per_session = per_session;
    a.with = Outcomes::of(sessions.iter().copied().filter(|s| s.lenses.any_around()));
    a.without = Outcomes::of(sessions.iter().copied().filter(|s| !s.lenses.any_around()));
    a.sessions = a.with.sessions;
    a.share = share(a.sessions, n);
    let hard = sessions.iter().filter(|s| s.lenses.hard_signal()).count() as u64;
    PeriodLenses {
        hard_signal: hard,
        hard_signal_share: share(hard, n),
        hard_signals: hs,
        work_mix: mix(sessions, &modes_of(sessions.iter().copied())),
        behaviours: b,
        around_model: a,
    }
}

/// A session's work-mode key (`unknown` without tool calls).
fn mode_key(s: &SessionSummary) -> &'static str {
    s.mode.map_or("unknown", WorkMode::label)
}

/// The mode keys present, in the work-mode order, `unknown` last.
fn modes_of<'a>(sessions: impl Iterator<Item = &'a SessionSummary>) -> Vec<&'static str> {
    let mut modes: Vec<Option<WorkMode>> = sessions.map(|s| s.mode).collect();
    // `None` sorts first; it goes last.
    modes.sort_by_key(|m| (m.is_none(), *m));
    modes.dedup();
    modes
        .into_iter()
        .map(|m| m.map_or("unknown", WorkMode::label))
        .collect()
}

fn mix(sessions: &[&SessionSummary], modes: &[&'static str]) -> Vec<MixShare> {
    let n = sessions.len() as u64;
    modes
        .iter()
        .map(|m| {
            let k = sessions.iter().filter(|s| mode_key(s) == *m).count() as u64;
            MixShare {
                mode: (*m).to_owned(),
                sessions: k,
                share: share(k, n),
            }
        })
        .collect()
}

/// One week of the work-mix trend.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MixWeek {
    pub since: Millis,
    pub until: Millis,
    /// The reviewed period (the last entry), else a baseline week.
    pub in_window: bool,
    pub sessions: u64,
    /// Every mode seen in any of the weeks, in the same order in each.
    pub mix: Vec<MixShare>,
}

/// The work mix of each baseline week (seven days back from the period's start, oldest first;
/// a baseline session belongs to the week it was last active in), then of the period.
pub(super) fn mix_trend(
    base: &[&SessionSummary],
    week: &[&SessionSummary],
    w: &super::Window,
) -> Vec<MixWeek> {
    const WEEK: i64 = 7 * 86_400_000;
    let span = w.since.0.saturating_sub(w.baseline_since.0);
    let weeks = ((span + WEEK / 2) / WEEK).max(1);
    let modes = modes_of(base.iter().chain(week.iter()).copied());
    let mut out: Vec<MixWeek> = (0..weeks)
        .rev()
        .map(|k| {
            let until = w.since.0 - k * WEEK;
            let since = if k + 1 == weeks {
                w.baseline_since.0
            } else {
                until - WEEK
            };
            let list: Vec<&SessionSummary> = base
                .iter()
                .copied()
                .filter(|s| {
                    let at = s
                        .end()
                        .unwrap_or(0)
                        .clamp(w.baseline_since.0, w.since.0 - 1);
                    at >= since && at < until
                })
                .collect();
            MixWeek {
                since: Millis(since),
                until: Millis(until),
                in_window: false,
                sessions: list.len() as u64,
                mix: mix(&list, &modes),
            }
        })
        .collect();
    out.push(MixWeek {
        since: w.since,
        until: w.until,
        in_window: true,
        sessions: week.len() as u64,
        mix: mix(week, &modes),
    });
    out
}

// -- by stack --------------------------------------------------------------------------------

/// One stack's figures this period, and over five weeks against the rest.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StackRow {
    pub stack: &'static str,
    pub sessions: u64,
    pub prompts: u64,
    pub actions: u64,
    /// `actions / prompts`, and the study's geometric mean.
    pub actions_per_prompt: f64,
    pub actions_per_prompt_geomean: f64,
    pub trouble: u64,
    pub recovered: u64,
    pub abandoned: u64,
    /// Of the troubled sessions.
    pub recovered_share: Option<f64>,
    pub abandoned_share: Option<f64>,
    pub hard_signal: u64,
    /// Of the sessions.
    pub hard_signal_share: Option<f64>,
    /// This stack's sessions over the period and baseline together, and every other session
    /// of those five weeks: what [`Self::note`] compares.
    pub five_weeks: Outcomes,
    pub elsewhere: Outcomes,
    /// One line where this stack differs clearly from the rest, else null.
    pub note: Option<String>,
}

/// A row per stack the period's sessions worked in, most sessions first.
pub(super) fn stack_rows(week: &[&SessionSummary], pool: &[&SessionSummary]) -> Vec<StackRow> {
    let stacks_of: Vec<(&SessionSummary, Vec<Stack>)> =
        pool.iter().map(|s| (*s, s.lenses.main_stacks())).collect();
    let in_stack = |s: &SessionSummary, st: Stack| s.lenses.main_stacks().contains(&st);
    let mut rows: Vec<StackRow> = Stack::ALL
        .into_iter()
        .filter_map(|st| {
            let list: Vec<&SessionSummary> =
                week.iter().copied().filter(|s| in_stack(s, st)).collect();
            if list.is_empty() {
                return None;
            }
            let p = super::Period::of(&list);
            let five_weeks = Outcomes::of(
                stacks_of
                    .iter()
                    .filter(|(_, v)| v.contains(&st))
                    .map(|(s, _)| *s),
            );
            let elsewhere = Outcomes::of(
                stacks_of
                    .iter()
                    .filter(|(_, v)| !v.contains(&st))
                    .map(|(s, _)| *s),
            );
            Some(StackRow {
                stack: st.label(),
                sessions: p.sessions,
                prompts: p.prompts,
                actions: p.actions,
                actions_per_prompt: round2(ratio(p.actions, p.prompts)),
                actions_per_prompt_geomean: p.actions_per_prompt_geomean,
                trouble: p.trouble,
                recovered: p.recovered,
                abandoned: p.abandoned,
                recovered_share: p.recovered_share,
                abandoned_share: p.abandoned_share,
                hard_signal: p.hard_signal,
                hard_signal_share: p.hard_signal_share,
                note: stack_note(st, &five_weeks, &elsewhere),
                five_weeks,
                elsewhere,
            })
        })
        .collect();
    rows.sort_by(|a, b| b.sessions.cmp(&a.sessions).then(a.stack.cmp(b.stack)));
    rows
}

#[expect(clippy::cast_precision_loss, reason = "counts are small")]
fn ratio(num: u64, den: u64) -> f64 {
    if den == 0 {
        0.0
    } else {
        num as f64 / den as f64
    }
}

/// Where a stack differs clearly from the rest over five weeks: troubled sessions abandoned
/// more often (3+ troubled each side, 2+ abandoned, 20 points apart), else fewer sessions with a
/// hard signal (5+ sessions each side, 25 points apart), else more sessions in trouble (the same).
fn stack_note(st: Stack, s: &Outcomes, o: &Outcomes) -> Option<String> {
    let name = st.label();
    if s.trouble >= 3
        && o.trouble >= 3
        && s.abandoned >= 2
        && ratio(s.abandoned, s.trouble) >= ratio(o.abandoned, o.trouble) + 0.2
    {
        return Some(format!(
            "In {name} sessions you abandoned {} of {} troubled sessions over five weeks, against {} of {} elsewhere: plan first there (plan mode, Shift+Tab) and agree the approach before any edits.",
            s.abandoned, s.trouble, o.abandoned, o.trouble
        ));
    }
    if s.sessions < 5 || o.sessions < 5 {
        return None;
    }
    if ratio(s.hard_signal, s.sessions) + 0.25 <= ratio(o.hard_signal, o.sessions) {
        return Some(format!(
            "In {name} sessions {} of {} ended with a hard signal (a commit, a passing test or your yes) over five weeks, against {} of {} elsewhere: say in the first prompt which test or command proves the work there.",
            s.hard_signal, s.sessions, o.hard_signal, o.sessions
        ));
    }
    if s.trouble >= 3 && ratio(s.trouble, s.sessions) >= ratio(o.trouble, o.sessions) + 0.25 {
        return Some(format!(
            "{} of your {} {name} sessions hit trouble over five weeks, against {} of {} elsewhere: name the file and the behaviour you expect up front there.",
            s.trouble, s.sessions, o.trouble, o.sessions
        ));
    }
    None
}

// -- try this week -----------------------------------------------------------------------------

/// Lines for where a behaviour is low in the sessions that hit trouble, against the user's own
/// other sessions over five weeks: at least 3 troubled sessions, 10 prompts each side, and a
/// share at least 15 points and a quarter lower.
pub(super) fn try_behaviours(pool: &[&SessionSummary]) -> Vec<String> {
    let troubled: Vec<&SessionLenses> = pool
        .iter()
        .filter(|s| s.trouble)
        .map(|s| &s.lenses)
        .collect();
    let smooth: Vec<&SessionLenses> = pool
        .iter()
        .filter(|s| !s.trouble)
        .map(|s| &s.lenses)
        .collect();
    let sum = |v: &[&SessionLenses], f: fn(&SessionLenses) -> u32| -> u64 {
        v.iter().map(|l| u64::from(f(l))).sum()
    };
    let (tp, sp) = (sum(&troubled, |l| l.prompts), sum(&smooth, |l| l.prompts));
    if troubled.len() < 3 || tp < 10 || sp < 10 {
        return Vec::new();
    }
    let low = |t: u64, s: u64| {
        let (a, b) = (ratio(t, tp), ratio(s, sp));
        a + 0.15 <= b && a <= b * 0.75
    };
    let mut out = Vec::new();
    let (t, s) = (sum(&troubled, |l| l.specific), sum(&smooth, |l| l.specific));
    if low(t, s) {
        out.push(format!(
            "In your sessions that hit trouble, {t} of {tp} prompts named a file, an identifier, a constraint or what done looks like, against {s} of {sp} in the others (five weeks): open the next task with the file, the constraint and how you'll check it."
        ));
    }
    let (t, s) = (
        sum(&troubled, |l| l.verification),
        sum(&smooth, |l| l.verification),
    );
    if low(t, s) {
        out.push(format!(
            "In your sessions that hit trouble, {t} of {tp} prompts asked for a check (run the tests, show the diff, check that …), against {s} of {sp} in the others (five weeks): when a session starts to stall, ask for the check that would prove it works."
        ));
    }
    out
}

/// A line when the user's own sessions without any part of the system around the model fared
/// clearly worse over five weeks: a hard signal 20 points less often (5+ sessions each side), or
/// troubled sessions abandoned 20 points more often (3+ troubled each side, 2+ abandoned).
pub(super) fn try_around_model(pool: &[&SessionSummary]) -> Option<String> {
    let with: Vec<&SessionSummary> = pool
        .iter()
        .copied()
        .filter(|s| s.lenses.any_around())
        .collect();
    let without: Vec<&SessionSummary> = pool
        .iter()
        .copied()
        .filter(|s| !s.lenses.any_around())
        .collect();
    let (w, o) = (
        Outcomes::of(with.iter().copied()),
        Outcomes::of(without.iter().copied()),
    );
    // The part most often in play, to name it.
    let most = Around::ALL
        .into_iter()
        .map(|a| {
            let n = with
                .iter()
                .filter(|s| s.lenses.around().any(|x| x == a))
                .count();
            (n, std::cmp::Reverse(a))
        })
        .max()
        .map(|(_, std::cmp::Reverse(a))| a)?;
    let advice = match most {
        Around::Memory => {
            "give the projects without one a CLAUDE.md that says how to build, test and check the work"
        }
        Around::Skills | Around::Commands => {
            "reach for the skill or command you already have before typing the task out"
        }
        Around::Hooks => "add the hook that checks your work to the projects that lack it",
        Around::PlanMode => "start the next session in plan mode (Shift+Tab)",
    };
    if w.sessions >= 5
        && o.sessions >= 5
        && ratio(o.hard_signal, o.sessions) + 0.2 <= ratio(w.hard_signal, w.sessions)
    {
        return Some(format!(
            "Sessions with {} or other help around the model ended with a hard signal {} of {} times over five weeks, against {} of {} without any: {advice}.",
            most.phrase(),
            w.hard_signal,
            w.sessions,
            o.hard_signal,
            o.sessions
        ));
    }
    if w.trouble >= 3
        && o.trouble >= 3
        && o.abandoned >= 2
        && ratio(o.abandoned, o.trouble) >= ratio(w.abandoned, w.trouble) + 0.2
    {
        return Some(format!(
            "Troubled sessions without project memory, skills, commands, hooks or plan mode were abandoned {} of {} times over five weeks, against {} of {} with them: {advice}.",
            o.abandoned, o.trouble, w.abandoned, w.trouble
        ));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn specific_set_ups_name_a_file_an_identifier_a_constraint_or_done() {
        let yes = [
            "add a parser case for empty input in src/parse.rs",
            "the bug is in Cargo.toml",
            "rename `load_config` to Settings::load",
            "make parseHeader handle tabs",
            "call render() twice",
            "add a --dry-run flag",
            "do it without touching the public API",
            "do not change the schema",
            "refactor the cache; done when the tests pass",
            "it should return 404 for a missing id",
            "look at ./scripts",
            "mix phx.server doesnt seem to start",
            "work on bead spotter-4te",
            "fix #42",
            "PROJ-118 is back",
        ];
        for p in yes {
            assert!(is_specific(p), "{p}");
        }
        let no = [
            "fix it",
            "make it faster please",
            "why is this slow?",
            "yes go ahead",
            "I don't know what happened",
            "and/or whatever works",
            "try again",
            "a well-known follow-up, e.g. this",
            "works.",
        ];
        for p in no {
            assert!(!is_specific(p), "{p}");
        }
    }

    /// Every filtered answer equals the unfiltered one on `t`.
    fn assert_prefilters_agree(t: &str) {
        for (name, filtered, all) in unfiltered::each(t) {
            assert_eq!(filtered, all, "{name} on {t:?}");
        }
        assert_eq!(is_specific(t), unfiltered::is_specific(t), "{t:?}");
    }

    #[test]
    fn prefilters_never_change_a_result_on_tricky_text() {
        let hits = [
            "src/a.rs",
            "Cargo.TOML or a.rs",
            "~/notes",
            "x.py",
            "`x`",
            "snake_case",
            "parseLine",
            "Http2Client",
            "A1b2C",
            "render()",
            "std::fs",
            "self.value",
            "--dry-run",
            "fix #42",
            "PROJ-118",
            "spotter-4te",
            "MUST NOT",
            "Don't Change it",
            "DONT touch",
            "backwards-compatible",
            "At Least twice",
            "No More Than 3",
            "SO THAT it works",
            "until the tests pass",
            "make all checks pass",
            "ci green",
            "the tests pass",
            "Build Passes",
            "tests stay green",
            "Expected 3",
            "Should Return 4",
            "CHECK THAT it runs",
            "Verify it",
            "MAKE SURE all",
            "confirm that",
            "Show Me The Diff",
            "git diff please",
            "É must be kept",
        ];
        // Whether or not these match (ASCII case folding only: the long s and the Kelvin sign are
        // not `s` and `k`), filtered and unfiltered agree.
        let misses = [
            "",
            " ",
            "fix it",
            "works.",
            "a well-known follow-up, e.g. this",
            "mu\u{17f}t not",
            "chec\u{212a} that",
            "ABC",
            "a .b",
            "a._",
            "Done When",
            "check\tthat",
            "make it faster",
            "日本 .rs",
        ];
        for t in hits.iter().chain(&misses) {
            assert_prefilters_agree(t);
        }
        let none: Vec<_> = hits
            .iter()
            .filter(|t| !unfiltered::each(t).iter().any(|(_, _, m)| *m))
            .collect();
        assert!(none.is_empty(), "{none:?}");
    }

    proptest::proptest! {
        #[test]
        fn prefilters_never_change_a_result(
            t in "(must|MUST|never|without|instead of|at |most|least|no more than|backward|s|-|compatible|do|not|don|'|t|change|done|when|so that|acceptance|expected|should|pass|until|make|tests?|build|ci|green|stay|check|that|verify|it|sure|confirm|show|me|the|diff|git|\\.|/|~|`|_|\\(\\)|::|#|[0-9]|[a-z]|[A-Z]|[ \t\n]|é|\u{17f}|\u{212a}|rs|py|toml){0,14}"
        ) {
            assert_prefilters_agree(&t);
        }
    }

    #[test]
    fn verification_asks() {
        let lex = crate::core::engine::Rules::shared_default();
        for p in [
            "run the tests",
            "check that the migration is reversible",
            "show me the diff",
            "make sure the build still works",
            "did you actually run it?",
        ] {
            assert!(asks_verification(&lex.lex, p), "{p}");
        }
        for p in [
            "add the endpoint",
            "check the docs for the syntax",
            "make it work",
        ] {
            assert!(!asks_verification(&lex.lex, p), "{p}");
        }
    }

    #[test]
    fn typed_text_is_human_text() {
        for p in [
            "no, use the other one",
            "    indented paste",
            "> quoted",
            "\tstack line",
            "thanks\n    at foo.rs:3",
            "see ```x``` here",
            "",
        ] {
            assert_eq!(typed_text(p), text::human_text(p), "{p:?}");
        }
    }

    #[test]
    fn custom_commands_are_not_claude_codes_own() {
        assert!(is_custom_command("/ship-it now"));
        assert!(is_custom_command("/handgemacht:create-beads"));
        assert!(!is_custom_command("/init"));
        assert!(!is_custom_command("/review 42"));
        assert!(!is_custom_command(""));
    }
}
