//! The dashboard: everything the watch and replay screens show, the status line's figures and the
//! hook's nudge, as plain data with every transcript string already sanitised. Front ends get it
//! through [`super::View::dashboard`].

use crate::core::agents::Format;
use crate::core::engine::ids::{RecoveryId, SignalId};
use crate::core::engine::{self, Band, Engine};
use crate::core::event::{EntryPoint, PromptSource};
use crate::core::format;
use crate::core::sanitize;
use crate::core::session::{Activity, Session, Status, Turn};
use crate::core::{LineNo, Millis};

/// Study reference marks for actions per prompt (novice, average, expert; never a grade).
pub const REFERENCE_MARKS: [f64; 3] = [5.0, 10.0, 12.0];
/// Activity rows kept for the live pane.
pub const LIVE_ROWS: usize = 60;
/// A session quiet this long shows how long ("idle 4m").
pub const IDLE_SHOWN_MS: u64 = 60_000;
/// A risk whose latest signal is this old is fading with time: the panel says since when.
pub const FADING_MS: u64 = 120_000;

/// The whole screen's data.
#[derive(Debug, Clone, PartialEq)]
pub struct Dashboard {
    pub header: Header,
    pub turns: Vec<TurnRow>,
    pub current: Option<CurrentTurn>,
    pub risk: RiskPanel,
    pub nudge: Option<NudgeCard>,
    /// Lines skipped so far (shown when non-zero).
    pub skipped: u64,
}

/// The top line(s).
#[derive(Debug, Clone, PartialEq)]
pub struct Header {
    /// The project folder's name.
    pub project: String,
    pub cwd: String,
    pub branch: Option<String>,
    pub model: Option<String>,
    pub session_id: String,
    pub title: Option<String>,
    /// The session's length so far: its first event to its latest.
    pub length_ms: Option<u64>,
    /// How long it has been quiet, when that is [`IDLE_SHOWN_MS`] or more.
    pub idle_ms: Option<u64>,
    pub prompts: usize,
    pub actions: u32,
    pub actions_per_prompt: f64,
    pub actions_per_prompt_geomean: f64,
    pub errors: u32,
    pub lines_added: u64,
    pub lines_removed: u64,
    /// The front end that wrote the session, when a line said so.
    pub entry_point: Option<EntryPoint>,
    /// The agent that wrote the session.
    pub agent: Format,
}

/// One row of the prompt timeline.
#[derive(Debug, Clone, PartialEq)]
pub struct TurnRow {
    /// Index into the session's turns.
    pub index: usize,
    /// Prompt number (0: work before the first prompt).
    pub number: usize,
    pub line: LineNo,
    pub excerpt: String,
    pub queued: bool,
    pub actions: u32,
    /// Real failures (errors that are not rejections or cancelled siblings).
    pub failed: u32,
    pub rejected: u32,
    pub checks_run: u32,
    pub checks_failed: u32,
    pub lines_added: u64,
    pub lines_removed: u64,
    pub duration_ms: Option<u64>,
    pub signals: Vec<SignalId>,
    pub nudged: bool,
    pub tier: u8,
    pub open: bool,
}

/// The turn in progress.
#[derive(Debug, Clone, PartialEq)]
pub struct CurrentTurn {
    pub number: usize,
    pub excerpt: String,
    /// How long it has run; once it ended, its duration (the clock stops).
    pub elapsed_ms: Option<u64>,
    /// The latest tool calls, oldest first.
    pub activity: Vec<ActivityRow>,
    /// Calls not shown (older).
    pub hidden: usize,
    pub ended: bool,
    /// It ended with an Esc interrupt.
    pub interrupted: bool,
}

/// One tool call as shown.
#[derive(Debug, Clone, PartialEq)]
pub struct ActivityRow {
    pub line: LineNo,
    pub tool: String,
    pub target: String,
    pub status: Status,
    /// A short note: "+12 −3", the first line of an error, "check failed".
    pub note: String,
}

