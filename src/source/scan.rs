//! Summaries of many sessions for the weekly review: from the cache when an entry is current,
//! else read in parallel (rayon) through the same pipeline `score` uses.

use std::sync::Arc;

use rayon::prelude::*;

use crate::core::Millis;
use crate::core::engine::Rules;
use crate::core::review::SessionSummary;

use super::cache::{Cache, Entry, Key};
use super::discover::SessionFile;
use super::read::{ReadError, SessionReader};

/// What a scan produced.
#[derive(Debug, Default)]
pub struct Scan {
    pub summaries: Vec<SessionSummary>,
    /// Entries read from transcripts this time, for the cache (none when it is disabled).
    pub fresh: Vec<Entry>,
    /// Sessions served from the cache.
    pub cached: usize,
    /// Bytes of transcript read (main files).
    pub bytes_read: u64,
    /// Files that could not be read.
    pub errors: Vec<ReadError>,
}

/// Summarises one session from its files, evaluated at `now` (as `score --now` would).
///
/// # Errors
/// When the main file cannot be read.
pub fn summarize(
    f: &SessionFile,
    rules: &Arc<Rules>,
    now: Millis,
) -> Result<SessionSummary, ReadError> {
    let mut r = SessionReader::open(f, rules.clone()).read()?;
    r.engine.tick(now, &r.session);
    Ok(SessionSummary::new(
        &f.path.display().to_string(),
        r.bytes,
        &r.session,
        &r.engine,
        &r.stats,
        now,
    ))
}

/// Summaries of `files`: cached where current, else read. `progress` is called with each
/// session done.
#[must_use]
pub fn scan(
    files: &[SessionFile],
    cache: &Cache,
    rules: &Arc<Rules>,
    now: Millis,
    progress: &(dyn Fn() + Sync),
) -> Scan {
    // Biggest first, one file per task: a 40 MB session does not end up last on one core.
    let mut order: Vec<&SessionFile> = files.iter().collect();
    order.sort_by(|a, b| b.size.cmp(&a.size).then_with(|| a.path.cmp(&b.path)));
    // A disabled cache (`--no-cache`) is neither read nor stored: no keys (a `stat` per sub-agent
    // file) and no copies of the summaries for it.
    let cached = cache.enabled();
    let results: Vec<(Option<Key>, Result<SessionSummary, ReadError>, bool)> = order
        .par_iter()
        .with_max_len(1)
        .map(|f| {
            let key = cached.then(|| Key::of(f));
            let out = match key.as_ref().and_then(|k| cache.get(k)) {
                Some(s) => (key, Ok(s.clone()), true),
                None => {
                    let s = summarize(f, rules, now);
                    (key, s, false)
                }
            };
            progress();
            out
        })
        .collect();
    let mut scan = Scan::default();
    for (key, result, hit) in results {
        match result {
            Ok(summary) => {
                if hit {
                    scan.cached += 1;
                } else {
                    scan.bytes_read += summary.bytes;
                    if let Some(key) = key {
                        scan.fresh.push(Entry {
                            key,
                            summary: summary.clone(),
                        });
                    }
                }
                scan.summaries.push(summary);
            }
            Err(e) => scan.errors.push(e),
        }
    }
    scan
}
