//! What the adapters share: JSON-lines framing ([`JsonLines`]), reading one line's text, lenient
//! field readers over raw JSON, and the helpers every format's results need (an excerpt, an
//! observation hash, a commit line, a command's action).
//!
//! Nothing here names a format's records: each adapter decides what its fields mean.

use std::borrow::Cow;
use std::sync::Arc;

use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

use super::{ParseStats, SkipReason, Step};
use crate::core::checks;
use crate::core::event::{Action, Event, EventKind, TARGET_KEEP, Tool};
use crate::core::hash::Fnv;
use crate::core::lines::{Line, LineAssembler};
use crate::core::sanitize::prefix;
use crate::core::{LineNo, Millis};

/// A parser of one JSON line at a time: what [`JsonLines`] drives.
pub trait LineParser {
    /// One complete line (without its newline).
    fn parse_line(&mut self, line: LineNo, bytes: &[u8], out: &mut Vec<Event>);
    /// A line longer than the cap: skipped and counted.
    fn oversized(&mut self, line: LineNo, len: u64);
    /// The file ended: let go of whatever is held.
    fn finish(&mut self, _out: &mut Vec<Event>) {}
    fn stats(&self) -> &ParseStats;
    fn into_stats(self) -> ParseStats;
}

/// A reader of JSON lines, only ever appended: framing is the [`LineAssembler`]'s (a torn last
/// line waits for its newline, an oversized one is skipped and counted), each complete line goes
/// to the format's [`LineParser`]. Every JSON-lines format's reader is one of these.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct JsonLines<P> {
    lines: LineAssembler,
    parser: P,
}

impl<P: LineParser> JsonLines<P> {
    /// A reader around `parser`.
    #[must_use]
    pub fn with_parser(parser: P) -> Self {
        Self {
            lines: LineAssembler::default(),
            parser,
        }
    }

    /// Caps one line's length (bytes).
    pub fn set_max_record(&mut self, max: usize) {
        self.lines = LineAssembler::new(max);
    }

    /// Feeds bytes up to the end of the next line; see [`super::Reader::feed_record`].
    pub fn feed_record(&mut self, bytes: &[u8], out: &mut Vec<Event>) -> Step {
        let parser = &mut self.parser;
        let line = self.lines.next_line_no();
        match self.lines.feed_one(bytes, |l| dispatch(parser, l, out)) {
            Some(consumed) => Step {
                consumed,
                ended: Some(line),
            },
            None => Step {
                consumed: bytes.len(),
                ended: None,
            },
        }
    }

    /// The file ended: a last line without its newline is read as complete, and whatever the
    /// parser holds is let go. Returns that last line, when there was one.
    pub fn finish(&mut self, out: &mut Vec<Event>) -> Option<LineNo> {
        let parser = &mut self.parser;
        let line = self.lines.next_line_no();
        self.lines.finish(|l| dispatch(parser, l, out));
        self.parser.finish(out);
        (self.lines.next_line_no() != line).then_some(line)
    }

    /// Skip and drift counters.
    #[must_use]
    pub fn stats(&self) -> &ParseStats {
        self.parser.stats()
    }

    /// Takes the counters.
    #[must_use]
    pub fn into_stats(self) -> ParseStats {
        self.parser.into_stats()
    }

    /// Bytes held for a line whose newline has not arrived.
    #[must_use]
    pub fn pending_bytes(&self) -> u64 {
        self.lines.pending_bytes()
    }

    /// The parser (tests).
    #[must_use]
    pub fn parser(&self) -> &P {
        &self.parser
    }
}

fn dispatch<P: LineParser>(parser: &mut P, line: Line<'_>, out: &mut Vec<Event>) {
    match line {
        Line::Complete { no, bytes } => parser.parse_line(no, bytes, out),
        Line::Oversized { no, len } => parser.oversized(no, len),
    }
}

