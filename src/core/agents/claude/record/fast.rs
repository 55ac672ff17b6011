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

use super::{Json, KNOWN_IGNORED, LBool, LCompact, LMessage, LStr, LU64, Record, Slot};
use crate::core::json_skip::{skip_ws, string_span, value_end};

/// The line's record, where the fast reading is sure to agree with serde's (see the module docs).
#[must_use]
pub fn record(text: &str) -> Option<Record<'_>> {
    let b = text.as_bytes();
    let mut r = Record::default();
    let mut i = skip_ws(b, 0);
    if b.get(i) != Some(&b'{') {
        return None;
    }
    i = skip_ws(b, i + 1);
    if b.get(i) == Some(&b'}') {
        i += 1;
    } else {
        loop {
            let (key_end, escapes) = string_span(b, i)?;
            if escapes {
                return None;
            }
            let key = text.get(i + 1..key_end - 1)?;
            i = skip_ws(b, key_end);
            if b.get(i) != Some(&b':') {
                return None;
            }
            i = skip_ws(b, i + 1);
            let mut slot = r.slot(key);
            if let Slot::Message(f) = &mut slot {
                // Serde reads the message where it stands and says where it ended: one pass.
                let mut values =
                    serde_json::Deserializer::from_str(text.get(i..)?).into_iter::<LMessage<'_>>();
                **f = values.next()?.ok()?.0;
                i = skip_ws(b, i + values.byte_offset());
            } else {
                let (end, plain) = if b.get(i) == Some(&b'"') {
                    string_span(b, i).map(|(end, escapes)| (end, !escapes))?
                } else {
                    (value_end(b, i)?, false)
                };
                let v = text.get(i..end)?;
                fill(slot, key, v, plain)?;
                i = skip_ws(b, end);
            }
            match b.get(i)? {
                b',' => i = skip_ws(b, i + 1),
                b'}' => {
                    i += 1;
                    break;
                }
                _ => return None,
            }
        }
    }
    (skip_ws(b, i) == b.len()).then_some(r)
}

/// Puts one value in its slot; `None` where serde rejected it.
fn fill<'a>(slot: Slot<'_, 'a>, key: &'a str, v: &'a str, plain: bool) -> Option<()> {
    match slot {
        Slot::Str(f) if plain => *f = Some(Cow::Borrowed(&v[1..v.len() - 1])),
        Slot::Str(f) => *f = str_value(v)?,
        Slot::Bool(f) => *f = bool_value(v)?,
        Slot::U64(f) => *f = serde_json::from_str::<LU64>(v).ok()?.0,
        Slot::Raw(f) => *f = (v != "null").then_some(Json(v)),
        Slot::Message(f) => *f = serde_json::from_str::<LMessage<'_>>(v).ok()?.0,
        Slot::Compact(f) => *f = serde_json::from_str::<LCompact>(v).ok()?.0,
        Slot::Other(unknown) => {
            if !KNOWN_IGNORED.contains(&key) {
                unknown.push(Cow::Borrowed(key));
            }
        }
    }
    Some(())
}

/// A lenient string that is not a plain one: `null` and booleans absent; anything else (escapes,
/// whose surrogates serde checks when it unescapes; numbers, which it checks for range) is read
/// by serde. The outer `None` means serde rejected it.
fn str_value(v: &str) -> Option<Option<Cow<'_, str>>> {
    match v.as_bytes() {
        b"null" | b"true" | b"false" => Some(None),
        _ => serde_json::from_str::<LStr<'_>>(v).ok().map(|s| s.0),
    }
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
