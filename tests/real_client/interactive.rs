//! The interactive client in tmux, with `ringside watch` in a pane beside it and ringside's
//! status line and hooks installed by `ringside install` into the temporary config dir.

use std::process::Command;
use std::time::Duration;

use serde_json::{Value, json};

use super::harness::{self, API_KEY, Harness};
use super::scenarios::{self, *};
use super::server::Thread;
use super::truth::{self, assert_matches_client_cost, assert_matches_server_with, written_ids};

struct Tmux {
    name: String,
}

impl Tmux {
    fn start(w: u16, h: u16) -> Option<Self> {
        if Command::new("tmux").arg("-V").output().is_err() {
            eprintln!("NOTICE: tmux is not installed; skipping the interactive end-to-end test");
            return None;
        }
        let name = format!(
            "ringside-rc-{}-{}",
            std::process::id(),
            ringside::source::clock::now().0 % 1_000_000
        );
        let ok = Command::new("tmux")
            .args([
                "new-session",
                "-d",
                "-s",
                &name,
                "-x",
                &w.to_string(),
                "-y",
                &h.to_string(),
            ])
            .status()
            .unwrap()
            .success();
        assert!(ok, "tmux new-session");
        Some(Self { name })
    }
    fn pane(&self, i: u8) -> String {
        format!("{}:0.{i}", self.name)
    }
    fn send(&self, pane: u8, keys: &[&str]) {
        Command::new("tmux")
            .args(["send-keys", "-t", &self.pane(pane)])
            .args(keys)
            .status()
            .unwrap();
    }
    fn type_text(&self, pane: u8, text: &str) {
        Command::new("tmux")
            .args(["send-keys", "-l", "-t", &self.pane(pane), text])
            .status()
            .unwrap();
    }
    fn screen(&self, pane: u8) -> String {
        let out = Command::new("tmux")
            .args(["capture-pane", "-p", "-t", &self.pane(pane)])
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout).into_owned()
    }
    fn wait_for(&self, pane: u8, what: &str, secs: u64) -> String {
        let deadline = ringside::source::clock::instant() + Duration::from_secs(secs);
        loop {
            let s = self.screen(pane);
            if s.contains(what) {
                return s;
            }
            assert!(
                ringside::source::clock::instant() < deadline,
                "timed out waiting for {what:?} in pane {pane}; screen:\n{s}\nother pane:\n{}",
                self.screen(1 - pane)
            );
            std::thread::sleep(Duration::from_millis(150));
        }
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = Command::new("tmux")
            .args(["kill-session", "-t", &self.name])
            .status();
    }
}

/// A shell script that runs `cmd` in the harness's environment (tmux panes start a shell).
fn launcher(h: &Harness, file: &str, cmd: &str) -> std::path::PathBuf {
    let mut probe = Command::new("true");
    h.env(&mut probe);
    let mut script = String::from("#!/bin/sh\n");
    for (k, v) in probe.get_envs() {
        if let Some(v) = v {
            script.push_str(&format!(
                "export {}='{}'\n",
                k.to_string_lossy(),
                v.to_string_lossy()
            ));
        }
    }
    script.push_str(&format!("cd '{}'\nexec {cmd}\n", h.project.display()));
    let path = h.tmp.path().join(file);
    std::fs::write(&path, script).unwrap();
    path
}

