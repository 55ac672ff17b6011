//! Making a failing test pass by asking less of it: assertions removed, an exact comparison
//! turned into a presence or "any" check, test cases deleted or marked skipped, or the expected
//! value replaced by the one the failing run observed (see [`assertion_literals`]).
//!
//! These read an edit's old and new text; the caller decides that the file is a test and that
//! the test had just failed.

use std::sync::LazyLock;

use regex::bytes::Regex;

use crate::core::checks::bytes_re as re;

/// How a test was weakened.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Weakening {
    /// Fewer assertions than before.
    AssertionsRemoved,
    /// An exact comparison became a presence, truthiness or "any" check.
    Loosened,
    /// Test cases deleted.
    TestsRemoved,
    /// A skip or expected-failure marker added.
    Skipped,
}

impl Weakening {
    /// A short phrase for evidence text.
    #[must_use]
    pub fn describe(self) -> &'static str {
        match self {
            Weakening::AssertionsRemoved => "removed assertions from a test",
            Weakening::Loosened => "turned an exact assertion into a looser one",
            Weakening::TestsRemoved => "deleted test cases",
            Weakening::Skipped => "marked a test as skipped",
        }
    }
}

/// A line that asserts something, in the common test frameworks.
static ASSERT_LINE: LazyLock<Regex> = LazyLock::new(|| {
    re(concat!(
        r"\b(?:assert\w*|expect|refute\w*|should|verify)\b\s*[(!.\s]|\bt\.(?:Error|Fatal)\w*\(",
        r"|\b(?:assert|require)\.\w+\(|\bAssert\.\w+\(|\bXCTAssert\w*\(|\.to(?:Be|Equal|Match|Contain|Have|Throw)\w*\(",
    ))
});

/// Exact comparisons.
static EXACT: LazyLock<Regex> = LazyLock::new(|| {
    re(concat!(
        r"\bassert_(?:eq|ne)!\(|\bassert(?:Not)?Equals?\(|\bassert_(?:not_)?equal\b|\.isEqualTo\(|\bAssert\.AreEqual\(",
        r"|\.toBe\(|\.toEqual\(|\.toStrictEqual\(|\.toHaveLength\(|\.to\.(?:deep\.)?equal\(|\.to\.eql\(",
        r"|\bto eql?\(|\bassert\.(?:strict|deep|deepStrict)?[Ee]qual\(|\b(?:assert|require)\.Equal\w*\(|\bXCTAssertEqual\(",
        r"|\b(?:assert|refute)\b[^\n]*?(?:===|==|!=)",
        r"|\bif\s+got\s*!=\s*want\b",
        // what was thrown or passed, checked by value: `.toThrow('message')`, `called_with(3)`
        r"|\.toThrow(?:Error)?\([^)\n]|\.toHaveBeenCalledWith\(|\.toHaveBeenNthCalledWith\(|\bassert_called(?:_once)?_with\(",
        // shell tests: `[ "$got" != 5 ]`, `test "$n" -eq 3`
        r#"|(?:\[\[?|\btest)\s+"?\$\{?\w+\}?"?\s+(?:!=|==|=|-eq|-ne)\s"#,
    ))
});

