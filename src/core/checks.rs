//! What a shell command is (a test run, a build, a lint, a commit…), what its output says, and
//! whether an action tries to get around a failing check.
//!
//! Commands are split into segments on `&&`, `||`, `;`, `|` and newlines; each segment loses its
//! leading `VAR=value` assignments and wrappers (`time`, `env`, `timeout N`, `npx`, `uv run`…), and
//! a `cd <dir>` segment is skipped. The first words then decide.

use std::sync::LazyLock;

use regex::Regex;
use serde::{Deserialize, Serialize};

/// The kind of verification a command performs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CheckKind {
    /// A test runner.
    Test,
    /// A build or compile step.
    Build,
    /// A linter, formatter check or type checker.
    Lint,
    /// `git commit` (pre-commit hooks make it a check too).
    Commit,
}

impl CheckKind {
    /// A short lowercase label.
    #[must_use]
    pub fn label(self) -> &'static str {
        match self {
            CheckKind::Test => "test",
            CheckKind::Build => "build",
            CheckKind::Lint => "lint",
            CheckKind::Commit => "commit",
        }
    }
}

/// A way of getting around a failing check (signal S20).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Bypass {
    /// `git commit --no-verify` / `-n`, `git push --no-verify`, `HUSKY=0`, `SKIP=…`.
    NoVerify,
    /// A skip/ignore marker added to a test.
    SkipTest,
    /// Assertions removed from a test.
    WeakenTest,
    /// An exact assertion turned into a presence, truthiness or "any" check.
    LoosenTest,
    /// A test file or test cases deleted.
    DeleteTest,
    /// A lint or type-check suppression added, or a lint config loosened.
    LoosenLint,
    /// An entry added to a checker's ignore or baseline file.
    IgnoreFile,
    /// A CI step or build script told to pass when its check fails (`continue-on-error`, `|| true`).
    CiGate,
    /// A coverage threshold lowered.
    LowerCoverage,
    /// A check run so that its failure cannot fail the step (`cargo test || true`).
    MaskExit,
    /// Tests run with the failing ones deselected (`-k "not …"`, `--skip`).
    DeselectTests,
    /// A way around the check offered to the user in a question.
    Offered,
}

impl Bypass {
    /// A short phrase for evidence text.
    #[must_use]
    pub fn describe(self) -> &'static str {
        use crate::core::classify::{suppress::Suppression as S, weaken::Weakening as W};
        match self {
            Bypass::NoVerify => "skipped the hooks with --no-verify",
            Bypass::SkipTest => W::Skipped.describe(),
            Bypass::WeakenTest => W::AssertionsRemoved.describe(),
            Bypass::LoosenTest => W::Loosened.describe(),
            Bypass::DeleteTest => "deleted a test file or test cases",
            Bypass::LoosenLint => "silenced a lint or type check",
            Bypass::IgnoreFile => S::IgnoreFile.describe(),
            Bypass::CiGate => S::CiGate.describe(),
            Bypass::LowerCoverage => S::Coverage.describe(),
            Bypass::MaskExit => S::ExitMasked.describe(),
            Bypass::DeselectTests => S::Deselected.describe(),
            Bypass::Offered => "offered you a way around the check",
        }
    }

    /// The bypass is about tests (it needs a failing test run to count).
    #[must_use]
    pub fn about_tests(self) -> bool {
        matches!(
            self,
            Bypass::SkipTest
                | Bypass::WeakenTest
                | Bypass::LoosenTest
                | Bypass::DeleteTest
                | Bypass::DeselectTests
        )
    }
}

/// What a Bash command is, as far as the rules care.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CommandClass {
    /// The strongest check it runs (commit > test > build > lint).
    pub check: Option<CheckKind>,
    /// Only reads (ls, cat, grep, git status…): exploration, not progress.
    pub read_only: bool,
    /// `git push` or `gh pr create|merge`.
    pub ships: bool,
    /// A bypass the command itself performs.
    pub bypass: Option<Bypass>,
    /// Polling-style commands (sleep, watch, status) that legitimately repeat.
    pub polling: bool,
}

/// Classifies a shell command; see the module docs.
#[must_use]
pub fn classify_command(command: &str) -> CommandClass {
    let mut class = CommandClass {
        read_only: true,
        ..CommandClass::default()
    };
    let mut any = false;
    // Variables exported by an earlier segment (`export HUSKY=0 && git commit …`).
    let mut exported: Vec<&str> = Vec::new();
    for raw in split_segments(command) {
        let (mut env, words) = strip_prefixes(raw);
        if words.is_empty() {
            continue;
        }
        if words[0] == "cd" || words[0] == "pushd" || words[0] == "popd" {
            continue;
        }
        if words[0] == "export" {
            exported.extend(words[1..].iter().filter(|w| is_assignment(w)));
        }
        env.extend_from_slice(&exported);
        any = true;
        let seg = segment_class(&words, &env);
        class.check = strongest(class.check, seg.check);
        class.read_only &= seg.read_only;
        class.ships |= seg.ships;
        class.polling |= seg.polling;
        class.bypass = class.bypass.or(seg.bypass);
    }
    class.read_only &= any;
    if class.bypass.is_none() && class.check.is_some() {
        use crate::core::classify::suppress::{self, Suppression};
        class.bypass = match suppress::in_command(command, class.check == Some(CheckKind::Test)) {
            // Its exit status can no longer fail the step (the engine counts it only while a
            // check is failing: `cargo test || true` after the tests failed).
            Some(Suppression::ExitMasked) => Some(Bypass::MaskExit),
            Some(Suppression::Deselected) => Some(Bypass::DeselectTests),
            _ => None,
        };
    }
    class
}

