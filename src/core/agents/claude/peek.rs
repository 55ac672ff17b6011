//! A shallow look at a line before parsing it: the top-level `"type"` value.
//!
//! `progress` lines (hook, bash and sub-agent progress) are 40% of a real transcript's bytes and
//! carry nothing the rules use; `file-history-snapshot` lines neither. Reading the keys up to
//! `"type"` (within the first [`PEEK_LIMIT`] bytes) lets those lines skip the full parse. Anything
//! unusual (not an object, `type` late or absent, odd syntax) returns `None` and the line gets the
//! full, strict parse.

/// How far into a line the scan looks for the `type` key.
pub const PEEK_LIMIT: usize = 400;

/// The raw bytes of the top-level `"type"` string value, if found early and plainly.
#[must_use]
pub fn top_level_type(line: &[u8]) -> Option<&[u8]> {
    let end = line.len().min(PEEK_LIMIT);
    let b = &line[..end];
    let mut i = skip_ws(b, 0);
    if b.get(i) != Some(&b'{') {
        return None;
    }
    i += 1;
    loop {
        i = skip_ws(b, i);
        let (key, after) = string(b, i)?;
        i = skip_ws(b, after);
        if b.get(i) != Some(&b':') {
            return None;
        }
        i = skip_ws(b, i + 1);
        if key == b"type" {
            let (value, _) = string(b, i)?;
            return Some(value);
        }
        i = skip_ws(b, skip_value(b, i)?);
        match b.get(i)? {
            b',' => i += 1,
            _ => return None,
        }
    }
}

/// The kinds [`shallow_type`] decides: the lines passed over, and the one that releases a held
/// prompt.
pub const SHALLOW: [&[u8]; 3] = [b"progress", b"file-history-snapshot", b"queue-operation"];

/// [`top_level_type`] where it is one of [`SHALLOW`], else `None`. Most lines are none of them,
/// and their `"type"` often comes after a long `message`: a search for the three quoted names in
/// the first [`PEEK_LIMIT`] bytes (where the value must stand, quotes and all) rules them out
/// without walking the line.
#[must_use]
pub fn shallow_type(line: &[u8]) -> Option<&[u8]> {
    static QUOTED: std::sync::LazyLock<[memchr::memmem::Finder<'static>; 3]> =
        std::sync::LazyLock::new(|| {
            [
                memchr::memmem::Finder::new(b"\"progress\""),
                memchr::memmem::Finder::new(b"\"file-history-snapshot\""),
                memchr::memmem::Finder::new(b"\"queue-operation\""),
            ]
        });
    let head = &line[..line.len().min(PEEK_LIMIT)];
    if !QUOTED.iter().any(|f| f.find(head).is_some()) {
        return None;
    }
    top_level_type(line).filter(|t| SHALLOW.contains(t))
}

fn skip_ws(b: &[u8], mut i: usize) -> usize {
    while b.get(i).is_some_and(u8::is_ascii_whitespace) {
        i += 1;
    }
    i
}

/// A JSON string at `i` (no unescaping): its raw contents and the index after its closing quote.
/// Found as the full reader finds it ([`json_skip::string_span`](crate::core::json_skip::string_span),
/// a 16-byte lane at a time for short ones), so a string it would reject (a control byte, a bad
/// escape) leaves the line to the full parse.
fn string(b: &[u8], i: usize) -> Option<(&[u8], usize)> {
    let (end, _) = crate::core::json_skip::string_span(b, i)?;
    Some((b.get(i + 1..end - 1)?, end))
}

/// The index after the JSON value at `i` (strings, nested objects and arrays, scalars).
fn skip_value(b: &[u8], i: usize) -> Option<usize> {
    match b.get(i)? {
        b'"' => string(b, i).map(|(_, after)| after),
        b'{' | b'[' => {
            let mut depth = 0usize;
            let mut j = i;
            loop {
                match b.get(j)? {
                    b'"' => {
                        j = string(b, j)?.1;
                        continue;
                    }
                    b'{' | b'[' => depth += 1,
                    b'}' | b']' => {
                        depth -= 1;
                        if depth == 0 {
                            return Some(j + 1);
                        }
                    }
                    _ => {}
                }
                j += 1;
            }
        }
        _ => {
            let mut j = i;
            while b
                .get(j)
                .is_some_and(|c| !matches!(c, b',' | b'}' | b']') && !c.is_ascii_whitespace())
            {
                j += 1;
            }
            (j > i).then_some(j)
        }
    }
}

/// Longest `progress` line [`user_hook_progress`] looks into: hook reports are a few hundred
/// bytes; the long progress lines are sub-agent copies, never hook reports.
pub const HOOK_LINE_MAX: usize = 4096;

/// A `progress` line reporting a hook the user (or a plugin they installed) configured:
/// `data.type` is `hook_progress` and its command is neither Claude Code's internal `callback`
/// nor ringside's own hook.
#[must_use]
pub fn user_hook_progress(line: &[u8]) -> bool {
    #[derive(serde::Deserialize)]
    struct Line<'a> {
        #[serde(borrow, default)]
        data: Option<Data<'a>>,
    }
    #[derive(serde::Deserialize)]
    struct Data<'a> {
        #[serde(rename = "type", borrow, default)]
        kind: Option<std::borrow::Cow<'a, str>>,
        #[serde(borrow, default)]
        command: Option<std::borrow::Cow<'a, str>>,
    }
    if line.len() > HOOK_LINE_MAX || memchr::memmem::find(line, b"\"hook_progress\"").is_none() {
        return false;
    }
    serde_json::from_slice::<Line<'_>>(line)
        .ok()
        .and_then(|l| l.data)
        .is_some_and(|d| {
            d.kind.as_deref() == Some("hook_progress") && is_user_hook(d.command.as_deref())
        })
}