/// One line's text, for a parser that reads whole objects: counts the line (and a blank one, which
/// gives `None`); invalid UTF-8 is replaced with U+FFFD (the flag says so, to be counted once the
/// line parses).
pub fn line_text<'a>(stats: &mut ParseStats, bytes: &'a [u8]) -> Option<(Cow<'a, str>, bool)> {
    stats.lines += 1;
    if bytes.iter().all(u8::is_ascii_whitespace) {
        stats.blank += 1;
        return None;
    }
    Some(match simdutf8::basic::from_utf8(bytes) {
        Ok(t) => (Cow::Borrowed(t), false),
        Err(_) => (String::from_utf8_lossy(bytes).into_owned().into(), true),
    })
}

/// A line's text read as the object `T`: a line that is not a JSON object (invalid JSON, or a
/// string, number or array) is a counted skip, never an object with missing fields.
pub fn parse_object<'a, T: Deserialize<'a>>(
    stats: &mut ParseStats,
    line: LineNo,
    text: &'a str,
) -> Option<T> {
    let error = if text.trim_start().starts_with('{') {
        match serde_json::from_str::<T>(text) {
            Ok(t) => return Some(t),
            Err(e) => e,
        }
    } else {
        match serde_json::from_str::<serde::de::IgnoredAny>(text) {
            Ok(_) => {
                stats.skip(
                    line,
                    SkipReason::NotAnObject,
                    format!("a JSON {}", json_kind(text.as_bytes())),
                );
                return None;
            }
            Err(e) => e,
        }
    };
    bad_line(stats, line, text, &error);
    None
}

/// Counts a line whose text did not parse as the object a record is: not JSON at all, or JSON
/// that is not an object.
pub fn bad_line(stats: &mut ParseStats, line: LineNo, text: &str, error: &serde_json::Error) {
    match serde_json::from_str::<serde::de::IgnoredAny>(text) {
        Ok(_) => stats.skip(
            line,
            SkipReason::NotAnObject,
            format!("a JSON {}", json_kind(text.as_bytes())),
        ),
        Err(_) => stats.skip(line, SkipReason::InvalidJson, error.to_string()),
    }
}

/// Counts a record of a kind this version does not know.
pub fn unknown_kind(stats: &mut ParseStats, line: LineNo, kind: &str) {
    *stats
        .unknown_types
        .entry(prefix(kind, 60).to_owned())
        .or_default() += 1;
    stats.skip(
        line,
        SkipReason::UnknownType,
        format!("type \"{}\"", prefix(kind, 60)),
    );
}

/// Notes a sub-kind (an event inside a known record) this version does not know: schema drift,
/// shown in the report, but the line is not skipped.
pub fn unknown_subkind(stats: &mut ParseStats, kind: &str, sub: &str) {
    let key = format!("{}.{}", prefix(kind, 40), prefix(sub, 60));
    *stats.unknown_types.entry(key).or_default() += 1;
}

/// A raw JSON value read as a string: `None` for anything else (lenient: a field of the wrong
/// type reads as absent). Borrowed when the string has no escapes.
#[must_use]
pub fn text(raw: Option<&RawValue>) -> Option<Cow<'_, str>> {
    let raw = raw?.get();
    if !raw.starts_with('"') {
        return None;
    }
    if let Ok(s) = serde_json::from_str::<&str>(raw) {
        return Some(Cow::Borrowed(s));
    }
    serde_json::from_str::<String>(raw).ok().map(Cow::Owned)
}

/// A raw JSON value read as an integer (a number, or a string of digits); `None` otherwise.
#[must_use]
pub fn int(raw: Option<&RawValue>) -> Option<i64> {
    let r = raw?.get().trim();
    let r = r
        .strip_prefix('"')
        .and_then(|r| r.strip_suffix('"'))
        .unwrap_or(r);
    r.parse::<i64>().ok().or_else(|| {
        r.parse::<f64>()
            .ok()
            .filter(|f| f.is_finite())
            .map(|f| f as i64)
    })
}

/// A raw JSON value read as a boolean; `None` otherwise.
#[must_use]
pub fn flag(raw: Option<&RawValue>) -> Option<bool> {
    match raw?.get().trim() {
        "true" => Some(true),
        "false" => Some(false),
        _ => None,
    }
}

/// A raw JSON value that is present and not `null`.
#[must_use]
pub fn present(raw: Option<&RawValue>) -> Option<&RawValue> {
    raw.filter(|r| r.get().trim() != "null")
}

