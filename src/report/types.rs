//! The JSON contract of `ringside score --json`. Field names and meanings here are documented in
//! the README ("JSON output") and only grow: a field is never renamed or removed without bumping
//! [`SCHEMA`].

use std::collections::BTreeMap;
use std::sync::Arc;

use serde::Serialize;

use crate::core::agents::{Format, ParseStats, Skip};
use crate::core::checks::CheckKind;
use crate::core::engine::ids::{RecoveryId, SignalId};
use crate::core::engine::{Engine, Nudge, RiskView};
use crate::core::event::{EntryPoint, PromptSource};
use crate::core::sanitize;
use crate::core::session::{Compaction, Session, Tally, Turn, WorkMode};
use crate::core::view::View;
use crate::core::{LineNo, Millis};
use crate::source::read::ReadSession;

/// Version of this JSON shape.
pub const SCHEMA: u32 = 2;
/// Longest prompt excerpt in reports (terminal columns).
pub const EXCERPT: usize = 200;

/// The whole `score --json` document.
#[derive(Debug, Clone, Serialize)]
pub struct ScoreReport {
    pub schema: u32,
    pub file: String,
    pub session: SessionFigures,
    pub turns: Vec<TurnFigures>,
    pub subagents: Vec<SubagentReport>,
    pub skipped: Skipped,
    pub warnings: Vec<String>,
    /// The moment the time-based rules were evaluated at.
    pub evaluated_at: Option<Millis>,
}

/// Counts shared by the session, each turn and each sub-agent.
#[derive(Debug, Clone, Serialize)]
pub struct Figures {
    pub tool_calls: u32,
    pub tool_errors: u32,
    pub actions: u32,
    pub failed: u32,
    pub cancelled: u32,
    pub blocked: u32,
    pub rejections: u32,
    pub interrupts: u32,
    pub model_calls: u32,
    pub output_tokens: u64,
    pub words: u64,
    pub lines_added: u64,
    pub lines_removed: u64,
    pub checks_run: u32,
    pub checks_failed: u32,
    pub delegated_actions: u64,
    pub api_errors: u32,
}

impl From<&Tally> for Figures {
    fn from(t: &Tally) -> Self {
        Self {
            tool_calls: t.tool_calls,
            tool_errors: t.tool_errors,
            actions: t.actions,
            failed: t.failed,
            cancelled: t.cancelled,
            blocked: t.blocked,
            rejections: t.rejections,
            interrupts: t.interrupts,
            model_calls: t.model_calls,
            output_tokens: t.output_tokens,
            words: t.words,
            lines_added: t.lines_added,
            lines_removed: t.lines_removed,
            checks_run: t.checks_run,
            checks_failed: t.checks_failed,
            delegated_actions: t.delegated_actions,
            api_errors: t.api_errors,
        }
    }
}

/// The top-level `session` object.
#[derive(Debug, Clone, Serialize)]
pub struct SessionFigures {
    /// The agent that wrote it (`claude-code`, `codex`, `copilot`, `gemini`).
    pub agent: &'static str,
    pub id: Option<String>,
    pub cwd: Option<String>,
    pub git_branch: Option<String>,
    pub model: Option<String>,
    pub claude_version: Option<String>,
    /// The agent's version, whichever agent it is (`claude_version` is Claude Code's only).
    pub agent_version: Option<String>,
    /// `cli`, `headless`, `vscode`, `desktop`, `other`, or null when no line said.
    pub entry_point: Option<EntryPoint>,
    pub title: Option<String>,
    pub started: Option<Millis>,
    pub last_activity: Option<Millis>,
    pub duration_ms: Option<u64>,
    pub prompts: usize,
    #[serde(flatten)]
    pub figures: Figures,
    pub files_touched: usize,
    pub actions_per_prompt: f64,
    pub actions_per_prompt_geomean: f64,
    pub work_mode: Option<WorkMode>,
    pub compactions: Vec<Compaction>,
    pub api_retries: u32,
    pub context_tokens: u64,
    pub bytes: u64,
    /// Live failure tier now (0–5).
    pub tier: u8,
    /// The session hit trouble (tier 3+) at some point.
    pub trouble: bool,
    /// Risk now (null below the trouble gate).
    pub risk: Option<RiskView>,
    /// Every nudge shown, in order.
    pub nudges: Vec<NudgeEntry>,
    /// Every recovery move, in order.
    pub recoveries: Vec<RecoveryEntry>,
    /// Where the session was likely abandoned: silence after trouble with nothing written.
    pub abandoned_at: Option<AbandonedEntry>,
    /// Signals that are off for this session: its agent's records cannot show what they read.
    pub signals_off: Vec<SignalId>,
}

