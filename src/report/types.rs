//! The JSON contract of `ringside score --json`. Field names and meanings here are documented in
//! the README ("JSON output") and only grow: a field is never renamed or removed without bumping
//! [`SCHEMA`].

use std::collections::BTreeMap;

use serde::Serialize;

use crate::core::checks::CheckKind;
use crate::core::claude::{ParseStats, Skip};
use crate::core::event::PromptSource;
use crate::core::sanitize;
use crate::core::session::{Compaction, Session, Tally, Turn, WorkMode};
use crate::core::{LineNo, Millis};
use crate::source::read::ReadSession;

/// Version of this JSON shape.
pub const SCHEMA: u32 = 1;
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
    pub id: Option<String>,
    pub cwd: Option<String>,
    pub git_branch: Option<String>,
    pub model: Option<String>,
    pub claude_version: Option<String>,
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
    fn new(t: &Turn) -> Self {
        Self {
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
        let s: &Session = &read.session;
        let clean = |o: &Option<String>| o.as_deref().map(|v| sanitize::one_line(v, 4096));
        let files: std::collections::BTreeSet<&String> =
            s.turns.iter().flat_map(|t| &t.files).collect();
        Self {
            schema: SCHEMA,
            file: read.path.display().to_string(),
            session: SessionFigures {
                id: clean(&s.id),
                cwd: clean(&s.cwd),
                git_branch: clean(&s.git_branch),
                model: clean(&s.model),
                claude_version: clean(&s.version),
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
                bytes: read.bytes,
            },
            turns: s.turns.iter().map(TurnFigures::new).collect(),
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
            skipped: Skipped::from(&read.stats),
            warnings: read
                .warnings
                .iter()
                .map(|w| sanitize::one_line(w, 1000))
                .collect(),
        }
    }
}

fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}