/// Presence, truthiness, containment and "any" checks.
static LOOSE: LazyLock<Regex> = LazyLock::new(|| {
    re(concat!(
        r"\bis not None\b|\bassertIsNotNone\(|\bassertTrue\(|\bassert_true\b|\.toBeDefined\(|\.toBeTruthy\(",
        r"|\.not\.toBe(?:Null|Undefined)\(|\.toBeGreaterThan\(\s*0\s*\)|\bexpect\.any(?:thing)?\(|\.toContain\(",
        r"|\.toMatch\(|\bassert\.ok\(|\.to\.exist\b|\.to\.be\.ok\b|\.is_some\(\)|\.is_ok\(\)|!\s*[\w.]+\.is_empty\(\)",
        r"|\b(?:assert|require)\.(?:NotNil|True|NotEmpty|Contains)\(|\bbe_truthy\b|\bbe_present\b|\bnot_to be_nil\b",
        r"|\brefute is_nil\(|\bassert is_\w+\(|\bmatch\?\(|\bassertNotNull\(|\.isNotNull\(\)|\.isNotEmpty\(\)",
        r"|\bAssert\.IsNotNull\(|\bXCTAssertNotNil\(|\blen\([^)]*\)\s*>\s*0",
        // an assertion of truthiness alone: `assert total(cart)`, `assert!(ok(x))`
        r"|(?m:^[ \t]*assert!?[ \t(][^=!<>~\n]*\r?$)",
        // a sign or non-zero check: `assert!(n > 0)`, `assert total >= 0`
        r"|(?m:^[ \t]*assert\w*!?[ \t(][^\n]*?(?:>=?|!=)[ \t]*0(?:\.0)?[ \t]*\)?[ \t]*;?[ \t]*\r?$)",
        // containment, type and sign matchers
        r"|\bassert(?:In|IsInstance|Regex|Greater|GreaterEqual)\(|\.toBeTypeOf\(|\.toBeInstanceOf\(",
        r"|\b(?:assert|require)\.(?:NotZero|Positive|Greater|GreaterOrEqual|IsType)\(",
        r"|\bbe_(?:an?|kind_of|instance_of|positive|nonzero)\b|\bbe\s*>\s*0\b",
        r"|\.is(?:Positive|NotZero|InstanceOf|NotBlank)\(",
        // what was thrown or passed no longer checked: `.toThrow()`, `.toHaveBeenCalled()`
        r"|\.toThrow(?:Error)?\(\)|\.toHaveBeenCalled\(\)|\bassert_called(?:_once)?\(\)",
        // shell tests: `[ -z "$got" ]`, `test -n "$out"`
        r"|(?:\[\[?|\btest)\s+-[zn]\s",
    ))
});

/// Matchers that accept any value, in place of an expected one.
static ANY_VALUE: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"\bmock\.ANY\b|\bANY\b|\bexpect\.any(?:thing)?\(|\banything\(\)|\bIt\.IsAny<|\bArg\.Any<|\bsinon\.match\.any\b|\bany\(\)",
    )
});

/// An explicit tolerance in a comparison: `pytest.approx(25, abs=5)`, `assertAlmostEqual(a, b,
/// delta=3)`, `assert.InDelta(t, 25, got, 5)`, `be_within(5).of(25)`. (A bare `approx(0.3)` for
/// floats is the usual fix, not a loosening.)
static TOLERANCE: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"\b(?:abs|rel|atol|rtol|delta|epsilon|tolerance|tol)\s*=\s*\d|\bInDelta\w*\(|\bInEpsilon\w*\(|\bassert_in_delta\b|\bbe_within\(|\bisCloseTo\(",
    )
});

/// Lines that state an expected value outside an assertion: `want := 25`, `expected = 25`,
/// a table's `want: 25`.
static EXPECTED_VALUE: LazyLock<Regex> =
    LazyLock::new(|| re(r"\b(?:want(?:ed)?|expected?|exp)(?:_\w+)?[ \t]*(?::=|=|:)[ \t]*[^\s=]"));

/// Test case definitions.
static TEST_CASE: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r#"(?m)^\s*(?:(?:async\s+)?def test_\w+|func Test\w+|#\[(?:\w+::)?test\]|test\s+["']|(?:it|test|specify)\s*\(\s*["'`]|it\s+["']|@Test\b|\[(?:Test|Fact|Theory)\]|describe\s+["'])"#,
    )
});

/// Skip and expected-failure markers.
static SKIP_MARKER: LazyLock<Regex> = LazyLock::new(|| {
    re(concat!(
        r"#\[ignore\b|@pytest\.mark\.(?:skip|xfail)|@unittest\.(?:skip|expectedFailure)|pytest\.(?:skip|xfail)\(|\.skipTest\(",
        r"|\b(?:it|test|describe|context)\.(?:skip|skipIf|todo)\(|\bx(?:it|describe|test|context|specify)\b[ \t]*[(\x22']",
        r"|\bt\.Skip(?:Now|f)?\(|@Disabled\b|@Ignore\b|\[Ignore\]|\[Fact\(Skip|@tag :skip|@moduletag :skip|\bskip\(\s*\)|\bpending\(",
        // RSpec's `skip "reason"` / `pending "reason"` inside an example
        r"|(?m:^[ \t]*(?:skip|pending)[ \t]*[\x22'])",
    ))
});

