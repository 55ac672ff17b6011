//! Which languages and toolchains a session worked in ("stacks"), from the files it touched and
//! the commands it ran.
//!
//! The rules are a lookup a person can read: a file counts for the stack its extension (or its
//! well-known name: `Cargo.toml`, `package.json`, `go.mod`…) belongs to; a shell command counts
//! for the stack of each pipeline stage's program (`cargo`: rust, `mix`: elixir, `pytest`/`pip`:
//! python, `npm`/`tsc`: typescript, `go`…), after `cd dir`, `VAR=value` assignments and generic
//! wrappers (`time`, `env`, `sudo`, `timeout N`) are skipped. Each touch or command is one piece
//! of evidence; which stacks a session is said to work in is decided from the counts
//! ([`main_stacks`]).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// A language and its toolchain. JavaScript counts as `typescript`: one toolchain (npm, node,
/// tsc) serves both.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Stack {
    Rust,
    Elixir,
    Python,
    Typescript,
    Go,
    Ruby,
    Jvm,
    C,
    Csharp,
    Swift,
    Php,
    Dart,
}

impl Stack {
    /// Every stack, in order.
    pub const ALL: [Stack; 12] = [
        Stack::Rust,
        Stack::Elixir,
        Stack::Python,
        Stack::Typescript,
        Stack::Go,
        Stack::Ruby,
        Stack::Jvm,
        Stack::C,
        Stack::Csharp,
        Stack::Swift,
        Stack::Php,
        Stack::Dart,
    ];

    /// Lowercase label (the JSON key).
    #[must_use]
    pub fn label(self) -> &'static str {
        match self {
            Stack::Rust => "rust",
            Stack::Elixir => "elixir",
            Stack::Python => "python",
            Stack::Typescript => "typescript",
            Stack::Go => "go",
            Stack::Ruby => "ruby",
            Stack::Jvm => "jvm",
            Stack::C => "c",
            Stack::Csharp => "csharp",
            Stack::Swift => "swift",
            Stack::Php => "php",
            Stack::Dart => "dart",
        }
    }

    /// The stack of a label.
    #[must_use]
    pub fn parse(label: &str) -> Option<Stack> {
        Stack::ALL.into_iter().find(|s| s.label() == label)
    }
}

/// The stack of a file, by its extension or its well-known name.
#[must_use]
pub fn of_path(path: &str) -> Option<Stack> {
    let file = path
        .trim_matches(['"', '\''])
        .rsplit(['/', '\\'])
        .next()
        .unwrap_or(path);
    if let Some(s) = of_file_name(file) {
        return Some(s);
    }
    let (_, ext) = file.rsplit_once('.')?;
    // Lowercased on the stack: this runs for every file a session touches.
    let mut buf = [0u8; 8];
    let lower = buf.get_mut(..ext.len())?;
    lower.copy_from_slice(ext.as_bytes());
    lower.make_ascii_lowercase();
    Some(match &*lower {
        b"rs" => Stack::Rust,
        b"ex" | b"exs" | b"heex" | b"leex" | b"eex" => Stack::Elixir,
        b"py" | b"pyi" | b"ipynb" => Stack::Python,
        b"ts" | b"tsx" | b"mts" | b"cts" | b"js" | b"jsx" | b"mjs" | b"cjs" | b"vue"
        | b"svelte" => Stack::Typescript,
        b"go" => Stack::Go,
        b"rb" | b"erb" | b"rake" => Stack::Ruby,
        b"java" | b"kt" | b"kts" | b"scala" | b"groovy" | b"gradle" => Stack::Jvm,
        b"c" | b"h" | b"cc" | b"cpp" | b"cxx" | b"hpp" | b"hh" => Stack::C,
        b"cs" | b"csproj" => Stack::Csharp,
        b"swift" => Stack::Swift,
        b"php" => Stack::Php,
        b"dart" => Stack::Dart,
        _ => return None,
    })
}