/// A signal that fired.
#[derive(Debug, Clone, Serialize)]
pub struct SignalEntry {
    pub id: SignalId,
    pub name: &'static str,
    pub at_line: LineNo,
    pub at: Option<Millis>,
    pub evidence: Vec<LineNo>,
    pub evidence_total: usize,
    pub intensity: f64,
    pub detail: String,
}

/// A nudge shown.
#[derive(Debug, Clone, Serialize)]
pub struct NudgeEntry {
    pub signal: SignalId,
    pub turn: usize,
    pub at_line: LineNo,
    pub at: Option<Millis>,
    pub evidence: Vec<LineNo>,
    pub evidence_total: usize,
    pub headline: &'static str,
    pub text: String,
}

/// A recovery move.
#[derive(Debug, Clone, Serialize)]
pub struct RecoveryEntry {
    pub id: RecoveryId,
    pub name: &'static str,
    pub at_line: LineNo,
    pub at: Option<Millis>,
    pub detail: String,
}

/// Where a session was likely abandoned.
#[derive(Debug, Clone, Serialize)]
pub struct AbandonedEntry {
    pub after_line: LineNo,
    pub at: Millis,
}

impl NudgeEntry {
    fn new(n: &Nudge, turns: &[Arc<Turn>]) -> Self {
        Self {
            signal: n.signal,
            turn: turns.get(n.turn).map_or(0, |t| t.number),
            at_line: n.at_line,
            at: n.at,
            evidence: n.evidence.clone(),
            evidence_total: n.evidence_total,
            headline: n.headline,
            text: sanitize::one_line(&n.text, 2000),
        }
    }
}

/// One entry of `turns`.
#[derive(Debug, Clone, Serialize)]
pub struct TurnFigures {
    pub number: usize,
    pub line: LineNo,
    pub preamble: bool,
    pub source: Option<PromptSource>,
    pub prompt: String,
    pub prompt_chars: usize,
    pub started: Option<Millis>,
    pub duration_ms: Option<u64>,
    #[serde(flatten)]
    pub figures: Figures,
    pub files: Vec<String>,
    pub checks: Vec<CheckEntry>,
    pub tools: BTreeMap<String, u32>,
    pub signals: Vec<SignalEntry>,
    /// Failure tier at the end of the turn (now, for the open turn).
    pub tier: u8,
    pub risk: Option<RiskView>,
    /// The nudge shown in this turn, if any.
    pub nudge: Option<NudgeEntry>,
}

/// One check run inside a turn.
#[derive(Debug, Clone, Serialize)]
pub struct CheckEntry {
    pub line: LineNo,
    pub kind: CheckKind,
    pub passed: bool,
}

/// One entry of `subagents`.
#[derive(Debug, Clone, Serialize)]
pub struct SubagentReport {
    pub id: String,
    pub file: Option<String>,
    pub compactor: bool,
    #[serde(flatten)]
    pub figures: Figures,
}

/// The `skipped` object: what was not read, and why.
#[derive(Debug, Clone, Serialize)]
pub struct Skipped {
    pub total: u64,
    pub by_reason: BTreeMap<String, u64>,
    pub lines: Vec<Skip>,
    pub repaired_utf8: u64,
    pub unknown_types: BTreeMap<String, u64>,
    pub unknown_fields: BTreeMap<String, u64>,
}

impl From<&ParseStats> for Skipped {
    fn from(s: &ParseStats) -> Self {
        Self {
            total: s.skipped_total(),
            by_reason: s
                .skipped
                .iter()
                .map(|(r, n)| (r.key().to_owned(), *n))
                .collect(),
            lines: s.skips.clone(),
            repaired_utf8: s.repaired_utf8,
            unknown_types: s.unknown_types.clone(),
            unknown_fields: s.unknown_fields.clone(),
        }
    }
}

/// Sanitised one-line excerpt of a turn's prompt.
#[must_use]
pub fn prompt_excerpt(turn: &Turn, width: usize) -> String {
    match &turn.prompt {
        Some(p) if p.text.trim().is_empty() && p.images > 0 => format!("[{} image(s)]", p.images),
        Some(p) => sanitize::one_line(&p.text, width),
        None => "(before the first prompt)".into(),
    }
}

