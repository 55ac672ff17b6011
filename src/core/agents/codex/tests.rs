use super::*;
use crate::core::agents::Reader as AnyReader;
use crate::core::agents::{Format, Role};

fn at(s: u32) -> String {
    format!("2026-02-23T11:{:02}:{:02}.000Z", s / 60, s % 60)
}

fn line(t: u32, kind: &str, payload: &str) -> String {
    format!(
        r#"{{"timestamp":"{}","type":"{kind}","payload":{payload}}}"#,
        at(t)
    ) + "\n"
}

fn meta(t: u32) -> String {
    line(
        t,
        "session_meta",
        r#"{"id":"019c-thread","cwd":"/w/app","originator":"codex_cli_rs","cli_version":"0.128.0","source":"cli","git":{"branch":"main"}}"#,
    )
}

fn ev(t: u32, payload: &str) -> String {
    line(t, "event_msg", payload)
}

fn item(t: u32, payload: &str) -> String {
    line(t, "response_item", payload)
}

fn user(t: u32, text: &str) -> String {
    ev(
        t,
        &format!(r#"{{"type":"user_message","message":"{text}","images":[]}}"#),
    )
}

fn exec(t: u32, id: &str, cmd: &str) -> String {
    let args = serde_json::to_string(&format!(r#"{{"cmd":"{cmd}"}}"#)).unwrap();
    item(
        t,
        &format!(
            r#"{{"type":"function_call","name":"exec_command","arguments":{args},"call_id":"{id}"}}"#
        ),
    )
}

fn out(t: u32, id: &str, output: &str) -> String {
    let o = serde_json::to_string(output).unwrap();
    item(
        t,
        &format!(r#"{{"type":"function_call_output","call_id":"{id}","output":{o}}}"#),
    )
}

fn task(t: u32, kind: &str) -> String {
    ev(t, &format!(r#"{{"type":"{kind}","turn_id":"t1"}}"#))
}

fn read(text: &str) -> (Vec<Event>, ParseStats) {
    read_as(text, Role::Main)
}

fn read_as(text: &str, role: Role<'_>) -> (Vec<Event>, ParseStats) {
    let mut r = AnyReader::new(Format::Codex, role);
    let mut events = Vec::new();
    let mut rest = text.as_bytes();
    while !rest.is_empty() {
        let step = r.feed_record(rest, &mut events);
        rest = &rest[step.consumed..];
    }
    r.finish(&mut events);
    (events, r.into_stats())
}

fn prompts(events: &[Event]) -> Vec<(String, PromptSource)> {
    events
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::Prompt(p) => Some((p.text.clone(), p.source)),
            _ => None,
        })
        .collect()
}

fn results(events: &[Event]) -> Vec<(u64, Outcome, bool)> {
    events
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::Result(r) => Some((e.line.0, r.outcome.clone(), r.check_failed)),
            _ => None,
        })
        .collect()
}

#[test]
fn identity_and_context_come_from_the_first_session_meta() {
    let text = meta(0)
        + &line(1, "session_meta", r#"{"id":"other","cwd":"/elsewhere"}"#)
        + &line(
            2,
            "turn_context",
            r#"{"cwd":"/w/app/sub","model":"gpt-5.3-codex"}"#,
        );
    let (events, stats) = read(&text);
    let ctx: Vec<&Context> = events
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::Context(c) => Some(c),
            _ => None,
        })
        .collect();
    assert_eq!(ctx.len(), 2);
    assert_eq!(ctx[0].session_id.as_deref(), Some("019c-thread"));
    assert_eq!(ctx[0].version.as_deref(), Some("0.128.0"));
    assert_eq!(ctx[0].git_branch.as_deref(), Some("main"));
    assert_eq!(ctx[0].entry_point, Some(EntryPoint::Cli));
    assert_eq!(ctx[1].cwd.as_deref(), Some("/w/app/sub"));
    assert_eq!(stats.skipped_total(), 0);
}

#[test]
fn prompts_are_user_messages_only_and_never_scaffolding() {
    let text = meta(0)
        + &item(
            1,
            r#"{"type":"message","role":"user","content":[{"type":"input_text","text":"<environment_context>\n<cwd>/w</cwd>\n</environment_context>"}]}"#,
        )
        + &user(
            2,
            "# AGENTS.md instructions for /w\\n\\n<INSTRUCTIONS>x</INSTRUCTIONS>",
        )
        + &user(3, "<environment_context>x</environment_context>")
        + &item(
            4,
            r#"{"type":"message","role":"user","content":[{"type":"input_text","text":"fix the parser"}]}"#,
        )
        + &user(4, "fix the parser")
        + &ev(
            5,
            r#"{"type":"user_message","message":"old kind","kind":"user_instructions"}"#,
        )
        + &user(6, "<user_shell_command>ls -la</user_shell_command>");
    let (events, _) = read(&text);
    assert_eq!(
        prompts(&events),
        vec![("fix the parser".into(), PromptSource::Typed)]
    );
    assert!(
        events
            .iter()
            .any(|e| matches!(&e.kind, EventKind::ManualShell { command } if command == "ls -la"))
    );
}

#[test]
fn turns_open_and_close_with_tasks_and_an_abandoned_turn_ends_at_the_next() {
    // 0.104's order: task_started, then the prompt; the first turn never completes.
    let text = meta(0)
        + &task(1, "task_started")
        + &user(2, "first")
        + &user(3, "steer it")
        + &exec(4, "c1", "ls")
        + &task(10, "task_started")
        + &user(11, "second")
        + &task(20, "task_complete");
    let (events, _) = read(&text);
    assert_eq!(
        prompts(&events),
        vec![
            ("first".into(), PromptSource::Typed),
            ("steer it".into(), PromptSource::Queued),
            ("second".into(), PromptSource::Typed),
        ]
    );
    let ends: Vec<u64> = events
        .iter()
        .filter(|e| matches!(e.kind, EventKind::TurnEnd { .. }))
        .map(|e| e.line.0)
        .collect();
    assert_eq!(ends, vec![6, 8], "the open turn ends where the next starts");
}

#[test]
fn a_prompt_before_its_task_started_opens_the_turn_after_an_abandoned_one() {
    // Newer order: the prompt, then task_started. The first turn was left open.
    let text = meta(0)
        + &user(1, "first")
        + &task(2, "task_started")
        + &user(5, "second")
        + &task(6, "task_started")
        + &task(9, "task_complete");
    let (events, _) = read(&text);
    assert_eq!(
        prompts(&events),
        vec![
            ("first".into(), PromptSource::Typed),
            ("second".into(), PromptSource::Typed)
        ]
    );
    let kinds: Vec<&str> = events
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::Prompt(_) => Some("prompt"),
            EventKind::TurnEnd { .. } => Some("end"),
            _ => None,
        })
        .collect();
    assert_eq!(kinds, ["prompt", "end", "prompt", "end"]);
}

