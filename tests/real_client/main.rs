//! End-to-end: the real Claude Code client against a scripted model server written here.
//!
//! Behind a switch: with `RINGSIDE_CLAUDE_BIN` unset every test prints a notice and passes.
//! `.ci/run` installs the pinned client with npm and sets it. See the README ("The real client
//! in the loop") for how to run it.
#![allow(clippy::unwrap_used, clippy::panic, reason = "test")]

mod coaching;
mod harness;
mod headless;
mod interactive;
mod scenarios;
mod server;
mod truth;