impl TurnFigures {
    fn new(
        i: usize,
        t: &Turn,
        turns: &[Arc<Turn>],
        engine: &Engine,
        last: (u8, Option<RiskView>),
    ) -> Self {
        let mark = engine.turns.get(i);
        let open = i + 1 == turns.len();
        let (tier, risk) = match mark {
            Some(m) if !open => (m.tier, m.risk.clone()),
            _ => last,
        };
        Self {
            signals: engine
                .firings_in(i)
                .map(|f| SignalEntry {
                    id: f.signal,
                    name: f.signal.name(),
                    at_line: f.at_line,
                    at: f.at,
                    evidence: f.evidence.clone(),
                    evidence_total: f.evidence_total,
                    intensity: (f.intensity * 100.0).round() / 100.0,
                    detail: sanitize::one_line(&f.detail, 500),
                })
                .collect(),
            tier,
            risk,
            nudge: engine.nudge_in(i).map(|n| NudgeEntry::new(n, turns)),
            number: t.number,
            line: t.line,
            preamble: t.prompt.is_none(),
            source: t.prompt.as_ref().map(|p| p.source),
            prompt: prompt_excerpt(t, EXCERPT),
            prompt_chars: t.prompt.as_ref().map_or(0, |p| p.len),
            started: t.started,
            duration_ms: t.duration_ms(),
            figures: Figures::from(&t.tally),
            files: t.files.iter().map(|f| sanitize::one_line(f, 300)).collect(),
            checks: t
                .checks
                .iter()
                .map(|c| CheckEntry {
                    line: c.line,
                    kind: c.kind,
                    passed: c.passed,
                })
                .collect(),
            tools: t
                .tools
                .iter()
                .map(|(k, v)| (sanitize::one_line(k, 100), *v))
                .collect(),
        }
    }
}

impl ScoreReport {
    /// Builds the report of a session read from disk.
    #[must_use]
    pub fn new(read: &ReadSession) -> Self {
        let view = View::new(&read.session, &read.engine).with_skipped(read.stats.skipped_total());
        Self::of(
            &view,
            read.path.display().to_string(),
            read.bytes,
            &read.stats,
            &read.warnings,
        )
    }

    /// The report of a view of the pipeline's state (the same state every front end draws):
    /// `file` and `bytes` name what was read, `stats` say what was skipped and why.
    #[must_use]
    pub fn of(
        view: &View<'_>,
        file: String,
        bytes: u64,
        stats: &ParseStats,
        warnings: &[String],
    ) -> Self {
        let s: &Session = view.session();
        let engine = view.engine();
        let now = engine.assess(s);
        let clean = |o: &Option<String>| o.as_deref().map(|v| sanitize::one_line(v, 4096));
        let files: std::collections::BTreeSet<&String> =
            s.turns.iter().flat_map(|t| &t.files).collect();
        Self {
            schema: SCHEMA,
            file,
            session: SessionFigures {
                agent: engine.format().id(),
                id: clean(&s.id),
                cwd: clean(&s.cwd),
                git_branch: clean(&s.git_branch),
                model: clean(&s.model),
                claude_version: if engine.format() == Format::Claude {
                    clean(&s.version)
                } else {
                    None
                },
                agent_version: clean(&s.version),
                entry_point: s.entry_point,
                title: clean(&s.title),
                started: s.started,
                last_activity: s.last,
                duration_ms: s.last.zip(s.started).map(|(l, st)| l.since(st)),
                prompts: s.prompts(),
                figures: Figures::from(&s.totals),
                files_touched: files.len(),
                actions_per_prompt: round2(s.actions_per_prompt()),
                actions_per_prompt_geomean: round2(s.actions_per_prompt_geomean()),
                work_mode: s.work_mode(),
                compactions: s.compactions.clone(),
                api_retries: s.api_retries,
                context_tokens: s.context_tokens,
                bytes,
                tier: now.tier,
                trouble: now.trouble,
                risk: now.risk.clone(),
                nudges: engine
                    .nudges
                    .iter()
                    .map(|n| NudgeEntry::new(n, &s.turns))
                    .collect(),
                recoveries: engine
                    .recoveries
                    .iter()
                    .map(|r| RecoveryEntry {
                        id: r.recovery,
                        name: r.recovery.name(),
                        at_line: r.at_line,
                        at: r.at,
                        detail: sanitize::one_line(&r.detail, 500),
                    })
                    .collect(),
                abandoned_at: engine
                    .abandoned_at
                    .map(|(after_line, at)| AbandonedEntry { after_line, at }),
                signals_off: engine.signals_off(),
            },
            turns: s
                .turns
                .iter()
                .enumerate()
                .map(|(i, t)| {
                    TurnFigures::new(i, t, &s.turns, engine, (now.tier, now.risk.clone()))
                })
                .collect(),
            subagents: s
                .subagents
                .iter()
                .map(|(id, f)| SubagentReport {
                    id: sanitize::one_line(id, 100),
                    file: f.file.clone(),
                    compactor: f.compactor,
                    figures: Figures::from(&f.tally),
                })
                .collect(),
            skipped: Skipped::from(stats),
            warnings: warnings
                .iter()
                .map(|w| sanitize::one_line(w, 1000))
                .collect(),
            evaluated_at: engine.now(),
        }
    }
}

fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}
