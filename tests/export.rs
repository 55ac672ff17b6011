//! `ringside export` end to end, hermetic: what leaves (nothing identifying), what a second
//! export adds (only what changed, versioned), an interrupted export, options that must match,
//! sessions still active, and `--otlp` against a receiver on 127.0.0.1 that is down, then
//! back, then refuses once: nothing lost, nothing sent twice.

#![allow(
    clippy::unwrap_used,
    clippy::panic,
    reason = "test helpers fail loudly by design"
)]

mod common;

use std::collections::{BTreeMap, HashSet};
use std::path::Path;

use common::otlp_receiver::Receiver;
use common::review::{DAY, NOW_MS, write};
use common::team::{self, SECRETS, export};
use common::transcript::Script;
use serde_json::Value;

fn lines(path: &Path) -> Vec<Value> {
    std::fs::read_to_string(path)
        .unwrap_or_default()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

fn keys(records: &[Value], prompt: bool) -> Vec<(String, u64, u64)> {
    records
        .iter()
        .map(|r| {
            (
                r["session_id"].as_str().unwrap().to_owned(),
                if prompt {
                    r["prompt"].as_u64().unwrap()
                } else {
                    0
                },
                r["version"].as_u64().unwrap(),
            )
        })
        .collect()
}

#[test]
fn nothing_identifying_leaves_and_a_second_export_adds_only_what_changed() {
    let dir = tempfile::tempdir().unwrap();
    let (root, home, out) = (
        dir.path().join("claude"),
        dir.path().join("home"),
        dir.path().join("out"),
    );
    let files = team::person(&root, "alice", 2);
    let out_s = out.to_str().unwrap();
    let (stdout, stderr, code) = export(&root, &home, &["--out", out_s]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("appended"), "{stdout}");
    let sessions = lines(&out.join("sessions.jsonl"));
    let prompts = lines(&out.join("prompts.jsonl"));
    assert_eq!(sessions.len(), files.len());
    assert!(prompts.len() > sessions.len());
    // Nothing identifying, anywhere in the files.
    let text = std::fs::read_to_string(out.join("sessions.jsonl")).unwrap()
        + &std::fs::read_to_string(out.join("prompts.jsonl")).unwrap();
    for s in SECRETS
        .iter()
        .chain(&["alice", "cargo test", "mix test", "settings page"])
    {
        assert!(!text.contains(s), "{s} left in an export");
    }
    for r in &sessions {
        let id = r["session_id"].as_str().unwrap();
        assert_eq!(id.len(), 32, "{id}");
        assert_eq!(r["version"], 1);
        assert_eq!(r["agent"], "claude-code");
        assert_eq!(r["schema"], 1);
    }
    // The schema is written beside the records.
    let schema: Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("export.schema.json")).unwrap())
            .unwrap();
    assert!(
        schema["$defs"]["session"]["required"]
            .as_array()
            .unwrap()
            .len()
            > 30
    );
    // The salt is the installation's, private, and the same next time.
    let salt = std::fs::read_to_string(home.join("data/export/salt")).unwrap();
    assert_eq!(salt.trim().len(), 64);

    // Again: nothing new.
    let (stdout, stderr, code) = export(&root, &home, &["--out", out_s]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("nothing new"), "{stdout}");
    assert_eq!(lines(&out.join("sessions.jsonl")).len(), sessions.len());
    assert_eq!(lines(&out.join("prompts.jsonl")).len(), prompts.len());

    // One session gains a prompt: its session record again (version 2) and the one new prompt.
    let grown = &files[0];
    let id = grown.file_stem().unwrap().to_str().unwrap().to_owned();
    let mut s = Script::new(&id, "/home/alice/work/app", NOW_MS - 2 * DAY);
    s.prompt("and now the changelog");
    s.bash("git log -1", true);
    s.say("Done.");
    let mut text = std::fs::read_to_string(grown).unwrap();
    text.push_str(&s.text());
    std::fs::write(grown, text).unwrap();
    let (_, stderr, code) = export(&root, &home, &["--out", out_s]);
    assert_eq!(code, 0, "{stderr}");
    let after = lines(&out.join("sessions.jsonl"));
    let after_p = lines(&out.join("prompts.jsonl"));
    assert_eq!(after.len(), sessions.len() + 1);
    let new = &after[sessions.len()];
    assert_eq!(new["version"], 2);
    assert_eq!(
        new["prompts"].as_u64().unwrap(),
        sessions
            .iter()
            .find(|r| r["session_id"] == new["session_id"])
            .unwrap()["prompts"]
            .as_u64()
            .unwrap()
            + 1
    );
    assert_ne!(new["exported_at"], Value::Null);
    let added = &after_p[prompts.len()..];
    assert_eq!(added.len(), 1, "{added:?}");
    assert_eq!(added[0]["session_id"], new["session_id"]);
    assert_eq!(added[0]["version"], 1);
    // Never the same key and version twice.
    let all: Vec<_> = keys(&after, false)
        .into_iter()
        .chain(keys(&after_p, true))
        .collect();
    let unique: HashSet<_> = all.iter().collect();
    assert_eq!(unique.len(), all.len());

    // With names into another folder: real ids and folder names, still no path or prompt.
    let named = dir.path().join("named");
    let (_, stderr, code) = export(
        &root,
        &home,
        &[
            "--out",
            named.to_str().unwrap(),
            "--with-names",
            "--person",
            "alice",
        ],
    );
    assert_eq!(code, 0, "{stderr}");
    let text = std::fs::read_to_string(named.join("sessions.jsonl")).unwrap();
    assert!(text.contains(&id), "the real session id with --with-names");
    assert!(text.contains(r#""project":"app""#));
    assert!(text.contains(r#""person":"alice""#));
    for s in SECRETS.iter().filter(|s| **s != "launch-codes") {
        assert!(!text.contains(s), "{s} left in a --with-names export");
    }
    // The same folder with other options would mix two sets of ids: refused.
    let (_, stderr, code) = export(&root, &home, &["--out", named.to_str().unwrap()]);
    assert_eq!(code, 1);
    assert!(stderr.contains("with names, as alice"), "{stderr}");
}

#[test]
fn an_interrupted_export_is_cut_and_written_again_once() {
    let dir = tempfile::tempdir().unwrap();
    let (root, home, out) = (
        dir.path().join("claude"),
        dir.path().join("home"),
        dir.path().join("out"),
    );
    team::person(&root, "bob", 1);
    let out_s = out.to_str().unwrap();
    assert_eq!(export(&root, &home, &["--out", out_s]).2, 0);
    let before = std::fs::read_to_string(out.join("sessions.jsonl")).unwrap();
    // An export that died after writing part of a record, before its state was stored.
    let mut torn = before.clone();
    torn.push_str("{\"schema\":1,\"session_id\":\"half");
    std::fs::write(out.join("sessions.jsonl"), torn).unwrap();
    let (_, stderr, code) = export(&root, &home, &["--out", out_s]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stderr.contains("interrupted export"), "{stderr}");
    assert_eq!(
        std::fs::read_to_string(out.join("sessions.jsonl")).unwrap(),
        before
    );
}

#[test]
fn sessions_still_active_wait_for_a_later_export() {
    let dir = tempfile::tempdir().unwrap();
    let (root, home, out) = (
        dir.path().join("claude"),
        dir.path().join("home"),
        dir.path().join("out"),
    );
    let mut s = Script::new("live-1", "/home/c/app", NOW_MS - 10 * 60_000);
    s.prompt("fix the failing build");
    s.bash("cargo build", false);
    s.say("Looking.");
    write(&root, "/home/c/app", "live-1", &s.text());
    let out_s = out.to_str().unwrap();
    let (stdout, _, code) = export(&root, &home, &["--out", out_s]);
    assert_eq!(code, 0);
    assert!(stdout.contains("1 session active"), "{stdout}");
    assert!(lines(&out.join("sessions.jsonl")).is_empty());
    let later = team::ringside(&root, &home)
        .args(["export", "--out", out_s, "--now", "2026-02-21T12:00:00Z"])
        .output()
        .unwrap();
    assert!(later.status.success());
    assert_eq!(lines(&out.join("sessions.jsonl")).len(), 1);
}

#[test]
fn windows_agents_and_bad_options() {
    let dir = tempfile::tempdir().unwrap();
    let (root, home) = (dir.path().join("claude"), dir.path().join("home"));
    team::person(&root, "dan", 3);
    let out = dir.path().join("w");
    let (_, stderr, code) = export(
        &root,
        &home,
        &[
            "--out",
            out.to_str().unwrap(),
            "--since",
            "8d",
            "--agent",
            "claude-code",
        ],
    );
    assert_eq!(code, 0, "{stderr}");
    let in_week = lines(&out.join("sessions.jsonl"));
    let review = team::review(&root, &home, "8d", "2026-02-20T12:00:00Z");
    let expected = review["week"]["sessions"].as_u64().unwrap()
        + review["week"]["headless"]["sessions"].as_u64().unwrap();
    assert_eq!(in_week.len() as u64, expected);
    let fail = |args: &[&str], says: &str| {
        let (_, stderr, code) = export(&root, &home, args);
        assert_ne!(code, 0, "{args:?}");
        assert!(stderr.contains(says), "{args:?}: {stderr}");
    };
    fail(&[], "--out");
    fail(
        &["--out", out.to_str().unwrap(), "--agent", "cursor"],
        "claude-code",
    );
    fail(
        &[
            "--out",
            out.to_str().unwrap(),
            "--since",
            "2026-02-10",
            "--until",
            "2026-02-01",
        ],
        "must be after",
    );
    fail(&["--otlp", "localhost:4317"], "not an http");
    fail(
        &["--out", out.join("sessions.jsonl").to_str().unwrap()],
        "is a file",
    );
}

fn bodies(r: &Receiver, path: &str) -> Vec<Value> {
    r.taken()
        .iter()
        .filter(|q| q.path == path)
        .map(|q| serde_json::from_str(&q.body).unwrap())
        .collect()
}

/// A record as received: event name, session id, prompt, version.
type Key = (String, String, u64, u64);

/// Every log record received, and the batch ids.
fn received(r: &Receiver) -> (Vec<Key>, Vec<String>) {
    let mut out = Vec::new();
    let mut batches = Vec::new();
    for b in bodies(r, "/v1/logs") {
        for rec in b["resourceLogs"][0]["scopeLogs"][0]["logRecords"]
            .as_array()
            .unwrap()
        {
            let body: Value =
                serde_json::from_str(rec["body"]["stringValue"].as_str().unwrap()).unwrap();
            out.push((
                rec["eventName"].as_str().unwrap().to_owned(),
                body["session_id"].as_str().unwrap().to_owned(),
                body["prompt"].as_u64().unwrap_or(0),
                body["version"].as_u64().unwrap(),
            ));
            let attrs: BTreeMap<String, Value> = rec["attributes"]
                .as_array()
                .unwrap()
                .iter()
                .map(|a| (a["key"].as_str().unwrap().to_owned(), a["value"].clone()))
                .collect();
            assert_eq!(attrs["session.id"]["stringValue"], body["session_id"]);
            batches.push(
                attrs["ringside.batch.id"]["stringValue"]
                    .as_str()
                    .unwrap()
                    .to_owned(),
            );
        }
    }
    batches.dedup();
    (out, batches)
}

#[test]
fn a_collector_down_then_back_gets_everything_once() {
    let dir = tempfile::tempdir().unwrap();
    let (root, home, out) = (
        dir.path().join("claude"),
        dir.path().join("home"),
        dir.path().join("out"),
    );
    team::person(&root, "eve", 2);
    // A port with nothing listening: the collector is down.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let url = format!("http://127.0.0.1:{port}");
    let run = |extra: &[&str]| {
        let mut args = vec![
            "--out",
            out.to_str().unwrap(),
            "--otlp",
            &url,
            "--otlp-retries",
            "1",
        ];
        args.extend_from_slice(extra);
        let out = team::ringside(&root, &home)
            .env("OTEL_EXPORTER_OTLP_HEADERS", "authorization=Bearer%20t0k")
            .env("OTEL_RESOURCE_ATTRIBUTES", "team.id=platform")
            .arg("export")
            .args(&args)
            .args(["--now", common::review::NOW])
            .output()
            .unwrap();
        (
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
            out.status.code().unwrap(),
        )
    };
    let (_, stderr, code) = run(&[]);
    assert_eq!(code, 75, "{stderr}");
    assert!(stderr.contains("not delivered"), "{stderr}");
    // The files were written all the same.
    let sessions = lines(&out.join("sessions.jsonl"));
    let prompts = lines(&out.join("prompts.jsonl"));
    assert!(!sessions.is_empty());
    // Still down, and a new session meanwhile: spooled too.
    let mut s = Script::new(
        "eve-late-launch-codes",
        "/home/eve/work/app",
        NOW_MS - 3 * DAY,
    );
    s.prompt("one more thing");
    s.bash("ls", true);
    s.say("Done.");
    write(
        &root,
        "/home/eve/work/app",
        "eve-late-launch-codes",
        &s.text(),
    );
    assert_eq!(run(&[]).2, 75);

    // Back, refusing the first request (503): retried, then everything arrives once.
    let rx = Receiver::start(port, vec![503]).unwrap();
    let (stdout, stderr, code) = run(&[]);
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert_eq!(rx.refused.load(std::sync::atomic::Ordering::Relaxed), 1);
    let (got, batches) = received(&rx);
    let sessions = lines(&out.join("sessions.jsonl"));
    let prompts_now = lines(&out.join("prompts.jsonl"));
    assert!(prompts_now.len() > prompts.len());
    let want: HashSet<Key> = sessions
        .iter()
        .map(|r| {
            (
                "ringside.session".to_owned(),
                r["session_id"].as_str().unwrap().to_owned(),
                0,
                r["version"].as_u64().unwrap(),
            )
        })
        .chain(prompts_now.iter().map(|r| {
            (
                "ringside.prompt".to_owned(),
                r["session_id"].as_str().unwrap().to_owned(),
                r["prompt"].as_u64().unwrap(),
                r["version"].as_u64().unwrap(),
            )
        }))
        .collect();
    assert_eq!(got.len(), want.len(), "every record once");
    assert_eq!(got.iter().cloned().collect::<HashSet<_>>(), want);
    let unique: HashSet<&String> = batches.iter().collect();
    assert_eq!(unique.len(), batches.len(), "no batch twice");
    // What a collector sees on the wire.
    let reqs = rx.taken();
    assert!(reqs.iter().all(|q| q.method == "POST"));
    assert!(
        reqs.iter()
            .all(|q| q.header("content-type") == Some("application/json"))
    );
    assert!(
        reqs.iter()
            .all(|q| q.header("authorization") == Some("Bearer t0k"))
    );
    assert!(reqs.iter().any(|q| q.path == "/v1/metrics"));
    let logs = &bodies(&rx, "/v1/logs")[0];
    let resource = logs["resourceLogs"][0]["resource"]["attributes"].to_string();
    assert!(
        resource.contains("team.id") && resource.contains("platform"),
        "{resource}"
    );
    let wire: String = reqs.iter().map(|q| q.body.as_str()).collect();
    for s in SECRETS {
        assert!(!wire.contains(s), "{s} sent to the collector");
    }
    // The metrics count each session once.
    let m = &bodies(&rx, "/v1/metrics");
    let sessions_counted: u64 = m
        .iter()
        .flat_map(|b| {
            b["resourceMetrics"][0]["scopeMetrics"][0]["metrics"]
                .as_array()
                .unwrap()
                .clone()
        })
        .filter(|x| x["name"] == "ringside.session.count")
        .flat_map(|x| x["sum"]["dataPoints"].as_array().unwrap().clone())
        .map(|p| p["asInt"].as_str().unwrap().parse::<u64>().unwrap())
        .sum();
    assert_eq!(sessions_counted, sessions.len() as u64);

    // Once more: nothing new, nothing sent again.
    let before = rx.taken().len();
    let (stdout, _, code) = run(&[]);
    assert_eq!(code, 0);
    assert!(stdout.contains("nothing new"), "{stdout}");
    assert_eq!(rx.taken().len(), before);
}

#[test]
fn network_code_lives_in_one_module() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut stack = vec![src.clone()];
    let mut found = Vec::new();
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap().flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "rs") {
                let text = std::fs::read_to_string(&p).unwrap();
                let code = text.split("#[cfg(test)]").next().unwrap_or("");
                if ["ureq", "std::net", "TcpStream", "UdpSocket"]
                    .iter()
                    .any(|w| code.contains(w))
                {
                    found.push(p.strip_prefix(&src).unwrap().display().to_string());
                }
            }
        }
    }
    assert_eq!(found, vec!["source/otlp.rs"]);
}
