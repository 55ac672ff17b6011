//! Scores the coach against hand labels:
//! `cargo run --release --example coach_eval -- [--labels PATH] [--corpus DIR] [--now TIME] [--config PATH] [--score-cmd PROGRAM] [--json]`
//!
//! Every labelled session is read as `ringside score --json` reads it (the same library calls,
//! sub-agent files included, evaluated at `--now`, default the clock), or, with `--score-cmd`,
//! by running `PROGRAM score --json --now TIME FILE` (another build of ringside: how a change is
//! scored before and after), and its nudges are scored
//! with the definitions of the shared coaching README: per stall label timely / late / missed,
//! the nudges inside quiet stretches, and the totals against the targets. Exits 1 when a target
//! is missed, 2 on bad input.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;
use ringside::core::Millis;
use ringside::core::engine::Rules;
use ringside::core::eval::{self, Targets};
use ringside::source::{clock, eval as run_eval, settings};

/// Scores ringside's nudges against a labels file (`../shared/coaching/labels.json` by default).
#[derive(Debug, Parser)]
#[command(name = "coach_eval")]
struct Args {
    /// The labels file (the shared coaching schema).
    #[arg(long, value_name = "PATH")]
    labels: Option<PathBuf>,
    /// Where the labels' `file` paths are relative to (default: `../corpus` beside the labels' folder).
    #[arg(long, value_name = "DIR")]
    corpus: Option<PathBuf>,
    /// Evaluate time-based rules at this RFC 3339 time (default: now, as `ringside score`).
    #[arg(long, value_name = "TIME")]
    now: Option<String>,
    /// Coaching rules from this config file (default: the built-in defaults).
    #[arg(long, value_name = "PATH")]
    config: Option<PathBuf>,
    /// Score what this program's `score --json --now TIME FILE` says (another ringside build)
    /// instead of this build's library.
    #[arg(long, value_name = "PROGRAM")]
    score_cmd: Option<PathBuf>,
    /// Print JSON: {"sessions": [...], "totals": {...}}.
    #[arg(long)]
    json: bool,
}

fn main() -> ExitCode {
    match run(&Args::parse()) {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::from(1),
        Err(e) => {
            eprintln!("coach_eval: {e}");
            ExitCode::from(2)
        }
    }
}

/// The nudges (`session.nudges`) and firings (`turns[].signals`) `program score --json` gives.
fn from_program(
    program: &std::path::Path,
    file: &std::path::Path,
    now: Millis,
) -> Result<(Vec<eval::NudgeAt>, Vec<eval::NudgeAt>), String> {
    let out = std::process::Command::new(program)
        .args(["score", "--json", "--now", &now.to_string()])
        .arg(file)
        .output()
        .map_err(|e| format!("cannot run {}: {e}", program.display()))?;
    if !out.status.success() {
        return Err(format!(
            "{} score {}: {}",
            program.display(),
            file.display(),
            String::from_utf8_lossy(&out.stderr).trim()
        ));
    }
    let v: serde_json::Value = serde_json::from_slice(&out.stdout)
        .map_err(|e| format!("{}: score --json is not JSON: {e}", file.display()))?;
    let at = |x: &serde_json::Value, key: &str| {
        Some(eval::NudgeAt::new(
            ringside::core::LineNo(x["at_line"].as_u64()?),
            x[key].as_str()?,
        ))
    };
    let nudges = v["session"]["nudges"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|n| at(n, "signal"))
        .collect();
    let firings = v["turns"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|t| t["signals"].as_array())
        .flatten()
        .filter_map(|f| at(f, "id"))
        .collect();
    Ok((nudges, firings))
}

fn run(args: &Args) -> Result<bool, String> {
    let labels_path = args.labels.clone().unwrap_or_else(|| {
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/coaching/labels.json")
    });
    let labels = run_eval::load_labels(&labels_path)?;
    let corpus = args
        .corpus
        .clone()
        .unwrap_or_else(|| run_eval::default_corpus(&labels_path));
    let now = match &args.now {
        Some(t) => {
            Millis::parse(t).ok_or_else(|| format!("--now '{t}' is not an RFC 3339 time"))?
        }
        None => clock::now(),
    };
    let rules = match &args.config {
        Some(p) => Rules::new(
            settings::load::<ringside::tui::keys::Keys>(Some(p))
                .map_err(|e| e.to_string())?
                .config,
        ),
        None => Rules::shared_default(),
    };
    let scores = match &args.score_cmd {
        Some(program) => labels
            .sessions
            .iter()
            .map(|s| {
                let (nudges, firings) = from_program(program, &corpus.join(&s.file), now)?;
                Ok(eval::score_session(s, &nudges, &firings))
            })
            .collect::<Result<Vec<_>, String>>()?,
        None => run_eval::run(&labels, &corpus, &rules, now)?,
    };
    let totals = eval::totals(&scores, Targets::default());
    if args.json {
        let json = serde_json::json!({"sessions": scores, "totals": totals});
        println!(
            "{}",
            serde_json::to_string_pretty(&json).map_err(|e| e.to_string())?
        );
    } else {
        print!("{}", eval::render(&scores, &totals));
    }
    Ok(totals.met())
}
