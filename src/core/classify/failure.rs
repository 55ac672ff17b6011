//! Why a check failed, read from its output: the **cause lines** (the exception, the compiler or
//! linter diagnostic, the assertion expression, the hook's finding) and the **observed values**
//! (what the failing assertion actually got).
//!
//! Two failing runs of one check fail "for the same reason" when their failing ids and their
//! cause lines are the same after normalisation (digits, hex ids and durations blanked, so a new
//! seed, a shifted line number or a timing does not make a new reason). Four failures of one test
//! file with four different exceptions are four reasons, not one loop.

use std::sync::LazyLock;

use regex::Regex;

use crate::core::checks::{normalize_line, re};

/// Most cause lines kept per run (sorted, distinct).
pub const MAX_CAUSES: usize = 12;
/// Most observed values kept per run.
pub const MAX_OBSERVED: usize = 16;

/// A line that says why something failed, in the formats of the common runners and checkers.
static CAUSE: LazyLock<Regex> = LazyLock::new(|| {
    re(concat!(
        // ExUnit / Elixir exceptions: `** (RuntimeError) no :secret_key_base ...`
        r"^\*\* \([\w.]+\) .+",
        // an assertion expression as runners print it (ExUnit `code:`, rspec `Failure/Error:`)
        r"|^(?:code|Failure/Error):\s+.+",
        r"|^Assertion with \S+ failed.*",
        r"|^assertion .+ failed.*",
        // Rust panics, pytest's E lines, Python/JS/Java exceptions
        r"|^thread '.+' panicked at .+",
        r"|^E\s+\S.*",
        r"|^(?:[\w$]+\.)*\w*(?:Error|Exception|Failure|Panic)\b(?::.*)?$",
        // compilers and linters: `error[E0308]: …`, `a.py:3: error: …`, `a.ts(3,5): error TS2322: …`
        r"|^(?:fatal )?error(?:\[\w+\])?:\s*.+",
        r"|^\S+?:\d+(?::\d+)?:\s*(?:error|fatal|fail)\b.*",
        r"|^\S+?\(\d+,\d+\):\s*error\b.*",
        // Dialyzer: `lib/a.ex:57:13:pattern_match`; Go: `a_test.go:12: got 1 want 2`
        r"|^\S+?\.\w+:\d+(?::\d+)?:[a-z_]+$",
        r"|^\S+_test\.go:\d+: .+",
        // Credo-style findings: `┃ [F] → Function is too complex (…)`
        r"|^[┃│]?\s*\[[A-Z]\]\s+\S+\s+.+",
        // pytest's short summary: `FAILED tests/a.py::test_x - AssertionError: …`
        r"|^FAILED \S+ - .+",
        r"|^npm ERR! .+",
        r"|^●\s+.+",
    ))
});

/// What an assertion observed, in the runners' words: `left: 7`, `Received: 7`, `got 7`,
/// `but was:<7>`, pytest's `assert 7 == 5`, unittest's `AssertionError: 7 != 5`.
static OBSERVED: LazyLock<Regex> = LazyLock::new(|| {
    re(concat!(
        r"(?i)^(?:left|received|actual|got|but got|but was)\s*:?\s*(.+)$",
        r"|but was:?\s*<?(.+?)>?$",
        r"|\bgot:?\s+(.+?),?\s+want",
        r"|\bexpected:?\s+.+?,\s*(?:but\s+)?got:?\s+(.+)$",
        r"|^E\s+assert\s+(.+?)\s+(?:==|!=|is|in|not in|<=|>=|<|>)\s",
        r"|^(?:E\s+)?AssertionError:\s+(.+?)\s+!=\s",
    ))
});

/// Splits a tool output into trimmed lines, also on the literal `\n` some hook outputs carry.
fn lines(text: &str) -> impl Iterator<Item = &str> {
    text.split('\n')
        .flat_map(|l| l.split("\\n"))
        .map(|l| l.trim().trim_end_matches('\r'))
        .filter(|l| !l.is_empty())
}

/// A cause line made comparable: digit runs and long hex ids blanked, whitespace collapsed,
/// cut to 160 bytes.
fn normalise(line: &str) -> String {
    let squeezed: String = line.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut out = normalize_line(&blank_hex(&squeezed));
    if out.len() > 160 {
        let cut = (0..=160)
            .rev()
            .find(|i| out.is_char_boundary(*i))
            .unwrap_or(0);
        out.truncate(cut);
    }
    out
}

/// Hex runs of 7+ characters (object ids, hashes, pointers) become `#`.
fn blank_hex(s: &str) -> String {
    static HEX: LazyLock<Regex> = LazyLock::new(|| re(r"\b(?:0x)?[0-9a-fA-F]{7,}\b"));
    if HEX.is_match(s) {
        HEX.replace_all(s, "#").into_owned()
    } else {
        s.to_owned()
    }
}