fn strongest(a: Option<CheckKind>, b: Option<CheckKind>) -> Option<CheckKind> {
    let rank = |k: Option<CheckKind>| match k {
        None => 0,
        Some(CheckKind::Lint) => 1,
        Some(CheckKind::Build) => 2,
        Some(CheckKind::Test) => 3,
        Some(CheckKind::Commit) => 4,
    };
    if rank(b) > rank(a) { b } else { a }
}

fn split_segments(command: &str) -> impl Iterator<Item = &str> {
    command
        .split(['\n', ';', '|', '&'])
        .map(|s| s.trim().trim_start_matches(['(', '{']).trim())
        .filter(|s| !s.is_empty())
}

/// Leading `VAR=value` words and wrapper commands removed; returns (assignments, words).
fn strip_prefixes(segment: &str) -> (Vec<&str>, Vec<&str>) {
    let mut words: Vec<&str> = segment.split_whitespace().collect();
    let mut env = Vec::new();
    loop {
        match words.first().copied() {
            Some(w) if is_assignment(w) => {
                env.push(w);
                words.remove(0);
            }
            Some("time" | "env" | "sudo" | "exec" | "command" | "nice" | "npx" | "bunx") => {
                words.remove(0);
            }
            Some("timeout") => {
                words.remove(0);
                if words
                    .first()
                    .is_some_and(|w| w.chars().next().is_some_and(|c| c.is_ascii_digit()))
                {
                    words.remove(0);
                }
            }
            Some("uv" | "poetry" | "pipenv" | "pdm" | "hatch" | "bundle")
                if matches!(words.get(1), Some(&"run" | &"exec")) =>
            {
                words.drain(..2);
            }
            Some("pnpm" | "yarn") if words.get(1) == Some(&"exec") => {
                words.drain(..2);
            }
            Some("python" | "python3" | "py") if words.get(1) == Some(&"-m") => {
                words.drain(..2);
            }
            _ => break,
        }
    }
    (env, words)
}

fn is_assignment(w: &str) -> bool {
    w.split_once('=').is_some_and(|(k, _)| {
        !k.is_empty() && k.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
    })
}

fn segment_class(words: &[&str], env: &[&str]) -> CommandClass {
    let w0 = words[0].rsplit('/').next().unwrap_or(words[0]);
    let w1 = words.get(1).copied().unwrap_or("");
    let w2 = words.get(2).copied().unwrap_or("");
    let mut c = CommandClass::default();
    let sub = if w1 == "run" { w2 } else { w1 };
    c.check = match w0 {
        "pytest" | "py.test" | "tox" | "nox" | "jest" | "vitest" | "mocha" | "ava" | "rspec"
        | "phpunit" | "ctest" | "nextest" => Some(CheckKind::Test),
        "playwright" if w1 == "test" => Some(CheckKind::Test),
        "cypress" if w1 == "run" => Some(CheckKind::Test),
        "cargo" => match w1 {
            "test" | "nextest" | "t" => Some(CheckKind::Test),
            "build" | "b" | "check" | "c" => Some(CheckKind::Build),
            "clippy" | "fmt" => Some(CheckKind::Lint),
            _ => None,
        },
        "go" => match w1 {
            "test" => Some(CheckKind::Test),
            "build" => Some(CheckKind::Build),
            "vet" => Some(CheckKind::Lint),
            _ => None,
        },
        "mix" => match w1 {
            "test" => Some(CheckKind::Test),
            "compile" => Some(CheckKind::Build),
            "credo" | "dialyzer" | "format" => Some(CheckKind::Lint),
            _ => None,
        },
        "npm" | "pnpm" | "yarn" | "bun" | "deno" => script_check(sub),
        // Build tools take flags and several goals or tasks (`mvn -q clean test`,
        // `./gradlew :app:test --tests X`, `make -j4 check`): the strongest one decides.
        "dotnet" | "swift" | "mvn" | "mvnw" | "gradle" | "gradlew" | "make" | "just" => {
            build_tool_check(&words[1..])
        }
        "rails" | "rake" | "bin/rails" if matches!(w1, "test" | "spec") => Some(CheckKind::Test),
        "unittest" => Some(CheckKind::Test),
        "python" | "python3" if w1.ends_with("manage.py") && w2 == "test" => Some(CheckKind::Test),
        "php" if w1 == "artisan" && w2 == "test" => Some(CheckKind::Test),
        "node" if w1 == "--test" => Some(CheckKind::Test),
        "tsc" | "mypy" | "pyright" | "eslint" | "flake8" | "pylint" | "ruff" | "golangci-lint"
        | "rubocop" | "shellcheck" | "biome" | "prettier" | "clippy-driver" | "lint-staged" => {
            Some(CheckKind::Lint)
        }
        // Commit hooks run by hand: the same gate as the commit's.
        "pre-commit" | "prek" | "lefthook" if w1 == "run" => Some(CheckKind::Lint),
        "git" if git_sub(words) == Some("commit") && !words.contains(&"--dry-run") => {
            Some(CheckKind::Commit)
        }
        _ => None,
    };
    let git = if w0 == "git" { git_sub(words) } else { None };
    c.ships = matches!(git, Some("push"))
        || (w0 == "gh" && w1 == "pr" && matches!(w2, "create" | "merge"));
    let skips_hooks = env.iter().any(|e| {
        e.starts_with("HUSKY=0")
            || e.starts_with("HUSKY_SKIP_HOOKS=")
            || e.starts_with("SKIP=")
            || e.starts_with("LEFTHOOK=0")
            || e.starts_with("SKIP_SIMPLE_GIT_HOOKS=")
            || e.starts_with("OVERCOMMIT_DISABLE=")
    }) || words.contains(&"--no-verify")
        || words.windows(2).any(|w| {
            w[0] == "-c"
                && (w[1].starts_with("core.hooksPath=") || w[1].starts_with("core.hookspath="))
        })
        || (git == Some("commit") && words.iter().any(|w| is_short_flag_with(w, 'n')));
    if skips_hooks && matches!(git, Some("commit" | "push")) {
        c.bypass = Some(Bypass::NoVerify);
    }
    if matches!(w0, "rm" | "unlink") || git == Some("rm") {
        c.bypass = words
            .iter()
            .skip(1)
            .filter(|w| !w.starts_with('-'))
            .find_map(|w| deletion_bypass(w))
            .or(c.bypass);
    }
    c.read_only = c.check.is_none()
        && match w0 {
            "cat" | "head" | "tail" | "ls" | "find" | "rg" | "grep" | "wc" | "tree" | "pwd"
            | "echo" | "which" | "file" | "stat" | "less" | "du" | "df" | "realpath"
            | "dirname" | "basename" | "jq" | "sort" | "uniq" | "diff" | "type" | "whoami" => true,
            "sed" => w1 == "-n",
            "git" => matches!(
                git,
                Some(
                    "log"
                        | "show"
                        | "diff"
                        | "status"
                        | "branch"
                        | "blame"
                        | "rev-parse"
                        | "ls-files"
                        | "remote"
                )
            ),
            _ => false,
        };
    c.polling = matches!(w0, "sleep" | "watch")
        || words
            .iter()
            .skip(1)
            .any(|w| matches!(*w, "status" | "watch" | "wait" | "--follow" | "--watch"))
        || (w0 == "tail" && words.contains(&"-f"));
    c
}

