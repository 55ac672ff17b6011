//! Checks: tests, builds, lints and commit hooks. The same check failing again for the same
//! reason after a fix (S5), work called done without a check after the last edit (S13), a check
//! got around instead of fixed (S20), the agent saying it will get around one (S21); and the
//! recoveries a check or a commit brings (R5, R6).
//!
//! S5 compares failure signatures (the failing ids and the cause lines, see
//! [`crate::core::classify::failure`]): a run failing for the same reason as an earlier one, with
//! an edit in between and no look at the cause (no other file read, no search, no command run to
//! investigate), is an early warning; the same reason a third time fires whatever happened in
//! between. Runs failing for different reasons, each fixed at once, are progress.

use std::collections::HashMap;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use super::{short, short_path};
use crate::core::LineNo;
use crate::core::checks::{self, Bypass, CheckKind};
use crate::core::classify::intent::{self, Intent};
use crate::core::engine::detector::{Act, Cx, Detector, Evidence, PromptFacts, Trail};
use crate::core::engine::ids::{RecoveryId, SignalId};
use crate::core::event::{Action, Event, EventKind, Outcome, Tool, ToolResult};
use crate::core::hash::hash_str;
use crate::core::sanitize::one_line;
use crate::core::session::mode::{PathClass, classify_path};

/// Failing runs kept per check (the oldest go first).
const MAX_RUNS: usize = 16;
/// Files read since a failure, kept per check.
const MAX_READS: usize = 32;

/// S5, S13, S20, S21 and R5, R6.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub(super) struct Checks {
    /// Per kind of check: its failing runs since it last passed.
    loops: HashMap<CheckKind, CheckLoop>,
    /// A check has run at some point (the project has something to run).
    any_run: bool,
    /// Position in the turn of its last edit and its last check.
    last_edit_seq: Option<u32>,
    last_check_seq: Option<u32>,
    /// The turn's prompt asked for a check: the user is verifying.
    verification_asked: bool,
    /// The turn's prompt asked for the bypass itself ("commit with --no-verify").
    bypass_asked: bool,
    /// A check failed in this turn: only then (or in the turn after, see `failed_last_turn`) is
    /// the agent's text read for bypass intent.
    failed_this_turn: bool,
    /// A check failed in the previous turn and is still failing: the user's next prompt ("go
    /// ahead and commit it") is often where the agent talks the failure away.
    #[serde(default)]
    failed_last_turn: bool,
    /// S21 fired in the current failing episode (until every failing check passes).
    intent_fired: bool,
    /// The agent's latest text in this turn (a completion claim?), and its line.
    last_agent_text: Option<Arc<str>>,
    #[serde(default)]
    last_agent_line: Option<LineNo>,
    /// Ends of edit turns without a check after the last edit.
    unverified: Trail,
    /// The turn S13 fired in.
    s13_turn: Option<usize>,
    /// An edit that may get around a check, waiting for its result.
    pending_edit: Option<Attempt>,
}

/// What an action would do to a check, kept until it is judged (an edit: at its result).
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Attempt {
    id: u64,
    edit: bool,
    bypass: Option<Bypass>,
    /// For edits of tests: the literals newly asserted.
    literals: Vec<u64>,
    target: String,
}

impl Attempt {
    fn of(a: &Action) -> Self {
        Self {
            id: a.id,
            edit: matches!(a.tool, Tool::Edit | Tool::Write),
            bypass: a.bypass,
            literals: a
                .edit
                .as_ref()
                .map(|e| e.assert_literals.clone())
                .unwrap_or_default(),
            target: a.target.clone(),
        }
    }
}

/// Failing runs of one kind of check since it last passed.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
struct CheckLoop {
    runs: Vec<Run>,
    kind: Option<CheckKind>,
    target: String,
    /// Edits since the latest failing run.
    edits_since: u32,
    /// What the agent looked at since the latest failing run.
    look: Look,
    /// The S5 firing of this loop, and the signature it is about.
    episode: Option<(usize, u64)>,
    /// Values the latest failing run's assertions observed.
    observed: Vec<u64>,
}

/// One failing run.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Run {
    line: LineNo,
    signature: u64,
    /// The output named the failure (otherwise it is compared with nothing).
    named: bool,
    label: String,
    /// Edits between the previous failing run and this one.
    edits_before: u32,
    /// The agent looked at the cause between the previous failing run and this one.
    looked_before: bool,
}

/// Investigation since a failure: files read (and not edited since), and other looks (a search,
/// the web, a sub-agent, a command run to see something, another check).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
struct Look {
    reads: Vec<u64>,
    other: bool,
}

impl CheckLoop {
    /// What failed, for a detail: the commit's hooks, or the command.
    fn name(&self) -> String {
        if self.kind == Some(CheckKind::Commit) {
            "the commit's hooks".to_owned()
        } else {
            format!("`{}`", short(&self.target))
        }
    }
}

