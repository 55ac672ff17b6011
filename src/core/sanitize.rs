//! Untrusted transcript text in, printable text out.
//!
//! Everything a transcript says (prompts, tool output, agent text, file paths) can contain escape
//! sequences: `\x1b]52;…` writes the clipboard, `\x1b[2J` clears the screen, a bidi override
//! reorders what the reader sees. Nothing from a transcript reaches a terminal, a widget or a report
//! without passing through [`clean`] or [`one_line`].
//!
//! What is removed: ESC sequences (CSI, OSC, DCS/SOS/PM/APC with their payloads, two-byte forms),
//! their 8-bit C1 forms, every other C0/C1 control and DEL, and every character that draws
//! nothing yet can hide or smuggle text: bidi controls, zero-width spaces and joiners, Unicode
//! tag characters (U+E0000–E007F, which spell out ASCII no one sees: a way to slip instructions
//! into an agent's context inside text framed as ringside's), Hangul fillers, variation
//! selectors, the soft hyphen and other format controls. Emoji keep what makes them one
//! picture: a zero-width joiner between two emoji (👩‍💻) and U+FE0E/U+FE0F after an emoji or a
//! keycap base. Tabs become spaces; `\n` is kept by [`clean`] and folded by [`one_line`]. We write this rather
//! than use `strip-ansi-escapes`: that crate also drops tabs, keeps the tail of a C1 CSI and keeps
//! bidi overrides (measured in research/stack.md), which are exactly the cases that matter here.

use std::borrow::Cow;

use unicode_width::UnicodeWidthChar;

const TAB: &str = "    ";

/// Text with escape sequences and controls removed; newlines kept, tabs as four spaces.
#[must_use]
pub fn clean(s: &str) -> Cow<'_, str> {
    if !needs_cleaning(s) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len());
    strip_into(s, &mut out, true);
    Cow::Owned(out)
}

/// One display line: cleaned, all whitespace runs (newlines included) folded to one space,
/// trimmed, and cut to `max_width` terminal columns with a trailing `…` when it was longer.
#[must_use]
pub fn one_line(s: &str, max_width: usize) -> String {
    if s.len() <= max_width && is_plain_line(s.as_bytes()) {
        // Printable ASCII with single spaces between words: nothing to clean or fold, and one
        // column per byte, so it fits as it is (most paths, branches, models and prompts).
        return s.to_owned();
    }
    // Cleaning and folding work left to right, so a head of the text cleans and folds to the
    // start of what the whole does, but for its last character (a joiner the next character
    // decides on, or a word cut short). When that is wider than the line by more than any one
    // character, the line cut from it is the line cut from the whole: so a long text (a pasted
    // log as the first prompt) is looked at only as far as the line can show.
    let short = prefix(s, max_width.saturating_mul(4).saturating_add(256));
    if short.len() < s.len() {
        let folded = clean_folded(short);
        if width(&folded) > max_width.saturating_add(2) {
            return clip(&folded, max_width);
        }
    }
    // A one-line excerpt never needs more than the head of a long text.
    let s = prefix(s, max_width.saturating_mul(4).saturating_add(64 * 1024));
    clip(&clean_folded(s), max_width)
}

/// [`one_line`] at two widths, cleaning the text once (a session's first prompt is shown both as
/// an excerpt and in the session list). Both lines are cut from the cleaned head the wider one
/// needs, which is the whole text when it is that short; see [`one_line`] for why a wide enough
/// head gives the whole text's line.
#[must_use]
pub fn one_lines(s: &str, narrow: usize, wide: usize) -> (String, String) {
    let widest = narrow.max(wide);
    if s.len() <= widest && is_plain_line(s.as_bytes()) {
        return (one_line(s, narrow), one_line(s, wide));
    }
    let head = prefix(s, widest.saturating_mul(4).saturating_add(256));
    let folded = clean_folded(head);
    if head.len() == s.len() || width(&folded) > widest.saturating_add(2) {
        return (clip(&folded, narrow), clip(&folded, wide));
    }
    (one_line(s, narrow), one_line(s, wide))
}