/// A raw value's timestamp (RFC 3339), when it is one.
#[must_use]
pub fn time(raw: Option<&RawValue>) -> Option<Millis> {
    text(raw).as_deref().and_then(Millis::parse)
}

/// A text that is only a publisher's redaction placeholder (`[REDACTED_TEXT len=64 sha=7d53…]`,
/// as sanitised public transcripts carry): it says how long the text was, not what it said, so
/// nothing may compare or read it as words.
#[must_use]
pub fn is_placeholder(text: &str) -> bool {
    let t = text.trim();
    t.starts_with("[REDACTED") && t.ends_with(']') && !t[1..t.len() - 1].contains(['[', ']', '\n'])
}

/// Where the events of one record go, stamped with its line, time and thread.
pub struct Emitter<'o> {
    pub line: LineNo,
    pub at: Option<Millis>,
    pub agent: Option<Arc<str>>,
    pub out: &'o mut Vec<Event>,
}

impl Emitter<'_> {
    pub fn emit(&mut self, kind: EventKind) {
        self.out.push(Event {
            line: self.line,
            at: self.at,
            agent: self.agent.clone(),
            kind,
        });
    }
}

/// The first line of a text, cut to `max` bytes.
pub fn first_line(text: &str, max: usize) -> String {
    prefix(text.trim().lines().next().unwrap_or(""), max).to_owned()
}

/// `[main 1a2b3c4] message` or `[main (root-commit) 1a2b3c4] message` at the start of a line.
pub fn commit_line(text: &str) -> bool {
    text.lines().any(|l| {
        let Some(inner) = l
            .trim_start()
            .strip_prefix('[')
            .and_then(|r| r.split(']').next())
        else {
            return false;
        };
        let mut words = inner.split_whitespace();
        let branch = words.next().is_some();
        let sha = words.rfind(|w| *w != "(root-commit)");
        branch && sha.is_some_and(|s| s.len() >= 7 && s.chars().all(|c| c.is_ascii_hexdigit()))
    })
}

/// Hash of a result's raw JSON text (its first KiB and last 512 bytes), with digit runs of 3+
/// and hex runs of 7+ folded to `#` and ANSI escapes (`\u001b[…m` in JSON) dropped, so timings
/// and ids do not make two identical outcomes look different.
pub fn observation_hash(raw: &str) -> u64 {
    const HEAD: usize = 1024;
    const TAIL: usize = 512;
    let head = prefix(raw, HEAD);
    let tail = if raw.len() > HEAD + TAIL {
        crate::core::sanitize::suffix(raw, TAIL)
    } else {
        &raw[head.len()..]
    };
    let mut folded = Vec::with_capacity(head.len() + tail.len());
    fold_into(head.as_bytes(), &mut folded);
    folded.push(0);
    fold_into(tail.as_bytes(), &mut folded);
    crate::core::hash::hash_words(&folded)
}

fn fold_into(b: &[u8], out: &mut Vec<u8>) {
    // Copy spans in bulk; stop only at digits (the start of a number or an id) and backslashes
    // (the start of an escape sequence).
    let (mut i, mut span) = (0, 0);
    while i < b.len() {
        let c = b[i];
        if c == b'\\' && b[i..].starts_with(b"\\u001b[") {
            out.extend_from_slice(&b[span..i]);
            i += 7;
            while i < b.len() && !b[i].is_ascii_alphabetic() {
                i += 1;
            }
            i += 1;
            span = i.min(b.len());
        } else if c.is_ascii_digit() {
            // The hex run around this digit: its extent and its longest run of digits.
            let mut start = i;
            while start > span && b[start - 1].is_ascii_hexdigit() {
                start -= 1;
            }
            let (mut end, mut run, mut longest) = (i, 0, 0);
            while end < b.len() && b[end].is_ascii_hexdigit() {
                run = if b[end].is_ascii_digit() { run + 1 } else { 0 };
                longest = longest.max(run);
                end += 1;
            }
            if longest >= 3 || end - start >= 7 {
                out.extend_from_slice(&b[span..start]);
                out.push(b'#');
                span = end;
            }
            i = end;
        } else {
            i += 1 + next_digit_or_backslash(&b[i + 1..]);
        }
    }
    out.extend_from_slice(&b[span.min(b.len())..]);
}