/// A package script (`npm run test:unit`, `pnpm lint`, `yarn build:prod`): by its name, or the
/// name before a `:` suffix.
fn script_check(script: &str) -> Option<CheckKind> {
    let base = script.split(':').next().unwrap_or(script);
    match (script, base) {
        ("vitest" | "jest" | "t", _) | (_, "test" | "tests" | "e2e") => Some(CheckKind::Test),
        (_, "build" | "compile") => Some(CheckKind::Build),
        ("tsc" | "format:check", _) | (_, "lint" | "typecheck" | "type-check" | "check") => {
            Some(CheckKind::Lint)
        }
        _ => None,
    }
}

/// A build tool's goals or tasks (flags and their `-D`/`-P` values skipped; a Gradle task path's
/// last part read): the strongest check among them. No goal at all is a build (`make -j8`);
/// `--version` or `--help` is none.
fn build_tool_check(args: &[&str]) -> Option<CheckKind> {
    if args.iter().any(|w| {
        matches!(
            *w,
            "--version" | "-v" | "--help" | "-h" | "--stop" | "--status"
        )
    }) {
        return None;
    }
    let mut found = None;
    let mut any = false;
    for w in args
        .iter()
        .filter(|w| !w.starts_with('-') && !w.contains('='))
    {
        any = true;
        let task = w.rsplit(':').next().unwrap_or(w);
        let kind = match task {
            "test" | "check" | "integrationTest" | "connectedCheck" => Some(CheckKind::Test),
            "build" | "compile" | "verify" | "all" | "install" | "package" | "assemble" => {
                Some(CheckKind::Build)
            }
            "lint" | "detekt" | "ktlintCheck" | "spotlessCheck" | "checkstyleMain" => {
                Some(CheckKind::Lint)
            }
            _ => None,
        };
        found = strongest(found, kind);
    }
    if any { found } else { Some(CheckKind::Build) }
}

fn git_sub<'a>(words: &[&'a str]) -> Option<&'a str> {
    let mut i = 1;
    while let Some(w) = words.get(i) {
        if matches!(*w, "-C" | "-c" | "--git-dir" | "--work-tree") {
            i += 2;
        } else if w.starts_with('-') {
            i += 1;
        } else {
            return Some(w);
        }
    }
    None
}

fn is_short_flag_with(w: &str, flag: char) -> bool {
    w.len() > 1
        && w.starts_with('-')
        && !w.starts_with("--")
        && w[1..].chars().all(|c| c.is_ascii_alphabetic())
        && w.contains(flag)
}

/// A path that looks like a test file or lives in a test folder.
#[must_use]
pub fn is_test_path(path: &str) -> bool {
    let p = path.trim_matches(['"', '\'']);
    let file = file_name(p);
    p.split(['/', '\\'])
        .any(|d| matches!(d, "test" | "tests" | "spec" | "__tests__" | "testing"))
        || file.starts_with("test_")
        || file.contains("_test.")
        || file.contains(".test.")
        || file.contains(".spec.")
        || file.contains("_spec.")
        || file.ends_with("Test.java")
        || file.ends_with("Tests.cs")
}

/// Lint and type-checker configuration files, where loosening a rule is a bypass.
#[must_use]
pub fn is_lint_config(path: &str) -> bool {
    let file = file_name(path);
    file.starts_with(".eslintrc")
        || file.starts_with("eslint.config")
        || matches!(
            file,
            "ruff.toml"
                | ".ruff.toml"
                | "clippy.toml"
                | ".clippy.toml"
                | ".credo.exs"
                | "setup.cfg"
                | ".flake8"
                | "mypy.ini"
                | ".pylintrc"
                | "tsconfig.json"
                | ".golangci.yml"
                | ".golangci.yaml"
                | ".rubocop.yml"
                | ".pre-commit-config.yaml"
                | "biome.json"
                | ".dialyzer_ignore.exs"
        )
}

