use std::collections::BTreeMap;

use super::*;
use crate::core::event::{EntryPoint, PromptSource};
use crate::core::review::SessionLenses;
use crate::core::session::{Tally, WorkMode};
use crate::core::stack::Stack;

const T0: i64 = 1_771_000_000_000;

fn turn(number: u32, actions: u32) -> TurnBrief {
    TurnBrief {
        prompt: number > 0,
        at: Some(T0 + i64::from(number) * 60_000),
        actions,
        number,
        source: (number > 0).then_some(PromptSource::Typed),
        prompt_chars: 42,
        tool_calls: actions + 1,
        ..TurnBrief::default()
    }
}

/// A troubled, recovered Rust session in `/home/alice/secret-app` whose first prompt names a
/// secret, with an S5 nudge on line 40 in prompt 2.
fn summary() -> SessionSummary {
    let mut t2 = turn(2, 4);
    t2.signals.insert("S5".into(), 2);
    t2.nudges.push(("S5".into(), 40));
    t2.peak_tier = 3;
    t2.tier = 3;
    let mut t3 = turn(3, 6);
    t3.recoveries.insert("R4".into(), 1);
    t3.tests_passed = 1;
    t3.specific = true;
    let mut lenses = SessionLenses {
        tests_passed: 1,
        prompts: 3,
        specific: 1,
        memory: 1,
        ..SessionLenses::default()
    };
    lenses.stacks.insert(Stack::Rust, 5);
    SessionSummary {
        id: "0a1b2c3d-secret-session".into(),
        path: "/home/alice/.claude/projects/-home-alice-secret-app/0a1b2c3d.jsonl".into(),
        cwd: Some("/home/alice/secret-app".into()),
        first_prompt: Some("rotate the password hunter2 in config/prod.env".into()),
        git_branch: Some("secret-branch".into()),
        list_prompt: Some("rotate the password hunter2 in config/prod.env".into()),
        started: Some(T0),
        last: Some(T0 + 600_000),
        mode: Some(WorkMode::Fix),
        format: crate::core::agents::Format::Claude,
        entry_point: Some(EntryPoint::Cli),
        model: Some("claude-opus-4".into()),
        totals: Tally {
            tool_calls: 14,
            actions: 12,
            ..Tally::default()
        },
        prompts: 3,
        actions: 12,
        output_tokens: 900,
        lines_added: 7,
        bytes: 1000,
        tier: 1,
        trouble: true,
        trouble_turn: Some(2),
        recovered: true,
        abandoned: false,
        signals: BTreeMap::from([("S5".into(), 2)]),
        recoveries: BTreeMap::from([("R4".into(), 1)]),
        recoveries_after_trouble: BTreeMap::from([("R4".into(), 1)]),
        nudges: BTreeMap::from([("S5".into(), 1)]),
        turns: vec![turn(1, 2), t2, t3],
        lenses,
        settled: true,
    }
}

fn options(with_names: bool) -> Options {
    Options {
        pseudonyms: Pseudonyms::new([7; 32]),
        with_names,
        person: None,
    }
}

fn json_of(s: &SessionRecord, p: &[PromptRecord]) -> String {
    let mut out = serde_json::to_string(s).unwrap();
    for r in p {
        out.push_str(&serde_json::to_string(r).unwrap());
    }
    out
}

#[test]
fn pseudonyms_are_keyed_per_salt_and_domain() {
    let a = Pseudonyms::new([1; 32]);
    let b = Pseudonyms::new([2; 32]);
    let id = a.id("session", "abc");
    assert_eq!(id.len(), 32);
    assert!(id.chars().all(|c| c.is_ascii_hexdigit()));
    assert_eq!(id, a.id("session", "abc"));
    assert_ne!(id, b.id("session", "abc"));
    assert_ne!(id, a.id("project", "abc"));
    assert_ne!(id, a.id("session", "abd"));
    // HMAC-SHA256 as anyone can recompute it: Python's
    // hmac.new(bytes([1]*32), b"session\0abc", "sha256").hexdigest()[:32].
    assert_eq!(id, "2b352c7898603fd419eb2a888045e3f2");
}

