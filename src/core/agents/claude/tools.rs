//! Tool inputs and structured results: what an action targets, its signature, and what an edit
//! changed. Inputs are parsed lazily from `&RawValue`, only for the tools whose fields a rule uses.

use std::borrow::Cow;

use serde::Deserialize;
use serde_json::value::RawValue;

use super::super::common::{bare_action, one_line};
use super::record::{Json, LStr};
use crate::core::checks::{self, Bypass};
use crate::core::event::{Action, EditInfo, Tool, ToolResult};
use crate::core::hash::{Fnv, hash_words};

/// The input fields any tool we score may have. Unused ones stay `None`; big ones are raw.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Input<'a> {
    #[serde(borrow)]
    command: Option<Cow<'a, str>>,
    #[serde(borrow)]
    file_path: Option<Cow<'a, str>>,
    #[serde(borrow)]
    notebook_path: Option<Cow<'a, str>>,
    #[serde(borrow)]
    path: Option<Cow<'a, str>>,
    #[serde(borrow)]
    pattern: Option<Cow<'a, str>>,
    #[serde(borrow)]
    url: Option<Cow<'a, str>>,
    #[serde(borrow)]
    query: Option<Cow<'a, str>>,
    #[serde(borrow)]
    description: Option<Cow<'a, str>>,
    #[serde(borrow)]
    old_string: Option<Cow<'a, str>>,
    #[serde(borrow)]
    new_string: Option<Cow<'a, str>>,
    #[serde(borrow)]
    new_source: Option<Cow<'a, str>>,
    #[serde(borrow)]
    content: Option<Cow<'a, str>>,
    edits: Option<Vec<EditPair<'a>>>,
    offset: Option<serde_json::Number>,
    limit: Option<serde_json::Number>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct EditPair<'a> {
    #[serde(borrow)]
    old_string: Option<Cow<'a, str>>,
    #[serde(borrow)]
    new_string: Option<Cow<'a, str>>,
}

/// [`Input`] read without serde's derived visitor, where it is sure to agree with it: each
/// value's extent found by [`json_skip`](crate::core::json_skip), strings taken as they stand or
/// unescaped, the lists and numbers handed to serde one at a time. `None` (serde then reads the
/// whole input, and decides) for a duplicate field, a field of another type, odd syntax.
fn fast_input(text: &str) -> Option<Input<'_>> {
    use crate::core::json_skip;
    const FIELDS: [&str; 15] = [
        "command",
        "file_path",
        "notebook_path",
        "path",
        "pattern",
        "url",
        "query",
        "description",
        "old_string",
        "new_string",
        "new_source",
        "content",
        "edits",
        "offset",
        "limit",
    ];
    let mut p = Input::default();
    let end = json_skip::fields(text, 0, &FIELDS, |key, v, plain| {
        let field = match key {
            "command" => &mut p.command,
            "file_path" => &mut p.file_path,
            "notebook_path" => &mut p.notebook_path,
            "path" => &mut p.path,
            "pattern" => &mut p.pattern,
            "url" => &mut p.url,
            "query" => &mut p.query,
            "description" => &mut p.description,
            "old_string" => &mut p.old_string,
            "new_string" => &mut p.new_string,
            "new_source" => &mut p.new_source,
            "content" => &mut p.content,
            "edits" => {
                p.edits = serde_json::from_str(v).ok()?;
                return Some(());
            }
            "offset" => {
                p.offset = serde_json::from_str(v).ok()?;
                return Some(());
            }
            "limit" => {
                p.limit = serde_json::from_str(v).ok()?;
                return Some(());
            }
            _ => return Some(()),
        };
        *field = json_skip::optional_text(v, plain)?;
        Some(())
    })?;
    (end == text.len()).then_some(p)
}

/// Which family a tool name belongs to.
#[must_use]
pub fn tool_of(name: &str) -> Tool {
    match name {
        "Read" | "NotebookRead" | "LS" => Tool::Read,
        "Edit" | "MultiEdit" | "NotebookEdit" => Tool::Edit,
        "Write" => Tool::Write,
        // `PowerShell` is Claude Code's shell tool on Windows: its commands are checks and edits
        // like Bash's.
        "Bash" | "PowerShell" | "BashOutput" | "KillShell" | "KillBash" | "TaskOutput"
        | "TaskStop" => Tool::Bash,
        "Glob" | "Grep" | "ToolSearch" => Tool::Search,
        "WebFetch" | "WebSearch" => Tool::Web,
        "Task" | "Agent" => Tool::Task,
        "TodoWrite" | "TodoRead" | "TaskCreate" | "TaskUpdate" | "TaskList" | "TaskGet" => {
            Tool::Todo
        }
        "AskUserQuestion" => Tool::Ask,
        "ExitPlanMode" | "EnterPlanMode" => Tool::Plan,
        _ => Tool::Other,
    }
}

