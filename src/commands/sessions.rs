//! `ringside sessions`: every session on this machine, newest first. Rows come from the review's
//! summary cache where its entry is current (same rows as reading the files), and the sessions
//! read are summarised into it, so a listing and a review warm the cache for each other.

use std::collections::HashSet;
use std::fmt::Write as _;

use anyhow::{Context as _, Result};
use serde::Serialize;

use crate::cli::{Global, SessionsArgs};
use crate::progress::Progress;
use ringside::core::agents::Format;
use ringside::core::{Millis, format, sanitize};
use ringside::source::cache::Cache;
use ringside::source::listing::{self, SessionInfo};
use ringside::source::{clock, discover, settings};

/// Version of the `sessions --json` shape (fields are only ever added).
pub const SCHEMA: u32 = 1;

/// The `sessions --json` document.
#[derive(Debug, Serialize)]
struct Sessions {
    schema: u32,
    sessions: Vec<SessionInfo>,
}

pub fn run(args: &SessionsArgs, global: &Global) -> Result<()> {
    // The review's rules: the cache is the review's, keyed to the rules it was made with.
    let rules = super::score::rules(global)?;
    let dirs = settings::dirs();
    let _log = super::log::init(dirs.as_ref().map(|d| d.data.as_path()));
    let roots = crate::cli::roots_for(args.agent);
    for m in &roots.missing {
        eprintln!("note: transcript root {} does not exist", m.display());
    }
    let all = discover::sessions(&roots);
    let mut files = all.clone();
    if args.limit > 0 {
        files.truncate(args.limit);
    }
    let cache_dir = dirs
        .as_ref()
        .map(|d| d.cache.as_path())
        .filter(|_| !args.no_cache);
    let mut cache = cache_dir.map_or_else(Cache::disabled, |d| Cache::load(d, &rules));
    let progress = Progress::new("reading sessions", files.len() as u64);
    let (rows, fresh) =
        listing::describe_cached(&files, &cache, &rules, clock::now(), || progress.add(1));
    progress.finish();
    if cache_dir.is_some() && !fresh.is_empty() {
        // The entries of files that still exist stay, whatever this listing showed: with
        // `--agent`, every agent's files.
        let everyone;
        let all = if args.agent.is_some() {
            everyone = discover::sessions(&discover::roots_from_env());
            &everyone
        } else {
            &all
        };
        let keep: HashSet<String> = all.iter().map(|f| f.path.display().to_string()).collect();
        if let Err(e) = cache.store(&rules, fresh, &keep) {
            tracing::warn!("cannot write the review cache: {e}");
        }
    }
    if args.json {
        let doc = Sessions {
            schema: SCHEMA,
            sessions: rows,
        };
        outln!(
            "{}",
            serde_json::to_string_pretty(&doc).context("serialising sessions")?
        )?;
    } else if rows.is_empty() {
        outln!("No sessions found ({}).", roots.describe())?;
        outln!("Try `ringside score --demo` to see what ringside reports.")?;
    } else {
        out!("{}", table(&rows, super::output_width()))?;
    }
    Ok(())
}

/// `2026-11-20 14:02` (UTC).
fn minute(t: Option<Millis>) -> String {
    let s = t.map(|t| t.to_string()).unwrap_or_default();
    s.get(..16).unwrap_or(&s).replace('T', " ")
}

fn table(rows: &[SessionInfo], width: usize) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{:<8} {:<16} {:<16} {:>7} {:>7}  project (branch) · first prompt",
        "id", "started", "last activity", "size", "prompts"
    );
    let rest = width
        .saturating_sub(8 + 1 + 16 + 1 + 16 + 1 + 7 + 1 + 7 + 2)
        .max(20);
    for r in rows {
        let project = r.project().unwrap_or("?");
        let place = match &r.git_branch {
            Some(b) => format!("{project} ({b})"),
            None => project.to_owned(),
        };
        // Claude Code is the default; another agent is named first.
        let place = match Format::by_id(r.agent).filter(|f| *f != Format::Claude) {
            Some(f) => format!("{} · {place}", f.short()),
            None => place,
        };
        let what = match (&r.error, &r.first_prompt) {
            (Some(e), _) => format!("error: {e}"),
            (None, Some(p)) => format!("{place} · {p}"),
            (None, None) => format!("{place} · (no prompt)"),
        };
        let _ = writeln!(
            out,
            "{:<8} {:<16} {:<16} {:>7} {:>7}  {}",
            r.id.get(..8).unwrap_or(&r.id),
            minute(r.started),
            minute(r.last_activity),
            format::compact(r.bytes),
            r.prompts,
            sanitize::one_line(&what, rest)
        );
    }
    out
}
