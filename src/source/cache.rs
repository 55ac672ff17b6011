//! The review's summary cache: one [`SessionSummary`] per session file, so the second review
//! reads summaries instead of transcripts.
//!
//! One index file, `<cache dir>/review/summaries.jsonl`: a header line (cache format, summary
//! version, ringside's version and a fingerprint of the rules in use), then one JSON line per
//! session, keyed by the main file's path, size and modification time and the same for each of
//! its sub-agent files. An entry is reused only when its key matches exactly and its summary is
//! settled (no silence rule can still change it); anything else is read again. A header of
//! another version drops every entry; a line that does not parse drops only itself. Both are
//! logged and never fatal. The file is written whole to a temporary file and renamed over the
//! old one, so a reader sees the old index or the new one, never half of one.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::core::engine::Rules;
use crate::core::hash::Fnv;
use crate::core::review::{SUMMARY_VERSION, SessionSummary};

use super::atomic::{self, Durability};
use super::discover::SessionFile;

/// Version of the index file's layout.
pub const CACHE_FORMAT: u32 = 1;

/// The index file in a cache dir.
#[must_use]
pub fn file(cache_dir: &Path) -> PathBuf {
    cache_dir.join("review").join("summaries.jsonl")
}

/// What a summary was computed from: the files' paths, sizes and modification times.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Key {
    pub path: String,
    pub size: u64,
    /// Modification time, Unix ms (0 when unknown).
    pub mtime: i64,
    /// The sub-agent files: (path, size, mtime).
    pub subagents: Vec<(String, u64, i64)>,
}

