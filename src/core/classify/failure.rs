//! Why a check failed, read from its output: the **cause lines** (the exception, the compiler or
//! linter diagnostic, the assertion expression, the hook's finding) and the **observed values**
//! (what the failing assertion actually got).
//!
//! Two failing runs of one check fail "for the same reason" when their failing ids and their
//! cause lines are the same after normalisation (digits, hex ids and durations blanked, so a new
//! seed, a shifted line number or a timing does not make a new reason). Four failures of one test
//! file with four different exceptions are four reasons, not one loop.

use std::sync::LazyLock;

use regex::bytes::Regex;

use crate::core::checks::{bytes_re as re, normalize_line};

/// Most cause lines kept per run (sorted, distinct).
pub const MAX_CAUSES: usize = 12;
/// Most observed values kept per run.
pub const MAX_OBSERVED: usize = 16;

/// A line that says why something failed, in the formats of the common runners and checkers
/// (matched at the start of a line, after its indentation; one pass over the whole output).
static CAUSE: LazyLock<Regex> = LazyLock::new(|| {
    re(concat!(
        r"(?m)^[ \t]*(?:",
        // ExUnit / Elixir exceptions: `** (RuntimeError) no :secret_key_base ...`
        r"\*\* \([\w.]+\) .+",
        // an assertion expression as runners print it (ExUnit `code:`, rspec `Failure/Error:`)
        r"|(?:code|Failure/Error):[ \t]+.+",
        r"|Assertion with \S+ failed.*",
        r"|assertion .+ failed.*",
        // Rust panics, pytest's E lines, Python/JS/Java exceptions
        r"|thread '.+' panicked at .+",
        r"|E[ \t]+\S.*",
        r"|(?:[\w$]+\.)*\w*(?:Error|Exception|Failure|Panic)\b(?::.*)?\r?$",
        // compilers and linters: `error[E0308]: …`, `a.py:3: error: …`, `a.ts(3,5): error TS2322: …`
        r"|(?:fatal )?error(?:\[\w+\])?:.+",
        r"|\S+?:\d+(?::\d+)?:[ \t]*(?:error|fatal|fail)\b.*",
        r"|\S+?\(\d+,\d+\):[ \t]*error\b.*",
        // any compiler or linter's `path.ext:line:col: message` (go, gcc, ruff, pylint, golangci),
        // Kotlin's `e: path:line:col message`, eslint's `  12:7  error  message  rule`, javac
        // through Maven's `[ERROR] path:[12,20] message`, bundlers' `Type error: …`,
        // `Module not found: …`
        r"|(?:e: )?\S+?\.\w+:\d+:\d+:?[ \t]+\S.*",
        r"|\d+:\d+[ \t]+error[ \t]+\S.*",
        r"|\[ERROR\][ \t]+\S+:\[\d+,\d+\][ \t]+\S.*",
        r"|[A-Z][a-z]+(?: [a-z]+){0,2} error: .+",
        r"|Module not found: .+",
        // Dialyzer: `lib/a.ex:57:13:pattern_match`; Go: `a_test.go:12: got 1 want 2`
        r"|\S+?\.\w+:\d+(?::\d+)?:[a-z_]+\r?$",
        r"|\S+_test\.go:\d+: .+",
        // Credo-style findings: `┃ [F] → Function is too complex (…)`
        r"|(?:┃|│)?[ \t]*\[[A-Z]\][ \t]+\S+[ \t]+.+",
        // pytest's short summary: `FAILED tests/a.py::test_x - AssertionError: …`
        r"|FAILED \S+ - .+",
        r"|npm ERR! .+",
        r"|●[ \t]+.+",
        r")",
    ))
});

/// What an assertion observed, in the runners' words: `left: 7`, `Received: 7`, `got 7`,
/// `but was:<7>`, pytest's `assert 7 == 5`, unittest's `AssertionError: 7 != 5`. One pass over
/// the whole output; the value is the capture that took part.
static OBSERVED: LazyLock<Regex> = LazyLock::new(|| {
    re(concat!(
        r"(?mi)^[ \t]*(?:",
        r"(?:left|received|actual|got|but got|but was)[ \t]*:?[ \t]*([^\n]+?)\r?$",
        r"|[^\n]*?but was:?[ \t]*<?([^\n]+?)>?\r?$",
        r"|[^\n]*?\bgot:?[ \t]+([^\n]+?),?[ \t]+want",
        // Go's `Total() = 30, want 25`; chai's `expected 30 to be 25`
        r"|[^\n]*?\)[ \t]*=[ \t]*([^\n,]+?),[ \t]+want\b",
        r"|[^\n]*?\bexpected[ \t]+([^\n]+?)[ \t]+to (?:be|equal|deeply equal|eql|strictly equal)\b",
        r"|[^\n]*?\bexpected:?[ \t]+[^\n]+?,[ \t]*(?:but[ \t]+)?got:?[ \t]+([^\n]+?)\r?$",
        r"|E[ \t]+assert[ \t]+([^\n]+?)[ \t]+(?:==|!=|is|in|not in|<=|>=|<|>)[ \t]",
        r"|(?:E[ \t]+)?AssertionError:[ \t]+([^\n]+?)[ \t]+!=[ \t]",
        r")",
    ))
});

