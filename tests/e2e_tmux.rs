//! The real binary in a real terminal: tmux runs `ringside watch` at 80×30 while the test writes
//! a transcript into a temporary Claude Code folder, and reads the screen with capture-pane.
//! Skipped with a notice where tmux (or, for the corpus parts, ../shared) is absent.

#![allow(clippy::unwrap_used, clippy::panic, reason = "test")]

mod common;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

struct Tmux {
    name: String,
}

impl Tmux {
    fn start(w: u16, h: u16) -> Option<Self> {
        if Command::new("tmux").arg("-V").output().is_err() {
            eprintln!("NOTICE: tmux is not installed; skipping the end-to-end test");
            return None;
        }
        let name = format!("ringside-e2e-{}-{}", std::process::id(), rand_suffix());
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
            .env("PS1", "$ ")
            .status()
            .unwrap()
            .success();
        assert!(ok, "tmux new-session failed");
        Some(Self { name })
    }

    fn send(&self, keys: &[&str]) {
        Command::new("tmux")
            .args(["send-keys", "-t", &self.name])
            .args(keys)
            .status()
            .unwrap();
    }

    fn screen(&self) -> String {
        let out = Command::new("tmux")
            .args(["capture-pane", "-p", "-t", &self.name])
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// Polls the screen until `what` shows, or fails with the screen after `secs`.
    fn wait_for(&self, what: &str, secs: u64) -> String {
        self.wait_until(what, secs, |s| s.contains(what))
    }

    /// Waits for a screen where `ok` holds (a whole frame: a capture can fall in the middle of
    /// a redraw, so every part of what is expected is waited for together).
    fn wait_until(&self, what: &str, secs: u64, ok: impl Fn(&str) -> bool) -> String {
        let deadline = ringside::source::clock::instant() + Duration::from_secs(secs);
        loop {
            let s = self.screen();
            if ok(&s) {
                return s;
            }
            assert!(
                ringside::source::clock::instant() < deadline,
                "timed out waiting for {what:?}; screen:\n{s}"
            );
            std::thread::sleep(Duration::from_millis(100));
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

/// Unique within this process (tests run in parallel threads) and across runs.
fn rand_suffix() -> String {
    static NEXT: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    format!("{n}-{}", ringside::source::clock::now().0 % 1_000_000)
}

fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_ringside")
}

/// A temporary home with an empty Claude Code projects folder; returns (home, project folder).
fn home() -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let proj = tmp
        .path()
        .join("claude/projects/-home-USER-projects-spotter");
    std::fs::create_dir_all(&proj).unwrap();
    (tmp, proj)
}

fn launch(t: &Tmux, home: &Path, extra: &str) {
    let cmd = format!(
        "cd {home} && env HOME={home} CLAUDE_CONFIG_DIR={home}/claude RINGSIDE_HOME={home}/rs RINGSIDE_LOG=debug TERM=xterm-256color {bin} watch --all {extra}",
        home = home.display(),
        bin = bin()
    );
    t.send(&[&cmd, "Enter"]);
}

/// `stty -a` printed these flags on lines of their own, and none of them negated: the terminal
/// is back in cooked mode with echo.
fn assert_cooked(screen: &str, flags: &[&str]) {
    let lines: Vec<&str> = screen.lines().map(str::trim).collect();
    for f in flags {
        assert!(
            lines.contains(f),
            "{f} not set; terminal left raw:\n{screen}"
        );
        assert!(
            !lines.contains(&format!("-{f}").as_str()),
            "-{f}: terminal left raw:\n{screen}"
        );
    }
}

fn append(path: &Path, bytes: &[u8]) {
    let mut f = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .unwrap();
    f.write_all(bytes).unwrap();
}

#[test]
fn watch_follows_a_growing_session_nudges_switches_and_quits_cleanly() {
    let Some(corpus) = common::corpus() else {
        return;
    };
    let Some(t) = Tmux::start(80, 30) else { return };
    let (tmp, proj) = home();
    launch(&t, tmp.path(), "");
    t.wait_for("Waiting for a Claude Code session", 10);

    // The manual-compact session, appended a few lines at a time; one line arrives in two halves.
    let real = std::fs::read(corpus.join(common::MANUAL_COMPACT)).unwrap();
    let lines: Vec<&[u8]> = real.split_inclusive(|b| *b == b'\n').collect();
    let session = proj.join("ae4a77f8-aedd-4bc1-888f-c94edc91af04.jsonl");
    // Line 7 is the first prompt ("Work on bead spotter-4te"); it arrives torn in two halves.
    append(&session, &lines[..6].concat());
    let torn = lines[6];
    append(&session, &torn[..torn.len() / 2]);
    std::thread::sleep(Duration::from_millis(300));
    let screen = t.screen();
    assert!(
        !screen.contains("Work on bead spotter-4te"),
        "a half-written prompt must not show:\n{screen}"
    );
    append(&session, &torn[torn.len() / 2..]);
    let deadline = ringside::source::clock::instant() + Duration::from_secs(10);
    while !t.screen().contains("Work on bead spotter-4te") {
        if ringside::source::clock::instant() > deadline {
            let log = std::fs::read_to_string(tmp.path().join("rs/data/ringside.log"))
                .unwrap_or_default();
            panic!("no prompt; screen:\n{}\nlog:\n{log}", t.screen());
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    for chunk in lines[7..1370].chunks(60) {
        append(&session, &chunk.concat());
        std::thread::sleep(Duration::from_millis(40));
    }
    // By line 1370 the commit hook has rejected the commit twice for the same Dialyzer finding.
    // One prompt, the failing check named.
    let screen = t.wait_until("the DIALYZER nudge on 1 prompt", 15, |s| {
        s.contains("Check keeps failing") && s.contains("1 prompt") && s.contains("DIALYZER")
    });
    // The card says what the evidence was in words; its lines are in the prompt's detail.
    assert!(!screen.contains("1343, 1366"), "{screen}");
    t.send(&["Enter"]);
    t.wait_for("evidence lines 1343, 1366", 5);
    t.send(&["Escape"]);

    // A second session starts: ringside switches and says so.
    let second = proj.join("ffff0000-0000-4000-8000-000000000002.jsonl");
    append(
        &second,
        br#"{"type":"user","message":{"role":"user","content":"a fresh start after /clear"},"sessionId":"ffff0000","cwd":"/home/USER/projects/spotter","timestamp":"2026-02-11T22:00:00Z"}
"#,
    );
    // The switch is announced.
    t.wait_until("the announced switch to ffff0000", 10, |s| {
        s.contains("a fresh start after /clear") && s.contains("now following session ffff0000")
    });

    t.send(&["?"]);
    t.wait_for("show or hide this help", 5);
    t.send(&["q"]);
    // Keys typed before ringside has left would go to it, not to the shell.
    t.wait_until_exited(10);
    // The marker is computed by the shell, so the echoed command line does not contain it.
    t.send(&["stty -a | tr ' ' '\\n' | grep -x -e icanon -e echo -e -icanon -e -echo; echo DONE$((40+2))", "Enter"]);
    let screen = t.wait_for("DONE42", 10);
    assert_cooked(&screen, &["icanon", "echo"]);
}

#[test]
fn a_panic_restores_the_terminal_and_shows_its_message() {
    let Some(t) = Tmux::start(80, 24) else { return };
    let (tmp, _) = home();
    // RINGSIDE_TEST_PANIC makes the TUI panic right after its first frame.
    let cmd = format!(
        "env HOME={h} CLAUDE_CONFIG_DIR={h}/claude RINGSIDE_HOME={h}/rs RINGSIDE_TEST_PANIC=1 RUST_BACKTRACE=0 {bin} watch --all; echo EXIT$((40+2))",
        h = tmp.path().display(),
        bin = bin()
    );
    t.send(&[&cmd, "Enter"]);
    let screen = t.wait_for("EXIT42", 15);
    assert!(
        screen.contains("test panic requested by RINGSIDE_TEST_PANIC"),
        "the panic message is lost:\n{screen}"
    );
    t.send(&["stty -a | tr ' ' '\\n' | grep -x -e icanon -e echo -e -icanon -e -echo; echo DONE$((40+2))", "Enter"]);
    assert_cooked(&t.wait_for("DONE42", 10), &["icanon", "echo"]);
}

impl Tmux {
    /// The pid of the one program the pane's shell runs (`env` execs it). Found this way, not
    /// by name, so another test's ringside running in parallel is never the one signalled.
    fn child_pid(&self) -> String {
        let shell = Command::new("tmux")
            .args(["display-message", "-p", "-t", &self.name, "#{pane_pid}"])
            .output()
            .unwrap();
        let shell = String::from_utf8_lossy(&shell.stdout).trim().to_owned();
        let pid = Command::new("pgrep").args(["-P", &shell]).output().unwrap();
        let pid = String::from_utf8_lossy(&pid.stdout).trim().to_owned();
        assert!(!pid.is_empty(), "ringside is not running");
        pid
    }

    /// Waits until the pane's shell runs no program any more (ringside has exited).
    fn wait_until_exited(&self, secs: u64) {
        let shell = Command::new("tmux")
            .args(["display-message", "-p", "-t", &self.name, "#{pane_pid}"])
            .output()
            .unwrap();
        let shell = String::from_utf8_lossy(&shell.stdout).trim().to_owned();
        let deadline = ringside::source::clock::instant() + Duration::from_secs(secs);
        while Command::new("pgrep")
            .args(["-P", &shell])
            .output()
            .is_ok_and(|o| !o.stdout.is_empty())
        {
            assert!(
                ringside::source::clock::instant() < deadline,
                "ringside did not exit; screen:\n{}",
                self.screen()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// The pane's modes as tmux tracks them: alternate screen, cursor shown, mouse reporting.
    fn modes(&self) -> String {
        let out = Command::new("tmux")
            .args([
                "display-message",
                "-p",
                "-t",
                &self.name,
                "alternate=#{alternate_on} cursor=#{cursor_flag} mouse=#{mouse_any_flag}#{mouse_button_flag}#{mouse_standard_flag}#{mouse_all_flag}#{mouse_sgr_flag}",
            ])
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout).trim().to_owned()
    }
}

/// Runs `ringside <args>` until `ready` shows, sends it each of SIGTERM, SIGINT, SIGHUP and
/// SIGQUIT in turn (a fresh run for each), and checks it exits with 128 + the signal's number
/// and leaves the terminal as it found it: main screen, cursor shown, no mouse reporting,
/// cooked mode with echo.
fn every_signal_restores_the_terminal(args: &str, ready: &str) {
    let Some(t) = Tmux::start(80, 24) else { return };
    let (tmp, _) = home();
    for (sig, number) in [("TERM", 15), ("INT", 2), ("HUP", 1), ("QUIT", 3)] {
        t.send(&["clear", "Enter"]);
        let cmd = format!(
            "env HOME={h} CLAUDE_CONFIG_DIR={h}/claude RINGSIDE_HOME={h}/rs TERM=xterm-256color TZ=UTC {bin} {args}; echo EXIT$((40+2))=$?",
            h = tmp.path().display(),
            bin = bin()
        );
        t.send(&[&cmd, "Enter"]);
        t.wait_for(ready, 15);
        assert!(t.modes().starts_with("alternate=1"), "{}", t.modes());
        let pid = t.child_pid();
        Command::new("kill")
            .args([&format!("-{sig}"), &pid])
            .status()
            .unwrap();
        let code = 128 + number;
        let screen = t.wait_for(&format!("EXIT42={code}"), 10);
        assert!(
            !screen.contains(ready),
            "SIG{sig}: still on screen:\n{screen}"
        );
        assert_eq!(
            t.modes(),
            "alternate=0 cursor=1 mouse=00000",
            "SIG{sig}: modes left on"
        );
        t.send(&[
            "stty -a | tr ' ' '\\n' | grep -x -e icanon -e echo -e -icanon -e -echo; echo DONE$((40+2))",
            "Enter",
        ]);
        assert_cooked(&t.wait_for("DONE42", 10), &["icanon", "echo"]);
    }
}

#[test]
fn signals_restore_the_terminal_in_watch() {
    every_signal_restores_the_terminal("watch --all", "Waiting for a Claude Code session");
}

#[test]
fn signals_restore_the_terminal_in_replay() {
    every_signal_restores_the_terminal("replay --demo --speed 1", "REPLAY");
}

#[test]
fn signals_restore_the_terminal_in_review() {
    every_signal_restores_the_terminal(
        "review --now 2026-02-20T12:00:00Z --format tui",
        "Weekly review",
    );
}

#[test]
fn replay_plays_the_demo_to_the_end_at_top_speed_and_quits_cleanly() {
    let Some(t) = Tmux::start(80, 30) else { return };
    let (tmp, _) = home();
    let cmd = format!(
        "env HOME={h} RINGSIDE_HOME={h}/rs {bin} replay --demo --speed 64; echo EXIT$((40+2))=$?",
        h = tmp.path().display(),
        bin = bin()
    );
    t.send(&[&cmd, "Enter"]);
    let start = t.wait_for("REPLAY", 10);
    assert!(start.contains("▶ 64x"), "{start}");
    // The demo's 97 lines play in seconds at 64x (idle gaps capped at 3 s of play time).
    let end = t.wait_for(" · end", 30);
    assert!(end.contains("prompt 4/4"), "{end}");
    assert!(end.contains("‖ 64x"), "paused at the end:\n{end}");
    // Seek back to the nudge, then quit.
    t.send(&["0"]);
    t.wait_for("prompt 0/4", 10);
    t.send(&["}"]);
    t.wait_for("Check keeps failing", 10);
    t.send(&["q"]);
    let screen = t.wait_for("EXIT42=0", 10);
    assert!(
        !screen.contains("REPLAY"),
        "alternate screen left:\n{screen}"
    );
    t.send(&[
        "stty -a | tr ' ' '\\n' | grep -x -e icanon -e -icanon -e echo -e -echo; echo DONE$((40+2))",
        "Enter",
    ]);
    assert_cooked(&t.wait_for("DONE42", 10), &["icanon", "echo"]);
}

/// A prompt line of a session working in `cwd`.
fn session_line(id: &str, cwd: &str, text: &str) -> String {
    format!(
        r#"{{"type":"user","message":{{"role":"user","content":"{text}"}},"sessionId":"{id}","cwd":"{cwd}","gitBranch":"main","timestamp":"2026-02-11T10:00:00Z"}}"#
    ) + "\n"
}

#[test]
fn the_first_run_in_a_repository_says_it_filters_and_that_sessions_exist_elsewhere() {
    let Some(t) = Tmux::start(80, 24) else { return };
    let (tmp, proj) = home();
    // A session of another project, and a fresh repository with none of its own.
    append(
        &proj.join("aaaa1111-0000-4000-8000-000000000001.jsonl"),
        session_line(
            "aaaa1111",
            "/home/USER/projects/spotter",
            "fix the login page",
        )
        .as_bytes(),
    );
    let repo = tmp.path().join("newrepo");
    std::fs::create_dir_all(repo.join(".git")).unwrap();
    let cmd = format!(
        "cd {repo} && env HOME={h} CLAUDE_CONFIG_DIR={h}/claude RINGSIDE_HOME={h}/rs TERM=xterm-256color {bin}",
        repo = repo.display(),
        h = tmp.path().display(),
        bin = bin()
    );
    t.send(&[&cmd, "Enter"]);
    // It says what it filters to, that sessions exist elsewhere, and how to follow them.
    t.wait_until(
        "the repository filter and the sessions elsewhere",
        10,
        |s| {
            s.contains("Following only sessions under")
                && s.contains("newrepo")
                && s.contains("1 session elsewhere")
                && s.contains("--all")
        },
    );
    // The picker lists the session elsewhere; picking it follows it.
    t.send(&["s"]);
    t.wait_for("fix the login page", 10);
    t.send(&["Enter"]);
    t.wait_until("following aaaa1111 in spotter", 10, |s| {
        s.contains("now following session aaaa1111") && s.contains("spotter")
    });
    t.send(&["q"]);
}

#[test]
fn the_session_picker_filters_as_you_type() {
    let Some(t) = Tmux::start(80, 24) else { return };
    let (tmp, proj) = home();
    for (id, cwd, text) in [
        (
            "aaaa1111-0000-4000-8000-000000000001",
            "/w/logslice",
            "add a since flag",
        ),
        (
            "bbbb2222-0000-4000-8000-000000000002",
            "/w/spotter",
            "trace the web hooks",
        ),
        (
            "cccc3333-0000-4000-8000-000000000003",
            "/w/spotter",
            "fix the login page",
        ),
    ] {
        append(
            &proj.join(format!("{id}.jsonl")),
            session_line(id, cwd, text).as_bytes(),
        );
    }
    launch(&t, tmp.path(), "");
    t.wait_for("Prompts", 10);
    t.send(&["s"]);
    t.wait_for("trace the web hooks", 10);
    t.send(&["/"]);
    // The oldest session (not the one followed at the start), by a word of its first prompt.
    for k in ["S", "i", "n", "c", "e"] {
        t.send(&[k]);
    }
    let screen = t.wait_for("filter: Since", 10);
    assert!(screen.contains("add a since flag"), "{screen}");
    assert!(
        !screen.contains("trace the web hooks") && !screen.contains("fix the login page"),
        "only the match is listed:\n{screen}"
    );
    assert!(screen.contains("(1 of 3)"), "{screen}");
    t.send(&["Enter"]);
    t.wait_for("now following session aaaa1111", 10);
    t.send(&["q"]);
}

/// Watch follows the newest session of any agent: a Claude Code session, then a Codex rollout
/// that starts and grows (the header names Codex; its failing check loop is nudged), then a new
/// Claude Code session again.
#[test]
fn watch_follows_a_growing_codex_rollout_and_switches_between_agents() {
    use common::rollout::{Rollout, thread_id};
    let Some(t) = Tmux::start(80, 30) else { return };
    let (tmp, proj) = home();
    let home = tmp.path();
    // Codex's folder for today's rollout exists before watch starts (Codex makes it on the
    // first rollout of the day).
    let start = ringside::source::clock::now().0 - 60_000;
    let codex_home = home.join("codex");
    let mut r = Rollout::new(&thread_id(42), "/home/USER/projects/spotter", start);
    let day = r.write(&codex_home, start);
    std::fs::remove_file(&day).unwrap();
    let cmd = format!(
        "cd {h} && env HOME={h} CLAUDE_CONFIG_DIR={h}/claude CODEX_HOME={h}/codex RINGSIDE_HOME={h}/rs RINGSIDE_LOG=debug TERM=xterm-256color {bin} watch --all",
        h = home.display(),
        bin = bin()
    );
    t.send(&[&cmd, "Enter"]);
    t.wait_for("Waiting for", 10);

    // A Claude Code session first.
    let claude = proj.join("aaaa0000-0000-4000-8000-000000000001.jsonl");
    append(
        &claude,
        format!(
            r#"{{"type":"user","message":{{"role":"user","content":"claude lists the files"}},"sessionId":"aaaa0000","cwd":"/home/USER/projects/spotter","timestamp":"{}"}}"#,
            ringside::core::Millis(start)
        )
        .as_bytes(),
    );
    append(&claude, b"\n");
    t.wait_for("claude lists the files", 10);

    // A Codex rollout starts: watch switches to it and the header names the agent.
    r.prompt("codex makes the tests pass");
    std::fs::write(&day, r.text()).unwrap();
    // The switch names the agent, and so does the header.
    t.wait_until("the switch to the Codex session", 10, |s| {
        s.contains("codex makes the tests pass")
            && s.contains("now following session 019c002a (a Codex session: a new session started)")
            && s.contains("Codex · ")
    });
    // It grows: the same test fails run after run, with edits between.
    for n in 0..5 {
        let before = r.lines.len();
        r.exec("cargo test", false);
        r.patch("src/lib.rs", n);
        let new: String = r.lines[before..].iter().map(|l| format!("{l}\n")).collect();
        append(&day, new.as_bytes());
        std::thread::sleep(Duration::from_millis(150));
    }
    let screen = t.wait_until("the cargo test nudge", 15, |s| {
        s.contains("Check keeps failing") && s.contains("cargo test")
    });
    assert!(
        !screen.contains("Claude"),
        "a Codex nudge speaks of Codex:\n{screen}"
    );

    // A new Claude Code session starts: back to Claude Code.
    let second = proj.join("bbbb0000-0000-4000-8000-000000000002.jsonl");
    append(
        &second,
        br#"{"type":"user","message":{"role":"user","content":"claude again after codex"},"sessionId":"bbbb0000","cwd":"/home/USER/projects/spotter","timestamp":"2026-02-11T22:00:00Z"}
"#,
    );
    // The notice says so and the header is Claude Code's again.
    t.wait_until("the switch back to Claude Code", 10, |s| {
        s.contains("claude again after codex")
            && s.contains("now following session bbbb0000")
            && !s.contains("Codex · ")
    });
    t.send(&["q"]);
}
