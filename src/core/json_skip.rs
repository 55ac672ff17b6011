//! Finding where a JSON value ends, sixteen bytes at a step, as strictly as `serde_json` checks
//! the values it skips.
//!
//! Most of a transcript's bytes are tool output held in JSON strings that no rule reads whole:
//! `serde_json` skips them at about 1.8 GB/s on real output, because code and logs put an escape
//! every ~15 bytes and it stops at each one. Here a 64-byte block is classified at once (quotes,
//! backslashes, control bytes as bit masks, SSE2 on x86-64) and the escaped positions come from
//! the backslash runs by carry arithmetic (the technique of simdjson's string scanner), so the
//! cost per byte does not depend on how many escapes there are.
//!
//! The contract is one-sided: [`value_end`] returns `Some` only for a value `serde_json` would
//! skip without error, ending where `serde_json` would stop; anything it is unsure of (bad
//! escapes, control bytes, odd numbers, deep nesting, the input ending) is `None`, and the caller
//! falls back to `serde_json` for the whole line, which then decides and words the error.

/// Nesting deeper than this is left to `serde_json` (it has its own limit).
const MAX_DEPTH: usize = 64;

/// The index after the JSON whitespace starting at `i`.
#[must_use]
pub fn skip_ws(b: &[u8], mut i: usize) -> usize {
    while let Some(b' ' | b'\n' | b'\t' | b'\r') = b.get(i) {
        i += 1;
    }
    i
}

/// Walks the JSON object at `i` of `text`: `f(key, value_start)` reads each value and returns the index after
/// it. The index after the closing brace, or `None` (a key with an escape, or odd syntax).
pub fn entries<'a>(
    text: &'a str,
    i: usize,
    mut f: impl FnMut(&'a str, usize) -> Option<usize>,
) -> Option<usize> {
    let b = text.as_bytes();
    if b.get(i) != Some(&b'{') {
        return None;
    }
    let mut i = skip_ws(b, i + 1);
    if b.get(i) == Some(&b'}') {
        return Some(i + 1);
    }
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
        i = skip_ws(b, f(key, skip_ws(b, i + 1))?);
        match b.get(i)? {
            b',' => i = skip_ws(b, i + 1),
            b'}' => return Some(i + 1),
            _ => return None,
        }
    }
}

/// The JSON value at `i`: its text, and whether it is a string without escapes.
pub fn value(text: &str, i: usize) -> Option<(&str, bool)> {
    let b = text.as_bytes();
    let (end, plain) = if b.get(i) == Some(&b'"') {
        string_span(b, i).map(|(end, escapes)| (end, !escapes))?
    } else {
        (value_end(b, i)?, false)
    };
    Some((text.get(i..end)?, plain))
}

/// The fields of a derived struct seen so far: a second one is `None` (serde rejects it).
#[derive(Default)]
pub struct Seen(u16);

impl Seen {
    /// `None` when `key` is one of `fields` and was seen before.
    pub fn first(&mut self, key: &str, fields: &[&str]) -> Option<()> {
        let Some(at) = fields.iter().position(|f| *f == key) else {
            return Some(());
        };
        let bit = 1u16 << at;
        if self.0 & bit != 0 {
            return None;
        }
        self.0 |= bit;
        Some(())
    }
}

/// Walks the JSON object at `i` of `text` as serde's derived reader walks a struct of `names`:
/// a second one of them is `None` (serde rejects it), and `f(key, value, plain)` reads each
/// value ([`value`]'s text, and whether it is a string without escapes), `None` where serde
/// would reject it. The index after the closing brace, as [`entries`] gives it.
pub fn fields<'a>(
    text: &'a str,
    i: usize,
    names: &[&str],
    mut f: impl FnMut(&'a str, &'a str, bool) -> Option<()>,
) -> Option<usize> {
    let mut seen = Seen::default();
    entries(text, i, |key, at| {
        seen.first(key, names)?;
        let (v, plain) = value(text, at)?;
        f(key, v, plain)?;
        Some(at + v.len())
    })
}

/// The index after the JSON value starting at `i` (no leading whitespace), if it is one
/// `serde_json` would skip without error. See the module docs.
#[must_use]
pub fn value_end(b: &[u8], i: usize) -> Option<usize> {
    value_end_at(b, i, 0)
}