/// Printable ASCII (no controls, no DEL), with no space at either end and none after another:
/// text [`one_line`] leaves as it is.
fn is_plain_line(b: &[u8]) -> bool {
    b.first() != Some(&b' ')
        && b.last() != Some(&b' ')
        && b.iter().all(|c| (b' '..=b'~').contains(c))
        && memchr::memmem::find(b, b"  ").is_none()
}

/// `s` cleaned, with every whitespace run (newlines included) one space, trimmed.
fn clean_folded(s: &str) -> String {
    if let Some(folded) = ascii_folded(s) {
        return folded;
    }
    clean_folded_chars(s)
}

/// [`clean_folded`] of ASCII text without escape sequences, a byte at a time: printable bytes
/// kept, spaces, tabs and newlines folded, every other control byte dropped (as [`strip_into`]
/// drops them, so they join what is around them). `None` for any other text.
fn ascii_folded(s: &str) -> Option<String> {
    let b = s.as_bytes();
    if !b.is_ascii() || memchr::memchr(0x1b, b).is_some() {
        return None;
    }
    let mut out = String::with_capacity(b.len());
    let mut space = false;
    for &c in b {
        match c {
            b' ' | b'\t' | b'\n' => space = !out.is_empty(),
            b'!'..=b'~' => {
                if std::mem::take(&mut space) {
                    out.push(' ');
                }
                out.push(char::from(c));
            }
            _ => {}
        }
    }
    Some(out)
}

