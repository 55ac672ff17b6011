//! Agents beyond Claude Code: Codex, Copilot CLI and Gemini CLI, end to end.
//!
//! - On every real Codex rollout of the corpus, an independent, simple pass over
//!   `serde_json::Value` counts prompts (`event_msg` `user_message`, minus Codex's own
//!   scaffolding) and tool calls (unique `call_id` of function, custom and local-shell calls, plus
//!   the web searches and image generations that are their own call) and `score --json` agrees.
//! - The hand-made Codex and Gemini fixtures give counted skips, never a crash.
//! - Reading in chunks of any size gives what reading whole gives, for every format (the corpus
//!   files, and fixtures written here), and arbitrary bytes never panic.
//! - Discovery, `sessions --agent`, the JSON outputs' `agent`, the Codex notify hook and
//!   `install codex-notify` on a machine of several agents.

#![allow(
    clippy::unwrap_used,
    clippy::panic,
    clippy::expect_used,
    reason = "test helpers fail loudly by design"
)]

mod common;

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use assert_cmd::Command;
use proptest::prelude::*;
use serde_json::Value;

use common::rollout::{Rollout, thread_id};
use ringside::core::agents::Format;
use ringside::core::engine::Rules;
use ringside::core::event::Event;
use ringside::core::pipeline::Pipeline;
use ringside::core::session::Session;

const NOW: &str = "2026-12-01T00:00:00Z";

fn ringside(home: &Path) -> Command {
    let mut c = Command::new(assert_cmd::cargo::cargo_bin!("ringside"));
    c.env("HOME", home)
        .env("RINGSIDE_HOME", home.join("ringside"))
        .env_remove("CLAUDE_CONFIG_DIR")
        .env_remove("CODEX_HOME")
        .env_remove("COPILOT_HOME")
        .env_remove("GEMINI_CLI_HOME")
        .env_remove("XDG_CONFIG_HOME")
        .env("NO_COLOR", "1");
    c
}

fn score(home: &Path, file: &Path) -> Value {
    let out = ringside(home)
        .args(["score", "--json", "--now", NOW])
        .arg(file)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

fn files_in(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|r| r.flatten().map(|e| e.path()).collect())
        .unwrap_or_default();
    v.sort();
    v
}

/// The openings of the user messages Codex writes itself (agents.md 5.1).
const SCAFFOLDING: &[&str] = &[
    "<environment_context>",
    "# AGENTS.md instructions",
    "<user_instructions>",
    "<permissions instructions>",
];

/// Prompts and tool calls of a rollout, counted the simple way.
fn independent_counts(path: &Path) -> (u64, u64) {
    let text = std::fs::read_to_string(path).unwrap();
    let (mut prompts, mut ids, mut own) = (0, HashSet::new(), 0);
    for line in text.lines() {
        let Ok(v) = serde_json::from_str::<Value>(line) else {
            continue;
        };
        let kind = v["type"].as_str().unwrap_or("");
        let p = &v["payload"];
        let sub = p["type"].as_str().unwrap_or("");
        match (kind, sub) {
            ("event_msg", "user_message") => {
                let m = p["message"].as_str().unwrap_or("");
                if !SCAFFOLDING.iter().any(|s| m.trim_start().starts_with(s)) {
                    prompts += 1;
                }
            }
            ("response_item", "function_call" | "custom_tool_call" | "local_shell_call") => {
                ids.insert(p["call_id"].as_str().unwrap_or("").to_owned());
            }
            // These are their own call and end, usually without a call id.
            ("response_item", "web_search_call" | "image_generation_call") => own += 1,
            _ => {}
        }
    }
    (prompts, ids.len() as u64 + own)
}

