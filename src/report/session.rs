//! `ringside replay --report`: a finished session's report, as Markdown (for GitHub or notes)
//! or JSON with a documented shape. Built from the same [`ScoreReport`] as `score --json`, so
//! its figures are those figures, plus the outcome proxies a reader asks first: did it hit
//! trouble, did it recover, was the work verified, was it likely abandoned.

use std::fmt::Write as _;

use serde::Serialize;

use crate::core::agents::Format;
use crate::core::engine::ids::SignalId;
use crate::core::format;
use crate::report::markdown;

use super::types::{
    AbandonedEntry, NudgeEntry, RecoveryEntry, ScoreReport, SignalEntry, TurnFigures,
};

/// Version of the report's JSON shape (fields are only ever added).
pub const SCHEMA: u32 = 1;

/// The whole report.
#[derive(Debug, Clone, Serialize)]
pub struct SessionReport {
    pub schema: u32,
    pub file: String,
    pub summary: Summary,
    /// Every turn's scorecard, exactly as in `score --json`.
    pub turns: Vec<TurnFigures>,
    /// Every signal that fired, in order, with the prompt number of its turn.
    pub signals: Vec<TurnSignal>,
    pub nudges: Vec<NudgeEntry>,
    pub recoveries: Vec<RecoveryEntry>,
    pub abandoned_at: Option<AbandonedEntry>,
    pub skipped_lines: u64,
}

/// The figures at a glance.
#[derive(Debug, Clone, Serialize)]
pub struct Summary {
    /// The agent that wrote it (`claude-code`, `codex`, `copilot`, `gemini`).
    pub agent: &'static str,
    pub id: Option<String>,
    pub cwd: Option<String>,
    pub git_branch: Option<String>,
    pub model: Option<String>,
    pub title: Option<String>,
    pub started: Option<crate::core::Millis>,
    pub duration_ms: Option<u64>,
    pub prompts: usize,
    pub actions: u32,
    pub actions_per_prompt: f64,
    pub actions_per_prompt_geomean: f64,
    pub tool_errors: u32,
    pub lines_added: u64,
    pub lines_removed: u64,
    pub checks_run: u32,
    pub checks_failed: u32,
    pub output_tokens: u64,
    pub work_mode: Option<String>,
    pub outcome: Outcome,
    /// Signals that are off for this session (its agent's records cannot show what they read).
    pub signals_off: Vec<SignalId>,
}

/// Outcome proxies: what the transcript alone can say about how it went.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Outcome {
    /// The session reached failure tier 3+ at some point.
    pub trouble: bool,
    /// After trouble, a recovery move came later (a check passing again, a reframe, a commit,
    /// new information…) and the session was not likely abandoned.
    pub recovered: bool,
    /// Lines were written and the last check run passed (the work ended verified).
    pub verified: bool,
    /// Silence after trouble with nothing written (S19): the user likely gave up.
    pub likely_abandoned: bool,
}

/// A signal and the prompt it fired under.
#[derive(Debug, Clone, Serialize)]
pub struct TurnSignal {
    pub turn: usize,
    #[serde(flatten)]
    pub signal: SignalEntry,
}

