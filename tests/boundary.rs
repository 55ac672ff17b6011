//! The layout holds: `core` stays pure (no terminal, async runtime, watcher, filesystem or clock
//! in it), and only a format's adapter folders name its records.
//!
//! Files are read whole. Test code is exempt: the body of a `#[cfg(test)] mod …{}` block (found by
//! matching braces outside strings, chars and comments) and the file of a `#[cfg(test)] mod …;`.
//! `use` trees are expanded (`use std::{fs, io::{self, Read}}` is `std::fs`, `std::io`,
//! `std::io::Read`), so a grouped import is caught like a plain one.

#![allow(
    clippy::unwrap_used,
    clippy::panic,
    clippy::expect_used,
    reason = "test helpers fail loudly by design"
)]

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

/// What each byte of a source file is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Code,
    Comment,
    Literal,
}

/// Classifies every byte: code, comment (line, block, nested block) or literal (strings, raw
/// strings, byte strings, chars). Lifetimes are code.
fn classify(src: &str) -> Vec<Kind> {
    let b = src.as_bytes();
    let mut kinds = vec![Kind::Code; b.len()];
    let mut i = 0;
    let mark = |kinds: &mut [Kind], from: usize, to: usize, k: Kind| {
        for x in &mut kinds[from..to.min(b.len())] {
            *x = k;
        }
    };
    while i < b.len() {
        let rest = &b[i..];
        if rest.starts_with(b"//") {
            let end = rest
                .iter()
                .position(|c| *c == b'\n')
                .map_or(b.len(), |p| i + p);
            mark(&mut kinds, i, end, Kind::Comment);
            i = end;
        } else if rest.starts_with(b"/*") {
            let (mut depth, mut j) = (0usize, i);
            while j < b.len() {
                if b[j..].starts_with(b"/*") {
                    depth += 1;
                    j += 2;
                } else if b[j..].starts_with(b"*/") {
                    depth -= 1;
                    j += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    j += 1;
                }
            }
            mark(&mut kinds, i, j, Kind::Comment);
            i = j;
        } else if let Some(end) = raw_string(b, i) {
            mark(&mut kinds, i, end, Kind::Literal);
            i = end;
        } else if b[i] == b'"' || (rest.starts_with(b"b\"") && !ident_before(b, i)) {
            let mut j = i + if b[i] == b'b' { 2 } else { 1 };
            while j < b.len() && b[j] != b'"' {
                j += if b[j] == b'\\' { 2 } else { 1 };
            }
            mark(&mut kinds, i, j + 1, Kind::Literal);
            i = j + 1;
        } else if b[i] == b'\'' {
            // A char literal ('x', '\n', '\'', 'é') or a lifetime ('a).
            let j = i + 1;
            let end = if b.get(j) == Some(&b'\\') {
                let mut k = j + 2;
                while k < b.len() && b[k] != b'\'' {
                    k += 1;
                }
                Some(k + 1)
            } else {
                let ch = src[j..].chars().next().map_or(1, char::len_utf8);
                (b.get(j + ch) == Some(&b'\'')).then_some(j + ch + 1)
            };
            match end {
                Some(end) => {
                    mark(&mut kinds, i, end, Kind::Literal);
                    i = end;
                }
                None => i += 1,
            }
        } else {
            i += 1;
        }
    }
    kinds
}

fn ident_before(b: &[u8], i: usize) -> bool {
    i > 0 && (b[i - 1].is_ascii_alphanumeric() || b[i - 1] == b'_')
}

/// The end of a raw (byte) string starting at `i` (`r"…"`, `r#"…"#`, `br##"…"##`), if one does.
fn raw_string(b: &[u8], i: usize) -> Option<usize> {
    if ident_before(b, i) {
        return None;
    }
    let mut j = i;
    if b.get(j) == Some(&b'b') {
        j += 1;
    }
    if b.get(j) != Some(&b'r') {
        return None;
    }
    j += 1;
    let hashes = b[j..].iter().take_while(|c| **c == b'#').count();
    j += hashes;
    if b.get(j) != Some(&b'"') {
        return None;
    }
    let close: Vec<u8> = std::iter::once(b'"')
        .chain(std::iter::repeat_n(b'#', hashes))
        .collect();
    let from = j + 1;
    let pos = b[from..].windows(close.len()).position(|w| w == close)?;
    Some(from + pos + close.len())
}

/// A source file with its test code blanked out, and the names of test-only module files it
/// declares (`#[cfg(test)] mod tests;`).
struct Source {
    /// The file with the bodies of `#[cfg(test)] mod` blocks replaced by spaces.
    text: String,
    kinds: Vec<Kind>,
    test_modules: Vec<String>,
}

