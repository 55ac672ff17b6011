//! One session, compacted for the weekly review and its cache: the figures `score --json`
//! reports, the coaching outcome (trouble, recovered, abandoned), which signals fired, which
//! recovery moves were made and which nudges were shown, and per prompt the few numbers the
//! review needs for geometric means, distributions and day-by-day attribution.
//!
//! These are the review's own types (not derives on the pipeline's): the cache stores them as
//! JSON, so every change to their meaning bumps [`SUMMARY_VERSION`]. `ringside export` reads the
//! same summaries (its per-session and per-prompt records are built from them alone), so the
//! per-turn detail it needs is kept here too, with zero fields left out of the cache.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::lenses::SessionLenses;
use crate::core::agents::{Format, ParseStats};
use crate::core::engine::Engine;
use crate::core::event::{EntryPoint, PromptSource};
use crate::core::sanitize;
use crate::core::session::{Session, Tally, WorkMode};
use crate::core::{Millis, engine::ids::SignalId};

/// Version of the summary's meaning. Bump it when the parser, the session model, the engine or
/// this summary change what a transcript summarises to: cached summaries of another version are
/// rebuilt.
pub const SUMMARY_VERSION: u32 = 9;

/// Longest first-prompt excerpt kept (terminal columns).
pub const PROMPT_EXCERPT: usize = 100;

/// Longest first-prompt excerpt a session list shows (`sessions`, terminal columns).
pub const LIST_PROMPT: usize = 120;

/// The session's git branch as a session list shows it: sanitised, and none for an empty one or
/// a detached `HEAD`.
#[must_use]
pub fn list_branch(session: &Session) -> Option<String> {
    session
        .git_branch
        .as_deref()
        .map(|b| sanitize::one_line(b, 200))
        .filter(|b| !b.is_empty() && b != "HEAD")
}

/// The session's first prompt as a session list shows it: one sanitised line of
/// [`LIST_PROMPT`] columns.
#[must_use]
pub fn list_prompt(session: &Session) -> Option<String> {
    session
        .turns
        .iter()
        .find_map(|t| t.prompt.as_ref())
        .map(|p| sanitize::one_line(&p.text, LIST_PROMPT))
}

/// See the module docs. Times are Unix milliseconds (UTC).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SessionSummary {
    /// The session id (the file stem).
    pub id: String,
    /// The main transcript file.
    pub path: String,
    /// The project's working directory, sanitised.
    pub cwd: Option<String>,
    /// A sanitised one-line excerpt of the first prompt.
    pub first_prompt: Option<String>,
    /// The git branch as a session list shows it ([`list_branch`]).
    #[serde(default)]
    pub git_branch: Option<String>,
    /// The first prompt as a session list shows it ([`list_prompt`]).
    #[serde(default)]
    pub list_prompt: Option<String>,
    pub started: Option<i64>,
    pub last: Option<i64>,
    pub mode: Option<WorkMode>,
    /// The agent format the session was read in (its agent: `sessions --json` `agent`).
    #[serde(default)]
    pub format: Format,
    /// The front end that wrote it (`score --json` `session.entry_point`).
    #[serde(default)]
    pub entry_point: Option<EntryPoint>,
    /// The model named last (`score --json` `session.model`), sanitised.
    #[serde(default)]
    pub model: Option<String>,
    /// The main thread's figures (`score --json`'s session `<figures>`).
    #[serde(default)]
    pub totals: Tally,
    /// Human prompts.
    pub prompts: u32,
    /// Successful tool calls of the main thread (`score --json` `session.actions`).
    pub actions: u64,
    pub output_tokens: u64,
    /// Lines added by the main thread (`score --json` `session.lines_added`).
    pub lines_added: u64,
    /// Bytes of the main file read.
    pub bytes: u64,
    /// Failure tier at the end (after the clock caught up).
    pub tier: u8,
    /// Reached failure tier 3 at some point.
    pub trouble: bool,
    /// Number of the first prompt whose turn reached tier 3 (0: before the first prompt).
    pub trouble_turn: Option<u32>,
    /// Troubled, not abandoned, and below tier 3 at the end.
    pub recovered: bool,
    /// Likely abandoned: silence after trouble with nothing written (`abandoned_at`).
    pub abandoned: bool,
    /// Firings per signal code (`S5`).
    pub signals: BTreeMap<String, u32>,
    /// Recovery moves per code (`R4`).
    pub recoveries: BTreeMap<String, u32>,
    /// Recovery moves made from the first troubled turn on, per code.
    pub recoveries_after_trouble: BTreeMap<String, u32>,
    /// Nudges shown per signal code.
    pub nudges: BTreeMap<String, u32>,
    /// One entry per turn (the preamble too, flagged), in order.
    pub turns: Vec<TurnBrief>,
    /// What the review's lenses need: hard signals, stacks, behaviours, the system around the
    /// model, the entry point.
    #[serde(default)]
    pub lenses: SessionLenses,
    /// No time-based rule can change this summary any more: the session has been quiet longer
    /// than every silence threshold. Unsettled summaries are not reused from a cache.
    pub settled: bool,
}