#[test]
fn codex_prompts_and_tool_calls_match_an_independent_count_on_every_real_rollout() {
    let Some(corpus) = common::corpus() else {
        return;
    };
    let home = tempfile::tempdir().unwrap();
    let files = files_in(&corpus.join("codex/real"));
    assert_eq!(files.len(), 4, "the corpus's real Codex rollouts");
    let mut total_calls = 0;
    for f in &files {
        let (prompts, calls) = independent_counts(f);
        let s = score(home.path(), f);
        let name = f.file_name().unwrap().to_string_lossy();
        assert_eq!(s["session"]["agent"], "codex", "{name}");
        assert_eq!(s["session"]["prompts"].as_u64(), Some(prompts), "{name}");
        assert_eq!(s["session"]["tool_calls"].as_u64(), Some(calls), "{name}");
        assert_eq!(s["skipped"]["total"], 0, "{name}");
        assert!(prompts > 0, "{name}");
        total_calls += calls;
    }
    assert_eq!(total_calls, 372 + 144 + 1, "SOURCES.md's counts");
}

#[test]
fn the_real_codex_rollouts_read_as_their_sources_describe() {
    let Some(corpus) = common::corpus() else {
        return;
    };
    let home = tempfile::tempdir().unwrap();
    let dir = corpus.join("codex/real");
    let long = files_in(&dir)
        .into_iter()
        .find(|f| f.to_string_lossy().contains("long-compaction"))
        .unwrap();
    let s = score(home.path(), &long);
    let session = &s["session"];
    // One compaction (a `compacted` line and its `context_compacted`, counted once), inside a
    // prompted turn: automatic.
    assert_eq!(session["compactions"].as_array().unwrap().len(), 1);
    assert_eq!(session["compactions"][0]["auto"], true);
    assert_eq!(session["entry_point"], "desktop");
    assert_eq!(session["agent_version"], "0.104.0-alpha.1");
    assert_eq!(session["claude_version"], Value::Null);
    assert_eq!(session["model"], "gpt-5.3-codex");
    assert!(session["output_tokens"].as_u64().unwrap() > 100_000);
    assert_eq!(session["signals_off"], serde_json::json!([]));
    // Its text is redacted by the publisher: no prompt's words can be read, and nothing is
    // nudged on words that are not there.
    assert_eq!(session["nudges"], serde_json::json!([]));
    let unfinished = files_in(&dir)
        .into_iter()
        .find(|f| f.to_string_lossy().contains("unfinished-turns"))
        .unwrap();
    let s = score(home.path(), &unfinished);
    assert_eq!(s["session"]["prompts"], 7);
    assert_eq!(s["turns"].as_array().unwrap().len(), 7);
    // 0.77: the AGENTS.md and environment messages are not prompts; its one prompt is.
    let start = files_in(&dir)
        .into_iter()
        .find(|f| f.to_string_lossy().contains("simonw"))
        .unwrap();
    let s = score(home.path(), &start);
    assert_eq!(s["session"]["prompts"], 1);
    assert!(
        s["turns"][0]["prompt"]
            .as_str()
            .unwrap()
            .starts_with("can you analyse the MD files")
    );
}

#[test]
fn hand_made_codex_and_gemini_fixtures_give_counted_skips_never_a_crash() {
    let Some(corpus) = common::corpus() else {
        return;
    };
    let home = tempfile::tempdir().unwrap();
    let mut seen = 0;
    for f in files_in(&corpus.join("codex/handmade"))
        .into_iter()
        .chain(files_in(&corpus.join("gemini/handmade")))
    {
        let s = score(home.path(), &f);
        let name = f.file_name().unwrap().to_string_lossy().into_owned();
        let skipped = &s["skipped"];
        let total = skipped["total"].as_u64().unwrap();
        let listed = skipped["lines"].as_array().unwrap().len() as u64;
        assert_eq!(total, listed, "{name}: every skip is listed with its line");
        if name.contains("malformed") {
            assert_eq!(skipped["by_reason"]["invalid_json"], 1, "{name}");
            assert_eq!(skipped["lines"][0]["line"], 3, "{name}");
            assert_eq!(
                s["session"]["prompts"], 1,
                "{name}: the line before it counts"
            );
        } else if name.contains("synthetic-rollout") {
            assert_eq!(skipped["by_reason"]["unknown_type"], 1, "{name}");
            assert_eq!(skipped["unknown_types"]["future_synthetic_record"], 1);
            assert_eq!(s["session"]["tool_calls"], 3, "{name}");
        } else if name.contains("event-catalog") {
            // Seven session_meta lines: the first names the session.
            assert_eq!(s["session"]["id"], "019fc8be-3658-7ca3-9e29-000000000000");
            assert_eq!(s["session"]["prompts"], 3, "{name}");
            assert_eq!(
                total, 0,
                "{name}: trimmed values lose a field, never the line"
            );
        } else if name.contains("gemini") {
            assert_eq!(s["session"]["agent"], "gemini", "{name}");
            assert!(s["session"]["tool_calls"].as_u64().unwrap() >= 1, "{name}");
        }
        seen += 1;
    }
    assert_eq!(seen, 6);
}