#[test]
fn nothing_identifying_leaves_by_default() {
    let s = summary();
    let (session, prompts) = records(&s, &[], &options(false));
    let text = json_of(&session, &prompts);
    for secret in [
        "0a1b2c3d", "secret", "alice", "hunter2", "prod.env", "/home", ".jsonl", "rotate",
    ] {
        assert!(!text.contains(secret), "{secret} leaked: {text}");
    }
    assert_eq!(
        session.session_id,
        Pseudonyms::new([7; 32]).id("session", &s.id)
    );
    assert_eq!(
        session.project,
        Pseudonyms::new([7; 32]).id("project", "secret-app")
    );
    assert!(prompts.iter().all(|p| p.session_id == session.session_id));
    // With names: the session id and the project's folder name, and still no path or prompt.
    let (session, prompts) = records(&s, &[], &options(true));
    assert_eq!(session.session_id, s.id);
    assert_eq!(session.project, "secret-app");
    let text = json_of(&session, &prompts);
    for secret in ["alice", "hunter2", "prod.env", "/home", "rotate"] {
        assert!(!text.contains(secret), "{secret} leaked: {text}");
    }
}

#[test]
fn records_carry_the_summary_figures_and_feedback_on_the_nudge_it_names() {
    let s = summary();
    let feedback = vec![
        Feedback {
            session: s.id.clone(),
            signal: "S5".into(),
            line: 40,
            at: Millis(T0 + 1),
            helpful: false,
        },
        // Changed their mind: the latest counts.
        Feedback {
            session: s.id.clone(),
            signal: "S5".into(),
            line: 40,
            at: Millis(T0 + 2),
            helpful: true,
        },
        // Another nudge, another session: not this one's.
        Feedback {
            session: "other".into(),
            signal: "S5".into(),
            line: 40,
            at: Millis(T0 + 3),
            helpful: false,
        },
    ];
    let (session, prompts) = records(&s, &feedback, &options(false));
    assert_eq!(session.prompts, 3);
    assert_eq!(session.figures.actions, 12);
    assert_eq!(session.figures.tool_calls, 14);
    assert_eq!(session.work_mode, "fix");
    assert_eq!(session.stacks, vec!["rust"]);
    assert_eq!(session.entry_point.as_deref(), Some("cli"));
    assert!(session.trouble && session.recovered && !session.abandoned);
    assert_eq!(session.trouble_prompt, Some(2));
    assert!(session.hard_signal);
    assert_eq!(session.hard_signals.test_passed, 1);
    assert_eq!(session.around_model, vec!["memory"]);
    assert_eq!(
        session.nudges,
        vec![NudgeCount {
            signal: "S5".into(),
            shown: 1,
            dismissed: 0,
            helpful: 1
        }]
    );
    assert_eq!((session.nudges_shown, session.nudges_helpful), (1, 1));
    assert_eq!(
        session.recoveries,
        vec![RecoveryCount {
            id: "R4".into(),
            count: 1,
            after_trouble: Some(1)
        }]
    );
    assert_eq!(prompts.len(), 3);
    let p2 = &prompts[1];
    assert_eq!(p2.prompt, 2);
    assert_eq!(
        p2.signals,
        vec![SignalCount {
            id: "S5".into(),
            firings: 2
        }]
    );
    assert_eq!(p2.nudges[0].feedback.as_deref(), Some("helpful"));
    assert!(p2.trouble);
    assert_eq!(prompts[2].recoveries[0].id, "R4");
    assert!(prompts[2].hard_signal && prompts[2].behaviours.specific);
    assert_eq!(prompts[0].source.as_deref(), Some("typed"));
    let sum: u64 = prompts.iter().map(|p| p.figures.actions).sum();
    assert_eq!(sum, 12);
}

