//! The session model: turns with their scorecards, session totals, sub-agents.
//!
//! Plain data, filled by [`super::Builder`]; every figure here is what `score --json` prints and
//! what the TUI draws.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use crate::core::checks::CheckKind;
use crate::core::event::{EntryPoint, PromptSource};
use crate::core::stack::Stack;
use crate::core::{LineNo, Millis};

/// Counts shared by a turn, a session and a sub-agent.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Tally {
    /// Unique `tool_use` ids.
    pub tool_calls: u32,
    /// Results marked `is_error: true` (rejections and cancelled siblings included).
    pub tool_errors: u32,
    /// Successful tool calls: a result that is not an error and was not interrupted.
    pub actions: u32,
    /// Real failures: errors that are not rejections, cancellations, interrupts or harness blocks.
    pub failed: u32,
    /// Parallel calls cancelled because a sibling failed.
    pub cancelled: u32,
    /// Calls the harness refused (read-before-edit, hooks).
    pub blocked: u32,
    /// Calls the user rejected.
    pub rejections: u32,
    /// Esc presses.
    pub interrupts: u32,
    /// Distinct API responses.
    pub model_calls: u32,
    /// Output tokens, counted once per response at its largest figure.
    pub output_tokens: u64,
    /// Words of agent text shown to the user.
    pub words: u64,
    pub lines_added: u64,
    pub lines_removed: u64,
    /// Test, build, lint and commit commands run.
    pub checks_run: u32,
    pub checks_failed: u32,
    /// Tool calls made by sub-agents this work spawned (from their reported totals).
    pub delegated_actions: u64,
    /// API calls that finally failed.
    pub api_errors: u32,
}

/// One check (test, build, lint, commit) and how it ended.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct CheckRun {
    pub line: LineNo,
    pub kind: CheckKind,
    pub passed: bool,
}

/// The human prompt that opened a turn.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct TurnPrompt {
    /// Raw text (cut to a few KiB): sanitise before showing.
    pub text: String,
    pub len: usize,
    pub source: PromptSource,
    pub images: u32,
    /// Sent in plan mode.
    pub plan_mode: bool,
}

/// One human prompt and everything until the next.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Turn {
    /// 1-based prompt number; 0 for work before the first prompt.
    pub number: usize,
    /// The prompt's line (for a preamble, its first event's line).
    pub line: LineNo,
    /// `None` for the preamble.
    pub prompt: Option<TurnPrompt>,
    pub started: Option<Millis>,
    pub last: Option<Millis>,
    /// Claude Code's own turn duration, when it wrote one.
    pub reported_ms: Option<u64>,
    pub tally: Tally,
    /// Files edited or written successfully.
    pub files: BTreeSet<String>,
    pub checks: Vec<CheckRun>,
    /// Calls per tool name.
    pub tools: BTreeMap<String, u32>,
    /// Claude Code marked the turn finished.
    pub ended: bool,
    /// The turn's tool calls in order, the latest [`ACTIVITY_KEEP`] of them.
    pub activity: Vec<Activity>,
    /// Older calls dropped from [`Self::activity`].
    pub activity_dropped: u32,
}

/// Tool calls kept per turn for the activity feed (the latest ones).
pub const ACTIVITY_KEEP: usize = 400;

/// How a tool call stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// No result yet.
    Running,
    Ok,
    Failed,
    Rejected,
    /// Cancelled because a parallel sibling failed.
    Cancelled,
    /// Refused by the harness.
    Blocked,
    Interrupted,
}

/// One tool call in a turn's activity feed.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Activity {
    pub line: LineNo,
    pub result_line: Option<LineNo>,
    pub tool: Arc<str>,
    /// What it acted on, raw (sanitise where shown), at most 160 bytes.
    pub target: String,
    pub status: Status,
    pub check: Option<CheckKind>,
    pub lines_added: u32,
    pub lines_removed: u32,
    /// First line of the error, raw, for failed calls.
    pub error: Option<String>,
}

impl Turn {
    /// A turn with nothing in it yet.
    #[must_use]
    pub fn new(
        number: usize,
        line: LineNo,
        prompt: Option<TurnPrompt>,
        at: Option<Millis>,
    ) -> Self {
        Self {
            number,
            line,
            prompt,
            started: at,
            last: at,
            reported_ms: None,
            tally: Tally::default(),
            files: BTreeSet::new(),
            checks: Vec::new(),
            tools: BTreeMap::new(),
            ended: false,
            activity: Vec::new(),
            activity_dropped: 0,
        }
    }

    /// The turn's duration: Claude Code's figure, else first to last event.
    #[must_use]
    pub fn duration_ms(&self) -> Option<u64> {
        self.reported_ms
            .or_else(|| Some(self.last?.since(self.started?)))
    }
}

/// A compaction of the context.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Compaction {
    pub line: LineNo,
    pub auto: bool,
    pub pre_tokens: Option<u64>,
}

/// A slash command the user ran.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Control {
    pub line: LineNo,
    pub command: String,
}