fn of_file_name(file: &str) -> Option<Stack> {
    Some(match file {
        "Cargo.toml" | "Cargo.lock" => Stack::Rust,
        "mix.lock" => Stack::Elixir,
        "pyproject.toml" | "requirements.txt" | "setup.cfg" | "Pipfile" | "poetry.lock"
        | "uv.lock" => Stack::Python,
        "package.json" | "package-lock.json" | "tsconfig.json" | "pnpm-lock.yaml" | "yarn.lock"
        | "bun.lockb" => Stack::Typescript,
        "go.mod" | "go.sum" => Stack::Go,
        "Gemfile" | "Gemfile.lock" | "Rakefile" => Stack::Ruby,
        "pom.xml" => Stack::Jvm,
        "CMakeLists.txt" => Stack::C,
        "Package.swift" => Stack::Swift,
        "composer.json" => Stack::Php,
        "pubspec.yaml" => Stack::Dart,
        _ => return None,
    })
}

/// The stack of a program name (the first word of a pipeline stage).
#[must_use]
pub fn of_program(program: &str) -> Option<Stack> {
    let p = program.rsplit('/').next().unwrap_or(program);
    Some(match p {
        "cargo" | "rustc" | "rustup" | "rustfmt" | "clippy-driver" => Stack::Rust,
        "mix" | "iex" | "elixir" | "elixirc" | "erl" | "rebar3" => Stack::Elixir,
        "python" | "python3" | "py" | "pytest" | "py.test" | "pip" | "pip3" | "uv" | "uvx"
        | "poetry" | "pipenv" | "pdm" | "hatch" | "tox" | "nox" | "ruff" | "mypy" | "pyright"
        | "black" | "flake8" | "pylint" | "isort" | "conda" | "jupyter" | "django-admin" => {
            Stack::Python
        }
        "npm" | "npx" | "pnpm" | "pnpx" | "yarn" | "bun" | "bunx" | "node" | "deno" | "tsc"
        | "tsx" | "ts-node" | "jest" | "vitest" | "eslint" | "prettier" | "biome" | "next"
        | "vite" | "playwright" => Stack::Typescript,
        "go" | "gofmt" | "golangci-lint" => Stack::Go,
        "ruby" | "bundle" | "bundler" | "gem" | "rake" | "rails" | "rspec" | "rubocop" => {
            Stack::Ruby
        }
        "mvn" | "gradle" | "gradlew" | "java" | "javac" | "kotlin" | "kotlinc" | "sbt" => {
            Stack::Jvm
        }
        "gcc" | "g++" | "clang" | "clang++" | "cmake" => Stack::C,
        "dotnet" => Stack::Csharp,
        "swift" | "swiftc" | "xcodebuild" => Stack::Swift,
        "php" | "composer" | "phpunit" | "artisan" => Stack::Php,
        "dart" | "flutter" => Stack::Dart,
        _ => return None,
    })
}

/// The stacks a shell command's stages run, each once, in order of appearance.
#[must_use]
pub fn of_command(command: &str) -> Vec<Stack> {
    let mut out = Vec::new();
    each_of_command(command, |s| out.push(s));
    out
}

/// [`of_command`] without the vector: `f` is called once per stack, in order of appearance.
pub fn each_of_command(command: &str, mut f: impl FnMut(Stack)) {
    let mut seen = 0u32;
    for segment in command.split(['\n', ';', '|', '&', '(', ')']) {
        let mut words = segment.split_whitespace().peekable();
        // Assignments and generic wrappers first; `cd dir` is its own stage and names nothing.
        while let Some(w) = words.peek().copied() {
            let assignment = w.split_once('=').is_some_and(|(k, _)| {
                !k.is_empty() && k.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
            });
            if assignment || matches!(w, "time" | "env" | "sudo" | "exec" | "command" | "nice") {
                words.next();
            } else if w == "timeout" {
                words.next();
                if words
                    .peek()
                    .is_some_and(|n| n.starts_with(|c: char| c.is_ascii_digit()))
                {
                    words.next();
                }
            } else {
                break;
            }
        }
        if let Some(s) = words.next().and_then(of_program) {
            let bit = 1u32 << (s as u32);
            if seen & bit == 0 {
                seen |= bit;
                f(s);
            }
        }
    }
}