/// The new text adds a skip or expected-failure marker (for files that are not tests by name).
#[must_use]
pub fn gains_skip_marker(old: &str, new: &str) -> bool {
    let n = count(&SKIP_MARKER, new);
    n > 0 && n > count(&SKIP_MARKER, old)
}

/// The text defines test cases (a test module inside a source file, say).
#[must_use]
pub fn has_test_cases(text: &str) -> bool {
    TEST_CASE.is_match(text.as_bytes())
}

fn count(r: &Regex, text: &str) -> usize {
    r.find_iter(text.as_bytes()).count()
}

/// The lines of `text` with a match of `r`, each once, in order: one pass of the regex over the
/// whole text (a search per line costs the regex's start-up on every line).
fn matching_lines<'t>(r: &Regex, text: &'t str) -> Vec<&'t str> {
    let mut out: Vec<&str> = Vec::new();
    let mut last_start = usize::MAX;
    let bytes = text.as_bytes();
    for m in r.find_iter(bytes) {
        // Line bounds are at `\n` bytes, so always character boundaries.
        let start = memchr::memrchr(b'\n', &bytes[..m.start()]).map_or(0, |i| i + 1);
        if start == last_start {
            continue;
        }
        last_start = start;
        let end = memchr::memchr(b'\n', &bytes[m.end()..]).map_or(text.len(), |i| m.end() + i);
        if let Some(line) = text.get(start..end) {
            out.push(line.trim_end_matches('\r'));
        }
    }
    out
}

fn assertion_lines(text: &str) -> Vec<&str> {
    matching_lines(&ASSERT_LINE, text)
}

/// Assertion lines and lines that state an expected value, in order.
fn expectation_lines(text: &str) -> Vec<&str> {
    let mut lines = assertion_lines(text);
    if EXPECTED_VALUE.is_match(text.as_bytes()) {
        for l in matching_lines(&EXPECTED_VALUE, text) {
            if !lines.contains(&l) {
                lines.push(l);
            }
        }
    }
    lines
}

fn count_lines(r: &Regex, text: &str) -> usize {
    matching_lines(r, text).len()
}

/// How an edit of a test file from `old` to `new` weakens it, if it does.
#[must_use]
pub fn in_edit(old: &str, new: &str) -> Option<Weakening> {
    let gains = |r: &Regex| {
        let n = count(r, new);
        n > 0 && n > count(r, old)
    };
    if gains(&SKIP_MARKER) {
        return Some(Weakening::Skipped);
    }
    let (cases_old, cases_new) = (count(&TEST_CASE, old), count(&TEST_CASE, new));
    if cases_old > 0 && cases_new < cases_old {
        return Some(Weakening::TestsRemoved);
    }
    // In a test every comparison is a check, whether or not an assert word introduces it (a
    // shell test's `if [ "$got" != 5 ]`).
    let exact_old = count_lines(&EXACT, old);
    if exact_old > 0 {
        let exact_new = count_lines(&EXACT, new);
        if exact_new < exact_old && count_lines(&LOOSE, new) > count_lines(&LOOSE, old) {
            return Some(Weakening::Loosened);
        }
    }
    if exact_old > 0 && gains(&TOLERANCE) {
        return Some(Weakening::Loosened);
    }
    let asserted_any = |t: &str| -> usize {
        assertion_lines(t)
            .iter()
            .map(|l| count(&ANY_VALUE, l))
            .sum()
    };
    if ANY_VALUE.is_match(new.as_bytes()) && asserted_any(new) > asserted_any(old) {
        return Some(Weakening::Loosened);
    }
    let (asserts_old, asserts_new) = (assertion_lines(old).len(), assertion_lines(new).len());
    if asserts_old > 0 && asserts_new < asserts_old {
        return Some(Weakening::AssertionsRemoved);
    }
    None
}