/// Tier, risk and what drives it.
#[derive(Debug, Clone, PartialEq)]
pub struct RiskPanel {
    pub tier: u8,
    /// What the tier means ("trouble", "a hard failure").
    pub tier_words: &'static str,
    pub trouble: bool,
    /// The band shown. `None` below the trouble gate (nothing to worry about), unless a nudge is
    /// on screen: then at least watch, so a nudge never stands beside "low" (see `raised_for`).
    pub band: Option<Band>,
    /// The engine's band was low (or none) and was raised to watch because this signal's nudge
    /// is on screen: a bypassed check or harness trouble is worth saying at any risk.
    pub raised_for: Option<SignalId>,
    /// The engine's risk score, 0–1.
    pub value: f64,
    /// The three strongest terms, strongest first; recoveries are negative.
    pub top: Vec<RiskTerm>,
    /// How long ago the latest signal fired, when that is [`FADING_MS`] or more: the risk is
    /// fading with time, not because of anything new.
    pub fading_ms: Option<u64>,
}

/// One term of the risk score as shown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RiskTerm {
    /// `S5`, `R8`, `nothing_written`.
    pub id: String,
    /// `failing check loop`, `first lines written`, `nothing written`.
    pub name: &'static str,
    pub points: i32,
}

/// The nudge to show.
#[derive(Debug, Clone, PartialEq)]
pub struct NudgeCard {
    pub signal: SignalId,
    /// The signal's name (`failing check loop`).
    pub name: &'static str,
    /// Position in the engine's nudge list (what dismiss/helpful refer to).
    pub index: usize,
    pub headline: String,
    pub text: String,
    /// What the evidence was, in words, with the age of the last of it (line numbers are in
    /// `evidence`, for the detail view).
    pub evidence_words: String,
    pub evidence: Vec<LineNo>,
    pub at_line: LineNo,
    pub at: Option<Millis>,
    /// Prompt number it fired in.
    pub turn: usize,
}

/// What the status line prints and the hook hands out: the few dashboard figures that need only
/// the latest turn and the engine's live state. So they can be computed from the status line's
/// bounded state (a session whose finished turns were forgotten), without building a row for
/// every turn, and they equal the dashboard's (a test holds them so).
#[derive(Debug, Clone, PartialEq)]
pub struct Glance {
    /// Human prompts (the dashboard's `header.prompts`).
    pub prompts: usize,
    /// Successful tool calls of the latest turn (its row's `actions`).
    pub turn_actions: u32,
    /// `header.actions_per_prompt`.
    pub actions_per_prompt: f64,
    /// The band shown (`risk.band`: at least watch beside a nudge).
    pub band: Option<Band>,
    /// The nudge on screen.
    pub nudge: Option<NudgeLine>,
}

/// The nudge on screen, in words only (the dashboard's [`NudgeCard`] without its evidence).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NudgeLine {
    pub signal: SignalId,
    /// Position in the engine's nudge list (what dismiss and the hook's record refer to).
    pub index: usize,
    pub headline: String,
    pub text: String,
}

impl From<&Dashboard> for Glance {
    /// The same figures read off a whole dashboard.
    fn from(d: &Dashboard) -> Self {
        Self {
            prompts: d.header.prompts,
            turn_actions: d.turns.last().map_or(0, |t| t.actions),
            actions_per_prompt: d.header.actions_per_prompt,
            band: d.risk.band,
            nudge: d.nudge.as_ref().map(|n| NudgeLine {
                signal: n.signal,
                index: n.index,
                headline: n.headline.clone(),
                text: n.text.clone(),
            }),
        }
    }
}

impl Glance {
    /// The figures at the engine's moment, nudges at the `dismissed` indexes left out.
    #[must_use]
    pub(super) fn build(s: &Session, e: &Engine, dismissed: &[usize]) -> Self {
        let nudge = e
            .nudges_indexed()
            .rev()
            .find(|(i, n)| !dismissed.contains(i) && still_current(n, s, e))
            .map(|(index, n)| NudgeLine {
                signal: n.signal,
                index,
                headline: n.headline.to_owned(),
                text: sanitize::one_line(&n.text, 600),
            });
        let computed = e.assess(s).risk.map(|r| r.band);
        let raised = nudge.is_some() && computed.is_none_or(|b| b < Band::Watch);
        Self {
            prompts: s.prompts(),
            turn_actions: s.turns.last().map_or(0, |t| t.tally.actions),
            actions_per_prompt: s.actions_per_prompt(),
            band: if raised { Some(Band::Watch) } else { computed },
            nudge,
        }
    }
}

/// The session's id as the header shows it and as feedback records it (empty when unknown).
#[must_use]
pub fn session_id(s: &Session) -> String {
    s.id.as_deref()
        .map(|i| sanitize::one_line(i, 80))
        .unwrap_or_default()
}

