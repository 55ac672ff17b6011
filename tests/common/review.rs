//! Review fixtures shared by the review tests: where a generated session file goes, the week
//! reviewed with its four-week baseline, and the summaries of a generated folder.

use std::path::{Path, PathBuf};

use ringside::core::Millis;
use ringside::core::engine::Rules;
use ringside::core::review::{SessionSummary, Window};
use ringside::source::cache::Cache;
use ringside::source::discover::{self, Roots};
use ringside::source::scan;

pub const DAY: i64 = 86_400_000;
/// The review's "now": 2026-02-20T12:00:00Z.
pub const NOW_MS: i64 = 1_771_588_800_000;
pub const NOW: &str = "2026-02-20T12:00:00Z";

/// Writes a session file where Claude Code would: `<root>/projects/<encoded cwd>/<id>.jsonl`.
pub fn write(root: &Path, cwd: &str, id: &str, text: &str) -> PathBuf {
    let dir = root
        .join("projects")
        .join(cwd.replace(|c: char| !c.is_ascii_alphanumeric(), "-"));
    std::fs::create_dir_all(&dir).unwrap();
    let p = dir.join(format!("{id}.jsonl"));
    std::fs::write(&p, text).unwrap();
    p
}

/// The last 7 days before NOW, and the 28 before them, in UTC.
pub fn window() -> Window {
    let now = Millis(NOW_MS);
    Window {
        since: Millis(now.0 - 7 * DAY),
        until: now,
        baseline_since: Millis(now.0 - 35 * DAY),
        tz: jiff::tz::TimeZone::UTC,
        tz_name: "UTC".into(),
    }
}

/// Every session under `<root>/projects`, summarised at NOW without a cache.
pub fn summaries(root: &Path) -> Vec<SessionSummary> {
    let roots = Roots {
        projects: vec![root.join("projects")],
        ..Roots::default()
    };
    let files = discover::sessions(&roots);
    let s = scan::scan(
        &files,
        &Cache::disabled(),
        &Rules::shared_default(),
        Millis(NOW_MS),
        &|| {},
    );
    assert!(s.errors.is_empty(), "{:?}", s.errors);
    s.summaries
}