#[test]
fn exit_codes_decide_outcomes_and_checks() {
    let text = meta(0)
        + &user(1, "run the tests")
        + &exec(2, "c1", "cargo test")
        + &out(
            3,
            "c1",
            "Chunk ID: a\nWall time: 1 seconds\nProcess exited with code 101\nOutput:\ntest result: FAILED. 1 passed; 1 failed",
        )
        + &exec(4, "c2", "cargo test")
        + &out(
            5,
            "c2",
            "Exit code: 0\nWall time: 1 seconds\nOutput:\ntest result: ok. 2 passed",
        )
        + &exec(6, "c3", "cat missing")
        + &out(
            7,
            "c3",
            r#"{"output":"cat: missing: No such file\n","metadata":{"exit_code":1}}"#,
        )
        + &exec(8, "c4", "rm -rf /")
        + &out(9, "c4", "exec command rejected by user");
    let (events, _) = read(&text);
    let r = results(&events);
    assert_eq!(r[0], (4, Outcome::Error, true));
    assert_eq!(r[1], (6, Outcome::Ok, false));
    assert_eq!(r[2], (8, Outcome::Error, false));
    assert_eq!(r[3], (10, Outcome::Rejected { feedback: None }, false));
    let err = events.iter().find_map(|e| match &e.kind {
        EventKind::Result(r) if e.line.0 == 8 => r.error.clone(),
        _ => None,
    });
    assert_eq!(err.as_deref(), Some("cat: missing: No such file"));
}