fn without_tests(src: &str) -> Source {
    let kinds = classify(src);
    let b = src.as_bytes();
    let code_at = |i: usize, pat: &str| {
        b[i..].starts_with(pat.as_bytes())
            && kinds[i..i + pat.len()].iter().all(|k| *k == Kind::Code)
    };
    let skip_trivia = |mut i: usize| {
        while i < b.len() && (b[i].is_ascii_whitespace() || kinds[i] == Kind::Comment) {
            i += 1;
        }
        i
    };
    let mut blank = vec![false; b.len()];
    let mut test_modules = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if !code_at(i, "#[cfg(test)]") {
            i += 1;
            continue;
        }
        let mut j = skip_trivia(i + "#[cfg(test)]".len());
        // Further attributes on the same item.
        while code_at(j, "#[") {
            while j < b.len() && !(b[j] == b']' && kinds[j] == Kind::Code) {
                j += 1;
            }
            j = skip_trivia(j + 1);
        }
        if code_at(j, "pub ") {
            j = skip_trivia(j + 4);
        }
        if !code_at(j, "mod ") {
            i = j;
            continue;
        }
        let name_start = skip_trivia(j + 4);
        let mut k = name_start;
        while k < b.len() && (b[k].is_ascii_alphanumeric() || b[k] == b'_') {
            k += 1;
        }
        let name = &src[name_start..k];
        let k = skip_trivia(k);
        match b.get(k) {
            Some(b';') => {
                test_modules.push(name.to_owned());
                i = k + 1;
            }
            Some(b'{') => {
                let mut depth = 0usize;
                let mut end = k;
                while end < b.len() {
                    if kinds[end] == Kind::Code {
                        match b[end] {
                            b'{' => depth += 1,
                            b'}' => {
                                depth -= 1;
                                if depth == 0 {
                                    break;
                                }
                            }
                            _ => {}
                        }
                    }
                    end += 1;
                }
                assert!(depth == 0, "unbalanced braces after `mod {name}`");
                for x in &mut blank[k..=end] {
                    *x = true;
                }
                i = end + 1;
            }
            _ => i = k,
        }
    }
    let text: String = src
        .char_indices()
        .map(|(i, c)| if blank[i] { ' ' } else { c })
        .collect();
    Source {
        kinds: classify(&text),
        text,
        test_modules,
    }
}

/// Every non-test source file of `dir`, with its checked text. A file that is a test-only
/// module of another (`#[cfg(test)] mod tests;` → `tests.rs` or `tests/mod.rs`) is left out.
fn checked_files(dir: &Path) -> Vec<(PathBuf, Source)> {
    let mut files = Vec::new();
    rust_files(dir, &mut files);
    files.sort();
    let mut sources: Vec<(PathBuf, Source)> = files
        .into_iter()
        .map(|f| {
            let text = std::fs::read_to_string(&f).unwrap();
            let s = without_tests(&text);
            (f, s)
        })
        .collect();
    let mut test_only = BTreeSet::new();
    for (f, s) in &sources {
        let stem = f.file_stem().and_then(|s| s.to_str()).unwrap_or("");
        let base = if matches!(stem, "mod" | "lib" | "main") {
            f.parent().unwrap().to_path_buf()
        } else {
            f.with_extension("")
        };
        for m in &s.test_modules {
            test_only.insert(base.join(format!("{m}.rs")));
            test_only.insert(base.join(m).join("mod.rs"));
        }
    }
    sources.retain(|(f, _)| !test_only.contains(f));
    sources
}

/// The paths a file's `use` declarations import, with groups expanded.
fn imports(s: &Source) -> Vec<String> {
    let b = s.text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i + 4 <= b.len() {
        let is_use = &b[i..i + 4] == b"use "
            && s.kinds[i] == Kind::Code
            && (i == 0 || !(b[i - 1].is_ascii_alphanumeric() || b[i - 1] == b'_'));
        if !is_use {
            i += 1;
            continue;
        }
        let mut j = i + 4;
        let mut tree = String::new();
        while j < b.len() && !(b[j] == b';' && s.kinds[j] == Kind::Code) {
            if s.kinds[j] != Kind::Code || b[j].is_ascii_whitespace() {
                if !tree.ends_with(' ') {
                    tree.push(' ');
                }
            } else {
                tree.push(char::from(b[j]));
            }
            j += 1;
        }
        let mut tree = tree.trim().to_owned();
        for (from, to) in [
            (" ::", "::"),
            (":: ", "::"),
            ("{ ", "{"),
            (" }", "}"),
            (" ,", ","),
            (", ", ","),
        ] {
            while tree.contains(from) {
                tree = tree.replace(from, to);
            }
        }
        expand("", &tree, &mut out);
        i = j;
    }
    out
}