/// A shared configuration file (`pyproject.toml`, `Cargo.toml`, `package.json`, `tox.ini`) edited
/// where it configures a linter or type checker: the edit's text names the tool's section
/// (`[tool.ruff.lint]`, `[lints.clippy]`, `"eslintConfig"`).
fn is_lint_section(path: &str, old: &str, new: &str) -> bool {
    let file = file_name(path);
    matches!(
        file,
        "pyproject.toml" | "Cargo.toml" | "package.json" | "tox.ini" | "deno.json"
    ) && (LINT_SECTION.is_match(old) || LINT_SECTION.is_match(new))
}

static LINT_SECTION: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r#"\[(?:tool\.(?:ruff|mypy|pylint|pyright|flake8|pyflakes|basedpyright)\b|(?:workspace\.)?lints\b|mypy\b|flake8\b|pylint\b)|"(?:eslintConfig|lint)"\s*:"#,
    )
});

static LOOSEN_WORD: LazyLock<Regex> =
    LazyLock::new(|| re(r"(?i)\b(ignore|disable|allow|exclude|skip|off|false|warn)\b"));

/// Compiles one of ringside's constant patterns (each is exercised by tests), with ASCII word
/// boundaries (see [`ascii_boundaries`]).
pub(crate) fn re(pattern: &str) -> Regex {
    Regex::new(&ascii_boundaries(pattern)).expect("constant pattern compiles")
}

/// Compiles a pattern meant for ASCII code and tool output with ASCII classes: `\w`, `\s`, `\d`
/// (and their negations, and inside brackets) become their ASCII sets and `\b` the ASCII
/// boundary. Unicode `\w` and `\s` are large classes: a dozen patterns of them cost tens of
/// millions of instructions to compile, paid by every short-lived process that reads one edit or
/// one failed check (the status line, the hook). `.` and literal text stay Unicode.
pub(crate) fn ascii_re(pattern: &str) -> Regex {
    Regex::new(&ascii_classes(pattern)).expect("constant pattern compiles")
}

/// Compiles a byte pattern with Unicode off: ASCII classes, ASCII case folding, about ten times
/// faster to build than its Unicode twin (see [`ascii_re`] for why that matters). Literal
/// non-ASCII text in the pattern still matches as its UTF-8 bytes.
pub(crate) fn bytes_re(pattern: &str) -> regex::bytes::Regex {
    regex::bytes::RegexBuilder::new(pattern)
        .unicode(false)
        .build()
        .expect("constant pattern compiles")
}

/// See [`ascii_re`].
#[must_use]
pub fn ascii_classes(pattern: &str) -> String {
    const W: &str = "0-9A-Za-z_";
    const S: &str = "\\t\\n\\x0B\\x0C\\r ";
    let mut out = String::with_capacity(pattern.len() * 2);
    let mut in_class = false;
    let mut chars = pattern.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\\' {
            match c {
                '[' if !in_class => {
                    in_class = true;
                    out.push(c);
                    // `[]` and `[^]` open with a literal `]`.
                    if chars.peek() == Some(&'^') {
                        out.push('^');
                        chars.next();
                    }
                    if chars.peek() == Some(&']') {
                        out.push(']');
                        chars.next();
                    }
                }
                ']' if in_class => {
                    in_class = false;
                    out.push(c);
                }
                _ => out.push(c),
            }
            continue;
        }
        let Some(n) = chars.next() else {
            out.push('\\');
            break;
        };
        match (n, in_class) {
            ('w', true) => out.push_str(W),
            ('s', true) => out.push_str(S),
            ('d', true) => out.push_str("0-9"),
            ('w', false) => out.push_str(&format!("[{W}]")),
            ('s', false) => out.push_str(&format!("[{S}]")),
            ('d', false) => out.push_str("[0-9]"),
            ('W', false) => out.push_str(&format!("[^{W}]")),
            ('S', false) => out.push_str(&format!("[^{S}]")),
            ('D', false) => out.push_str("[^0-9]"),
            ('b', false) => out.push_str("(?-u:\\b)"),
            ('B', false) => out.push_str("(?-u:\\B)"),
            _ => {
                out.push('\\');
                out.push(n);
            }
        }
    }
    out
}

/// `\b` becomes `(?-u:\b)`. A Unicode word boundary makes the regex engine leave its fast lazy
/// DFA for the slow PikeVM on any non-ASCII text (most transcripts have some); our patterns
/// anchor ASCII words, for which the ASCII boundary is the same thing.
#[must_use]
pub fn ascii_boundaries(pattern: &str) -> String {
    let mut out = String::with_capacity(pattern.len() + 16);
    let mut chars = pattern.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('b') => out.push_str("(?-u:\\b)"),
            Some(n) => {
                out.push('\\');
                out.push(n);
            }
            None => out.push('\\'),
        }
    }
    out
}

/// The command that matters, for evidence text: the first pipeline stage, without `cd dir &&`,
/// redirections or `2>&1` (`cd app && mix test x 2>&1 | tail -40` → `mix test x`).
#[must_use]
pub fn gist(command: &str) -> String {
    let first = command.lines().next().unwrap_or("");
    let mut segments: Vec<&str> = first.split("&&").map(str::trim).collect();
    while segments.len() > 1 && segments[0].starts_with("cd ") {
        segments.remove(0);
    }
    let joined = segments.join(" && ");
    let stage = joined.split(" | ").next().unwrap_or(&joined);
    stage
        .split_whitespace()
        .filter(|w| !matches!(*w, "2>&1" | ">/dev/null" | "2>/dev/null" | "&>/dev/null"))
        .collect::<Vec<_>>()
        .join(" ")
}

/// The last part of a path, after its last `/` or `\` (the whole of it when there is none).
#[must_use]
pub fn file_name(path: &str) -> &str {
    path.rsplit(['/', '\\']).next().unwrap_or(path)
}