impl Key {
    /// The key of a session's files as they are now (sub-agent files are stat'ed here).
    #[must_use]
    pub fn of(f: &SessionFile) -> Self {
        Self {
            path: f.path.display().to_string(),
            size: f.size,
            mtime: f.modified.map_or(0, |m| m.0),
            subagents: f
                .subagents
                .iter()
                .map(|(_, p)| {
                    let meta = std::fs::metadata(p).ok();
                    (
                        p.display().to_string(),
                        meta.as_ref().map_or(0, std::fs::Metadata::len),
                        meta.as_ref()
                            .and_then(super::discover::modified)
                            .map_or(0, |m| m.0),
                    )
                })
                .collect(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct Header {
    ringside_review_cache: u32,
    summary_version: u32,
    ringside: String,
    rules: String,
}

impl Header {
    fn current(rules: &Rules) -> Self {
        Self {
            ringside_review_cache: CACHE_FORMAT,
            summary_version: SUMMARY_VERSION,
            ringside: env!("CARGO_PKG_VERSION").to_owned(),
            rules: fingerprint(rules),
        }
    }
}

/// A fingerprint of the rules: summaries computed with other thresholds or lexicons are stale.
#[must_use]
pub fn fingerprint(rules: &Rules) -> String {
    let mut h = Fnv::default();
    h.write(format!("{:?}", rules.config).as_bytes());
    format!("{:016x}", h.finish())
}

/// One cached session.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Entry {
    pub key: Key,
    pub summary: SessionSummary,
}

/// The cache as loaded, and what loading found.
#[derive(Debug, Default)]
pub struct Cache {
    entries: HashMap<String, Entry>,
    /// Lines dropped because they did not parse.
    pub corrupt: usize,
    /// The whole file was dropped (another version, other rules, or an unreadable header).
    pub stale: bool,
    path: Option<PathBuf>,
}

impl Cache {
    /// An empty cache that is never written (`--no-cache`).
    #[must_use]
    pub fn disabled() -> Self {
        Self::default()
    }

    /// Whether this cache is read and stored (not [`Self::disabled`]).
    #[must_use]
    pub fn enabled(&self) -> bool {
        self.path.is_some()
    }

    /// Loads the index in `cache_dir`, for these rules. A missing file is an empty cache;
    /// problems are logged and cost only the entries concerned.
    #[must_use]
    pub fn load(cache_dir: &Path, rules: &Rules) -> Self {
        let path = file(cache_dir);
        let mut cache = Self {
            path: Some(path.clone()),
            ..Self::default()
        };
        let Ok(bytes) = std::fs::read(&path) else {
            return cache;
        };
        let mut lines = bytes.split(|b| *b == b'\n').filter(|l| !l.is_empty());
        let header = lines
            .next()
            .and_then(|l| serde_json::from_slice::<Header>(l).ok());
        if header.as_ref() != Some(&Header::current(rules)) {
            tracing::info!(
                "review cache {} is from another version or other rules; rebuilding it",
                path.display()
            );
            cache.stale = true;
            return cache;
        }
        let lines: Vec<&[u8]> = lines.collect();
        let parsed: Vec<Option<Entry>> = lines
            .par_iter()
            .map(|l| serde_json::from_slice::<Entry>(l).ok())
            .collect();
        for e in parsed {
            match e {
                Some(e) => {
                    cache.entries.insert(e.key.path.clone(), e);
                }
                None => cache.corrupt += 1,
            }
        }
        if cache.corrupt > 0 {
            tracing::warn!(
                "review cache {}: {} damaged entries dropped; those sessions are read again",
                path.display(),
                cache.corrupt
            );
        }
        cache
    }

    /// The cached summary for a key, when it is exact and settled.
    #[must_use]
    pub fn get(&self, key: &Key) -> Option<&SessionSummary> {
        self.entries
            .get(&key.path)
            .filter(|e| e.key == *key && e.summary.settled)
            .map(|e| &e.summary)
    }

    /// The cached summary for a key when it is exact, settled or not: for what no time-based
    /// rule changes (a session list).
    #[must_use]
    pub fn get_any(&self, key: &Key) -> Option<&SessionSummary> {
        self.entries
            .get(&key.path)
            .filter(|e| e.key == *key)
            .map(|e| &e.summary)
    }

    /// Entries held.
    #[must_use]
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// No entries.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Replaces the index with `fresh` plus the old entries of files that still exist (`keep`,
    /// by path) and were not refreshed. Writes only when something changed.
    ///
    /// # Errors
    /// When the cache dir or the index cannot be written.
    pub fn store(
        &mut self,
        rules: &Rules,
        fresh: Vec<Entry>,
        keep: &std::collections::HashSet<String>,
    ) -> std::io::Result<bool> {
        let Some(path) = self.path.clone() else {
            return Ok(false);
        };
        let before = self.entries.len();
        self.entries.retain(|p, _| keep.contains(p));
        let mut changed = self.stale || self.corrupt > 0 || self.entries.len() != before;
        for e in fresh {
            if self.entries.get(&e.key.path) != Some(&e) {
                changed = true;
                self.entries.insert(e.key.path.clone(), e);
            }
        }
        if !changed {
            return Ok(false);
        }
        let mut entries: Vec<&Entry> = self.entries.values().collect();
        entries.sort_by(|a, b| a.key.path.cmp(&b.key.path));
        let lines: Vec<String> = entries
            .par_iter()
            .filter_map(|e| serde_json::to_string(e).ok())
            .collect();
        let mut out =
            serde_json::to_string(&Header::current(rules)).map_err(std::io::Error::other)?;
        out.push('\n');
        for l in lines {
            out.push_str(&l);
            out.push('\n');
        }
        atomic::write(&path, out.as_bytes(), Durability::Synced)?;
        self.stale = false;
        self.corrupt = 0;
        Ok(true)
    }
}

/// The folders ringside fills in its cache dir, and what each holds.
pub const PARTS: &[(&str, &str)] = &[
    ("review", "the review's session summaries"),
    ("state", "the status line's saved sessions"),
    ("hook", "the hook's record of nudges shown"),
];

/// Deletes everything ringside caches in `cache_dir` (see [`PARTS`]); returns what there was.
///
/// # Errors
/// When a part exists and cannot be removed.
pub fn clear(cache_dir: &Path) -> std::io::Result<Vec<&'static str>> {
    let mut cleared = Vec::new();
    for (dir, what) in PARTS {
        let dir = cache_dir.join(dir);
        if dir.exists() {
            std::fs::remove_dir_all(&dir)?;
            cleared.push(*what);
        }
    }
    Ok(cleared)
}
