//! The command line as a user meets it: help, the demo, session lookup, JSON shape.

#![allow(
    clippy::unwrap_used,
    clippy::panic,
    reason = "test helpers fail loudly by design"
)]

mod common;

use std::path::Path;

use assert_cmd::Command;
use predicates::prelude::*;
use serde_json::Value;

fn ringside(home: &Path) -> Command {
    let mut c = Command::new(assert_cmd::cargo::cargo_bin!("ringside"));
    c.env("HOME", home)
        .env("CLAUDE_CONFIG_DIR", home.join("claude"))
        .env("COLUMNS", "120");
    c
}

#[test]
fn help_lists_the_commands() {
    let tmp = tempfile::tempdir().unwrap();
    ringside(tmp.path())
        .arg("--help")
        .assert()
        .success()
        .stdout(predicate::str::contains("score").and(predicate::str::contains("sessions")));
}

#[test]
fn score_needs_a_target_or_the_demo() {
    let tmp = tempfile::tempdir().unwrap();
    ringside(tmp.path())
        .arg("score")
        .assert()
        .failure()
        .code(2)
        .stderr(predicate::str::contains("--demo"));
}

#[test]
fn the_demo_scores_without_any_transcripts() {
    let tmp = tempfile::tempdir().unwrap();
    ringside(tmp.path())
        .args(["score", "--demo"])
        .assert()
        .success()
        .stdout(predicate::str::contains("session  demo"));
    let out = ringside(tmp.path())
        .args(["score", "--demo", "--json"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let j: Value = serde_json::from_slice(&out).unwrap();
    for key in [
        "id",
        "cwd",
        "entry_point",
        "prompts",
        "tool_calls",
        "tool_errors",
        "actions",
        "model_calls",
        "output_tokens",
        "lines_added",
        "lines_removed",
        "actions_per_prompt",
    ] {
        assert!(j["session"].get(key).is_some(), "session.{key} missing");
    }
    assert!(j["turns"].is_array() && j["subagents"].is_array() && j["skipped"].is_object());
}

fn session_line(id: &str, prompt: &str, ts: &str) -> String {
    format!(
        r#"{{"type":"user","message":{{"role":"user","content":"{prompt}"}},"timestamp":"{ts}","sessionId":"{id}","cwd":"/home/me/app","gitBranch":"main"}}"#
    )
}

#[test]
fn sessions_are_listed_newest_first_and_found_by_id_prefix() {
    let tmp = tempfile::tempdir().unwrap();
    let proj = tmp.path().join("claude/projects/-home-me-app");
    std::fs::create_dir_all(&proj).unwrap();
    let old = proj.join("1111aaaa-0000.jsonl");
    std::fs::write(
        &old,
        session_line("1111aaaa-0000", "older work", "2026-01-01T10:00:00Z") + "\n",
    )
    .unwrap();
    let new = proj.join("2222bbbb-0000.jsonl");
    std::fs::write(
        &new,
        session_line("2222bbbb-0000", "newer work", "2026-01-02T10:00:00Z") + "\n",
    )
    .unwrap();
    let t = std::time::SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(1_767_000_000);
    std::fs::File::options()
        .write(true)
        .open(&old)
        .unwrap()
        .set_modified(t)
        .unwrap();
    let out = ringside(tmp.path())
        .args(["sessions", "--json"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let doc: Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(doc["schema"], 1);
    let rows = doc["sessions"].as_array().unwrap();
    assert_eq!(rows[0]["agent"], "claude-code");
    let ids: Vec<&str> = rows.iter().map(|r| r["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["2222bbbb-0000", "1111aaaa-0000"]);
    assert_eq!(rows[0]["cwd"], "/home/me/app");
    assert_eq!(rows[0]["git_branch"], "main");
    assert_eq!(rows[0]["first_prompt"], "newer work");
    assert_eq!(rows[0]["prompts"], 1);
    ringside(tmp.path())
        .args(["score", "1111"])
        .assert()
        .success()
        .stdout(predicate::str::contains("older work"));
    ringside(tmp.path())
        .args(["score", "9999"])
        .assert()
        .failure()
        .stderr(predicate::str::contains("no session '9999'"));
}

#[test]
fn score_reads_every_corpus_file() {
    let Some(corpus) = common::corpus() else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    for f in common::claude_files(&corpus) {
        ringside(tmp.path()).arg("score").arg(&f).assert().success();
    }
}

#[test]
fn config_errors_name_the_key_and_line_and_defaults_print_in_full() {
    let tmp = tempfile::tempdir().unwrap();
    let bad = tmp.path().join("bad.toml");
    std::fs::write(
        &bad,
        "[coach]\ncooldown_minutes = 5\n\n[risk]\nhigh = 0.1\n",
    )
    .unwrap();
    ringside(tmp.path())
        .args(["score", "--demo", "--config"])
        .arg(&bad)
        .assert()
        .failure()
        .stderr(predicate::str::contains("line 5").and(predicate::str::contains("[risk] high")));
    std::fs::write(&bad, "[thresholds]\ns5_failing_runs = 2\n").unwrap();
    ringside(tmp.path())
        .args(["config", "--config"])
        .arg(&bad)
        .assert()
        .failure()
        .stderr(
            predicate::str::contains("line 2").and(predicate::str::contains("s5_failing_runs")),
        );
    ringside(tmp.path())
        .args(["score", "--demo", "--config", "/no/such.toml"])
        .assert()
        .failure()
        .stderr(predicate::str::contains("cannot read config /no/such.toml"));
    let out = ringside(tmp.path())
        .args(["config", "--print-defaults"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let text = String::from_utf8(out).unwrap();
    let good = tmp.path().join("good.toml");
    std::fs::write(&good, &text).unwrap();
    ringside(tmp.path())
        .args(["config", "--config"])
        .arg(&good)
        .assert()
        .success()
        .stdout(predicate::str::contains("(valid)"));
    // With no file at the default path, the defaults apply and ringside says so.
    ringside(tmp.path())
        .env("RINGSIDE_HOME", tmp.path().join("rs"))
        .arg("config")
        .assert()
        .success()
        .stdout(predicate::str::contains("not present: using the defaults"));
}

#[test]
fn version_completions_and_the_man_page_come_from_the_same_definitions() {
    let tmp = tempfile::tempdir().unwrap();
    ringside(tmp.path())
        .arg("--version")
        .assert()
        .success()
        .stdout(predicate::str::starts_with(concat!(
            "ringside ",
            env!("CARGO_PKG_VERSION")
        )));
    for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
        let out = ringside(tmp.path())
            .args(["completions", shell])
            .assert()
            .success()
            .get_output()
            .stdout
            .clone();
        let text = String::from_utf8(out).unwrap();
        for word in ["replay", "review", "speed", "session"] {
            assert!(text.contains(word), "{shell} completions lack {word}");
        }
    }
    ringside(tmp.path()).arg("man").assert().success().stdout(
        predicate::str::contains(".TH ringside 1")
            .and(predicate::str::contains("replay"))
            .and(predicate::str::contains("statusline")),
    );
    ringside(tmp.path())
        .args(["completions", "tcsh"])
        .assert()
        .failure()
        .code(2);
}

#[test]
fn a_speed_of_zero_is_refused_rather_than_freezing_the_player() {
    let tmp = tempfile::tempdir().unwrap();
    for args in [
        &["--demo", "--speed", "0"][..],
        &["replay", "--demo", "--speed", "0"],
        &["replay", "--demo", "--speed=-2"],
        &["replay", "--demo", "--speed", "fast"],
    ] {
        ringside(tmp.path())
            .args(args)
            .assert()
            .failure()
            .code(2)
            .stderr(predicate::str::contains("--speed"));
    }
}

#[test]
fn a_file_with_no_transcript_record_scores_with_a_warning_and_fails() {
    let tmp = tempfile::tempdir().unwrap();
    let notes = tmp.path().join("notes.md");
    std::fs::write(&notes, "# notes\n\nnot a transcript\n").unwrap();
    ringside(tmp.path())
        .arg("score")
        .arg(&notes)
        .assert()
        .failure()
        .code(1)
        .stderr(predicate::str::contains(
            "no line is a Claude Code transcript record",
        ));
    // An empty file is an empty session, not the wrong file.
    let empty = tmp.path().join("empty.jsonl");
    std::fs::write(&empty, "").unwrap();
    ringside(tmp.path())
        .arg("score")
        .arg(&empty)
        .assert()
        .success();
}

#[test]
fn score_wraps_the_advice_instead_of_cutting_it_when_piped() {
    let tmp = tempfile::tempdir().unwrap();
    let out = ringside(tmp.path())
        .env("COLUMNS", "60")
        .args(["score", "--demo", "--now", "2026-02-11T12:00:00Z"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let text = String::from_utf8(out).unwrap();
    let folded = text.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        folded.contains("make the smallest change that fixes it, and leave the test alone."),
        "the advice is cut:\n{text}"
    );
    assert!(
        folded.contains("R4 reframed the task"),
        "recovery moves are named:\n{text}"
    );
    let coaching = text.split("\nnudges\n").nth(1).unwrap();
    assert!(
        coaching
            .lines()
            .all(|l| ringside::core::sanitize::width(l) <= 60),
        "{coaching}"
    );
}

/// A command that writes the log and prints: the review as markdown.
const REVIEW_MARKDOWN: [&str; 5] = [
    "review",
    "--format",
    "markdown",
    "--now",
    "2026-02-20T12:00:00Z",
];

/// Logging is never fatal: a data dir that cannot be created, or a folder where the log file
/// should be, gives one warning and the command's output as usual.
#[test]
fn an_unwritable_log_warns_once_and_runs_on() {
    let tmp = tempfile::tempdir().unwrap();
    // RINGSIDE_HOME is a file: the data dir under it cannot be created.
    let file_home = tmp.path().join("not-a-dir");
    std::fs::write(&file_home, "x").unwrap();
    // A folder named ringside.log where the log file goes.
    let dir_log = tmp.path().join("rs");
    std::fs::create_dir_all(dir_log.join("data/ringside.log")).unwrap();
    for home in [&file_home, &dir_log] {
        let out = Command::new(assert_cmd::cargo::cargo_bin!("ringside"))
            .args(REVIEW_MARKDOWN)
            .env("RINGSIDE_HOME", home)
            .env("CLAUDE_CONFIG_DIR", tmp.path().join("claude"))
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(0), "{}: {err}", home.display());
        assert!(String::from_utf8_lossy(&out.stdout).contains("# Weekly review"));
        assert_eq!(err.matches("cannot write the log").count(), 1, "{err}");
        assert!(!err.contains("panicked"), "{err}");
    }
}

/// The case an earlier `sudo ringside` leaves: the log belongs to root and this user may not
/// write it. Run as `nobody` through setpriv; skipped where the tests are not root.
#[test]
fn a_log_owned_by_root_warns_once_and_runs_on() {
    use std::os::unix::fs::PermissionsExt as _;
    let is_root = std::process::Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| o.stdout.trim_ascii() == b"0");
    let setpriv = std::process::Command::new("setpriv")
        .arg("--version")
        .output();
    if !is_root || setpriv.is_err() {
        eprintln!("NOTICE: not root or no setpriv; skipping the root-owned log test");
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let home = tmp.path().join("rs");
    std::fs::create_dir_all(home.join("data")).unwrap();
    std::fs::write(home.join("data/ringside.log"), "root's lines\n").unwrap();
    for (p, mode) in [
        (tmp.path(), 0o755),
        (home.as_path(), 0o755),
        (&home.join("data"), 0o755),
        (&home.join("data/ringside.log"), 0o644),
    ] {
        std::fs::set_permissions(p, std::fs::Permissions::from_mode(mode)).unwrap();
    }
    let out = std::process::Command::new("setpriv")
        .args(["--reuid=65534", "--regid=65534", "--clear-groups", "--"])
        .arg(assert_cmd::cargo::cargo_bin!("ringside"))
        .args(REVIEW_MARKDOWN)
        .env("HOME", tmp.path())
        .env("RINGSIDE_HOME", &home)
        .env("CLAUDE_CONFIG_DIR", tmp.path().join("claude"))
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(String::from_utf8_lossy(&out.stdout).contains("# Weekly review"));
    assert_eq!(err.matches("cannot write the log").count(), 1, "{err}");
    assert!(err.contains("Permission denied"), "{err}");
}

/// Every printing command exits quietly with status 0 when its reader has gone
/// (`ringside score --demo | head -1`): no panic, no message, like Unix tools that stop writing.
#[test]
fn a_closed_stdout_ends_every_printing_command_quietly() {
    let tmp = tempfile::tempdir().unwrap();
    let claude = tmp.path().join("claude");
    let proj = claude.join("projects/-home-u-app");
    std::fs::create_dir_all(&proj).unwrap();
    std::fs::write(
        proj.join("d3m0.jsonl"),
        include_bytes!("../assets/demo/session.jsonl"),
    )
    .unwrap();
    let export_dir = tmp.path().join("export").display().to_string();
    let commands: &[&[&str]] = &[
        &["score", "--demo"],
        &["score", "--demo", "--json"],
        &["sessions"],
        &["sessions", "--json"],
        &["config"],
        &["config", "--print-defaults"],
        &["replay", "--report", "--demo"],
        &["replay", "--report", "--demo", "--format", "json"],
        &[
            "review",
            "--format",
            "markdown",
            "--now",
            "2026-02-20T12:00:00Z",
        ],
        &[
            "review",
            "--format",
            "json",
            "--now",
            "2026-02-20T12:00:00Z",
        ],
        &[
            "export",
            "--out",
            &export_dir,
            "--now",
            "2026-02-20T12:00:00Z",
        ],
        &["cache", "clear"],
        &["install", "statusline", "--dry-run"],
        &["uninstall", "statusline", "--dry-run"],
        &["completions", "bash"],
        &["man"],
        &["--help"],
        &["--version"],
    ];
    for args in commands {
        // The pipe's reading end is closed before ringside starts: its first write fails.
        let (reader, writer) = std::io::pipe().unwrap();
        drop(reader);
        let out = std::process::Command::new(assert_cmd::cargo::cargo_bin!("ringside"))
            .args(*args)
            .env("HOME", tmp.path())
            .env("RINGSIDE_HOME", tmp.path().join("rs"))
            .env("CLAUDE_CONFIG_DIR", &claude)
            .stdout(writer)
            .stderr(std::process::Stdio::piped())
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(0), "{args:?}: {err}");
        assert!(
            !err.contains("panicked") && !err.contains("Broken pipe"),
            "{args:?}: {err}"
        );
    }
}

/// `sessions --json` and the table, with `--no-cache` or not.
fn listing(home: &Path, extra: &[&str]) -> (String, String) {
    let run = |args: &[&str]| {
        let out = ringside(home)
            .env("RINGSIDE_HOME", home.join("ringside"))
            .args(["sessions", "--limit", "0"])
            .args(args)
            .args(extra)
            .assert()
            .success()
            .get_output()
            .stdout
            .clone();
        String::from_utf8(out).unwrap()
    };
    (run(&["--json"]), run(&[]))
}

#[test]
fn a_warm_session_listing_equals_a_cold_one_and_a_grown_file_is_read_again() {
    let tmp = tempfile::tempdir().unwrap();
    let home = tmp.path();
    let proj = home.join("claude/projects/-home-me-app");
    std::fs::create_dir_all(&proj).unwrap();
    let line = |id: &str, text: &str, ts: &str, branch: &str| {
        format!(
            r#"{{"type":"user","message":{{"role":"user","content":"{text}"}},"timestamp":"{ts}","sessionId":"{id}","cwd":"/home/me/app","gitBranch":"{branch}"}}"#
        ) + "\n"
    };
    // A long prompt with escapes (cut and sanitised alike), a detached HEAD, a sub-agent file,
    // and a file that is no transcript at all.
    let long = format!(
        "fix the \\u001b[31mred\\u001b[0m bug {}",
        "é and more ".repeat(20)
    );
    let a = proj.join("aaaa1111-0000.jsonl");
    std::fs::write(
        &a,
        line("aaaa1111-0000", &long, "2026-01-01T10:00:00Z", "feature/x"),
    )
    .unwrap();
    let b = proj.join("bbbb2222-0000.jsonl");
    std::fs::write(
        &b,
        line("bbbb2222-0000", "short", "2026-01-02T10:00:00Z", "HEAD"),
    )
    .unwrap();
    let sub = proj.join("bbbb2222-0000/subagents");
    std::fs::create_dir_all(&sub).unwrap();
    std::fs::write(
        sub.join("agent-1.jsonl"),
        line(
            "bbbb2222-0000",
            "sub-agent work",
            "2026-01-03T10:00:00Z",
            "other",
        ),
    )
    .unwrap();
    std::fs::write(proj.join("cccc3333-0000.jsonl"), "not json\n").unwrap();

    let cold = listing(home, &["--no-cache"]);
    assert!(
        !home.join("ringside/cache/review/summaries.jsonl").exists(),
        "--no-cache writes no cache"
    );
    let filling = listing(home, &[]);
    let index = home.join("ringside/cache/review/summaries.jsonl");
    assert!(index.exists(), "the listing fills the review's cache");
    let warm = listing(home, &[]);
    assert_eq!(filling, cold, "the listing that fills the cache");
    assert_eq!(warm, cold, "the listing from the cache");
    let doc: Value = serde_json::from_str(&cold.0).unwrap();
    assert_eq!(doc["schema"], 1);
    let rows = doc["sessions"].as_array().unwrap();
    assert_eq!(rows.len(), 3);
    let row = |id: &str| rows.iter().find(|r| r["id"] == id).unwrap().clone();
    assert_eq!(row("bbbb2222-0000")["git_branch"], Value::Null);
    assert_eq!(row("bbbb2222-0000")["subagents"], 1);
    assert_eq!(row("aaaa1111-0000")["git_branch"], "feature/x");
    let first = row("aaaa1111-0000")["first_prompt"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(
        first.starts_with("fix the") && !first.contains('\u{1b}'),
        "{first}"
    );

    // Served from the cache: the same size and modification time read as the same file.
    let mtime = std::fs::metadata(&b).unwrap().modified().unwrap();
    let rewrite = |text: &str| {
        std::fs::write(
            &b,
            line("bbbb2222-0000", text, "2026-01-02T10:00:00Z", "HEAD"),
        )
        .unwrap();
        let f = std::fs::File::options().write(true).open(&b).unwrap();
        f.set_modified(mtime).unwrap();
    };
    rewrite("SHORT");
    assert!(
        listing(home, &[]).0.contains("\"short\""),
        "not from the cache"
    );
    assert!(listing(home, &["--no-cache"]).0.contains("\"SHORT\""));
    rewrite("short");

    // A grown file is read again: its new figures show, as a cold listing shows them.
    let mut f = std::fs::OpenOptions::new().append(true).open(&a).unwrap();
    std::io::Write::write_all(
        &mut f,
        line(
            "aaaa1111-0000",
            "and another thing",
            "2026-01-05T10:00:00Z",
            "feature/x",
        )
        .as_bytes(),
    )
    .unwrap();
    drop(f);
    let grown = listing(home, &[]);
    let doc: Value = serde_json::from_str(&grown.0).unwrap();
    let a_row = doc["sessions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == "aaaa1111-0000")
        .unwrap()
        .clone();
    assert_eq!(a_row["prompts"], 2);
    assert_eq!(a_row["last_activity"], "2026-01-05T10:00:00.000Z");
    assert_eq!(grown, listing(home, &["--no-cache"]));
}