/// Builds the [`Action`] for one `tool_use` block.
#[must_use]
pub fn action(id: u64, name: &str, input: Option<Json<'_>>) -> Action {
    let tool = tool_of(name);
    let parsed: Input<'_> = input
        .and_then(|i| fast_input(i.get()).or_else(|| serde_json::from_str(i.get()).ok()))
        .unwrap_or_default();
    let mut a = bare_action(id, name, tool);
    let mut sig = Fnv::default();
    sig.write(name.as_bytes()).byte(0);
    match (tool, name) {
        (Tool::Bash, "Bash" | "PowerShell") => {
            let command = parsed.command.as_deref().unwrap_or("");
            let class = checks::classify_command(command);
            a.check = class.check;
            a.read_only = class.read_only;
            a.polling = class.polling;
            a.ships = class.ships;
            a.bypass = class.bypass;
            a.target = one_line(command);
            for w in command.split_whitespace() {
                sig.write(w.as_bytes()).byte(b' ');
            }
        }
        (Tool::Bash, _) => {
            // Output polling of background shells: exploration that legitimately repeats.
            a.read_only = true;
            a.polling = true;
            a.target = generic_target(input);
            write_canonical(&mut sig, input);
        }
        (Tool::Read, _) => {
            let path = parsed
                .file_path
                .as_deref()
                .or(parsed.notebook_path.as_deref())
                .or(parsed.path.as_deref());
            a.target = one_line(path.unwrap_or(""));
            sig.write(a.target.as_bytes()).byte(0);
            for n in [&parsed.offset, &parsed.limit] {
                sig.write(
                    n.as_ref()
                        .map(ToString::to_string)
                        .unwrap_or_default()
                        .as_bytes(),
                )
                .byte(0);
            }
        }
        (Tool::Edit | Tool::Write, _) => {
            let path = parsed
                .file_path
                .as_deref()
                .or(parsed.notebook_path.as_deref())
                .unwrap_or("");
            let (old, new) = edit_texts(&parsed, tool);
            a.target = one_line(path);
            a.bypass = if tool == Tool::Edit {
                checks::edit_bypass(path, &old, &new)
            } else {
                checks::write_bypass(path, &new)
            };
            let info = EditInfo {
                path: a.target.clone(),
                old: hash_words(old.as_bytes()),
                new: hash_words(new.as_bytes()),
                old_lines: EditInfo::line_hashes(&old),
                new_lines: EditInfo::line_hashes(&new),
                assert_literals: checks::assertion_literals(path, &old, &new),
            };
            sig.write(a.target.as_bytes())
                .byte(0)
                .write(&info.old.to_le_bytes())
                .write(&info.new.to_le_bytes());
            a.edit = Some(info);
        }
        (Tool::Search, _) => {
            let pattern = parsed.pattern.as_deref().unwrap_or("");
            let path = parsed.path.as_deref().unwrap_or("");
            a.target = one_line(&if path.is_empty() {
                pattern.to_owned()
            } else {
                format!("{pattern} in {path}")
            });
            write_canonical(&mut sig, input);
        }
        (Tool::Web, _) => {
            a.target = one_line(
                parsed
                    .url
                    .as_deref()
                    .or(parsed.query.as_deref())
                    .unwrap_or(""),
            );
            write_canonical(&mut sig, input);
        }
        (Tool::Ask, _) => {
            // A question whose text or options offer a way around a check (read once, kept
            // as a flag).
            a.target = generic_target(input);
            if input.is_some_and(|i| crate::core::classify::intent::intent(i.get()).is_some()) {
                a.bypass = Some(Bypass::Offered);
            }
            write_canonical(&mut sig, input);
        }
        (Tool::Task, _) => {
            a.target = one_line(parsed.description.as_deref().unwrap_or(""));
            write_canonical(&mut sig, input);
        }
        _ => {
            a.target = generic_target(input);
            write_canonical(&mut sig, input);
        }
    }
    a.sig = sig.finish();
    a
}