fn value_end_at(b: &[u8], i: usize, depth: usize) -> Option<usize> {
    match *b.get(i)? {
        b'"' => string_end(b, i),
        b'{' => {
            if depth >= MAX_DEPTH {
                return None;
            }
            let mut j = skip_ws(b, i + 1);
            if b.get(j) == Some(&b'}') {
                return Some(j + 1);
            }
            loop {
                if b.get(j) != Some(&b'"') {
                    return None;
                }
                j = skip_ws(b, string_end(b, j)?);
                if b.get(j) != Some(&b':') {
                    return None;
                }
                j = skip_ws(b, value_end_at(b, skip_ws(b, j + 1), depth + 1)?);
                match b.get(j)? {
                    b',' => j = skip_ws(b, j + 1),
                    b'}' => return Some(j + 1),
                    _ => return None,
                }
            }
        }
        b'[' => {
            if depth >= MAX_DEPTH {
                return None;
            }
            let mut j = skip_ws(b, i + 1);
            if b.get(j) == Some(&b']') {
                return Some(j + 1);
            }
            loop {
                j = skip_ws(b, value_end_at(b, j, depth + 1)?);
                match b.get(j)? {
                    b',' => j = skip_ws(b, j + 1),
                    b']' => return Some(j + 1),
                    _ => return None,
                }
            }
        }
        b't' => literal(b, i, b"true"),
        b'f' => literal(b, i, b"false"),
        b'n' => literal(b, i, b"null"),
        b'-' | b'0'..=b'9' => number_end(b, i),
        _ => None,
    }
}

fn literal(b: &[u8], i: usize, word: &[u8]) -> Option<usize> {
    b.get(i..)?.starts_with(word).then_some(i + word.len())
}

/// `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`, the grammar `serde_json` checks.
fn number_end(b: &[u8], mut i: usize) -> Option<usize> {
    let digits = |b: &[u8], i: usize| -> usize {
        let mut j = i;
        while b.get(j).is_some_and(u8::is_ascii_digit) {
            j += 1;
        }
        j
    };
    if b.get(i) == Some(&b'-') {
        i += 1;
    }
    match b.get(i)? {
        b'0' => {
            i += 1;
            if b.get(i).is_some_and(u8::is_ascii_digit) {
                return None;
            }
        }
        b'1'..=b'9' => i = digits(b, i),
        _ => return None,
    }
    if b.get(i) == Some(&b'.') {
        let j = digits(b, i + 1);
        if j == i + 1 {
            return None;
        }
        i = j;
    }
    if let Some(b'e' | b'E') = b.get(i) {
        i += 1;
        if let Some(b'+' | b'-') = b.get(i) {
            i += 1;
        }
        let j = digits(b, i);
        if j == i {
            return None;
        }
        i = j;
    }
    Some(i)
}

/// The index after the JSON string whose opening quote is at `i`, if its escapes are valid and
/// it holds no control bytes.
#[must_use]
pub fn string_end(b: &[u8], i: usize) -> Option<usize> {
    string_span(b, i).map(|(end, _)| end)
}

/// [`string_end`], and whether the string holds any escape (a plain one is its own text).
#[must_use]
pub fn string_span(b: &[u8], i: usize) -> Option<(usize, bool)> {
    if b.get(i) != Some(&b'"') {
        return None;
    }
    // Keys, ids and timestamps are short: one 16-byte lane (or two) is cheaper than a block.
    let mut pos = i + 1;
    for _ in 0..2 {
        let Some(lane) = b.get(pos..).and_then(<[u8]>::first_chunk::<16>) else {
            break;
        };
        let stops = lane_stops(lane);
        if stops != 0 {
            let at = pos + stops.trailing_zeros() as usize;
            return match b[at] {
                b'"' => Some((at + 1, false)),
                b'\\' => long_string(b, at),
                _ => None,
            };
        }
        pos += 16;
    }
    if b.len() - pos >= 16 {
        return long_string(b, pos);
    }
    // Fewer than 16 bytes left: a byte at a time.
    for (k, &c) in b.get(pos..)?.iter().enumerate() {
        match c {
            b'"' => return Some((pos + k + 1, false)),
            b'\\' => return long_string(b, pos + k),
            0..0x20 => return None,
            _ => {}
        }
    }
    None
}

/// The text of the JSON string literal `v` (quotes included) that [`string_span`] accepted, with
/// `escapes` as it said: borrowed as it stands when it has none, else [`unescape`]d (`None` where
/// serde_json would reject it).
#[must_use]
pub fn text(v: &str, escapes: bool) -> Option<std::borrow::Cow<'_, str>> {
    if escapes {
        return unescape(v).map(std::borrow::Cow::Owned);
    }
    Some(std::borrow::Cow::Borrowed(
        v.strip_prefix('"')?.strip_suffix('"')?,
    ))
}