impl Dashboard {
    /// The dashboard at time `now` (`None`: the latest event's time). Nudges whose index is in
    /// `dismissed` are not shown. This is what [`super::View::dashboard`] runs; front ends go
    /// through the view, which also brings the skipped-line count along.
    #[must_use]
    pub fn build(
        s: &Session,
        e: &Engine,
        now: Option<Millis>,
        dismissed: &[usize],
        skipped: u64,
    ) -> Self {
        let now = now.or(e.now()).or(s.last);
        let assessment = e.assess(s);
        let nudge = current_nudge(s, e, dismissed, now);
        let idle = now
            .zip(s.last)
            .is_some_and(|(n, l)| n.since(l) >= IDLE_SHOWN_MS);
        let turns: Vec<TurnRow> = s
            .turns
            .iter()
            .enumerate()
            .map(|(i, t)| turn_row(i, t, s, e))
            .collect();
        let cwd = s.cwd.as_deref();
        Self {
            header: Header {
                agent: e.format(),
                ..header(s, now)
            },
            current: s.turns.last().map(|t| current(t, now, cwd, idle)),
            turns,
            risk: risk_panel(&assessment, nudge.as_ref(), e, now),
            nudge,
            skipped,
        }
    }
}

/// The nudge on screen at `now`: the latest one not dismissed and not yet answered by a success.
pub(super) fn current_nudge(
    s: &Session,
    e: &Engine,
    dismissed: &[usize],
    now: Option<Millis>,
) -> Option<NudgeCard> {
    e.nudges_indexed()
        .rev()
        .find(|(i, n)| !dismissed.contains(i) && still_current(n, s, e))
        .map(|(i, n)| card(i, n, s, now))
}

/// Nudge `i` of the engine's list as a card, its evidence aged at `now`.
pub(super) fn card(i: usize, n: &engine::Nudge, s: &Session, now: Option<Millis>) -> NudgeCard {
    NudgeCard {
        signal: n.signal,
        name: n.signal.name(),
        index: i,
        headline: n.headline.to_owned(),
        text: sanitize::one_line(&n.text, 600),
        evidence_words: super::evidence::describe(&n.evidence, s, n.at, now),
        evidence: n.evidence.clone(),
        at_line: n.at_line,
        at: n.at,
        turn: s.turns.get(n.turn).map_or(0, |t| t.number),
    }
}

pub(super) fn activity_row(a: &Activity, cwd: Option<&str>) -> ActivityRow {
    ActivityRow {
        line: a.line,
        tool: short_tool(&a.tool),
        target: sanitize::one_line(&relative(&a.target, cwd), 160),
        status: a.status,
        note: note(a),
    }
}

/// A nudge stays on screen until a success follows it (a passing check, a commit, an
/// affirmation) or two prompts have passed; the timeline keeps its marker after that.
pub(super) fn still_current(n: &engine::Nudge, s: &Session, e: &Engine) -> bool {
    !e.answered_after(n.at_line) && s.turn_count() <= n.turn + 2
}

fn header(s: &Session, now: Option<Millis>) -> Header {
    let cwd = s
        .cwd
        .as_deref()
        .map(|c| sanitize::one_line(c, 500))
        .unwrap_or_default();
    let project = cwd
        .rsplit(['/', '\\'])
        .find(|p| !p.is_empty())
        .unwrap_or("(unknown project)")
        .to_owned();
    Header {
        project,
        cwd,
        branch: s
            .git_branch
            .as_deref()
            .map(|b| sanitize::one_line(b, 80))
            .filter(|b| !b.is_empty() && b != "HEAD"),
        model: s.model.as_deref().map(short_model),
        agent: Format::default(),
        session_id: session_id(s),
        title: s.title.as_deref().map(|t| sanitize::one_line(t, 120)),
        length_ms: s.last.zip(s.started).map(|(l, st)| l.since(st)),
        idle_ms: now
            .zip(s.last)
            .map(|(n, l)| n.since(l))
            .filter(|ms| *ms >= IDLE_SHOWN_MS),
        prompts: s.prompts(),
        actions: s.totals.actions,
        actions_per_prompt: s.actions_per_prompt(),
        actions_per_prompt_geomean: s.actions_per_prompt_geomean(),
        errors: s.totals.failed,
        lines_added: s.lines_written(),
        lines_removed: s.totals.lines_removed,
        entry_point: s.entry_point,
    }
}

