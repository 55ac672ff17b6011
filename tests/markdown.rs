//! Every Markdown document ringside writes (the weekly review, the session report) shows hostile
//! transcript text as the same visible text, never as markup that renders, links or notifies
//! when pasted into GitHub.

#![allow(
    clippy::unwrap_used,
    clippy::panic,
    reason = "test helpers fail loudly by design"
)]

use assert_cmd::Command;

const NOW: &str = "2026-02-20T12:00:00Z";

/// What a hostile prompt or folder name carries.
const HOSTILE: &str = "<img src=x onerror=alert(1)> [click](javascript:alert(1)) @octocat fixes #7 https://evil.example www.evil.example **bold** | pipe &#64;admin";

fn transcript(id: &str, cwd: &str) -> String {
    let user = |t: &str, text: &str| {
        serde_json::json!({"type": "user", "message": {"role": "user", "content": text},
            "timestamp": t, "sessionId": id, "cwd": cwd, "gitBranch": HOSTILE})
        .to_string()
    };
    let say = |t: &str, n: u32| {
        serde_json::json!({"type": "assistant", "message": {"id": format!("msg_{n}"), "model": "claude-opus-4-6",
            "content": [{"type": "text", "text": "done"}], "usage": {"input_tokens": 1, "output_tokens": 2}},
            "timestamp": t})
        .to_string()
    };
    [
        user("2026-02-19T10:00:00Z", HOSTILE),
        say("2026-02-19T10:00:05Z", 1),
        user("2026-02-19T10:01:00Z", &format!("again: {HOSTILE}")),
        say("2026-02-19T10:01:05Z", 2),
    ]
    .join("\n")
        + "\n"
}

/// The raw patterns that would be live markup on GitHub (outside code spans, where nothing is).
fn active(md: &str) -> Vec<&'static str> {
    let spans = regex::Regex::new(r"(^|[^\\])`[^`\n]*`").unwrap();
    let md = &*spans.replace_all(md, "$1");
    let unescaped = |pat: &str| {
        regex::Regex::new(&format!(r"(^|[^\\]){pat}"))
            .unwrap()
            .is_match(md)
    };
    let mut found = Vec::new();
    if unescaped("<img") {
        found.push("raw <img> tag");
    }
    if unescaped(r"\]\(javascript:") {
        found.push("javascript: link");
    }
    if md.contains("@octocat") || md.contains("@admin") {
        found.push("@mention");
    }
    if md.contains("#7") {
        found.push("issue reference");
    }
    if md.contains("https://evil") || md.contains("www.evil") {
        found.push("autolink");
    }
    if unescaped(r"\*\*bold") {
        found.push("emphasis");
    }
    if unescaped("&#64;") {
        found.push("entity");
    }
    found
}

fn sandbox() -> (tempfile::TempDir, Command) {
    let tmp = tempfile::tempdir().unwrap();
    let cwd = format!("/home/dev/{}", "x<img src=x onerror=alert(1)>@octocat");
    let dir = tmp.path().join("claude/projects/hostile");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("h0571le.jsonl"), transcript("h0571le", &cwd)).unwrap();
    let mut c = Command::new(assert_cmd::cargo::cargo_bin!("ringside"));
    c.env("CLAUDE_CONFIG_DIR", tmp.path().join("claude"))
        .env("RINGSIDE_HOME", tmp.path().join("rs"))
        .env("TZ", "UTC");
    (tmp, c)
}

/// Runs `c` and checks its markdown shows the hostile text, with nothing of it active.
fn assert_escaped(mut c: Command) {
    let out = c.output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let md = String::from_utf8(out.stdout).unwrap();
    assert!(
        md.contains("onerror=alert(1)"),
        "the text is still shown: {md}"
    );
    assert_eq!(active(&md), Vec::<&str>::new(), "{md}");
}

#[test]
fn review_markdown_escapes_prompts_and_project_names() {
    let (_tmp, mut c) = sandbox();
    c.args(["review", "--now", NOW, "--format", "markdown"]);
    assert_escaped(c);
}

#[test]
fn the_session_report_escapes_the_same_way() {
    let (tmp, mut c) = sandbox();
    let path = tmp.path().join("claude/projects/hostile/h0571le.jsonl");
    c.args(["replay", "--report", "--now", NOW]).arg(&path);
    assert_escaped(c);
}
