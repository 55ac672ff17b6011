//! Running the real Claude Code client in a temporary home against the scripted server, and
//! `ringside` over what it wrote.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use serde_json::Value;

use super::server::{Script, Server};

/// The switch: the Claude Code binary to drive. Unset, every test here prints a notice and
/// passes; `.ci/run` installs the pinned client and sets it.
pub const SWITCH: &str = "RINGSIDE_CLAUDE_BIN";
/// Where to write scrubbed transcripts of each run, to refresh `tests/fixtures/real-client/`.
pub const SAVE: &str = "RINGSIDE_E2E_SAVE";

/// A fixed, fake API key; the server ignores it, the client needs one.
pub const API_KEY: &str = "sk-ant-api03-ringside-e2e-0000000000000000000000000000000000000000";

pub fn claude_bin() -> Option<PathBuf> {
    match std::env::var_os(SWITCH) {
        Some(p) if !p.is_empty() => {
            let p = PathBuf::from(p);
            assert!(p.exists(), "{SWITCH}={} does not exist", p.display());
            Some(p)
        }
        _ => {
            eprintln!(
                "NOTICE: {SWITCH} is not set; skipping the end-to-end tests with the real Claude Code client (.ci/run sets it)"
            );
            None
        }
    }
}

pub fn ringside_bin() -> &'static str {
    env!("CARGO_BIN_EXE_ringside")
}

/// One client at a time: on 2 shared cores, parallel clients slow each other past what the
/// interactive choreography (type while a command runs, Esc while a reply streams) tolerates.
static ONE_AT_A_TIME: std::sync::Mutex<()> = std::sync::Mutex::new(());

pub struct Harness {
    _turn: std::sync::MutexGuard<'static, ()>,
    pub tmp: tempfile::TempDir,
    pub home: PathBuf,
    pub config: PathBuf,
    pub project: PathBuf,
    pub rs_home: PathBuf,
    pub claude: PathBuf,
    pub server: Server,
    pub name: &'static str,
}

/// Runs a command with a deadline; kills it and fails the test past it.
pub fn run_bounded(cmd: &mut Command, secs: u64, what: &str) -> std::process::Output {
    let mut child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("{what}: cannot start: {e}"));
    // Drain the pipes on threads so a chatty child never blocks.
    let mut so = child.stdout.take().expect("stdout");
    let mut se = child.stderr.take().expect("stderr");
    let t_out = std::thread::spawn(move || {
        let mut b = Vec::new();
        let _ = std::io::Read::read_to_end(&mut so, &mut b);
        b
    });
    let t_err = std::thread::spawn(move || {
        let mut b = Vec::new();
        let _ = std::io::Read::read_to_end(&mut se, &mut b);
        b
    });
    let deadline = ringside::source::clock::instant() + Duration::from_secs(secs);
    let status = loop {
        if let Some(s) = child.try_wait().expect("try_wait") {
            break s;
        }
        if ringside::source::clock::instant() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            let err = t_err.join().unwrap_or_default();
            panic!(
                "{what}: still running after {secs} s; stderr:\n{}",
                String::from_utf8_lossy(&err)
            );
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    std::process::Output {
        status,
        stdout: t_out.join().unwrap_or_default(),
        stderr: t_err.join().unwrap_or_default(),
    }
}

impl Harness {
    /// A temporary home with a Claude Code config dir and a project folder (a git repository
    /// with a tiny shell project whose `make test` fails), and a server with the scripts made
    /// for the project's path.
    pub fn new(
        name: &'static str,
        claude: PathBuf,
        scripts: impl FnOnce(&str) -> Vec<Script>,
    ) -> Self {
        let turn = ONE_AT_A_TIME
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let tmp = tempfile::tempdir().expect("tempdir");
        let home = tmp.path().join("home");
        let config = home.join(".claude");
        let project = tmp.path().join("work").join("calc");
        let rs_home = tmp.path().join("rs");
        for d in [&config, &project, &rs_home] {
            std::fs::create_dir_all(d).expect("mkdir");
        }
        let h = Self {
            _turn: turn,
            server: Server::start(scripts(&project.display().to_string())),
            tmp,
            home,
            config,
            project,
            rs_home,
            claude,
            name,
        };
        h.write_project();
        h
    }