/// The index of the first ASCII digit or backslash in `b` (its length if none), eight bytes at a
/// step: the bytes [`fold_into`] stops at are sparse in most output.
fn next_digit_or_backslash(b: &[u8]) -> usize {
    const ONES: u64 = u64::MAX / 255;
    const HIGH: u64 = ONES * 0x80;
    let mut chunks = b.chunks_exact(8);
    let mut at = 0;
    for c in &mut chunks {
        let mut w = [0u8; 8];
        w.copy_from_slice(c);
        let x = u64::from_le_bytes(w);
        // A byte's high bit is set where it is in 0x30..=0x39 (bit-twiddling "hasbetween": the
        // low seven bits compared, bytes of 0x80 and up masked out by `!x`) or equals `\\`.
        let low = x & !HIGH;
        let digit = (ONES * (127 + 0x3A) - low) & !x & (low + ONES * (127 - 0x2F)) & HIGH;
        let y = x ^ (ONES * u64::from(b'\\'));
        let backslash = y.wrapping_sub(ONES) & !y & HIGH;
        if digit | backslash != 0 {
            // The lowest flagged byte is exact for both tests (borrows only run upwards).
            return at + ((digit | backslash).trailing_zeros() / 8) as usize;
        }
        at += 8;
    }
    at + chunks
        .remainder()
        .iter()
        .position(|&c| c.is_ascii_digit() || c == b'\\')
        .unwrap_or(chunks.remainder().len())
}

/// What kind of JSON value a line holds, for the skip's detail.
pub fn json_kind(bytes: &[u8]) -> &'static str {
    match bytes.iter().find(|b| !b.is_ascii_whitespace()) {
        Some(b'"') => "string",
        Some(b'[') => "array",
        Some(b't' | b'f') => "boolean",
        Some(b'n') => "null",
        _ => "number",
    }
}

/// A target on one line: its first line, cut to [`TARGET_KEEP`], ` …` when more was cut.
pub fn one_line(s: &str) -> String {
    let first = s.trim().lines().next().unwrap_or("");
    let more = s.trim().lines().nth(1).is_some();
    let mut t = prefix(first, TARGET_KEEP).to_owned();
    if more || first.len() > TARGET_KEEP {
        t.push_str(" …");
    }
    t
}

/// An action with nothing but its id, name and tool family (read-only for reads, searches and
/// web lookups); the adapter fills in the rest.
#[must_use]
pub fn bare_action(id: u64, name: &str, tool: Tool) -> Action {
    Action {
        id,
        name: Arc::from(prefix(name, 100)),
        tool,
        target: String::new(),
        sig: 0,
        check: None,
        read_only: matches!(tool, Tool::Read | Tool::Search | Tool::Web),
        polling: false,
        ships: false,
        bypass: None,
        edit: None,
    }
}

/// A shell command's action: what the command is (a check, read-only, polling, shipping, a
/// bypass), its target, and a signature over its words (so spacing does not make two runs of the
/// same command differ).
#[must_use]
pub fn command_action(id: u64, name: &str, command: &str) -> Action {
    let mut a = bare_action(id, name, Tool::Bash);
    let class = checks::classify_command(command);
    a.check = class.check;
    a.read_only = class.read_only;
    a.polling = class.polling;
    a.ships = class.ships;
    a.bypass = class.bypass;
    a.target = one_line(command);
    let mut sig = Fnv::default();
    sig.write(b"shell").byte(0);
    for w in command.split_whitespace() {
        sig.write(w.as_bytes()).byte(b' ');
    }
    a.sig = sig.finish();
    a
}