/// The value `v` (whose extent [`value`] found, `plain` as it said) read as serde_json reads an
/// `Option<Cow<str>>`: a string's [`text`], `null` absent. `None` for any other value (serde
/// rejects it) or a string [`text`] leaves to serde.
#[must_use]
pub fn optional_text(v: &str, plain: bool) -> Option<Option<std::borrow::Cow<'_, str>>> {
    match v.as_bytes().first()? {
        b'"' => text(v, !plain).map(Some),
        _ if v == "null" => Some(None),
        _ => None,
    }
}

/// The text of the JSON string literal `v` (quotes included) as `serde_json` decodes it into a
/// `str`, or `None` where it would not: an escape it rejects, a lone or unpaired surrogate.
/// `v` must be a string [`string_span`] accepted (so it holds no control bytes and ends at its
/// closing quote). Runs between escapes are copied whole: serde_json copies a string with escapes
/// into its scratch buffer and then once more into the `String`.
#[must_use]
pub fn unescape(v: &str) -> Option<String> {
    let inner = v.strip_prefix('"')?.strip_suffix('"')?;
    let b = inner.as_bytes();
    let mut out = String::with_capacity(inner.len());
    let mut i = 0;
    while let Some(k) = memchr::memchr(b'\\', b.get(i..)?) {
        out.push_str(inner.get(i..i + k)?);
        i += k + 1;
        let c = *b.get(i)?;
        i += 1;
        out.push(match c {
            b'"' => '"',
            b'\\' => '\\',
            b'/' => '/',
            b'b' => '\x08',
            b'f' => '\x0c',
            b'n' => '\n',
            b'r' => '\r',
            b't' => '\t',
            b'u' => {
                let hi = hex4(b.get(i..i + 4)?)?;
                i += 4;
                match hi {
                    // A trailing surrogate first, or a leading one not followed by a trailing
                    // one: serde_json rejects both in a `str`.
                    0xDC00..=0xDFFF => return None,
                    0xD800..=0xDBFF => {
                        if b.get(i..i + 2)? != b"\\u" {
                            return None;
                        }
                        let lo = hex4(b.get(i + 2..i + 6)?)?;
                        if !(0xDC00..=0xDFFF).contains(&lo) {
                            return None;
                        }
                        i += 6;
                        char::from_u32((((hi - 0xD800) << 10) | (lo - 0xDC00)) + 0x1_0000)?
                    }
                    n => char::from_u32(n)?,
                }
            }
            _ => return None,
        });
    }
    out.push_str(inner.get(i..)?);
    Some(out)
}

/// Four hex digits (either case) as a number.
fn hex4(h: &[u8]) -> Option<u32> {
    h.iter().try_fold(0u32, |n, &c| {
        let d = match c {
            b'0'..=b'9' => c - b'0',
            b'a'..=b'f' => c - b'a' + 10,
            b'A'..=b'F' => c - b'A' + 10,
            _ => return None,
        };
        Some(n << 4 | u32::from(d))
    })
}

/// Bit `k` set where byte `k` of a lane is a quote, a backslash or a control byte.
#[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
fn lane_stops(lane: &[u8; 16]) -> u32 {
    use safe_arch::{
        cmp_eq_mask_i8_m128i, load_unaligned_m128i, min_u8_m128i, move_mask_i8_m128i,
        set_splat_i8_m128i,
    };
    let v = load_unaligned_m128i(lane);
    #[expect(clippy::cast_possible_wrap, reason = "byte patterns for the compare")]
    let hits = cmp_eq_mask_i8_m128i(v, set_splat_i8_m128i(b'"' as i8))
        | cmp_eq_mask_i8_m128i(v, set_splat_i8_m128i(b'\\' as i8))
        | cmp_eq_mask_i8_m128i(min_u8_m128i(v, set_splat_i8_m128i(0x1F)), v);
    move_mask_i8_m128i(hits).cast_unsigned() & 0xFFFF
}

#[cfg(not(all(target_arch = "x86_64", target_feature = "sse2")))]
fn lane_stops(lane: &[u8; 16]) -> u32 {
    lane_stops_plain(lane)
}

