//! Pure text classifiers the coaching rules rest on, one family per file, each a rule a person
//! can explain and check against the transcript:
//! - [`failure`]: why a check failed (its cause lines) and the values it observed;
//! - [`intent`]: the agent saying, in its own words, that it will get around a failing check;
//! - [`suppress`]: markers and settings that silence a linter, type checker, hook or CI gate;
//! - [`weaken`]: edits that make a failing test pass by asking less of it.
//!
//! They read text once and return flags, counts or hashes, never the text itself, so an adapter
//! can call them at parse time and keep memory bounded by events.

pub mod failure;
pub mod intent;
pub mod suppress;
pub mod weaken;

use std::sync::LazyLock;

use regex::bytes::Regex;

/// Literal values in code or output: numbers, quoted strings, booleans and nil-likes.
static LITERAL: LazyLock<Regex> = LazyLock::new(|| {
    crate::core::checks::bytes_re(
        r#"-?\b\d+(?:\.\d+)?\b|"(?:[^"\\\n]|\\.){1,80}"|'(?:[^'\\\n]|\\.){1,80}'|\b(?:true|false|True|False|nil|None|null|undefined)\b"#,
    )
});

/// The hash of a literal as code and output both print it: quotes of either kind dropped, so
/// `"ok"` in a test and `'ok'` in a Python traceback compare equal.
#[must_use]
pub fn literal_hash(lit: &str) -> u64 {
    let t = lit.trim();
    let inner = t
        .strip_prefix('"')
        .and_then(|s| s.strip_suffix('"'))
        .or_else(|| t.strip_prefix('\'').and_then(|s| s.strip_suffix('\'')))
        .unwrap_or(t);
    crate::core::hash::hash_str(inner)
}

/// The literals of a text, in order.
pub fn literals(text: &str) -> impl Iterator<Item = &str> {
    LITERAL
        .find_iter(text.as_bytes())
        .filter_map(|m| std::str::from_utf8(m.as_bytes()).ok())
}