impl SessionReport {
    /// The report of a scored session.
    #[must_use]
    pub fn new(r: &ScoreReport) -> Self {
        let s = &r.session;
        let signals: Vec<TurnSignal> = r
            .turns
            .iter()
            .flat_map(|t| {
                t.signals.iter().map(|sig| TurnSignal {
                    turn: t.number,
                    signal: sig.clone(),
                })
            })
            .collect();
        // Trouble starts at the first signal that counts against the user (S18, harness trouble,
        // never does).
        let first_trouble = signals
            .iter()
            .filter(|t| t.signal.id != SignalId::S18)
            .map(|t| t.signal.at_line)
            .min();
        let abandoned = s.abandoned_at.is_some();
        let recovered = s.trouble
            && !abandoned
            && first_trouble.is_some_and(|l| s.recoveries.iter().any(|r| r.at_line > l));
        let last_check = r.turns.iter().flat_map(|t| &t.checks).next_back();
        let verified = s.figures.lines_added + s.figures.lines_removed > 0
            && last_check.is_some_and(|c| c.passed);
        Self {
            schema: SCHEMA,
            file: r.file.clone(),
            summary: Summary {
                agent: s.agent,
                id: s.id.clone(),
                cwd: s.cwd.clone(),
                git_branch: s.git_branch.clone(),
                model: s.model.clone(),
                title: s.title.clone(),
                started: s.started,
                duration_ms: s.duration_ms,
                prompts: s.prompts,
                actions: s.figures.actions,
                actions_per_prompt: s.actions_per_prompt,
                actions_per_prompt_geomean: s.actions_per_prompt_geomean,
                tool_errors: s.figures.tool_errors,
                lines_added: s.figures.lines_added,
                lines_removed: s.figures.lines_removed,
                checks_run: s.figures.checks_run,
                checks_failed: s.figures.checks_failed,
                output_tokens: s.figures.output_tokens,
                work_mode: s
                    .work_mode
                    .and_then(|m| serde_json::to_value(m).ok())
                    .and_then(|v| v.as_str().map(str::to_owned)),
                outcome: Outcome {
                    trouble: s.trouble,
                    recovered,
                    verified,
                    likely_abandoned: abandoned,
                },
                signals_off: s.signals_off.clone(),
            },
            turns: r.turns.clone(),
            signals,
            nudges: s.nudges.clone(),
            recoveries: s.recoveries.clone(),
            abandoned_at: s.abandoned_at.clone(),
            skipped_lines: r.skipped.total,
        }
    }

    /// GitHub-flavoured Markdown. Transcript text is sanitised and table cells escaped.
    #[must_use]
    pub fn markdown(&self) -> String {
        let mut out = String::new();
        let s = &self.summary;
        let title = s
            .title
            .as_deref()
            .or_else(|| {
                self.turns
                    .iter()
                    .find(|t| t.number > 0)
                    .map(|t| t.prompt.as_str())
            })
            .unwrap_or("(untitled)");
        let _ = writeln!(out, "# Session report: {}\n", md(title, 100));
        let mut facts = Vec::new();
        // Claude Code is the default; another agent is named first.
        if let Some(f) = Format::by_id(s.agent).filter(|f| *f != Format::Claude) {
            facts.push(f.agent().to_owned());
        }
        if let Some(c) = &s.cwd {
            facts.push(markdown::code_span(c, 200));
        }
        if let Some(b) = &s.git_branch {
            facts.push(format!("branch {}", markdown::code_span(b, 200)));
        }
        if let Some(m) = &s.model {
            facts.push(format!("model {}", markdown::code_span(m, 200)));
        }
        if let Some(id) = &s.id {
            facts.push(format!("session {}", markdown::code_span(id, 200)));
        }
        if let Some(t) = s.started {
            facts.push(format!("started {t}"));
        }
        let _ = writeln!(out, "{}\n", facts.join(" · "));
        self.summary_md(&mut out);
        self.timeline_md(&mut out);
        self.coaching_md(&mut out);
        if self.skipped_lines > 0 {
            let _ = writeln!(
                out,
                "\n{} transcript lines were skipped (see `ringside score --json` for which and why).",
                self.skipped_lines
            );
        }
        out
    }

    fn summary_md(&self, out: &mut String) {
        let s = &self.summary;
        let o = s.outcome;
        let _ = writeln!(out, "## Summary\n");
        let _ = writeln!(out, "| | |\n|---|---|");
        let row = |out: &mut String, k: &str, v: String| {
            let _ = writeln!(out, "| {k} | {v} |");
        };
        row(
            out,
            "duration",
            s.duration_ms.map_or("–".into(), format::duration_ms),
        );
        row(out, "prompts", s.prompts.to_string());
        row(
            out,
            "agent actions per prompt",
            format!(
                "{} (geometric mean {}; study: novices ~5, experts ~12)",
                format::ratio(s.actions_per_prompt),
                format::ratio(s.actions_per_prompt_geomean)
            ),
        );
        row(
            out,
            "actions / tool errors",
            format!("{} / {}", s.actions, s.tool_errors),
        );
        row(
            out,
            "lines written",
            format::lines(s.lines_added, s.lines_removed),
        );
        row(out, "checks", format::checks(s.checks_run, s.checks_failed));
        row(out, "output tokens", format::thousands(s.output_tokens));
        if let Some(m) = &s.work_mode {
            row(out, "work mode (guess)", md(m, 40));
        }
        let yes = |b: bool| if b { "yes" } else { "no" };
        row(out, "hit trouble", yes(o.trouble).into());
        row(
            out,
            "recovered",
            if o.trouble { yes(o.recovered) } else { "–" }.into(),
        );
        row(
            out,
            "ended verified (a passing check after writing)",
            yes(o.verified).into(),
        );
        row(out, "likely abandoned", yes(o.likely_abandoned).into());
        out.push('\n');
    }

