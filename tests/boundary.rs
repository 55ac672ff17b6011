//! `core` stays pure: no terminal, async runtime, watcher, filesystem or clock in it.

#![allow(
    clippy::unwrap_used,
    clippy::panic,
    reason = "test helpers fail loudly by design"
)]

use std::path::Path;

fn rust_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

#[test]
fn core_imports_no_terminal_async_filesystem_or_clock() {
    let core = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/core");
    let mut files = Vec::new();
    rust_files(&core, &mut files);
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
    for f in files {
        let text = std::fs::read_to_string(&f).unwrap();
        // Tests inside core may build fixtures; only the code before `mod tests` counts.
        let code = text.split("#[cfg(test)]").next().unwrap_or("");
        for word in forbidden {
            assert!(
                !code.contains(word),
                "{} uses {word}: core must stay pure",
                f.display()
            );
        }
    }
}
