//! `ringside install` and `ringside uninstall` against Claude Code's settings.json, as a user
//! runs them: concurrent installs, symlinked and read-only files, bytes ringside does not own.

#![allow(
    clippy::unwrap_used,
    clippy::panic,
    reason = "test helpers fail loudly by design"
)]

use std::os::unix::fs::PermissionsExt as _;
use std::path::PathBuf;
use std::process::Output;

use assert_cmd::Command;
use serde_json::Value;

struct Sandbox {
    dir: tempfile::TempDir,
}

impl Sandbox {
    fn new() -> Self {
        let sb = Self {
            dir: tempfile::tempdir().unwrap(),
        };
        std::fs::create_dir_all(sb.claude()).unwrap();
        sb
    }

    fn claude(&self) -> PathBuf {
        self.dir.path().join("claude")
    }

    fn settings(&self) -> PathBuf {
        self.claude().join("settings.json")
    }

    fn cmd(&self, args: &[&str]) -> Command {
        let mut c = Command::new(assert_cmd::cargo::cargo_bin!("ringside"));
        c.args(args)
            .env("HOME", self.dir.path())
            .env("RINGSIDE_HOME", self.dir.path().join("rs"))
            .env("CLAUDE_CONFIG_DIR", self.claude())
            .env("NO_COLOR", "1");
        c
    }

    fn run(&self, args: &[&str]) -> Output {
        self.cmd(args).write_stdin(Vec::new()).output().unwrap()
    }

    fn text(&self) -> String {
        std::fs::read_to_string(self.settings()).unwrap()
    }

    fn json(&self) -> Value {
        serde_json::from_str(&self.text()).unwrap()
    }

    fn backups(&self) -> Vec<String> {
        let mut b: Vec<String> = std::fs::read_dir(self.claude())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.starts_with("settings.json.ringside-backup-"))
            .collect();
        b.sort();
        b
    }
}