    fn timeline_md(&self, out: &mut String) {
        let _ = writeln!(out, "## Timeline\n");
        let _ = writeln!(
            out,
            "| # | line | prompt | actions | errors | checks | lines | time | tier | signals |"
        );
        let _ = writeln!(out, "|---:|---:|---|---:|---:|---|---|---:|---:|---|");
        for t in &self.turns {
            let f = &t.figures;
            let checks = if f.checks_run == 0 {
                String::new()
            } else {
                format::checks(f.checks_run, f.checks_failed)
            };
            let signals: Vec<String> = t.signals.iter().map(|s| s.id.to_string()).collect();
            let nudge = if t.nudge.is_some() { " · nudge" } else { "" };
            let number = if t.number == 0 {
                "–".to_owned()
            } else {
                t.number.to_string()
            };
            let _ = writeln!(
                out,
                "| {number} | {} | {} | {} | {} | {checks} | {} | {} | {} | {}{nudge} |",
                t.line,
                md(&t.prompt, 70),
                f.actions,
                f.tool_errors,
                format::lines(f.lines_added, f.lines_removed),
                t.duration_ms.map_or(String::new(), format::duration_short),
                t.tier,
                signals.join(" "),
            );
        }
        out.push('\n');
    }

    fn coaching_md(&self, out: &mut String) {
        let _ = writeln!(out, "## Signals and nudges\n");
        if self.signals.is_empty() {
            let _ = writeln!(out, "No stall signal fired.\n");
        }
        for t in &self.signals {
            let s = &t.signal;
            let _ = writeln!(
                out,
                "- **{} {}** (prompt {}, line {}): {} · evidence lines {}",
                s.id,
                s.name,
                t.turn,
                s.at_line,
                md(&s.detail, 200),
                lines(&s.evidence)
            );
        }
        if !self.nudges.is_empty() {
            let _ = writeln!(out, "\nNudges that would have been shown:\n");
        }
        for n in &self.nudges {
            let _ = writeln!(
                out,
                "- **{}** ({}, prompt {}, line {}): {} · evidence lines {}",
                md(n.headline, 100),
                n.signal,
                n.turn,
                n.at_line,
                md(&n.text, 400),
                lines(&n.evidence)
            );
        }
        let _ = writeln!(out, "\n## Recovery moves\n");
        if self.recoveries.is_empty() {
            let _ = writeln!(out, "None recorded.");
        }
        for r in &self.recoveries {
            let _ = writeln!(
                out,
                "- **{} {}** (line {}): {}",
                r.id.code(),
                r.name,
                r.at_line,
                md(&r.detail, 200)
            );
        }
        if let Some(a) = &self.abandoned_at {
            let _ = writeln!(
                out,
                "\nLikely abandoned after line {} ({}): silence after trouble with nothing written.",
                a.after_line, a.at
            );
        }
    }
}

/// Untrusted text for a Markdown table cell or sentence (the one escaping for every report).
fn md(text: &str, max: usize) -> String {
    markdown::text(text, max)
}

fn lines(ls: &[crate::core::LineNo]) -> String {
    ls.iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_cells_cannot_break_the_table_or_inject_markup() {
        assert_eq!(md("a | b", 20), "a \\| b");
        assert_eq!(md("<script>", 20), "\\<script\\>");
        assert_eq!(md("line\nbreak", 20), "line break");
    }
}
