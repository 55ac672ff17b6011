//! Scores the coach against hand labels:
//! `cargo run --release --example coach_eval -- [--labels PATH] [--corpus DIR] [--now TIME] [--config PATH] [--json]`
//!
//! Every labelled session is read as `ringside score --json` reads it (the same library calls,
//! sub-agent files included, evaluated at `--now`, default the clock), and its nudges are scored
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
    let scores = run_eval::run(&labels, &corpus, &rules, now)?;
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
