//! Silencing a check instead of fixing what it reports, across ecosystems:
//! - an inline marker that tells a linter or type checker to look away (`# noqa`,
//!   `# type: ignore`, `@ts-ignore`, `eslint-disable`, `#[allow(...)]`, `//nolint`,
//!   `rubocop:disable`, `pylint: disable`, `@SuppressWarnings`, `credo:disable`,
//!   `@dialyzer {:nowarn_function, …}`, and any `<tool>:ignore` / `<tool>-disable` comment);
//! - an entry in a checker's ignore or baseline file (`.eslintignore`, `.dialyzer_ignore.exs`,
//!   `phpstan-baseline.neon`…);
//! - a CI gate told to pass anyway (`continue-on-error: true`, `allow_failure: true`, `|| true`);
//! - a coverage threshold lowered;
//! - a check run so its failure cannot show (`cargo test || true`, `ruff check --exit-zero`) or
//!   with the failing tests deselected (`pytest -k "not test_x"`, `cargo test -- --skip x`).

use std::sync::LazyLock;

use regex::bytes::Regex;

use crate::core::checks::bytes_re as re;

/// How a check was silenced.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Suppression {
    /// An inline marker for a linter or type checker.
    Marker,
    /// An entry in a checker's ignore or baseline file.
    IgnoreFile,
    /// A CI step allowed to fail.
    CiGate,
    /// A coverage threshold lowered.
    Coverage,
    /// A check run with its exit status masked.
    ExitMasked,
    /// A test run with the failing tests deselected.
    Deselected,
}

impl Suppression {
    /// A short phrase for evidence text.
    #[must_use]
    pub fn describe(self) -> &'static str {
        match self {
            Suppression::Marker => "added a marker that silences a lint or type check",
            Suppression::IgnoreFile => "added an entry to a checker's ignore file",
            Suppression::CiGate => "let a CI step fail without failing the build",
            Suppression::Coverage => "lowered a coverage threshold",
            Suppression::ExitMasked => "ran the check so that its failure cannot fail the step",
            Suppression::Deselected => "ran the tests with the failing ones left out",
        }
    }
}

static MARKER: LazyLock<Regex> = LazyLock::new(|| {
    re(concat!(
        r"#\s*noqa\b|#\s*type:\s*ignore|#\s*(?:pyright|mypy):\s*ignore|@ts-(?:ignore|expect-error|nocheck)\b",
        r"|eslint-disable|#!?\[(?:allow|expect)\(|//\s*nolint\b|//\s*NOLINT|rubocop:(?:disable|todo)\b",
        r"|pylint:\s*disable|@SuppressWarnings\b|@Suppress\(|credo:disable|@dialyzer\s*\{?\s*:?nowarn",
        r"|#\s*nosec\b|NOSONAR|#pragma warning disable|swiftlint:disable|biome-ignore|deno-lint-ignore",
        r"|prettier-ignore|stylelint-disable|markdownlint-disable|istanbul ignore|\b[cv]8 ignore",
        r"|#\s*pragma:\s*no cover|shellcheck disable=|phpcs:ignore|@phpstan-ignore|@psalm-suppress",
        r"|//\s*lint:ignore|#\s*nolint\b",
        // any other `<tool>:ignore…` / `<tool>-disable…` in a comment (`# dialyzer:ignore-warnings`)
        r"|(?:#|//|/\*|--\s|<!--)\s*@?[A-Za-z][\w.]*[:-](?:ignore|disable|nowarn)\b",
    ))
});

/// A checker's ignore or baseline file.
static IGNORE_FILE: LazyLock<Regex> = LazyLock::new(|| {
    re(concat!(
        r"(?i)^\.?[a-z0-9_-]*(?:lint|check|dialyzer|semgrep|trivy|codespell|prettier|sonar|snyk|mypy|pyright|ruff|credo|bandit|hadolint|vale)[a-z0-9]*[._-]?ignore(?:\.\w+)?$",
        r"|^\.?dialyzer_ignore\.exs$|^\.rubocop_todo\.ya?ml$|(?:^|[._-])baseline\.(?:neon|xml|json|txt|toml)$|^\.mypy[._-]baseline",
    ))
});