/// `prefix` joined with every path of the use tree `tree` (`a::{b,c::{self,d}}`).
fn expand(prefix: &str, tree: &str, out: &mut Vec<String>) {
    let join = |p: &str, t: &str| {
        if p.is_empty() {
            t.to_owned()
        } else if t == "self" {
            p.to_owned()
        } else {
            format!("{p}::{t}")
        }
    };
    let Some(open) = tree.find('{') else {
        let path = tree.split(" as ").next().unwrap_or(tree).trim();
        out.push(join(prefix, path.trim_end_matches("::")));
        return;
    };
    let head = tree[..open].trim_end_matches("::");
    let inner = &tree[open + 1..tree.rfind('}').unwrap_or(tree.len())];
    let base = join(prefix, head);
    let mut depth = 0;
    let mut start = 0;
    for (k, c) in inner.char_indices() {
        match c {
            '{' => depth += 1,
            '}' => depth -= 1,
            ',' if depth == 0 => {
                if !inner[start..k].is_empty() {
                    expand(&base, &inner[start..k], out);
                }
                start = k + 1;
            }
            _ => {}
        }
    }
    if !inner[start..].is_empty() {
        expand(&base, &inner[start..], out);
    }
}

fn names_path(path: &str, forbidden: &str) -> bool {
    path == forbidden || path.starts_with(&format!("{forbidden}::"))
}

#[test]
fn the_checks_read_grouped_imports_and_exempt_only_test_modules() {
    let src = r####"
use std::{
    collections::HashMap,
    fs, // the filesystem
    io::{self, Read as _},
};
use crate::{core::Millis, source};
const S: &str = "#[cfg(test)] mod tests { use std::env; }";
const C: char = '{';
fn f<'a>(x: &'a str) -> &'a str { x }
#[cfg(test)]
#[allow(dead_code)]
mod tests {
    use std::time::Instant;
    const T: &str = r#"}"#;
    fn g() { let _ = '}'; }
}
fn after() { std::env::var("X"); }
#[cfg(test)]
mod more;
"####;
    let s = without_tests(src);
    let got = imports(&s);
    for want in [
        "std::collections::HashMap",
        "std::fs",
        "std::io",
        "std::io::Read",
        "crate::core::Millis",
        "crate::source",
    ] {
        assert!(got.iter().any(|g| g == want), "{want} not in {got:?}");
    }
    assert!(!got.iter().any(|g| g.contains("Instant")), "{got:?}");
    assert!(
        !s.text.contains("std::time::Instant"),
        "the test module's body is blanked"
    );
    assert!(!s.text.contains("r#\"}\"#"), "…to its real end");
    assert!(
        s.text.contains("fn after() { std::env::var"),
        "code after it is read"
    );
    assert!(
        s.text
            .contains("\"#[cfg(test)] mod tests { use std::env; }\"")
    );
    assert_eq!(s.test_modules, vec!["more".to_owned()]);
    assert!(names_path("std::fs", "std::fs") && names_path("std::fs::File", "std::fs"));
    assert!(!names_path("std::fsx", "std::fs"));
}

#[test]
fn core_imports_no_terminal_async_filesystem_or_clock() {
    let core = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/core");
    let files = checked_files(&core);
    assert!(files.len() > 10);
    let forbidden = [
        "ratatui",
        "crossterm",
        "tokio",
        "notify",
        "std::fs",
        "std::io::stdin",
        "std::net",
        "SystemTime::now",
        "Instant::now",
        "Timestamp::now",
        "std::env",
        "directories",
        "crate::source",
        "crate::report",
        "crate::tui",
    ];
    for (f, s) in &files {
        let code: String = s
            .text
            .char_indices()
            .map(|(i, c)| if s.kinds[i] == Kind::Code { c } else { ' ' })
            .collect();
        let imported = imports(s);
        for word in forbidden {
            assert!(
                !code.contains(word),
                "{} uses {word}: core must stay pure",
                f.display()
            );
            let path = word.split("::now").next().unwrap_or(word);
            assert!(
                !imported.iter().any(|i| names_path(i, path)),
                "{} imports {word}: core must stay pure",
                f.display()
            );
        }
    }
}

