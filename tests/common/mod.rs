//! Shared test helpers: the real corpus (skipped with a notice where absent) and fixtures.
#![allow(dead_code, reason = "each test binary uses a different subset")]

pub mod otlp_receiver;
pub mod review;
pub mod rollout;
pub mod team;
pub mod transcript;

use std::path::{Path, PathBuf};

/// Scenario transcripts in the real client's shape.
pub mod scenario;

/// `../shared/corpus`, or `None` (with a printed notice) where it is absent.
pub fn corpus() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus");
    if dir.is_dir() {
        Some(dir)
    } else {
        eprintln!("NOTICE: ../shared/corpus is absent; skipping tests over the real corpus");
        None
    }
}

/// Every Claude Code `.jsonl` file in the corpus (main sessions, sub-agents, hand-made).
pub fn claude_files(corpus: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    walk(&corpus.join("claude"), &mut out);
    out.retain(|p| p.extension().is_some_and(|e| e == "jsonl"));
    out.sort();
    out
}

/// Every `.jsonl` file under `dir`, sorted.
pub fn jsonl_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    walk(dir, &mut out);
    out.retain(|p| p.extension().is_some_and(|e| e == "jsonl"));
    out.sort();
    out
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            walk(&p, out);
        } else {
            out.push(p);
        }
    }
}

/// The two long real sessions.
pub const AUTOCOMPACT: &str = "claude/real/spotter-2.1.39-long-autocompact-steering/258c7280-ae70-4798-800f-63464d01a85d.jsonl";
pub const MANUAL_COMPACT: &str = "claude/real/spotter-2.1.39-long-manual-compact-errors/ae4a77f8-aedd-4bc1-888f-c94edc91af04.jsonl";

/// Reads a file through the library pipeline in one piece.
pub fn pipeline_of(bytes: &[u8]) -> ringside::core::pipeline::Pipeline {
    let mut p = ringside::core::pipeline::Pipeline::new(Some("t".into())).with_log();
    p.feed(bytes);
    p.finish();
    p
}
