//! The pure core: transcript lines in, sessions, scores, signals and nudges out.
//!
//! Boundary rule: nothing under `core` touches a terminal, the filesystem, an async runtime or the
//! clock. Time comes in as data ([`Millis`] on every event, and a `now` argument where a rule
//! depends on the wall clock), so every result here is reproducible in a test. A test in
//! `tests/boundary.rs` fails if a forbidden import appears.

pub mod agents;
pub mod bounded;
pub mod checks;
pub mod classify;
pub mod config;
pub mod engine;
pub mod eval;
pub mod event;
pub mod export;
pub mod format;
pub mod hash;
pub mod json_skip;
pub mod lines;
pub mod pipeline;
pub mod replay;
pub mod review;
pub mod sanitize;
pub mod session;
pub mod stack;
pub mod time;
pub mod view;

pub use time::Millis;

/// A 1-based physical line number in a transcript file: what a person checks with `sed -n Np`.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Default,
    serde::Serialize,
    serde::Deserialize,
)]
#[serde(transparent)]
pub struct LineNo(pub u64);

impl std::fmt::Display for LineNo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}