/// [`lane_stops`] a byte at a time.
#[cfg_attr(all(target_arch = "x86_64", target_feature = "sse2"), allow(dead_code))]
fn lane_stops_plain(lane: &[u8; 16]) -> u32 {
    lane.iter().enumerate().fold(0, |m, (k, &c)| {
        m | (u32::from(c == b'"' || c == b'\\' || c < 0x20) << k)
    })
}

/// The rest of a string from `pos` (after its opening quote and any plain bytes), a block at a
/// time.
fn long_string(b: &[u8], mut pos: usize) -> Option<(usize, bool)> {
    let mut escapes = false;
    // 1 when the first byte of the next block is escaped (the last block ended in an odd run of
    // backslashes).
    let mut carry = 0u64;
    loop {
        let rest = b.get(pos..).filter(|r| !r.is_empty())?;
        let (masks, valid) = match rest.first_chunk::<64>() {
            Some(block) => (Masks::of(block), u64::MAX),
            None if b.len() >= 64 => {
                // The last 64 bytes of the input, shifted so bit 0 is `pos`.
                let shift = 64 - rest.len();
                let block = b.last_chunk::<64>()?;
                (Masks::of(block).shifted(shift), (1u64 << rest.len()) - 1)
            }
            None => {
                let mut block = [0u8; 64];
                block[..rest.len()].copy_from_slice(rest);
                (Masks::of(&block), (1u64 << rest.len()) - 1)
            }
        };
        let backslash = masks.backslash & valid;
        let escaped = escaped(backslash, &mut carry);
        let closing = masks.quote & valid & !escaped;
        let before = if closing == 0 {
            valid
        } else {
            (closing & closing.wrapping_neg()) - 1
        };
        if masks.control & before != 0 {
            return None;
        }
        escapes |= (backslash & before) != 0;
        // Every escaped byte must start a valid escape; `"`, `\\`, `n` and `t` always do.
        let mut odd = escaped & before & !(masks.quote | masks.backslash | masks.common);
        while odd != 0 {
            let at = pos + odd.trailing_zeros() as usize;
            match b[at] {
                b'/' | b'b' | b'f' | b'r' => {}
                b'u' => {
                    if !b.get(at + 1..at + 5)?.iter().all(u8::is_ascii_hexdigit) {
                        return None;
                    }
                }
                _ => return None,
            }
            odd &= odd - 1;
        }
        if closing != 0 {
            return Some((pos + closing.trailing_zeros() as usize + 1, escapes));
        }
        if valid != u64::MAX {
            return None;
        }
        pos += 64;
    }
}

/// The escaped positions of a block (the byte after each odd-length run of backslashes), given
/// its backslashes and the carry from the block before; updates the carry.
fn escaped(backslash: u64, carry: &mut u64) -> u64 {
    if backslash == 0 {
        return std::mem::take(carry);
    }
    const ODD: u64 = 0xAAAA_AAAA_AAAA_AAAA;
    // Backslashes that start an escape (not themselves escaped by the block before).
    let starts = backslash & !*carry;
    // Adding a run's start to the odd bits carries through the run: whether the run ends on an
    // odd or even position tells if its length is odd.
    let even_codes_and_odd_bits = ((starts << 1) | ODD).wrapping_sub(starts);
    let escape_and_terminal = even_codes_and_odd_bits ^ ODD;
    let escaped = escape_and_terminal ^ (backslash | *carry);
    *carry = (escape_and_terminal & backslash) >> 63;
    escaped
}

/// Bit `k` set where byte `k` of a 64-byte block is a quote, a backslash, a control byte, an `n`
/// or `t` (the escapes code and logs are full of, checked without a byte-wise look).
#[derive(Debug, PartialEq, Eq)]
struct Masks {
    quote: u64,
    backslash: u64,
    control: u64,
    common: u64,
}

impl Masks {
    /// The masks of a block that starts `by` bytes earlier than the one wanted.
    fn shifted(self, by: usize) -> Self {
        Masks {
            quote: self.quote >> by,
            backslash: self.backslash >> by,
            control: self.control >> by,
            common: self.common >> by,
        }
    }

