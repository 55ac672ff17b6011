//! The normalised event stream every adapter produces and every rule consumes.
//!
//! One transcript line gives zero or more [`Event`]s. Events own only what later rules need:
//! short excerpts, hashes and counts, never tool output bodies, so a session's memory is bounded by
//! its number of events, not by its bytes.

use std::sync::Arc;

use super::checks::{Bypass, CheckKind, Failure};
use super::{LineNo, Millis};

/// Longest prompt text kept (bytes): enough for near-duplicate comparison and excerpts.
pub const PROMPT_KEEP: usize = 4096;
/// Longest agent text kept per block (bytes).
pub const AGENT_TEXT_KEEP: usize = 2048;
/// Longest error excerpt kept (bytes).
pub const ERROR_KEEP: usize = 600;
/// Longest action target kept (bytes).
pub const TARGET_KEEP: usize = 300;

/// One normalised event, with where and when it happened.
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    /// The transcript line it came from.
    pub line: LineNo,
    /// The line's timestamp, when it had a valid one.
    pub at: Option<Millis>,
    /// `None` for the main thread; the sub-agent id for sidechain work.
    pub agent: Option<Arc<str>>,
    pub kind: EventKind,
}

/// What happened.
#[derive(Debug, Clone, PartialEq)]
pub enum EventKind {
    /// Working directory, branch, version or session id as of this line (emitted on change).
    Context(Context),
    /// A human instruction.
    Prompt(Prompt),
    /// The agent called a tool.
    Action(Action),
    /// A tool call's result.
    Result(ToolResult),
    /// One line of an API response; the same `id` repeats across the response's lines.
    ModelCall(ModelCall),
    /// Text the agent wrote to the user.
    AgentText(AgentText),
    /// The user pressed Esc.
    Interrupt { during_tool: bool },
    /// The API call finally failed (a synthetic assistant line).
    ApiError { status: Option<u64>, text: String },
    /// The harness is retrying an API call.
    ApiRetry,
    /// The context was compacted.
    Compaction { auto: bool, pre_tokens: Option<u64> },
    /// A slash command as typed (`/compact keep tests`); `system` says it came as a system line,
    /// which only local commands do.
    Command {
        name: String,
        args: String,
        system: bool,
    },
    /// Injected text right after a command: the command expanded into a prompt.
    CommandExpansion,
    /// A local command's output (`<local-command-stdout>`): the command was not a prompt.
    CommandOutput,
    /// A `!` shell command the user ran themselves.
    ManualShell { command: String },
    /// A background task finished.
    TaskNotification { failed: bool },
    /// A hook blocked something (not the model's mistake).
    HookBlock { text: String },
    /// Claude Code's end-of-turn marker.
    TurnEnd { duration_ms: Option<u64> },
    /// A session title; a higher `rank` wins (3 `/rename`, 2 agent name, 1 AI title).
    Title { text: String, rank: u8 },
}

/// Session context carried by envelope fields.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Context {
    pub session_id: Option<String>,
    pub cwd: Option<String>,
    pub git_branch: Option<String>,
    pub version: Option<String>,
    /// Which front end wrote the session, once a line says so.
    pub entry_point: Option<EntryPoint>,
}

/// The front end a session was run from (Claude Code's `entrypoint` field, or a headless
/// prompt's `promptSource: "sdk"` where that field is absent).
///
/// The study's reference figures (actions per prompt, abandonment shares) describe interactive
/// sessions; headless ones are scripted and are shown as such.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EntryPoint {
    /// The interactive terminal client (`cli`).
    Cli,
    /// Scripted: `claude -p`, the Agent SDKs, the GitHub action (`sdk-cli`, `sdk-ts`, `sdk-py`,
    /// `claude-code-github-action`).
    Headless,
    /// The VS Code extension (`claude-vscode`).
    Vscode,
    /// The desktop app (`claude-desktop`).
    Desktop,
    /// Any other front end (remote, MCP, a local agent, something newer).
    Other,
}

impl EntryPoint {
    /// Reads Claude Code's `entrypoint` value; `None` for an empty one.
    #[must_use]
    pub fn from_claude(raw: &str) -> Option<Self> {
        Some(match raw.trim() {
            "" => return None,
            "cli" => Self::Cli,
            "sdk-cli" | "sdk-ts" | "sdk-py" | "claude-code-github-action" => Self::Headless,
            "claude-vscode" => Self::Vscode,
            "claude-desktop" => Self::Desktop,
            _ => Self::Other,
        })
    }

