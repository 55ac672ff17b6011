//! `ringside export`: the review's session summaries as records a team's engines read as they
//! are (DuckDB, ClickHouse, BigQuery, Spark), one per session and one per turn, and the ledger
//! that makes a second export append only what is new.
//!
//! Pure: the summaries, the user's feedback on nudges, the salt and the export's time come in
//! as data. Nothing identifying goes into a record unless asked for: no prompt text, path,
//! command, branch or file name, ever; the session id and the project are HMAC-SHA256
//! pseudonyms under a per-installation salt ([`Pseudonyms`]) unless `with_names`. Every figure is
//! one the summary already holds (the review computed it): nothing here reads a transcript or
//! computes a signal, a stack or a hard signal a second way.
//!
//! Versions: a record is keyed by its session id (and prompt number). The [`Ledger`] keeps, per
//! key, the version last exported and a digest of its content; a record whose content changed
//! (more prompts, a nudge you gave feedback on, a new summary version) is exported again with
//! the version raised and a new `exported_at`, never silently twice. A prompt that is no longer
//! in its session (rare: a rewritten transcript) is exported once more as `deleted: true`.
//! Readers keep the highest version per key (ClickHouse's `ReplacingMergeTree(version,
//! deleted)` does exactly that).

pub mod otlp;

use std::collections::BTreeMap;

use hmac::{Hmac, KeyInit, Mac};
use serde::{Deserialize, Serialize};
use sha2::Sha256;

use crate::core::Millis;
use crate::core::agents::Format;
use crate::core::engine::ids::SignalId;
use crate::core::hash::Fnv;
use crate::core::review::{SessionSummary, TurnBrief, geomean, lenses::Around};

/// Version of the records' shape. Fields are only ever added; renaming or removing one, or
/// changing what one means, bumps it (and `docs/export.schema.json`).
pub const SCHEMA: u32 = 1;

/// Every agent a record can name, for `--agent`: the ids `sessions --json` uses.
#[must_use]
pub fn agents() -> Vec<&'static str> {
    Format::ALL.iter().map(|f| f.id()).collect()
}

/// The agent of a session, as records name it (`claude-code`): the one place a record's
/// `agent` comes from, the format the session was read in.
#[must_use]
pub fn agent_of(s: &SessionSummary) -> &'static str {
    s.format.id()
}

/// Whether a session was active in `[since, until)`: started before its end and last active
/// at or after its start, as the review places sessions in its period. A session with no time
/// at all is in only an unbounded window.
#[must_use]
pub fn active_in(s: &SessionSummary, since: Option<Millis>, until: Option<Millis>) -> bool {
    let Some(start) = s.started.or(s.last) else {
        return since.is_none() && until.is_none();
    };
    let end = s.end().unwrap_or(start);
    until.is_none_or(|u| start < u.0) && since.is_none_or(|f| end >= f.0)
}

/// The provider behind an agent (`gen_ai.provider.name`), where it is fixed.
#[must_use]
pub fn provider_of(agent: &str) -> Option<&'static str> {
    match agent {
        "claude-code" => Some("anthropic"),
        _ => None,
    }
}

/// Salted, keyed pseudonyms: `hex(HMAC-SHA256(salt, domain || 0 || value))`, cut to 128 bits.
/// The same value gives the same id on one installation (so records join across exports), and
/// ids from another installation, or without the salt, cannot be matched to anything.
#[derive(Clone)]
pub struct Pseudonyms {
    key: [u8; 32],
}

impl std::fmt::Debug for Pseudonyms {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Pseudonyms(..)")
    }
}

impl Pseudonyms {
    /// Pseudonyms under this salt.
    #[must_use]
    pub fn new(key: [u8; 32]) -> Self {
        Self { key }
    }

    /// The pseudonym of `value` in `domain` (`session`, `project`): 32 hex digits.
    #[must_use]
    pub fn id(&self, domain: &str, value: &str) -> String {
        // A 32-byte key is always a valid HMAC key; the fallback never runs.
        let Ok(mut mac) = <Hmac<Sha256> as KeyInit>::new_from_slice(&self.key) else {
            return String::new();
        };
        mac.update(domain.as_bytes());
        mac.update(&[0]);
        mac.update(value.as_bytes());
        let bytes = mac.finalize().into_bytes();
        let mut out = String::with_capacity(32);
        for b in bytes.iter().take(16) {
            out.push_str(&format!("{b:02x}"));
        }
        out
    }
}