/// Does deleting the file at `path` get around a check (S20)? Deleting a test file does, whether
/// by a shell command or by an agent's own file tool.
#[must_use]
pub fn deletion_bypass(path: &str) -> Option<Bypass> {
    is_test_path(path).then_some(Bypass::DeleteTest)
}

/// Does an edit of `path` from `old` to `new` get around a check (S20)? Tests (files under a
/// test folder or named like one, or text with test cases in it) are read for weakening
/// ([`crate::core::classify::weaken`]); every file for suppressions
/// ([`crate::core::classify::suppress`]) and lint configs for loosened rules.
#[must_use]
pub fn edit_bypass(path: &str, old: &str, new: &str) -> Option<Bypass> {
    use crate::core::classify::{suppress, weaken};
    if is_test_path(path) || weaken::has_test_cases(old) {
        if let Some(w) = weaken::in_edit(old, new) {
            return Some(match w {
                weaken::Weakening::Skipped => Bypass::SkipTest,
                weaken::Weakening::AssertionsRemoved => Bypass::WeakenTest,
                weaken::Weakening::Loosened => Bypass::LoosenTest,
                weaken::Weakening::TestsRemoved => Bypass::DeleteTest,
            });
        }
    } else if weaken::gains_skip_marker(old, new) {
        return Some(Bypass::SkipTest);
    }
    if let Some(sup) = suppress::in_edit(path, old, new) {
        return Some(match sup {
            suppress::Suppression::IgnoreFile => Bypass::IgnoreFile,
            suppress::Suppression::CiGate => Bypass::CiGate,
            suppress::Suppression::Coverage => Bypass::LowerCoverage,
            suppress::Suppression::ExitMasked => Bypass::MaskExit,
            suppress::Suppression::Marker | suppress::Suppression::Deselected => Bypass::LoosenLint,
        });
    }
    if (is_lint_config(path) || is_lint_section(path, old, new)) && gains(&LOOSEN_WORD, old, new) {
        return Some(Bypass::LoosenLint);
    }
    None
}

/// Does writing a whole file get around a check? Only where the file is a lint configuration, a
/// checker's ignore or baseline file, or a CI configuration (a new source file with a marker in
/// it is new code, not a silenced failure).
#[must_use]
pub fn write_bypass(path: &str, content: &str) -> Option<Bypass> {
    use crate::core::classify::suppress::{self, Suppression};
    if is_lint_config(path) {
        return edit_bypass(path, "", content);
    }
    match suppress::in_edit(path, "", content) {
        Some(Suppression::IgnoreFile) => Some(Bypass::IgnoreFile),
        Some(Suppression::CiGate) => Some(Bypass::CiGate),
        _ => None,
    }
}

/// For an edit of a test, the hashes of the literals it newly asserts
/// ([`crate::core::classify::weaken::assertion_literals`]); empty for other files.
#[must_use]
pub fn assertion_literals(path: &str, old: &str, new: &str) -> Vec<u64> {
    use crate::core::classify::weaken;
    if is_test_path(path) || weaken::has_test_cases(old) {
        weaken::assertion_literals(old, new)
    } else {
        Vec::new()
    }
}

/// More matches in the new text than in the old; the old text is only searched when the new
/// one has any (almost never), so an ordinary edit costs one pass per pattern.
fn gains(r: &Regex, old: &str, new: &str) -> bool {
    let n = r.find_iter(new).count();
    n > 0 && n > r.find_iter(old).count()
}

static FAILED_COUNT: LazyLock<Regex> =
    LazyLock::new(|| re(r"(?i)\b([1-9]\d*) (failed|failures?|failing|errors?)\b"));
static FAIL_LINE: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?m)^(FAILED\b|FAIL\b|--- FAIL:|test result: FAILED|error(\[E\d+\])?:|ERROR:|Tests?:\s+\d+ failed|\s*\d+\) test |Pre-commit validation failed|npm ERR!)",
    )
});
static FAIL_ID: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?m)(?:^FAILED (\S+)|^--- FAIL: (\S+)|^test (\S+) \.\.\. FAILED|✕ (.+?)(?:\s+\(\d+(?:\.\d+)?\s*m?s\))?\r?$|^FAIL (\S+)|^\s*\d+\) test (.+?) \(|Pre-commit validation failed:(?:\\n|\s)*\[([A-Z][A-Z_-]+)\]|error\[(E\d+)\]|^(\S+ > .+?) FAILED\r?$)",
    )
});

/// Does the output of a check say it failed, even with exit status 0 (a pipe to `tail` hides it)?
#[must_use]
pub fn output_says_failed(text: &str) -> bool {
    FAILED_COUNT.is_match(text) || FAIL_LINE.is_match(text)
}

/// How a check failed: its signature, how many failing ids, and the first one for people.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    /// Equal signatures failed the same way (the same ids, for the same causes).
    pub signature: u64,
    /// Failing test ids (or hook checks, error codes) found; 1 when none could be named.
    pub count: u32,
    /// The first failing id, or the first error line (unsanitised, short).
    pub label: String,
    /// The output named the failure (ids or cause lines): only then can two runs be compared.
    pub named: bool,
    /// Hashes of the values the failing assertions observed
    /// ([`crate::core::classify::failure::observed`]).
    pub observed: Vec<u64>,
}

/// Reads a failed check's output: see [`Failure`].
#[must_use]
pub fn failure(text: &str) -> Failure {
    let read = signature_of(text);
    // The first failing id as it stands in the output, else its first error line (which the
    // signature looked for already when it named nothing).
    let label = read
        .first_id
        .or(read.error_line)
        .unwrap_or_else(|| error_line(text));
    Failure {
        signature: read.signature,
        count: read.count,
        label: crate::core::sanitize::prefix(label, 120).to_owned(),
        named: read.named,
        observed: crate::core::classify::failure::observed(text),
    }
}