    #[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
    fn of(block: &[u8; 64]) -> Self {
        use safe_arch::{
            cmp_eq_mask_i8_m128i, load_unaligned_m128i, min_u8_m128i, move_mask_i8_m128i,
            set_splat_i8_m128i,
        };
        #[expect(clippy::cast_possible_wrap, reason = "byte patterns for the compare")]
        let (quote, backslash, control_max, n, t) = (
            set_splat_i8_m128i(b'"' as i8),
            set_splat_i8_m128i(b'\\' as i8),
            set_splat_i8_m128i(0x1F),
            set_splat_i8_m128i(b'n' as i8),
            set_splat_i8_m128i(b't' as i8),
        );
        let mut m = Masks {
            quote: 0,
            backslash: 0,
            control: 0,
            common: 0,
        };
        let (lanes, _) = block.as_chunks::<16>();
        for (k, lane) in lanes.iter().enumerate() {
            let v = load_unaligned_m128i(lane);
            let bits = |x| u64::from(move_mask_i8_m128i(x).cast_unsigned() & 0xFFFF) << (16 * k);
            m.quote |= bits(cmp_eq_mask_i8_m128i(v, quote));
            m.backslash |= bits(cmp_eq_mask_i8_m128i(v, backslash));
            // A byte is at most 0x1F where the smaller of it and 0x1F is itself.
            m.control |= bits(cmp_eq_mask_i8_m128i(min_u8_m128i(v, control_max), v));
            m.common |= bits(cmp_eq_mask_i8_m128i(v, n) | cmp_eq_mask_i8_m128i(v, t));
        }
        m
    }

    #[cfg(not(all(target_arch = "x86_64", target_feature = "sse2")))]
    fn of(block: &[u8; 64]) -> Self {
        Self::plain(block)
    }

