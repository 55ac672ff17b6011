//! Reading what people and agents wrote: corrections, frustration, vague prompts, anchors,
//! near-duplicates, apologies and completion claims. Lexicons come from the config.

use std::borrow::Cow;
use std::collections::HashSet;
use std::sync::LazyLock;

use regex::Regex;
use regex::bytes::{Regex as BytesRegex, RegexBuilder};

use crate::core::checks::re;
use crate::core::config::Lexicon;

/// The config's word lists, compiled.
#[derive(Debug, Clone)]
pub struct Lexicons {
    correction: Lex,
    frustration: Lex,
    continuation: Lex,
    affirmation: Lex,
    apology: Lex,
    completion: Lex,
    verification: Lex,
}

/// One word list, compiled on first use. Byte regexes with Unicode off: ASCII case folding is
/// all an English lexicon needs, and they build about ten times faster and never leave the fast
/// DFA. A list that needs Unicode falls back to it. Lazy because the status line is a new
/// process per call: a call that reads a few lines without a prompt never pays for the lists it
/// does not consult.
///
/// A process that reads a few lines and exits (the status line, the hook: [`Lexicons::one_call`])
/// builds them without the literal prefilter the regex crate extracts: finding those literals
/// under case folding is most of the building, and it pays off only on many long texts. Either
/// way a list matches the same texts (the same engine, the same syntax; a test compares them).
#[derive(Debug, Clone)]
struct Lex {
    pattern: String,
    lean: bool,
    re: std::sync::OnceLock<Matcher>,
}

#[derive(Debug, Clone)]
enum Matcher {
    Full(BytesRegex),
    Lean(regex_automata::meta::Regex),
}

impl Lex {
    fn is_match(&self, text: &str) -> bool {
        match self.re.get_or_init(|| build(&self.pattern, self.lean)) {
            Matcher::Full(re) => re.is_match(text.as_bytes()),
            Matcher::Lean(re) => re.is_match(text.as_bytes()),
        }
    }
}

fn compile(list: &[String], anchored: Option<(&str, &str)>, lean: bool) -> Lex {
    let alternatives = if list.is_empty() {
        r"[^\s\S]".to_owned()
    } else {
        list.join("|")
    };
    let (pre, post) = anchored.unwrap_or(("", ""));
    Lex {
        pattern: format!("{pre}(?:{alternatives}){post}"),
        lean,
        re: std::sync::OnceLock::new(),
    }
}

/// The byte regex of a list: Unicode off where the list allows, else on.
fn build(pattern: &str, lean: bool) -> Matcher {
    const SIZE: usize = 1 << 22;
    if lean {
        use regex_automata::{meta, util::syntax};
        let build = |unicode: bool| {
            meta::Builder::new()
                .configure(
                    // What `RegexBuilder::size_limit` sets, and no prefilter.
                    meta::Config::new()
                        .nfa_size_limit(Some(SIZE))
                        .onepass_size_limit(Some(SIZE))
                        .utf8_empty(false)
                        .auto_prefilter(false),
                )
                .syntax(
                    syntax::Config::new()
                        .case_insensitive(true)
                        .unicode(unicode)
                        .utf8(false),
                )
                .build(pattern)
                .ok()
        };
        if let Some(re) = build(false).or_else(|| build(true)) {
            return Matcher::Lean(re);
        }
    } else {
        let build = |unicode: bool| {
            RegexBuilder::new(pattern)
                .case_insensitive(true)
                .unicode(unicode)
                .size_limit(SIZE)
                .build()
        };
        if let Ok(re) = build(false).or_else(|_| build(true)) {
            return Matcher::Full(re);
        }
    }
    // Lexicons were validated when the config loaded; a failure here falls back to "never".
    Matcher::Full(BytesRegex::new(r"[^\s\S]").expect("the never-matching pattern compiles"))
}

impl Lexicons {
    /// Compiles a config's lexicon.
    #[must_use]
    pub fn new(l: &Lexicon) -> Self {
        Self::compiled(l, false)
    }

    /// [`Self::new`] for a process that reads a few lines and exits: each list is built when
    /// first needed, without the literal prefilter (see [`Lex`]). The same answers.
    #[must_use]
    pub fn one_call(l: &Lexicon) -> Self {
        Self::compiled(l, true)
    }

    fn compiled(l: &Lexicon, lean: bool) -> Self {
        Self {
            correction: compile(&l.corrections, Some((r"^\W*", "")), lean),
            frustration: compile(&l.frustration, None, lean),
            continuation: compile(&l.continuations, Some((r"^\W*", r"\W*$")), lean),
            affirmation: compile(&l.affirmations, None, lean),
            apology: compile(&l.apologies, None, lean),
            completion: compile(&l.completion_claims, None, lean),
            verification: compile(&l.verification_asks, None, lean),
        }
    }

