//! What every benchmark needs: the wall clock, settings from the environment, and where to keep
//! generated data.
#![allow(dead_code, reason = "each bench uses a different subset")]

use std::path::{Path, PathBuf};
use std::time::Instant;

/// The wall clock, for timing. (clippy.toml bans `Instant::now` so that `core` takes time as
/// data; a benchmark is exactly the place that must read it.)
#[allow(clippy::disallowed_methods)]
pub fn now() -> Instant {
    Instant::now()
}

/// A number from the environment, else `default`.
pub fn env_u64(key: &str, default: u64) -> u64 {
    std::env::var(key)
        .ok()
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(default)
}

/// Cargo's target folder (generated bench data lives in `bench-data/` under it).
pub fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("target"))
}