    /// The documented JSON value (`cli`, `headless`, `vscode`, `desktop`, `other`).
    #[must_use]
    pub fn key(self) -> &'static str {
        match self {
            Self::Cli => "cli",
            Self::Headless => "headless",
            Self::Vscode => "vscode",
            Self::Desktop => "desktop",
            Self::Other => "other",
        }
    }

    /// Scripted rather than typed by a person at a prompt.
    #[must_use]
    pub fn is_headless(self) -> bool {
        self == Self::Headless
    }
}

/// How a prompt reached the agent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PromptSource {
    /// Typed at the prompt.
    Typed,
    /// Typed while the agent worked and queued (a steering prompt).
    Queued,
    /// A slash command that expands into a prompt.
    Command,
}

/// A human instruction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Prompt {
    /// The text, cut to [`PROMPT_KEEP`] bytes (not yet sanitised: sanitise where it is shown).
    pub text: String,
    /// Length of the full text in bytes.
    pub len: usize,
    pub source: PromptSource,
    /// Images pasted with it.
    pub images: u32,
    /// Sent in plan mode.
    pub plan_mode: bool,
    /// The agent writes this text again later as its own record (Claude Code's queued prompts):
    /// that delivery is the same prompt, not a new one.
    pub redelivered: bool,
}

/// Which tool family an action belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Tool {
    Read,
    Edit,
    Write,
    Bash,
    Search,
    Web,
    Task,
    Todo,
    Ask,
    Plan,
    Other,
}

/// An agent tool call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Action {
    /// Hash of the `tool_use` id.
    pub id: u64,
    /// The tool's name as the agent used it (`Bash`, `mcp__github__create_issue`).
    pub name: Arc<str>,
    pub tool: Tool,
    /// What it acts on: a path, a command, a pattern (cut to [`TARGET_KEEP`]).
    pub target: String,
    /// Signature: tool name plus canonical input. Equal signatures are the same action.
    pub sig: u64,
    /// The check a Bash command runs.
    pub check: Option<CheckKind>,
    /// Read-only exploration (Read, Grep, Glob, read-only shell).
    pub read_only: bool,
    /// A command that legitimately repeats (polling, status).
    pub polling: bool,
    /// `git push` / `gh pr create|merge`.
    pub ships: bool,
    /// This action gets around a check (S20).
    pub bypass: Option<Bypass>,
    /// For edits: which file, and hashes of the replaced and new text.
    pub edit: Option<EditInfo>,
}

/// What an edit changes, as hashes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EditInfo {
    pub path: String,
    pub old: u64,
    pub new: u64,
    /// Hashes of the substantial lines (6+ non-blank characters) replaced, sorted, at most 64.
    pub old_lines: Vec<u64>,
    /// Hashes of the substantial lines written, sorted, at most 64.
    pub new_lines: Vec<u64>,
    /// For edits of tests: hashes of the literals newly asserted (at most 16), to compare with
    /// the values the failing run observed.
    pub assert_literals: Vec<u64>,
}

impl EditInfo {
    /// Hashes of the substantial lines of a text, for "does this edit rewrite that one".
    #[must_use]
    pub fn line_hashes(text: &str) -> Vec<u64> {
        // Hashed a word at a time: a written file can be thousands of lines, and this runs for
        // every edit of every session the review reads. Lines are cut at `\n` (a `\r` before it
        // goes with the trim, as `str::lines` would drop it), and only the 64 smallest distinct
        // hashes are kept as they come, instead of sorting them all.
        let mut kept: Vec<u64> = Vec::new();
        let mut start = 0;
        let ends = memchr::memchr_iter(b'\n', text.as_bytes()).chain(std::iter::once(text.len()));
        for end in ends {
            let l = text[start..end].trim();
            start = end + 1;
            if l.len() < 6 || l.chars().filter(|c| !c.is_whitespace()).nth(5).is_none() {
                continue;
            }
            let h = super::hash::hash_words(l.as_bytes());
            if kept.len() == Self::LINES_KEPT && kept.last().is_some_and(|&max| h >= max) {
                continue;
            }
            if let Err(at) = kept.binary_search(&h) {
                kept.insert(at, h);
                kept.truncate(Self::LINES_KEPT);
            }
        }
        kept
    }

    /// How many line hashes an edit keeps (the smallest, so any two edits keep comparable ones).
    const LINES_KEPT: usize = 64;

    /// This edit replaces text that `earlier` wrote.
    #[must_use]
    pub fn rewrites(&self, earlier_new_lines: &[u64]) -> bool {
        self.old_lines
            .iter()
            .any(|h| earlier_new_lines.binary_search(h).is_ok())
    }
}

/// How a tool call ended.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Outcome {
    Ok,
    /// Failed: a non-zero exit, a missing file, a failing check.
    Error,
    /// The user rejected the call, possibly with feedback (a steer).
    Rejected {
        feedback: Option<String>,
    },
    /// Cancelled because a parallel sibling call failed; not a failure of its own.
    Cancelled,
    /// Killed by the user's interrupt.
    Interrupted,
    /// Refused by the harness (read-before-edit, a hook): not the model's mistake.
    Blocked,
}