    /// Every list's answer on `text`, by name: what [`Self::one_call`] must never change (tests
    /// compare the two builds). Not for use outside tests.
    #[doc(hidden)]
    #[must_use]
    pub fn every_answer(&self, text: &str) -> [(&'static str, bool); 7] {
        [
            ("correction", self.is_correction(text)),
            ("frustration", self.is_frustrated(text)),
            ("continuation", self.is_continuation(text)),
            ("affirmation", self.is_affirmation(text)),
            ("apology", self.is_apology(text)),
            ("completion", self.claims_done(text)),
            ("verification", self.asks_verification(text)),
        ]
    }

    /// The prompt's first clause corrects the agent ("no, …", "still broken", "you forgot …").
    #[must_use]
    pub fn is_correction(&self, prompt: &str) -> bool {
        self.correction_in(&human_text(prompt))
    }

    /// [`Self::is_correction`] on text already passed through [`human_text`].
    #[must_use]
    pub fn correction_in(&self, typed: &str) -> bool {
        self.correction.is_match(&first_clause(typed))
    }

    /// Strong frustration aimed at the agent, in text the human typed (not pasted output).
    #[must_use]
    pub fn is_frustrated(&self, prompt: &str) -> bool {
        self.frustration_in(&human_text(prompt))
    }

    /// [`Self::is_frustrated`] on text already passed through [`human_text`].
    #[must_use]
    pub fn frustration_in(&self, typed: &str) -> bool {
        if self.frustration.is_match(typed) {
            return true;
        }
        let (mut letters, mut upper) = (0usize, 0usize);
        if typed.is_ascii() {
            // ASCII letters are alphabetic, and the uppercase ones uppercase, as `char` says.
            for c in typed.bytes().filter(u8::is_ascii_alphabetic) {
                letters += 1;
                upper += usize::from(c.is_ascii_uppercase());
            }
        } else {
            for c in typed.chars().filter(|c| c.is_alphabetic()) {
                letters += 1;
                upper += usize::from(c.is_uppercase());
            }
        }
        let shouting = letters >= 12 && upper * 2 > letters;
        shouting || three_bangs(typed)
    }

    /// Only a continuation ("go on", "yes", "ok").
    #[must_use]
    pub fn is_continuation(&self, prompt: &str) -> bool {
        self.continuation.is_match(prompt.trim())
    }

    /// Affirms the result without correcting it.
    #[must_use]
    pub fn is_affirmation(&self, prompt: &str) -> bool {
        self.affirmation_in(&human_text(prompt))
    }

    /// [`Self::is_affirmation`] on text already passed through [`human_text`].
    #[must_use]
    pub fn affirmation_in(&self, typed: &str) -> bool {
        self.affirmation.is_match(&first_clause(typed)) && !self.correction_in(typed)
    }

    /// The agent apologises or gives up.
    #[must_use]
    pub fn is_apology(&self, agent_text: &str) -> bool {
        self.apology.is_match(agent_text)
    }

    /// The agent claims the work is done (looks at its last paragraph).
    #[must_use]
    pub fn claims_done(&self, agent_text: &str) -> bool {
        let last = agent_text.trim().rsplit("\n\n").next().unwrap_or("");
        self.completion.is_match(last) || self.completion.is_match(prefix_chars(agent_text, 300))
    }

    /// Asks for a specific check.
    #[must_use]
    pub fn asks_verification(&self, prompt: &str) -> bool {
        self.verification.is_match(prompt)
    }
}

static BANGS: LazyLock<Regex> = LazyLock::new(|| re(r"(\?!|!)+"));
static FENCE: LazyLock<Regex> = LazyLock::new(|| re(r"(?s)```.*?(```|$)"));
static PATH: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?:^|[\s`'(])(?:[\w.-]+/)+[\w.-]+|\b[\w-]+\.(?:rs|py|ts|tsx|js|jsx|go|rb|ex|exs|java|kt|c|h|cpp|cs|swift|php|toml|json|ya?ml|md|sql|sh|css|html|vue)\b",
    )
});
static IDENT: LazyLock<Regex> = LazyLock::new(|| {
    re(r"`[^`\n]+`|\b[a-z]+[A-Z]\w*\b|\b[A-Z][a-z]+[A-Z]\w*\b|\b[a-z]+_[a-z_0-9]+\b|\b\w+\(\)")
});
static ERRORISH: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r#"(?i)(error|exception|traceback|panicked|failed|undefined|null ?pointer|segfault|stack trace)[:\s]|"[^"]{8,}"|line \d+"#,
    )
});
static EXPECTED: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)\b(expected|instead( of)?|but (got|it|gets|returns)|should (be|return|show|have)|returns?|actual(ly)?|when (i|the|it|you)|only when|done when|must|acceptance)\b",
    )
});
static NUMBER: LazyLock<Regex> = LazyLock::new(|| re(r"\b\d+\b"));
static WORD: LazyLock<Regex> = LazyLock::new(|| re(r"[\p{L}\p{N}_]+"));
static QUESTION_START: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)^\W*(what|why|how|where|when|which|who|explain|can you (explain|tell|show)|is there|are there|does|do (we|you|i)|describe|summari[sz]e|tell me)\b",
    )
});

/// Text the human typed: code fences and pasted-looking lines (indented, quoted, log-like) out.
#[must_use]
pub fn human_text(prompt: &str) -> String {
    let no_fences = strip_fences(prompt);
    let mut out = String::with_capacity(no_fences.len());
    // The kept lines joined with `\n`: each with its `\n`, less the last one.
    for l in no_fences.lines().filter(|l| !pasted_line(l)) {
        out.push_str(l);
        out.push('\n');
    }
    out.pop();
    out
}

/// A line that looks pasted rather than typed: indented, tabbed or quoted.
fn pasted_line(l: &str) -> bool {
    l.starts_with("    ") || l.starts_with('\t') || l.trim_start().starts_with('>')
}

/// `text` with each code fence replaced by one space: from three backticks to the next three (or
/// to the end of the text), which is what [`FENCE`] matches (`unfiltered::human_text` and
/// `unfiltered::content_words` use that regex, and tests hold them equal to the functions that
/// use this). Borrowed when there is no fence.
fn strip_fences(text: &str) -> Cow<'_, str> {
    const TICKS: &[u8] = b"```";
    let b = text.as_bytes();
    let Some(mut start) = memchr::memmem::find(b, TICKS) else {
        return Cow::Borrowed(text);
    };
    let mut out = String::with_capacity(text.len());
    let mut kept = 0;
    loop {
        out.push_str(&text[kept..start]);
        out.push(' ');
        let body = start + TICKS.len();
        kept = match memchr::memmem::find(&b[body..], TICKS) {
            Some(k) => body + k + TICKS.len(),
            None => b.len(),
        };
        match memchr::memmem::find(&b[kept..], TICKS) {
            Some(k) => start = kept + k,
            None => break,
        }
    }
    out.push_str(&text[kept..]);
    Cow::Owned(out)
}

fn first_clause(text: &str) -> String {
    let t = past_interjections(text.trim());
    let end = t
        .find(['.', ',', ';', ':', '\n', '!', '?'])
        .unwrap_or(t.len())
        .min(120);
    prefix_chars(t, end).to_owned()
}

/// `text` after up to two leading interjections ("hmm, still broken", "ok but it still fails"):
/// the clause that says something comes after them. A text that is only an interjection stays.
fn past_interjections(text: &str) -> &str {
    let mut t = text;
    for _ in 0..2 {
        let end = t
            .bytes()
            .position(|b| !b.is_ascii_alphabetic())
            .unwrap_or(t.len());
        let word = &t.as_bytes()[..end];
        // A drawn-out word is the word: "hmmm", "ughh", "sooo" (the last letter once).
        let repeats = word.last().map_or(0, |last| {
            word.iter()
                .rev()
                .take_while(|c| c.eq_ignore_ascii_case(last))
                .count()
        });
        let short = &word[..end - repeats.saturating_sub(1)];
        let rest = t[end..].trim_start_matches([',', '.', '!', ' ', '-', '\u{2026}']);
        let filler = [
            "hm", "ugh", "uh", "um", "wel", "ok", "okay", "so", "oh", "ah", "sigh", "argh", "welp",
            "alright", "yeah", "but", "and",
        ]
        .iter()
        .any(|f| f.as_bytes().eq_ignore_ascii_case(short));
        if end == 0 || !filler || rest.is_empty() {
            break;
        }
        t = rest;
    }
    t
}

