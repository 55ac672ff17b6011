//! One session reader everywhere: on a session with sub-agent files, `watch` (its view model),
//! `score`, replay (its report, and its last position) and the status line (called as the files
//! grow) give the same main-thread figures, and those that read sub-agents the same sub-agent
//! figures. A hermetic session with both sub-agent layouts, and the real sessions with sub-agents
//! in `../shared/corpus`.

#![allow(
    clippy::unwrap_used,
    clippy::panic,
    reason = "test helpers fail loudly by design"
)]

mod common;

use std::io::Write as _;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use serde_json::Value;

use ringside::core::Millis;
use ringside::core::engine::Rules;
use ringside::core::pipeline::Pipeline;
use ringside::core::replay::Replay;
use ringside::core::view::{Glance, View};
use ringside::report::status::{self, Layout};
use ringside::report::types::ScoreReport;
use ringside::source::discover::{self, Roots};
use ringside::source::follow::{FollowOptions, Follower};
use ringside::source::{read, snapshot};

const NOW: &str = "2026-03-01T12:00:00Z";

fn now() -> Millis {
    Millis::parse(NOW).unwrap()
}

/// `score --json`'s report of a pipeline's state, ticked at [`NOW`].
fn report(p: &Pipeline, path: &Path) -> Value {
    let (session, stats, mut engine) = p.clone().into_parts();
    engine.tick(now(), &session);
    let r = ScoreReport::new(&read::ReadSession {
        path: path.to_path_buf(),
        session,
        stats,
        engine,
        bytes: p.bytes(),
        warnings: Vec::new(),
    });
    serde_json::to_value(&r).unwrap()
}

/// The main thread's figures in a report: the session's own (not the sub-agents') and every
/// turn.
fn main_thread(r: &Value) -> Value {
    let s = &r["session"];
    let keys = [
        "prompts",
        "tool_calls",
        "tool_errors",
        "actions",
        "failed",
        "cancelled",
        "blocked",
        "rejections",
        "interrupts",
        "model_calls",
        "output_tokens",
        "words",
        "lines_added",
        "lines_removed",
        "checks_run",
        "checks_failed",
        "delegated_actions",
        "api_errors",
        "files_touched",
        "actions_per_prompt",
        "actions_per_prompt_geomean",
        "duration_ms",
        "started",
        "compactions",
    ];
    let mut out = serde_json::Map::new();
    for k in keys {
        out.insert(k.into(), s[k].clone());
    }
    out.insert("turns".into(), r["turns"].clone());
    Value::Object(out)
}

/// What the status line shows of its state: the engine ticked to now on a copy.
fn glance(p: &Pipeline) -> Glance {
    let mut engine = p.engine().clone();
    engine.tick(now(), p.session());
    View::new(p.session(), &engine)
        .with_skipped(p.skipped_total())
        .at(Some(now()))
        .glance()
}

fn rows(d: &Glance) -> Vec<String> {
    status::rows(
        d,
        Layout {
            width: 100,
            lines: 2,
            color: false,
        },
    )
}

fn ringside(home: &Path) -> Command {
    let mut c = Command::new(assert_cmd::cargo::cargo_bin!("ringside"));
    c.env("HOME", home)
        .env("CLAUDE_CONFIG_DIR", home.join("claude"))
        .env("RINGSIDE_HOME", home.join("rs"))
        .env("TZ", "UTC");
    c
}

fn json_of(c: &mut Command) -> Value {
    let out = c.output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

fn append(path: &Path, bytes: &[u8]) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .unwrap()
        .write_all(bytes)
        .unwrap();
}

