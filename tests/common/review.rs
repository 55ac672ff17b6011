//! Review fixtures shared by the review tests: where a generated session file goes, the week
//! reviewed with its four-week baseline, and the summaries of a generated folder.

use std::path::{Path, PathBuf};

use ringside::core::Millis;
use ringside::core::engine::Rules;
use ringside::core::review::{SessionSummary, Window};
use ringside::source::cache::Cache;
use ringside::source::discover::{self, Roots};
use ringside::source::scan;

use super::transcript::Script;

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
    summaries_of(&Roots {
        projects: vec![root.join("projects")],
        ..Roots::default()
    })
}

/// Every session under these roots, summarised at NOW without a cache; none may fail.
pub fn summaries_of(roots: &Roots) -> Vec<SessionSummary> {
    let files = discover::sessions(roots);
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

/// Rust: three failing builds (trouble), a specific reframe, an edit and a passing build (no
/// hard signal: a build is not a test), then one more clean prompt: a recovered session.
pub fn recovered(id: &str, cwd: &str, start: i64) -> String {
    let mut s = Script::new(id, cwd, start);
    s.prompt("fix the failing build in the cli crate");
    s.bash("cargo build", false);
    s.bash("cargo build -p cli", false);
    s.bash("cargo build -p cli --offline", false);
    s.say("Still failing.");
    s.prompt("the error is in src/cli.rs line 40: the match misses the Review variant; add it");
    s.edit(7);
    s.bash("cargo build", true);
    s.say("Fixed: the build passes.");
    s.prompt("now list the crate folders");
    s.bash("ls crates", true);
    s.say("Here they are.");
    s.text()
}