fn prefix_chars(s: &str, max: usize) -> &str {
    crate::core::sanitize::prefix(s, max)
}

/// Words in a text.
#[must_use]
pub fn word_count(text: &str) -> usize {
    let b = text.as_bytes();
    // Text without a Unicode space outside ASCII (nearly all text) is counted over bytes: a word
    // starts at a non-space byte after a space, and the bytes of other multi-byte characters
    // (dashes, arrows, box drawing, CJK) are simply not spaces.
    if has_unicode_space(b) {
        return text.split_whitespace().count();
    }
    // `char::is_whitespace` on ASCII: space, \t, \n, \x0B, \x0C, \r.
    let space = |c: u8| matches!(c, b' ' | b'\t'..=b'\r');
    let first = usize::from(b.first().is_some_and(|&c| !space(c)));
    // Pairs of neighbours over two plain slices (which the compiler turns into vector code), not
    // `windows(2)` (which it does not); counted per block of at most 255 pairs in a byte.
    let rest = b.get(1..).unwrap_or_default();
    let starts: usize = b
        .chunks(255)
        .zip(rest.chunks(255))
        .map(|(prev, next)| {
            prev.iter()
                .zip(next)
                .map(|(&p, &c)| u8::from(space(p) & !space(c)))
                .fold(0u8, u8::wrapping_add) as usize
        })
        .sum();
    first + starts
}

/// Whether UTF-8 text holds a whitespace character outside ASCII: U+0085 and U+00A0 (`C2 85`,
/// `C2 A0`), U+1680 (`E1 9A 80`), U+2000-U+200A, U+2028, U+2029 and U+202F (`E2 80 xx`), U+205F
/// (`E2 81 9F`) and U+3000 (`E3 80 80`): the `White_Space` characters `char::is_whitespace`
/// knows beyond ASCII. `C2`, `E1`, `E2` and `E3` only ever start a character.
fn has_unicode_space(b: &[u8]) -> bool {
    memchr::memchr3_iter(0xC2, 0xE1, 0xE2, b).any(|i| {
        matches!(
            (b[i], b.get(i + 1), b.get(i + 2)),
            (0xC2, Some(0x85 | 0xA0), _)
                | (0xE1, Some(0x9A), Some(0x80))
                | (0xE2, Some(0x80), Some(0x80..=0x8A | 0xA8 | 0xA9 | 0xAF))
                | (0xE2, Some(0x81), Some(0x9F))
        )
    }) || memchr::memmem::find(b, "\u{3000}".as_bytes()).is_some()
}

/// A text looked at once for the cheap byte tests that rule patterns out before they run (and
/// before they are compiled: the status line is a new process per call, and a pattern with
/// Unicode classes takes half a millisecond to build). Each test is a necessary condition for
/// its pattern to match, so a pattern runs whenever it could match and the result is the same.
struct Probe<'a> {
    text: &'a str,
    /// The text lowercased, when it is ASCII: case-insensitive patterns can then need one of
    /// their words in it. Other text (where Unicode case folding could match more) is never
    /// ruled out by a word test.
    lower: Option<String>,
}

impl<'a> Probe<'a> {
    fn new(text: &'a str) -> Self {
        Self {
            text,
            lower: text.is_ascii().then(|| text.to_ascii_lowercase()),
        }
    }

    /// Whether a case-insensitive pattern needing one of `words` (lowercase ASCII) may match.
    fn may_have(&self, words: &[&str]) -> bool {
        self.lower
            .as_deref()
            .is_none_or(|l| words.iter().any(|w| l.contains(w)))
    }

    /// [`PATH`] needs a `/` or a `.`.
    fn path(&self) -> bool {
        memchr::memchr2(b'/', b'.', self.text.as_bytes()).is_some() && PATH.is_match(self.text)
    }

    /// [`IDENT`] needs a backtick, `()`, `_` or an ASCII lowercase letter before an uppercase one.
    fn ident(&self) -> bool {
        let b = self.text.as_bytes();
        let may = memchr::memchr2(b'`', b'_', b).is_some()
            || self.text.contains("()")
            || b.windows(2)
                .any(|w| w[0].is_ascii_lowercase() && w[1].is_ascii_uppercase());
        may && IDENT.is_match(self.text)
    }

    fn errorish(&self) -> bool {
        self.may_have(&[
            "error",
            "exception",
            "traceback",
            "panicked",
            "failed",
            "undefined",
            "null",
            "segfault",
            "stack trace",
            "\"",
            "line ",
        ]) && ERRORISH.is_match(self.text)
    }

    fn expected(&self) -> bool {
        self.may_have(&[
            "expected",
            "instead",
            "but ",
            "should ",
            "return",
            "actual",
            "when",
            "must",
            "acceptance",
        ]) && EXPECTED.is_match(self.text)
    }

    /// [`NUMBER`] needs a digit (an ASCII one, in ASCII text).
    fn number(&self) -> bool {
        let may = self.lower.is_none() || self.text.bytes().any(|c| c.is_ascii_digit());
        may && NUMBER.is_match(self.text)
    }
}

/// The prompt names something concrete: a path, an identifier, an error, a number, an
/// expected-versus-actual phrase.
#[must_use]
pub fn has_anchor(prompt: &str) -> bool {
    let p = Probe::new(prompt);
    p.path() || p.ident() || p.errorish() || p.expected() || p.number()
}

/// The prompt brings new information: a pasted error or trace, a file, an identifier, or what
/// was expected versus what happened (R2).
#[must_use]
pub fn brings_information(prompt: &str) -> bool {
    let p = Probe::new(prompt);
    fence(prompt)
        || p.errorish()
        || p.path()
        || p.ident()
        || (p.expected() && word_count(prompt) >= 8)
}

/// The prompt is a question about the code rather than a request to change it.
#[must_use]
pub fn is_question(prompt: &str) -> bool {
    let t = prompt.trim();
    t.ends_with('?') || question_start(t)
}

/// [`QUESTION_START`] matches, where [`may_start_question`] says it can.
fn question_start(t: &str) -> bool {
    may_start_question(t) && QUESTION_START.is_match(t)
}

/// Three or more runs of `!` (three matches need three `!`).
fn three_bangs(typed: &str) -> bool {
    memchr::memchr_iter(b'!', typed.as_bytes()).nth(2).is_some()
        && BANGS.find_iter(typed).count() >= 3
}