/// What a record may say about who and where.
#[derive(Debug, Clone)]
pub struct Options {
    pub pseudonyms: Pseudonyms,
    /// The real session id and project folder name instead of pseudonyms (`--with-names`).
    pub with_names: bool,
    /// The person, only when they opted in (`--person`).
    pub person: Option<String>,
}

/// One piece of feedback on a nudge, as the export matches it: the session (its real id), the
/// signal and the line the nudge rested on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Feedback {
    pub session: String,
    pub signal: String,
    pub line: u64,
    pub at: Millis,
    pub helpful: bool,
}

/// Counts shared by a session record (the main thread) and a prompt record (one turn).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Figures {
    pub actions: u64,
    pub tool_calls: u64,
    pub tool_errors: u64,
    pub failed: u64,
    pub interrupts: u64,
    pub model_calls: u64,
    pub output_tokens: u64,
    pub words: u64,
    pub lines_added: u64,
    pub lines_removed: u64,
    pub checks_run: u64,
    pub checks_failed: u64,
    pub delegated_actions: u64,
}

/// A signal and how often it fired.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignalCount {
    pub id: String,
    pub firings: u32,
}

/// A recovery move and how often it was made (in the session: also how often from the first
/// troubled prompt on, which is what the review's "worked" counts).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecoveryCount {
    pub id: String,
    pub count: u32,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub after_trouble: Option<u32>,
}

/// Nudges of one signal in a session: shown, and your feedback on them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NudgeCount {
    pub signal: String,
    pub shown: u32,
    pub dismissed: u32,
    pub helpful: u32,
}

/// A nudge shown during a prompt, and your feedback on it (`dismissed`, `helpful` or null).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PromptNudge {
    pub signal: String,
    pub feedback: Option<String>,
}

/// Hard signals of a session (sessions with each kind are what the review counts).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct HardSignals {
    pub commit: u32,
    pub pr: u32,
    pub test_passed: u32,
    pub affirmation: u32,
}

/// Hard signals of one prompt (pull requests are counted per session only).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PromptHardSignals {
    pub commit: u32,
    pub test_passed: u32,
    pub affirmation: u32,
}

/// The three behaviours over a session's typed prompts.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Behaviours {
    pub prompts: u32,
    pub specific: u32,
    pub verification: u32,
    pub corrections: u32,
}

/// What one prompt was.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PromptBehaviours {
    pub specific: bool,
    pub verification: bool,
    pub correction: bool,
    pub plan_mode: bool,
}

/// One session (`sessions.jsonl`); see the README's "Team view" and `docs/export.schema.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SessionRecord {
    pub schema: u32,
    pub session_id: String,
    pub version: u32,
    pub exported_at: String,
    pub agent: String,
    pub entry_point: Option<String>,
    pub headless: bool,
    pub project: String,
    pub person: Option<String>,
    pub model: Option<String>,
    pub started: Option<String>,
    pub last_activity: Option<String>,
    pub duration_ms: Option<u64>,
    pub work_mode: String,
    pub stacks: Vec<String>,
    pub prompts: u32,
    #[serde(flatten)]
    pub figures: Figures,
    pub actions_per_prompt_geomean: f64,
    pub tier: u8,
    pub trouble: bool,
    pub trouble_prompt: Option<u32>,
    pub recovered: bool,
    pub abandoned: bool,
    pub signals: Vec<SignalCount>,
    pub recoveries: Vec<RecoveryCount>,
    pub nudges: Vec<NudgeCount>,
    pub nudges_shown: u32,
    pub nudges_dismissed: u32,
    pub nudges_helpful: u32,
    pub hard_signal: bool,
    pub hard_signals: HardSignals,
    pub behaviours: Behaviours,
    pub around_model: Vec<String>,
}

/// One turn of a session (`prompts.jsonl`): prompt 0 is work before the first prompt.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PromptRecord {
    pub schema: u32,
    pub session_id: String,
    pub prompt: u32,
    pub version: u32,
    pub exported_at: String,
    pub deleted: bool,
    pub agent: String,
    pub entry_point: Option<String>,
    pub headless: bool,
    pub project: String,
    pub person: Option<String>,
    pub work_mode: String,
    pub stacks: Vec<String>,
    pub started: Option<String>,
    pub duration_ms: Option<u64>,
    pub source: Option<String>,
    pub prompt_chars: u32,
    #[serde(flatten)]
    pub figures: Figures,
    pub tier: u8,
    pub peak_tier: u8,
    pub trouble: bool,
    pub signals: Vec<SignalCount>,
    pub recoveries: Vec<RecoveryCount>,
    pub nudges: Vec<PromptNudge>,
    pub hard_signal: bool,
    pub hard_signals: PromptHardSignals,
    pub behaviours: PromptBehaviours,
}