fn edit_texts<'a>(p: &'a Input<'a>, tool: Tool) -> (Cow<'a, str>, Cow<'a, str>) {
    if tool == Tool::Write {
        return (
            Cow::Borrowed(""),
            Cow::Borrowed(p.content.as_deref().unwrap_or("")),
        );
    }
    if let Some(edits) = &p.edits {
        let old: Vec<&str> = edits
            .iter()
            .filter_map(|e| e.old_string.as_deref())
            .collect();
        let new: Vec<&str> = edits
            .iter()
            .filter_map(|e| e.new_string.as_deref())
            .collect();
        return (Cow::Owned(old.join("\n")), Cow::Owned(new.join("\n")));
    }
    let new = p
        .new_string
        .as_deref()
        .or(p.new_source.as_deref())
        .unwrap_or("");
    (
        Cow::Borrowed(p.old_string.as_deref().unwrap_or("")),
        Cow::Borrowed(new),
    )
}

/// The top-level fields of an input object, in their order, values raw (not unescaped or
/// parsed: the target needs one short string, the signature only their text).
fn fields(input: Option<Json<'_>>) -> Vec<(Cow<'_, str>, &RawValue)> {
    struct Fields<'a>(Vec<(Cow<'a, str>, &'a RawValue)>);
    impl<'de: 'a, 'a> Deserialize<'de> for Fields<'a> {
        fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            struct V<'a>(std::marker::PhantomData<&'a ()>);
            impl<'de: 'a, 'a> serde::de::Visitor<'de> for V<'a> {
                type Value = Fields<'a>;
                fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                    f.write_str("an object")
                }
                fn visit_map<M: serde::de::MapAccess<'de>>(
                    self,
                    mut m: M,
                ) -> Result<Self::Value, M::Error> {
                    let mut v = Vec::new();
                    // Keys are strings (borrowed unless escaped); `LStr` is the record's reader.
                    while let Some((LStr(k), raw)) = m.next_entry::<LStr<'de>, &'de RawValue>()? {
                        v.push((k.unwrap_or_default(), raw));
                    }
                    Ok(Fields(v))
                }
            }
            d.deserialize_map(V(std::marker::PhantomData))
        }
    }
    input
        .and_then(|i| serde_json::from_str::<Fields<'_>>(i.get()).ok())
        .map(|f| f.0)
        .unwrap_or_default()
}

/// The first short string value of an input, for tools we do not know.
fn generic_target(input: Option<Json<'_>>) -> String {
    fields(input)
        .into_iter()
        .filter(|(_, v)| v.get().starts_with('"'))
        .find_map(|(_, v)| serde_json::from_str::<String>(v.get()).ok())
        .map(|s| one_line(&s))
        .unwrap_or_default()
}

/// Mixes an input into a signature: its fields sorted by key, volatile ones (description,
/// timeout, background) left out, each value by a hash of its JSON text.
fn write_canonical(sig: &mut Fnv, input: Option<Json<'_>>) {
    let mut f = fields(input);
    f.retain(|(k, _)| !matches!(&**k, "description" | "timeout" | "run_in_background"));
    f.sort_by(|a, b| a.0.cmp(&b.0));
    for (k, v) in f {
        sig.write(k.as_bytes())
            .byte(0)
            .write(&hash_words(v.get().as_bytes()).to_le_bytes());
    }
}

/// The fields of an edit's `toolUseResult` that [`count_patch`] reads.
#[derive(Debug, Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
struct Structured<'a> {
    #[serde(rename = "type", borrow)]
    kind: Option<Cow<'a, str>>,
    #[serde(borrow)]
    content: Option<Json<'a>>,
    #[serde(borrow)]
    structured_patch: Option<Vec<Hunk<'a>>>,
}

#[derive(Debug, Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
struct Hunk<'a> {
    #[serde(borrow)]
    lines: Vec<&'a RawValue>,
}

/// The three fields; with `fast`, first without serde visiting the rest (the original file, a
/// whole file's text, is then only scanned for its end), serde's derived reader deciding
/// wherever that reading is not sure.
fn structured(tur: &str, fast: bool) -> Option<Structured<'_>> {
    fn without_serde(tur: &str) -> Option<Structured<'_>> {
        use crate::core::json_skip::{fields, optional_text, skip_ws};
        let mut s = Structured::default();
        let names = ["type", "content", "structuredPatch"];
        let end = fields(tur, skip_ws(tur.as_bytes(), 0), &names, |key, v, plain| {
            match key {
                "type" => s.kind = optional_text(v, plain)?,
                "content" => s.content = Json::of(v),
                "structuredPatch" => s.structured_patch = serde_json::from_str(v).ok()?,
                _ => {}
            }
            Some(())
        })?;
        (skip_ws(tur.as_bytes(), end) == tur.len()).then_some(s)
    }
    fast.then(|| without_serde(tur))
        .flatten()
        .or_else(|| serde_json::from_str::<Structured<'_>>(tur).ok())
}

