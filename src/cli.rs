//! The command line (clap derive). `ringside` with no subcommand runs `watch`.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

/// A terminal coach for people who work with coding agents.
///
/// ringside reads coding agents' session transcripts (Claude Code, Codex CLI, Copilot CLI, Gemini
/// CLI; read-only, offline), scores every prompt
/// (agent actions per instruction, errors, checks, output), spots stalls (failing-test loops,
/// error streaks, repeated corrections…) and suggests how to reframe before you give up.
#[derive(Debug, Parser)]
#[command(name = "ringside", version, about, long_about = None, max_term_width = 100)]
#[command(
    after_help = format!(
        "With no command, ringside runs `watch` beside your agent.\n{}",
        ringside::source::discover::where_help()
    )
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    #[command(flatten)]
    pub global: Global,
    /// Options for `watch` when no command is given.
    #[command(flatten)]
    pub watch: WatchArgs,
}

/// Options every command accepts.
#[derive(Debug, Clone, Args)]
pub struct Global {
    /// Read settings from this file instead of the default config path.
    #[arg(long, global = true, value_name = "PATH")]
    pub config: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Watch the live session in a split pane beside your agent (the default).
    Watch(WatchArgs),
    /// Play a finished session back with its signals and nudges, or write its report.
    Replay(ReplayArgs),
    /// Score a session: one row per prompt, with actions, errors, checks and lines written.
    Score(ScoreArgs),
    /// List sessions on this machine, newest first.
    Sessions(SessionsArgs),
    /// Show where the config file is and check it, or print the defaults.
    Config(ConfigArgs),
    /// Your weekly review: this week beside your own previous four weeks.
    Review(ReviewArgs),
    /// Export your sessions' figures for a team view: JSON Lines files, and OpenTelemetry over
    /// OTLP/HTTP with --otlp. No prompt text, path, command, branch or file name; ids salted.
    Export(ExportArgs),
    /// Manage ringside's cache (`cache clear` deletes the review's summaries and the status line's
    /// and hook's saved state; all are rebuilt from the transcripts).
    Cache(CacheArgs),
    /// Claude Code's status line: reads its JSON on stdin, prints actions, risk and the nudge.
    Statusline(StatuslineArgs),
    /// Claude Code hook handler (SessionStart, UserPromptSubmit, Stop, Notification), or Codex's
    /// notify program (`--agent codex`): records the live session and shows a due nudge. Never
    /// blocks.
    Hook(HookArgs),
    /// Add ringside's status line or hooks to Claude Code's settings.json, or its notify program to
    /// Codex's config.toml (shows the diff first).
    Install(InstallArgs),
    /// Take ringside's status line or hooks out of settings.json, or its notify program out of
    /// Codex's config.toml, again: exactly what install added, and a status line or notify
    /// program it chained put back (shows the diff first).
    Uninstall(InstallArgs),
    /// Print a shell completion script (`ringside completions bash > …`; see the README).
    Completions(CompletionsArgs),
    /// Print ringside's man page (roff; `ringside man | man -l -`).
    Man,
}

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell to complete in.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

/// Which agent's sessions to take (`--agent`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Agent {
    /// Claude Code.
    #[value(alias = "claude-code")]
    Claude,
    /// OpenAI Codex CLI (CLI, VS Code, Desktop).
    #[value(alias = "codex-cli")]
    Codex,
    /// GitHub Copilot CLI.
    #[value(alias = "copilot-cli")]
    Copilot,
    /// Gemini CLI.
    #[value(alias = "gemini-cli")]
    Gemini,
}

impl Agent {
    /// The formats this agent writes.
    #[must_use]
    pub fn formats(self) -> Vec<ringside::core::agents::Format> {
        use ringside::core::agents::Format;
        match self {
            Agent::Claude => vec![Format::Claude],
            Agent::Codex => vec![Format::Codex],
            Agent::Copilot => vec![Format::Copilot],
            Agent::Gemini => vec![Format::Gemini, Format::GeminiJson],
        }
    }
}