/// Writes the session into `home`'s transcript folder as it would grow (the main file and each
/// sub-agent file in pieces, interleaved, each sub-agent file appearing part-way), calling the
/// status line's catch-up after every piece; then checks every front end against `score`.
fn same_figures_everywhere(home: &Path, id: &str, main: &[u8], agents: &[(PathBuf, Vec<u8>)]) {
    let project = home.join("claude/projects/-w");
    let path = project.join(format!("{id}.jsonl"));
    let rules = Rules::shared_default();
    let cache = home.join("rs/cache");
    let steps = 12;
    let piece = |bytes: &[u8], k: usize| {
        let size = bytes.len().div_ceil(steps);
        bytes
            .get((k * size).min(bytes.len())..((k + 1) * size).min(bytes.len()))
            .unwrap_or_default()
            .to_vec()
    };
    let mut caught = None;
    for k in 0..steps {
        append(&path, &piece(main, k));
        for (i, (rel, bytes)) in agents.iter().enumerate() {
            // Agent i's file appears at step i + 1 and then grows with the session.
            if k > i {
                let size = bytes.len().div_ceil(steps - i - 1);
                let j = k - i - 1;
                let part = bytes
                    .get((j * size).min(bytes.len())..((j + 1) * size).min(bytes.len()))
                    .unwrap_or_default();
                append(&project.join(rel), part);
            }
        }
        caught = Some(snapshot::catch_up(&cache, &path, &rules).unwrap());
    }
    for (rel, bytes) in agents {
        let f = project.join(rel);
        assert_eq!(
            std::fs::read(&f).unwrap(),
            *bytes,
            "{} written whole",
            f.display()
        );
    }
    let status = caught.unwrap().pipeline;

    // score, as the library reads it and as the command prints it.
    let files = discover::subagents_of(&path);
    assert_eq!(files.len(), agents.len(), "{files:?}");
    let mut read = read::read_session(&path, &files, &rules).unwrap();
    read.engine.tick(now(), &read.session);
    let score = serde_json::to_value(ScoreReport::new(&read)).unwrap();
    let cli_score = json_of(
        ringside(home)
            .args(["score", "--json", "--now", NOW])
            .arg(&path),
    );
    assert_eq!(cli_score, score, "score --json is the library's report");
    let by_id = json_of(ringside(home).args(["score", "--json", "--now", NOW, id]));
    assert_eq!(by_id, score, "found by id, with the same sub-agent files");
    let score_dashboard = View::new(&read.session, &read.engine)
        .with_skipped(read.stats.skipped_total())
        .at(Some(now()))
        .dashboard();

    // The status line (its state keeps only the open turns and the totals): the same totals,
    // sub-agent figures and rows as a whole read.
    let status_report = report(&status, &path);
    assert_eq!(status.session().totals, read.session.totals);
    assert_eq!(status_report["subagents"], score["subagents"]);
    assert_eq!(glance(&status), Glance::from(&score_dashboard));
    assert_eq!(
        rows(&glance(&status)),
        rows(&Glance::from(&score_dashboard))
    );

    // watch: the follower's pipeline and its view model.
    let roots = Roots {
        projects: vec![home.join("claude/projects")],
        ..Roots::default()
    };
    let opts = FollowOptions {
        pinned: Some(path.clone()),
        project: None,
        rules: rules.clone(),
        live_hint: None,
    };
    let mut follower = Follower::new(opts, roots, now());
    follower.start(now());
    follower.tick(now());
    let watched = follower.pipeline().unwrap();
    assert_eq!(
        follower.dashboard(Some(now()), &[]).unwrap(),
        score_dashboard,
        "watch's view model"
    );
    let watch_report = report(watched, &path);
    assert_eq!(watch_report["session"], score["session"]);
    assert_eq!(watch_report["turns"], score["turns"]);
    assert_eq!(watch_report["subagents"], score["subagents"]);

    // replay: its report (the command) and its last position (the screen's state).
    let replay_report = json_of(
        ringside(home)
            .args(["replay", "--report", "--format", "json", "--now", NOW])
            .arg(&path),
    );
    assert_eq!(replay_report["turns"], score["turns"]);
    for k in [
        "prompts",
        "actions",
        "tool_errors",
        "lines_added",
        "output_tokens",
    ] {
        assert_eq!(
            replay_report["summary"][k], score["session"][k],
            "replay report: {k}"
        );
    }
    let replay = Replay::open(
        read::main_bytes(&path).unwrap(),
        Some(id.to_owned()),
        rules.clone(),
        Some(now()),
    );
    let replay_last = report(replay.last(), &path);
    assert_eq!(main_thread(&replay_last), main_thread(&score));
    assert!(
        replay_last["subagents"].as_array().unwrap().is_empty(),
        "sub-agent files are not replayed"
    );
}

// -- a hermetic session -------------------------------------------------------------------------

fn ts(s: u32) -> String {
    format!("2026-03-01T10:{:02}:{:02}Z", s / 60, s % 60)
}

fn prompt(t: u32, text: &str) -> String {
    format!(
        r#"{{"type":"user","message":{{"role":"user","content":"{text}"}},"timestamp":"{}","sessionId":"e5e5e5e5","cwd":"/w","gitBranch":"main"}}"#,
        ts(t)
    ) + "\n"
}

fn call(t: u32, id: &str, name: &str, input: &str) -> String {
    format!(
        r#"{{"type":"assistant","message":{{"id":"m{id}","model":"claude-opus-4-6","content":[{{"type":"tool_use","id":"{id}","name":"{name}","input":{input}}}],"usage":{{"input_tokens":10,"output_tokens":20}}}},"timestamp":"{}","sessionId":"e5e5e5e5"}}"#,
        ts(t)
    ) + "\n"
}