// ---------------------------------------------------------------------------------------------
// Chunked == whole, per format

/// Copilot CLI events in the shape of 1.0.x (our own fixture).
fn copilot_fixture() -> String {
    let ev = |t: u32, kind: &str, data: &str| {
        format!(
            r#"{{"type":"{kind}","data":{data},"id":"e{t}","timestamp":"2026-07-30T01:{:02}:{:02}.000Z","parentId":null}}"#,
            t / 60,
            t % 60
        ) + "\n"
    };
    let mut s = ev(
        0,
        "session.start",
        r#"{"sessionId":"cp-1","copilotVersion":"1.0.76","context":{"cwd":"/w/app","branch":"main"}}"#,
    );
    for i in 0..4u32 {
        let t = 10 + i * 60;
        s += &ev(
            t,
            "user.message",
            &format!(r#"{{"content":"make the tests pass, try {i}","attachments":[]}}"#),
        );
        s += &ev(t + 1, "assistant.turn_start", r#"{"turnId":"0"}"#);
        s += &ev(
            t + 2,
            "assistant.message",
            &format!(
                r#"{{"messageId":"m{i}","content":"Running the tests.","toolRequests":[{{"toolCallId":"c{i}","name":"bash","arguments":{{"command":"cargo test"}}}}],"outputTokens":30}}"#
            ),
        );
        s += &ev(
            t + 3,
            "tool.execution_complete",
            &format!(
                r#"{{"toolCallId":"c{i}","success":false,"result":{{"content":"---- tests::adds stdout ----\nthread 'tests::adds' panicked at src/lib.rs:9:5:\nassertion `left == right` failed\n\nfailures:\n    tests::adds\n\ntest result: FAILED. 3 passed; 1 failed\n<exited with exit code 101>"}}}}"#
            ),
        );
        s += &ev(
            t + 4,
            "assistant.message",
            &format!(
                r#"{{"messageId":"n{i}","content":"","toolRequests":[{{"toolCallId":"e{i}","name":"edit","arguments":{{"path":"src/lib.rs","old_str":"a{i}","new_str":"b{i}\nc"}}}}],"outputTokens":12}}"#
            ),
        );
        s += &ev(
            t + 5,
            "tool.execution_complete",
            &format!(r#"{{"toolCallId":"e{i}","success":true,"result":{{"content":"edited"}}}}"#),
        );
        s += &ev(t + 6, "assistant.idle", "{}");
    }
    s
}

/// A Gemini CLI 0.40 session with re-appended messages (our own fixture).
fn gemini_fixture() -> String {
    let mut lines = vec![r#"{"sessionId":"gm-1","projectHash":"ab","startTime":"2026-05-01T10:00:00.000Z","lastUpdated":"2026-05-01T10:00:00.000Z","kind":"main"}"#.to_owned()];
    for i in 0..3u32 {
        lines.push(format!(r#"{{"id":"u{i}","timestamp":"2026-05-01T10:0{i}:00.000Z","type":"user","content":[{{"text":"fix the build, attempt {i}"}}]}}"#));
        for status in ["executing", "error"] {
            lines.push(format!(r#"{{"id":"g{i}","timestamp":"2026-05-01T10:0{i}:10.000Z","type":"gemini","content":"Building.","model":"gemini-3-flash-preview","tokens":{{"input":900,"output":50,"cached":100}},"toolCalls":[{{"id":"c{i}","name":"run_shell_command","args":{{"command":"npm run build"}},"result":[{{"functionResponse":{{"id":"c{i}","name":"run_shell_command","response":{{"output":"error TS2345\nExit Code: 1"}}}}}}],"status":"{status}"}}]}}"#));
        }
        lines.push(format!(
            r#"{{"$set":{{"lastUpdated":"2026-05-01T10:0{i}:20.000Z"}}}}"#
        ));
    }
    lines.join("\n") + "\n"
}

struct Whole {
    format: Format,
    bytes: Vec<u8>,
    events: Vec<Event>,
    session: Session,
    skipped: u64,
    firings: Vec<ringside::core::engine::Firing>,
    nudges: Vec<ringside::core::engine::Nudge>,
}

fn pipeline(format: Format) -> Pipeline {
    Pipeline::for_format(format, Some("t".into()), Rules::shared_default()).with_log()
}

fn files() -> &'static [Whole] {
    static FILES: OnceLock<Vec<Whole>> = OnceLock::new();
    FILES.get_or_init(|| {
        let mut inputs: Vec<(Format, Vec<u8>)> = Vec::new();
        if let Some(corpus) = common::corpus() {
            for dir in ["codex/real", "codex/handmade", "gemini/handmade"] {
                for f in files_in(&corpus.join(dir)) {
                    let format = ringside::source::discover::format_of_file(&f);
                    inputs.push((format, std::fs::read(&f).unwrap()));
                }
            }
        }
        inputs.push((Format::Copilot, copilot_fixture().into_bytes()));
        inputs.push((Format::Gemini, gemini_fixture().into_bytes()));
        let mut r = Rollout::new(&thread_id(1), "/w/app", 1_771_000_000_000);
        r.prompt("make the tests pass");
        for _ in 0..4 {
            r.exec("cargo test", false);
            r.patch("src/lib.rs", 1);
        }
        r.say("Still failing.");
        inputs.push((Format::Codex, r.text().into_bytes()));
        inputs
            .into_iter()
            .map(|(format, bytes)| {
                let mut p = pipeline(format);
                p.feed(&bytes);
                p.finish();
                Whole {
                    format,
                    events: p.events().to_vec(),
                    session: p.session().clone(),
                    skipped: p.stats().skipped_total(),
                    firings: p.engine().firings.clone(),
                    nudges: p.engine().nudges.clone(),
                    bytes,
                }
            })
            .collect()
    })
}

#[test]
fn every_format_is_exercised_by_the_chunked_property() {
    let formats: HashSet<Format> = files().iter().map(|w| w.format).collect();
    for f in [Format::Codex, Format::Copilot, Format::Gemini] {
        assert!(formats.contains(&f), "{f:?}");
    }
    if common::corpus().is_some() {
        assert!(formats.contains(&Format::GeminiJson));
    }
    // The fixtures are in trouble: the property compares coaching, not only counts.
    for w in files() {
        if matches!(w.format, Format::Copilot) {
            assert!(!w.firings.is_empty(), "{:?}", w.format);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn chunked_reading_equals_whole_reading_in_every_format(
        pick in any::<prop::sample::Index>(),
        sizes in prop::collection::vec(prop_oneof![1usize..16, 16usize..4096, 4096usize..200_000], 1..12),
    ) {
        let files = files();
        let whole = &files[pick.index(files.len())];
        let mut p = pipeline(whole.format);
        let (mut at, mut i) = (0, 0);
        while at < whole.bytes.len() {
            let n = sizes[i % sizes.len()].max(1).min(whole.bytes.len() - at);
            p.feed(&whole.bytes[at..at + n]);
            at += n;
            i += 1;
        }
        p.finish();
        prop_assert_eq!(p.events(), &whole.events[..]);
        prop_assert_eq!(p.session(), &whole.session);
        prop_assert_eq!(p.stats().skipped_total(), whole.skipped);
        prop_assert_eq!(&p.engine().firings, &whole.firings);
        prop_assert_eq!(&p.engine().nudges, &whole.nudges);
    }

    #[test]
    fn arbitrary_bytes_never_panic_in_any_format(
        format in prop::sample::select(Format::ALL.to_vec()),
        bytes in prop::collection::vec(any::<u8>(), 0..4000),
        cut in 1usize..64,
    ) {
        let mut p = Pipeline::for_format(format, None, Rules::shared_default()).with_max_line(512);
        for c in bytes.chunks(cut) {
            p.feed(c);
        }
        p.finish();
        prop_assert!(p.stats().lines <= bytes.len() as u64 + 1);
    }
}

// ---------------------------------------------------------------------------------------------
// A machine with several agents

/// A home with one Claude Code session, one Codex session with a sub-agent, one Copilot CLI and
/// one Gemini CLI session.
fn machine() -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let home = tmp.path().to_path_buf();
    let start = 1_771_000_000_000;
    let mut claude =
        common::transcript::Script::new("c1a2b3c4-0000-4000-8000-000000000001", "/w/app", start);
    claude.prompt("list the files");
    claude.bash("ls", true);
    claude.say("Done.");
    common::review::write(
        &home.join(".claude"),
        "/w/app",
        "c1a2b3c4-0000-4000-8000-000000000001",
        &claude.text(),
    );
    let mut codex = Rollout::new(&thread_id(7), "/w/app", start + 60_000);
    codex.prompt("fix the failing test in src/lib.rs");
    codex.exec("cargo test", false);
    codex.patch("src/lib.rs", 1);
    codex.exec("cargo test", true);
    codex.say("Fixed.");
    codex.end_turn();
    codex.write(&home.join(".codex"), start + 60_000);
    let mut sub = Rollout::sub_agent(&thread_id(8), &thread_id(7), "/w/app", start + 90_000);
    sub.prompt("look for callers");
    sub.exec("rg callers", true);
    sub.write(&home.join(".codex"), start + 90_000);
    let cp = home.join(".copilot/session-state/cp-1");
    std::fs::create_dir_all(&cp).unwrap();
    std::fs::write(cp.join("events.jsonl"), copilot_fixture()).unwrap();
    let gm = home.join(".gemini/tmp/app/chats");
    std::fs::create_dir_all(&gm).unwrap();
    std::fs::write(
        gm.join("session-2026-05-01T10-00-gm1.jsonl"),
        gemini_fixture(),
    )
    .unwrap();
    (tmp, home)
}

#[test]
fn sessions_lists_every_agent_and_agent_filters() {
    let (_tmp, home) = machine();
    let out = ringside(&home)
        .args(["sessions", "--json"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let mut agents: Vec<&str> = v["sessions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["agent"].as_str().unwrap())
        .collect();
    agents.sort_unstable();
    assert_eq!(
        agents,
        ["claude-code", "codex", "copilot", "gemini"],
        "the sub-agent is no session"
    );
    let codex = v["sessions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["agent"] == "codex")
        .unwrap();
    assert_eq!(codex["id"], thread_id(7));
    assert_eq!(codex["subagents"], 1);
    assert_eq!(codex["prompts"], 1);
    let out = ringside(&home)
        .args(["sessions", "--json", "--agent", "codex"])
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["sessions"].as_array().unwrap().len(), 1);
    let out = ringside(&home)
        .args(["sessions", "--agent", "cursor"])
        .output()
        .unwrap();
    assert!(
        !out.status.success(),
        "an agent ringside does not read is an error"
    );
    let table = ringside(&home).arg("sessions").output().unwrap();
    let table = String::from_utf8_lossy(&table.stdout);
    assert!(table.contains("Codex · app (main)"), "{table}");
}

#[test]
fn a_codex_session_named_by_id_reads_with_its_sub_agent() {
    let (_tmp, home) = machine();
    let out = ringside(&home)
        .args(["score", "--json", "--now", NOW, &thread_id(7)[..12]])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let s: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(s["session"]["agent"], "codex");
    assert_eq!(s["session"]["checks_run"], 2);
    assert_eq!(s["session"]["checks_failed"], 1);
    assert_eq!(s["session"]["lines_added"], 2);
    assert_eq!(s["subagents"].as_array().unwrap().len(), 1);
    assert_eq!(s["subagents"][0]["id"], thread_id(8));
    assert_eq!(s["subagents"][0]["tool_calls"], 1);
    let report = ringside(&home)
        .args([
            "replay",
            "--report",
            "--format",
            "json",
            "--now",
            NOW,
            &thread_id(7),
        ])
        .output()
        .unwrap();
    let r: Value = serde_json::from_slice(&report.stdout).unwrap();
    assert_eq!(r["summary"]["agent"], "codex");
    let md = ringside(&home)
        .args(["replay", "--report", "--now", NOW, &thread_id(7)])
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&md.stdout).contains("Codex CLI · `/w/app`"));
    let table = ringside(&home)
        .args(["score", "--now", NOW, &thread_id(7)])
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&table.stdout).contains("Codex CLI 0.128.0"));
}

#[test]
fn copilot_sessions_say_which_signals_are_off() {
    let (_tmp, home) = machine();
    let file = home.join(".copilot/session-state/cp-1/events.jsonl");
    let s = score(&home, &file);
    assert_eq!(s["session"]["agent"], "copilot");
    assert_eq!(s["session"]["signals_off"], serde_json::json!(["S8"]));
    assert_eq!(s["session"]["prompts"], 4);
    assert_eq!(s["session"]["checks_failed"], 4);
    let fired: HashSet<&str> = s["turns"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|t| t["signals"].as_array().unwrap())
        .map(|x| x["id"].as_str().unwrap())
        .collect();
    assert!(
        fired.contains("S5"),
        "a failing check loop is seen in Copilot CLI too: {fired:?}"
    );
    let nudge_text = s["session"]["nudges"][0]["text"].as_str().unwrap_or("");
    assert!(!nudge_text.contains("Claude"), "{nudge_text}");
}

/// The notify program Codex would run: ringside's hook, then a kept program that writes what it
/// was given to a file.
#[test]
fn the_codex_notify_hook_records_the_live_session_and_hands_a_due_nudge_to_the_kept_program() {
    let tmp = tempfile::tempdir().unwrap();
    let home = tmp.path();
    let start = 1_771_000_000_000;
    let mut r = Rollout::new(&thread_id(3), "/w/app", start);
    r.prompt("make the tests pass");
    for _ in 0..5 {
        r.exec("cargo test", false);
        r.patch("src/lib.rs", 2);
    }
    r.say("The tests still fail.");
    r.end_turn();
    let rollout = r.write(&home.join(".codex"), start);
    let seen = home.join("seen.json");
    let notification = serde_json::json!({
        "type": "agent-turn-complete", "thread-id": thread_id(3), "turn-id": "t",
        "cwd": "/w/app", "input-messages": ["make the tests pass"],
        "last-assistant-message": "The tests still fail."
    })
    .to_string();
    let kept = format!("printf '%s' \"$1\" > {}", seen.display());
    let run = |n: &str| {
        ringside(home)
            .args([
                "hook",
                "--agent",
                "codex",
                "--now",
                "2026-02-13T16:30:00Z",
                "sh",
                "-c",
                &kept,
                "sh",
                n,
            ])
            .output()
            .unwrap()
    };
    let out = run(&notification);
    assert!(out.status.success());
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(stdout.starts_with("ringside ⚠"), "{stdout}");
    let forwarded: Value = serde_json::from_str(&std::fs::read_to_string(&seen).unwrap()).unwrap();
    assert!(
        forwarded["last-assistant-message"]
            .as_str()
            .unwrap()
            .starts_with("ringside ⚠")
    );
    assert!(
        forwarded["last-assistant-message"]
            .as_str()
            .unwrap()
            .ends_with("The tests still fail.")
    );
    assert_eq!(forwarded["thread-id"], thread_id(3));
    let live: Value = serde_json::from_slice(
        &std::fs::read(home.join("ringside/data/live-session.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(live["transcript_path"], rollout.display().to_string());
    // The same nudge is handed out once: the next call forwards the notification unchanged.
    let out = run(&notification);
    assert!(
        out.stdout.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let forwarded: Value = serde_json::from_str(&std::fs::read_to_string(&seen).unwrap()).unwrap();
    assert_eq!(forwarded["last-assistant-message"], "The tests still fail.");
    // Bad input: nothing printed, exit 0, and the kept program still runs.
    std::fs::remove_file(&seen).unwrap();
    let out = run("not json");
    assert!(out.status.success() && out.stdout.is_empty());
    assert_eq!(std::fs::read_to_string(&seen).unwrap(), "not json");
    // Nothing of Codex's was written.
    assert!(!home.join(".codex/config.toml").exists());
}

#[test]
fn install_codex_notify_shows_the_diff_keeps_the_users_program_and_backs_up() {
    let tmp = tempfile::tempdir().unwrap();
    let home = tmp.path();
    let codex = home.join(".codex");
    std::fs::create_dir_all(&codex).unwrap();
    let original = "# mine\nmodel = \"gpt-5.3-codex\"\nnotify = [\"my-notifier\", \"--loud\"]\n\n[tui]\nnotifications = true\n";
    std::fs::write(codex.join("config.toml"), original).unwrap();
    let dry = ringside(home)
        .args(["install", "codex-notify", "--dry-run"])
        .output()
        .unwrap();
    assert!(
        dry.status.success(),
        "{}",
        String::from_utf8_lossy(&dry.stderr)
    );
    let text = String::from_utf8_lossy(&dry.stdout);
    assert!(
        text.contains("-notify = [\"my-notifier\", \"--loud\"]"),
        "{text}"
    );
    assert!(
        text.contains("\"hook\", \"--agent\", \"codex\", \"my-notifier\", \"--loud\"]"),
        "{text}"
    );
    assert_eq!(
        std::fs::read_to_string(codex.join("config.toml")).unwrap(),
        original,
        "a dry run writes nothing"
    );
    let refused = ringside(home)
        .args(["install", "codex-notify"])
        .output()
        .unwrap();
    assert!(
        !refused.status.success(),
        "no terminal, no --yes: nothing written"
    );
    let done = ringside(home)
        .args(["install", "codex-notify", "--yes"])
        .output()
        .unwrap();
    assert!(
        done.status.success(),
        "{}",
        String::from_utf8_lossy(&done.stderr)
    );
    let now = std::fs::read_to_string(codex.join("config.toml")).unwrap();
    assert!(
        now.starts_with("# mine\nmodel = \"gpt-5.3-codex\"\n"),
        "{now}"
    );
    assert!(now.contains("[tui]\nnotifications = true"));
    let backups: Vec<PathBuf> = files_in(&codex)
        .into_iter()
        .filter(|p| p.to_string_lossy().contains("ringside-backup-"))
        .collect();
    assert_eq!(backups.len(), 1);
    assert_eq!(std::fs::read_to_string(&backups[0]).unwrap(), original);
    let again = ringside(home)
        .args(["install", "codex-notify", "--yes"])
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&again.stdout).contains("nothing to change"));
    let out = ringside(home)
        .args(["uninstall", "codex-notify", "--yes"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("`my-notifier --loud` is put back"),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert_eq!(
        std::fs::read_to_string(codex.join("config.toml")).unwrap(),
        original,
        "uninstall takes out exactly what install added"
    );
    let none = ringside(home)
        .args(["uninstall", "codex-notify", "--yes"])
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&none.stdout).contains("nothing to remove"));
}