/// A hook command that is the user's: not Claude Code's internal `callback`, not ringside's.
#[must_use]
pub fn is_user_hook(command: Option<&str>) -> bool {
    let Some(c) = command.map(str::trim).filter(|c| !c.is_empty()) else {
        return false;
    };
    let program = c.split_whitespace().next().unwrap_or(c);
    let program = program.rsplit('/').next().unwrap_or(program);
    c != "callback" && program != "ringside"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hook_reports_of_the_users_own_hooks() {
        let line = |cmd: &str| {
            format!(
                r#"{{"type":"progress","data":{{"type":"hook_progress","hookEvent":"PostToolUse","hookName":"PostToolUse:Edit","command":"{cmd}"}},"timestamp":"2026-02-10T21:11:52.438Z"}}"#
            )
        };
        assert!(user_hook_progress(
            line("~/.claude/hooks/fmt.sh").as_bytes()
        ));
        assert!(user_hook_progress(
            line("${CLAUDE_PLUGIN_ROOT}/scripts/capture.sh").as_bytes()
        ));
        assert!(!user_hook_progress(line("callback").as_bytes()));
        assert!(!user_hook_progress(
            line("/usr/local/bin/ringside hook").as_bytes()
        ));
        assert!(!user_hook_progress(
            br#"{"type":"progress","data":{"type":"bash_progress","command":"x"}}"#
        ));
        let long = line(&"x".repeat(HOOK_LINE_MAX));
        assert!(!user_hook_progress(long.as_bytes()), "too long to be one");
    }

    fn peek(s: &str) -> Option<String> {
        top_level_type(s.as_bytes()).map(|t| String::from_utf8_lossy(t).into_owned())
    }

    #[test]
    fn finds_the_top_level_type_after_nested_values() {
        assert_eq!(peek(r#"{"type":"user"}"#).as_deref(), Some("user"));
        let line = r#"{"parentUuid":null,"isSidechain":false,"n":1.5e3,"todos":[{"type":"x","a":"}"}],"data":{"type":"hook_progress"},"type":"progress","data2":1}"#;
        assert_eq!(peek(line).as_deref(), Some("progress"));
        assert_eq!(
            peek(r#"{ "cwd" : "C:\\\"x\"" , "type" : "system" }"#).as_deref(),
            Some("system")
        );
    }

    proptest::proptest! {
        /// The shallow look is the full look, filtered to its kinds.
        #[test]
        fn shallow_type_is_top_level_type_filtered(
            keys in proptest::collection::vec(proptest::sample::select(vec![
                r#""parentUuid":null"#, r#""message":{"type":"message","content":"progress"}"#,
                r#""type":"progress""#, r#""type":"file-history-snapshot""#,
                r#""type":"queue-operation""#, r#""type":"assistant""#, r#""data":{"type":"progress"}"#,
                r#""pad":"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx""#,
                r#""t":"\"progress\"""#, r#" "type" : "progress" "#,
            ]), 0..8)
        ) {
            let line = format!("{{{}}}", keys.join(","));
            let full = top_level_type(line.as_bytes()).filter(|t| SHALLOW.contains(t));
            proptest::prop_assert_eq!(shallow_type(line.as_bytes()), full, "{}", line);
        }
    }

    #[test]
    fn anything_odd_falls_back_to_the_full_parse() {
        assert_eq!(peek(r#""massive error""#), None);
        assert_eq!(peek("42"), None);
        assert_eq!(peek(r#"{"no":"type"}"#), None);
        assert_eq!(peek(r#"{"type":7}"#), None);
        assert_eq!(peek(r#"{"a" "b","type":"x"}"#), None);
        let late = format!(r#"{{"pad":"{}","type":"progress"}}"#, "x".repeat(500));
        assert_eq!(peek(&late), None, "beyond the peek limit");
        assert_eq!(peek(r#"{"a":[1,2"#), None);
        // A string the full reader rejects (a raw control byte, a bad escape) is not passed over
        // as progress: the full parse decides, and counts the line it cannot read.
        assert_eq!(peek("{\"cwd\":\"a\u{1}b\",\"type\":\"progress\"}"), None);
        assert_eq!(peek(r#"{"cwd":"a\qb","type":"progress"}"#), None);
        assert_eq!(
            peek(r#"{"cwd":"a\"b\\","type":"progress"}"#).as_deref(),
            Some("progress")
        );
    }
}