/// The first line of `text` that reads like an error (trimmed; empty when none does).
fn error_line(text: &str) -> &str {
    text.lines()
        .map(str::trim)
        .find(|l| {
            FAIL_LINE.is_match(l)
                || l.as_bytes()
                    .windows(5)
                    .any(|w| w.eq_ignore_ascii_case(b"error"))
        })
        .unwrap_or("")
}

/// A failure signature: the sorted failing test ids (or hook check names, or error codes) found
/// in the output and the sorted cause lines ([`crate::core::classify::failure::causes`]), and
/// how many ids there were. Two runs with the same signature failed the same way, for the same
/// reasons; the same tests failing with a new exception are a new signature.
#[must_use]
pub fn failure_signature(text: &str) -> (u64, u32) {
    let read = signature_of(text);
    (read.signature, read.count)
}

/// [`failure_signature`], whether the output named anything (ids or causes), and the first id
/// and error line it met.
fn signature_of(text: &str) -> Signature<'_> {
    let mut ids: Vec<&str> = FAIL_ID
        .captures_iter(text)
        .filter_map(|c| c.iter().skip(1).flatten().next().map(|m| m.as_str().trim()))
        .collect();
    let first_id = ids.first().copied();
    ids.sort_unstable();
    ids.dedup();
    let causes = crate::core::classify::failure::causes(text);
    let mut h = super::hash::Fnv::default();
    for id in &ids {
        h.write(id.as_bytes()).byte(0);
    }
    h.byte(1);
    for c in &causes {
        h.write(c.as_bytes()).byte(0);
    }
    if ids.is_empty() && causes.is_empty() {
        // Nothing named: the first line that reads like an error stands for the failure.
        let line = error_line(text);
        h.write(normalize_line(line).as_bytes());
        return Signature {
            signature: h.finish(),
            count: 1,
            named: false,
            first_id,
            error_line: Some(line),
        };
    }
    Signature {
        signature: h.finish(),
        count: u32::try_from(ids.len()).unwrap_or(u32::MAX).max(1),
        named: true,
        first_id,
        error_line: None,
    }
}

/// What [`signature_of`] read, with what it found on the way that [`failure`] shows.
struct Signature<'a> {
    signature: u64,
    count: u32,
    /// The output named the failure (ids or causes).
    named: bool,
    /// The first failing id, in the output's order.
    first_id: Option<&'a str>,
    /// The first error line, when it was looked for.
    error_line: Option<&'a str>,
}