#[test]
fn a_second_export_adds_only_what_changed_with_the_version_raised() {
    let at = Millis(T0 + 3_600_000);
    let mut ledger = Ledger::default();
    let s = summary();
    let o = options(false);
    let mut first = Changes::default();
    let (a, b) = records(&s, &[], &o);
    ledger.admit(a, b, at, &mut first);
    assert_eq!((first.sessions.len(), first.prompts.len()), (1, 3));
    assert!(first.sessions.iter().all(|r| r.version == 1));
    assert!(first.prompts.iter().all(|r| r.version == 1 && !r.deleted));
    assert_eq!(first.sessions[0].exported_at, "2026-02-13T17:26:40.000Z");
    // The same again: nothing.
    let mut again = Changes::default();
    let (a, b) = records(&s, &[], &o);
    ledger.admit(a, b, at, &mut again);
    assert!(again.is_empty());
    assert_eq!(again.unchanged, 1);
    // One more prompt: the session (new figures) and the new prompt, nothing else.
    let mut grown = s.clone();
    grown.turns.push(turn(4, 1));
    grown.prompts = 4;
    grown.actions = 13;
    let mut more = Changes::default();
    let (a, b) = records(&grown, &[], &o);
    ledger.admit(a, b, Millis(at.0 + 1), &mut more);
    assert_eq!(more.sessions.len(), 1);
    assert_eq!(more.sessions[0].version, 2);
    assert_eq!(
        more.prompts
            .iter()
            .map(|p| (p.prompt, p.version))
            .collect::<Vec<_>>(),
        vec![(4, 1)]
    );
    // Feedback given later changes the prompt that held the nudge, and the session.
    let fb = [Feedback {
        session: s.id.clone(),
        signal: "S5".into(),
        line: 40,
        at: Millis(at.0 + 5),
        helpful: false,
    }];
    let mut noted = Changes::default();
    let (a, b) = records(&grown, &fb, &o);
    ledger.admit(a, b, Millis(at.0 + 2), &mut noted);
    assert_eq!(noted.sessions[0].version, 3);
    assert_eq!(noted.sessions[0].nudges_dismissed, 1);
    assert_eq!(
        noted
            .prompts
            .iter()
            .map(|p| (p.prompt, p.version))
            .collect::<Vec<_>>(),
        vec![(2, 2)]
    );
    // A prompt that is gone is exported once as deleted, then never again.
    let mut shrunk = grown.clone();
    shrunk.turns.pop();
    let mut gone = Changes::default();
    let (a, b) = records(&shrunk, &fb, &o);
    ledger.admit(a, b, Millis(at.0 + 3), &mut gone);
    let deleted: Vec<_> = gone.prompts.iter().filter(|p| p.deleted).collect();
    assert_eq!(deleted.len(), 1);
    assert_eq!((deleted[0].prompt, deleted[0].version), (4, 2));
    let mut after = Changes::default();
    let (a, b) = records(&shrunk, &fb, &o);
    ledger.admit(a, b, Millis(at.0 + 4), &mut after);
    assert!(after.is_empty());
}

