//! Bad input never crashes ringside and loses nothing: every case gets a clear message or a
//! counted skip, and everything valid is still reported.

#![allow(
    clippy::unwrap_used,
    clippy::panic,
    reason = "test helpers fail loudly by design"
)]

mod common;

use std::io::Write;
use std::path::Path;

use assert_cmd::Command;
use predicates::prelude::*;
use serde_json::Value;

const PROMPT_1: &str = r#"{"type":"user","message":{"role":"user","content":"first prompt"},"timestamp":"2026-01-01T10:00:00Z","sessionId":"s","cwd":"/w"}"#;
const PROMPT_2: &str = r#"{"type":"user","message":{"role":"user","content":"second prompt"},"timestamp":"2026-01-01T10:05:00Z","sessionId":"s","cwd":"/w"}"#;

fn ringside(home: &Path) -> Command {
    let mut c = Command::new(assert_cmd::cargo::cargo_bin!("ringside"));
    c.env("HOME", home)
        .env("CLAUDE_CONFIG_DIR", home.join("claude"))
        .env("COLUMNS", "120")
        .env_remove("NO_COLOR");
    c
}

fn score_json(home: &Path, file: &Path) -> Value {
    let out = ringside(home)
        .args(["score", "--json"])
        .arg(file)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    serde_json::from_slice(&out).expect("score --json prints JSON")
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> std::path::PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, bytes).unwrap();
    p
}