/// A sub-agent's own figures.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct SubagentFigures {
    pub tally: Tally,
    /// The compaction summariser, not user work.
    pub compactor: bool,
    /// Its own transcript file, when it has one (else its lines are inline in the session file).
    pub file: Option<String>,
}

/// What the session mostly did (signals.md 1.3, "work mode").
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum WorkMode {
    Plan,
    Build,
    Fix,
    Understand,
    Test,
    Operate,
    Analyze,
    Orchestrate,
    Communicate,
}

impl WorkMode {
    /// Lowercase label.
    #[must_use]
    pub fn label(self) -> &'static str {
        match self {
            WorkMode::Plan => "plan",
            WorkMode::Build => "build",
            WorkMode::Fix => "fix",
            WorkMode::Understand => "understand",
            WorkMode::Test => "test",
            WorkMode::Operate => "operate",
            WorkMode::Analyze => "analyze",
            WorkMode::Orchestrate => "orchestrate",
            WorkMode::Communicate => "communicate",
        }
    }
}

/// The evidence the work-mode guess weighs, counted as events arrive.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ModeEvidence {
    pub test_edits: u32,
    pub ops_edits: u32,
    pub agent_edits: u32,
    pub prose_edits: u32,
    pub code_edits: u32,
    pub read_only: u32,
    pub ops_commands: u32,
    pub plan_calls: u32,
    pub script_runs: u32,
    /// The first prompt, or a failing check before the first edit, says something is broken.
    pub breakage: bool,
}

/// What the weekly review's lenses need beyond the tallies, counted as events arrive: the
/// stacks worked in, pull requests opened, and the parts of the system around the model in
/// play (project memory, skills).
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Footprint {
    /// Evidence per stack ([`crate::core::stack`]): files of that language read, edited or
    /// written, and its toolchain's commands run, by the main thread and sub-agents.
    pub stacks: BTreeMap<Stack, u32>,
    /// `gh pr create` calls of the main thread that succeeded.
    pub prs: u32,
    /// Project memory files (`CLAUDE.md`, `CLAUDE.local.md`, `AGENTS.md`) read (the Read tool,
    /// or a shell command naming one), and edited or written (main thread and sub-agents).
    pub memory_reads: u32,
    pub memory_edits: u32,
    /// Skills invoked (the `Skill` tool).
    pub skills: u32,
}

impl Footprint {
    /// Adds a sub-agent file's footprint (read on its own) to its session's.
    pub fn absorb_subagent(&mut self, sub: &Footprint) {
        for (stack, n) in &sub.stacks {
            *self.stacks.entry(*stack).or_insert(0) += n;
        }
        self.memory_reads += sub.memory_reads;
        self.memory_edits += sub.memory_edits;
        self.skills += sub.skills;
    }

    /// Takes back a footprint added with [`Self::absorb_subagent`] (a sub-agent file read
    /// again, or set aside for a moment).
    pub fn release_subagent(&mut self, sub: &Footprint) {
        for (stack, n) in &sub.stacks {
            if let Some(v) = self.stacks.get_mut(stack) {
                *v = v.saturating_sub(*n);
                if *v == 0 {
                    self.stacks.remove(stack);
                }
            }
        }
        self.memory_reads = self.memory_reads.saturating_sub(sub.memory_reads);
        self.memory_edits = self.memory_edits.saturating_sub(sub.memory_edits);
        self.skills = self.skills.saturating_sub(sub.skills);
    }
}

/// A whole session as read so far.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Session {
    /// The session id (from the file's name, else from its records).
    pub id: Option<String>,
    /// The project's working directory (the first `cwd` seen).
    pub cwd: Option<String>,
    /// The latest `cwd`, when it moved.
    pub current_cwd: Option<String>,
    pub git_branch: Option<String>,
    pub version: Option<String>,
    /// The front end that wrote it (the latest one a line named).
    pub entry_point: Option<EntryPoint>,
    pub model: Option<String>,
    pub title: Option<String>,
    pub(crate) title_rank: u8,
    pub started: Option<Millis>,
    pub last: Option<Millis>,
    /// Turns in order; a preamble (work before the first prompt) comes first when there was any.
    /// Shared, so copies of a session (replay's snapshots) share the turns they have in common:
    /// the builder copies a turn only to change one that is shared ([`Arc::make_mut`]).
    pub turns: Vec<Arc<Turn>>,
    /// Finished turns left out from the front of `turns` ([`Session::forget_turns`], the status
    /// line's bounded state); 0 everywhere else. Turn indexes (the builder's, firings',
    /// nudges') count them: look turns up by index with [`Session::turn`].
    #[serde(default)]
    pub forgotten_turns: usize,
    pub totals: Tally,
    pub subagents: BTreeMap<String, SubagentFigures>,
    pub compactions: Vec<Compaction>,
    pub controls: Vec<Control>,
    pub api_retries: u32,
    pub task_notifications: u32,
    pub hook_blocks: u32,
    pub manual_commands: u32,
    /// Results whose call was never seen (the file began mid-session).
    pub orphan_results: u32,
    /// Input-side tokens of the latest model call: how full the context is.
    pub context_tokens: u64,
    pub mode_evidence: ModeEvidence,
    /// Sub-agents spawned by main-thread calls, by id (see [`Session::attach_subagent`]).
    pub delegations: BTreeMap<String, Delegation>,
    pub footprint: Footprint,
}

