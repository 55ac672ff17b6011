//! ringside: a terminal coach for people who work with coding agents.
//!
//! Module map:
//! - [`core`]: pure logic. Transcript lines → events → sessions → scores, signals, nudges.
//!   No terminal, filesystem, async runtime or clock.
//! - [`source`]: the I/O edge. Finds transcripts, reads and tails them (read-only), watches folders.
//! - [`report`]: headless front ends: the `score` table and its JSON contract, the session report,
//!   the review's text, the status line.
//! - [`tui`]: the terminal front end of `watch`, `replay` and `review`.
//! - `main.rs`: the command line.

pub mod core;
pub mod report;
pub mod source;
pub mod tui;