#[test]
fn logs_carry_the_join_keys_and_the_record_as_body() {
    let s = summary();
    let mut ledger = Ledger::default();
    let mut c = Changes::default();
    let (a, b) = records(&s, &[], &options(true));
    ledger.admit(a, b, Millis(T0 + 700_000), &mut c);
    let sender = otlp::Sender {
        resource: vec![("service.name".into(), "ringside".into())],
        version: "0.1.0".into(),
    };
    let v = otlp::logs(&sender, &c.sessions, &c.prompts, "b1", Millis(T0 + 700_000));
    let recs = v["resourceLogs"][0]["scopeLogs"][0]["logRecords"]
        .as_array()
        .unwrap();
    assert_eq!(recs.len(), 4);
    let attr = |r: &serde_json::Value, k: &str| {
        r["attributes"]
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["key"] == k)
            .map(|a| a["value"].clone())
    };
    let session = &recs[0];
    assert_eq!(session["eventName"], otlp::SESSION_EVENT);
    assert_eq!(attr(session, "session.id").unwrap()["stringValue"], s.id);
    assert_eq!(
        attr(session, "gen_ai.provider.name").unwrap()["stringValue"],
        "anthropic"
    );
    assert_eq!(
        attr(session, "gen_ai.request.model").unwrap()["stringValue"],
        "claude-opus-4"
    );
    assert_eq!(attr(session, "ringside.prompts").unwrap()["intValue"], "3");
    assert_eq!(
        attr(session, "ringside.trouble").unwrap()["boolValue"],
        true
    );
    assert_eq!(
        attr(session, "ringside.hard_signals.test_passed").unwrap()["intValue"],
        "1"
    );
    assert_eq!(
        attr(session, "ringside.batch.id").unwrap()["stringValue"],
        "b1"
    );
    assert_eq!(
        session["body"]["stringValue"],
        serde_json::to_string(&c.sessions[0]).unwrap()
    );
    assert_eq!(session["timeUnixNano"], "1771000600000000000");
    let p2 = &recs[2];
    assert_eq!(p2["eventName"], otlp::PROMPT_EVENT);
    let sig = attr(p2, "ringside.signals").unwrap();
    assert_eq!(
        sig["arrayValue"]["values"][0]["kvlistValue"]["values"][0]["value"]["stringValue"],
        "S5"
    );
}

#[test]
fn metrics_count_each_session_and_prompt_once_when_first_exported() {
    let s = summary();
    let mut ledger = Ledger::default();
    let mut c = Changes::default();
    let (a, b) = records(&s, &[], &options(false));
    ledger.admit(a, b, Millis(T0), &mut c);
    let sender = otlp::Sender {
        resource: Vec::new(),
        version: "0".into(),
    };
    let m = otlp::metrics(&sender, &c.sessions, &c.prompts, Millis(T0 - 1), Millis(T0)).unwrap();
    let list = m["resourceMetrics"][0]["scopeMetrics"][0]["metrics"]
        .as_array()
        .unwrap();
    let by = |n: &str| list.iter().find(|x| x["name"] == n).unwrap().clone();
    let sessions = by("ringside.session.count");
    assert_eq!(sessions["sum"]["dataPoints"][0]["asInt"], "1");
    assert_eq!(
        sessions["sum"]["dataPoints"][0]["attributes"][1]["value"]["stringValue"],
        "recovered"
    );
    assert_eq!(
        by("ringside.stall.count")["sum"]["dataPoints"][0]["asInt"],
        "2"
    );
    let h = by("ringside.prompt.actions");
    assert_eq!(h["histogram"]["dataPoints"][0]["count"], "3");
    assert_eq!(h["histogram"]["dataPoints"][0]["sum"], 12.0);
    // 2 actions (1-2), 4 and 6 (3-5, 6-10).
    assert_eq!(
        h["histogram"]["dataPoints"][0]["bucketCounts"],
        serde_json::json!(["0", "1", "1", "1", "0", "0", "0", "0"])
    );
    // A later version of the same session counts nowhere.
    let mut later = c.clone();
    for r in &mut later.sessions {
        r.version = 2;
    }
    for r in &mut later.prompts {
        r.version = 2;
    }
    assert!(
        otlp::metrics(
            &sender,
            &later.sessions,
            &later.prompts,
            Millis(T0),
            Millis(T0)
        )
        .is_none()
    );
}

#[test]
fn signals_this_build_does_not_know_are_kept_after_the_known_ones() {
    let mut s = summary();
    s.signals.insert("S99".into(), 1);
    s.signals.insert("S10".into(), 3);
    let (session, _) = records(&s, &[], &options(false));
    let ids: Vec<&str> = session.signals.iter().map(|x| x.id.as_str()).collect();
    assert_eq!(ids, vec!["S5", "S10", "S99"]);
}