/// The distinct cause lines of a failed check's output, normalised and sorted (at most
/// [`MAX_CAUSES`]). Empty when the output names no cause.
#[must_use]
pub fn causes(text: &str) -> Vec<String> {
    let mut out: Vec<String> = lines(text)
        .filter(|l| l.len() <= 2000 && CAUSE.is_match(l))
        .map(normalise)
        .collect();
    out.sort_unstable();
    out.dedup();
    out.truncate(MAX_CAUSES);
    out
}

/// Hashes of the values the failing assertions observed (see [`super::literal_hash`]): what a
/// test edited to expect them would now "pass" with. At most [`MAX_OBSERVED`].
#[must_use]
pub fn observed(text: &str) -> Vec<u64> {
    let mut out = Vec::new();
    for l in lines(text).filter(|l| l.len() <= 2000) {
        let Some(c) = OBSERVED.captures(l) else {
            continue;
        };
        let Some(value) = c.iter().skip(1).flatten().next().map(|m| m.as_str().trim()) else {
            continue;
        };
        let mut found = false;
        for lit in super::literals(value) {
            found = true;
            out.push(super::literal_hash(lit));
        }
        if !found && !value.is_empty() && value.len() <= 80 {
            out.push(super::literal_hash(value));
        }
        if out.len() >= MAX_OBSERVED {
            break;
        }
    }
    out.sort_unstable();
    out.dedup();
    out.truncate(MAX_OBSERVED);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn different_exceptions_in_one_test_file_are_different_causes() {
        // Two runs of the same ExUnit file: the same tests fail, for different reasons.
        let secret = "Running ExUnit with seed: 918599, max_cases: 32\n\n  1) test mount renders (SpotterWeb.ReviewLiveTest)\n     test/review_live_test.exs:58\n     ** (RuntimeError) no :secret_key_base configuration found in SpotterWeb.Endpoint.\n     code: {:ok, _view, html} = live(conn, \"/projects/1/review\")\n";
        let lazy = "Running ExUnit with seed: 374312, max_cases: 32\n\n  1) test mount renders (SpotterWeb.ReviewLiveTest)\n     test/review_live_test.exs:58\n     ** (RuntimeError) Phoenix LiveView requires lazy_html as a test dependency.\n     code: {:ok, _view, html} = live(conn, \"/projects/1/review\")\n";
        assert_ne!(causes(secret), causes(lazy));
        // The same failure with another seed and shifted line numbers is the same cause.
        let again = secret
            .replace("918599", "1234")
            .replace(":58", ":61")
            .replace("/1/", "/27/");
        assert_eq!(causes(secret), causes(&again));
    }

    #[test]
    fn compiler_linter_and_hook_findings_are_causes() {
        let dialyzer = r"Pre-commit validation failed:\n\n[DIALYZER]\nFinding suitable PLTs
Total errors: 2, Skipped: 0
done in 0m12.09s
lib/app/otel_trace_helpers.ex:57:13:pattern_match
The pattern can never match the type.";
        assert_eq!(
            causes(dialyzer),
            vec!["lib/app/otel_trace_helpers.ex:#:#:pattern_match"]
        );
        let credo = "┃ [F] → Function is too complex (cyclomatic complexity is 13, max is 9).\n┃       lib/a.ex:144:7";
        assert_eq!(causes(credo).len(), 1);
        for text in [
            "error[E0308]: mismatched types\n --> src/lib.rs:3:5",
            "src/app.py:12: error: Incompatible return value type",
            "src/a.ts(3,5): error TS2322: Type 'string' is not assignable to type 'number'.",
            "thread 'tests::parses' panicked at src/lib.rs:40:9:\nassertion `left == right` failed",
            "E       AssertionError: expected 3 items",
            "TypeError: generate is not a function",
            "    parse_test.go:12: got 1, want 2",
            "FAILED tests/test_api.py::test_get - KeyError: 'id'",
        ] {
            assert!(!causes(text).is_empty(), "{text}");
        }
        // Progress lines, summaries and blank output name no cause.
        assert!(causes("Compiling 4 files (.ex)\n5 tests, 5 failures\nExit code 1").is_empty());
    }

    #[test]
    fn observed_values_come_from_what_the_assertion_got() {
        let hashes = |xs: &[&str]| {
            let mut v: Vec<u64> = xs
                .iter()
                .map(|x| crate::core::classify::literal_hash(x))
                .collect();
            v.sort_unstable();
            v
        };
        assert_eq!(
            observed("  assertion `left == right` failed\n  left: 7\n right: 5"),
            hashes(&["7"])
        );
        assert_eq!(
            observed("Expected: 5\nReceived: \"done\""),
            hashes(&["done"])
        );
        assert_eq!(
            observed("E       assert 'pending' == 'done'"),
            hashes(&["pending"])
        );
        assert_eq!(observed("    a_test.go:9: got 3, want 4"), hashes(&["3"]));
        assert_eq!(
            observed("expected:<5> but was:<7>"),
            hashes(&["7"]),
            "JUnit's observed value"
        );
        assert_eq!(observed("left: :error"), hashes(&[":error"]));
        assert_eq!(
            observed("FAIL test_add: expected 5, got -1"),
            hashes(&["-1"]),
            "a hand-written test's own message"
        );
        assert!(observed("error: undefined function get/2").is_empty());
    }
}