/// A code fence: three backticks, which is all [`FENCE`] needs (what follows them, `.*?` in
/// `(?s)`, can be anything up to the text's end, where `$` matches), so it is not run.
fn fence(text: &str) -> bool {
    memchr::memmem::find(text.as_bytes(), b"```").is_some()
}

/// Whether [`QUESTION_START`] may match: in ASCII text, its first word (after what is not a
/// word character) must begin like one of the question words.
fn may_start_question(t: &str) -> bool {
    if !t.is_ascii() {
        return true;
    }
    let start = t
        .bytes()
        .position(|c| c.is_ascii_alphanumeric() || c == b'_')
        .unwrap_or(t.len());
    let rest = &t.as_bytes()[start..];
    [
        "wh",
        "how",
        "explain",
        "can you",
        "is there",
        "are there",
        "do",
        "describe",
        "summari",
        "tell me",
    ]
    .iter()
    .any(|w| rest.len() >= w.len() && rest[..w.len()].eq_ignore_ascii_case(w.as_bytes()))
}

/// The set [`content_words`] gives: each word by its hash (a prompt's words are compared, never
/// shown; hashes keep a long pasted prompt from costing an allocation per word).
pub type Words = HashSet<u64, crate::core::hash::KeyHash>;

fn word_key(w: &str) -> u64 {
    crate::core::hash::hash(w.as_bytes())
}

/// Content words, lowercased, stop words and code fences out.
#[must_use]
pub fn content_words(prompt: &str) -> Words {
    let text = strip_fences(prompt);
    if text.is_ascii() {
        return ascii_content_words(&text);
    }
    let text = text.to_lowercase();
    if text.is_ascii() {
        return ascii_content_words(&text);
    }
    WORD.find_iter(&text)
        .map(|m| m.as_str())
        .filter(|w| is_content_word(w))
        .map(word_key)
        .collect()
}

/// A lowercased word that is not a stop word, and longer than one character unless a number.
fn is_content_word(w: &str) -> bool {
    !is_stop_word(w) && (w.len() > 1 || w.chars().all(char::is_numeric))
}

/// [`content_words`] of ASCII text: [`WORD`]'s runs of letters, digits and `_` are these bytes,
/// and ASCII lowercases byte for byte, so each word is lowercased on its own (most need nothing)
/// instead of the whole text being copied. Every prompt of every session comes here.
fn ascii_content_words(text: &str) -> Words {
    let mut lower = String::new();
    let mut words = Words::default();
    for w in text
        .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .filter(|w| !w.is_empty())
    {
        let w = if w.bytes().any(|c| c.is_ascii_uppercase()) {
            lower.clear();
            lower.push_str(w);
            lower.make_ascii_lowercase();
            lower.as_str()
        } else {
            w
        };
        if is_content_word(w) {
            words.insert(word_key(w));
        }
    }
    words
}

/// The answers of the functions above with every pattern run, none ruled out by a byte test:
/// what the prefilters must never change (a test compares the two over the corpus and tricky
/// text). Not for use outside tests.
#[doc(hidden)]
pub mod unfiltered {

    use super::{
        BANGS, ERRORISH, EXPECTED, FENCE, IDENT, NUMBER, PATH, QUESTION_START, WORD, is_stop_word,
        word_count,
    };

    /// [`super::has_anchor`].
    #[must_use]
    pub fn has_anchor(prompt: &str) -> bool {
        PATH.is_match(prompt)
            || IDENT.is_match(prompt)
            || ERRORISH.is_match(prompt)
            || EXPECTED.is_match(prompt)
            || NUMBER.is_match(prompt)
    }

    /// [`super::brings_information`].
    #[must_use]
    pub fn brings_information(prompt: &str) -> bool {
        FENCE.is_match(prompt)
            || ERRORISH.is_match(prompt)
            || PATH.is_match(prompt)
            || IDENT.is_match(prompt)
            || (EXPECTED.is_match(prompt) && word_count(prompt) >= 8)
    }

    /// [`super::is_question`].
    #[must_use]
    pub fn is_question(prompt: &str) -> bool {
        let t = prompt.trim();
        t.ends_with('?') || QUESTION_START.is_match(t)
    }

    /// [`super::human_text`], with [`FENCE`] and the lines collected and joined.
    #[must_use]
    pub fn human_text(prompt: &str) -> String {
        FENCE
            .replace_all(prompt, " ")
            .lines()
            .filter(|l| {
                !(l.starts_with("    ") || l.starts_with('\t') || l.trim_start().starts_with('>'))
            })
            .collect::<Vec<_>>()
            .join("\n")
    }

    /// [`super::content_words`].
    #[must_use]
    pub fn content_words(prompt: &str) -> super::Words {
        let text = FENCE.replace_all(prompt, " ").to_lowercase();
        WORD.find_iter(&text)
            .map(|m| m.as_str())
            .filter(|w| !is_stop_word(w) && (w.len() > 1 || w.chars().all(char::is_numeric)))
            .map(super::word_key)
            .collect()
    }

    /// Whether [`super::Lexicons::frustration_in`]'s `!` test holds: three runs of `!`.
    #[must_use]
    pub fn bangs(typed: &str) -> bool {
        BANGS.find_iter(typed).count() >= 3
    }

    /// Each pattern alone, by name, and whether it matches: the filtered and the unfiltered
    /// answer.
    #[must_use]
    pub fn each(text: &str) -> Vec<(&'static str, bool, bool)> {
        let p = super::Probe::new(text);
        vec![
            ("path", p.path(), PATH.is_match(text)),
            ("ident", p.ident(), IDENT.is_match(text)),
            ("errorish", p.errorish(), ERRORISH.is_match(text)),
            ("expected", p.expected(), EXPECTED.is_match(text)),
            ("number", p.number(), NUMBER.is_match(text)),
            ("bangs", super::three_bangs(text), bangs(text)),
            (
                "question",
                super::question_start(text.trim()),
                QUESTION_START.is_match(text.trim()),
            ),
            ("fence", super::fence(text), FENCE.is_match(text)),
        ]
    }
}

/// How alike two prompts are, 0 to 1: the larger of word-set Jaccard and the normalised
/// Indel similarity of their folded text (rapidfuzz, fast on long prompts).
#[must_use]
pub fn similarity(a: &str, b: &str, wa: &Words, wb: &Words) -> f64 {
    similarity_folded(&fold(a), &fold(b), wa, wb)
}

