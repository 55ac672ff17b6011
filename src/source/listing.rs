//! What a list of sessions shows about each one (`ringside sessions` and watch's session
//! picker): where it ran, its branch, its first prompt, how many prompts, which agent. Each file
//! is read once through the pipeline (read-only), in parallel; `sessions` takes what the review's
//! summary cache holds instead where it is current ([`describe_cached`]).

use rayon::prelude::*;
use serde::Serialize;

use std::sync::Arc;

use crate::core::Millis;
use crate::core::engine::Rules;
use crate::core::review::SessionSummary;
use crate::core::review::summary;
use crate::core::sanitize;

use super::cache::{Cache, Entry, Key};
use super::discover::SessionFile;
use super::{read, scan};

/// One session as a list shows it (every text sanitised). The JSON shape of `sessions --json`
/// rows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SessionInfo {
    pub id: String,
    pub path: String,
    /// Which agent wrote it ([`crate::core::agents::Format::id`]).
    pub agent: &'static str,
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

impl SessionInfo {
    /// The project folder's name (the last part of `cwd`).
    #[must_use]
    pub fn project(&self) -> Option<&str> {
        self.cwd
            .as_deref()
            .and_then(|c| c.rsplit(['/', '\\']).find(|p| !p.is_empty()))
    }
}

/// A row with only what the file's listing says (before it is read).
fn unread(f: &SessionFile) -> SessionInfo {
    SessionInfo {
        id: sanitize::one_line(&f.id, 200),
        path: f.path.display().to_string(),
        agent: f.format.id(),
        cwd: None,
        git_branch: None,
        first_prompt: None,
        started: None,
        last_activity: f.modified,
        bytes: f.size,
        prompts: 0,
        subagents: f.subagents.len(),
        error: None,
    }
}

/// Reads one session file for its row.
#[must_use]
pub fn describe(f: &SessionFile) -> SessionInfo {
    let mut r = unread(f);
    match read::read_session_as(f.format, &f.path, &[], &Rules::shared_default()) {
        Ok(s) => {
            let s = s.session;
            r.cwd = s.cwd.as_deref().map(|c| sanitize::one_line(c, 4096));
            r.git_branch = summary::list_branch(&s);
            r.first_prompt = summary::list_prompt(&s);
            r.started = s.started;
            r.last_activity = s.last.or(f.modified);
            r.prompts = s.prompts();
        }
        Err(e) => r.error = Some(sanitize::one_line(&e.to_string(), 500)),
    }
    r
}

/// A session's row from its review summary (the summary cache's): the same row
/// [`describe`] reads, as the summary keeps the main thread's figures it needs, sanitised the
/// same way (sub-agent files, which the summary read too, change none of them).
#[must_use]
pub fn from_summary(f: &SessionFile, s: &SessionSummary) -> SessionInfo {
    let mut r = unread(f);
    r.cwd.clone_from(&s.cwd);
    r.git_branch.clone_from(&s.git_branch);
    r.first_prompt.clone_from(&s.list_prompt);
    r.started = s.started.map(Millis);
    r.last_activity = s.last.map(Millis).or(f.modified);
    r.prompts = s.prompts as usize;
    r
}

/// Every file's row, in the same order: from the summary cache where its entry's key (the
/// files' sizes and modification times) is current, else read in parallel and summarised as
/// the review does; the fresh entries are returned for the cache. A listing shows nothing
/// time-based, so an entry serves whether or not it is settled. `progress` is called once
/// per file.
pub fn describe_cached(
    files: &[SessionFile],
    cache: &Cache,
    rules: &Arc<Rules>,
    now: Millis,
    progress: impl Fn() + Sync,
) -> (Vec<SessionInfo>, Vec<Entry>) {
    let rows: Vec<(SessionInfo, Option<Entry>)> = files
        .par_iter()
        .with_max_len(1)
        .map(|f| {
            let key = Key::of(f);
            let row = match cache.get_any(&key) {
                Some(s) => (from_summary(f, s), None),
                None => match scan::summarize(f, rules, now) {
                    Ok(summary) => (from_summary(f, &summary), Some(Entry { key, summary })),
                    Err(e) => {
                        let mut r = unread(f);
                        r.error = Some(sanitize::one_line(&e.to_string(), 500));
                        (r, None)
                    }
                },
            };
            progress();
            row
        })
        .collect();
    let mut fresh = Vec::new();
    let rows = rows
        .into_iter()
        .map(|(row, entry)| {
            fresh.extend(entry);
            row
        })
        .collect();
    (rows, fresh)
}

/// Every file's row, in the same order, read in parallel; `progress` is called once per file.
pub fn describe_all(files: &[SessionFile], progress: impl Fn() + Sync) -> Vec<SessionInfo> {
    files
        .par_iter()
        .map(|f| {
            let row = describe(f);
            progress();
            row
        })
        .collect()
}