/// The roots of the environment, narrowed to `--agent` when given.
#[must_use]
pub fn roots_for(agent: Option<Agent>) -> ringside::source::discover::Roots {
    let roots = ringside::source::discover::roots_from_env();
    match agent {
        Some(a) => roots.only(&a.formats()),
        None => roots,
    }
}

/// A playback speed: a finite number above zero (0 would freeze the player).
fn speed(s: &str) -> Result<f64, String> {
    match s.parse::<f64>() {
        Ok(x) if x.is_finite() && x > 0.0 => Ok(x),
        Ok(_) => Err("must be above 0 (1 is real time, 64 the fastest)".into()),
        Err(_) => Err("is not a number".into()),
    }
}

/// How the review is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ReviewFormat {
    /// A scrollable screen (the default when stdout is a terminal).
    Tui,
    /// Markdown for notes (the default otherwise).
    Markdown,
    /// JSON for scripts (the shape is in the README).
    Json,
}

#[derive(Debug, Args)]
pub struct ReviewArgs {
    /// Start of the reviewed period: a span back from now (`7d`, `2w`, `36h`), a date
    /// (`2026-02-01`, local midnight) or an RFC 3339 time.
    #[arg(long, default_value = "7d", value_name = "SPAN|DATE")]
    pub since: String,
    /// End of the reviewed period: a date (through the end of that day) or an RFC 3339 time.
    /// Default: now.
    #[arg(long, value_name = "DATE")]
    pub until: Option<String>,
    /// Only sessions working under this folder.
    #[arg(long, value_name = "DIR")]
    pub project: Option<PathBuf>,
    /// Only this agent's sessions (default: every agent's).
    #[arg(long, value_enum, value_name = "AGENT")]
    pub agent: Option<Agent>,
    /// How to show it. Default: tui when stdout is a terminal, else markdown.
    #[arg(long, value_enum, value_name = "FORMAT")]
    pub format: Option<ReviewFormat>,
    /// Read every transcript again instead of using (and updating) the summary cache.
    #[arg(long)]
    pub no_cache: bool,
    /// Review as if it were this RFC 3339 time (reproducible output).
    #[arg(long, value_name = "TIME")]
    pub now: Option<String>,
}

