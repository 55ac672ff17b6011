//! A person's five weeks for the export tests: sessions whose outcomes the review knows
//! (recovered, abandoned, a commit, a pull request, plan mode, headless), in three stacks, with
//! secrets in every place a record must never show (paths, branches, prompts, commands, file
//! names), and their feedback on nudges.

use std::path::{Path, PathBuf};
use std::process::Command;

use super::review::{DAY, NOW, NOW_MS, recovered, write};
use super::transcript::Script;

/// Strings of the corpus that no export may contain (without `--with-names`, the session ids'
/// and folder names' too).
pub const SECRETS: &[&str] = &[
    "/home/",
    "hunter2",
    "secret-branch",
    "payroll.rs",
    "launch-codes",
    "ACME_TOKEN",
];

fn start(days_back: i64, hour: i64) -> i64 {
    NOW_MS - days_back * DAY + hour * 3_600_000
}

fn abandoned(id: &str, cwd: &str, start: i64) -> String {
    let mut s = Script::new(id, cwd, start).with_fields(r#""gitBranch":"secret-branch""#);
    s.prompt("fix it, the ACME_TOKEN check fails");
    s.bash("mix test", false);
    s.bash("mix test test/launch-codes_test.exs", false);
    s.bash("mix test --failed", false);
    s.bash("mix test --failed --trace", false);
    s.say("The tests still fail; I could not find the cause.");
    s.text()
}

fn commit(id: &str, cwd: &str, start: i64) -> String {
    let mut s = Script::new(id, cwd, start);
    s.prompt("add a --verbose flag to src/payroll.rs; done when cargo test passes");
    s.read(&format!("{cwd}/CLAUDE.md"));
    s.edit_path(&format!("{cwd}/src/payroll.rs"), 3);
    s.bash("cargo test", true);
    s.bash("git commit -am 'verbose flag hunter2'", true);
    s.say("Done.");
    s.prompt("thanks, now run the tests again");
    s.bash("cargo test", true);
    s.say("All green.");
    s.text()
}

fn pr(id: &str, cwd: &str, start: i64) -> String {
    let mut s = Script::new(id, cwd, start);
    s.command(
        "ship-pr",
        "Run the tests, then open a pull request for this branch.",
    );
    s.bash("pytest -q", true);
    s.bash("gh pr create --fill", true);
    s.say("Opened the pull request.");
    s.text()
}

fn plan(id: &str, cwd: &str, start: i64) -> String {
    let mut s = Script::new(id, cwd, start);
    s.prompt_in("plan the settings page", "plan");
    s.read(&format!("{cwd}/src/App.tsx"));
    s.write(&format!("{cwd}/src/Settings.tsx"));
    s.bash("npm run build", true);
    s.say("The settings page is in place.");
    s.text()
}

fn headless(id: &str, cwd: &str, start: i64) -> String {
    let mut s = Script::new(id, cwd, start).with_fields(r#""entrypoint":"sdk-cli""#);
    s.prompt("summarise the changes");
    s.bash("git log -3", true);
    s.say("Three commits.");
    s.text()
}

/// Writes `who`'s sessions under `root` (a Claude Code config dir): five weeks before NOW, a
/// different mix each week. Returns the files written.
pub fn person(root: &Path, who: &str, weeks: i64) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let base = format!("/home/{who}/work");
    for w in 0..weeks {
        let d = w * 7 + 1;
        let mut n = 0;
        let mut add = |cwd: &str, make: fn(&str, &str, i64) -> String, at: i64| {
            n += 1;
            let id = format!("{who}-w{w}-s{n}-launch-codes");
            files.push(write(root, cwd, &id, &make(&id, cwd, at)));
        };
        let app = format!("{base}/app");
        let phx = format!("{base}/phx");
        let ml = format!("{base}/ml");
        let web = format!("{base}/web");
        add(&app, commit, start(d, 1));
        add(&phx, abandoned, start(d + 1, 2));
        add(&app, recovered, start(d + 2, 3));
        if w % 2 == 0 {
            add(&ml, pr, start(d + 3, 4));
            add(&phx, abandoned, start(d + 4, 2));
        }
        if w != 1 {
            add(&web, plan, start(d + 2, 6));
            add(&ml, headless, start(d + 1, 7));
        }
        if w == 0 {
            add(&app, recovered, start(d, 8));
        }
    }
    files
}

/// `ringside` with this person's transcripts and home, evaluated at NOW in UTC.
pub fn ringside(root: &Path, home: &Path) -> Command {
    let mut c = Command::new(assert_cmd::cargo::cargo_bin!("ringside"));
    c.env("CLAUDE_CONFIG_DIR", root)
        .env("RINGSIDE_HOME", home)
        .env("TZ", "UTC")
        .env_remove("OTEL_EXPORTER_OTLP_ENDPOINT")
        .env_remove("OTEL_EXPORTER_OTLP_HEADERS")
        .env_remove("OTEL_EXPORTER_OTLP_PROTOCOL")
        .env_remove("OTEL_RESOURCE_ATTRIBUTES")
        .env_remove("HTTP_PROXY")
        .env_remove("HTTPS_PROXY")
        .env_remove("ALL_PROXY")
        .env_remove("http_proxy")
        .env_remove("https_proxy")
        .env_remove("all_proxy");
    c
}

/// Runs `ringside export ARGS --now NOW`; its stdout and stderr, and its status code.
pub fn export(root: &Path, home: &Path, args: &[&str]) -> (String, String, i32) {
    let out = ringside(root, home)
        .arg("export")
        .args(args)
        .args(["--now", NOW])
        .output()
        .unwrap();
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
        out.status.code().unwrap_or(-1),
    )
}

/// `review --format json` over `[since, until)` at NOW.
pub fn review(root: &Path, home: &Path, since: &str, until: &str) -> serde_json::Value {
    let out = ringside(root, home)
        .args([
            "review", "--format", "json", "--now", NOW, "--since", since, "--until", until,
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

/// Feedback on every nudge of these sessions, given at `at`: helpful on S5, else dismissed
/// (`ringside score --json` gives the nudges' signals and lines). Returns how many.
pub fn give_feedback(home: &Path, root: &Path, files: &[PathBuf], at: &str) -> usize {
    let data = home.join("data");
    std::fs::create_dir_all(&data).unwrap();
    let mut lines = String::new();
    let mut n = 0;
    for f in files {
        let out = ringside(root, home)
            .args(["score", "--json", "--now", NOW])
            .arg(f)
            .output()
            .unwrap();
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        let id = v["session"]["id"].as_str().unwrap().to_owned();
        for nudge in v["session"]["nudges"].as_array().unwrap() {
            let signal = nudge["signal"].as_str().unwrap();
            let verdict = if signal == "S5" {
                "helpful"
            } else {
                "dismissed"
            };
            lines.push_str(
                &serde_json::json!({
                    "at": at, "session": id, "signal": signal,
                    "line": nudge["at_line"], "verdict": verdict
                })
                .to_string(),
            );
            lines.push('\n');
            n += 1;
        }
    }
    std::fs::write(data.join("feedback.jsonl"), lines).unwrap();
    n
}