/// Names only Claude Code's records and files use: record fields and kinds, its sub-agent
/// layout and its environment variable.
const CLAUDE_ONLY: &[&str] = &[
    "isSidechain",
    "toolUseResult",
    "queue-operation",
    "parentUuid",
    "CLAUDE_CONFIG_DIR",
    "sessionId",
    "agentId",
    "gitBranch",
    "isMeta",
    "isCompactSummary",
    "structuredPatch",
    "compact_boundary",
    "compactMetadata",
    "tool_use_id",
    "file-history-snapshot",
    "\"subagents\"",
    "\"agent-\"",
];

/// Names only Codex's rollouts and files use: record kinds, payload kinds and fields, its folder
/// and its environment variable.
const CODEX_ONLY: &[&str] = &[
    "session_meta",
    "response_item",
    "event_msg",
    "turn_context",
    "function_call_output",
    "custom_tool_call",
    "exec_command_end",
    "patch_apply_end",
    "task_started",
    "token_count",
    "forked_from_id",
    "CODEX_HOME",
    "archived_sessions",
    "\"rollout-\"",
];

/// Names only Copilot CLI's events use.
const COPILOT_ONLY: &[&str] = &[
    "sessionId",
    "\"session.start\"",
    "\"user.message\"",
    "\"assistant.message\"",
    "\"tool.execution_complete\"",
    "toolRequests",
    "toolCallId",
    "parentToolCallId",
    "COPILOT_HOME",
    "session-state",
];

/// Names only Gemini CLI's sessions use.
const GEMINI_ONLY: &[&str] = &[
    "sessionId",
    "projectHash",
    "toolCalls",
    "functionResponse",
    "GEMINI_CLI_HOME",
    ".project_root",
];

/// Each format's names and its adapter folder (`src/*/agents/<folder>/`). A name several formats
/// use (`sessionId`) may appear in each of their folders.
const FORMATS: &[(&str, &[&str])] = &[
    ("claude", CLAUDE_ONLY),
    ("codex", CODEX_ONLY),
    ("copilot", COPILOT_ONLY),
    ("gemini", GEMINI_ONLY),
];

/// Claude Code's `settings.json` (`install`), owned by another branch for now: to move under
/// `source/agents/claude/` once it lands.
const NOT_YET_MOVED: &[&str] = &["src/source/claude_settings.rs", "src/commands/install.rs"];

/// Codex's `config.toml` (`install notify`): its key names, in the one file that edits it.
const CODEX_CONFIG: &[&str] = &["src/source/agents/codex/config.rs"];

/// The adapter folder a source file is in (`src/*/agents/<folder>/…`), if any.
fn adapter_of(rel: &Path) -> Option<String> {
    let parts: Vec<String> = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    parts
        .windows(3)
        .find(|w| w[0] == "agents" && !w[2].is_empty())
        .map(|w| w[1].clone())
}

#[test]
fn only_the_adapter_folders_name_a_formats_records() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let files = checked_files(&root.join("src"));
    assert!(files.len() > 40);
    let mut adapter_files = BTreeSet::new();
    for (f, s) in &files {
        let rel = f.strip_prefix(root).unwrap();
        let folder = adapter_of(rel);
        if let Some(folder) = &folder {
            adapter_files.insert(folder.clone());
        }
        if NOT_YET_MOVED.iter().any(|n| rel == Path::new(n)) {
            continue;
        }
        for (format, names) in FORMATS {
            for name in *names {
                // Allowed in the folder of every format that uses the name.
                let allowed = FORMATS
                    .iter()
                    .filter(|(_, ns)| ns.contains(name))
                    .any(|(fmt, _)| folder.as_deref() == Some(fmt))
                    || (*format == "codex" && CODEX_CONFIG.iter().any(|n| rel == Path::new(n)));
                assert!(
                    allowed || !s.text.contains(name),
                    "{} names {name}: only src/*/agents/{format}/ may name {format}'s records",
                    rel.display()
                );
            }
        }
    }
    for (format, _) in FORMATS {
        assert!(
            adapter_files.contains(*format),
            "the {format} adapter folder was found ({adapter_files:?})"
        );
    }
}

#[test]
fn adapter_folders_are_found_by_their_path() {
    assert_eq!(
        adapter_of(Path::new("src/core/agents/codex/mod.rs")).as_deref(),
        Some("codex")
    );
    assert_eq!(adapter_of(Path::new("src/core/agents/mod.rs")), None);
    assert_eq!(adapter_of(Path::new("src/core/agents/common.rs")), None);
}