#[derive(Debug, Args)]
#[command(after_help = "Examples:\n  \
ringside export --out ~/ringside-export       # sessions.jsonl, prompts.jsonl: appends what is new\n  \
ringside export --out DIR --since 2026-02-01 --until 2026-02-28\n  \
ringside export --otlp http://collector:4318  # logs and metrics to an OpenTelemetry collector\n  \
duckdb -c \"SELECT count(*) FROM read_json_auto('DIR/sessions.jsonl')\"\n\n\
Records are versioned: a session that changed since the last export is written again with a \
higher `version`; readers keep the highest version per session (and prompt). Sessions active in \
the last half hour wait for the next export. Exit status 75: the collector did not take \
everything, the rest is spooled for the next export. The schema, the team queries and a \
collector config are in the README (\"Team view\") and docs/.")]
pub struct ExportArgs {
    /// Only sessions active since then: a span back from now (`30d`, `2w`), a date (local
    /// midnight) or an RFC 3339 time. Default: every session.
    #[arg(long, value_name = "SPAN|DATE")]
    pub since: Option<String>,
    /// Only sessions active before then: a date (through the end of that day) or an RFC 3339
    /// time. Default: now.
    #[arg(long, value_name = "DATE")]
    pub until: Option<String>,
    /// Only this agent's sessions.
    #[arg(long, value_name = "AGENT", value_parser = clap::builder::PossibleValuesParser::new(ringside::core::export::agents()))]
    pub agent: Option<String>,
    /// Write `sessions.jsonl` and `prompts.jsonl` in this folder, appending only what is new
    /// since the last export there (made if missing).
    #[arg(long, value_name = "DIR", required_unless_present = "otlp")]
    pub out: Option<PathBuf>,
    /// Put Claude Code's session ids and the projects' folder names in the records instead of
    /// salted hashes (so they join Claude Code's own telemetry). Paths, prompts, commands,
    /// branches and file names never leave.
    #[arg(long)]
    pub with_names: bool,
    /// Your name in every record: an opt-in, for the team queries' per-person figures.
    #[arg(long, value_name = "NAME")]
    pub person: Option<String>,
    /// Also send the records as OpenTelemetry logs, plus a few metrics, over OTLP/HTTP JSON.
    /// URL is the collector's base endpoint; without one, OTEL_EXPORTER_OTLP_ENDPOINT, else
    /// http://localhost:4318. The standard OTEL_EXPORTER_OTLP_* variables apply (headers,
    /// timeouts, per-signal endpoints).
    #[arg(long, value_name = "URL", num_args = 0..=1, default_missing_value = "")]
    pub otlp: Option<String>,
    /// Tries after the first for a batch the collector does not take (waits from 250 ms,
    /// doubling to 8 s); what is not delivered stays spooled for the next export.
    #[arg(long, value_name = "N", default_value_t = 4)]
    pub otlp_retries: u32,
    /// Read every transcript again instead of using (and updating) the review's summary cache.
    #[arg(long)]
    pub no_cache: bool,
    /// Export as if it were this RFC 3339 time (reproducible output).
    #[arg(long, value_name = "TIME")]
    pub now: Option<String>,
}

#[derive(Debug, Args)]
pub struct CacheArgs {
    #[command(subcommand)]
    pub action: CacheAction,
}

#[derive(Debug, Clone, Copy, Subcommand)]
pub enum CacheAction {
    /// Delete the review's summaries and the status line's and hook's saved state (all rebuilt).
    Clear,
}

#[derive(Debug, Args)]
pub struct StatuslineArgs {
    /// Run this command first (your previous status line) with the same input, and print its
    /// output above ringside's.
    #[arg(long, value_name = "CMD")]
    pub chain: Option<String>,
    /// Evaluate time-based rules at this RFC 3339 time instead of now (tests).
    #[arg(long, value_name = "TIME", hide = true)]
    pub now: Option<String>,
}

#[derive(Debug, Args)]
pub struct HookArgs {
    /// Evaluate time-based rules at this RFC 3339 time instead of now (tests).
    #[arg(long, value_name = "TIME", hide = true)]
    pub now: Option<String>,
    /// Which agent calls: Claude Code (the default; its hook JSON on stdin) or Codex (its
    /// `notify` program: the notification JSON as the last argument, after the program you had
    /// before, if any, which ringside then runs).
    #[arg(long, value_enum, value_name = "AGENT")]
    pub agent: Option<Agent>,
    /// With `--agent codex`: your previous notify program and its arguments, then Codex's
    /// notification JSON (Codex appends it).
    #[arg(
        trailing_var_arg = true,
        allow_hyphen_values = true,
        value_name = "ARGS"
    )]
    pub args: Vec<String>,
}

/// What `install` adds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum InstallWhat {
    /// `statusLine`: ringside statusline (an existing one is kept, through --chain).
    Statusline,
    /// `hooks`: ringside hook on SessionStart, UserPromptSubmit, Stop and Notification.
    Hooks,
    /// Codex's `notify` program in `config.toml`: `ringside hook --agent codex` (a program you
    /// already have is kept and run after it).
    CodexNotify,
}

#[derive(Debug, Args)]
pub struct InstallArgs {
    #[arg(value_enum)]
    pub what: InstallWhat,
    /// Show the change as a diff and write nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Write without asking (for scripts; without it ringside asks when run in a terminal and
    /// refuses otherwise).
    #[arg(long)]
    pub yes: bool,
}