/// Counts `+`/`-` lines of a successful edit's `structuredPatch`, or the lines of a created file.
/// Neither the patch lines nor the file are unescaped: only their first character, and the
/// newlines, are looked at.
pub fn count_patch(tur: &str, r: &mut ToolResult) {
    let Some(s) = structured(tur, true) else {
        return;
    };
    let hunks = s.structured_patch.unwrap_or_default();
    if s.kind.as_deref() == Some("create") && hunks.is_empty() {
        let lines = s.content.map_or(0, |c| string_lines(c.get()));
        r.lines_added = u32::try_from(lines).unwrap_or(u32::MAX);
        return;
    }
    for h in &hunks {
        for l in &h.lines {
            let first = match l.get().as_bytes() {
                // A line that starts with a `\u` escape (never seen: `+` and `-` are written
                // plainly) is decoded to be sure.
                [b'"', b'\\', b'u', ..] => serde_json::from_str::<String>(l.get())
                    .ok()
                    .and_then(|s| s.bytes().next()),
                [b'"', c, ..] => Some(*c),
                _ => None,
            };
            match first {
                Some(b'+') => r.lines_added += 1,
                Some(b'-') => r.lines_removed += 1,
                _ => {}
            }
        }
    }
}

/// `str::lines().count()` of a JSON string literal's value, read from its escaped text: the
/// `\n` escapes, plus one for a last line without a newline. Anything but a string is 0.
fn string_lines(raw: &str) -> usize {
    let b = raw.as_bytes();
    let Some(body) = b.strip_prefix(b"\"").and_then(|b| b.strip_suffix(b"\"")) else {
        return 0;
    };
    let (mut n, mut i, mut after_last) = (0, 0, 0);
    while let Some(k) = memchr::memchr(b'\\', &body[i..]) {
        let at = i + k;
        if body.get(at + 1) == Some(&b'n') {
            n += 1;
            after_last = at + 2;
        }
        i = at + 2;
        if i >= body.len() {
            break;
        }
    }
    n + usize::from(after_last < body.len())
}