/// CI configuration files.
fn is_ci_config(path: &str) -> bool {
    let file = crate::core::checks::file_name(path);
    let under = |dir: &str| {
        path.contains(dir) || (path.contains('\\') && path.contains(&dir.replace('/', "\\")))
    };
    under(".github/workflows/")
        || under(".circleci/")
        || under(".buildkite/")
        || matches!(
            file,
            ".gitlab-ci.yml" | "azure-pipelines.yml" | "Jenkinsfile" | "bitbucket-pipelines.yml"
        )
}

static CI_PASS_ANYWAY: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"continue-on-error:\s*true|allow_failure:\s*true|\|\|\s*(?:true|:|exit 0)\b|--exit-zero\b|set \+e\b",
    )
});

/// Files that hold the project's own commands: package scripts, make and task files, hook
/// configurations.
fn is_script_config(path: &str) -> bool {
    let file = crate::core::checks::file_name(path);
    matches!(
        file,
        "package.json"
            | "Makefile"
            | "makefile"
            | "GNUmakefile"
            | "justfile"
            | "Justfile"
            | "Taskfile.yml"
            | "tox.ini"
            | "noxfile.py"
            | ".pre-commit-config.yaml"
            | "lefthook.yml"
            | "lefthook.yaml"
    ) || path.contains(".husky/")
}

/// A line the new text adds runs a check and is told to pass anyway (`"lint": "eslint src ||
/// true"`); `rm -f x || true` in a clean script tolerates nothing that checks.
fn masks_a_check(old: &str, new: &str) -> bool {
    if !CI_PASS_ANYWAY.is_match(new.as_bytes()) {
        return false;
    }
    new.lines()
        .filter(|l| CI_PASS_ANYWAY.is_match(l.as_bytes()))
        .filter(|l| !old.lines().any(|o| o.trim() == l.trim()))
        .any(|l| {
            // A package script's value, or a make recipe, as the command it runs.
            let cmd = l.trim().trim_end_matches([',', '"']);
            let cmd = cmd.rsplit_once("\": \"").map_or(cmd, |(_, v)| v);
            let cmd = cmd.trim_start_matches(['-', '@', '\t', ' ']);
            crate::core::checks::classify_command(cmd).check.is_some()
        })
}

/// `key = number` pairs of coverage settings.
static THRESHOLD: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r#"(?i)["']?(fail[_-]under|cov-fail-under|minimum[_-]coverage|min[_-]?coverage|coverage[_-]?threshold|threshold|branches|lines|functions|statements)["']?\s*[:=]\s*(\d+(?:\.\d+)?)"#,
    )
});

/// Does an edit of `path` from `old` to `new` silence a check? (See the module docs.)
#[must_use]
pub fn in_edit(path: &str, old: &str, new: &str) -> Option<Suppression> {
    let gains = |r: &Regex| {
        let n = r.find_iter(new.as_bytes()).count();
        n > 0 && n > r.find_iter(old.as_bytes()).count()
    };
    let file = crate::core::checks::file_name(path);
    let lower = file.to_ascii_lowercase();
    let named = ["ignore", "baseline", "todo"]
        .iter()
        .any(|w| lower.contains(w));
    if named && IGNORE_FILE.is_match(file.as_bytes()) && added_lines(old, new) {
        return Some(Suppression::IgnoreFile);
    }
    if is_ci_config(path) && gains(&CI_PASS_ANYWAY) {
        return Some(Suppression::CiGate);
    }
    if is_script_config(path) && masks_a_check(old, new) {
        return Some(Suppression::ExitMasked);
    }
    if lowers_threshold(path, old, new) {
        return Some(Suppression::Coverage);
    }
    if MARKER_WORDS.is_match(new.as_bytes()) && gains(&MARKER) {
        return Some(Suppression::Marker);
    }
    None
}

/// A word every marker contains, searched first as plain literals (most edits have none).
static MARKER_WORDS: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"noqa|ignore|disable|allow\(|expect\(|ts-expect|nolint|NOLINT|rubocop|Suppress|nowarn|nosec|NOSONAR|no cover|phpstan|psalm|ts-nocheck|lint:",
    )
});
/// The new text has a substantive line the old one lacked.
fn added_lines(old: &str, new: &str) -> bool {
    new.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .any(|l| !old.lines().any(|o| o.trim() == l))
}