impl Look {
    fn any(&self) -> bool {
        self.other || !self.reads.is_empty()
    }
}

impl Detector for Checks {
    fn prompt(&mut self, p: &PromptFacts<'_>, _cx: &mut Cx<'_>) {
        self.last_edit_seq = None;
        self.last_check_seq = None;
        self.last_agent_text = None;
        self.last_agent_line = None;
        self.verification_asked = p.asks_verification;
        // Only a prompt that names the bypass can have asked for it (most prompts are not read).
        self.bypass_asked = ["verify", "hook", "skip", "bypass"]
            .iter()
            .any(|w| memchr::memmem::find(p.typed.as_bytes(), w.as_bytes()).is_some())
            && intent::intent(&p.typed).is_some();
        self.failed_last_turn = self.failed_this_turn && self.failing(false).is_some();
        self.failed_this_turn = false;
    }

    fn observe(&mut self, ev: &Event, cx: &mut Cx<'_>) {
        match &ev.kind {
            EventKind::Action(a) => {
                self.looked_at(a);
                let is_edit = matches!(a.tool, Tool::Edit | Tool::Write);
                let literals = a
                    .edit
                    .as_ref()
                    .is_some_and(|e| !e.assert_literals.is_empty());
                if a.bypass.is_none() && !literals {
                    return;
                }
                let attempt = Attempt::of(a);
                if is_edit {
                    // An edit gets around a check once it is made: judged on its result.
                    self.pending_edit = Some(attempt);
                } else {
                    self.bypass_act(&attempt, vec![ev.line], cx);
                }
            }
            EventKind::AgentText(t) => {
                self.last_agent_text = Some(t.text.clone());
                self.last_agent_line = Some(ev.line);
                self.bypass_intent(&t.text, ev.line, cx);
            }
            EventKind::Result(r) => {
                if let Some(p) = self.pending_edit.take_if(|p| p.id == r.id)
                    && r.outcome == Outcome::Ok
                {
                    self.bypass_act(&p, vec![ev.line], cx);
                }
                let Some(act) = cx.act() else { return };
                if r.outcome == Outcome::Ok {
                    if matches!(act.tool, Tool::Edit | Tool::Write) {
                        for lp in self.loops.values_mut() {
                            if !lp.runs.is_empty() {
                                lp.edits_since += 1;
                            }
                        }
                        self.last_edit_seq = Some(act.seq);
                    }
                    if r.committed {
                        cx.recover(
                            RecoveryId::R6,
                            ev.line,
                            format!("committed: `{}`", short(&act.target)),
                        );
                    }
                }
                if let Some(kind) = act.check
                    && matches!(r.outcome, Outcome::Ok | Outcome::Error)
                {
                    self.on_check(kind, act, r, ev.line, cx);
                    cx.standing.failing_runs = self.failing_runs();
                }
            }
            _ => {}
        }
    }

    /// S13: the turn's edits were not checked after the last one.
    fn end_of_turn(&mut self, cx: &mut Cx<'_>) {
        let turn = cx.turn_index();
        let Some(t) = cx.session.turn(turn) else {
            return;
        };
        let prose_only = !t.files.is_empty()
            && t.files
                .iter()
                .all(|f| matches!(classify_path(f), PathClass::Prose));
        if t.tally.lines_added == 0 || prose_only || self.s13_turn == Some(turn) {
            return;
        }
        let line = cx.turn().last_line;
        let claims = self
            .last_agent_text
            .as_deref()
            .is_some_and(|t| cx.rules.lex.claims_done(t));
        // A claim is pointed at where the user reads it (not at the turn's closing record).
        let claim_line = self.last_agent_line.unwrap_or(line);
        if claims && cx.standing.last_check_failed {
            self.s13_turn = Some(turn);
            let detail =
                "Claude says the work is done, but the last check it ran failed".to_owned();
            cx.fire(SignalId::S13, vec![claim_line], 1.0, detail, 2);
            return;
        }
        let verified = match (self.last_check_seq, self.last_edit_seq) {
            (Some(c), Some(e)) => c > e,
            (_, None) => true,
            (None, Some(_)) => false,
        };
        if verified || self.verification_asked {
            self.unverified.clear();
            return;
        }
        if claims {
            self.s13_turn = Some(turn);
            cx.fire(
                SignalId::S13,
                vec![claim_line],
                1.0,
                "Claude says the work is done, but nothing was run after its last edit".into(),
                0,
            );
            return;
        }
        self.unverified.push(line);
        let n = self.unverified.len();
        if n >= cx.rules.config.thresholds.s13_unverified_turns as usize && self.any_run {
            self.s13_turn = Some(turn);
            let evidence = Evidence::from(&self.unverified);
            self.unverified.clear();
            let detail =
                format!("{n} turns of edits ended without a test or build after the last edit");
            cx.fire(SignalId::S13, evidence, 1.0, detail, 1);
        }
    }
}

