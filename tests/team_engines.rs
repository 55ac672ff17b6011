//! The export read by real engines: DuckDB and ClickHouse (chDB, in-process) run the shipped
//! team queries (`docs/team/`) over two people's exports, and their figures equal `ringside
//! review --format json` for the same windows; ClickHouse also reads the same records through
//! the OTLP route (the otel_logs views); every record validates against
//! `docs/export.schema.json`; every OTLP body parses strictly as opentelemetry-proto's
//! `ExportLogsServiceRequest` / `ExportMetricsServiceRequest`.
//!
//! Needs a Python with the pinned packages of `tests/engines/requirements.txt`, named in
//! `RINGSIDE_PYTHON` (`.ci/run` makes one); without it the test prints a notice and passes.

#![allow(
    clippy::unwrap_used,
    clippy::panic,
    reason = "test helpers fail loudly by design"
)]

mod common;

#[path = "../benches/common/gen.rs"]
mod generator;

use std::path::{Path, PathBuf};

use common::otlp_receiver::Receiver;
use common::review::NOW;
use common::team;
use serde_json::{Value, json};

fn python() -> Option<PathBuf> {
    let p = std::env::var_os("RINGSIDE_PYTHON").map(PathBuf::from);
    if p.is_none() {
        eprintln!(
            "NOTICE: RINGSIDE_PYTHON is not set; skipping the DuckDB, chDB and opentelemetry-proto checks (.ci/run installs them)"
        );
    }
    p
}

fn check(py: &Path, args: &[&str]) -> Value {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/engines/check.py");
    let out = std::process::Command::new(py)
        .arg(script)
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "check.py failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

const SINCE: &str = "2026-02-13T12:00:00Z";
const BASELINE: &str = "2026-01-16T12:00:00Z";

fn u(v: &Value) -> u64 {
    v.as_u64()
        .unwrap_or_else(|| v.as_f64().map_or(0, |f| f as u64))
}

/// A share as the review rounds it (3 places) against an engine's: ClickHouse rounds ties to
/// even, Rust away from zero, so they may differ in the last place.
fn close(a: &Value, b: &Value, what: &str) {
    match (a.as_f64(), b.as_f64()) {
        (Some(x), Some(y)) => assert!((x - y).abs() < 0.0011, "{what}: {x} vs {y}"),
        _ => assert!(a.is_null() && b.is_null(), "{what}: {a} vs {b}"),
    }
}

fn one<'a>(rows: &'a Value, key: &str, value: &str) -> Option<&'a Value> {
    rows.as_array()
        .unwrap()
        .iter()
        .find(|r| r[key].as_str() == Some(value))
}