fn time(ms: Option<i64>) -> Option<String> {
    ms.map(|m| Millis(m).to_string())
}

fn signal_counts(map: &BTreeMap<String, u32>) -> Vec<SignalCount> {
    let mut v: Vec<SignalCount> = map
        .iter()
        .map(|(id, n)| SignalCount {
            id: id.clone(),
            firings: *n,
        })
        .collect();
    // Catalogue order (S2 before S10); an id this build does not know goes last, by name.
    v.sort_by(|a, b| {
        let (x, y) = (SignalId::parse(&a.id), SignalId::parse(&b.id));
        x.is_none()
            .cmp(&y.is_none())
            .then(x.cmp(&y))
            .then_with(|| a.id.cmp(&b.id))
    });
    v
}

fn recovery_counts(
    map: &BTreeMap<String, u32>,
    after: Option<&BTreeMap<String, u32>>,
) -> Vec<RecoveryCount> {
    map.iter()
        .map(|(id, n)| RecoveryCount {
            id: id.clone(),
            count: *n,
            after_trouble: after.map(|a| a.get(id).copied().unwrap_or(0)),
        })
        .collect()
}

fn turn_figures(t: &TurnBrief) -> Figures {
    Figures {
        actions: u64::from(t.actions),
        tool_calls: u64::from(t.tool_calls),
        tool_errors: u64::from(t.tool_errors),
        failed: u64::from(t.failed),
        interrupts: u64::from(t.interrupts),
        model_calls: u64::from(t.model_calls),
        output_tokens: t.output_tokens,
        words: t.words,
        lines_added: t.lines_added,
        lines_removed: t.lines_removed,
        checks_run: u64::from(t.checks_run),
        checks_failed: u64::from(t.checks_failed),
        delegated_actions: t.delegated_actions,
    }
}

