//! `ringside score --json` against the server's own record of what it sent, and helpers that
//! find the transcript lines holding a given reply or tool result.

use serde_json::Value;

use std::collections::BTreeSet;

use super::server::{Log, START_OUTPUT_TOKENS, Sent, Thread};

/// Figures of a set of replies, as ringside should count them.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Figures {
    pub model_calls: u64,
    pub tool_calls: u64,
    pub tool_errors: u64,
    pub output_tokens: u64,
}

pub fn figures<'a>(log: &Log, sent: impl Iterator<Item = &'a Sent>) -> Figures {
    let mut f = Figures::default();
    for s in sent {
        f.model_calls += 1;
        // A stream the client hung up on carries the usage of its `message_start` only.
        f.output_tokens += if s.aborted {
            START_OUTPUT_TOKENS
        } else {
            s.output_tokens
        };
        f.tool_calls += s.tools.len() as u64;
        f.tool_errors += s
            .tools
            .iter()
            .filter(|(id, _)| log.results.get(id).copied().unwrap_or(false))
            .count() as u64;
    }
    f
}

/// The message ids of a transcript's assistant lines.
pub fn written_ids(lines: &[Value]) -> BTreeSet<String> {
    lines
        .iter()
        .filter(|l| l["type"] == "assistant")
        .filter_map(|l| l["message"]["id"].as_str().map(str::to_owned))
        .collect()
}

/// Where the client writes its own running cost (`cost-state`, 2.1.3xx), the output tokens it
/// counted over every model, sub-agents included: ringside's session and sub-agents together
/// must say the same.
pub fn assert_matches_client_cost(lines: &[Value], score: &Value) {
    let Some(cost) = lines.iter().rev().find(|l| l["type"] == "cost-state") else {
        return;
    };
    let client: u64 = cost["modelUsage"]
        .as_object()
        .map(|m| m.values().filter_map(|u| u["outputTokens"].as_u64()).sum())
        .unwrap_or(0);
    let ours = score["session"]["output_tokens"].as_u64().unwrap_or(0)
        + score["subagents"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|s| s["output_tokens"].as_u64())
            .sum::<u64>();
    assert_eq!(
        ours, client,
        "output tokens against the client's cost-state"
    );
}

pub fn figures_of(v: &Value) -> Figures {
    let n = |k: &str| {
        v[k].as_u64()
            .unwrap_or_else(|| panic!("{k} missing in {v}"))
    };
    Figures {
        model_calls: n("model_calls"),
        tool_calls: n("tool_calls"),
        tool_errors: n("tool_errors"),
        output_tokens: n("output_tokens"),
    }
}

/// Checks the session, each prompted turn (`turns[i]` lists the scripts answered in prompt
/// `i + 1`) and the sub-agents against the log.
pub fn assert_matches_server(log: &Log, score: &Value, turns: &[&[&str]]) {
    assert_matches_server_with(log, score, turns, &BTreeSet::new());
}