/// The stacks a session is said to work in, from its evidence counts: every stack with at least
/// a fifth of the session's stack evidence, most evidence first. A Rust session that once reads
/// a `package.json` is not a TypeScript session; one that edits Python and TypeScript in
/// earnest is both.
#[must_use]
pub fn main_stacks(evidence: &BTreeMap<Stack, u32>) -> Vec<Stack> {
    let total: u32 = evidence.values().sum();
    let mut v: Vec<(Stack, u32)> = evidence
        .iter()
        .filter(|(_, n)| **n > 0 && **n * 5 >= total)
        .map(|(s, n)| (*s, *n))
        .collect();
    v.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    v.into_iter().map(|(s, _)| s).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commands_name_their_toolchain() {
        let table: &[(&str, &[Stack])] = &[
            ("cargo test --workspace", &[Stack::Rust]),
            (
                "cd app && mix test test/foo_test.exs 2>&1 | tail -40",
                &[Stack::Elixir],
            ),
            ("pytest -x tests/", &[Stack::Python]),
            ("pip install -r requirements.txt", &[Stack::Python]),
            ("python -m pytest", &[Stack::Python]),
            ("uv run pytest", &[Stack::Python]),
            ("npm run build", &[Stack::Typescript]),
            ("npx tsc --noEmit", &[Stack::Typescript]),
            ("pnpm test", &[Stack::Typescript]),
            ("go test ./...", &[Stack::Go]),
            ("bundle exec rspec", &[Stack::Ruby]),
            ("./gradlew build", &[Stack::Jvm]),
            ("dotnet test", &[Stack::Csharp]),
            ("RUST_LOG=debug timeout 60 cargo run", &[Stack::Rust]),
            ("sudo env FOO=1 python3 x.py", &[Stack::Python]),
            (
                "cargo build && npm run lint",
                &[Stack::Rust, Stack::Typescript],
            ),
            ("cargo fmt; cargo clippy", &[Stack::Rust]),
            ("(cd web && yarn build)", &[Stack::Typescript]),
            ("ls src | grep main", &[]),
            ("git commit -m 'cargo: bump'", &[]),
            ("make test", &[]),
            ("echo cargo", &[]),
        ];
        for (cmd, want) in table {
            assert_eq!(of_command(cmd), want.to_vec(), "{cmd}");
        }
    }

    #[test]
    fn files_name_their_language() {
        let table: &[(&str, Option<Stack>)] = &[
            ("/src/main.rs", Some(Stack::Rust)),
            ("Cargo.toml", Some(Stack::Rust)),
            ("lib/app/user.ex", Some(Stack::Elixir)),
            ("test/app_test.exs", Some(Stack::Elixir)),
            ("lib/app_web/live/page.html.heex", Some(Stack::Elixir)),
            ("scripts/train.py", Some(Stack::Python)),
            ("pyproject.toml", Some(Stack::Python)),
            ("web/src/App.tsx", Some(Stack::Typescript)),
            ("server.MJS", Some(Stack::Typescript)),
            ("package.json", Some(Stack::Typescript)),
            ("cmd/main.go", Some(Stack::Go)),
            ("app/models/user.rb", Some(Stack::Ruby)),
            ("src/Main.kt", Some(Stack::Jvm)),
            ("include/x.h", Some(Stack::C)),
            ("README.md", None),
            ("config.toml", None),
            (".github/workflows/ci.yml", None),
            ("Makefile", None),
            ("notes", None),
        ];
        for (path, want) in table {
            assert_eq!(of_path(path), *want, "{path}");
        }
    }

    #[test]
    fn a_session_works_in_the_stacks_with_a_fifth_of_its_evidence() {
        let m = |pairs: &[(Stack, u32)]| pairs.iter().copied().collect::<BTreeMap<_, _>>();
        assert_eq!(
            main_stacks(&m(&[(Stack::Rust, 40), (Stack::Typescript, 1)])),
            vec![Stack::Rust]
        );
        assert_eq!(
            main_stacks(&m(&[(Stack::Python, 6), (Stack::Typescript, 9)])),
            vec![Stack::Typescript, Stack::Python]
        );
        // Exactly a fifth counts.
        assert_eq!(
            main_stacks(&m(&[(Stack::Go, 4), (Stack::Elixir, 1)])),
            vec![Stack::Go, Stack::Elixir]
        );
        assert!(main_stacks(&BTreeMap::new()).is_empty());
    }

    #[test]
    fn labels_round_trip() {
        for s in Stack::ALL {
            assert_eq!(Stack::parse(s.label()), Some(s));
        }
    }
}