#[test]
fn a_running_check_ends_when_its_session_exits() {
    let poll = |t: u32, id: &str| {
        let args = serde_json::to_string(r#"{"session_id":7,"chars":""}"#).unwrap();
        item(
            t,
            &format!(
                r#"{{"type":"function_call","name":"write_stdin","arguments":{args},"call_id":"{id}"}}"#
            ),
        )
    };
    let text = meta(0)
        + &user(1, "test")
        + &exec(2, "c1", "npm test")
        + &out(
            3,
            "c1",
            "Wall time: 10 seconds\nProcess running with session ID 7\nOutput:\n",
        )
        + &poll(4, "p1")
        + &out(
            5,
            "p1",
            "Wall time: 5 seconds\nProcess running with session ID 7\nOutput:\n",
        )
        + &poll(6, "p2")
        + &out(
            7,
            "p2",
            "Wall time: 2 seconds\nProcess exited with code 1\nOutput:\n1 failing",
        );
    let (events, _) = read(&text);
    let r = results(&events);
    assert_eq!(
        r,
        vec![
            (6, Outcome::Ok, false),
            (8, Outcome::Error, true),
            (8, Outcome::Ok, false)
        ],
        "the poll worked; the test run failed, reported at the poll that saw it exit"
    );
}

#[test]
fn exec_command_end_beats_the_output_text() {
    let text = meta(0)
        + &user(1, "lint")
        + &exec(2, "c1", "cargo clippy")
        + &ev(
            3,
            r#"{"type":"exec_command_end","call_id":"c1","exit_code":1,"aggregated_output":"error: unused","status":"completed"}"#,
        )
        + &out(4, "c1", "Exit code: 0\nOutput:\n");
    let (events, _) = read(&text);
    assert_eq!(results(&events), vec![(4, Outcome::Error, true)]);
}

#[test]
fn patches_count_their_lines_on_success_only() {
    let patch = |t: u32, id: &str| {
        let input = serde_json::to_string(
            "*** Begin Patch\n*** Update File: src/a.rs\n-a\n+b\n+c\n*** End Patch",
        )
        .unwrap();
        item(
            t,
            &format!(
                r#"{{"type":"custom_tool_call","name":"apply_patch","input":{input},"call_id":"{id}"}}"#
            ),
        )
    };
    let text = meta(0)
        + &user(1, "edit")
        + &patch(2, "p1")
        + &ev(
            3,
            r#"{"type":"patch_apply_end","call_id":"p1","success":true}"#,
        )
        + &out(
            4,
            "p1",
            "Exit code: 0\nOutput:\nSuccess. Updated the following files:\nM src/a.rs",
        )
        + &patch(5, "p2")
        + &out(
            6,
            "p2",
            "apply_patch verification failed: Failed to find expected lines",
        );
    let (events, _) = read(&text);
    let lines: Vec<(u64, u32, u32, Outcome)> = events
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::Result(r) => {
                Some((e.line.0, r.lines_added, r.lines_removed, r.outcome.clone()))
            }
            _ => None,
        })
        .collect();
    assert_eq!(
        lines,
        vec![(4, 2, 1, Outcome::Ok), (7, 0, 0, Outcome::Error)]
    );
    let edit = events.iter().find_map(|e| match &e.kind {
        EventKind::Action(a) => a.edit.clone(),
        _ => None,
    });
    assert_eq!(edit.map(|e| e.path).as_deref(), Some("src/a.rs"));
}

#[test]
fn interrupts_and_aborted_calls() {
    let text = meta(0)
        + &user(1, "go")
        + &task(1, "task_started")
        + &exec(2, "c1", "sleep 100")
        + &ev(
            3,
            r#"{"type":"turn_aborted","reason":"interrupted","turn_id":"t1"}"#,
        )
        + &out(4, "c1", "aborted");
    let (events, _) = read(&text);
    assert!(
        events
            .iter()
            .any(|e| matches!(e.kind, EventKind::Interrupt { during_tool: true }))
    );
    assert_eq!(results(&events), vec![(6, Outcome::Interrupted, false)]);
}

#[test]
fn cumulative_tokens_become_one_model_call_per_increase() {
    let tc = |t: u32, total: u64, out: u64, last_in: u64| {
        ev(
            t,
            &format!(
                r#"{{"type":"token_count","info":{{"total_token_usage":{{"input_tokens":{total},"cached_input_tokens":0,"output_tokens":{out},"total_tokens":{}}},"last_token_usage":{{"input_tokens":{last_in},"cached_input_tokens":100,"output_tokens":5,"total_tokens":1}},"model_context_window":258400}},"rate_limits":null}}"#,
                total + out
            ),
        )
    };
    let text = meta(0)
        + &line(1, "turn_context", r#"{"model":"gpt-5.3-codex"}"#)
        + &tc(2, 1000, 50, 1000)
        + &tc(3, 1000, 50, 1000)
        + &ev(4, r#"{"type":"token_count","info":null,"rate_limits":{}}"#)
        + &tc(5, 3000, 80, 2000);
    let (events, _) = read(&text);
    let calls: Vec<(u64, u64, u64, Option<u64>)> = events
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::ModelCall(m) => Some((
                m.output_tokens,
                m.input_tokens,
                m.cache_read_tokens,
                m.window,
            )),
            _ => None,
        })
        .collect();
    assert_eq!(
        calls,
        vec![
            (50, 900, 100, Some(258_400)),
            (30, 1900, 100, Some(258_400))
        ]
    );
}