/// What the interactive client needs to start without questions (research/real-client.md).
fn prefill(h: &Harness) {
    let key_tail = &API_KEY[API_KEY.len() - 20..];
    let mut projects = serde_json::Map::new();
    projects.insert(
        h.project.display().to_string(),
        json!({"hasTrustDialogAccepted": true, "hasCompletedProjectOnboarding": true}),
    );
    let state = json!({
        "hasCompletedOnboarding": true,
        "theme": "dark",
        "customApiKeyResponses": {"approved": [key_tail], "rejected": []},
        "projects": projects,
    });
    std::fs::write(h.config.join(".claude.json"), state.to_string()).unwrap();
    std::fs::write(
        h.config.join("settings.json"),
        json!({"skipDangerousModePermissionPrompt": true}).to_string(),
    )
    .unwrap();
    for what in ["statusline", "hooks"] {
        let out = h.ringside(&["install", what, "--yes"]);
        assert!(
            out.status.success(),
            "install {what}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let settings: Value =
        serde_json::from_str(&std::fs::read_to_string(h.config.join("settings.json")).unwrap())
            .unwrap();
    assert_eq!(settings["statusLine"]["command"], "ringside statusline");
    assert_eq!(
        settings["skipDangerousModePermissionPrompt"], true,
        "install kept the user's keys"
    );
}

#[test]
fn interactive_queued_prompt_nudge_hooks_status_line_and_esc() {
    let Some(claude) = harness::claude_bin() else {
        return;
    };
    let Some(t) = Tmux::start(200, 50) else {
        return;
    };
    let h = Harness::new("interactive", claude, scenarios::interactive);
    prefill(&h);
    let client = launcher(
        &h,
        "client.sh",
        &format!(
            "'{}' --permission-mode bypassPermissions",
            h.claude.display()
        ),
    );
    let watch = launcher(
        &h,
        "watch.sh",
        &format!("'{}' watch --all", harness::ringside_bin()),
    );
    t.send(0, &[&format!("sh '{}'", client.display()), "Enter"]);
    t.wait_for(0, "bypass permissions", 40);

    // Prompt 1 starts a slow check; prompt 2 is typed while it runs.
    t.type_text(0, SLOW_PROMPT);
    t.send(0, &["Enter"]);
    assert!(
        h.server.wait(30, |l| l
            .sent
            .iter()
            .any(|s| s.script == Some("slow") && !s.tools.is_empty())),
        "the first prompt reached the server"
    );
    // Type the second prompt once the first reply is on disk: the client writes it late, and an
    // enqueue written before it takes that reply into the queued turn (see the README's note).
    let tool_id = h.server.log(|l| {
        l.sent
            .iter()
            .find(|s| s.script == Some("slow"))
            .map(|s| s.tools[0].0.clone())
            .unwrap()
    });
    let deadline = ringside::source::clock::instant() + Duration::from_secs(20);
    while !h.transcripts().first().is_some_and(|f| {
        std::fs::read_to_string(f)
            .unwrap_or_default()
            .contains(&tool_id)
    }) {
        assert!(
            ringside::source::clock::instant() < deadline,
            "the first reply was never written"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    // Watch starts beside the client once the session has a file (before, it plays the demo).
    Command::new("tmux")
        .args([
            "split-window",
            "-h",
            "-l",
            "80",
            "-t",
            &t.pane(0),
            &format!("sh '{}'", watch.display()),
        ])
        .status()
        .unwrap();
    // The prompt column is cut to the pane's width: wait for the prompt's start.
    t.wait_for(1, "Run make test and fix", 20);
    t.type_text(0, STEER_PROMPT);
    t.send(0, &["Enter"]);
    assert!(
        h.server.wait(60, |l| l
            .sent
            .iter()
            .any(|s| s.script == Some("steer") && s.step == 7)),
        "the queued prompt's loop ran to its end"
    );
    // The Stop hook shows the due nudge; the status line shows ringside's row.
    let screen = t.wait_for(0, "Stop says", 30);
    assert!(screen.contains("/prompt"), "status line row:\n{screen}");
    let side = t.wait_for(1, "Keep going until", 20);
    assert!(
        side.contains("Run make test and fix"),
        "watch follows the session:\n{side}"
    );

    // Prompt 3: a long answer, interrupted with Esc while it streams.
    t.type_text(0, EXPLAIN_PROMPT);
    t.send(0, &["Enter"]);
    assert!(
        h.server.wait(30, |l| l.holding),
        "the long answer started streaming"
    );
    std::thread::sleep(Duration::from_millis(500));
    t.send(0, &["Escape"]);
    assert!(
        h.server.wait(20, |l| l
            .sent
            .iter()
            .any(|s| s.script == Some("explain") && s.aborted)),
        "the client hung up on Esc"
    );
    let file = {
        let deadline = ringside::source::clock::instant() + Duration::from_secs(20);
        loop {
            let f = h.transcripts();
            if let Some(f) = f.first()
                && std::fs::read_to_string(f)
                    .unwrap_or_default()
                    .contains("[Request interrupted by user]")
            {
                break f.clone();
            }
            assert!(
                ringside::source::clock::instant() < deadline,
                "no interrupt record written"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    };
    t.send(0, &["C-c"]);
    std::thread::sleep(Duration::from_millis(300));
    t.send(0, &["C-c"]);
    std::thread::sleep(Duration::from_millis(1000));
    h.save();

    let score = h.score(&file);
    if std::env::var_os("RINGSIDE_E2E_DUMP").is_some() {
        eprintln!("{}", serde_json::to_string_pretty(&score).unwrap());
    }
    let lines = Harness::lines(&file);
    h.server.log(|log| {
        assert_matches_server_with(
            log,
            &score,
            &[&["slow"], &["steer"], &["explain"]],
            &written_ids(&lines),
        );
        assert_matches_client_cost(&lines, &score);
        let turns = score["turns"].as_array().unwrap();
        let sources: Vec<&str> = turns
            .iter()
            .map(|t| t["source"].as_str().unwrap())
            .collect();
        assert_eq!(sources, ["typed", "queued", "typed"]);
        assert_eq!(score["session"]["entry_point"], "cli");
        let aborted = log
            .sent
            .iter()
            .filter(|s| s.aborted && s.thread == Thread::Main)
            .count();
        assert_eq!(score["session"]["interrupts"], aborted as u64);
        assert_eq!(turns[2]["interrupts"], 1);
        // The nudge the Stop hook showed is the S5 nudge at the check failing again for the same
        // reasons.
        let fails: Vec<String> = ["slow", "steer"]
            .iter()
            .flat_map(|s| truth::checks_of(log, s, "Bash"))
            .filter(|(_, f)| *f)
            .map(|(id, _)| id)
            .collect();
        assert_eq!(fails.len(), 4);
        // S5 counts the runs of the steering turn: the second of them fails as the first did.
        let again = truth::result_line(&lines, &fails[2]);
        let nudges = score["session"]["nudges"].as_array().unwrap();
        assert_eq!(nudges[0]["signal"], "S5", "{nudges:?}");
        assert_eq!(nudges[0]["at_line"], again);
    });
}