/// [`clean_folded`] a character at a time.
fn clean_folded_chars(s: &str) -> String {
    let mut cleaned = String::with_capacity(s.len());
    strip_into(s, &mut cleaned, false);
    cleaned.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Text already clean (or laid out by ringside itself: spaces kept, unlike [`one_line`]) cut to
/// `max_width` terminal columns, with a trailing `…` when it was longer.
#[must_use]
pub fn clip(s: &str, max_width: usize) -> String {
    if width(s) <= max_width {
        return s.to_owned();
    }
    let mut out = String::with_capacity(max_width * 4);
    let mut used = 0usize;
    for c in s.chars() {
        let w = c.width().unwrap_or(0);
        if used + w + 1 > max_width {
            break;
        }
        out.push(c);
        used += w;
    }
    if max_width > 0 {
        out.push('…');
    }
    out
}

/// Word-wraps (already sanitised) text to `w` columns. Nothing is lost: a word longer than a
/// line is broken across lines.
#[must_use]
pub fn wrap(text: &str, w: usize) -> Vec<String> {
    let w = w.max(8);
    let mut out = Vec::new();
    let mut line = String::new();
    for long in text.split_whitespace() {
        let mut pieces = split_wide(long, w);
        let Some(word) = pieces.pop() else { continue };
        for piece in pieces {
            if !line.is_empty() {
                out.push(std::mem::take(&mut line));
            }
            out.push(piece);
        }
        let need = if line.is_empty() {
            width(&word)
        } else {
            width(&line) + 1 + width(&word)
        };
        if need > w && !line.is_empty() {
            out.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(&word);
    }
    if !line.is_empty() {
        out.push(line);
    }
    out
}

/// A word in pieces of at most `w` columns (one piece when it fits).
fn split_wide(word: &str, w: usize) -> Vec<String> {
    let mut pieces = vec![String::new()];
    for c in word.chars() {
        let cw = width(c.encode_utf8(&mut [0; 4]));
        if let Some(last) = pieces.last_mut()
            && width(last) + cw > w
            && !last.is_empty()
        {
            pieces.push(String::new());
        }
        if let Some(last) = pieces.last_mut() {
            last.push(c);
        }
    }
    pieces
}

/// The longest prefix of `s` of at most `max_bytes` bytes that ends on a char boundary.
#[must_use]
pub fn prefix(s: &str, max_bytes: usize) -> &str {
    if s.len() <= max_bytes {
        return s;
    }
    let mut end = max_bytes;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

/// The longest suffix of `s` of at most `max_bytes` bytes that starts on a char boundary.
#[must_use]
pub fn suffix(s: &str, max_bytes: usize) -> &str {
    if s.len() <= max_bytes {
        return s;
    }
    let mut start = s.len() - max_bytes;
    while !s.is_char_boundary(start) {
        start += 1;
    }
    &s[start..]
}

/// A path cut to `max_width` columns from the left (`…/src/parser/lines.rs`), so the file name,
/// the part people recognise, survives. Cleaned like [`one_line`].
#[must_use]
pub fn path_tail(path: &str, max_width: usize) -> String {
    let clean = one_line(path, 4096);
    if width(&clean) <= max_width {
        return clean;
    }
    let mut kept: Vec<char> = Vec::new();
    let mut used = 1; // the leading ellipsis
    for c in clean.chars().rev() {
        let w = c.width().unwrap_or(0);
        if used + w > max_width {
            break;
        }
        kept.push(c);
        used += w;
    }
    kept.reverse();
    let tail: String = kept.into_iter().collect();
    // Start at a separator when one is in reach, so no component is half cut.
    let tail = match tail.find('/') {
        Some(i) if i < tail.len() / 2 => tail[i..].to_owned(),
        _ => tail,
    };
    format!("…{tail}")
}

/// Display width of a string in terminal columns.
#[must_use]
pub fn width(s: &str) -> usize {
    s.chars().map(|c| c.width().unwrap_or(0)).sum()
}

fn needs_cleaning(s: &str) -> bool {
    s.bytes().any(|b| b < 0x20 && b != b'\n' || b == 0x7f)
        || (!s.is_ascii()
            && s.chars()
                .any(|c| is_c1(c) || is_invisible_control(c) || is_emoji_glue(c)))
}

fn is_c1(c: char) -> bool {
    ('\u{80}'..='\u{9f}').contains(&c)
}

/// Characters that draw nothing and are always removed: bidi embedding/override/isolate marks,
/// zero-width spaces and non-joiners, tag characters, Hangul fillers, supplementary variation
/// selectors and other format controls.
fn is_invisible_control(c: char) -> bool {
    matches!(c,
        '\u{00ad}' | '\u{034f}' | '\u{061c}' | '\u{115f}' | '\u{1160}' | '\u{17b4}' | '\u{17b5}'
        | '\u{180b}'..='\u{180f}' | '\u{200b}' | '\u{200c}' | '\u{200e}' | '\u{200f}'
        | '\u{202a}'..='\u{202e}' | '\u{2060}'..='\u{206f}' | '\u{3164}' | '\u{fe00}'..='\u{fe0d}'
        | '\u{feff}' | '\u{ffa0}' | '\u{fff9}'..='\u{fffb}' | '\u{1bca0}'..='\u{1bca3}'
        | '\u{1d173}'..='\u{1d17a}' | '\u{e0000}'..='\u{e007f}' | '\u{e0100}'..='\u{e01ef}')
}

/// The zero-width joiner and the text/emoji presentation selectors: kept inside emoji
/// sequences only.
fn is_emoji_glue(c: char) -> bool {
    matches!(c, '\u{200d}' | '\u{fe0e}' | '\u{fe0f}')
}

/// A character that is (or can be shown as) an emoji: Extended_Pictographic, approximately, by
/// block.
fn is_emoji(c: char) -> bool {
    matches!(c,
        '\u{00a9}' | '\u{00ae}' | '\u{203c}' | '\u{2049}' | '\u{2122}' | '\u{2139}'
        | '\u{2194}'..='\u{21ff}' | '\u{2300}'..='\u{23ff}' | '\u{24c2}' | '\u{25a0}'..='\u{27bf}'
        | '\u{2934}' | '\u{2935}' | '\u{2b00}'..='\u{2bff}' | '\u{3030}' | '\u{303d}' | '\u{3297}'
        | '\u{3299}' | '\u{1f000}'..='\u{1faff}')
}

/// Whether `c` (an [`is_emoji_glue`] character) belongs to an emoji sequence, given the last
/// character kept and the one after it.
fn keep_glue(c: char, prev: Option<char>, next: Option<char>) -> bool {
    match c {
        // Between an emoji (or its selector, skin tone, keycap) and another emoji.
        '\u{200d}' => {
            prev.is_some_and(|p| is_emoji(p) || p == '\u{fe0f}' || p == '\u{20e3}')
                && next.is_some_and(is_emoji)
        }
        // After an emoji, or a keycap base (1️⃣ is `1`, U+FE0F, U+20E3).
        _ => prev.is_some_and(|p| is_emoji(p) || matches!(p, '0'..='9' | '#' | '*')),
    }
}

/// Copies `s` into `out` without escape sequences or controls.
fn strip_into(s: &str, out: &mut String, keep_newlines: bool) {
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            c if is_emoji_glue(c) => {
                if keep_glue(c, out.chars().next_back(), chars.peek().copied()) {
                    out.push(c);
                }
            }
            '\x1b' => skip_escape(&mut chars),
            '\u{9b}' => skip_csi(&mut chars),
            '\u{9d}' | '\u{90}' | '\u{98}' | '\u{9e}' | '\u{9f}' => skip_string(&mut chars),
            '\t' => out.push_str(TAB),
            '\n' if keep_newlines => out.push('\n'),
            '\n' => out.push(' '),
            c if c.is_control() || is_invisible_control(c) => {}
            c => out.push(c),
        }
    }
}

type Chars<'a> = std::iter::Peekable<std::str::Chars<'a>>;

fn skip_escape(chars: &mut Chars<'_>) {
    match chars.next() {
        Some('[') => skip_csi(chars),
        Some(']' | 'P' | 'X' | '^' | '_') => skip_string(chars),
        // Two-byte sequences (ESC 7, ESC c, ESC ( B …): intermediates then one final byte.
        Some(c) if ('\x20'..='\x2f').contains(&c) => {
            while chars.next_if(|c| ('\x20'..='\x2f').contains(c)).is_some() {}
            chars.next();
        }
        _ => {}
    }
}

/// CSI: parameter and intermediate bytes, then one final byte in `@`..`~`.
fn skip_csi(chars: &mut Chars<'_>) {
    for c in chars.by_ref() {
        if ('\x40'..='\x7e').contains(&c) {
            return;
        }
        if !('\x20'..='\x3f').contains(&c) {
            // Malformed: a control or non-ASCII inside the sequence ends it here.
            return;
        }
    }
}

/// OSC/DCS/SOS/PM/APC payload, ended by BEL, ST (`ESC \`) or C1 ST; unterminated runs to the end.
fn skip_string(chars: &mut Chars<'_>) {
    while let Some(c) = chars.next() {
        match c {
            '\x07' | '\u{9c}' => return,
            '\x1b' => {
                chars.next_if_eq(&'\\');
                return;
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `one_line` as it was before it looked at a short head first: every text cleaned and
    /// folded up to its first 64 KiB.
    fn one_line_whole(s: &str, max_width: usize) -> String {
        let s = prefix(s, max_width.saturating_mul(4).saturating_add(64 * 1024));
        clip(&clean_folded(s), max_width)
    }

    proptest::proptest! {
        #[test]
        fn one_line_from_a_short_head_is_the_line_from_the_whole(
            t in "([a-z]{1,9}|[ \t\n]{1,3}|\x1b\\[[0-9;]{0,3}m|\x1b\\][0-9;a-z]{0,12}(\x07)?|\u{200d}|\u{fe0f}|👩|💻|日本|é|\u{202e}){0,400}",
            w in 0usize..40,
        ) {
            proptest::prop_assert_eq!(one_line(&t, w), one_line_whole(&t, w));
        }

        #[test]
        fn one_lines_are_the_two_one_lines(
            t in "([a-z]{1,9}|[ \t\n]{1,3}|\x1b\\[[0-9;]{0,3}m|\u{200d}|👩|日本|é){0,300}",
            a in 0usize..40,
            b in 0usize..40,
        ) {
            proptest::prop_assert_eq!(one_lines(&t, a, b), (one_line(&t, a), one_line(&t, b)));
        }

        #[test]
        fn one_line_of_plain_ascii_is_the_line_from_the_whole(
            t in "([ -~]{0,12}|[ \t\n\r]{1,3}|\x7f|\x1b\\[1m|é){0,12}",
            slack in 0usize..4,
        ) {
            // Widths around the text's length, where the plain path starts and stops.
            let w = t.len().saturating_sub(slack);
            proptest::prop_assert_eq!(one_line(&t, w), one_line_whole(&t, w));
            proptest::prop_assert_eq!(one_line(&t, w + slack), one_line_whole(&t, w + slack));
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(3000))]
        /// ASCII text folds a byte at a time as it does a character at a time.
        #[test]
        fn ascii_folds_as_characters_do(
            t in "([ -~]{0,12}|[ \t\n\r\x0b\x0c]{1,3}|[\x00-\x1f\x7f]|\x1b\\[1m){0,30}",
        ) {
            if let Some(fast) = ascii_folded(&t) {
                proptest::prop_assert_eq!(fast, clean_folded_chars(&t));
            } else {
                proptest::prop_assert!(t.contains('\x1b'));
            }
        }
    }

    #[test]
    fn plain_lines_are_kept_as_they_are() {
        for t in [
            "",
            "a",
            "fix the parser",
            "/home/dev/projects/web",
            "claude-sonnet-4-5",
        ] {
            assert!(is_plain_line(t.as_bytes()), "{t:?}");
            assert_eq!(one_line(t, 100), t);
        }
        for t in [
            " a",
            "a ",
            "a  b",
            "a\tb",
            "a\nb",
            "a\x7f",
            "é",
            "a\x1b[1mb",
        ] {
            assert!(!is_plain_line(t.as_bytes()), "{t:?}");
        }
    }

    #[test]
    fn one_line_of_a_long_text_cut_after_its_head() {
        for (t, w) in [
            (
                format!("{}\u{1b}]0;{}", "a ".repeat(300), "x".repeat(70_000)),
                100,
            ),
            (format!("{}{}", " ".repeat(500), "word ".repeat(100)), 100),
            // Heads that clean to (almost) nothing: the line must come from further on.
            (
                format!("go{}{}", "\u{1b}[0m".repeat(200), "word ".repeat(100)),
                100,
            ),
            (
                format!("x{}{}", "\u{200b}\n".repeat(100), "x".repeat(20)),
                10,
            ),
            (format!("ab{}{}", " ".repeat(300), "c".repeat(50)), 10),
            (
                format!("{}abcdefghij{}", " ".repeat(270), "c".repeat(50)),
                10,
            ),
            (format!("{}👩\u{200d}💻", "ab".repeat(258)), 512),
            (
                format!("{}\n\n{}", "日本".repeat(80), "z".repeat(1000)),
                100,
            ),
        ] {
            assert_eq!(one_line(&t, w), one_line_whole(&t, w), "{w}");
        }
    }

    #[test]
    fn wrap_breaks_a_word_too_long_for_a_line_instead_of_cutting_it() {
        let lines = wrap("see /a/very/long/path/to/some/file.rs now", 10);
        assert!(lines.iter().all(|l| width(l) <= 10), "{lines:?}");
        assert_eq!(
            lines.concat().replace(' ', ""),
            "see/a/very/long/path/to/some/file.rsnow"
        );
    }

    #[test]
    fn wrap_keeps_words_and_width() {
        let lines = wrap("The same test failed 3 times with edits in between", 16);
        assert!(lines.iter().all(|l| width(l) <= 16), "{lines:?}");
        assert_eq!(
            lines.join(" "),
            "The same test failed 3 times with edits in between"
        );
        assert!(wrap("", 10).is_empty());
    }

    #[test]
    fn plain_text_is_borrowed() {
        assert!(matches!(clean("hello\nworld"), Cow::Borrowed(_)));
        assert!(matches!(clean("héllo 日本"), Cow::Borrowed(_)));
    }

    #[test]
    fn csi_and_osc_sequences_are_removed_whole() {
        assert_eq!(clean("\x1b[31merror\x1b[0m done"), "error done");
        assert_eq!(clean("a\x1b]52;c;ZXZpbA==\x07b"), "ab");
        assert_eq!(clean("a\x1b]0;title\x1b\\b"), "ab");
        assert_eq!(clean("x\x1b[2Jy"), "xy");
        assert_eq!(clean("x\u{9b}31my"), "xy");
        assert_eq!(clean("x\x1bPpayload\x1b\\y"), "xy");
        assert_eq!(clean("x\x1b(By"), "xy");
    }

    #[test]
    fn controls_and_bidi_marks_are_removed_tabs_kept_as_spaces() {
        assert_eq!(clean("a\tb"), "a    b");
        assert_eq!(clean("a\x07b\x08c\rd\x7f"), "abcd");
        assert_eq!(clean("user\u{202e}gnp.exe"), "usergnp.exe");
    }

    #[test]
    fn invisible_characters_are_removed() {
        // Unicode tag characters smuggle ASCII text no one sees ("ignore previous").
        let tagged: String = "ok"
            .chars()
            .chain(
                "ignore previous"
                    .chars()
                    .map(|c| char::from_u32(0xE0000 + c as u32).unwrap()),
            )
            .chain(['\u{E0001}', '\u{E007F}'])
            .collect();
        assert_eq!(clean(&tagged), "ok");
        // Hangul fillers render as blanks of width 1 or 2.
        assert_eq!(clean("a\u{115F}b\u{1160}c\u{3164}d\u{FFA0}e"), "abcde");
        // Variation selectors on letters, and the supplementary ones, carry nothing visible.
        assert_eq!(clean("a\u{FE0F}b\u{FE00}c\u{E0100}d\u{E01EF}"), "abcd");
        // Other format controls that draw nothing.
        assert_eq!(
            clean(
                "a\u{00AD}b\u{034F}c\u{180E}d\u{2065}e\u{206A}f\u{206F}g\u{FFF9}h\u{FFFB}i\u{1D173}j\u{17B4}k"
            ),
            "abcdefghijk"
        );
        assert_eq!(
            clean("zero\u{200B}width\u{200C}non\u{200D}joiner"),
            "zerowidthnonjoiner"
        );
        assert!(!matches!(clean("x\u{E0041}"), Cow::Borrowed(_)));
        assert_eq!(one_line("a \u{3164} b", 20), "a b");
    }

    #[test]
    fn emoji_sequences_keep_their_joiners_and_selectors() {
        for emoji in [
            "👩\u{200D}💻",                     // woman technologist
            "👨\u{200D}👩\u{200D}👧\u{200D}👦", // family
            "❤\u{FE0F}",                        // red heart, emoji style
            "❤\u{FE0F}\u{200D}🔥",              // heart on fire
            "🏳\u{FE0F}\u{200D}🌈",              // rainbow flag
            "👍🏽",                               // skin tone
            "1\u{FE0F}\u{20E3}",                // keycap one
            "☺\u{FE0E}",                        // text style
        ] {
            assert_eq!(clean(emoji), emoji, "{emoji:?}");
        }
        // A joiner with no emoji on both sides, or a selector on a letter, goes.
        assert_eq!(clean("a\u{200D}b 👩\u{200D} x\u{200D}💻"), "ab 👩 x💻");
        assert_eq!(clean("\u{200D}👩"), "👩");
    }

    #[test]
    fn unterminated_sequences_do_not_leak_their_payload() {
        assert_eq!(clean("ok\x1b]52;c;AAAA"), "ok");
        assert_eq!(clean("ok\x1b["), "ok");
    }

    #[test]
    fn one_line_folds_whitespace_and_cuts_by_width() {
        assert_eq!(one_line("  fix\n\n the   tests  ", 40), "fix the tests");
        assert_eq!(one_line("abcdefghij", 10), "abcdefghij");
        assert_eq!(one_line("abcdefghijk", 10), "abcdefghi…");
        assert_eq!(one_line("日本語日本語", 7), "日本語…");
        assert_eq!(one_line("\x1b[1mbold\x1b[22m text", 20), "bold text");
    }

    #[test]
    fn huge_widths_do_not_overflow() {
        assert_eq!(one_line("a  b", usize::MAX), "a b");
    }

    #[test]
    fn path_tails_keep_the_file_name() {
        assert_eq!(
            path_tail("/home/u/projects/app/src/parser/lines.rs", 24),
            "…/src/parser/lines.rs"
        );
        assert_eq!(path_tail("src/a.rs", 24), "src/a.rs");
        assert!(width(&path_tail("/x/yyyyyyyyyyyyyyyyyyyyyyyyyyyyy.rs", 10)) <= 10);
    }

    #[test]
    fn one_line_result_never_exceeds_width() {
        for s in [
            "a b c d e f g h",
            "日本語 x 日本語 y",
            "word  word\tword\nword",
        ] {
            for w in 1..20 {
                assert!(
                    width(&one_line(s, w)) <= w,
                    "{s:?} at {w}: {:?}",
                    one_line(s, w)
                );
            }
        }
    }
}