    fn write_project(&self) {
        let p = &self.project;
        let w = |f: &str, s: &str| std::fs::write(p.join(f), s).expect("write project file");
        w(
            "calc.sh",
            "#!/bin/sh\n# add A B: prints A+B\nadd() { echo $(( $1 - $2 )); }\n",
        );
        std::fs::create_dir_all(p.join("tests")).expect("mkdir tests");
        w(
            "tests/test_calc.sh",
            "#!/bin/sh\n. ./calc.sh\ngot=$(add 2 3)\nif [ \"$got\" != 5 ]; then\n  echo \"FAIL test_add: expected 5, got $got\"\n  exit 1\nfi\necho \"1 passed\"\n",
        );
        w("Makefile", "test:\n\tsh tests/test_calc.sh\n");
        w("README.md", "# calc\n");
        let git = |args: &[&str]| {
            let out = run_bounded(
                Command::new("git")
                    .args(args)
                    .current_dir(p)
                    .envs(git_env()),
                20,
                "git",
            );
            assert!(
                out.status.success(),
                "git {args:?}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        };
        git(&["init", "-q", "-b", "main"]);
        git(&["add", "-A"]);
        git(&["commit", "-q", "-m", "calc: first version"]);
    }

    /// A pre-commit hook that refuses every commit, as a failing lint gate would.
    pub fn failing_pre_commit_hook(&self) {
        let hook = self.project.join(".git/hooks/pre-commit");
        std::fs::write(
            &hook,
            "#!/bin/sh\necho 'pre-commit: shellcheck failed: calc.sh:3: SC2004 (style): $/${} is unnecessary on arithmetic variables.' >&2\nexit 1\n",
        )
        .expect("hook");
        let mut perm = std::fs::metadata(&hook).expect("meta").permissions();
        std::os::unix::fs::PermissionsExt::set_mode(&mut perm, 0o755);
        std::fs::set_permissions(&hook, perm).expect("chmod");
    }

    /// The environment both the client and ringside run in: nothing inherited but the basics.
    pub fn env(&self, cmd: &mut Command) {
        let bin_dir = Path::new(ringside_bin()).parent().expect("bin dir");
        let path = format!(
            "{}:{}",
            bin_dir.display(),
            std::env::var("PATH").unwrap_or_else(|_| "/usr/local/bin:/usr/bin:/bin".into())
        );
        cmd.env_clear()
            .env("PATH", path)
            .env("HOME", &self.home)
            .env("CLAUDE_CONFIG_DIR", &self.config)
            .env("RINGSIDE_HOME", &self.rs_home)
            .env("ANTHROPIC_BASE_URL", self.server.url())
            .env("ANTHROPIC_API_KEY", API_KEY)
            .env("DISABLE_TELEMETRY", "1")
            .env("DISABLE_AUTOUPDATER", "1")
            .env("DISABLE_ERROR_REPORTING", "1")
            .env("CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC", "1")
            .env("IS_SANDBOX", "1")
            .env("LANG", "C.UTF-8")
            .env("TERM", "xterm-256color")
            .envs(git_env())
            .envs(
                std::env::var("RINGSIDE_LOG")
                    .ok()
                    .map(|v| ("RINGSIDE_LOG", v)),
            )
            .current_dir(&self.project);
    }

    /// `claude -p PROMPT` (with `--continue` when asked), bounded.
    pub fn headless(&self, prompt: &str, cont: bool) -> std::process::Output {
        let mut cmd = Command::new(&self.claude);
        self.env(&mut cmd);
        cmd.arg("-p").arg(prompt);
        if cont {
            cmd.arg("--continue");
        }
        cmd.args(["--permission-mode", "bypassPermissions"]);
        let out = run_bounded(&mut cmd, 120, "claude -p");
        assert!(
            out.status.success(),
            "claude -p failed ({}):\nstdout: {}\nstderr: {}",
            out.status,
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        out
    }

    /// Main session transcripts the client wrote, oldest first.
    pub fn transcripts(&self) -> Vec<PathBuf> {
        let mut out = Vec::new();
        let Ok(projects) = std::fs::read_dir(self.config.join("projects")) else {
            return out;
        };
        for dir in projects.flatten() {
            for f in std::fs::read_dir(dir.path())
                .into_iter()
                .flatten()
                .flatten()
            {
                let p = f.path();
                if p.extension().is_some_and(|e| e == "jsonl") {
                    out.push(p);
                }
            }
        }
        out.sort_by_key(|p| std::fs::metadata(p).and_then(|m| m.modified()).ok());
        out
    }

    /// The one session transcript of this run.
    pub fn transcript(&self) -> PathBuf {
        let t = self.transcripts();
        assert_eq!(t.len(), 1, "expected one session file, found {t:?}");
        t[0].clone()
    }

    /// Runs ringside with this harness's environment.
    pub fn ringside(&self, args: &[&str]) -> std::process::Output {
        let mut cmd = Command::new(ringside_bin());
        self.env(&mut cmd);
        cmd.args(args);
        run_bounded(&mut cmd, 60, "ringside")
    }

    /// `ringside score --json FILE`.
    pub fn score(&self, file: &Path) -> Value {
        let out = self.ringside(&["score", "--json", &file.display().to_string()]);
        assert!(
            out.status.success(),
            "score failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice(&out.stdout).expect("score --json is JSON")
    }

    /// Lines of a transcript, parsed (1-based: index 0 is line 1).
    pub fn lines(file: &Path) -> Vec<Value> {
        std::fs::read_to_string(file)
            .expect("read transcript")
            .lines()
            .map(|l| serde_json::from_str(l).unwrap_or(Value::Null))
            .collect()
    }

    /// Copies the run's transcripts, scrubbed of this machine's paths, into `$RINGSIDE_E2E_SAVE/<name>/`.
    pub fn save(&self) {
        let Some(dir) = std::env::var_os(SAVE) else {
            return;
        };
        let dest = Path::new(&dir).join(self.name);
        let _ = std::fs::remove_dir_all(&dest);
        let root = self.config.join("projects");
        let tmp = self.tmp.path().display().to_string();
        let encoded: String = tmp
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
            .collect();
        let mut stack = vec![root.clone()];
        while let Some(d) = stack.pop() {
            for e in std::fs::read_dir(&d).into_iter().flatten().flatten() {
                let p = e.path();
                if p.is_dir() {
                    stack.push(p);
                    continue;
                }
                let rel = p
                    .strip_prefix(&root)
                    .expect("under root")
                    .display()
                    .to_string();
                let rel = rel.replace(&encoded, "-tmp-e2e");
                let text = std::fs::read_to_string(&p).unwrap_or_default();
                let text = scrub(&text, &tmp);
                let text = shrink_listings(&text);
                let to = dest.join(rel);
                std::fs::create_dir_all(to.parent().expect("parent")).expect("mkdir");
                std::fs::write(to, text).expect("save");
            }
        }
    }
}

impl Drop for Harness {
    /// A failed run is saved too (with `RINGSIDE_E2E_SAVE`), to see what the client wrote.
    fn drop(&mut self) {
        if std::thread::panicking() {
            self.save();
            let log =
                std::fs::read_to_string(self.rs_home.join("data/ringside.log")).unwrap_or_default();
            let tail: Vec<&str> = log.lines().rev().take(40).collect();
            eprintln!(
                "ringside.log (last lines, newest first):\n{}",
                tail.join("\n")
            );
        }
    }
}

/// This run's temporary folder replaced by `/tmp/e2e`, in plain and JSON-escaped form.
pub fn scrub(text: &str, tmp: &str) -> String {
    text.replace(tmp, "/tmp/e2e")
        .replace(&tmp.replace('/', "\\/"), "/tmp/e2e")
}

/// The client's skill and agent listings (kilobytes of its own help text on every session's
/// first lines, nothing ringside reads) cut to a marker, so the saved fixtures stay small.
/// Every other byte of the line, and every line, is kept.
pub fn shrink_listings(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for line in text.split_inclusive('\n') {
        let Ok(mut v) = serde_json::from_str::<Value>(line) else {
            out.push_str(line);
            continue;
        };
        let kind = v["attachment"]["type"].as_str().unwrap_or("").to_owned();
        let a = &mut v["attachment"];
        match kind.as_str() {
            "skill_listing" => a["content"] = Value::from("[listing cut for the fixture]"),
            "agent_listing_delta" => {
                a["addedLines"] = Value::from(vec!["[listing cut for the fixture]"])
            }
            _ => {
                out.push_str(line);
                continue;
            }
        }
        out.push_str(&v.to_string());
        out.push('\n');
    }
    out
}

fn git_env() -> Vec<(&'static str, &'static str)> {
    vec![
        ("GIT_AUTHOR_NAME", "E2E"),
        ("GIT_AUTHOR_EMAIL", "e2e@example.invalid"),
        ("GIT_COMMITTER_NAME", "E2E"),
        ("GIT_COMMITTER_EMAIL", "e2e@example.invalid"),
        ("GIT_CONFIG_NOSYSTEM", "1"),
    ]
}