/// The latest feedback given on each nudge (session, signal, line) of these entries.
fn latest_feedback<'a>(
    feedback: impl Iterator<Item = &'a Feedback>,
) -> BTreeMap<(&'a str, u64), &'a Feedback> {
    let mut by: BTreeMap<(&str, u64), &Feedback> = BTreeMap::new();
    for f in feedback {
        let e = by.entry((f.signal.as_str(), f.line)).or_insert(f);
        if f.at >= e.at {
            *e = f;
        }
    }
    by
}

/// A session's records: the session, then one per turn. Versions are 0 and `exported_at`
/// empty until [`Ledger::admit`] settles them. `feedback` may hold other sessions' entries.
#[must_use]
pub fn records(
    s: &SessionSummary,
    feedback: &[Feedback],
    o: &Options,
) -> (SessionRecord, Vec<PromptRecord>) {
    let agent = agent_of(s).to_owned();
    // A session without an id (none today: the file stem names it) is keyed by its file, so
    // two of them never share a record (and a path never leaves, even with names).
    let key = if s.id.is_empty() { &s.path } else { &s.id };
    let session_id = if o.with_names && !s.id.is_empty() {
        s.id.clone()
    } else {
        o.pseudonyms.id("session", key)
    };
    let project = if o.with_names {
        s.project().to_owned()
    } else {
        o.pseudonyms.id("project", s.project())
    };
    let entry_point = s.entry_point.map(|e| e.key().to_owned());
    let work_mode = s.mode.map_or("unknown", |m| m.label()).to_owned();
    let stacks: Vec<String> = s
        .lenses
        .main_stacks()
        .into_iter()
        .map(|x| x.label().to_owned())
        .collect();
    let given = latest_feedback(feedback.iter().filter(|f| f.session == s.id));
    let verdict = |signal: &str, line: u64| {
        given
            .get(&(signal, line))
            .map(|f| if f.helpful { "helpful" } else { "dismissed" })
    };
    let mut nudges: BTreeMap<String, NudgeCount> = BTreeMap::new();
    let prompts: Vec<PromptRecord> = s
        .turns
        .iter()
        .map(|t| {
            let nudged: Vec<PromptNudge> = t
                .nudges
                .iter()
                .map(|(signal, line)| {
                    let feedback = verdict(signal, *line);
                    let row = nudges.entry(signal.clone()).or_insert_with(|| NudgeCount {
                        signal: signal.clone(),
                        shown: 0,
                        dismissed: 0,
                        helpful: 0,
                    });
                    row.shown += 1;
                    match feedback {
                        Some("helpful") => row.helpful += 1,
                        Some(_) => row.dismissed += 1,
                        None => {}
                    }
                    PromptNudge {
                        signal: signal.clone(),
                        feedback: feedback.map(str::to_owned),
                    }
                })
                .collect();
            let hard = PromptHardSignals {
                commit: t.commits,
                test_passed: t.tests_passed,
                affirmation: u32::from(t.affirmation),
            };
            PromptRecord {
                schema: SCHEMA,
                session_id: session_id.clone(),
                prompt: t.number,
                version: 0,
                exported_at: String::new(),
                deleted: false,
                agent: agent.clone(),
                entry_point: entry_point.clone(),
                headless: s.lenses.headless,
                project: project.clone(),
                person: o.person.clone(),
                work_mode: work_mode.clone(),
                stacks: stacks.clone(),
                started: time(t.at),
                duration_ms: t.duration_ms,
                source: t.source.map(|p| source_key(p).to_owned()),
                prompt_chars: t.prompt_chars,
                figures: turn_figures(t),
                tier: t.tier,
                peak_tier: t.peak_tier,
                trouble: t.peak_tier >= 3,
                signals: signal_counts(&t.signals),
                recoveries: recovery_counts(&t.recoveries, None),
                nudges: nudged,
                hard_signal: hard.commit + hard.test_passed + hard.affirmation > 0,
                hard_signals: hard,
                behaviours: PromptBehaviours {
                    specific: t.specific,
                    verification: t.verification,
                    correction: t.correction,
                    plan_mode: t.plan_mode,
                },
            }
        })
        .collect();
    // Nudges the summary counts but no turn holds (there are none today) still count as shown.
    for (signal, n) in &s.nudges {
        let row = nudges.entry(signal.clone()).or_insert_with(|| NudgeCount {
            signal: signal.clone(),
            shown: 0,
            dismissed: 0,
            helpful: 0,
        });
        row.shown = row.shown.max(*n);
    }
    let mut nudges: Vec<NudgeCount> = nudges.into_values().collect();
    nudges.sort_by_key(|n| SignalId::parse(&n.signal));
    let l = &s.lenses;
    let t = &s.totals;
    let session = SessionRecord {
        schema: SCHEMA,
        session_id,
        version: 0,
        exported_at: String::new(),
        agent,
        entry_point,
        headless: l.headless,
        project,
        person: o.person.clone(),
        model: s.model.clone(),
        started: time(s.started),
        last_activity: time(s.end()),
        duration_ms: s
            .started
            .zip(s.end())
            .map(|(a, b)| Millis(b).since(Millis(a))),
        work_mode,
        stacks,
        prompts: s.prompts,
        figures: Figures {
            actions: s.actions,
            tool_calls: u64::from(t.tool_calls),
            tool_errors: u64::from(t.tool_errors),
            failed: u64::from(t.failed),
            interrupts: u64::from(t.interrupts),
            model_calls: u64::from(t.model_calls),
            output_tokens: s.output_tokens,
            words: t.words,
            lines_added: s.lines_added,
            lines_removed: t.lines_removed,
            checks_run: u64::from(t.checks_run),
            checks_failed: u64::from(t.checks_failed),
            delegated_actions: t.delegated_actions,
        },
        actions_per_prompt_geomean: geomean(s.prompt_actions()),
        tier: s.tier,
        trouble: s.trouble,
        trouble_prompt: s.trouble_turn,
        recovered: s.recovered,
        abandoned: s.abandoned,
        signals: signal_counts(&s.signals),
        recoveries: recovery_counts(&s.recoveries, Some(&s.recoveries_after_trouble)),
        nudges_shown: nudges.iter().map(|n| n.shown).sum(),
        nudges_dismissed: nudges.iter().map(|n| n.dismissed).sum(),
        nudges_helpful: nudges.iter().map(|n| n.helpful).sum(),
        nudges,
        hard_signal: l.hard_signal(),
        hard_signals: HardSignals {
            commit: l.commits,
            pr: l.prs,
            test_passed: l.tests_passed,
            affirmation: l.affirmations,
        },
        behaviours: Behaviours {
            prompts: l.prompts,
            specific: l.specific,
            verification: l.verification,
            corrections: l.corrections,
        },
        around_model: l.around().map(Around::key).map(str::to_owned).collect(),
    };
    (session, prompts)
}

fn source_key(p: crate::core::event::PromptSource) -> &'static str {
    use crate::core::event::PromptSource;
    match p {
        PromptSource::Typed => "typed",
        PromptSource::Queued => "queued",
        PromptSource::Command => "command",
    }
}