#[test]
fn compaction_is_automatic_inside_a_prompted_turn_and_counted_once() {
    let text = meta(0)
        + &user(1, "big job")
        + &task(1, "task_started")
        + &line(2, "compacted", r#"{"message":"","replacement_history":[]}"#)
        + &ev(3, r#"{"type":"context_compacted"}"#)
        + &task(4, "task_complete")
        + &task(5, "task_started")
        + &ev(6, r#"{"type":"context_compacted"}"#)
        + &task(7, "task_complete");
    let (events, _) = read(&text);
    let c: Vec<bool> = events
        .iter()
        .filter_map(|e| match e.kind {
            EventKind::Compaction { auto, .. } => Some(auto),
            _ => None,
        })
        .collect();
    assert_eq!(c, vec![true, false]);
}

#[test]
fn a_sub_agent_file_is_all_the_agents_work_and_no_prompt() {
    let text = meta(0)
        + &user(1, "the delegated task")
        + &exec(2, "c1", "ls")
        + &out(3, "c1", "Exit code: 0");
    let (events, _) = read_as(&text, Role::Agent("019c-child"));
    assert!(prompts(&events).is_empty());
    assert!(
        events
            .iter()
            .all(|e| e.agent.as_deref() == Some("019c-child"))
    );
    assert_eq!(results(&events).len(), 1);
}

#[test]
fn bad_lines_are_counted_skips() {
    let text = meta(0)
        + "{broken json\n"
        + "[1,2]\n"
        + "{\"timestamp\":\"x\",\"payload\":{}}\n"
        + &line(1, "future_record", "{}")
        + &ev(2, r#"{"type":"brand_new_event"}"#)
        + "\n"
        + &line(3, "session_meta", r#""[trimmed for fixture]""#)
        + &ev(
            4,
            r#"{"type":"exec_command_end","call_id":"[trimmed for fixture]","exit_code":"[trimmed for fixture]"}"#,
        );
    let (_, stats) = read(&text);
    assert_eq!(stats.skipped.get(&SkipReason::InvalidJson), Some(&1));
    assert_eq!(stats.skipped.get(&SkipReason::NotAnObject), Some(&1));
    assert_eq!(stats.skipped.get(&SkipReason::NoType), Some(&1));
    assert_eq!(stats.skipped.get(&SkipReason::UnknownType), Some(&1));
    assert_eq!(stats.skipped_total(), 4);
    assert_eq!(
        stats.unknown_types.get("event_msg.brand_new_event"),
        Some(&1)
    );
    assert_eq!(stats.blank, 1);
}

#[test]
fn code_mode_commands_are_checks() {
    let script = serde_json::to_string(
        r#"const r = await tools.exec_command({cmd: "pytest -q"}); text(r.output);"#,
    )
    .unwrap();
    let text = meta(0)
        + &user(1, "test it")
        + &item(
            2,
            &format!(
                r#"{{"type":"custom_tool_call","name":"exec","input":{script},"call_id":"x1"}}"#
            ),
        )
        + &item(
            3,
            r#"{"type":"custom_tool_call_output","call_id":"x1","output":"Process exited with code 1\nOutput:\n1 failed"}"#,
        );
    let (events, _) = read(&text);
    let check = events.iter().find_map(|e| match &e.kind {
        EventKind::Action(a) => a.check,
        _ => None,
    });
    assert_eq!(check, Some(CheckKind::Test));
    assert_eq!(results(&events), vec![(4, Outcome::Error, true)]);
}

#[test]
fn meta_names_the_parent_of_forks_and_sub_agents() {
    let fork = br#"{"timestamp":"t","type":"session_meta","payload":{"id":"child","forked_from_id":"parent","cwd":"/w"}}"#;
    assert_eq!(
        super::meta(fork),
        Some(Meta {
            id: Some("child".into()),
            parent: Some("parent".into()),
            cwd: Some("/w".into())
        })
    );
    let spawn = br#"{"type":"session_meta","payload":{"id":"kid","source":{"subagent":{"thread_spawn":{"parent_thread_id":"p2","depth":1}}}}}"#;
    assert_eq!(
        super::meta(spawn).and_then(|m| m.parent).as_deref(),
        Some("p2")
    );
    let plain = br#"{"type":"session_meta","payload":{"id":"main","source":"cli"}}"#;
    assert_eq!(super::meta(plain).and_then(|m| m.parent), None);
    assert_eq!(super::meta(br#"{"type":"event_msg","payload":{}}"#), None);
}