impl Checks {
    /// A check is failing now (its last run failed); `tests` asks only about test runs and the
    /// commit hooks that run them.
    fn failing(&self, tests: bool) -> Option<&CheckLoop> {
        self.loops
            .iter()
            .filter(|(k, lp)| {
                !lp.runs.is_empty() && (!tests || matches!(k, CheckKind::Test | CheckKind::Commit))
            })
            .map(|(_, lp)| lp)
            .max_by_key(|lp| lp.runs.last().map(|r| r.line))
    }

    /// What an action says about investigation: see [`Look`].
    fn looked_at(&mut self, a: &Action) {
        if self.loops.values().all(|lp| lp.runs.is_empty()) {
            return;
        }
        let path = hash_str(&a.target);
        for (kind, lp) in self.loops.iter_mut().filter(|(_, lp)| !lp.runs.is_empty()) {
            let look = &mut lp.look;
            match a.tool {
                Tool::Read if !look.reads.contains(&path) && look.reads.len() < MAX_READS => {
                    look.reads.push(path);
                }
                // Reading a file to edit it is not a look at the cause.
                Tool::Edit | Tool::Write => look.reads.retain(|r| *r != path),
                Tool::Search | Tool::Web | Tool::Task => look.other = true,
                Tool::Bash => match a.check {
                    Some(k) if k == *kind => {}
                    Some(_) => look.other = true,
                    None if a.target.starts_with("git ") => {}
                    None => look.other = true,
                },
                _ => {}
            }
        }
    }

    /// S20: an action that gets around a failing check (`--no-verify` always, unless the user
    /// asked for it); S21 for a bypass offered in a question. `evidence` ends where it fires:
    /// a command's call, an edit's successful result.
    fn bypass_act(&mut self, a: &Attempt, evidence: Vec<LineNo>, cx: &mut Cx<'_>) {
        let line = evidence.last().copied().unwrap_or_default();
        let what = if a.edit {
            format!("in {}", short_path(&a.target))
        } else {
            format!("`{}`", short(&checks::gist(&a.target)))
        };
        if let Some(b) = a.bypass {
            if b == Bypass::Offered {
                if let Some(lp) = self.failing(false)
                    && !self.intent_fired
                {
                    let failed = lp.runs.last().map_or(line, |r| r.line);
                    let detail = format!(
                        "{} failed, and Claude asks you whether to get around it",
                        lp.name()
                    );
                    self.intent_fired = true;
                    cx.fire(SignalId::S21, vec![failed, line], 1.0, detail, 2);
                }
                return;
            }
            let failing = if b == Bypass::NoVerify {
                !self.bypass_asked
            } else {
                self.failing(b.about_tests()).is_some()
            };
            if failing {
                let detail = if a.edit {
                    format!("while a check is failing, Claude {} {what}", b.describe())
                } else {
                    format!("Claude {}: {what}", b.describe())
                };
                cx.fire(SignalId::S20, evidence, 1.0, detail, 0);
                return;
            }
        }
        // The expected value replaced by the one the failing run observed.
        if !a.literals.is_empty()
            && let Some(lp) = self.failing(true)
            && a.literals.iter().any(|h| lp.observed.contains(h))
        {
            let detail = format!(
                "Claude changed an expected value {what} to the one the failing run got (line {})",
                lp.runs.last().map_or(line, |r| r.line)
            );
            cx.fire(SignalId::S20, evidence, 1.0, detail, 1);
        }
    }

    /// S21: after a check failed in this turn (or in the previous one, still failing), the agent
    /// says in its own words that it will get around it, calls the failure someone else's, or
    /// offers a bypass (once per failing episode); not when the user asked for the bypass.
    fn bypass_intent(&mut self, text: &str, line: LineNo, cx: &mut Cx<'_>) {
        if self.intent_fired
            || self.bypass_asked
            || !(self.failed_this_turn || self.failed_last_turn)
        {
            return;
        }
        let Some(lp) = self.failing(false) else {
            return;
        };
        let Some((kind, words)) = intent::intent_with_words(text) else {
            return;
        };
        let failed = lp.runs.last().map_or(line, |r| r.line);
        let detail = if kind == Intent::Offer {
            format!(
                "{} failed, and Claude offers you a way around it: \"…{}…\"",
                lp.name(),
                one_line(words, 50)
            )
        } else {
            format!(
                "{} failed, and Claude now says \"…{}…\"",
                lp.name(),
                one_line(words, 50)
            )
        };
        let variant = match kind {
            Intent::Dismiss => 0,
            Intent::Skip => 1,
            Intent::Offer => 2,
        };
        self.intent_fired = true;
        cx.fire(SignalId::S21, vec![failed, line], 1.0, detail, variant);
    }