    /// A byte at a time: the reference the vector version is tested against, and the version
    /// for other processors.
    #[cfg_attr(all(target_arch = "x86_64", target_feature = "sse2"), allow(dead_code))]
    fn plain(block: &[u8; 64]) -> Self {
        let mut m = Masks {
            quote: 0,
            backslash: 0,
            control: 0,
            common: 0,
        };
        for (k, &c) in block.iter().enumerate() {
            m.common |= u64::from(c == b'n' || c == b't') << k;
            m.quote |= u64::from(c == b'"') << k;
            m.backslash |= u64::from(c == b'\\') << k;
            m.control |= u64::from(c < 0x20) << k;
        }
        m
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// What `serde_json` says: the end of the first value in `s` when it skips it, as the raw
    /// value it would borrow.
    fn serde_end(s: &str) -> Option<usize> {
        let mut it =
            serde_json::Deserializer::from_str(s).into_iter::<&serde_json::value::RawValue>();
        match it.next() {
            Some(Ok(_)) => Some(it.byte_offset()),
            _ => None,
        }
    }

    fn ours(s: &str) -> Option<usize> {
        value_end(s.as_bytes(), 0)
    }

    #[test]
    fn agrees_with_serde_on_tricky_values() {
        let long_escapes = format!("\"{}\"", "a\\n\\\"b\\\\".repeat(40));
        let cases = [
            r#""""#,
            r#""plain""#,
            r#""esc \" quote""#,
            r#""\\""#,
            r#""\\\"""#,
            r#""\\\\""#,
            r#""\u00e9 \uD83D\uDE00""#,
            r#""\u12G4""#,
            r#""\x""#,
            r#""unterminated"#,
            "\"tab\tinside\"",
            "\"nl\ninside\"",
            r#"{"a":1,"b":[true,false,null,-0.5e+3,{"c":"d"}]}"#,
            r#"{"a":1,}"#,
            r#"[1,2,]"#,
            r#"[01]"#,
            r#"[1.]"#,
            r#"[1e]"#,
            r#"[-]"#,
            r#"{ "a" : [ ] , "b" : { } }"#,
            r#"{"a" 1}"#,
            "tru",
            "nul",
            "[1 2]",
            long_escapes.as_str(),
        ];
        for c in cases {
            let expected = serde_end(c);
            let got = ours(c);
            assert_eq!(got, expected, "{c}");
        }
    }

    #[test]
    fn a_string_ends_at_every_position_of_a_block() {
        for n in 0..200 {
            for tail in ["\"", "\\\\\"", "\\\"x\""] {
                let s = format!("\"{}{tail},", "ab\\n".repeat(n / 4) + &"z".repeat(n % 4));
                assert_eq!(ours(&s), serde_end(&s), "{s}");
            }
        }
    }

    #[test]
    fn a_string_cut_anywhere_is_not_a_string() {
        let whole = format!("\"{}\"", "x\\n".repeat(40));
        for cut in 0..whole.len() {
            assert_eq!(ours(&whole[..cut]), None, "cut at {cut}");
        }
        assert_eq!(ours(&whole), serde_end(&whole));
    }

    #[test]
    fn deep_nesting_is_left_to_serde() {
        let deep = format!("{}{}", "[".repeat(100), "]".repeat(100));
        assert_eq!(ours(&deep), None);
        let fine = format!("{}{}", "[".repeat(30), "]".repeat(30));
        assert_eq!(ours(&fine), serde_end(&fine));
    }

    #[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
    proptest! {
        #[test]
        fn vector_masks_equal_the_plain_ones(v in proptest::collection::vec(any::<u8>(), 64)) {
            let mut block = [0u8; 64];
            block.copy_from_slice(&v);
            prop_assert_eq!(Masks::of(&block), Masks::plain(&block));
            let lane: [u8; 16] = std::array::from_fn(|k| v[k]);
            prop_assert_eq!(lane_stops(&lane), lane_stops_plain(&lane));
        }
    }

    /// What `serde_json` decodes a string literal to.
    fn serde_text(s: &str) -> Option<String> {
        serde_json::from_str::<String>(s).ok()
    }

    #[test]
    fn unescapes_as_serde_does() {
        for s in [
            r#""a\nb""#,
            r#""\"\\\/\b\f\n\r\t""#,
            r#""\u00e9\u00E9 \uD83D\uDE00 \u0000""#,
            r#""\uD800""#,
            r#""\uDE00""#,
            r#""\uD83D\u0041""#,
            r#""\uD83D\n""#,
            r#""\uD83Dx""#,
            r#""\uD83D\uD83D\uDE00""#,
            r#""\u12G4""#,
            r#""\q""#,
            r#""ends in \u12""#,
            r#""é \u00e9 ü""#,
        ] {
            assert_eq!(unescape(s), serde_text(s), "{s}");
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(3000))]
        /// Whatever string `string_span` accepts decodes as serde_json decodes it, or is left to
        /// serde_json (which then rejects it).
        #[test]
        fn unescape_agrees_with_serde(
            parts in proptest::collection::vec(prop_oneof![
                Just("\\\\"), Just("\\\""), Just("\\/"), Just("\\n"), Just("\\t"), Just("\\b"),
                Just("\\u00ff"), Just("\\u00FF"), Just("\\uD83D"), Just("\\uDE00"), Just("\\uDBFF"),
                Just("\\uDC00"), Just("\\u0000"), Just("\\u"), Just("\\q"), Just("é"), Just("😀"),
                Just("x"), Just("plain words "),
            ], 0..24)
        ) {
            let s = format!("\"{}\"", parts.concat());
            if string_span(s.as_bytes(), 0).is_some_and(|(end, _)| end == s.len()) {
                let ours = unescape(&s);
                prop_assert!(ours.is_none() || ours == serde_text(&s), "{:?}: {:?}", s, ours);
                prop_assert_eq!(ours.is_some(), serde_text(&s).is_some(), "{:?}", s);
            }
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]
        /// Strings of escapes, quotes and backslashes in every arrangement and length.
        #[test]
        fn strings_agree_with_serde(
            parts in proptest::collection::vec(prop_oneof![
                Just("\\".to_owned()), Just("\"".to_owned()), Just("\\\"".to_owned()),
                Just("\\\\".to_owned()), Just("\\n".to_owned()), Just("\\u00ff".to_owned()),
                Just("\\u0g".to_owned()), Just("\\q".to_owned()), Just("\t".to_owned()),
                Just("é".to_owned()), "[a-z ]{0,70}",
            ], 0..40)
        ) {
            let s = format!("\"{}", parts.concat());
            prop_assert_eq!(ours(&s), serde_end(&s), "{:?}", s);
        }

        /// Values built from JSON pieces, valid and not.
        #[test]
        fn values_agree_with_serde(
            parts in proptest::collection::vec(prop_oneof![
                Just("{"), Just("}"), Just("["), Just("]"), Just(","), Just(":"), Just(" "),
                Just("\"k\""), Just("\"v\\\"\""), Just("1"), Just("-0.5"), Just("2e9"), Just("01"),
                Just("true"), Just("null"), Just("fals"),
            ], 1..30)
        ) {
            // Inside a list, so what follows a value is checked by the same grammar on both sides.
            let s = format!("[{}]", parts.concat());
            prop_assert_eq!(ours(&s), serde_end(&s), "{:?}", s);
        }
    }
}