/// `claude-opus-4-6` → `opus-4-6`; anything else is sanitised and kept.
fn short_model(m: &str) -> String {
    sanitize::one_line(m.strip_prefix("claude-").unwrap_or(m), 40)
}

fn turn_row(i: usize, t: &Turn, s: &Session, e: &Engine) -> TurnRow {
    let mut signals: Vec<SignalId> = e.firings_in(i).map(|f| f.signal).collect();
    signals.dedup();
    TurnRow {
        index: i,
        number: t.number,
        line: t.line,
        excerpt: match &t.prompt {
            Some(p) if p.text.trim().is_empty() && p.images > 0 => {
                format!("[{} image(s)]", p.images)
            }
            Some(p) => sanitize::one_line(&p.text, 200),
            None => "(before the first prompt)".into(),
        },
        queued: t
            .prompt
            .as_ref()
            .is_some_and(|p| p.source == PromptSource::Queued),
        actions: t.tally.actions,
        failed: t.tally.failed,
        rejected: t.tally.rejections,
        checks_run: t.tally.checks_run,
        checks_failed: t.tally.checks_failed,
        lines_added: t.tally.lines_added,
        lines_removed: t.tally.lines_removed,
        duration_ms: t.duration_ms(),
        nudged: e.nudges.iter().any(|n| n.turn == i),
        signals,
        tier: e.turns.get(i).map_or(0, |m| m.tier),
        open: i + 1 == s.turns.len(),
    }
}

fn current(t: &Turn, now: Option<Millis>, cwd: Option<&str>, idle: bool) -> CurrentTurn {
    let start = t.activity.len().saturating_sub(LIVE_ROWS);
    CurrentTurn {
        number: t.number,
        excerpt: t.prompt.as_ref().map_or_else(
            || "(before the first prompt)".into(),
            |p| sanitize::one_line(&p.text, 200),
        ),
        // A finished turn took what it took, and the clock stands while the session is idle (a
        // transcript opened long after it was written is not a turn running for months).
        elapsed_ms: if t.ended || idle {
            t.duration_ms()
        } else {
            now.zip(t.started).map(|(n, s)| n.since(s))
        },
        hidden: start + t.activity_dropped as usize,
        activity: t.activity[start..]
            .iter()
            .map(|a| activity_row(a, cwd))
            .collect(),
        ended: t.ended,
        interrupted: t.ended && t.tally.interrupts > 0,
    }
}

/// A path under the project's folder, shown relative to it (`src/lib.rs`); the file name is what
/// people recognise, and narrow panes have no room for `/home/…/project/`.
pub(super) fn relative(target: &str, cwd: Option<&str>) -> String {
    match cwd
        .and_then(|c| target.strip_prefix(c))
        .and_then(|r| r.strip_prefix('/'))
    {
        Some(rest) if !rest.is_empty() => rest.to_owned(),
        _ => target.to_owned(),
    }
}

/// `mcp__github__create_issue` → `github.create_issue`; others as they are.
fn short_tool(name: &str) -> String {
    let clean = sanitize::one_line(name, 60);
    match clean.strip_prefix("mcp__") {
        Some(rest) => rest.replacen("__", ".", 1),
        None => clean,
    }
}

fn note(a: &Activity) -> String {
    match a.status {
        Status::Failed if a.check.is_some() => {
            let what = a
                .error
                .as_deref()
                .map(|e| sanitize::one_line(e, 80))
                .unwrap_or_default();
            if what.is_empty() {
                "check failed".into()
            } else {
                what
            }
        }
        Status::Failed => a
            .error
            .as_deref()
            .map(|e| sanitize::one_line(e, 80))
            .unwrap_or_else(|| "failed".into()),
        Status::Rejected => "rejected by you".into(),
        Status::Cancelled => "cancelled (a parallel call failed)".into(),
        Status::Blocked => "refused by the harness".into(),
        Status::Interrupted => "interrupted".into(),
        Status::Running => String::new(),
        Status::Ok if a.lines_added + a.lines_removed > 0 => {
            format::lines(u64::from(a.lines_added), u64::from(a.lines_removed))
        }
        Status::Ok if a.check.is_some() => "passed".into(),
        Status::Ok => String::new(),
    }
}