/// Digits runs become `#` so `took 12ms` and `took 15ms` compare equal.
#[must_use]
pub fn normalize_line(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut in_digits = false;
    for c in line.chars() {
        if c.is_ascii_digit() {
            if !in_digits {
                out.push('#');
            }
            in_digits = true;
        } else {
            in_digits = false;
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(cmd: &str) -> Option<CheckKind> {
        classify_command(cmd).check
    }

    #[test]
    fn test_runners_are_recognised_through_wrappers() {
        for cmd in [
            "cargo test",
            "cd app && mix test test/foo_test.exs 2>&1 | tail -40",
            "RUST_LOG=debug cargo nextest run",
            "uv run pytest -x tests/",
            "python -m pytest",
            "npx vitest run",
            "npm test",
            "pnpm run test",
            "go test ./...",
            "timeout 60 jest",
        ] {
            assert_eq!(check(cmd), Some(CheckKind::Test), "{cmd}");
        }
    }

    #[test]
    fn build_tools_with_flags_goals_and_task_paths_and_package_scripts() {
        for (cmd, want) in [
            ("mvn -q clean test -Dtest=CartTest", Some(CheckKind::Test)),
            ("./mvnw -B verify", Some(CheckKind::Build)),
            (
                "mvn clean install -DskipTests=false",
                Some(CheckKind::Build),
            ),
            (
                "./gradlew :app:test --tests shop.CartTest",
                Some(CheckKind::Test),
            ),
            ("gradle clean build", Some(CheckKind::Build)),
            ("./gradlew detekt", Some(CheckKind::Lint)),
            ("make -j4 check", Some(CheckKind::Test)),
            ("make -j8", Some(CheckKind::Build)),
            ("npm run test:integration", Some(CheckKind::Test)),
            ("pnpm run lint:fix-check", Some(CheckKind::Lint)),
            ("yarn build:prod", Some(CheckKind::Build)),
            (
                "python -m unittest discover -s tests",
                Some(CheckKind::Test),
            ),
            ("python manage.py test shop", Some(CheckKind::Test)),
            ("bundle exec rake spec", Some(CheckKind::Test)),
            ("php artisan test", Some(CheckKind::Test)),
            ("node --test test/", Some(CheckKind::Test)),
            // Near misses: not a check.
            ("mvn dependency:tree", None),
            ("./gradlew --version", None),
            ("make clean", None),
            ("npm run dev", None),
            ("python manage.py runserver", None),
        ] {
            assert_eq!(check(cmd), want, "{cmd}");
        }
    }

    #[test]
    fn builds_lints_and_commits_are_told_apart() {
        assert_eq!(check("cargo build --release"), Some(CheckKind::Build));
        assert_eq!(check("cargo clippy -- -D warnings"), Some(CheckKind::Lint));
        assert_eq!(check("npx tsc --noEmit"), Some(CheckKind::Lint));
        assert_eq!(
            check("git add -A && git commit -m 'x'"),
            Some(CheckKind::Commit)
        );
        assert_eq!(check("git -C repo commit -am wip"), Some(CheckKind::Commit));
        assert_eq!(check("cargo build && cargo test"), Some(CheckKind::Test));
        assert_eq!(check("git commit --dry-run"), None);
        assert_eq!(check("ls -la"), None);
        assert_eq!(check("echo cargo test"), None);
        // Commit hooks run by hand are a check; installing them is not.
        assert_eq!(check("pre-commit run --all-files"), Some(CheckKind::Lint));
        assert_eq!(check("npx lint-staged"), Some(CheckKind::Lint));
        assert_eq!(check("pre-commit install"), None);
    }

    #[test]
    fn read_only_commands_are_exploration() {
        assert!(classify_command("ls -la src && cat README.md | head").read_only);
        assert!(classify_command("git status && git diff").read_only);
        assert!(!classify_command("cargo test").read_only);
        assert!(!classify_command("rm -rf target").read_only);
        assert!(!classify_command("").read_only);
    }

    #[test]
    fn hook_skipping_is_a_bypass() {
        for cmd in [
            "git add -A && git commit --no-verify -m 'x'",
            "git commit -nm 'wip'",
            "HUSKY=0 git commit -m x",
            "LEFTHOOK=0 git commit -m x",
            "git -c core.hooksPath=/dev/null commit -m x",
            "git push --no-verify",
            "export HUSKY=0 && git commit -m x",
        ] {
            assert_eq!(
                classify_command(cmd).bypass,
                Some(Bypass::NoVerify),
                "{cmd}"
            );
        }
        assert_eq!(
            classify_command("git commit -m 'no-verify mentioned'").bypass,
            None
        );
        assert_eq!(classify_command("export HUSKY=0 && npm ci").bypass, None);
        assert_eq!(
            classify_command("rm tests/test_api.py").bypass,
            Some(Bypass::DeleteTest)
        );
        assert_eq!(classify_command("rm build/out.o").bypass, None);
        assert_eq!(
            classify_command("git commit -m wip || true").bypass,
            Some(Bypass::MaskExit)
        );
        assert_eq!(
            classify_command("uv run pytest -k 'not test_login'").bypass,
            Some(Bypass::DeselectTests)
        );
        assert_eq!(
            classify_command("cargo test 2>&1 || true").bypass,
            Some(Bypass::MaskExit)
        );
        assert_eq!(
            classify_command("ls missing || true").bypass,
            None,
            "not a check"
        );
    }

    #[test]
    fn a_linter_loosened_in_a_shared_config_is_a_bypass_and_other_settings_are_not() {
        assert_eq!(
            edit_bypass(
                "pyproject.toml",
                "[tool.ruff.lint]\nselect = [\"E\", \"F\"]",
                "[tool.ruff.lint]\nselect = [\"E\", \"F\"]\nignore = [\"F841\"]"
            ),
            Some(Bypass::LoosenLint)
        );
        assert_eq!(
            edit_bypass(
                "Cargo.toml",
                "[lints.clippy]\npedantic = \"warn\"",
                "[lints.clippy]\npedantic = \"warn\"\ntoo_many_arguments = \"allow\""
            ),
            Some(Bypass::LoosenLint)
        );
        assert_eq!(
            edit_bypass(
                "pyproject.toml",
                "[project.optional-dependencies]\ndev = []",
                "[project.optional-dependencies]\ndev = []\ndocs = { optional = false }"
            ),
            None
        );
    }

    #[test]
    fn edits_that_skip_weaken_or_silence_are_bypasses() {
        assert_eq!(
            edit_bypass(
                "src/lib.rs",
                "#[test]\nfn a() {}",
                "#[test]\n#[ignore]\nfn a() {}"
            ),
            Some(Bypass::SkipTest)
        );
        assert_eq!(
            edit_bypass("app.test.ts", "it('x', f)", "it.skip('x', f)"),
            Some(Bypass::SkipTest)
        );
        assert_eq!(
            edit_bypass(
                "tests/test_a.py",
                "assert f() == 2\nassert g()",
                "assert g()"
            ),
            Some(Bypass::WeakenTest)
        );
        assert_eq!(
            edit_bypass("a.py", "x = f()", "x = f()  # type: ignore"),
            Some(Bypass::LoosenLint)
        );
        assert_eq!(
            edit_bypass(
                ".eslintrc.json",
                r#""no-unused": "error""#,
                r#""no-unused": "off""#
            ),
            Some(Bypass::LoosenLint)
        );
        assert_eq!(
            edit_bypass("tests/test_a.py", "assert r == 42", "assert r is not None"),
            Some(Bypass::LoosenTest)
        );
        assert_eq!(
            edit_bypass(
                ".dialyzer_ignore.exs",
                "[]",
                "[{\"lib/a.ex\", :pattern_match}]"
            ),
            Some(Bypass::IgnoreFile)
        );
        assert_eq!(
            edit_bypass(
                ".github/workflows/ci.yml",
                "run: npm test",
                "run: npm test\ncontinue-on-error: true"
            ),
            Some(Bypass::CiGate)
        );
        assert_eq!(
            write_bypass(".dialyzerignore", "lib/a.ex:58:13\n"),
            Some(Bypass::IgnoreFile)
        );
        assert_eq!(write_bypass("lib/a.py", "x = 1  # noqa\n"), None);
        assert_eq!(
            assertion_literals("tests/t.py", "assert f() == 2", "assert f() == 3").len(),
            1
        );
        assert!(assertion_literals("src/a.py", "x = 2", "x = 3").is_empty());
        // A Rust test module inside a source file is a test too.
        assert_eq!(
            edit_bypass(
                "src/parse.rs",
                "#[test]\nfn parses() {\n    assert_eq!(parse(\"1\"), Some(1));\n}",
                "#[test]\nfn parses() {\n    assert!(parse(\"1\").is_some());\n}"
            ),
            Some(Bypass::LoosenTest)
        );
        // Near misses: moving an assertion, fixing code, a test that gains assertions.
        assert_eq!(
            edit_bypass("tests/t.py", "assert a\nassert b", "assert b\nassert a"),
            None
        );
        assert_eq!(edit_bypass("src/a.py", "return 1", "return 2"), None);
        assert_eq!(
            edit_bypass("tests/t.py", "assert a", "assert a\nassert b"),
            None
        );
    }

    #[test]
    fn failure_output_is_recognised_with_exit_zero() {
        assert!(output_says_failed(
            "test result: FAILED. 3 passed; 1 failed"
        ));
        assert!(output_says_failed("=== 2 failed, 10 passed in 0.3s ==="));
        assert!(output_says_failed("--- FAIL: TestParse (0.00s)"));
        assert!(output_says_failed("error[E0308]: mismatched types"));
        assert!(!output_says_failed("test result: ok. 12 passed; 0 failed"));
        assert!(!output_says_failed("Finished dev profile in 2.1s"));
    }

    #[test]
    fn failure_signatures_compare_failing_ids_and_causes() {
        let a = "FAILED tests/test_a.py::test_x - assert 1 == 2\nFAILED tests/test_a.py::test_y";
        let b = "FAILED tests/test_a.py::test_y\nFAILED tests/test_a.py::test_x - assert 3 == 2";
        let c = "FAILED tests/test_a.py::test_y";
        assert_eq!(
            failure_signature(a),
            failure_signature(b),
            "order and digits aside"
        );
        assert_eq!(failure_signature(a).1, 2);
        assert_ne!(failure_signature(a).0, failure_signature(c).0);
        // The same test failing for another reason is another failure.
        let d = "FAILED tests/test_a.py::test_y\nFAILED tests/test_a.py::test_x - KeyError: 'id'";
        assert_ne!(failure_signature(a).0, failure_signature(d).0);
        let f = failure(d);
        assert!(f.named);
        assert!(!failure("Exit code 1").named);
        // The label: the first failing id as the output has it, else the first error line,
        // whether or not a cause was named.
        assert_eq!(f.label, "tests/test_a.py::test_y");
        assert_eq!(
            failure("building\n  Error: KeyError: 'id'\nmore").label,
            "Error: KeyError: 'id'"
        );
        assert_eq!(
            failure("ok\nsomething ERRORED here\n").label,
            "something ERRORED here"
        );
        assert_eq!(failure("Exit code 1").label, "");
        // Real hook output arrives with its newlines escaped twice (`\\n` in the JSON).
        let dialyzer = r"Pre-commit validation failed:\n\n[DIALYZER]\nFinding suitable PLTs";
        let credo = r"Pre-commit validation failed:\n\n[CREDO]\nChecking 88 source files";
        assert_eq!(failure_signature(dialyzer).1, 1);
        assert_ne!(failure_signature(dialyzer).0, failure_signature(credo).0);
        assert_eq!(
            failure_signature(dialyzer).0,
            failure_signature(&dialyzer.replace("88", "9")).0
        );
        let exunit = "  1) test mount renders (SpotterWeb.ProjectReviewLiveTest)\n";
        assert_ne!(failure_signature(exunit).0, failure_signature("").0);
    }

    #[test]
    fn word_boundaries_become_ascii_and_escapes_survive() {
        assert_eq!(ascii_boundaries(r"\bno\b"), r"(?-u:\b)no(?-u:\b)");
        assert_eq!(ascii_boundaries(r"a\\b\d"), r"a\\b\d");
        let r = re(r"\bfailed\b");
        assert!(r.is_match("café: test failed, 日本"));
        assert!(!r.is_match("unfailedly"));
    }

    #[test]
    fn ascii_classes_keep_the_meaning_on_ascii_text() {
        assert_eq!(ascii_classes(r"\w+"), "[0-9A-Za-z_]+");
        assert_eq!(ascii_classes(r"[\w.-]"), "[0-9A-Za-z_.-]");
        assert_eq!(ascii_classes(r"\S+\b"), r"[^\t\n\x0B\x0C\r ]+(?-u:\b)");
        assert_eq!(ascii_classes(r"\[\d\]"), r"\[[0-9]\]");
        assert_eq!(ascii_classes(r"[^\s]x"), r"[^\t\n\x0B\x0C\r ]x");
        let r = ascii_re(r"(?i)\bfoo_\w+\s*=\s*\d+\W");
        assert!(r.is_match("x FOO_bar = 12;"));
        assert!(!r.is_match("xfoo_bar = 12;"));
        // Non-ASCII text is still searched (and `.` still matches a whole character).
        assert!(ascii_re(r"^\S+ ok$").is_match("café ok"));
        assert!(ascii_re(r"é.z").is_match("éßz"));
    }

    #[test]
    fn gist_drops_plumbing() {
        assert_eq!(
            gist("cd app && mix test test/a_test.exs 2>&1 | tail -40"),
            "mix test test/a_test.exs"
        );
        assert_eq!(gist("cargo test since 2>&1 | tail -15"), "cargo test since");
        assert_eq!(
            gist("git add -A && git commit -m x"),
            "git add -A && git commit -m x"
        );
    }

    #[test]
    fn test_paths() {
        for p in [
            "tests/a.rs",
            "src/foo_test.go",
            "web/app.test.tsx",
            "test_api.py",
            "spec/models/user_spec.rb",
        ] {
            assert!(is_test_path(p), "{p}");
        }
        for p in ["src/lib.rs", "latest/a.py", "contest.py"] {
            assert!(!is_test_path(p), "{p}");
        }
    }
}