/// Most literal hashes kept per edit.
pub const MAX_LITERALS: usize = 16;

/// Hashes of the literals (numbers, strings, booleans) that the edit newly puts into assertion
/// lines: compared with what the failing run observed, they show an expected value replaced by
/// the observed one. At most [`MAX_LITERALS`].
#[must_use]
pub fn assertion_literals(old: &str, new: &str) -> Vec<u64> {
    // A whole new file replaces no expected value.
    if old.is_empty() {
        return Vec::new();
    }
    let old_lines: Vec<&str> = expectation_lines(old).into_iter().map(str::trim).collect();
    if old_lines.is_empty() {
        return Vec::new();
    }
    let new_lines = expectation_lines(new);
    // Only an expectation that was changed replaces a value: assertions added beside the old
    // ones (all still there) make the test ask more, whatever values they use.
    if old_lines
        .iter()
        .all(|o| new_lines.iter().any(|n| n.trim() == *o))
    {
        return Vec::new();
    }
    let before: Vec<u64> = old_lines
        .iter()
        .flat_map(|l| super::literals(l))
        .map(super::literal_hash)
        .collect();
    let mut out: Vec<u64> = new_lines
        .into_iter()
        .filter(|l| !old_lines.contains(&l.trim()))
        .flat_map(super::literals)
        .map(super::literal_hash)
        .filter(|h| !before.contains(h))
        .collect();
    out.sort_unstable();
    out.dedup();
    out.truncate(MAX_LITERALS);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exact_comparisons_turned_into_presence_checks() {
        for (old, new) in [
            ("assert result == 42", "assert result is not None"),
            ("expect(total).toBe(42);", "expect(total).toBeDefined();"),
            (
                "expect(res.body).toEqual({ id: 1 });",
                "expect(res.body).toBeTruthy();",
            ),
            (
                "assert_eq!(parse(\"1\"), Some(1));",
                "assert!(parse(\"1\").is_some());",
            ),
            (
                "self.assertEqual(r.status, 200)",
                "self.assertTrue(r.status)",
            ),
            ("assert.Equal(t, 3, n)", "assert.NotNil(t, n)"),
            (
                "expect(user.name).to eq(\"Ann\")",
                "expect(user.name).to be_present",
            ),
            (
                "assert html == expected",
                "assert html =~ \"Review\"  # any review page\nassert is_binary(html)",
            ),
            (
                "mock.assert_called_with(3, 'a')",
                "mock.assert_called_with(ANY, ANY)",
            ),
            ("if [ \"$got\" != 5 ]; then", "if [ -z \"$got\" ]; then"),
            ("assert total(cart, 5) == 25", "assert total(cart, 5)"),
            ("assert_eq!(total(&c), 25);", "assert!(total(&c) > 0);"),
            (
                "self.assertEqual(label(c), \"Total: 25\")",
                "self.assertIn(\"Total\", label(c))",
            ),
            (
                "expect(total(c)).toBe(25);",
                "expect(total(c)).toBeTypeOf('number');",
            ),
            ("assert.Equal(t, 25, got)", "assert.NotZero(t, got)"),
            (
                "expect(cart.total).to eq(25)",
                "expect(cart.total).to be_a(Integer)",
            ),
            (
                "assertThat(total).isEqualTo(25);",
                "assertThat(total).isPositive();",
            ),
            (
                "expect(() => f(-1)).toThrow('must be positive');",
                "expect(() => f(-1)).toThrow();",
            ),
            (
                "assert total(cart) == 25",
                "assert total(cart) == pytest.approx(25, abs=5)",
            ),
        ] {
            assert_eq!(
                in_edit(old, new),
                Some(Weakening::Loosened),
                "{old} -> {new}"
            );
        }
    }

    #[test]
    fn assertions_or_cases_removed_and_skips_added() {
        assert_eq!(
            in_edit("assert a == 1\nassert b == 2", "assert a == 1"),
            Some(Weakening::AssertionsRemoved)
        );
        assert_eq!(
            in_edit(
                "def test_a():\n    assert f()\n\ndef test_b():\n    assert g()",
                "def test_a():\n    assert f()"
            ),
            Some(Weakening::TestsRemoved)
        );
        assert_eq!(
            in_edit("it('parses', () => {", "it.skip('parses', () => {"),
            Some(Weakening::Skipped)
        );
        assert_eq!(
            in_edit("def test_x():", "@pytest.mark.xfail\ndef test_x():"),
            Some(Weakening::Skipped)
        );
        assert_eq!(
            in_edit(
                "#[test]\nfn parses() {",
                "#[test]\n#[ignore]\nfn parses() {"
            ),
            Some(Weakening::Skipped)
        );
        for (old, new) in [
            (
                "    def test_a(self):",
                "    def test_a(self):\n        self.skipTest(\"later\")",
            ),
            ("  it \"totals\" do", "  xit \"totals\" do"),
            (
                "  it \"totals\" do",
                "  it \"totals\" do\n    skip \"later\"",
            ),
            (
                "  it('totals', () => {",
                "  it.skipIf(ci)('totals', () => {",
            ),
        ] {
            assert_eq!(
                in_edit(old, new),
                Some(Weakening::Skipped),
                "{old} -> {new}"
            );
        }
    }

    #[test]
    fn near_misses_strengthen_or_keep_the_test() {
        for (old, new) in [
            // fixing the code under test, not the test
            ("return a + b", "return a - b"),
            // a presence check made exact is stronger
            ("assert result is not None", "assert result == 42"),
            // reordering, renaming, adding assertions
            (
                "assert a == 1\nassert b == 2",
                "assert b == 2\nassert a == 1",
            ),
            ("assert a == 1", "assert a == 1\nassert b == 2"),
            ("expect(x).toBe(1);", "expect(y).toBe(1);"),
            ("if [ -z \"$got\" ]; then", "if [ \"$got\" != 5 ]; then"),
            // float equality fixed the usual way, with no tolerance of its own
            (
                "assert total(c) == 0.3",
                "assert total(c) == pytest.approx(0.3)",
            ),
            // a comparison that stays a comparison
            ("assert total(c) == 25", "assert total(c) == 25.0"),
            // a new test case
            (
                "def test_a():\n    assert f()",
                "def test_a():\n    assert f()\n\ndef test_b():\n    assert g()",
            ),
            // setup changes
            (
                "setup do\n  Sandbox.checkout(Repo)\nend",
                "setup do\n  :ok = Sandbox.checkout(Repo)\n  Sandbox.mode(Repo, {:shared, self()})\nend",
            ),
        ] {
            assert_eq!(in_edit(old, new), None, "{old} -> {new}");
        }
    }

    #[test]
    fn new_literals_in_assertions_are_listed() {
        let h = |s: &str| crate::core::classify::literal_hash(s);
        let lits = assertion_literals("assert total(cart) == 42", "assert total(cart) == 41");
        assert_eq!(lits, vec![h("41")]);
        let lits = assertion_literals(
            "expect(status(job)).toBe('done');",
            "expect(status(job)).toBe('pending');",
        );
        assert_eq!(lits, vec![h("pending")]);
        // Literals already asserted, and literals outside assertions, are not new.
        assert!(assertion_literals("assert f(1) == 2", "x = 7\nassert f(1) == 2").is_empty());
        assert!(assertion_literals("assert f(1) == 2", "assert f(2) == 1").is_empty());
        // An assertion added beside the old ones replaces no expected value.
        assert!(
            assertion_literals("assert f(1) == 2", "assert f(1) == 2\nassert f(0) == 30")
                .is_empty()
        );
        // An expected value stated outside the assertion.
        assert_eq!(
            assertion_literals("\twant := 25", "\twant := 30"),
            vec![h("30")]
        );
    }
}