fn result(t: u32, id: &str, error: bool, text: &str, tur: &str) -> String {
    format!(
        r#"{{"type":"user","message":{{"role":"user","content":[{{"type":"tool_result","tool_use_id":"{id}","content":"{text}","is_error":{error}}}]}},"toolUseResult":{tur},"timestamp":"{}","sessionId":"e5e5e5e5"}}"#,
        ts(t)
    ) + "\n"
}

fn write_call(t: u32, id: &str, file: &str) -> String {
    call(
        t,
        id,
        "Write",
        &format!(r#"{{"file_path":"{file}","content":"a\nb\nc\n"}}"#),
    ) + &result(
        t + 1,
        id,
        false,
        "created",
        &format!(
            r#"{{"type":"create","filePath":"{file}","content":"a\nb\nc\n","structuredPatch":[]}}"#
        ),
    )
}

#[test]
fn a_session_with_sub_agents_gives_the_same_figures_in_every_front_end() {
    let home = tempfile::tempdir().unwrap();
    let mut main = prompt(0, "make the failing parser tests pass");
    main += &call(
        5,
        "task1",
        "Task",
        r#"{"description":"look around","prompt":"find the parser"}"#,
    );
    for i in 0..5u32 {
        let t = 30 + i * 20;
        main += &call(t, &format!("b{i}"), "Bash", r#"{"command":"cargo test"}"#);
        main += &result(
            t + 5,
            &format!("b{i}"),
            true,
            "test parser::tests::torn ... FAILED\\ntest result: FAILED. 0 passed; 1 failed",
            "\"Error: exit 101\"",
        );
    }
    main += &result(
        140,
        "task1",
        false,
        "found it",
        r#"{"totalToolUseCount":3}"#,
    );
    main += &prompt(150, "try a smaller fix: only the torn line case");
    main += &write_call(160, "w1", "/w/src/lines.rs");
    main += &call(170, "b9", "Bash", r#"{"command":"cargo test"}"#);
    main += &result(175, "b9", false, "test result: ok. 1 passed", "{}");
    // The sub-agents write early: a reader that let the engine see sub-agent lines as they
    // arrive would mark "first lines written" long before the main thread writes.
    let sub = |tag: &str| {
        write_call(10, &format!("{tag}w"), "/w/src/new.rs")
            + &call(
                12,
                &format!("{tag}r"),
                "Read",
                r#"{"file_path":"/w/src/lib.rs"}"#,
            )
            + &result(13, &format!("{tag}r"), false, "fn main() {}", "{}")
    };
    let agents = vec![
        (
            PathBuf::from("e5e5e5e5/subagents/agent-a1.jsonl"),
            sub("a").into_bytes(),
        ),
        (
            PathBuf::from("e5e5e5e5/subagents/agent-acompact-77.jsonl"),
            (call(200, "c1", "Read", r#"{"file_path":"/w/x"}"#)).into_bytes(),
        ),
        // The older layout: a flat agent file beside the sessions, naming its parent.
        (PathBuf::from("agent-f1.jsonl"), sub("f").into_bytes()),
    ];
    same_figures_everywhere(home.path(), "e5e5e5e5", main.as_bytes(), &agents);
    // The fixture exercises what it should: sub-agents that wrote, and coaching that fired.
    let path = home.path().join("claude/projects/-w/e5e5e5e5.jsonl");
    let r = read::read_session(
        &path,
        &discover::subagents_of(&path),
        &Rules::shared_default(),
    )
    .unwrap();
    assert_eq!(r.session.subagents.len(), 3);
    assert_eq!(r.session.subagents["a1"].tally.lines_added, 3);
    assert_eq!(r.session.subagents["f1"].tally.lines_added, 3);
    assert!(r.session.subagents["acompact-77"].compactor);
    assert_eq!(r.session.totals.lines_added, 3);
    assert_eq!(r.session.lines_written(), 9);
    assert!(!r.engine.firings.is_empty(), "the failing loop fired");
}

#[test]
fn the_real_sessions_with_sub_agents_give_the_same_figures_in_every_front_end() {
    let Some(corpus) = common::corpus() else {
        return;
    };
    for rel in [common::AUTOCOMPACT, common::MANUAL_COMPACT] {
        let main_path = corpus.join(rel);
        let id = main_path.file_stem().unwrap().to_str().unwrap().to_owned();
        let agents: Vec<(PathBuf, Vec<u8>)> = discover::subagents_of(&main_path)
            .into_iter()
            .map(|(_, p)| {
                let rel = p.strip_prefix(main_path.parent().unwrap()).unwrap();
                (rel.to_path_buf(), std::fs::read(&p).unwrap())
            })
            .collect();
        assert_eq!(agents.len(), 2, "{rel}");
        let home = tempfile::tempdir().unwrap();
        same_figures_everywhere(
            home.path(),
            &id,
            &std::fs::read(&main_path).unwrap(),
            &agents,
        );
    }
}