/// The engine's figures for one window against the review's period.
fn same_as_review(engine: &str, f: &Value, r: &Value) {
    let o = &f["overview"][0];
    let w = &r["week"];
    for k in [
        "sessions",
        "prompts",
        "actions",
        "output_tokens",
        "lines_added",
        "trouble",
        "recovered",
        "abandoned",
        "hard_signal",
    ] {
        assert_eq!(u(&o[k]), u(&w[k]), "{engine}: {k}");
    }
    for k in ["recovered_share", "abandoned_share", "hard_signal_share"] {
        close(&o[k], &w[k], &format!("{engine}: {k}"));
    }
    close(
        &o["actions_per_prompt_geomean"],
        &w["actions_per_prompt_geomean"],
        &format!("{engine}: geomean"),
    );
    for (k, kind) in [
        ("with_commit", "commit"),
        ("with_pr", "pr"),
        ("with_test_passed", "test_passed"),
        ("with_affirmation", "affirmation"),
    ] {
        assert_eq!(u(&o[k]), u(&w["hard_signals"][kind]), "{engine}: {k}");
    }
    let totals = &r["nudges"][0];
    assert_eq!(totals["signal"], "all");
    for (k, rk) in [
        ("nudges_shown", "shown"),
        ("nudges_dismissed", "dismissed"),
        ("nudges_helpful", "helpful"),
    ] {
        assert_eq!(u(&o[k]), u(&totals[rk]), "{engine}: {k}");
    }
    for n in r["nudges"].as_array().unwrap().iter().skip(1) {
        let row = one(&f["nudges"], "signal", n["signal"].as_str().unwrap())
            .unwrap_or_else(|| panic!("{engine}: nudges of {}", n["signal"]));
        for k in ["shown", "dismissed", "helpful"] {
            assert_eq!(u(&row[k]), u(&n[k]), "{engine}: nudges {} {k}", n["signal"]);
        }
    }
    let h = &f["headless"][0];
    for k in ["sessions", "prompts", "actions"] {
        assert_eq!(u(&h[k]), u(&w["headless"][k]), "{engine}: headless {k}");
    }
    let stacks = r["by_stack"].as_array().unwrap();
    assert_eq!(
        f["by_stack"].as_array().unwrap().len(),
        stacks.len(),
        "{engine}: by_stack rows"
    );
    for s in stacks {
        let row = one(&f["by_stack"], "stack", s["stack"].as_str().unwrap()).unwrap();
        for k in [
            "sessions",
            "prompts",
            "actions",
            "trouble",
            "recovered",
            "abandoned",
            "hard_signal",
        ] {
            assert_eq!(u(&row[k]), u(&s[k]), "{engine}: {} {k}", s["stack"]);
        }
        for k in ["recovered_share", "abandoned_share", "hard_signal_share"] {
            close(&row[k], &s[k], &format!("{engine}: {} {k}", s["stack"]));
        }
    }
    for m in w["work_mix"].as_array().unwrap() {
        let row = one(&f["work_mix"], "mode", m["mode"].as_str().unwrap()).unwrap();
        assert_eq!(u(&row["sessions"]), u(&m["sessions"]), "{engine}: mix");
        close(&row["share"], &m["share"], &format!("{engine}: mix share"));
    }
    for s in r["signals"].as_array().unwrap() {
        let row = one(&f["signals"], "signal", s["id"].as_str().unwrap()).unwrap();
        assert_eq!(
            u(&row["sessions"]),
            u(&s["sessions"]),
            "{engine}: {} sessions",
            s["id"]
        );
        assert_eq!(
            u(&row["firings"]),
            u(&s["firings"]),
            "{engine}: {} firings",
            s["id"]
        );
    }
    let weeks: u64 = f["by_week"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| u(&x["sessions"]))
        .sum();
    assert_eq!(weeks, u(&w["sessions"]), "{engine}: by_week");
}

/// Lift and the recovery moves pool the period and its baseline: the engine's figures over
/// [baseline start, until) against the review's.
fn same_pool(engine: &str, pool: &Value, r: &Value) {
    for s in r["signals"].as_array().unwrap() {
        let row = one(&pool["signals"], "signal", s["id"].as_str().unwrap()).unwrap();
        assert_eq!(
            u(&row["sessions"]),
            u(&s["pool_sessions"]),
            "{engine}: {} pool",
            s["id"]
        );
        for k in ["abandoned_after", "recovered_after"] {
            assert_eq!(u(&row[k]), u(&s[k]), "{engine}: {} {k}", s["id"]);
        }
        close(
            &row["lift"],
            &s["lift"],
            &format!("{engine}: {} lift", s["id"]),
        );
    }
    let moves = r["recoveries"].as_array().unwrap();
    assert_eq!(
        pool["recoveries"].as_array().unwrap().len(),
        moves.len(),
        "{engine}: moves"
    );
    for m in moves {
        let row = one(&pool["recoveries"], "move", m["id"].as_str().unwrap()).unwrap();
        for k in ["used", "worked"] {
            assert_eq!(u(&row[k]), u(&m[k]), "{engine}: {} {k}", m["id"]);
        }
        close(
            &row["share"],
            &m["share"],
            &format!("{engine}: {} share", m["id"]),
        );
    }
}

