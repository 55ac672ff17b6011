//! Transcripts the real Claude Code client (2.1.197) wrote in the end-to-end suite
//! (`tests/real_client/`), saved under `tests/fixtures/real-client/` with this machine's paths
//! scrubbed and the client's skill listings cut. They keep the defects of issue 14 covered
//! without the client. Refresh them with `RINGSIDE_E2E_SAVE=tests/fixtures/real-client` (see the
//! README).
#![allow(clippy::unwrap_used, clippy::panic, reason = "test")]

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use serde_json::Value;

/// The main session file of a saved scenario.
fn fixture(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/real-client")
        .join(name);
    let mut found = Vec::new();
    for project in std::fs::read_dir(&dir).unwrap().flatten() {
        for f in std::fs::read_dir(project.path()).unwrap().flatten() {
            if f.path().extension().is_some_and(|e| e == "jsonl") {
                found.push(f.path());
            }
        }
    }
    assert_eq!(found.len(), 1, "{found:?}");
    found.remove(0)
}

fn lines(file: &Path) -> Vec<Value> {
    std::fs::read_to_string(file)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

fn score(file: &Path, extra: &[&str]) -> Value {
    let home = tempfile::tempdir().unwrap();
    let out = Command::cargo_bin("ringside")
        .unwrap()
        .env("RINGSIDE_HOME", home.path())
        .env("CLAUDE_CONFIG_DIR", home.path().join("none"))
        .args(["score", "--json"])
        .arg(file)
        .args(extra)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    serde_json::from_slice(&out).unwrap()
}

/// 1-based line of the `user` record whose text is `text`.
fn user_line(lines: &[Value], text: &str) -> u64 {
    let i = lines
        .iter()
        .position(|l| l["type"] == "user" && l["message"]["content"] == text)
        .unwrap_or_else(|| panic!("no user record {text:?}"));
    i as u64 + 1
}

#[test]
fn headless_prompts_are_typed_and_start_at_their_user_record() {
    // `claude -p`, then `claude -p --continue`: each prompt is an enqueue, a dequeue at once,
    // then the `user` record with promptSource "sdk".
    let file = fixture("check-loop");
    let lines = lines(&file);
    let kinds: Vec<&str> = lines[..3]
        .iter()
        .map(|l| l["type"].as_str().unwrap())
        .collect();
    assert_eq!(
        kinds,
        ["queue-operation", "queue-operation", "user"],
        "the shape this test is about"
    );
    let j = score(&file, &[]);
    assert_eq!(j["session"]["prompts"], 2);
    assert_eq!(j["session"]["entry_point"], "headless");
    let turns = j["turns"].as_array().unwrap();
    assert_eq!(turns.len(), 2, "no preamble, no third prompt");
    for t in turns {
        assert_eq!(t["source"], "typed", "{t}");
        let text = lines[t["line"].as_u64().unwrap() as usize - 1]["message"]["content"].clone();
        assert_eq!(t["line"], user_line(&lines, text.as_str().unwrap()));
        assert_eq!(
            lines[t["line"].as_u64().unwrap() as usize - 1]["promptSource"],
            "sdk"
        );
    }
}

#[test]
fn a_headless_turn_ends_with_the_agents_last_reply_and_s13_fires_there() {
    // `claude -p` writes no system/turn_duration: the reply with stop_reason end_turn is the end.
    let file = fixture("done-unverified");
    let lines = lines(&file);
    assert!(
        !lines.iter().any(|l| l["subtype"] == "turn_duration"),
        "the shape this test is about"
    );
    let done = lines
        .iter()
        .rposition(|l| l["type"] == "assistant" && l["message"]["stop_reason"] == "end_turn")
        .unwrap() as u64
        + 1;
    // Scored right after the run (the file's last timestamp), not an hour later.
    let last_at = lines
        .iter()
        .rev()
        .find_map(|l| l["timestamp"].as_str())
        .unwrap()
        .to_owned();
    let j = score(&file, &["--now", &last_at]);
    let t = &j["turns"][0];
    let s13: Vec<&Value> = t["signals"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["id"] == "S13")
        .collect();
    assert_eq!(s13.len(), 1, "{t}");
    assert_eq!(s13[0]["at_line"], done);
    assert!(
        s13[0]["detail"]
            .as_str()
            .unwrap()
            .contains("nothing was run after its last edit")
    );
}