/// A prompt as [`similarity_folded`] compares it: its first 2,000 bytes, whitespace runs as one
/// space, lowercased. The engine keeps it with each recent prompt so it is folded once.
#[must_use]
pub fn fold(s: &str) -> String {
    let head = crate::core::sanitize::prefix(s, 2000);
    let b = head.as_bytes();
    if !has_unicode_space(b) {
        // Whitespace is ASCII whitespace then (space and `\t` to `\r`), whose bytes are never
        // inside another character: runs of it become one space over bytes, with ASCII letters
        // lowercased on the way (see [`fold_ascii_spaces`]).
        let joined = fold_ascii_spaces(b);
        return if head.is_ascii() {
            joined
        } else {
            lowercase_beyond_ascii(&joined)
        };
    }
    let mut out = String::with_capacity(head.len());
    // Word by word, the same as lowercasing the joined words: the one mapping that reads its
    // neighbours (a final `Σ`) looks past case-ignorable characters only, and a space is none.
    // ASCII words (most) are lowercased byte for byte.
    for w in head.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        if w.is_ascii() {
            let from = out.len();
            out.push_str(w);
            out[from..].make_ascii_lowercase();
        } else if w.contains('Σ') {
            out.push_str(&w.to_lowercase());
        } else {
            out.extend(w.chars().flat_map(char::to_lowercase));
        }
    }
    out
}

/// `bytes` with each run of ASCII whitespace (space, `\t` to `\r`) as one space, none at either
/// end, and ASCII letters lowercased; other bytes as they are. Eight bytes at a time where they
/// need nothing but lowercasing (prose: words and single spaces), byte by byte elsewhere.
fn fold_ascii_spaces(bytes: &[u8]) -> String {
    const LO: u64 = 0x7f7f_7f7f_7f7f_7f7f;
    const HI: u64 = 0x8080_8080_8080_8080;
    /// Each byte's high bit set where the byte is in `lo..=hi` (both below 0x80).
    fn in_range(w: u64, lo: u8, hi: u8) -> u64 {
        let seven = w & LO;
        let ge = seven + u64::from_ne_bytes([0x80 - lo; 8]);
        let gt = seven + u64::from_ne_bytes([0x7f - hi; 8]);
        ge & !gt & !w & HI
    }
    let mut out = vec![0u8; bytes.len()];
    let mut n = 0;
    // The last byte read was whitespace (or none was read): whitespace now adds nothing.
    let mut after_space = true;
    let mut chunks = bytes.chunks_exact(8);
    for chunk in chunks.by_ref() {
        let mut eight = [0u8; 8];
        eight.copy_from_slice(chunk);
        let w = u64::from_le_bytes(eight);
        let spaces = in_range(w, b' ', b' ');
        let other = in_range(w, b'\t', b'\r');
        // A space after a space, here or across the boundary with the byte before.
        let doubled = spaces & ((spaces << 8) | u64::from(after_space) << 7);
        if other | doubled == 0 {
            let lower = w | (in_range(w, b'A', b'Z') >> 2);
            out[n..n + 8].copy_from_slice(&lower.to_le_bytes());
            n += 8;
            after_space = spaces >> 63 != 0;
        } else {
            for &c in chunk {
                fold_byte(c, &mut out, &mut n, &mut after_space);
            }
        }
    }
    for &c in chunks.remainder() {
        fold_byte(c, &mut out, &mut n, &mut after_space);
    }
    if after_space && n > 0 {
        n -= 1;
    }
    out.truncate(n);
    // Only ASCII bytes were dropped or changed, so it is still UTF-8 (never the fallback).
    String::from_utf8(out).unwrap_or_default()
}

/// One byte of [`fold_ascii_spaces`]: written where the output ends (whitespace as a space), and
/// kept unless it is whitespace after whitespace. `*n` never passes the bytes read so far.
fn fold_byte(c: u8, out: &mut [u8], n: &mut usize, after_space: &mut bool) {
    let space = matches!(c, b' ' | b'\t'..=b'\r');
    if let Some(slot) = out.get_mut(*n) {
        *slot = if space { b' ' } else { c.to_ascii_lowercase() };
    }
    *n += usize::from(!(space && *after_space));
    *after_space = space;
}

