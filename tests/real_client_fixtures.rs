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

/// The sub-agent file of a saved scenario: (agent id, path).
fn subagent(main: &Path) -> (String, PathBuf) {
    let dir = main.with_extension("").join("subagents");
    let f = std::fs::read_dir(&dir)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .find(|p| p.extension().is_some_and(|e| e == "jsonl"))
        .unwrap();
    let id = f
        .file_stem()
        .unwrap()
        .to_str()
        .unwrap()
        .trim_start_matches("agent-")
        .to_owned();
    (id, f)
}

#[test]
fn a_sub_agent_whose_only_call_failed_delegated_no_action() {
    let file = fixture("subagent");
    let (agent, sub_file) = subagent(&file);
    // What the parent's result reported: one tool call (the failed one).
    let reported = lines(&file)
        .iter()
        .find_map(|l| l["toolUseResult"]["totalToolUseCount"].as_u64())
        .unwrap();
    assert_eq!(reported, 1, "the shape this test is about");
    let j = score(&file, &[]);
    let sub = &j["subagents"][0];
    assert_eq!(
        (
            sub["tool_calls"].as_u64(),
            sub["actions"].as_u64(),
            sub["failed"].as_u64()
        ),
        (Some(1), Some(0), Some(1))
    );
    assert_eq!(j["session"]["delegated_actions"], 0);
    assert_eq!(j["turns"][0]["delegated_actions"], 0);
    // Live (watch feeds sub-agent files into the same session), in either order.
    let main_bytes = std::fs::read(&file).unwrap();
    let sub_bytes = std::fs::read(&sub_file).unwrap();
    for agent_first in [false, true] {
        let mut p = ringside::core::pipeline::Pipeline::new(Some("s".into()));
        let mut feed = ringside::core::pipeline::AgentFeed::new(&agent);
        if agent_first {
            p.feed_agent(&mut feed, &sub_bytes);
            p.feed(&main_bytes);
        } else {
            p.feed(&main_bytes);
            p.feed_agent(&mut feed, &sub_bytes);
        }
        let s = p.session();
        assert_eq!(s.totals.delegated_actions, 0, "agent first: {agent_first}");
        assert_eq!(s.subagents[&agent].tally.actions, 0);
    }
    // A sub-agent whose call succeeded, reported as three calls: its own one action counts.
    let main3 = String::from_utf8(main_bytes.clone())
        .unwrap()
        .replace("\"totalToolUseCount\":1", "\"totalToolUseCount\":3");
    let ok_sub = String::from_utf8(sub_bytes.clone())
        .unwrap()
        .replace("\"is_error\":true", "\"is_error\":false");
    assert_ne!(ok_sub.as_bytes(), &sub_bytes[..]);
    for agent_first in [false, true] {
        let mut p = ringside::core::pipeline::Pipeline::new(Some("s".into()));
        let mut feed = ringside::core::pipeline::AgentFeed::new(&agent);
        if agent_first {
            p.feed_agent(&mut feed, ok_sub.as_bytes());
            p.feed(main3.as_bytes());
        } else {
            p.feed(main3.as_bytes());
            p.feed_agent(&mut feed, ok_sub.as_bytes());
        }
        assert_eq!(p.session().subagents[&agent].tally.actions, 1);
        assert_eq!(
            p.session().totals.delegated_actions,
            1,
            "agent first: {agent_first}"
        );
        assert_eq!(p.session().turns[0].tally.delegated_actions, 1);
    }
    // Without the sub-agent's file, the reported figure stands.
    let mut p = ringside::core::pipeline::Pipeline::new(Some("s".into()));
    p.feed(&main_bytes);
    assert_eq!(p.session().totals.delegated_actions, 1);
}

fn pipeline(file: &Path) -> ringside::core::pipeline::Pipeline {
    let mut p = ringside::core::pipeline::Pipeline::new(Some("s".into()));
    p.feed(&std::fs::read(file).unwrap());
    p.finish();
    p
}

#[test]
fn an_esc_interrupt_ends_the_turn_and_a_finished_turn_stops_its_clock() {
    // Interactive: typed, queued while a command ran, then a reply interrupted with Esc
    // (`[Request interrupted by user]` with interruptedMessageId; no turn_duration, no Stop).
    let file = fixture("interactive");
    let lines = lines(&file);
    let esc = lines
        .iter()
        .position(|l| l["interruptedMessageId"].is_string())
        .expect("the shape this test is about");
    assert!(
        lines[esc + 1..]
            .iter()
            .all(|l| l["subtype"] != "turn_duration")
    );
    let j = score(&file, &[]);
    let sources: Vec<&str> = j["turns"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["source"].as_str().unwrap())
        .collect();
    assert_eq!(sources, ["typed", "queued", "typed"]);
    assert_eq!(j["turns"][2]["interrupts"], 1);
    assert_eq!(j["session"]["entry_point"], "cli");
    // The newer fields are known, not drift.
    assert_eq!(j["skipped"]["unknown_fields"], serde_json::json!({}));

    let p = pipeline(&file);
    let last = p.session().last.unwrap();
    let an_hour_on = Some(ringside::core::Millis(last.0 + 3_600_000));
    let view = ringside::core::view::View::of(&p).at(an_hour_on);
    let cur = view.dashboard().current.unwrap();
    // Defect 3: the interrupted turn is over, and says how it ended.
    assert_eq!(cur.number, 3);
    assert!(cur.ended && cur.interrupted, "{cur:?}");
    // Defect 4: its clock stopped when it ended, an hour ago.
    let turn = &p.session().turns[2];
    assert_eq!(cur.elapsed_ms, turn.duration_ms());
    assert!(cur.elapsed_ms.unwrap() < 60_000, "{cur:?}");
    // A turn that ended with turn_duration reads that figure, not the time since it started.
    let mut upto = ringside::core::pipeline::Pipeline::new(Some("s".into()));
    let bytes = std::fs::read(&file).unwrap();
    let text = String::from_utf8(bytes).unwrap();
    let cut: usize = text.split_inclusive('\n').take(esc - 4).map(str::len).sum();
    upto.feed(&text.as_bytes()[..cut]);
    let second = &upto.session().turns[1];
    assert!(second.ended && second.reported_ms.is_some());
    let cur = ringside::core::view::View::of(&upto)
        .at(an_hour_on)
        .dashboard()
        .current
        .unwrap();
    assert_eq!(cur.number, 2);
    assert_eq!(cur.elapsed_ms, second.reported_ms);
    assert!(!cur.interrupted);
}

#[test]
fn a_risk_whose_signals_all_faded_says_so() {
    // Defect 7: scored months later, every contribution has decayed to nothing.
    let file = fixture("interactive");
    let home = tempfile::tempdir().unwrap();
    let out = Command::cargo_bin("ringside")
        .unwrap()
        .env("RINGSIDE_HOME", home.path())
        .args(["score"])
        .arg(&file)
        .args(["--now", "2027-06-01T00:00:00Z"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let text = String::from_utf8(out).unwrap();
    let line = text.lines().find(|l| l.starts_with("coaching")).unwrap();
    assert!(
        line.contains("risk low (0.05: nothing weighs now"),
        "{line}"
    );
    assert!(!line.contains(": )"), "{line}");
    let j = score(&file, &["--now", "2027-06-01T00:00:00Z"]);
    assert_eq!(j["session"]["risk"]["contributions"], serde_json::json!([]));
}
