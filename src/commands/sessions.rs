//! `ringside sessions`: every session on this machine, newest first.

use std::fmt::Write as _;

use anyhow::{Context as _, Result};
use rayon::prelude::*;
use serde::Serialize;

use crate::cli::SessionsArgs;
use crate::progress::Progress;
use ringside::core::{Millis, format, sanitize};
use ringside::source::discover;
use ringside::source::read::SessionReader;

/// One row of `sessions --json`.
#[derive(Debug, Serialize)]
pub struct SessionRow {
    pub id: String,
    pub path: String,
    pub cwd: Option<String>,
    pub git_branch: Option<String>,
    pub first_prompt: Option<String>,
    pub started: Option<Millis>,
    pub last_activity: Option<Millis>,
    pub bytes: u64,
    pub prompts: usize,
    pub subagents: usize,
    /// Set when the file could not be read.
    pub error: Option<String>,
}

pub fn run(args: &SessionsArgs) -> Result<()> {
    let roots = discover::roots_from_env();
    for m in &roots.missing {
        eprintln!("note: transcript root {} does not exist", m.display());
    }
    let mut files = discover::sessions(&roots);
    if args.limit > 0 {
        files.truncate(args.limit);
    }
    let progress = Progress::new("reading sessions", files.len() as u64);
    let rows: Vec<SessionRow> = files
        .par_iter()
        .map(|f| {
            let row = row(f);
            progress.add(1);
            row
        })
        .collect();
    progress.finish();
    if args.json {
        println!(
            "{}",
            serde_json::to_string_pretty(&rows).context("serialising sessions")?
        );
    } else if rows.is_empty() {
        println!("No sessions found ({}).", roots.describe());
        println!("Try `ringside score --demo` to see what ringside reports.");
    } else {
        print!("{}", table(&rows, super::output_width()));
    }
    Ok(())
}

fn row(f: &discover::SessionFile) -> SessionRow {
    let mut r = SessionRow {
        id: f.id.clone(),
        path: f.path.display().to_string(),
        cwd: None,
        git_branch: None,
        first_prompt: None,
        started: None,
        last_activity: f.modified,
        bytes: f.size,
        prompts: 0,
        subagents: f.subagents.len(),
        error: None,
    };
    let rules = ringside::core::engine::Rules::shared_default();
    // A row shows only main-thread facts (and how many sub-agent files there are), so the
    // sub-agent files are not read.
    let main_only = discover::SessionFile {
        subagents: Vec::new(),
        ..f.clone()
    };
    match SessionReader::open(&main_only, rules).read() {
        Ok(s) => {
            let s = s.session;
            r.cwd = s.cwd.as_deref().map(|c| sanitize::one_line(c, 4096));
            r.git_branch = s.git_branch.as_deref().map(|b| sanitize::one_line(b, 200));
            r.first_prompt = s
                .turns
                .iter()
                .find_map(|t| t.prompt.as_ref())
                .map(|p| sanitize::one_line(&p.text, 120));
            r.started = s.started;
            r.last_activity = s.last.or(f.modified);
            r.prompts = s.prompts();
        }
        Err(e) => r.error = Some(e.to_string()),
    }
    r
}

fn table(rows: &[SessionRow], width: usize) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{:<8} {:<16} {:>7} {:>4}  project · first prompt",
        "id", "last activity", "size", "#p"
    );
    let rest = width.saturating_sub(8 + 1 + 16 + 1 + 7 + 1 + 4 + 2).max(20);
    for r in rows {
        let when = r.last_activity.map(|t| t.to_string()).unwrap_or_default();
        let when = when.get(..16).unwrap_or(&when).replace('T', " ");
        let project = r
            .cwd
            .as_deref()
            .map_or("?", |c| c.rsplit('/').next().unwrap_or(c));
        let what = match (&r.error, &r.first_prompt) {
            (Some(e), _) => format!("error: {e}"),
            (None, Some(p)) => format!("{project} · {p}"),
            (None, None) => format!("{project} · (no prompt)"),
        };
        let _ = writeln!(
            out,
            "{:<8} {:<16} {:>7} {:>4}  {}",
            r.id.get(..8).unwrap_or(&r.id),
            when,
            format::compact(r.bytes),
            r.prompts,
            sanitize::one_line(&what, rest)
        );
    }
    out
}
