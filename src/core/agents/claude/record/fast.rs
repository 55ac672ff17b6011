//! The top level of a line read without serde's visitor: each value's extent found by
//! [`json_skip`](crate::core::json_skip), plain values taken as they stand, the rest handed to
//! serde one value at a time.
//!
//! The big top-level values (`toolUseResult`, a quarter of a transcript's bytes) are then only
//! scanned for their end, at several times serde's skipping speed. The result is the [`Record`]
//! serde would build, or `None` wherever this reader is not sure: a key with an escape, anything
//! `json_skip` defers, a value serde itself rejects, text after the object. The caller then
//! parses the line with serde, which decides and words any error, so a line is never read
//! differently, only faster.

use std::borrow::Cow;

use super::{
    Block, Content, Json, KNOWN_IGNORED, LBool, LCompact, LMessage, LStr, LU64, Message, ObjOr,
    Record, Slot, Usage,
};
use crate::core::json_skip::{self, Seen, entries, skip_ws, value, value_end};

/// The line's record, where the fast reading is sure to agree with serde's (see the module docs).
#[must_use]
pub fn record(text: &str) -> Option<Record<'_>> {
    let b = text.as_bytes();
    let mut r = Record::default();
    let end = entries(text, skip_ws(b, 0), |key, i| {
        fill(r.slot(key), key, text, i)
    })?;
    (skip_ws(b, end) == b.len()).then_some(r)
}

/// Serde reads the message where it stands and says where it ended (one pass).
fn serde_message(text: &str, i: usize) -> Option<(Option<Message<'_>>, usize)> {
    let mut values = serde_json::Deserializer::from_str(text.get(i..)?).into_iter::<LMessage<'_>>();
    let m = values.next()?.ok()?.0;
    Some((m, i + values.byte_offset()))
}

/// The message object at `i` as serde's derived reader builds it, or `None` to let serde read it
/// (anything but an object, a duplicate field, which the derived reader rejects, or any value
/// this reader is not sure of).
fn message(text: &str, i: usize) -> Option<(Option<Message<'_>>, usize)> {
    let mut m = Message::default();
    let mut seen = Seen::default();
    let end = entries(text, i, |key, i| {
        seen.first(key, &["id", "model", "content", "usage", "stop_reason"])?;
        if key == "content" && text.as_bytes().get(i) == Some(&b'[') {
            let (blocks, end) = blocks(text, i)?;
            m.content = Content::Blocks(blocks);
            return Some(end);
        }
        let (v, plain) = value(text, i)?;
        match key {
            "id" => m.id = lenient_str(v, plain)?,
            "model" => m.model = lenient_str(v, plain)?,
            "stop_reason" => m.stop_reason = lenient_str(v, plain)?,
            "content" => m.content = content(v, plain)?,
            "usage" => m.usage = usage(v)?,
            _ => {}
        }
        Some(i + v.len())
    })?;
    Some((Some(m), end))
}

/// A content list at `i`: its blocks (elements that are not objects are skipped, as serde's
/// `ObjOr` does once it has read them; only plain ones are skipped here).
fn blocks(text: &str, i: usize) -> Option<(Vec<Block<'_>>, usize)> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut j = skip_ws(b, i + 1);
    if b.get(j) == Some(&b']') {
        return Some((out, j + 1));
    }
    loop {
        match b.get(j)? {
            b'{' => {
                let (block, end) = block(text, j)?;
                out.push(block);
                j = end;
            }
            // Lists are skipped unread by serde too.
            b'[' => j = value_end(b, j)?,
            _ => {
                let (v, plain) = value(text, j)?;
                if !plain && !matches!(v, "true" | "false" | "null") {
                    return None;
                }
                j += v.len();
            }
        }
        j = skip_ws(b, j);
        match b.get(j)? {
            b',' => j = skip_ws(b, j + 1),
            b']' => return Some((out, j + 1)),
            _ => return None,
        }
    }
}

/// One content block at `i`, as serde's derived reader builds it.
fn block(text: &str, i: usize) -> Option<(Block<'_>, usize)> {
    const FIELDS: [&str; 8] = [
        "type",
        "text",
        "id",
        "name",
        "input",
        "tool_use_id",
        "content",
        "is_error",
    ];
    let mut k = Block::default();
    let end = json_skip::fields(text, i, &FIELDS, |key, v, plain| {
        match key {
            "type" => k.kind = lenient_str(v, plain)?,
            "text" => k.text = lenient_str(v, plain)?,
            "id" => k.id = lenient_str(v, plain)?,
            "name" => k.name = lenient_str(v, plain)?,
            "tool_use_id" => k.tool_use_id = lenient_str(v, plain)?,
            "input" => k.input = Json::of(v),
            "content" => k.content = Json::of(v),
            "is_error" => k.is_error = bool_value(v)?,
            _ => {}
        }
        Some(())
    })?;
    Some((k, end))
}

