use super::*;
use crate::core::agents::{Format, Reader as AnyReader};

fn read(format: Format, text: &str) -> (Vec<Event>, ParseStats) {
    let mut r = AnyReader::new(format, Role::Main);
    let mut events = Vec::new();
    let mut rest = text.as_bytes();
    while !rest.is_empty() {
        let step = r.feed_record(rest, &mut events);
        rest = &rest[step.consumed..];
    }
    r.finish(&mut events);
    (events, r.into_stats())
}

const HEADER: &str = r#"{"sessionId":"g-1","projectHash":"abc","startTime":"2026-05-01T10:00:00.000Z","lastUpdated":"2026-05-01T10:00:00.000Z","kind":"main"}"#;

fn user(id: &str, t: u32, text: &str) -> String {
    format!(
        r#"{{"id":"{id}","timestamp":"2026-05-01T10:00:{t:02}.000Z","type":"user","content":[{{"text":"{text}"}}]}}"#
    )
}

fn reply(id: &str, t: u32, calls: &str) -> String {
    format!(
        r#"{{"id":"{id}","timestamp":"2026-05-01T10:00:{t:02}.000Z","type":"gemini","content":"On it.","model":"gemini-3-flash-preview","tokens":{{"input":1000,"output":80,"cached":200,"thoughts":0,"tool":0,"total":1080}},"toolCalls":[{calls}]}}"#
    )
}

fn shell(id: &str, command: &str, output: &str, status: &str) -> String {
    format!(
        r#"{{"id":"{id}","name":"run_shell_command","args":{{"command":"{command}"}},"result":[{{"functionResponse":{{"id":"{id}","name":"run_shell_command","response":{{"output":"{output}"}}}}}}],"status":"{status}"}}"#
    )
}

fn kinds(events: &[Event]) -> Vec<&'static str> {
    events
        .iter()
        .map(|e| match &e.kind {
            EventKind::Context(_) => "context",
            EventKind::Prompt(_) => "prompt",
            EventKind::ModelCall(_) => "model",
            EventKind::AgentText(_) => "text",
            EventKind::Action(_) => "action",
            EventKind::Result(_) => "result",
            EventKind::Interrupt { .. } => "interrupt",
            _ => "other",
        })
        .collect()
}

#[test]
fn the_last_copy_of_a_message_wins() {
    let text = [
        HEADER.to_owned(),
        user("u1", 1, "run the tests"),
        r#"{"$set":{"lastUpdated":"2026-05-01T10:00:02.000Z"}}"#.to_owned(),
        // The reply as first written (its call still running), then again when it finished.
        reply("g1", 2, &shell("c1", "npm test", "", "executing")),
        reply(
            "g1",
            3,
            &shell("c1", "npm test", "1 failing\\nExit Code: 1", "success"),
        ),
        user("u2", 4, "why"),
    ]
    .join("\n")
        + "\n";
    let (events, stats) = read(Format::Gemini, &text);
    assert_eq!(stats.skipped_total(), 0);
    assert_eq!(
        kinds(&events),
        [
            "context", "prompt", "model", "text", "action", "result", "prompt"
        ]
    );
    let result = events.iter().find_map(|e| match &e.kind {
        EventKind::Result(r) => Some((e.line.0, r.outcome.clone(), r.check_failed)),
        _ => None,
    });
    assert_eq!(
        result,
        Some((5, Outcome::Error, true)),
        "from the last copy, at its line"
    );
    let model = events.iter().find_map(|e| match &e.kind {
        EventKind::ModelCall(m) => Some((m.input_tokens, m.cache_read_tokens, m.output_tokens)),
        _ => None,
    });
    assert_eq!(model, Some((800, 200, 80)));
}

#[test]
fn edits_cancelled_calls_interrupts_and_bad_lines() {
    let edit = r#"{"id":"e1","name":"replace","args":{"file_path":"/w/a.py","old_string":"x = 1","new_string":"x = 2\ny = 3"},"status":"success"}"#;
    let stop = r#"{"id":"s1","name":"run_shell_command","args":{"command":"sleep 9"},"status":"cancelled"}"#;
    let text = [
        HEADER.to_owned(),
        user("u1", 1, "edit"),
        reply("g1", 2, &format!("{edit},{stop}")),
        r#"{"id":"i1","timestamp":"2026-05-01T10:00:03.000Z","type":"info","content":"Request cancelled."}"#.to_owned(),
        "{broken".to_owned(),
        r#"{"id":"x","content":"no type"}"#.to_owned(),
    ]
    .join("\n");
    let (events, stats) = read(Format::Gemini, &text);
    let r: Vec<(Outcome, u32, u32)> = events
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::Result(r) => Some((r.outcome.clone(), r.lines_added, r.lines_removed)),
            _ => None,
        })
        .collect();
    assert_eq!(r, vec![(Outcome::Ok, 2, 1), (Outcome::Interrupted, 0, 0)]);
    assert!(kinds(&events).contains(&"interrupt"));
    assert_eq!(stats.skipped.get(&SkipReason::InvalidJson), Some(&1));
    assert_eq!(stats.skipped.get(&SkipReason::NoType), Some(&1));
}

#[test]
fn the_whole_file_json_is_read_when_complete_with_each_message_at_its_line() {
    let doc = format!(
        "{{\n  \"sessionId\": \"g-old\",\n  \"projectHash\": \"abc\",\n  \"messages\": [\n    {},\n    {}\n  ]\n}}\n",
        user("u1", 1, "list files"),
        reply("g1", 2, &shell("c1", "ls", "a\\nExit Code: 0", "success")),
    );
    let (events, stats) = read(Format::GeminiJson, &doc);
    assert_eq!(stats.skipped_total(), 0, "{stats:?}");
    let lines: Vec<(&str, u64)> = kinds(&events)
        .into_iter()
        .zip(events.iter().map(|e| e.line.0))
        .collect();
    assert_eq!(
        lines,
        [
            ("context", 1),
            ("prompt", 5),
            ("model", 6),
            ("text", 6),
            ("action", 6),
            ("result", 6)
        ]
    );
    // Incomplete (being rewritten): nothing yet, and a counted skip at the end.
    let (events, stats) = read(Format::GeminiJson, &doc[..doc.len() / 2]);
    assert!(events.is_empty());
    assert_eq!(stats.skipped.get(&SkipReason::InvalidJson), Some(&1));
    assert_eq!(session_id(doc.as_bytes()).as_deref(), Some("g-old"));
    assert_eq!(session_id(HEADER.as_bytes()).as_deref(), Some("g-1"));
}