/// `totalToolUseCount` of a sub-agent call's result.
#[must_use]
pub fn delegated_actions(tur: &str) -> (u32, Option<String>) {
    #[derive(Deserialize, Default)]
    #[serde(default, rename_all = "camelCase")]
    struct TaskResult {
        total_tool_use_count: Option<u32>,
        agent_id: Option<String>,
    }
    let t = serde_json::from_str::<TaskResult>(tur).unwrap_or_default();
    let agent = t
        .agent_id
        .filter(|a| !a.is_empty())
        .map(|a| crate::core::sanitize::prefix(&a, 80).to_owned());
    (t.total_tool_use_count.unwrap_or(0), agent)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::event::Outcome;
    use proptest::prelude::*;

    fn raw(s: &str) -> Box<RawValue> {
        serde_json::from_str(s).expect("test JSON")
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(3000))]
        /// The fast reading of a tool input is serde's wherever it reads one, and it reads every
        /// input serde accepts that has no duplicate field.
        #[test]
        fn inputs_read_as_serde_reads_them(
            pairs in proptest::collection::vec((
                prop_oneof![
                    Just("command"), Just("file_path"), Just("old_string"), Just("new_string"),
                    Just("content"), Just("edits"), Just("offset"), Just("limit"), Just("other"),
                    Just("path"), Just("com\\u006dand"),
                ],
                prop_oneof![
                    Just("\"ls -la\""), Just("\"a\\nb \\\"q\\\" \\u00e9\""), Just("\"\\uD800\""),
                    Just("null"), Just("7"), Just("-1.5"), Just("1e999"), Just("true"),
                    Just("[{\"old_string\":\"x\",\"new_string\":\"y\\tz\"}]"), Just("[1]"),
                    Just("{\"a\":[]}"), Just("\"bad\\q\""), Just("[]"),
                ],
            ), 0..6),
        ) {
            let body: Vec<String> = pairs.iter().map(|(k, v)| format!("\"{k}\":{v}")).collect();
            let text = format!("{{{}}}", body.join(","));
            let serde: Option<Input<'_>> = serde_json::from_str(&text).ok();
            let fast = fast_input(&text);
            if let Some(f) = &fast {
                prop_assert_eq!(Some(format!("{f:?}")), serde.as_ref().map(|s| format!("{s:?}")), "{}", &text);
            }
            let keys: Vec<&str> = pairs.iter().map(|(k, _)| *k).collect();
            let unique = keys.iter().all(|k| *k == "other" || keys.iter().filter(|j| *j == k).count() == 1);
            let escaped_key = keys.contains(&"com\\u006dand");
            if serde.is_some() && unique && !escaped_key {
                prop_assert!(fast.is_some(), "{}", &text);
            }
        }
    }

    #[test]
    fn string_lines_matches_str_lines_on_the_unescaped_text() {
        for text in [
            "",
            "a",
            "a\n",
            "a\nb",
            "\n",
            "\n\n",
            "a\r\nb\r\n",
            "x\\ny",
            "x\\\nz",
            "日本\n🦀",
            "\"q\"\n\t",
        ] {
            let json = serde_json::to_string(text).expect("a string");
            assert_eq!(
                string_lines(&json),
                text.lines().count(),
                "{text:?} as {json}"
            );
        }
        assert_eq!(string_lines("17"), 0);
        assert_eq!(string_lines("{\"a\":1}"), 0);
    }

    #[test]
    fn patch_lines_are_counted_by_their_first_character() {
        let mut r = ToolResult::new(1, Outcome::Ok);
        let tur = raw(
            r#"{"originalFile":"a\n-b\n","structuredPatch":[{"lines":[" ctx","-old","+new","+","\t-x","\u002b?"]},{"lines":["-gone"]}]}"#,
        );
        count_patch(tur.get(), &mut r);
        assert_eq!((r.lines_added, r.lines_removed), (3, 2));
        let mut r = ToolResult::new(1, Outcome::Ok);
        count_patch(
            raw(r#"{"type":"create","content":"a\nb\nc","structuredPatch":[]}"#).get(),
            &mut r,
        );
        assert_eq!((r.lines_added, r.lines_removed), (3, 0));
        let mut r = ToolResult::new(1, Outcome::Ok);
        count_patch(raw(r#"{"structuredPatch":"not a list"}"#).get(), &mut r);
        assert_eq!((r.lines_added, r.lines_removed), (0, 0));
        // Shapes the fast reading leaves to serde, and duplicates serde rejects.
        for (tur, counts) in [
            (r#"{"type":"cre\u0061te","content":"a\nb"}"#, (2, 0)),
            (r#"{"type":7,"content":"a\nb"}"#, (0, 0)),
            (
                r#"{"structuredPatch":[{"lines":["+a"]}],"structuredPatch":[]}"#,
                (0, 0),
            ),
            (
                r#"{"originalFile":"x\"y\\","structuredPatch":[{"lines":["+a","-b","+c"]}]} "#,
                (2, 1),
            ),
        ] {
            let mut r = ToolResult::new(1, Outcome::Ok);
            count_patch(tur, &mut r);
            assert_eq!((r.lines_added, r.lines_removed), counts, "{tur}");
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(800))]
        #[test]
        fn the_fast_patch_reading_is_serdes(
            fields in proptest::collection::vec(prop_oneof![
                Just(r#""type":"update""#), Just(r#""type":"cr\u0065ate""#),
                Just(r#""type":null"#), Just(r#""type":[1]"#),
                Just(r#""content":"a\nb\n""#), Just(r#""content":null"#),
                Just(r#""originalFile":"x\ty\"z""#),
                Just(r#""structuredPatch":[{"oldStart":1,"lines":["+a","-b"]}]"#),
                Just(r#""structuredPatch":{"lines":[]}"#),
                Just(r#""userModified":false"#), Just(r#""bad":01"#),
            ], 0..6)
        ) {
            let tur = format!("{{{}}}", fields.join(","));
            let fast = structured(&tur, true).map(|s| format!("{s:?}"));
            let serde = structured(&tur, false).map(|s| format!("{s:?}"));
            proptest::prop_assert_eq!(fast, serde, "{}", tur);
        }
    }

    #[test]
    fn signature_ignores_key_order_and_volatile_keys_but_not_values() {
        let sig = |input: &str| action(1, "Grep", Some(Json(input))).sig;
        let a = sig(r#"{"pattern":"fn main","path":"src","description":"look"}"#);
        assert_eq!(a, sig(r#"{"path":"src","pattern":"fn main"}"#));
        assert_ne!(a, sig(r#"{"path":"src","pattern":"fn other"}"#));
        assert_ne!(a, sig(r#"{"path":"lib","pattern":"fn main"}"#));
        let t = |input: &str| action(1, "Mystery", Some(Json(input))).target;
        assert_eq!(
            t(r#"{"n":3,"what":"first\nsecond","other":"x"}"#),
            "first …"
        );
        assert_eq!(t(r#"{"n":3}"#), "");
        assert_eq!(t("[1,2]"), "");
    }
}