#[test]
fn malformed_and_non_object_lines_are_skipped_with_line_numbers() {
    let tmp = tempfile::tempdir().unwrap();
    let body = format!(
        "{PROMPT_1}\n{{broken json\n\"massive error\"\n42\n[1]\n{{\"no\":\"type\"}}\n{PROMPT_2}\n"
    );
    let f = write(tmp.path(), "s.jsonl", body.as_bytes());
    let j = score_json(tmp.path(), &f);
    assert_eq!(j["session"]["prompts"], 2);
    assert_eq!(j["skipped"]["total"], 5);
    assert_eq!(j["skipped"]["by_reason"]["invalid_json"], 1);
    assert_eq!(j["skipped"]["by_reason"]["not_an_object"], 3);
    assert_eq!(j["skipped"]["by_reason"]["no_type"], 1);
    let lines: Vec<u64> = j["skipped"]["lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["line"].as_u64().unwrap())
        .collect();
    assert_eq!(lines, vec![2, 3, 4, 5, 6]);
    // The table says it too, with the line numbers.
    ringside(tmp.path())
        .arg("score")
        .arg(&f)
        .assert()
        .success()
        .stdout(predicate::str::contains("skipped  5 lines"))
        .stdout(predicate::str::contains("1 invalid JSON (line 2)"))
        .stdout(predicate::str::contains(
            "3 not a JSON object (line 3, 4, 5)",
        ));
}

#[test]
fn a_missing_final_newline_still_reads_the_last_line() {
    let tmp = tempfile::tempdir().unwrap();
    let f = write(
        tmp.path(),
        "s.jsonl",
        format!("{PROMPT_1}\n{PROMPT_2}").as_bytes(),
    );
    let j = score_json(tmp.path(), &f);
    assert_eq!(j["session"]["prompts"], 2);
    assert_eq!(j["skipped"]["total"], 0);
}

#[test]
fn a_torn_last_line_is_one_counted_skip() {
    let tmp = tempfile::tempdir().unwrap();
    let f = write(
        tmp.path(),
        "s.jsonl",
        format!("{PROMPT_1}\n{}", &PROMPT_2[..40]).as_bytes(),
    );
    let j = score_json(tmp.path(), &f);
    assert_eq!(j["session"]["prompts"], 1);
    assert_eq!(j["skipped"]["lines"][0]["line"], 2);
    assert_eq!(j["skipped"]["lines"][0]["reason"], "invalid_json");
}

#[test]
fn non_utf8_bytes_are_replaced_and_the_line_kept() {
    let tmp = tempfile::tempdir().unwrap();
    let mut body = br#"{"type":"user","message":{"content":"caf"#.to_vec();
    body.extend_from_slice(&[0xe9, 0x80]);
    body.extend_from_slice(b" latin-1 prompt\"}}\n");
    body.extend_from_slice(PROMPT_2.as_bytes());
    let f = write(tmp.path(), "s.jsonl", &body);
    let j = score_json(tmp.path(), &f);
    assert_eq!(j["session"]["prompts"], 2);
    assert_eq!(j["skipped"]["repaired_utf8"], 1);
    // 0xe9 0x80 is an incomplete 3-byte sequence: one replacement character.
    assert_eq!(j["turns"][0]["prompt"], "caf\u{fffd} latin-1 prompt");
}

#[test]
fn a_100_mb_line_is_skipped_without_losing_its_neighbours() {
    let tmp = tempfile::tempdir().unwrap();
    let p = tmp.path().join("s.jsonl");
    let mut f = std::io::BufWriter::new(std::fs::File::create(&p).unwrap());
    writeln!(f, "{PROMPT_1}").unwrap();
    f.write_all(br#"{"type":"user","message":{"content":""#)
        .unwrap();
    let block = vec![b'a'; 1 << 20];
    for _ in 0..100 {
        f.write_all(&block).unwrap();
    }
    f.write_all(b"\"}}\n").unwrap();
    writeln!(f, "{PROMPT_2}").unwrap();
    drop(f);
    let j = score_json(tmp.path(), &p);
    assert_eq!(j["session"]["prompts"], 2);
    assert_eq!(j["skipped"]["by_reason"]["too_long"], 1);
    assert_eq!(j["skipped"]["lines"][0]["line"], 2);
    assert!(
        j["skipped"]["lines"][0]["detail"]
            .as_str()
            .unwrap()
            .starts_with("104857")
    );
}

#[test]
fn an_empty_file_is_an_empty_session() {
    let tmp = tempfile::tempdir().unwrap();
    let f = write(tmp.path(), "s.jsonl", b"");
    let j = score_json(tmp.path(), &f);
    assert_eq!(j["session"]["prompts"], 0);
    assert_eq!(j["turns"].as_array().unwrap().len(), 0);
}

#[test]
fn missing_and_unreadable_files_give_a_clear_error() {
    let tmp = tempfile::tempdir().unwrap();
    ringside(tmp.path())
        .args(["score", "/no/such/dir/s.jsonl"])
        .assert()
        .failure()
        .stderr(predicate::str::contains(
            "no such file: /no/such/dir/s.jsonl",
        ));
    ringside(tmp.path())
        .arg("score")
        .arg(tmp.path())
        .assert()
        .failure()
        .stderr(predicate::str::contains("is a directory"));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let f = write(tmp.path(), "locked.jsonl", PROMPT_1.as_bytes());
        std::fs::set_permissions(&f, std::fs::Permissions::from_mode(0o000)).unwrap();
        if std::fs::File::open(&f).is_ok() {
            eprintln!("NOTICE: running as root: mode-000 files are readable; skipping that case");
        } else {
            ringside(tmp.path())
                .arg("score")
                .arg(&f)
                .assert()
                .failure()
                .stderr(predicate::str::contains("denied"));
        }
    }
}

#[test]
fn a_file_deleted_after_discovery_is_an_error_for_that_file_only() {
    let tmp = tempfile::tempdir().unwrap();
    let proj = tmp.path().join("claude/projects/-w");
    std::fs::create_dir_all(&proj).unwrap();
    write(&proj, "aaaa1111.jsonl", PROMPT_1.as_bytes());
    let gone = write(&proj, "bbbb2222.jsonl", PROMPT_2.as_bytes());
    let files = ringside::source::discover::sessions(&ringside::source::discover::Roots {
        projects: vec![tmp.path().join("claude/projects")],
        ..Default::default()
    });
    std::fs::remove_file(gone).unwrap();
    let results: Vec<_> = files
        .iter()
        .map(|f| ringside::source::read::read_session(&f.path, &[], &Default::default()))
        .collect();
    assert_eq!(results.iter().filter(|r| r.is_ok()).count(), 1);
    let err = results
        .into_iter()
        .find_map(Result::err)
        .unwrap()
        .to_string();
    assert!(
        err.contains("bbbb2222.jsonl") && err.contains("no such file"),
        "{err}"
    );
}

#[test]
fn a_missing_root_directory_is_a_note_not_a_failure() {
    let tmp = tempfile::tempdir().unwrap();
    ringside(tmp.path())
        .arg("sessions")
        .assert()
        .success()
        .stderr(predicate::str::contains("does not exist"))
        .stdout(predicate::str::contains("No sessions found"));
}

#[test]
fn escape_sequences_in_a_prompt_never_reach_the_output() {
    let tmp = tempfile::tempdir().unwrap();
    let evil = r#"{"type":"user","message":{"content":"hi\u001b]52;c;ZXZpbA==\u0007 there\u001b[2J\u001b[31m red\u009b31m"},"cwd":"/w\u001b[1m"}"#;
    let f = write(tmp.path(), "s.jsonl", format!("{evil}\n").as_bytes());
    let out = ringside(tmp.path())
        .arg("score")
        .arg(&f)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let text = String::from_utf8(out).unwrap();
    assert!(
        !text.contains('\x1b') && !text.contains('\x07') && !text.contains('\u{9b}'),
        "{text:?}"
    );
    assert!(
        text.contains("hi there red31m") || text.contains("hi there red"),
        "{text}"
    );
    let j = score_json(tmp.path(), &f);
    let prompt = j["turns"][0]["prompt"].as_str().unwrap();
    assert!(!prompt.chars().any(char::is_control), "{prompt:?}");
    assert!(!j["session"]["cwd"].as_str().unwrap().contains('\x1b'));
}