/// Reads the value at `i` into its slot and returns the index after it; `None` where serde
/// rejected it.
fn fill<'a>(slot: Slot<'_, 'a>, key: &'a str, text: &'a str, i: usize) -> Option<usize> {
    if let Slot::Message(f) = slot {
        let (m, end) = message(text, i).or_else(|| serde_message(text, i))?;
        *f = m;
        return Some(end);
    }
    let (v, plain) = value(text, i)?;
    match slot {
        Slot::Str(f) => *f = lenient_str(v, plain)?,
        Slot::Bool(f) => *f = bool_value(v)?,
        Slot::U64(f) => *f = serde_json::from_str::<LU64>(v).ok()?.0,
        Slot::Raw(f) => *f = Json::of(v),
        Slot::Compact(f) => *f = serde_json::from_str::<LCompact>(v).ok()?.0,
        Slot::Other(unknown) => {
            if !KNOWN_IGNORED.contains(&key) {
                unknown.push(Cow::Borrowed(key));
            }
        }
        // Read above.
        Slot::Message(_) => {}
    }
    Some(i + v.len())
}

/// A lenient string: `null` and booleans absent; a string as it stands or unescaped here (a
/// copy fewer than serde makes); what that leaves (a lone surrogate) and anything else (numbers,
/// which serde checks for range) read by serde. The outer `None` means serde rejected it.
fn lenient_str(v: &str, plain: bool) -> Option<Option<Cow<'_, str>>> {
    let serde = || serde_json::from_str::<LStr<'_>>(v).ok().map(|s| s.0);
    match v.as_bytes() {
        b"null" | b"true" | b"false" => Some(None),
        [b'"', ..] => json_skip::optional_text(v, plain).or_else(serde),
        _ => serde(),
    }
}

/// A message's usage; the outer `None` means serde rejected it.
fn usage(v: &str) -> Option<Option<Usage>> {
    counts(v)
        .map(Some)
        .or_else(|| Some(serde_json::from_str::<ObjOr<Usage>>(v).ok()?.0))
}

/// The four token counts of a usage object, where each is plain digits that fit (the usual
/// case); `None` leaves the object to serde.
fn counts(v: &str) -> Option<Usage> {
    const FIELDS: [&str; 4] = [
        "input_tokens",
        "output_tokens",
        "cache_creation_input_tokens",
        "cache_read_input_tokens",
    ];
    let mut u = Usage::default();
    let end = json_skip::fields(v, 0, &FIELDS, |key, n, _| {
        let count = match key {
            "input_tokens" => &mut u.input_tokens,
            "output_tokens" => &mut u.output_tokens,
            "cache_creation_input_tokens" => &mut u.cache_creation_input_tokens,
            "cache_read_input_tokens" => &mut u.cache_read_input_tokens,
            _ => return Some(()),
        };
        *count = digits(n)?;
        Some(())
    })?;
    (end == v.len()).then_some(u)
}

/// A JSON number that is only digits, without a leading zero, as a `u64` (`None` if it does not
/// fit or is any other number).
fn digits(n: &str) -> Option<u64> {
    let b = n.as_bytes();
    let plain = !b.is_empty() && b.iter().all(u8::is_ascii_digit) && (b.len() == 1 || b[0] != b'0');
    if plain { n.parse().ok() } else { None }
}

/// A message's content that is not a list: a string as its text, anything else read by serde.
fn content(v: &str, plain: bool) -> Option<Content<'_>> {
    if v.starts_with('"')
        && let Some(Some(text)) = lenient_str(v, plain)
    {
        return Some(Content::Text(text));
    }
    serde_json::from_str::<Content<'_>>(v).ok()
}