/// Output read for causes and values: its first and last [`EDGE`] bytes (runners print what
/// failed at the top or in a closing summary; a huge log's middle is progress), with the literal
/// `\n` some hook outputs carry turned into line breaks.
fn unescaped(text: &str) -> std::borrow::Cow<'_, str> {
    let text = if text.len() > 2 * EDGE {
        let head = crate::core::sanitize::prefix(text, EDGE);
        let mut from = text.len() - EDGE;
        while !text.is_char_boundary(from) {
            from += 1;
        }
        std::borrow::Cow::Owned(format!("{head}\n{}", &text[from..]))
    } else {
        std::borrow::Cow::Borrowed(text)
    };
    if memchr::memmem::find(text.as_bytes(), b"\\n").is_some() {
        std::borrow::Cow::Owned(text.replace("\\n", "\n"))
    } else {
        text
    }
}

/// Bytes read at each end of a long output.
const EDGE: usize = 64 * 1024;

/// Longest line read as a cause.
const MAX_LINE: usize = 2000;

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
    if HEX.is_match(s.as_bytes()) {
        String::from_utf8_lossy(&HEX.replace_all(s.as_bytes(), &b"#"[..])).into_owned()
    } else {
        s.to_owned()
    }
}

/// The distinct cause lines of a failed check's output, normalised and sorted (at most
/// [`MAX_CAUSES`]). Empty when the output names no cause.
#[must_use]
pub fn causes(text: &str) -> Vec<String> {
    let text = unescaped(text);
    let mut out: Vec<String> = CAUSE
        .find_iter(text.as_bytes())
        .filter_map(|m| {
            let rest = &text[m.start()..];
            let line = rest.split('\n').next().unwrap_or(rest).trim();
            (line.len() <= MAX_LINE && !is_warning(line)).then(|| normalise(line))
        })
        .collect();
    out.sort_unstable();
    out.dedup();
    out.truncate(MAX_CAUSES);
    out
}

/// A diagnostic that is a warning or a note, not why the check failed (`a.rs:3:5: warning: …`,
/// `a.c:9:1: note: …`, `  3:1  warning  …`).
fn is_warning(line: &str) -> bool {
    let head = crate::core::sanitize::prefix(line, 400);
    [": warning", ": note:", "  warning  ", ": info:"]
        .iter()
        .any(|w| head.contains(w))
}

/// Hashes of the values the failing assertions observed (see [`super::literal_hash`]): what a
/// test edited to expect them would now "pass" with. At most [`MAX_OBSERVED`].
#[must_use]
pub fn observed(text: &str) -> Vec<u64> {
    let text = unescaped(text);
    let mut out = Vec::new();
    for c in OBSERVED.captures_iter(text.as_bytes()) {
        let Some(value) = c
            .iter()
            .skip(1)
            .flatten()
            .next()
            .and_then(|m| std::str::from_utf8(m.as_bytes()).ok())
            .map(str::trim)
        else {
            continue;
        };
        if value.len() > MAX_LINE {
            continue;
        }
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
        for text in [
            "cart/cart.go:12:9: undefined: rate",
            "shop/cart.py:12:5: F841 Local variable `rate` is assigned to but never used",
            "e: file:///w/app/src/Cart.kt:12:20 Unresolved reference: rate",
            "  12:7  error  'rate' is assigned a value but never used  no-unused-vars",
            "[ERROR] /w/src/main/java/shop/Cart.java:[12,20] cannot find symbol",
            "Type error: Type 'string' is not assignable to type 'number'.",
            "Module not found: Can't resolve '@/lib/pricing'",
        ] {
            assert_eq!(causes(text).len(), 1, "{text}");
        }
        // Warnings and notes beside the error are not why it failed.
        assert_eq!(
            causes("src/a.c:3:5: warning: unused variable 'x'\nsrc/a.c:9:1: error: expected ';'"),
            vec!["src/a.c:#:#: error: expected ';'"]
        );
        assert!(causes("  3:1  warning  Unexpected console statement  no-console").is_empty());
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