#[derive(Debug, Clone, Default, Args)]
pub struct WatchArgs {
    /// Follow this session (an id, a unique id prefix, or a transcript path) and no other.
    #[arg(long, value_name = "ID|PATH")]
    pub session: Option<String>,
    /// Only follow sessions working under this folder. Default: the git repository ringside is
    /// started in; outside a repository, every project.
    #[arg(long, value_name = "DIR", conflicts_with = "all")]
    pub project: Option<std::path::PathBuf>,
    /// Follow sessions of every project, even when started inside a repository.
    #[arg(long)]
    pub all: bool,
    /// Only follow this agent's sessions (default: the newest of any agent's).
    #[arg(long, value_enum, value_name = "AGENT", conflicts_with = "demo")]
    pub agent: Option<Agent>,
    /// Play the demo session shipped with ringside (the default when no transcripts exist).
    #[arg(long, conflicts_with_all = ["session", "project", "all"])]
    pub demo: bool,
    /// How many times faster than recorded the demo plays (above 0).
    #[arg(long, default_value_t = 8.0, value_name = "X", requires = "demo", value_parser = speed)]
    pub speed: f64,
}

#[derive(Debug, Args)]
pub struct ConfigArgs {
    /// Print the full default config file, every key documented.
    #[arg(long)]
    pub print_defaults: bool,
}

/// Which session to read.
#[derive(Debug, Clone, Args)]
#[group(id = "session", required = true, multiple = false)]
pub struct Target {
    /// A transcript file, or a session id (a unique prefix of 4+ characters is enough).
    #[arg(value_name = "PATH|SESSION-ID")]
    pub target: Option<String>,
    /// Use the demo session shipped inside ringside.
    #[arg(long)]
    pub demo: bool,
}

#[derive(Debug, Args)]
pub struct ScoreArgs {
    #[command(flatten)]
    pub target: Target,
    /// Print JSON (the documented shape in the README) instead of a table.
    #[arg(long)]
    pub json: bool,
    /// Evaluate time-based rules (silence after trouble) at this RFC 3339 time instead of now,
    /// for reproducible output.
    #[arg(long, value_name = "TIME")]
    pub now: Option<String>,
}

/// Report formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ReportFormat {
    Markdown,
    Json,
}

#[derive(Debug, Args)]
#[command(
    after_help = "Keys while playing: space play/pause · +/- speed · left/right one event · \
[ ] previous/next prompt · { } previous/next signal or nudge · 0/$ start/end · enter detail · \
? all keys · q quit"
)]
pub struct ReplayArgs {
    #[command(flatten)]
    pub target: Target,
    /// Write the session report to stdout instead of playing it (no terminal needed).
    #[arg(long)]
    pub report: bool,
    /// The report's format.
    #[arg(long, value_enum, default_value_t = ReportFormat::Markdown, requires = "report")]
    pub format: ReportFormat,
    /// Playback speed to start at (1 to 64; +/- change it while playing).
    #[arg(
        long,
        default_value_t = 8.0,
        value_name = "X",
        conflicts_with = "report",
        value_parser = speed
    )]
    pub speed: f64,
    /// Evaluate time-based rules (silence after trouble) at this RFC 3339 time instead of now.
    #[arg(long, value_name = "TIME")]
    pub now: Option<String>,
}

#[derive(Debug, Args)]
pub struct SessionsArgs {
    /// Print JSON instead of a table.
    #[arg(long)]
    pub json: bool,
    /// Only this agent's sessions (default: every agent's).
    #[arg(long, value_enum, value_name = "AGENT")]
    pub agent: Option<Agent>,
    /// Show at most this many sessions (0 = all).
    #[arg(long, default_value_t = 30, value_name = "N")]
    pub limit: usize,
    /// Read every transcript again instead of using (and updating) the review's summary cache.
    #[arg(long)]
    pub no_cache: bool,
}