/// Where coverage thresholds live: configuration files (TOML, INI, JSON, YAML, XML, Gradle,
/// `*.config.*`, dotfiles) and build scripts, not source code.
fn is_config_like(path: &str) -> bool {
    let file = crate::core::checks::file_name(path);
    let ext = file.rsplit_once('.').map_or("", |(_, e)| e);
    file.starts_with('.')
        || file.contains(".config.")
        || matches!(file, "Makefile" | "justfile" | "package.json")
        || matches!(
            ext,
            "toml" | "cfg" | "ini" | "json" | "yml" | "yaml" | "xml" | "gradle" | "kts" | "neon"
        )
}

fn lowers_threshold(path: &str, old: &str, new: &str) -> bool {
    if !is_config_like(path) || !THRESHOLD.is_match(new.as_bytes()) {
        return false;
    }
    let pairs = |t: &str| -> Vec<(String, f64)> {
        THRESHOLD
            .captures_iter(t.as_bytes())
            .filter_map(|c| {
                let key = std::str::from_utf8(&c[1]).ok()?.to_ascii_lowercase();
                Some((key, std::str::from_utf8(&c[2]).ok()?.parse().ok()?))
            })
            .collect()
    };
    let about_coverage = |key: &str| {
        key.contains("cov") || key.contains("fail") || old.to_ascii_lowercase().contains("cov")
    };
    let before = pairs(old);
    pairs(new)
        .iter()
        .any(|(k, v)| about_coverage(k) && before.iter().any(|(ko, vo)| ko == k && v < vo))
}

static MASKED: LazyLock<Regex> =
    LazyLock::new(|| re(r"\|\|\s*(?:true|:|exit 0)\b|;\s*(?:true|exit 0)\s*$|--exit-zero\b"));
static DESELECT: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r#"--deselect\b|\s-k\s+["']?not\s|--ignore[= ]\S*test|\s--\s.*--skip\b|\s-skip\s|--testPathIgnorePatterns\b|\s--exclude\s"#,
    )
});