/// A sub-agent a main-thread call spawned.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Delegation {
    /// Index of the delegating turn.
    pub turn: usize,
    /// What the call's result reported: the sub-agent's tool calls, failed ones included.
    pub reported: u64,
    /// The sub-agent's own transcript is read: its successful calls count instead.
    pub read: bool,
}

impl Session {
    /// Adds the figures of a sub-agent read from its own file. When a main-thread call spawned
    /// it, its successful calls replace what the call's result reported in `delegated_actions`
    /// (the report counts failed calls too), so both sides agree.
    pub fn attach_subagent(&mut self, agent: String, figures: SubagentFigures) {
        let read = self.delegations.get(&agent).is_some_and(|d| d.read);
        self.subagents.insert(agent.clone(), figures);
        if !read {
            self.delegated(&agent, 0);
        }
    }

    /// A delegated sub-agent is being read: the first call switches the delegating turn from
    /// the reported figure to the sub-agent's own successful calls; `more` adds one more of them.
    pub(crate) fn delegated(&mut self, agent: &str, more: u64) {
        let Some(d) = self.delegations.get_mut(agent) else {
            return;
        };
        let mut add = more;
        let mut sub = 0;
        if !d.read {
            d.read = true;
            sub = d.reported;
            add += self
                .subagents
                .get(agent)
                .map_or(0, |f| u64::from(f.tally.actions));
        }
        let turn = d.turn;
        let fix =
            |t: &mut Tally| t.delegated_actions = (t.delegated_actions + add).saturating_sub(sub);
        fix(&mut self.totals);
        if let Some(t) = self.turn_mut(turn) {
            fix(&mut t.tally);
        }
    }

    /// Turns so far, forgotten ones included (the index the next turn gets).
    #[must_use]
    pub fn turn_count(&self) -> usize {
        self.forgotten_turns + self.turns.len()
    }

    /// The turn at index `i` (counting forgotten turns), when it is held.
    #[must_use]
    pub fn turn(&self, i: usize) -> Option<&Turn> {
        self.turns
            .get(i.checked_sub(self.forgotten_turns)?)
            .map(|t| &**t)
    }

    /// The turn at index `i` to change (copied first when a snapshot shares it).
    pub(crate) fn turn_mut(&mut self, i: usize) -> Option<&mut Turn> {
        self.turns
            .get_mut(i.checked_sub(self.forgotten_turns)?)
            .map(Arc::make_mut)
    }

    /// Leaves out all but the last `keep` turns (their figures stay in the totals). For the
    /// status line's saved state, which needs only the turns the engine still reads: see
    /// [`crate::core::pipeline::Pipeline::forget_finished`].
    pub fn forget_turns(&mut self, keep: usize) {
        // The last turn always stays: the builder opens a preamble only before any turn.
        let n = self.turns.len().saturating_sub(keep.max(1));
        self.turns.drain(..n);
        self.forgotten_turns += n;
    }

    /// Human prompts (turns that have one): the last turn's number, as only a preamble (number
    /// 0, always first) has no prompt and each prompt is numbered one past the turn before.
    #[must_use]
    pub fn prompts(&self) -> usize {
        self.turns.last().map_or(0, |t| t.number)
    }

    /// Successful tool calls per human prompt (0 without prompts).
    #[must_use]
    pub fn actions_per_prompt(&self) -> f64 {
        ratio(f64::from(self.totals.actions), self.prompts())
    }

    /// Geometric mean of per-turn actions, as the study reports: `exp(mean(ln(1 + a))) - 1`, so
    /// turns with no actions count instead of breaking the mean.
    #[must_use]
    pub fn actions_per_prompt_geomean(&self) -> f64 {
        let logs: Vec<f64> = self
            .turns
            .iter()
            .filter(|t| t.prompt.is_some())
            .map(|t| f64::from(t.tally.actions).ln_1p())
            .collect();
        if logs.is_empty() {
            return 0.0;
        }
        (logs.iter().sum::<f64>() / logs.len() as f64).exp_m1()
    }

    /// The turn in progress (the last one).
    #[must_use]
    pub fn current_turn(&self) -> Option<&Turn> {
        self.turns.last().map(|t| &**t)
    }

    /// Lines added in the session, sub-agents included (what "nothing written" looks at).
    #[must_use]
    pub fn lines_written(&self) -> u64 {
        self.totals.lines_added
            + self
                .subagents
                .values()
                .filter(|s| !s.compactor)
                .map(|s| s.tally.lines_added)
                .sum::<u64>()
    }

    /// The work-mode guess from what the session did (signals.md 1.3).
    #[must_use]
    pub fn work_mode(&self) -> Option<WorkMode> {
        super::mode::guess(&self.mode_evidence, self.totals.tool_calls)
    }
}

fn ratio(num: f64, den: usize) -> f64 {
    if den == 0 { 0.0 } else { num / den as f64 }
}