/// A lenient boolean: `true` and `false` as they are, `null` false, anything else read by serde.
fn bool_value(v: &str) -> Option<bool> {
    match v {
        "true" => Some(true),
        "false" | "null" => Some(false),
        _ => serde_json::from_str::<LBool>(v).ok().map(|b| b.0),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Both readers' records, as their debug text (the record has no `PartialEq`).
    fn both(line: &str) -> (Option<String>, Option<String>) {
        let fast = record(line).map(|r| format!("{r:?}"));
        let serde = serde_json::from_str::<Record<'_>>(line)
            .ok()
            .map(|r| format!("{r:?}"));
        (fast, serde)
    }

    fn agrees(line: &str) -> bool {
        let (fast, serde) = both(line);
        fast.is_none() || fast == serde
    }

    #[test]
    fn reads_plain_lines_as_serde_does() {
        let lines = [
            r#"{"type":"user","message":{"role":"user","content":"hi"},"uuid":"u1","timestamp":"2026-01-01T00:00:00Z","isSidechain":false}"#,
            r#"{"parentUuid":null,"type":"assistant","message":{"model":"m","id":"msg_1","content":[{"type":"tool_use","id":"t1","name":"Bash","input":{"command":"ls"}}],"usage":{"input_tokens":3}},"toolUseResult":{"stdout":"a\nb","interrupted":false},"brandNew":1}"#,
            r#" { "type" : "system" , "subtype" : "x" , "durationMs" : 12 , "isMeta" : true } "#,
            r#"{"type":"user","toolUseResult":null,"content":"Error: \"boom\"","apiErrorStatus":529}"#,
            "{}",
        ];
        for l in lines {
            let (fast, serde) = both(l);
            assert!(fast.is_some(), "plain line read: {l}");
            assert_eq!(fast, serde, "{l}");
        }
    }

    #[test]
    fn defers_whatever_it_is_not_sure_of() {
        for l in [
            r#"{"ty\u0070e":"user"}"#,
            r#"{"type":"user"} trailing"#,
            r#"{"type":"user",}"#,
            r#"{"type":"us\u00e9r"}"#,
            r#"{"isMeta":"\uD800"}"#,
            r#"{"durationMs":1e999}"#,
            r#"{"message":{"id":1,"id":2}}"#,
            r#"["not an object"]"#,
            r#"{"type":"user""#,
        ] {
            assert!(agrees(l), "{l}");
        }
        // Escapes in a string field are read by serde, so they match; a bad surrogate in a field
        // serde unescapes fails both ways.
        assert_eq!(
            both(r#"{"type":"us\u00e9r"}"#).0,
            both(r#"{"type":"us\u00e9r"}"#).1
        );
        assert_eq!(both(r#"{"isMeta":"\uD800"}"#), (None, None));
    }

    #[test]
    fn duplicate_keys_and_odd_types_as_serde_has_them() {
        for l in [
            r#"{"type":"a","type":"b","zzz":1,"zzz":2}"#,
            r#"{"type":7,"isMeta":"yes","uuid":[1],"isSidechain":{"a":1},"toolUseResult":"text"}"#,
            r#"{"apiErrorStatus":-1,"durationMs":2.5,"compactMetadata":{"trigger":"auto","preTokens":9}}"#,
        ] {
            let (fast, serde) = both(l);
            assert!(fast.is_some(), "{l}");
            assert_eq!(fast, serde, "{l}");
        }
    }

    #[test]
    fn messages_and_blocks_as_serde_has_them() {
        let msg = |m: &str| format!(r#"{{"type":"assistant","message":{m}}}"#);
        for m in [
            r#"{"id":"a","content":[{"type":"text","text":"t"},"bare",null,[1,[2]],{"type":"tool_use","id":"x","name":"Bash","input":{"command":"ls"}}]}"#,
            r#"{"content":[{"type":"tool_result","tool_use_id":"x","content":"out\n\"q\"","is_error":true}],"usage":{"input_tokens":5,"output_tokens":"7"}}"#,
            r#"{"content":"plain text","stop_reason":null,"model":"m","role":"user"}"#,
            r#"{"content":"esc\u00e9aped","usage":[1],"extra":{"deep":[{"a":"b"}]}}"#,
            r#"{"content":{"an":"object"}}"#,
            r#"{"content":7}"#,
            r#""a message that is a string""#,
            r#"{"content":[{"type":"text","text":"a","text":"b"}]}"#,
            r#"{"id":"a","id":"b"}"#,
            r#"{"content":["esc\u00e9"]}"#,
            r#"{"content":[12]}"#,
            r#"{"content":[1e999]}"#,
            r#"{"content":[{"is_error":"yes","input":null,"content":null}]}"#,
            r#"{"content":"line one\nline \"two\" \uD83D\uDE00"}"#,
            r#"{"content":"lone \uDE00"}"#,
            r#"{"content":[{"type":"text","text":"a\tb\\c"}],"usage":{"input_tokens":3,"output_tokens":4,"service_tier":"x"}}"#,
        ] {
            let line = msg(m);
            let (fast, serde) = both(&line);
            assert!(
                fast.is_none() || fast == serde,
                "{line}: {fast:?} vs {serde:?}"
            );
            // Everything here but a rejected line is read, by the fast reader or its serde step.
            assert_eq!(fast.is_some(), serde.is_some(), "{line}");
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(1500))]
        /// Messages assembled from block pieces of every shape.
        #[test]
        fn never_reads_a_message_differently(
            blocks in proptest::collection::vec(prop_oneof![
                Just(r#"{"type":"text","text":"hi"}"#), Just(r#"{"type":"text","text":"a\nb"}"#),
                Just(r#"{"type":"tool_use","id":"t","name":"Edit","input":{"old_string":"x\ty","new_string":"z"}}"#),
                Just(r#"{"type":"tool_result","tool_use_id":"t","content":[{"type":"text","text":"r"}],"is_error":false}"#),
                Just(r#"{"id":"a","id":"b"}"#), Just(r#""bare""#), Just(r#""\uD800""#), Just("3"),
                Just("[]"), Just("null"), Just(r#"{"text":"\uDE00"}"#), Just(r#"{"is_error":1e999}"#),
                Just(r#"{"input":"\q"}"#),
            ], 0..6),
            extra in prop_oneof![
                Just(""), Just(r#","usage":{"input_tokens":1}"#), Just(r#","id":"m","id":"n""#),
                Just(r#","stop_reason":"end_turn""#), Just(r#","model":7"#),
                Just(r#","usage":{"input_tokens":12,"output_tokens":0,"cache_read_input_tokens":99,"cache_creation_input_tokens":7,"service_tier":"standard","server_tool_use":{"web_search_requests":0}}"#),
                Just(r#","usage":{"output_tokens":"7","input_tokens":null}"#),
                Just(r#","usage":{"input_tokens":18446744073709551616}"#),
                Just(r#","usage":{"input_tokens":18446744073709551615}"#),
                Just(r#","usage":{"input_tokens":1,"input_tokens":2}"#),
                Just(r#","usage":{"input_tokens":-1,"output_tokens":2.5,"cache_read_input_tokens":1e3}"#),
                Just(r#","usage":[1]"#), Just(r#","usage":null"#), Just(r#","usage":{"input_tokens":01}"#),
                Just(r#","model":"a\nb\u00e9""#), Just(r#","model":"\uD800""#),
            ],
        ) {
            let line = format!(r#"{{"type":"assistant","message":{{"content":[{}]{extra}}}}}"#, blocks.join(","));
            let (fast, serde) = both(&line);
            prop_assert!(fast.is_none() || fast == serde, "{}: {:?} vs {:?}", line, fast, serde);
            prop_assert_eq!(fast.is_some(), serde.is_some(), "{}", line);
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(1500))]
        /// Lines assembled from known keys and values of every shape, well-formed and not.
        #[test]
        fn never_reads_a_line_differently(
            pairs in proptest::collection::vec((
                prop_oneof![
                    Just("type"), Just("isMeta"), Just("toolUseResult"), Just("message"),
                    Just("durationMs"), Just("compactMetadata"), Just("novel"), Just("data"),
                    Just("content"), Just("t\\u0079pe"),
                ],
                prop_oneof![
                    Just("\"user\""), Just("\"a\\\"b\\nc\""), Just("\"\\uD83D\\uDE00\""),
                    Just("\"\\uDE00\""), Just("true"), Just("null"), Just("12"), Just("-1.5e3"),
                    Just("1e999"), Just("[1,{\"x\":[]}]"), Just("{\"content\":\"hi\",\"id\":\"m\"}"),
                    Just("{\"content\":[{\"type\":\"text\",\"text\":\"t\"}],\"id\":1,\"id\":2}"),
                    Just("{\"trigger\":\"manual\"}"), Just("\"bad\\q\""), Just("01"), Just("[1,]"),
                ],
            ), 0..8),
            sep in prop_oneof![Just(","), Just(" , "), Just(",\n")],
            tail in prop_oneof![Just(""), Just(" "), Just("x"), Just(",")],
        ) {
            let body: Vec<String> = pairs.iter().map(|(k, v)| format!("\"{k}\":{v}")).collect();
            let line = format!("{{{}}}{tail}", body.join(sep));
            let (fast, serde) = both(&line);
            prop_assert!(fast.is_none() || fast == serde, "{}: {:?} vs {:?}", line, fast, serde);
        }
    }
}