impl Outcome {
    /// `is_error` as the transcript recorded it would be true.
    #[must_use]
    pub fn is_error(&self) -> bool {
        !matches!(self, Outcome::Ok)
    }
}

/// A tool call's result.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ToolResult {
    /// Hash of the id of the call it answers.
    pub id: u64,
    pub outcome: Outcome,
    /// Whether the transcript marked it `is_error` (kept for exact counting).
    pub is_error: bool,
    /// Hash of the normalised result (head and tail), for "same result again".
    pub obs: u64,
    /// First meaningful line of an error (not sanitised yet), cut to [`ERROR_KEEP`].
    pub error: Option<String>,
    pub lines_added: u32,
    pub lines_removed: u32,
    /// For checks: the output says the check failed (even with exit status 0).
    pub check_failed: bool,
    /// For failed checks: how they failed.
    pub failure: Option<Failure>,
    /// A commit was created (`[branch abc1234] …`).
    pub committed: bool,
    /// The command timed out.
    pub timed_out: bool,
    /// For sub-agent calls: the tool calls the sub-agent made, as it reported them.
    pub delegated_actions: u32,
    /// For sub-agent calls: the sub-agent's id (its file is `agent-<id>.jsonl`).
    pub delegated_to: Option<Arc<str>>,
}

impl ToolResult {
    /// A result with nothing but its id and outcome.
    #[must_use]
    pub fn new(id: u64, outcome: Outcome) -> Self {
        Self {
            id,
            is_error: outcome.is_error(),
            outcome,
            obs: 0,
            error: None,
            lines_added: 0,
            lines_removed: 0,
            check_failed: false,
            failure: None,
            committed: false,
            timed_out: false,
            delegated_actions: 0,
            delegated_to: None,
        }
    }
}

/// One line of an API response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModelCall {
    /// Hash of `message.id`.
    pub id: u64,
    pub model: Option<Arc<str>>,
    pub input_tokens: u64,
    pub output_tokens: u64,
    pub cache_read_tokens: u64,
    pub cache_creation_tokens: u64,
    /// The model's context window, when the record says (Codex's `model_context_window`).
    pub window: Option<u64>,
}

/// Text the agent wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgentText {
    /// Hash of the response it belongs to.
    pub message: u64,
    /// The text, cut to [`AGENT_TEXT_KEEP`] bytes; shared, so keeping it costs no copy.
    pub text: Arc<str>,
    /// Words in the full text.
    pub words: u32,
}

#[cfg(test)]
mod tests {
    use super::EditInfo;
    use proptest::prelude::*;

    /// The first way of it, kept as the oracle: every substantial line hashed, sorted, deduped,
    /// the 64 smallest kept.
    fn line_hashes_by_sorting(text: &str) -> Vec<u64> {
        let mut v: Vec<u64> = text
            .lines()
            .map(str::trim)
            .filter(|l| l.len() >= 6 && l.chars().filter(|c| !c.is_whitespace()).nth(5).is_some())
            .map(|l| crate::core::hash::hash_words(l.as_bytes()))
            .collect();
        v.sort_unstable();
        v.dedup();
        v.truncate(64);
        v
    }

    #[test]
    fn line_hashes_on_tricky_texts() {
        let many: String = (0..500).map(|i| format!("let x{i} = {i};\n")).collect();
        let repeated = "fn main() {}\r\n".repeat(200);
        for t in [
            "",
            "\n\n",
            "short\nab cd ef\n  a b c d e f  \n",
            "tail without newline ends here",
            "crlf line one\r\ncrlf line two\r\n\r",
            "\u{b}vertical\u{b}tab\u{b}\n\u{a0}nbsp padded\u{a0}\n\u{2028}sep line\u{2028}",
            "ünïcödé lines ✓✓✓✓✓✓\nâ b ç d é f",
            many.as_str(),
            repeated.as_str(),
        ] {
            assert_eq!(EditInfo::line_hashes(t), line_hashes_by_sorting(t), "{t:?}");
        }
        assert_eq!(EditInfo::line_hashes(&many).len(), 64);
        assert_eq!(EditInfo::line_hashes(&repeated).len(), 1);
    }

    proptest! {
        #[test]
        fn line_hashes_equal_the_sorting_way(
            lines in proptest::collection::vec("[ a-f\t\u{b}\r\u{a0}é]{0,12}", 0..200)
        ) {
            let text = lines.join("\n");
            prop_assert_eq!(EditInfo::line_hashes(&text), line_hashes_by_sorting(&text));
        }
    }
}
