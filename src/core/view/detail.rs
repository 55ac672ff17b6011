//! One prompt in full: what the detail view (Enter on a prompt) shows.

use super::dashboard::{ActivityRow, NudgeCard, activity_row, card, current_nudge, relative};
use crate::core::engine::Engine;
use crate::core::engine::ids::SignalId;
use crate::core::format;
use crate::core::sanitize;
use crate::core::session::Session;
use crate::core::{LineNo, Millis};

/// One turn in full: the detail overlay (Enter on a prompt).
#[derive(Debug, Clone, PartialEq)]
pub struct TurnDetail {
    pub index: usize,
    pub number: usize,
    pub line: LineNo,
    /// The prompt, sanitised, newlines kept, cut to a few KiB.
    pub prompt: String,
    /// The nudges shown during this prompt, whole; for the latest prompt, also the one on
    /// screen (which may have fired earlier). The card on the main screen may be short of
    /// rows; here nothing is cut.
    pub nudges: Vec<NudgeCard>,
    pub figures: Vec<(String, String)>,
    pub signals: Vec<SignalLine>,
    pub checks: Vec<(LineNo, String, bool)>,
    pub files: Vec<String>,
    pub activity: Vec<ActivityRow>,
    /// Calls not kept (older than the activity feed).
    pub dropped: u32,
}

/// A fired signal with its evidence.
#[derive(Debug, Clone, PartialEq)]
pub struct SignalLine {
    pub signal: SignalId,
    pub name: &'static str,
    pub evidence: Vec<LineNo>,
    pub detail: String,
}

impl TurnDetail {
    /// The detail of turn `index`, if it exists, seen at the latest event, nothing dismissed.
    #[must_use]
    pub fn build(s: &Session, e: &Engine, index: usize) -> Option<Self> {
        Self::build_at(s, e, index, e.now().or(s.last), &[])
    }

    /// The detail of turn `index` at `now`, with the nudges in `dismissed` no longer on screen
    /// (what [`super::View::detail`] runs).
    #[must_use]
    pub fn build_at(
        s: &Session,
        e: &Engine,
        index: usize,
        now: Option<Millis>,
        dismissed: &[usize],
    ) -> Option<Self> {
        let t = s.turns.get(index)?;
        let mut nudges: Vec<NudgeCard> = e
            .nudges
            .iter()
            .enumerate()
            .filter(|(_, n)| n.turn == index)
            .map(|(i, n)| card(i, n, s, now))
            .collect();
        if index + 1 == s.turns.len()
            && let Some(live) = current_nudge(s, e, dismissed, now)
            && !nudges.iter().any(|n| n.index == live.index)
        {
            nudges.insert(0, live);
        }
        let f = &t.tally;
        let figures = vec![
            (
                "actions".into(),
                format!("{} successful of {} calls", f.actions, f.tool_calls),
            ),
            (
                "errors".into(),
                format!(
                    "{} failed, {} rejected, {} cancelled, {} blocked",
                    f.failed, f.rejections, f.cancelled, f.blocked
                ),
            ),
            (
                "checks".into(),
                format::checks(f.checks_run, f.checks_failed),
            ),
            (
                "lines".into(),
                format::lines(f.lines_added, f.lines_removed),
            ),
            (
                "model calls".into(),
                format!(
                    "{} ({} output tokens)",
                    f.model_calls,
                    format::compact(f.output_tokens)
                ),
            ),
            (
                "time".into(),
                t.duration_ms()
                    .map_or_else(|| "–".into(), format::duration_ms),
            ),
            ("interrupts".into(), f.interrupts.to_string()),
        ];
        Some(Self {
            index,
            number: t.number,
            line: t.line,
            prompt: t.prompt.as_ref().map_or_else(
                || "(work before the first prompt)".into(),
                |p| sanitize::clean(sanitize::prefix(&p.text, 4000)).into_owned(),
            ),
            nudges,
            figures,
            signals: e
                .firings_in(index)
                .map(|g| SignalLine {
                    signal: g.signal,
                    name: g.signal.name(),
                    evidence: g.evidence.clone(),
                    detail: sanitize::one_line(&g.detail, 300),
                })
                .collect(),
            checks: t
                .checks
                .iter()
                .map(|c| (c.line, c.kind.label().to_owned(), c.passed))
                .collect(),
            files: t
                .files
                .iter()
                .map(|p| sanitize::path_tail(&relative(p, s.cwd.as_deref()), 100))
                .collect(),
            activity: t
                .activity
                .iter()
                .map(|a| activity_row(a, s.cwd.as_deref()))
                .collect(),
            dropped: t.activity_dropped,
        })
    }
}