/// The per-turn figures the review needs, then those the export adds (left out of the cache
/// when zero).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TurnBrief {
    /// Whether the turn began with a human prompt (false for work before the first prompt).
    pub prompt: bool,
    /// When the turn started (ms).
    pub at: Option<i64>,
    pub actions: u32,
    pub output_tokens: u64,
    pub lines_added: u64,
    /// 1-based prompt number; 0 for work before the first prompt.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub number: u32,
    /// How the prompt came (typed, queued, a slash command); `None` for the preamble.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<PromptSource>,
    /// The prompt's length in characters (never its text).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub prompt_chars: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration_ms: Option<u64>,
    #[serde(default, skip_serializing_if = "is_zero")]
    pub tool_calls: u32,
    #[serde(default, skip_serializing_if = "is_zero")]
    pub tool_errors: u32,
    #[serde(default, skip_serializing_if = "is_zero")]
    pub failed: u32,
    #[serde(default, skip_serializing_if = "is_zero")]
    pub interrupts: u32,
    #[serde(default, skip_serializing_if = "is_zero")]
    pub model_calls: u32,
    #[serde(default, skip_serializing_if = "is_zero")]
    pub words: u64,
    #[serde(default, skip_serializing_if = "is_zero")]
    pub lines_removed: u64,
    #[serde(default, skip_serializing_if = "is_zero")]
    pub checks_run: u32,
    #[serde(default, skip_serializing_if = "is_zero")]
    pub checks_failed: u32,
    #[serde(default, skip_serializing_if = "is_zero")]
    pub delegated_actions: u64,
    /// Failure tier when the turn closed, and the highest during it.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub tier: u8,
    #[serde(default, skip_serializing_if = "is_zero")]
    pub peak_tier: u8,
    /// Firings per signal code in this turn.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub signals: BTreeMap<String, u32>,
    /// Recovery moves per code in this turn.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub recoveries: BTreeMap<String, u32>,
    /// Nudges shown in this turn: signal code and the line it rested on (how feedback names it).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub nudges: Vec<(String, u64)>,
    /// The lenses, turn by turn: passed commits and tests, and what the prompt was.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub commits: u32,
    #[serde(default, skip_serializing_if = "is_zero")]
    pub tests_passed: u32,
    #[serde(default, skip_serializing_if = "is_false")]
    pub affirmation: bool,
    #[serde(default, skip_serializing_if = "is_false")]
    pub specific: bool,
    #[serde(default, skip_serializing_if = "is_false")]
    pub verification: bool,
    #[serde(default, skip_serializing_if = "is_false")]
    pub correction: bool,
    #[serde(default, skip_serializing_if = "is_false")]
    pub plan_mode: bool,
}

fn is_zero<T: Default + PartialEq>(x: &T) -> bool {
    *x == T::default()
}

#[expect(clippy::trivially_copy_pass_by_ref, reason = "serde's signature")]
fn is_false(b: &bool) -> bool {
    !*b
}