fn risk_panel(
    a: &engine::Assessment,
    nudge: Option<&NudgeCard>,
    e: &Engine,
    now: Option<Millis>,
) -> RiskPanel {
    let computed = a.risk.as_ref().map(|r| r.band);
    let raised_for = nudge
        .filter(|_| computed.is_none_or(|b| b < Band::Watch))
        .map(|n| n.signal);
    let top = a.risk.as_ref().map_or_else(Vec::new, |r| {
        r.contributions
            .iter()
            .take(3)
            .map(|c| RiskTerm {
                id: c.id.clone(),
                name: term_name(&c.id),
                points: c.points,
            })
            .collect()
    });
    // Firings come in time order: the last one with a time is the latest.
    let latest = e.firings.iter().rev().find_map(|f| f.at);
    RiskPanel {
        tier: a.tier,
        tier_words: tier_words(a.tier),
        trouble: a.trouble,
        band: if raised_for.is_some() {
            Some(Band::Watch)
        } else {
            computed
        },
        raised_for,
        value: a.risk.as_ref().map_or(0.0, |r| r.value),
        top,
        fading_ms: now
            .zip(latest)
            .map(|(n, l)| n.since(l))
            .filter(|ms| computed.is_some() && *ms >= FADING_MS),
    }
}

/// A risk term's name: the signal's or the recovery move's (`S5` → `failing check loop`).
#[must_use]
pub fn term_name(id: &str) -> &'static str {
    if id == "nothing_written" {
        return "nothing written";
    }
    SignalId::parse(id).map(SignalId::name).unwrap_or_else(|| {
        RecoveryId::ALL
            .into_iter()
            .find(|r| r.code().eq_ignore_ascii_case(id))
            .map_or("", RecoveryId::name)
    })
}

/// What a failure tier means (signals.md 1.3).
#[must_use]
pub fn tier_words(t: u8) -> &'static str {
    match t {
        0 => "no trouble so far",
        1 => "an error, recovered",
        2 => "a stall or a correction",
        3 => "trouble",
        4 => "a hard failure",
        _ => "several hard failures",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::view::fixtures::demo_until;

    #[test]
    fn the_demo_mid_loop_shows_the_nudge_and_the_failing_calls() {
        let p = demo_until(62);
        let d = Dashboard::build(p.session(), p.engine(), None, &[], 0);
        assert_eq!(d.header.project, "logslice");
        assert_eq!(d.header.branch.as_deref(), Some("fix/since-timezone"));
        assert_eq!(d.header.model.as_deref(), Some("opus-4-6"));
        let nudge = d.nudge.expect("the S5 nudge");
        assert_eq!(nudge.signal, SignalId::S5);
        // Shown at the second run failing the same way after a fix, nothing looked at between.
        assert_eq!(
            nudge.evidence.iter().map(|l| l.0).collect::<Vec<_>>(),
            vec![47, 54]
        );
        let cur = d.current.expect("a current turn");
        assert_eq!(cur.number, 2);
        let failed = cur
            .activity
            .iter()
            .filter(|a| a.status == Status::Failed)
            .count();
        assert_eq!(failed, 3);
        assert!(d.risk.band.is_some() && !d.risk.top.is_empty());
        assert!(d.turns[1].signals.contains(&SignalId::S5) && d.turns[1].nudged);
    }

    #[test]
    fn the_nudge_retires_once_the_user_recovers() {
        let p = demo_until(97);
        let d = Dashboard::build(p.session(), p.engine(), None, &[], 0);
        assert!(
            d.nudge.is_none(),
            "the test passed and a commit landed after the nudge"
        );
        assert!(
            d.turns[1].nudged,
            "the timeline still marks where it was shown"
        );
    }

    #[test]
    fn a_dismissed_nudge_is_not_shown() {
        let p = demo_until(62);
        let d = Dashboard::build(p.session(), p.engine(), None, &[0], 0);
        assert!(d.nudge.is_none());
    }

    #[test]
    fn the_healthy_start_shows_no_risk_and_no_nudge() {
        let p = demo_until(34);
        let d = Dashboard::build(p.session(), p.engine(), None, &[], 0);
        assert!(d.nudge.is_none());
        assert_eq!(d.risk.band, None);
        assert_eq!(d.turns.len(), 1);
        assert!(
            d.current
                .unwrap()
                .activity
                .iter()
                .all(|a| a.status == Status::Ok)
        );
    }
}