/// `text.to_lowercase()` for text whose ASCII letters are lowercase already: ASCII runs are
/// copied, other characters lowercased one by one. Only `Σ` reads its neighbours (a final sigma);
/// text with one is lowercased whole (and ASCII case changes no character's casedness).
fn lowercase_beyond_ascii(text: &str) -> String {
    if text.contains('Σ') {
        return text.to_lowercase();
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.bytes().position(|c| !c.is_ascii()) {
        out.push_str(&rest[..i]);
        let mut chars = rest[i..].chars();
        if let Some(c) = chars.next() {
            out.extend(c.to_lowercase());
        }
        rest = chars.as_str();
    }
    out.push_str(rest);
    out
}

/// [`similarity`] of two prompts already [`fold`]ed.
#[must_use]
pub fn similarity_folded(fa: &str, fb: &str, wa: &Words, wb: &Words) -> f64 {
    let (jaccard, bound) = jaccard_and_bound(fa, fb, wa, wb);
    if bound <= jaccard {
        return jaccard;
    }
    jaccard.max(indel_ratio(fa, fb))
}

/// Whether [`similarity_folded`] is at least `min`, without the character comparison where the
/// word overlap already decides it either way.
#[must_use]
pub fn similar_at_least(fa: &str, fb: &str, wa: &Words, wb: &Words, min: f64) -> bool {
    let (jaccard, bound) = jaccard_and_bound(fa, fb, wa, wb);
    if jaccard >= min {
        return true;
    }
    // The character similarity is at most `bound`.
    if bound < min {
        return false;
    }
    indel_at_least(fa, fb, min)
}

/// Whether [`indel_ratio`] is at least `min`. Told the cutoff, rapidfuzz compares only the band
/// of the two texts an alignment that good can use (Ukkonen's), and gives up when the texts
/// cannot reach it; where they can, the ratio is the same number.
#[must_use]
pub fn indel_at_least(a: &str, b: &str, min: f64) -> bool {
    let args = rapidfuzz::fuzz::Args::default().score_cutoff(min);
    if a.is_ascii() && b.is_ascii() {
        rapidfuzz::fuzz::ratio_with_args(a.bytes(), b.bytes(), &args).is_some()
    } else {
        rapidfuzz::fuzz::ratio_with_args(a.chars(), b.chars(), &args).is_some()
    }
}

/// The normalised Indel similarity of two texts by character (rapidfuzz's `ratio`), compared
/// byte by byte when both are ASCII (the same characters, without decoding them on every pass).
#[must_use]
pub fn indel_ratio(a: &str, b: &str) -> f64 {
    if a.is_ascii() && b.is_ascii() {
        rapidfuzz::fuzz::ratio(a.bytes(), b.bytes())
    } else {
        rapidfuzz::fuzz::ratio(a.chars(), b.chars())
    }
}

/// The word sets' Jaccard overlap, and the most the normalised Indel similarity of the texts
/// can be (2·min/(a+b) of their lengths in characters).
fn jaccard_and_bound(fa: &str, fb: &str, wa: &Words, wb: &Words) -> (f64, f64) {
    let (small, large) = if wa.len() <= wb.len() {
        (wa, wb)
    } else {
        (wb, wa)
    };
    let common = small.iter().filter(|w| large.contains(w)).count();
    let union = wa.len() + wb.len() - common;
    #[expect(clippy::cast_precision_loss, reason = "word counts are small")]
    let jaccard = if union == 0 {
        0.0
    } else {
        common as f64 / union as f64
    };
    let (la, lb) = (fa.chars().count(), fb.chars().count());
    #[expect(clippy::cast_precision_loss, reason = "prompt lengths are small")]
    let bound = if la + lb == 0 {
        0.0
    } else {
        2.0 * la.min(lb) as f64 / (la + lb) as f64
    };
    (jaccard, bound)
}

/// Words too common to say what a prompt is about, sorted (binary search: this runs for every
/// word of every prompt; a test keeps the order).
const STOP_WORDS: &[&str] = &[
    "a", "again", "all", "also", "an", "and", "any", "are", "as", "at", "be", "been", "but", "by",
    "can", "could", "did", "do", "does", "for", "from", "here", "how", "i", "if", "in", "into",
    "is", "it", "its", "just", "let", "let's", "lets", "make", "me", "my", "no", "not", "now",
    "of", "ok", "okay", "on", "or", "our", "out", "please", "should", "so", "some", "still",
    "sure", "that", "the", "then", "there", "these", "this", "those", "to", "too", "up", "very",
    "was", "we", "were", "what", "why", "with", "would", "you", "your",
];

/// The longest stop word's length: a longer word (most content words) needs no search.
const STOP_WORD_MAX: usize = 6;

fn is_stop_word(w: &str) -> bool {
    w.len() <= STOP_WORD_MAX && STOP_WORDS.binary_search(&w).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::config::Lexicon;

    #[test]
    fn stop_words_are_sorted_for_binary_search() {
        assert!(STOP_WORDS.windows(2).all(|w| w[0] < w[1]));
        assert_eq!(
            STOP_WORDS.iter().map(|w| w.len()).max(),
            Some(STOP_WORD_MAX)
        );
        assert!(is_stop_word("the") && is_stop_word("let's") && !is_stop_word("parser"));
    }

    #[test]
    fn word_count_agrees_with_split_whitespace() {
        for t in [
            "",
            " ",
            "one",
            " two  words ",
            "tab\tand\nnew\r\nlines",
            "\x0b\x0cx",
            "a\u{a0}b",
            "日本 語",
            "end. ",
            "x\u{3000}y z",
        ] {
            assert_eq!(word_count(t), t.split_whitespace().count(), "{t:?}");
        }
    }

    proptest::proptest! {
        #[test]
        fn word_count_agrees_on_any_text(
            t in "[ a-z\t\n\r\x0b\x0c.\u{85}\u{a0}\u{1680}\u{2000}-\u{200b}\u{2028}\u{2029}\u{202f}\u{205f}\u{3000}é日🦀—\u{2500}\u{2192}\u{180e}\u{1681}\u{2030}\u{205e}\u{3001}\u{86}\u{a1}\u{200b}]{0,40}"
        ) {
            proptest::prop_assert_eq!(word_count(&t), t.split_whitespace().count());
        }

        #[test]
        fn word_count_agrees_across_its_blocks_of_pairs(t in "[ a\t\n—]{200,800}") {
            proptest::prop_assert_eq!(word_count(&t), t.split_whitespace().count());
        }
    }

    proptest::proptest! {
        #[test]
        fn fold_is_the_joined_lowercased_words(
            t in "[ a-zA-Z0-9_\t\n\r\x0b\x0c\u{a0}\u{3000}\u{85}\u{2028}ΣσςÉéİ日—']{0,60}"
        ) {
            let old = crate::core::sanitize::prefix(&t, 2000)
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
                .to_lowercase();
            proptest::prop_assert_eq!(fold(&t), old);
        }

        #[test]
        fn fold_over_bytes_is_the_joined_lowercased_words(
            t in "[ a-zA-Z0-9_\t\n\r\x0b\x0cΣσςÉéİ日—'.]{0,60}",
            long in "[ a-zA-Z\tΣé日—]{600,800}",
            prose in "[ a-zA-Z.é日—]{300,900}",
        ) {
            for t in [&t, &long, &prose] {
                let old = crate::core::sanitize::prefix(t, 2000)
                    .split_whitespace()
                    .collect::<Vec<_>>()
                    .join(" ")
                    .to_lowercase();
                proptest::prop_assert_eq!(fold(t), old);
            }
        }

        #[test]
        fn indel_at_least_is_the_ratio_compared(
            a in "[ abcé日]{0,200}",
            b in "[ abcé日]{0,200}",
            min in 0.0f64..1.0,
        ) {
            let r = indel_ratio(&a, &b);
            // Any cutoff, the ratio itself, and just either side of it.
            for m in [min, r, r - 1e-12, r + 1e-12, 0.0, 1.0] {
                proptest::prop_assert_eq!(indel_at_least(&a, &b, m), r >= m, "{}", m);
            }
        }

        #[test]
        fn indel_ratio_over_bytes_is_the_ratio_over_characters(
            a in "[ a-zA-Z0-9é日🦀.]{0,40}",
            b in "[ a-zA-Z0-9é日🦀.]{0,40}",
        ) {
            let by_char = rapidfuzz::fuzz::ratio(a.chars(), b.chars());
            proptest::prop_assert_eq!(indel_ratio(&a, &b).to_bits(), by_char.to_bits());
            let (a, b) = (a.replace(['é', '日', '🦀'], "x"), b.replace(['é', '日', '🦀'], "y"));
            let by_char = rapidfuzz::fuzz::ratio(a.chars(), b.chars());
            proptest::prop_assert_eq!(indel_ratio(&a, &b).to_bits(), by_char.to_bits());
        }

        #[test]
        fn similar_at_least_decides_as_the_similarity_does(
            a in "(fix|the|login|page|test|fails|again|in|src/app|now|ok)( (fix|the|login|page|test|fails|again|in|src/app|now|ok)){0,12}",
            b in "(fix|the|login|page|test|fails|again|in|src/app|now|ok)( (fix|the|login|page|test|fails|again|in|src/app|now|ok)){0,12}",
            min in 0.1f64..0.95,
        ) {
            let (fa, fb) = (fold(&a), fold(&b));
            let (wa, wb) = (content_words(&a), content_words(&b));
            proptest::prop_assert_eq!(
                similar_at_least(&fa, &fb, &wa, &wb, min),
                similarity_folded(&fa, &fb, &wa, &wb) >= min
            );
        }
    }

    fn lex() -> Lexicons {
        Lexicons::new(&Lexicon::default())
    }

    #[test]
    fn corrections_read_the_first_clause_only() {
        let l = lex();
        for p in [
            "No, only the API",
            "still failing",
            "that's wrong, use v2",
            "you forgot the tests",
            "It still doesn't work",
            "why did you delete that?",
            "Revert that change",
        ] {
            assert!(l.is_correction(p), "{p}");
        }
        for p in [
            "run it again with -v",
            "Add a test for the case where there is no user",
            "can you check whether it still works",
            "Stopwatch feature please",
        ] {
            assert!(!l.is_correction(p), "{p}");
        }
    }

    #[test]
    fn frustration_ignores_pasted_output() {
        let l = lex();
        assert!(l.is_frustrated("are you even listening"));
        assert!(l.is_frustrated("WHY IS THIS STILL BROKEN"));
        assert!(l.is_frustrated("fix it!!! now!!! please!!!"));
        assert!(!l.is_frustrated("the build fails with:\n    ERROR: UNDEFINED REFERENCE TO MAIN"));
        assert!(!l.is_frustrated("```\nFATAL ERROR IN MODULE XYZ\n```\nwhat does this mean?"));
        assert!(!l.is_frustrated("Add OAuth login with GitHub"));
    }

    #[test]
    fn continuations_and_affirmations() {
        let l = lex();
        assert!(l.is_continuation("go on"));
        assert!(l.is_continuation("Yes!"));
        assert!(!l.is_continuation("yes, but only for the admin page"));
        assert!(l.is_affirmation("Thanks! Please update CLAUDE.md"));
        assert!(l.is_affirmation("perfect, ship it"));
        assert!(!l.is_affirmation("no thanks, that's wrong"));
    }

    #[test]
    fn agent_text_claims_and_apologies() {
        let l = lex();
        assert!(l.claims_done("I've updated the parser.\n\nThe bug is fixed and all tests pass."));
        assert!(!l.claims_done("Let me look at the failing test first."));
        // Line 385 of the real autocompact session: a plan, not a claim.
        assert!(!l.claims_done(
            "Now I'll write the complete updated file with all Task 3 changes at once."
        ));
        assert!(!l.claims_done("Let's complete the migration next."));
        assert!(l.claims_done(
            "Perfect! I have successfully completed two full tasks in this work session."
        ));
        assert!(l.claims_done("Done. It's fixed."));
        assert!(l.is_apology("You're absolutely right, I apologize for the confusion."));
        assert!(!l.is_apology("Here is the plan."));
    }

    #[test]
    fn anchors_and_information() {
        assert!(has_anchor("fix src/auth/login.rs"));
        assert!(has_anchor("`parse_line` drops the last line"));
        assert!(has_anchor("it returns 3 instead of 4"));
        assert!(!has_anchor("fix it"));
        assert!(!has_anchor("still broken"));
        assert!(brings_information(
            "TypeError: cannot read property 'x' of undefined"
        ));
        assert!(brings_information("the test in tests/api.py fails"));
        assert!(!brings_information("try again please"));
    }

    /// Every filtered answer equals the unfiltered one on `t` (each pattern and each public
    /// function).
    fn assert_prefilters_agree(t: &str) {
        for (name, filtered, all) in unfiltered::each(t) {
            assert_eq!(filtered, all, "{name} on {t:?}");
        }
        assert_eq!(has_anchor(t), unfiltered::has_anchor(t), "has_anchor {t:?}");
        assert_eq!(
            brings_information(t),
            unfiltered::brings_information(t),
            "brings_information {t:?}"
        );
        assert_eq!(
            is_question(t),
            unfiltered::is_question(t),
            "is_question {t:?}"
        );
        assert_eq!(
            content_words(t),
            unfiltered::content_words(t),
            "content_words {t:?}"
        );
        assert_eq!(human_text(t), unfiltered::human_text(t), "human_text {t:?}");
    }

    #[test]
    fn prefilters_never_change_a_result_on_tricky_text() {
        let hits = [
            // Unicode case folding: the long s is an `s`; only non-ASCII text can match that
            // way, and it is never ruled out.
            "\u{17f}egfault: core dumped",
            "\u{17f}tack trace: below",
            "STACK TRACE: below",
            "Line 42 is wrong",
            "NullPointer exception",
            "It Returns 3",
            "ÉXPECTED 3 but got 4",
            "Why does it fail",
            "  ...WHAT is this",
            "¿what is it",
            "«how» it works",
            "Summarise the diff",
            "DO you know",
            "\u{212a}elvin `x`",
            "Ǆ dž ǅ: failed to build",
            "fix it!!! now!!! please!!!",
            "?! ?! ?!",
            "a!b!c!",
            "`code`",
            "parseLine()",
            "HttpClient",
            "snake_case",
            "src/a.rs",
            "x = 7",
            "\"a quoted string here\"",
            "```\nfence",
            "before ```rust\nlet x = 1;\n``` after",
            "a ``` b ``` c ``` d",
            "````\n````",
            "``````",
            "x ```` y",
            "```",
            "Ünïcödé wörds and ASCII_words 12",
        ];
        // Whether or not these match (the regex crate does not fold the Kelvin sign to `k`; ASCII word boundaries
        // do not stand beside other scripts' digits),
        // filtered and unfiltered agree.
        let misses = [
            "traceba\u{212a}: at main",
            "a.PY",
            "٣ items",
            "１２ items",
            "",
            " ",
            "fix it",
            "whatever",
            "_how it works",
            "123 what",
            "!!",
            "!! !",
            "ERRORS everywhere",
            "but",
            "`",
            "``",
            "nothing here at all",
            "  > quoted\n    indented\n\ttabbed\r\nkept\r\n\n",
        ];
        for t in hits.iter().chain(&misses) {
            assert_prefilters_agree(t);
        }
        // The tricky hits do hit somewhere (so the comparison is not of two empty answers).
        let none: Vec<_> = hits
            .iter()
            .filter(|t| !unfiltered::each(t).iter().any(|(_, _, m)| *m))
            .collect();
        assert!(none.is_empty(), "{none:?}");
    }

    proptest::proptest! {
        #[test]
        fn prefilters_never_change_a_result(
            t in "(error|ERROR|Exception|trac\u{212a}|traceback|ſegfault|panicked|Failed|undefined|null|pointer|stack trace|line |LINE |expected|instead|but |BUT |got|should |be|return|actual|when |only|must|acceptance|what|Why|how|explain|can you |tell|is there|does|do |describe|summari|\\\"|`|\\(\\)|_|/|\\.|!|\\?!|\\?|[0-9]|٣|é|É|ü|日|[a-z]|[A-Z]|[ \t\n]|:|-|\u{a0}|```|> |    |\r\n){0,14}"
        ) {
            assert_prefilters_agree(&t);
        }
    }

    #[test]
    fn word_lists_built_for_one_call_answer_as_the_others() {
        let (full, lean) = (lex(), Lexicons::one_call(&Lexicon::default()));
        let texts = [
            "no, only the API",
            "No. The other file",
            "it still doesn't work",
            "the login page is still blank",
            "WTF is this",
            "ok",
            "  Continue with the tests!",
            "thanks, works now",
            "You're absolutely right, I apologize.",
            "All tests are passing and the bug is fixed.",
            "did you actually run the tests?",
            "run `cargo test` please",
            "Ünïcödé: still broken",
            "\u{212a}eep going",
            "",
            "a plain request to add a flag",
        ];
        let mut hits = 0;
        for t in texts {
            assert_eq!(full.every_answer(t), lean.every_answer(t), "{t:?}");
            hits += full.every_answer(t).iter().filter(|(_, m)| *m).count();
        }
        assert!(hits >= 10, "the texts exercise the lists: {hits}");
        // A list that needs Unicode, and one that does not compile, in both builds.
        let odd = Lexicon {
            frustration: vec![r"\p{Greek}+ again".into(), "(".into()],
            ..Lexicon::default()
        };
        let (full, lean) = (Lexicons::new(&odd), Lexicons::one_call(&odd));
        for t in ["λόγος again", "plain again", "("] {
            assert_eq!(full.every_answer(t), lean.every_answer(t), "{t:?}");
        }
    }

    proptest::proptest! {
        #[test]
        fn word_lists_for_one_call_agree_on_any_text(
            t in "(no|No|still|again|wrong|stop|you forgot|i said|wtf|useless|ok|yes|continue|go on|thanks|perfect|works|lgtm|i apologize|sorry|you're right|done|fixed|all tests pass|run the tests|did you run|show me the diff|prove it|the page|it|is|doesn't|work|[a-z]|[A-Z]|[ .,!?]|\u{212a}|é){0,12}"
        ) {
            let (full, lean) = (lex(), Lexicons::one_call(&Lexicon::default()));
            proptest::prop_assert_eq!(full.every_answer(&t), lean.every_answer(&t));
        }
    }

    /// `past_interjections` as first written (a lowercased copy of each word), to hold the
    /// byte-wise one to.
    fn past_interjections_by_copy(text: &str) -> &str {
        let mut t = text;
        for _ in 0..2 {
            let end = t
                .bytes()
                .position(|b| !b.is_ascii_alphabetic())
                .unwrap_or(t.len());
            let word = t[..end].to_ascii_lowercase();
            let last = word.as_bytes().last().copied().unwrap_or(b' ');
            let short = format!("{}{}", word.trim_end_matches(last as char), last as char);
            let rest = t[end..].trim_start_matches([',', '.', '!', ' ', '-', '\u{2026}']);
            let filler = matches!(
                short.as_str(),
                "hm" | "ugh"
                    | "uh"
                    | "um"
                    | "wel"
                    | "ok"
                    | "okay"
                    | "so"
                    | "oh"
                    | "ah"
                    | "sigh"
                    | "argh"
                    | "welp"
                    | "alright"
                    | "yeah"
                    | "but"
                    | "and"
            );
            if end == 0 || !filler || rest.is_empty() {
                break;
            }
            t = rest;
        }
        t
    }

    #[test]
    fn interjections_before_the_clause_are_passed() {
        assert_eq!(past_interjections("hmmm, still broken"), "still broken");
        assert_eq!(
            past_interjections("HmM. ok but it fails"),
            "but it fails",
            "two at most"
        );
        assert_eq!(past_interjections("Well... no"), "no");
        assert_eq!(past_interjections("okay"), "okay", "only an interjection");
        assert_eq!(past_interjections("hello, it fails"), "hello, it fails");
        assert_eq!(past_interjections(""), "");
    }

    proptest::proptest! {
        #[test]
        fn interjections_are_passed_as_by_the_copying_version(
            t in "(hm|hmmm|HMM|ugh|Ughh|ok|OK|okay|so|sooo|but|and|well|Welp|yeah|a|x|no|still|[,.! -]|\u{2026}|é){0,6}"
        ) {
            proptest::prop_assert_eq!(past_interjections(&t), past_interjections_by_copy(&t));
        }
    }

    #[test]
    fn shouting_is_counted_alike_in_ascii_and_other_text() {
        let l = lex();
        assert!(l.frustration_in("FIX THIS NOW PLEASE IT IS BROKEN"));
        assert!(l.frustration_in("ÜBER DAS SYSTEM SCHREIBEN BITTE"));
        assert!(!l.frustration_in("Fix this now please, it is Broken"));
        assert!(!l.frustration_in("Über das System schreiben, bitte"));
        assert!(!l.frustration_in("FIX IT"), "too short to be shouting");
    }

    #[test]
    fn questions() {
        assert!(is_question("How does the cache work?"));
        assert!(is_question("explain the retry logic"));
        assert!(!is_question("Add retries to the client"));
    }

    #[test]
    fn near_duplicates_score_high_rewrites_low() {
        let (a, b) = (
            "fix the login bug in the auth module",
            "please fix the login bug in auth module",
        );
        let s = similarity(a, b, &content_words(a), &content_words(b));
        assert!(s >= 0.8, "{s}");
        let c = "add a dark mode toggle to the settings page";
        let s = similarity(a, c, &content_words(a), &content_words(c));
        assert!(s < 0.6, "{s}");
    }
}