/// An edit's action: `path` changed from `old` to `new` (the replaced and the written text),
/// with its bypass (a loosened test or lint) and the hashes the edit rules compare.
#[must_use]
pub fn edit_action(id: u64, name: &str, tool: Tool, path: &str, old: &str, new: &str) -> Action {
    let mut a = bare_action(id, name, tool);
    a.target = one_line(path);
    a.bypass = if tool == Tool::Write {
        checks::write_bypass(path, new)
    } else {
        checks::edit_bypass(path, old, new)
    };
    let info = crate::core::event::EditInfo {
        path: a.target.clone(),
        old: crate::core::hash::hash_words(old.as_bytes()),
        new: crate::core::hash::hash_words(new.as_bytes()),
        old_lines: crate::core::event::EditInfo::line_hashes(old),
        new_lines: crate::core::event::EditInfo::line_hashes(new),
        assert_literals: checks::assertion_literals(path, old, new),
    };
    let mut sig = Fnv::default();
    sig.write(b"edit")
        .byte(0)
        .write(a.target.as_bytes())
        .byte(0)
        .write(&info.old.to_le_bytes())
        .write(&info.new.to_le_bytes());
    a.sig = sig.finish();
    a.edit = Some(info);
    a
}

/// Lines of a text, as an edit counts them (`str::lines`).
#[must_use]
pub fn line_count(text: &str) -> u32 {
    u32::try_from(text.lines().count()).unwrap_or(u32::MAX)
}

/// A signature over a tool's name and its input's text.
#[must_use]
pub fn text_sig(name: &str, input: &str) -> u64 {
    let mut sig = Fnv::default();
    sig.write(name.as_bytes())
        .byte(0)
        .write(&crate::core::hash::hash_words(input.as_bytes()).to_le_bytes());
    sig.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        #[test]
        fn the_word_scan_finds_what_a_byte_scan_finds(
            b in proptest::collection::vec(proptest::sample::select(
                &[b'a', b'/', b'0', b'5', b'9', b':', b'\\', b'[', b']', 0x80, 0xAF, 0xB0, 0xB9, 0xDC, 0xFF, 0x00, 0x7F][..]
            ), 0..40)
        ) {
            let plain = b.iter().position(|&c| c.is_ascii_digit() || c == b'\\').unwrap_or(b.len());
            proptest::prop_assert_eq!(next_digit_or_backslash(&b), plain);
        }
    }

    fn raw(s: &str) -> Box<RawValue> {
        serde_json::from_str(s).expect("test JSON")
    }

    #[test]
    fn lenient_readers_take_the_right_type_and_nothing_else() {
        assert_eq!(text(Some(&raw(r#""a\"b""#))).as_deref(), Some("a\"b"));
        assert!(matches!(
            text(Some(&raw(r#""plain""#))),
            Some(Cow::Borrowed("plain"))
        ));
        assert_eq!(text(Some(&raw("17"))), None);
        assert_eq!(text(None), None);
        assert_eq!(int(Some(&raw("-3"))), Some(-3));
        assert_eq!(int(Some(&raw(r#""42""#))), Some(42));
        assert_eq!(int(Some(&raw(r#""[trimmed for fixture]""#))), None);
        assert_eq!(flag(Some(&raw("true"))), Some(true));
        assert_eq!(flag(Some(&raw(r#""true""#))), None);
        assert!(present(Some(&raw("null"))).is_none());
        assert!(time(Some(&raw(r#""[trimmed for fixture]""#))).is_none());
        assert!(time(Some(&raw(r#""2026-01-01T10:00:00Z""#))).is_some());
    }

    #[test]
    fn placeholders_are_told_from_text() {
        assert!(is_placeholder("[REDACTED_MESSAGE len=64 sha=7d538904]"));
        assert!(is_placeholder(" [REDACTED] "));
        assert!(!is_placeholder("[REDACTED] but then the real words"));
        assert!(!is_placeholder("fix [REDACTED_TEXT] in a.rs [x]"));
    }

    #[test]
    fn a_command_action_reads_the_command_and_ignores_spacing_in_its_signature() {
        let a = command_action(1, "exec_command", "cargo  test --all");
        let b = command_action(2, "shell", "cargo test --all");
        assert_eq!(a.check, Some(checks::CheckKind::Test));
        assert_eq!(a.sig, b.sig);
        assert_ne!(a.sig, command_action(3, "x", "cargo build").sig);
        assert_eq!(a.tool, Tool::Bash);
        assert!(
            command_action(4, "x", "git commit --no-verify -m x")
                .bypass
                .is_some()
        );
    }
}