/// [`assert_matches_server`] where replies the client hung up on (Esc) count only when the
/// client wrote them (`written`: the message ids of the transcript's assistant lines). Claude
/// Code 2.1.197 writes no assistant line for a stream it aborted before the end; 2.1.332 writes
/// what had streamed, with the `message_start` usage.
pub fn assert_matches_server_with(
    log: &Log,
    score: &Value,
    turns: &[&[&str]],
    written: &BTreeSet<String>,
) {
    let main = || {
        log.sent
            .iter()
            .filter(|s| s.thread == Thread::Main && (!s.aborted || written.contains(&s.message_id)))
    };
    let session = &score["session"];
    for s in main() {
        assert_eq!(
            s.session.as_deref(),
            session["id"].as_str(),
            "every main-loop request came from the scored session"
        );
    }
    assert_eq!(
        figures_of(session),
        figures(log, main()),
        "session figures against the server's record"
    );
    assert_eq!(session["prompts"], turns.len(), "prompts");
    assert_eq!(
        log.prompts_seen
            .iter()
            .filter(|p| !p.starts_with("sub:"))
            .count(),
        turns.len(),
        "prompts the server saw: {:?}",
        log.prompts_seen
    );
    let prompted: Vec<&Value> = score["turns"]
        .as_array()
        .expect("turns")
        .iter()
        .filter(|t| t["number"].as_u64() > Some(0))
        .collect();
    assert_eq!(prompted.len(), turns.len(), "prompted turns");
    for (i, scripts) in turns.iter().enumerate() {
        let want = figures(
            log,
            main().filter(|s| s.script.is_some_and(|n| scripts.contains(&n))),
        );
        assert_eq!(
            figures_of(prompted[i]),
            want,
            "turn {} ({scripts:?})",
            i + 1
        );
    }
    let subs: Vec<&Value> = score["subagents"]
        .as_array()
        .expect("subagents")
        .iter()
        .filter(|s| s["compactor"] != true)
        .collect();
    let sub_sent: Vec<&Sent> = log
        .sent
        .iter()
        .filter(|s| s.thread == Thread::Sub)
        .collect();
    if sub_sent.is_empty() {
        assert!(subs.is_empty(), "no sub-agent was scripted: {subs:?}");
    } else {
        assert_eq!(subs.len(), 1, "one sub-agent: {subs:?}");
        assert_eq!(
            figures_of(subs[0]),
            figures(log, sub_sent.into_iter()),
            "sub-agent figures"
        );
    }
}

/// 1-based line of the user record carrying the result of tool call `id`.
pub fn result_line(lines: &[Value], id: &str) -> u64 {
    find(lines, |l| {
        l["type"] == "user"
            && l["message"]["content"]
                .as_array()
                .is_some_and(|bs| bs.iter().any(|b| b["tool_use_id"] == id))
    })
    .unwrap_or_else(|| panic!("no result for {id}"))
}

/// 1-based line of the assistant record carrying tool call `id`.
pub fn tool_use_line(lines: &[Value], id: &str) -> u64 {
    find(lines, |l| {
        l["type"] == "assistant"
            && l["message"]["content"]
                .as_array()
                .is_some_and(|bs| bs.iter().any(|b| b["id"] == id))
    })
    .unwrap_or_else(|| panic!("no tool_use {id}"))
}

/// 1-based lines of the assistant records of reply `message_id`.
pub fn reply_lines(lines: &[Value], message_id: &str) -> Vec<u64> {
    (0..lines.len())
        .filter(|&i| lines[i]["type"] == "assistant" && lines[i]["message"]["id"] == message_id)
        .map(|i| i as u64 + 1)
        .collect()
}

/// 1-based line of the `user` record whose text is `prompt`.
pub fn prompt_line(lines: &[Value], prompt: &str) -> u64 {
    find(lines, |l| {
        l["type"] == "user"
            && match &l["message"]["content"] {
                Value::String(s) => s == prompt,
                Value::Array(bs) => bs.iter().any(|b| b["text"] == prompt),
                _ => false,
            }
    })
    .unwrap_or_else(|| panic!("no user record {prompt:?}"))
}

fn find(lines: &[Value], f: impl Fn(&Value) -> bool) -> Option<u64> {
    lines.iter().position(f).map(|i| i as u64 + 1)
}

/// The signals of a turn, as (id, at_line).
pub fn signals(turn: &Value) -> Vec<(String, u64)> {
    turn["signals"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|s| {
            (
                s["id"].as_str().unwrap_or("").to_owned(),
                s["at_line"].as_u64().unwrap_or(0),
            )
        })
        .collect()
}

/// The tool ids the server sent for `script`, in order, with their tool names.
pub fn tools_of(log: &Log, script: &str) -> Vec<(String, String)> {
    log.sent
        .iter()
        .filter(|s| s.script == Some(script) && !s.aborted)
        .flat_map(|s| s.tools.clone())
        .collect()
}

/// The ids of `make test` calls the server sent for `script`, with whether each failed.
pub fn checks_of(log: &Log, script: &str, tool: &str) -> Vec<(String, bool)> {
    tools_of(log, script)
        .into_iter()
        .filter(|(_, n)| n == tool)
        .map(|(id, _)| {
            let failed = log.results.get(&id).copied().unwrap_or(false);
            (id, failed)
        })
        .collect()
}