    /// The most runs any kind of check has failed for one same reason since it last passed
    /// (failures whose output names nothing count as one reason): two make tier 3. Runs failing
    /// for different reasons, each fixed at once, are progress, not trouble.
    fn failing_runs(&self) -> usize {
        self.loops
            .values()
            .map(|lp| {
                lp.runs
                    .iter()
                    .map(|r| {
                        lp.runs
                            .iter()
                            .filter(|o| {
                                o.named == r.named && (!r.named || o.signature == r.signature)
                            })
                            .count()
                    })
                    .max()
                    .unwrap_or(0)
            })
            .max()
            .unwrap_or(0)
    }

    /// A check ran: R5 when it passed after failing; S5 when it failed again for a reason it
    /// failed for before, after a fix (see the module docs).
    fn on_check(
        &mut self,
        kind: CheckKind,
        act: &Act,
        r: &ToolResult,
        line: LineNo,
        cx: &mut Cx<'_>,
    ) {
        self.any_run = true;
        self.last_check_seq = Some(act.seq);
        let need = cx.rules.config.thresholds.s5_failing_check_runs as usize;
        let lp = self.loops.entry(kind).or_default();
        if !r.check_failed {
            let failed = lp.runs.len();
            *lp = CheckLoop::default();
            if failed > 0 {
                let detail = format!(
                    "`{}` passed after {} failing run{}",
                    short(&act.target),
                    failed,
                    if failed == 1 { "" } else { "s" }
                );
                cx.recover(RecoveryId::R5, line, detail);
            }
            if self.loops.values().all(|l| l.runs.is_empty()) {
                self.intent_fired = false;
            }
            return;
        }
        self.failed_this_turn = true;
        let (signature, named, label, observed) = r
            .failure
            .as_ref()
            .map_or((0, false, String::new(), Vec::new()), |f| {
                (f.signature, f.named, f.label.clone(), f.observed.clone())
            });
        let run = Run {
            line,
            signature,
            named,
            label,
            edits_before: std::mem::take(&mut lp.edits_since),
            looked_before: std::mem::take(&mut lp.look).any(),
        };
        lp.observed = observed;
        lp.kind = Some(kind);
        lp.target = checks::gist(&act.target);
        if lp.runs.len() >= MAX_RUNS {
            lp.runs.remove(0);
        }
        lp.runs.push(run);
        let Some(last) = lp.runs.last().filter(|r| r.named) else {
            return;
        };
        let sig = last.signature;
        // The earliest run of this episode that failed for the same reason.
        let same: Vec<usize> = (0..lp.runs.len())
            .filter(|i| lp.runs[*i].named && lp.runs[*i].signature == sig)
            .collect();
        if same.len() < 2 {
            return;
        }
        let prev = same[same.len() - 2];
        let after = &lp.runs[prev + 1..];
        let fixed = after.iter().any(|r| r.edits_before > 0);
        let looked = after.iter().any(|r| r.looked_before);
        // A commit refused again for the same reason with nothing changed and nothing looked at
        // in between is a retry that could not work (hooks give the same answer to the same
        // tree); a test run again unchanged may be a look at a flaky one.
        let retried = kind == CheckKind::Commit && !fixed && !looked;
        let ongoing = matches!(lp.episode, Some((_, s)) if s == sig);
        if !ongoing && ((!fixed && !retried) || (looked && same.len() < need)) {
            return;
        }
        let n = same.len();
        let evidence: Vec<LineNo> = same.iter().map(|i| lp.runs[*i].line).collect();
        let label = one_line(&lp.runs[prev].label, 40);
        let why = if label.is_empty() {
            String::new()
        } else {
            format!(" ({label})")
        };
        let how = if retried && n == 2 {
            format!("again for the same reason{why}, with nothing changed in between")
        } else if looked || n > 2 {
            format!("{n} times for the same reason{why}, with fixes in between")
        } else {
            format!("again for the same reason{why} after a fix, with nothing looked at in between")
        };
        let (detail, variant) = if kind == CheckKind::Commit {
            (format!("the commit's hooks rejected it {how}"), 1)
        } else {
            (format!("`{}` failed {how}", short(&lp.target)), 0)
        };
        // Both ways in are the threshold: twice unexamined, or `need` times in any case.
        let intensity = 1.0;
        match lp.episode {
            Some((i, s)) if s == sig => cx.update(i, evidence, intensity, detail),
            Some(_) => {}
            None => {
                let i = cx.fire(SignalId::S5, evidence, intensity, detail, variant);
                lp.episode = Some((i, sig));
            }
        }
    }
}