fn ok(out: &Output) -> String {
    assert!(
        out.status.success(),
        "exit {:?}\nstdout: {}\nstderr: {}",
        out.status.code(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn statusline_command(v: &Value) -> &str {
    v["statusLine"]["command"].as_str().unwrap_or("")
}

fn has_our_hook(v: &Value, event: &str) -> bool {
    v["hooks"][event].as_array().is_some_and(|groups| {
        groups.iter().any(|g| {
            g["hooks"].as_array().is_some_and(|hs| {
                hs.iter()
                    .any(|h| h["command"].as_str().is_some_and(|c| c.ends_with(" hook")))
            })
        })
    })
}

const EVENTS: [&str; 4] = ["SessionStart", "UserPromptSubmit", "Stop", "Notification"];

#[test]
fn two_installs_at_once_lose_nothing() {
    let sb = Sandbox::new();
    for round in 0..20 {
        std::fs::write(sb.settings(), "{\n  \"model\": \"opus\"\n}\n").unwrap();
        let mut a = sb.cmd(&["install", "statusline", "--yes"]);
        let mut b = sb.cmd(&["install", "hooks", "--yes"]);
        let a = std::thread::spawn(move || a.write_stdin(Vec::new()).output().unwrap());
        let b = std::thread::spawn(move || b.write_stdin(Vec::new()).output().unwrap());
        ok(&a.join().unwrap());
        ok(&b.join().unwrap());
        let v = sb.json();
        assert_eq!(v["model"], "opus", "round {round}");
        assert!(
            statusline_command(&v).ends_with(" statusline"),
            "round {round}: the status line was lost: {v}"
        );
        for e in EVENTS {
            assert!(has_our_hook(&v, e), "round {round}: hook {e} lost: {v}");
        }
    }
}

#[test]
fn a_symlinked_settings_file_is_written_through_the_link() {
    let sb = Sandbox::new();
    let dotfiles = sb.dir.path().join("dotfiles");
    std::fs::create_dir_all(&dotfiles).unwrap();
    let target = dotfiles.join("claude-settings.json");
    std::fs::write(&target, "{\"model\": \"opus\"}\n").unwrap();
    std::os::unix::fs::symlink(&target, sb.settings()).unwrap();
    ok(&sb.run(&["install", "statusline", "--yes"]));
    let meta = std::fs::symlink_metadata(sb.settings()).unwrap();
    assert!(meta.file_type().is_symlink(), "the link is kept");
    assert_eq!(std::fs::read_link(sb.settings()).unwrap(), target);
    let v: Value = serde_json::from_str(&std::fs::read_to_string(&target).unwrap()).unwrap();
    assert!(statusline_command(&v).ends_with(" statusline"), "{v}");
    assert_eq!(v["model"], "opus");
    // The backup is a copy of the content, beside the link (not a second link).
    let b = sb.backups();
    assert_eq!(b.len(), 1, "{b:?}");
    let backup = sb.claude().join(&b[0]);
    assert!(
        !std::fs::symlink_metadata(&backup)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert_eq!(
        std::fs::read_to_string(backup).unwrap(),
        "{\"model\": \"opus\"}\n"
    );
}

/// A file a person wrote by hand, with things a re-serialisation would change.
const HANDWRITTEN: &str = "{\n\t\"model\":   \"opus\",\n\t\"big\": 12345678901234567890123,\n\t\"sci\": 1e5,\n\t\"dup\": 1,\n\t\"dup\": 2,\n\t\"esc\": \"caf\\u00e9 \\/ ok\",\n\t\"env\": {\"B\": \"2\", \"A\": \"1\"},\n\t\"list\": [1,2,   3]\n}\n";

#[test]
fn install_keeps_the_bytes_it_does_not_own() {
    let sb = Sandbox::new();
    std::fs::write(sb.settings(), HANDWRITTEN).unwrap();
    ok(&sb.run(&["install", "statusline", "--yes"]));
    ok(&sb.run(&["install", "hooks", "--yes"]));
    let after = sb.text();
    for kept in [
        "\t\"model\":   \"opus\",\n",
        "\t\"big\": 12345678901234567890123,\n",
        "\t\"sci\": 1e5,\n",
        "\t\"dup\": 1,\n\t\"dup\": 2,\n",
        "\t\"esc\": \"caf\\u00e9 \\/ ok\",\n",
        "\t\"env\": {\"B\": \"2\", \"A\": \"1\"},\n",
        "\t\"list\": [1,2,   3]",
    ] {
        assert!(after.contains(kept), "lost {kept:?} in:\n{after}");
    }
    let v = sb.json();
    assert!(statusline_command(&v).ends_with(" statusline"));
    for e in EVENTS {
        assert!(has_our_hook(&v, e), "{e}");
    }
    // Every line of the original is still there, in order: ringside only added lines
    // (and a comma after what was the last property).
    let diff = similar::TextDiff::from_lines(HANDWRITTEN, after.as_str());
    let removed: Vec<&str> = diff
        .iter_all_changes()
        .filter(|c| c.tag() == similar::ChangeTag::Delete)
        .map(|c| c.value())
        .collect();
    assert_eq!(removed, ["\t\"list\": [1,2,   3]\n"], "{after}");
    // Uninstalling both gives the user's bytes back, exactly.
    ok(&sb.run(&["uninstall", "hooks", "--yes"]));
    ok(&sb.run(&["uninstall", "statusline", "--yes"]));
    assert_eq!(sb.text(), HANDWRITTEN);
}

#[test]
fn uninstall_restores_a_chained_status_line_and_keeps_other_hooks() {
    let sb = Sandbox::new();
    let original = "{\n  \"statusLine\": {\n    \"type\": \"command\",\n    \"command\": \"bash ~/line.sh\",\n    \"padding\": 2\n  },\n  \"hooks\": {\n    \"Stop\": [\n      {\n        \"hooks\": [\n          {\n            \"type\": \"command\",\n            \"command\": \"notify-send done\"\n          }\n        ]\n      }\n    ]\n  }\n}\n";
    std::fs::write(sb.settings(), original).unwrap();
    ok(&sb.run(&["install", "statusline", "--yes"]));
    ok(&sb.run(&["install", "hooks", "--yes"]));
    let v = sb.json();
    assert!(
        statusline_command(&v).ends_with(" statusline --chain 'bash ~/line.sh'"),
        "{v}"
    );
    assert_eq!(v["statusLine"]["padding"], 2);
    assert_eq!(
        v["hooks"]["Stop"][0]["hooks"][0]["command"],
        "notify-send done"
    );
    let out = ok(&sb.run(&["uninstall", "statusline", "--yes"]));
    assert!(
        out.contains("bash ~/line.sh"),
        "says what it restored: {out}"
    );
    let v = sb.json();
    assert_eq!(statusline_command(&v), "bash ~/line.sh");
    ok(&sb.run(&["uninstall", "hooks", "--yes"]));
    assert_eq!(sb.text(), original);
    // Nothing of ringside's left: a second uninstall changes nothing.
    for what in ["statusline", "hooks"] {
        let out = ok(&sb.run(&["uninstall", what, "--yes"]));
        assert!(out.contains("nothing to remove"), "{out}");
    }
    assert_eq!(sb.text(), original);
}

#[test]
fn a_read_only_settings_file_is_refused() {
    let sb = Sandbox::new();
    let original = "{\"model\": \"opus\"}\n";
    std::fs::write(sb.settings(), original).unwrap();
    std::fs::set_permissions(sb.settings(), std::fs::Permissions::from_mode(0o444)).unwrap();
    let out = sb.run(&["install", "statusline", "--yes"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("read-only"), "{}", stderr(&out));
    assert_eq!(sb.text(), original);
    let mode = std::fs::metadata(sb.settings())
        .unwrap()
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o444);
    assert!(
        sb.backups().is_empty(),
        "nothing written, not even a backup"
    );
}

#[test]
fn a_private_settings_file_stays_private() {
    let sb = Sandbox::new();
    std::fs::write(sb.settings(), "{\"env\": {\"API_KEY\": \"secret\"}}\n").unwrap();
    std::fs::set_permissions(sb.settings(), std::fs::Permissions::from_mode(0o600)).unwrap();
    ok(&sb.run(&["install", "statusline", "--yes"]));
    let mode = std::fs::metadata(sb.settings())
        .unwrap()
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o600);
    for b in sb.backups() {
        let mode = std::fs::metadata(sb.claude().join(&b))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600, "backup {b}");
    }
}

#[test]
fn a_lookalike_status_line_is_chained_not_taken_for_ours() {
    let sb = Sandbox::new();
    for theirs in [
        "ringside-old statusline",
        "ringside statusline; curl example.invalid",
        "/opt/ringsidex/bin/tool statusline",
    ] {
        let v = serde_json::json!({"statusLine": {"type": "command", "command": theirs}});
        std::fs::write(sb.settings(), v.to_string()).unwrap();
        let out = ok(&sb.run(&["install", "statusline", "--yes"]));
        assert!(!out.contains("nothing to change"), "{theirs}: {out}");
        let cmd = statusline_command(&sb.json()).to_owned();
        assert!(
            cmd.contains(" statusline --chain '") && cmd.contains(theirs),
            "{theirs} -> {cmd}"
        );
    }
}

#[test]
fn a_bare_string_status_line_is_chained() {
    let sb = Sandbox::new();
    std::fs::write(sb.settings(), "{\"statusLine\": \"bash ~/s.sh\"}\n").unwrap();
    let out = ok(&sb.run(&["install", "statusline", "--yes"]));
    assert!(out.contains("bash ~/s.sh"), "{out}");
    let v = sb.json();
    assert_eq!(v["statusLine"]["type"], "command");
    assert!(
        statusline_command(&v).ends_with(" statusline --chain 'bash ~/s.sh'"),
        "{v}"
    );
}

#[test]
fn backups_are_named_by_date_and_time() {
    let sb = Sandbox::new();
    std::fs::write(sb.settings(), "{}\n").unwrap();
    ok(&sb.run(&["install", "statusline", "--yes"]));
    ok(&sb.run(&["install", "hooks", "--yes"]));
    let b = sb.backups();
    assert_eq!(b.len(), 2, "{b:?}");
    let re = regex::Regex::new(r"^settings\.json\.ringside-backup-\d{4}-\d{2}-\d{2}-\d{6}(-\d+)?$")
        .unwrap();
    for name in &b {
        assert!(re.is_match(name), "{name}");
    }
    assert_ne!(b[0], b[1], "a second backup never overwrites the first");
}

#[test]
fn install_from_a_cargo_build_folder_warns() {
    // The test binary lives under target/: exactly the `cargo run` case.
    let sb = Sandbox::new();
    let out = sb.run(&["install", "statusline", "--dry-run"]);
    ok(&out);
    let err = stderr(&out);
    assert!(
        err.contains("cargo clean") && err.contains("cargo install --path ."),
        "{err}"
    );
}

#[test]
fn settings_with_two_status_lines_are_refused() {
    let sb = Sandbox::new();
    let original = "{\"statusLine\": {\"command\": \"a\"}, \"statusLine\": {\"command\": \"b\"}}";
    std::fs::write(sb.settings(), original).unwrap();
    let out = sb.run(&["install", "statusline", "--yes"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("twice"), "{}", stderr(&out));
    assert_eq!(sb.text(), original);
}

/// The interactive case: the diff is shown, Claude Code (here: the test) writes the file while
/// the user reads it, then the user says yes. ringside refuses rather than drop that change.
#[test]
fn a_change_made_while_the_user_confirms_is_never_dropped() {
    if std::process::Command::new("tmux")
        .arg("-V")
        .output()
        .is_err()
    {
        eprintln!("NOTICE: tmux is not installed; skipping the interactive install test");
        return;
    }
    let sb = Sandbox::new();
    std::fs::write(sb.settings(), "{\n  \"model\": \"opus\"\n}\n").unwrap();
    let name = format!("ringside-install-{}", std::process::id());
    let script = format!(
        "env HOME={h} RINGSIDE_HOME={h}/rs CLAUDE_CONFIG_DIR={c} {bin} install statusline; echo EXIT$((40+2))=$?; sleep 60",
        h = sb.dir.path().display(),
        c = sb.claude().display(),
        bin = bin(),
    );
    let tmux = |args: &[&str]| {
        std::process::Command::new("tmux")
            .args(args)
            .output()
            .unwrap()
    };
    assert!(
        tmux(&[
            "new-session",
            "-d",
            "-s",
            &name,
            "-x",
            "120",
            "-y",
            "40",
            &script
        ])
        .status
        .success()
    );
    let screen =
        || String::from_utf8_lossy(&tmux(&["capture-pane", "-p", "-t", &name]).stdout).into_owned();
    let wait_for = |what: &str| {
        for _ in 0..200 {
            let s = screen();
            if s.contains(what) {
                return s;
            }
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        let s = screen();
        tmux(&["kill-session", "-t", &name]);
        panic!("no {what:?} on screen:\n{s}");
    };
    wait_for("[y/N]");
    let theirs = "{\n  \"model\": \"sonnet\",\n  \"env\": {\"A\": \"1\"}\n}\n";
    std::fs::write(sb.settings(), theirs).unwrap();
    tmux(&["send-keys", "-t", &name, "y", "Enter"]);
    let s = wait_for("EXIT42=");
    tmux(&["kill-session", "-t", &name]);
    assert!(s.contains("EXIT42=1"), "{s}");
    assert!(s.contains("changed after the diff was shown"), "{s}");
    assert_eq!(sb.text(), theirs, "the change made meanwhile is kept");
}

fn bin() -> String {
    assert_cmd::cargo::cargo_bin!("ringside")
        .display()
        .to_string()
}
