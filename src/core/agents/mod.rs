//! The format seam: one [`Reader`] per agent format, bytes in, normalised [`Event`]s out.
//!
//! Everything about one agent's files lives in its adapter folder: here the framing, the record
//! kinds and the field names (`claude/`); at the edge where the files are and which files make up
//! a session (`source/agents/claude/`). The rest of ringside sees only [`Format`], [`Reader`],
//! [`ParseStats`] and [`Event`]s; `tests/boundary.rs` fails if a format's record fields are named
//! anywhere else.
//!
//! A reader owns its framing. It is fed bytes in file order and decides what a record is: a JSON
//! line (Claude Code, Codex rollouts), a line that may restate an earlier message (a reader that
//! holds a message until its last copy can have arrived), or a whole JSON document (a reader that
//! buffers until the document is complete, for a format whose files [`Growth::Rewrites`]). Chunk
//! boundaries never change what it produces. It is plain data (serde), so the status line can save
//! it between calls and replay can clone it.
//!
//! Adding a format: a folder here with its reader (a type with the methods [`Reader`] forwards
//! to), a variant in [`Format`] and in [`Reader`], and its folder at the edge; the compiler then
//! lists every `match` that needs the new arm.

pub mod claude;
mod stats;

use serde::{Deserialize, Serialize};

pub use self::stats::{ParseStats, SKIP_DETAILS_KEPT, Skip, SkipReason};
use super::LineNo;
use super::event::Event;

/// The agent formats ringside reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Format {
    /// Claude Code's JSONL transcripts.
    #[default]
    Claude,
}

impl Format {
    /// Every format, in the order sessions are looked for.
    pub const ALL: [Format; 1] = [Format::Claude];

    /// The agent's name, for people.
    #[must_use]
    pub fn agent(self) -> &'static str {
        match self {
            Format::Claude => "Claude Code",
        }
    }

    /// A stable name for scripts (`sessions --json`'s `agent`).
    #[must_use]
    pub fn id(self) -> &'static str {
        match self {
            Format::Claude => "claude-code",
        }
    }

    /// How its files change while the agent writes them.
    #[must_use]
    pub fn growth(self) -> Growth {
        match self {
            Format::Claude => Growth::Appends,
        }
    }
}

/// How a format's files change while the agent works.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Growth {
    /// Bytes are only appended: read what was added since the last read.
    Appends,
    /// The whole file is written anew: whenever it changes, read it again from the start.
    Rewrites,
}

/// Whose work a file holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role<'a> {
    /// The session's main thread (the person's prompts).
    Main,
    /// One sub-agent's file: all of it is that agent's work.
    Agent(&'a str),
}

/// What one [`Reader::feed_record`] call did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Step {
    /// Bytes taken from the input (all of it when no record ended in it).
    pub consumed: usize,
    /// The record that ended within those bytes, by its line: what a person finds with
    /// `sed -n Np`. Its events (and any the reader was holding back) were appended.
    pub ended: Option<LineNo>,
}

/// One reader per format; see the module docs.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub enum Reader {
    Claude(claude::Reader),
}

impl Reader {
    /// A reader of `format` for a main file or a sub-agent's file.
    #[must_use]
    pub fn new(format: Format, role: Role<'_>) -> Self {
        match format {
            Format::Claude => Reader::Claude(claude::Reader::new(role)),
        }
    }

    /// The format it reads.
    #[must_use]
    pub fn format(&self) -> Format {
        match self {
            Reader::Claude(_) => Format::Claude,
        }
    }

    /// Caps the bytes one record may take; a longer one is skipped and counted, never buffered.
    pub fn set_max_record(&mut self, max: usize) {
        match self {
            Reader::Claude(r) => r.set_max_record(max),
        }
    }

    /// Feeds `bytes` up to the end of the next record and appends that record's events to `out`.
    /// Returns how many bytes were taken: feeding a stream piece by piece this way, or in chunks
    /// of any size, gives the same events.
    pub fn feed_record(&mut self, bytes: &[u8], out: &mut Vec<Event>) -> Step {
        match self {
            Reader::Claude(r) => r.feed_record(bytes, out),
        }
    }

    /// The file ended (a finished session): whatever is held is read as complete. Returns the
    /// line of a last record that ended only now (one without its terminator).
    pub fn finish(&mut self, out: &mut Vec<Event>) -> Option<LineNo> {
        match self {
            Reader::Claude(r) => r.finish(out),
        }
    }

    /// Skip and drift counters.
    #[must_use]
    pub fn stats(&self) -> &ParseStats {
        match self {
            Reader::Claude(r) => r.stats(),
        }
    }

    /// Takes the counters.
    #[must_use]
    pub fn into_stats(self) -> ParseStats {
        match self {
            Reader::Claude(r) => r.into_stats(),
        }
    }

    /// Bytes held for a record that has not ended yet.
    #[must_use]
    pub fn pending_bytes(&self) -> u64 {
        match self {
            Reader::Claude(r) => r.pending_bytes(),
        }
    }
}