/// Digest of a record's content: its JSON with the version and `exported_at` blanked.
fn digest<T: Serialize>(record: &T) -> u64 {
    let mut h = Fnv::default();
    if let Ok(bytes) = serde_json::to_vec(record) {
        h.write(&bytes);
    }
    // Never 0: 0 marks a prompt number never exported.
    h.finish().max(1)
}

/// The digest recorded for a prompt exported as deleted.
const DELETED: u64 = 1;

/// Per session (by its exported id): the version last exported, its digest, and per prompt
/// number the same (`(0, 0)`: never exported).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ledger {
    pub sessions: BTreeMap<String, Mark>,
}

/// One session's entry in the [`Ledger`].
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Mark {
    pub v: u32,
    pub d: u64,
    /// Indexed by prompt number: (version, digest).
    pub p: Vec<(u32, u64)>,
}

/// What one export adds: records whose content is new, with versions set.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Changes {
    pub sessions: Vec<SessionRecord>,
    pub prompts: Vec<PromptRecord>,
    /// Sessions whose records were already exported as they are.
    pub unchanged: usize,
}

impl Changes {
    /// Nothing to write.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.sessions.is_empty() && self.prompts.is_empty()
    }
}

impl Ledger {
    /// Admits one session's records: those whose content differs from what was exported last
    /// get the next version and `exported_at` and go into `out`; the ledger records them (the
    /// caller stores it only once they are written). A prompt exported before and missing now
    /// is admitted once more, as deleted.
    pub fn admit(
        &mut self,
        session: SessionRecord,
        prompts: Vec<PromptRecord>,
        exported_at: Millis,
        out: &mut Changes,
    ) {
        let at = exported_at.to_string();
        let mark = self.sessions.entry(session.session_id.clone()).or_default();
        let mut changed = false;
        let mut present: Vec<bool> = vec![false; mark.p.len()];
        for mut p in prompts {
            let n = p.prompt as usize;
            let d = digest(&p);
            if mark.p.len() <= n {
                mark.p.resize(n + 1, (0, 0));
            }
            if let Some(seen) = present.get_mut(n) {
                *seen = true;
            }
            let (v, old) = mark.p[n];
            if old != d {
                mark.p[n] = (v + 1, d);
                p.version = v + 1;
                p.exported_at.clone_from(&at);
                out.prompts.push(p);
                changed = true;
            }
        }
        for (n, seen) in present.iter().enumerate() {
            let (v, d) = mark.p[n];
            if !seen && v > 0 && d != DELETED {
                mark.p[n] = (v + 1, DELETED);
                out.prompts.push(PromptRecord {
                    version: v + 1,
                    exported_at: at.clone(),
                    ..deleted(&session, u32::try_from(n).unwrap_or(u32::MAX))
                });
                changed = true;
            }
        }
        let d = digest(&session);
        if mark.d != d {
            mark.v += 1;
            mark.d = d;
            let mut session = session;
            session.version = mark.v;
            session.exported_at = at;
            out.sessions.push(session);
        } else if !changed {
            out.unchanged += 1;
        }
    }
}

/// The record of a prompt that is no longer in its session.
fn deleted(s: &SessionRecord, prompt: u32) -> PromptRecord {
    PromptRecord {
        schema: SCHEMA,
        session_id: s.session_id.clone(),
        prompt,
        version: 0,
        exported_at: String::new(),
        deleted: true,
        agent: s.agent.clone(),
        entry_point: s.entry_point.clone(),
        headless: s.headless,
        project: s.project.clone(),
        person: s.person.clone(),
        work_mode: s.work_mode.clone(),
        stacks: s.stacks.clone(),
        started: None,
        duration_ms: None,
        source: None,
        prompt_chars: 0,
        figures: Figures::default(),
        tier: 0,
        peak_tier: 0,
        trouble: false,
        signals: Vec::new(),
        recoveries: Vec::new(),
        nudges: Vec::new(),
        hard_signal: false,
        hard_signals: PromptHardSignals::default(),
        behaviours: PromptBehaviours::default(),
    }
}

#[cfg(test)]
mod tests;