/// Does a check command hide its own failure, or leave the failing tests out? `is_test` says
/// the command runs tests (deselecting only applies to them).
#[must_use]
pub fn in_command(command: &str, is_test: bool) -> Option<Suppression> {
    if MASKED.is_match(command.as_bytes()) {
        return Some(Suppression::ExitMasked);
    }
    if is_test && DESELECT.is_match(command.as_bytes()) {
        return Some(Suppression::Deselected);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inline_markers_across_ecosystems() {
        for (path, new) in [
            ("a.py", "x = f()  # noqa: E501"),
            ("a.py", "x = f()  # type: ignore[arg-type]"),
            ("a.ts", "// @ts-ignore\nconst x: number = s;"),
            ("a.ts", "// @ts-expect-error\nconst x: number = s;"),
            ("a.js", "// eslint-disable-next-line no-unused-vars"),
            ("src/lib.rs", "#[allow(dead_code)]\nfn f() {}"),
            ("main.go", "x := f() //nolint:errcheck"),
            ("a.rb", "def f # rubocop:disable Metrics/AbcSize"),
            ("a.py", "import x  # pylint: disable=unused-import"),
            ("A.java", "@SuppressWarnings(\"unchecked\")\nvoid f() {}"),
            ("a.ex", "# credo:disable-for-next-line\ndef f, do: 1"),
            ("a.ex", "@dialyzer {:nowarn_function, f: 0}"),
            (
                "a.ex",
                "@spec f() :: t\n  # dialyzer:ignore-warnings\n  def f do",
            ),
            ("a.swift", "// swiftlint:disable force_cast"),
        ] {
            assert_eq!(
                in_edit(path, "", new),
                Some(Suppression::Marker),
                "{path}: {new}"
            );
        }
        // Moving a marker that was already there, or removing one, silences nothing new.
        assert_eq!(in_edit("a.py", "f()  # noqa", "g()  # noqa"), None);
        assert_eq!(in_edit("a.py", "f()  # noqa", "f()"), None);
        // Words that only look alike.
        assert_eq!(in_edit("a.py", "", "# ignore empty lines\nskip = 1"), None);
        assert_eq!(
            in_edit("a.md", "", "Disable the cache with --no-cache."),
            None
        );
    }

    #[test]
    fn ignore_and_baseline_files_and_ci_gates() {
        for path in [
            ".dialyzerignore",
            ".dialyzer_ignore.exs",
            "web/.eslintignore",
            ".prettierignore",
            "phpstan-baseline.neon",
            ".rubocop_todo.yml",
        ] {
            assert_eq!(
                in_edit(path, "", "lib/a.ex:58:13\n"),
                Some(Suppression::IgnoreFile),
                "{path}"
            );
        }
        for path in [".gitignore", ".dockerignore", ".npmignore"] {
            assert_eq!(in_edit(path, "", "target/\n"), None, "{path}");
        }
        assert_eq!(
            in_edit(
                ".github/workflows/ci.yml",
                "      - run: cargo clippy",
                "      - run: cargo clippy\n        continue-on-error: true"
            ),
            Some(Suppression::CiGate)
        );
        assert_eq!(
            in_edit(
                ".gitlab-ci.yml",
                "lint:\n  script: ruff check",
                "lint:\n  script: ruff check || true"
            ),
            Some(Suppression::CiGate)
        );
        // A check in a package script or make file told to pass anyway; a clean step is not.
        assert_eq!(
            in_edit(
                "web/package.json",
                "    \"lint\": \"eslint src\",",
                "    \"lint\": \"eslint src || true\","
            ),
            Some(Suppression::ExitMasked)
        );
        assert_eq!(
            in_edit(
                "Makefile",
                "check:\n\tcargo test",
                "check:\n\tcargo test || true"
            ),
            Some(Suppression::ExitMasked)
        );
        assert_eq!(
            in_edit(
                "package.json",
                "    \"clean\": \"rm -rf dist\",",
                "    \"clean\": \"rm -rf dist || true\","
            ),
            None
        );
        // A shell script that tolerates a failing curl is not a CI gate.
        assert_eq!(in_edit("hooks/notify.sh", "", "curl -s $URL || true"), None);
    }

    #[test]
    fn lowered_coverage_thresholds() {
        assert_eq!(
            in_edit(
                "pyproject.toml",
                "[tool.coverage.report]\nfail_under = 90",
                "[tool.coverage.report]\nfail_under = 75"
            ),
            Some(Suppression::Coverage)
        );
        assert_eq!(
            in_edit(
                "jest.config.js",
                "coverageThreshold: { global: { branches: 80, lines: 85 } }",
                "coverageThreshold: { global: { branches: 60, lines: 85 } }"
            ),
            Some(Suppression::Coverage)
        );
        // Raising it, or a `lines` setting that has nothing to do with coverage, is fine.
        assert_eq!(
            in_edit("pyproject.toml", "fail_under = 75", "fail_under = 90"),
            None
        );
        assert_eq!(in_edit("editor.toml", "lines = 80", "lines = 60"), None);
        // Source code is not where thresholds live.
        assert_eq!(
            in_edit(
                "src/report.py",
                "fail_under = 90  # coverage",
                "fail_under = 75  # coverage"
            ),
            None
        );
    }

    #[test]
    fn commands_that_hide_a_failure_or_leave_tests_out() {
        assert_eq!(
            in_command("cargo test || true", true),
            Some(Suppression::ExitMasked)
        );
        assert_eq!(
            in_command("ruff check --exit-zero .", false),
            Some(Suppression::ExitMasked)
        );
        assert_eq!(
            in_command("pytest -k \"not test_login\" tests/", true),
            Some(Suppression::Deselected)
        );
        assert_eq!(
            in_command("cargo test -- --skip parses_dates", true),
            Some(Suppression::Deselected)
        );
        assert_eq!(in_command("pytest -x tests/ 2>&1 | tail -20", true), None);
        assert_eq!(in_command("cargo test --exclude foo", false), None);
        assert_eq!(in_command("mix test test/a_test.exs", true), None);
    }
}