#[test]
fn duckdb_and_clickhouse_give_the_review_s_figures_and_otlp_is_valid_protobuf_json() {
    let Some(py) = python() else { return };
    let dir = tempfile::tempdir().unwrap();
    let team_dir = dir.path().join("team");
    // Ana: five weeks of known outcomes and a generated month of realistic sessions; she opts
    // in by name. Kenji: five weeks, unnamed. Each on their own installation (salt).
    let (ana_root, ana_home) = (dir.path().join("ana/claude"), dir.path().join("ana/home"));
    let (ken_root, ken_home) = (dir.path().join("ken/claude"), dir.path().join("ken/home"));
    team::person(&ana_root, "ana", 5);
    generator::write_corpus(&ana_root, 4_000_000, 11).unwrap();
    team::person(&ken_root, "kenji", 5);
    // Feedback on the nudges of Ana's sessions this week, given this week.
    let before = team::review(&ana_root, &ana_home, SINCE, NOW);
    let week_files: Vec<PathBuf> = before["sessions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| PathBuf::from(s["path"].as_str().unwrap()))
        .collect();
    let given = team::give_feedback(&ana_home, &ana_root, &week_files, "2026-02-19T10:00:00Z");
    assert!(given > 0, "the week has nudges to give feedback on");

    let rx = Receiver::start(0, Vec::new()).unwrap();
    let ana_out = team_dir.join("ana");
    let (_, stderr, code) = team::export(
        &ana_root,
        &ana_home,
        &[
            "--out",
            ana_out.to_str().unwrap(),
            "--person",
            "ana",
            "--otlp",
            &rx.url(),
        ],
    );
    assert_eq!(code, 0, "{stderr}");
    let ken_out = team_dir.join("kenji");
    let (_, stderr, code) =
        team::export(&ken_root, &ken_home, &["--out", ken_out.to_str().unwrap()]);
    assert_eq!(code, 0, "{stderr}");

    // The OTLP bodies, for the protobuf check and the ClickHouse route.
    let reqs = rx.taken();
    let mut proto = String::new();
    let mut logs = String::new();
    for q in &reqs {
        let kind = q.path.trim_start_matches("/v1/");
        proto.push_str(&format!("{kind} {}\n", q.body.replace('\n', " ")));
        if kind == "logs" {
            logs.push_str(&q.body.replace('\n', " "));
            logs.push('\n');
        }
    }
    let proto_file = dir.path().join("otlp.txt");
    let logs_file = dir.path().join("logs.jsonl");
    std::fs::write(&proto_file, proto).unwrap();
    std::fs::write(&logs_file, logs).unwrap();

    let ana_review = team::review(&ana_root, &ana_home, SINCE, NOW);
    let ken_review = team::review(&ken_root, &ken_home, SINCE, NOW);
    let files = |who: &str, f: &str| team_dir.join(who).join(f).display().to_string();
    let spec = json!([
        {"name": "ana", "sessions": files("ana", "sessions.jsonl"), "prompts": files("ana", "prompts.jsonl"),
         "since": SINCE, "until": NOW, "bodies": logs_file.display().to_string()},
        {"name": "ana_pool", "sessions": files("ana", "sessions.jsonl"), "prompts": files("ana", "prompts.jsonl"),
         "since": BASELINE, "until": NOW},
        {"name": "team", "sessions": files("*", "sessions.jsonl"), "prompts": files("*", "prompts.jsonl"),
         "since": SINCE, "until": NOW},
    ]);
    let spec_file = dir.path().join("spec.json");
    std::fs::write(&spec_file, spec.to_string()).unwrap();
    let got = check(&py, &["tables", spec_file.to_str().unwrap()]);
    eprintln!("engines: {}", got["versions"]);

    let ana = &got["jobs"]["ana"];
    eprintln!(
        "ana this week: {} sessions, {} signals, {} stacks, {} recovery moves, {} OTLP rows",
        ana_review["week"]["sessions"],
        ana_review["signals"].as_array().unwrap().len(),
        ana_review["by_stack"].as_array().unwrap().len(),
        ana_review["recoveries"].as_array().unwrap().len(),
        ana["otel_logs_rows"]
    );
    assert_eq!(
        ana["schema_errors"],
        json!([]),
        "records against docs/export.schema.json"
    );
    assert!(u(&ana["schema_checked"]) > 100);
    for engine in ["duckdb", "clickhouse", "clickhouse_otlp"] {
        same_as_review(engine, &ana[engine], &ana_review);
        same_pool(
            engine,
            &got["jobs"]["ana_pool"][engine.trim_end_matches("_otlp")],
            &ana_review,
        );
    }
    assert!(u(&ana_review["week"]["trouble"]) > 0 && u(&ana_review["week"]["abandoned"]) > 0);
    assert!(u(&ana_review["nudges"][0]["helpful"]) + u(&ana_review["nudges"][0]["dismissed"]) > 0);

    // The team: everyone's figures add up; per person only for who opted in.
    let team_job = &got["jobs"]["team"];
    assert_eq!(team_job["schema_errors"], json!([]));
    for engine in ["duckdb", "clickhouse"] {
        let o = &team_job[engine]["overview"][0];
        for k in [
            "sessions",
            "prompts",
            "actions",
            "trouble",
            "recovered",
            "abandoned",
            "hard_signal",
        ] {
            assert_eq!(
                u(&o[k]),
                u(&ana_review["week"][k]) + u(&ken_review["week"][k]),
                "{engine}: team {k}"
            );
        }
        let people = team_job[engine]["by_person"].as_array().unwrap();
        assert_eq!(people.len(), 1, "{engine}: only Ana opted in");
        assert_eq!(people[0]["person"], "ana");
        for k in ["sessions", "prompts", "trouble"] {
            assert_eq!(
                u(&people[0][k]),
                u(&ana_review["week"][k]),
                "{engine}: ana {k}"
            );
        }
        close(
            &people[0]["abandoned_share"],
            &ana_review["week"]["abandoned_share"],
            "ana",
        );
    }

    // Every OTLP body is valid protobuf JSON, with one log record per exported record.
    let p = check(&py, &["proto", proto_file.to_str().unwrap()]);
    assert_eq!(p["errors"], json!([]), "{}", p["errors"]);
    let records = std::fs::read_to_string(ana_out.join("sessions.jsonl"))
        .unwrap()
        .lines()
        .count()
        + std::fs::read_to_string(ana_out.join("prompts.jsonl"))
            .unwrap()
            .lines()
            .count();
    assert_eq!(u(&p["log_records"]), records as u64);
    assert_eq!(
        u(&p["event_names"]["ringside.session"]),
        std::fs::read_to_string(ana_out.join("sessions.jsonl"))
            .unwrap()
            .lines()
            .count() as u64
    );
    let names: Vec<&str> = p["metric_names"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    for m in [
        "ringside.session.count",
        "ringside.stall.count",
        "ringside.prompt.actions",
    ] {
        assert!(names.contains(&m), "{m} in {names:?}");
    }
    // The log bodies are the file's records, byte for byte.
    let mut bodies: Vec<String> = p["bodies"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b.as_str().unwrap().to_owned())
        .collect();
    let mut file_lines: Vec<String> = std::fs::read_to_string(ana_out.join("sessions.jsonl"))
        .unwrap()
        .lines()
        .chain(
            std::fs::read_to_string(ana_out.join("prompts.jsonl"))
                .unwrap()
                .lines(),
        )
        .map(str::to_owned)
        .collect();
    bodies.sort();
    file_lines.sort();
    assert_eq!(bodies, file_lines);
}