impl SessionSummary {
    /// Summarises a finished session. `engine` must have seen every event and been ticked to
    /// `now` (as `score` does), so silence-based outcomes are decided; `stats` are the main
    /// file's parse stats (they say whether the user's hooks reported).
    #[must_use]
    pub fn new(
        path: &str,
        bytes: u64,
        session: &Session,
        engine: &Engine,
        stats: &ParseStats,
        now: Millis,
    ) -> Self {
        let assessed = engine.assess(session);
        let trouble_index = engine.turns.iter().position(|t| t.peak_tier >= 3);
        let trouble_turn = trouble_index
            .and_then(|i| session.turns.get(i))
            .map(|t| u32::try_from(t.number).unwrap_or(u32::MAX));
        let mut signals = BTreeMap::new();
        for f in &engine.firings {
            *signals.entry(f.signal.code().to_owned()).or_insert(0) += 1;
        }
        let mut recoveries = BTreeMap::new();
        let mut after = BTreeMap::new();
        for r in &engine.recoveries {
            *recoveries.entry(r.recovery.code().to_owned()).or_insert(0) += 1;
            if trouble_index.is_some_and(|t| r.turn >= t) {
                *after.entry(r.recovery.code().to_owned()).or_insert(0) += 1;
            }
        }
        let mut nudges = BTreeMap::new();
        for n in &engine.nudges {
            *nudges.entry(n.signal.code().to_owned()).or_insert(0) += 1;
        }
        let (lenses, turn_lenses) = SessionLenses::with_turns(session, engine, stats);
        let abandoned = engine.abandoned_at.is_some();
        let t = &engine.rules().config.thresholds;
        let quiet_ms = t
            .s19_abandoned_minutes
            .max(t.s19_minutes)
            .max(t.idle_turn_end_seconds / 60.0)
            .max(0.0)
            * 60_000.0;
        #[expect(
            clippy::cast_possible_truncation,
            clippy::cast_sign_loss,
            reason = "validated, small"
        )]
        let quiet_ms = quiet_ms.ceil() as u64;
        let settled = session.last.is_none_or(|l| now.since(l) > quiet_ms);
        // The first prompt as an excerpt and as the session list shows it, cleaned once.
        let (first_prompt, list_prompt) = session
            .turns
            .iter()
            .find_map(|t| t.prompt.as_ref())
            .map(|p| sanitize::one_lines(&p.text, PROMPT_EXCERPT, LIST_PROMPT))
            .unzip();
        Self {
            id: session.id.clone().unwrap_or_default(),
            path: path.to_owned(),
            cwd: session.cwd.as_deref().map(|c| sanitize::one_line(c, 4096)),
            first_prompt,
            git_branch: list_branch(session),
            list_prompt,
            started: session.started.map(|m| m.0),
            last: session.last.map(|m| m.0),
            mode: session.work_mode(),
            format: engine.format(),
            entry_point: session.entry_point,
            model: session.model.as_deref().map(|m| sanitize::one_line(m, 200)),
            totals: session.totals.clone(),
            prompts: u32::try_from(session.prompts()).unwrap_or(u32::MAX),
            actions: u64::from(session.totals.actions),
            output_tokens: session.totals.output_tokens,
            lines_added: session.totals.lines_added,
            bytes,
            tier: assessed.tier,
            trouble: assessed.trouble,
            trouble_turn,
            recovered: assessed.trouble && !abandoned && assessed.tier < 3,
            abandoned,
            signals,
            recoveries,
            recoveries_after_trouble: after,
            nudges,
            turns: session
                .turns
                .iter()
                .enumerate()
                .map(|(i, t)| {
                    let mark = engine.turns.get(i);
                    let lens = turn_lenses.get(i).copied().unwrap_or_default();
                    let mut signals = BTreeMap::new();
                    for f in engine.firings_in(i) {
                        *signals.entry(f.signal.code().to_owned()).or_insert(0) += 1;
                    }
                    let mut recoveries = BTreeMap::new();
                    for r in engine.recoveries.iter().filter(|r| r.turn == i) {
                        *recoveries.entry(r.recovery.code().to_owned()).or_insert(0) += 1;
                    }
                    TurnBrief {
                        prompt: t.prompt.is_some(),
                        at: t.started.map(|m| m.0),
                        actions: t.tally.actions,
                        output_tokens: t.tally.output_tokens,
                        lines_added: t.tally.lines_added,
                        number: u32::try_from(t.number).unwrap_or(u32::MAX),
                        source: t.prompt.as_ref().map(|p| p.source),
                        prompt_chars: t
                            .prompt
                            .as_ref()
                            .map_or(0, |p| u32::try_from(p.len).unwrap_or(u32::MAX)),
                        duration_ms: t.duration_ms(),
                        tool_calls: t.tally.tool_calls,
                        tool_errors: t.tally.tool_errors,
                        failed: t.tally.failed,
                        interrupts: t.tally.interrupts,
                        model_calls: t.tally.model_calls,
                        words: t.tally.words,
                        lines_removed: t.tally.lines_removed,
                        checks_run: t.tally.checks_run,
                        checks_failed: t.tally.checks_failed,
                        delegated_actions: t.tally.delegated_actions,
                        tier: mark.map_or(0, |m| m.tier),
                        peak_tier: mark.map_or(0, |m| m.peak_tier),
                        signals,
                        recoveries,
                        nudges: engine
                            .nudges
                            .iter()
                            .filter(|n| n.turn == i)
                            .map(|n| (n.signal.code().to_owned(), n.at_line.0))
                            .collect(),
                        commits: lens.commits,
                        tests_passed: lens.tests_passed,
                        affirmation: lens.affirmation,
                        specific: lens.specific,
                        verification: lens.verification,
                        correction: lens.correction,
                        plan_mode: lens.plan_mode,
                    }
                })
                .collect(),
            lenses,
            settled,
        }
    }

    /// Signals that fired, as ids, in catalogue order.
    pub fn fired(&self) -> impl Iterator<Item = SignalId> + '_ {
        self.signals.keys().filter_map(|k| SignalId::parse(k))
    }

    /// Actions of each prompted turn.
    pub fn prompt_actions(&self) -> impl Iterator<Item = u32> + '_ {
        self.turns.iter().filter(|t| t.prompt).map(|t| t.actions)
    }

    /// The project's folder name (the last part of the cwd), or `?`.
    #[must_use]
    pub fn project(&self) -> &str {
        self.cwd.as_deref().map_or("?", |c| {
            c.trim_end_matches('/').rsplit('/').next().unwrap_or(c)
        })
    }

    /// The latest moment known (last activity, else the start).
    #[must_use]
    pub fn end(&self) -> Option<i64> {
        self.last.or(self.started)
    }
}
