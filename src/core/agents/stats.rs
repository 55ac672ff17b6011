//! What a reader saw besides events: records skipped (and why) and schema drift. The same for
//! every agent format, so reports count skips one way.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::core::LineNo;

/// At most this many skips are kept with their details; the rest are only counted.
pub const SKIP_DETAILS_KEPT: usize = 200;

/// Why a record was skipped.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SkipReason {
    /// Not valid JSON (including a torn last line that never got its newline).
    InvalidJson,
    /// Valid JSON, but not an object (`"massive error"`, `42`, `[1]`).
    NotAnObject,
    /// An object without a string `type`.
    NoType,
    /// A `type` this version of ringside does not know.
    UnknownType,
    /// Longer than the line cap; its bytes were never buffered.
    TooLong,
}

impl SkipReason {
    /// The snake_case key used in reports (`skipped.by_reason`).
    #[must_use]
    pub fn key(&self) -> &'static str {
        match self {
            SkipReason::InvalidJson => "invalid_json",
            SkipReason::NotAnObject => "not_an_object",
            SkipReason::NoType => "no_type",
            SkipReason::UnknownType => "unknown_type",
            SkipReason::TooLong => "too_long",
        }
    }

    /// A short phrase for people.
    #[must_use]
    pub fn describe(&self) -> &'static str {
        match self {
            SkipReason::InvalidJson => "invalid JSON",
            SkipReason::NotAnObject => "not a JSON object",
            SkipReason::NoType => "no type field",
            SkipReason::UnknownType => "unknown line type",
            SkipReason::TooLong => "line too long",
        }
    }
}

/// One skipped record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct Skip {
    pub line: LineNo,
    pub reason: SkipReason,
    /// What exactly: the JSON error, the unknown type, the length.
    pub detail: String,
}

/// What a reader saw besides events: skips and schema drift.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct ParseStats {
    /// Lines read (blank ones included).
    pub lines: u64,
    /// Blank lines (ignored, not skipped).
    pub blank: u64,
    /// Skipped lines by reason.
    pub skipped: BTreeMap<SkipReason, u64>,
    /// The first [`SKIP_DETAILS_KEPT`] skips with line numbers.
    pub skips: Vec<Skip>,
    /// Lines whose invalid UTF-8 bytes were replaced with U+FFFD so the rest could be read.
    pub repaired_utf8: u64,
    /// Records passed over after a shallow look at their kind: bulky kinds that carry nothing
    /// the rules use (each adapter says which).
    pub passed_over: u64,
    /// Lines of a `type` we do not know, by type.
    pub unknown_types: BTreeMap<String, u64>,
    /// Top-level keys we do not know, by name.
    pub unknown_fields: BTreeMap<String, u64>,
    /// A hook the user configured reported in this file (the agent's own callbacks and
    /// ringside's hook do not count).
    #[serde(default)]
    pub user_hooks: bool,
}

impl ParseStats {
    /// Total skipped lines.
    #[must_use]
    pub fn skipped_total(&self) -> u64 {
        self.skipped.values().sum()
    }

    /// Counts a skipped record, keeping its details while fewer than [`SKIP_DETAILS_KEPT`] are.
    pub fn skip(&mut self, line: LineNo, reason: SkipReason, detail: String) {
        *self.skipped.entry(reason.clone()).or_default() += 1;
        if self.skips.len() < SKIP_DETAILS_KEPT {
            self.skips.push(Skip {
                line,
                reason,
                detail,
            });
        }
    }
}
