//! One positive case and one near miss per signal, on transcripts written here line by line and
//! read through the whole pipeline (parser, builder, engine).

use std::sync::Arc;

use super::ids::{RecoveryId, SignalId};
use super::{Band, Rules};
use crate::core::Millis;
use crate::core::config::Config;
use crate::core::pipeline::Pipeline;

/// Writes a transcript one line at a time with a controllable clock.
struct Script {
    lines: Vec<String>,
    t: i64,
    ids: u32,
    config: Config,
}

fn ts(ms: i64) -> String {
    Millis(ms).to_string()
}

impl Script {
    fn new() -> Self {
        Self {
            lines: Vec::new(),
            t: 1_767_225_600_000,
            ids: 0,
            config: Config::default(),
        }
    }

    fn push(&mut self, line: String) -> u64 {
        self.lines.push(line);
        self.lines.len() as u64
    }

    fn wait(&mut self, secs: i64) -> &mut Self {
        self.t += secs * 1000;
        self
    }

    fn prompt(&mut self, text: &str) -> u64 {
        self.t += 5000;
        let text = serde_json::to_string(text).unwrap();
        self.push(format!(r#"{{"type":"user","message":{{"role":"user","content":{text}}},"timestamp":"{}","sessionId":"s","cwd":"/w"}}"#, ts(self.t)))
    }

    fn say(&mut self, text: &str) -> u64 {
        self.t += 1000;
        self.ids += 1;
        let text = serde_json::to_string(text).unwrap();
        let id = self.ids;
        self.push(format!(r#"{{"type":"assistant","message":{{"id":"msg_t{id}","model":"claude-opus-4-6","content":[{{"type":"text","text":{text}}}],"usage":{{"input_tokens":10,"output_tokens":20}}}},"timestamp":"{}"}}"#, ts(self.t)))
    }

    /// A tool call; returns its id.
    fn call(&mut self, name: &str, input: &str) -> String {
        self.t += 1000;
        self.ids += 1;
        let id = format!("toolu_{}", self.ids);
        self.push(format!(r#"{{"type":"assistant","message":{{"id":"msg_c{}","model":"claude-opus-4-6","content":[{{"type":"tool_use","id":"{id}","name":"{name}","input":{input}}}],"usage":{{"input_tokens":10,"output_tokens":20}}}},"timestamp":"{}"}}"#, self.ids, ts(self.t)));
        id
    }

    fn result(&mut self, id: &str, content: &str, is_error: bool, tur: &str) -> u64 {
        self.t += 1000;
        let content = serde_json::to_string(content).unwrap();
        self.push(format!(r#"{{"type":"user","message":{{"role":"user","content":[{{"type":"tool_result","tool_use_id":"{id}","content":{content},"is_error":{is_error}}}]}},"toolUseResult":{tur},"timestamp":"{}"}}"#, ts(self.t)))
    }

    fn bash(&mut self, cmd: &str, ok: bool, output: &str) -> u64 {
        let input = serde_json::json!({ "command": cmd }).to_string();
        let id = self.call("Bash", &input);
        let content = if ok {
            output.to_owned()
        } else {
            format!("Exit code 1\n{output}")
        };
        self.result(
            &id,
            &content,
            !ok,
            r#"{"stdout":"x","stderr":"","interrupted":false}"#,
        )
    }

    fn edit(&mut self, path: &str, old: &str, new: &str, start: u32) -> u64 {
        let input = serde_json::json!({ "file_path": path, "old_string": old, "new_string": new })
            .to_string();
        let id = self.call("Edit", &input);
        let tur = serde_json::json!({ "filePath": path, "structuredPatch": [
            { "oldStart": start, "oldLines": 2, "newStart": start, "newLines": 3, "lines": [" a", "-b", "+c", "+d"] }
        ]}).to_string();
        self.result(&id, "The file has been updated.", false, &tur)
    }

    fn read(&mut self, path: &str) -> u64 {
        let id = self.call(
            "Read",
            &serde_json::json!({ "file_path": path }).to_string(),
        );
        self.result(&id, "     1\tfn main() {}", false, r#"{"type":"text"}"#)
    }

    fn failing_test(&mut self, test: &str) -> u64 {
        self.bash(
            "cargo test",
            false,
            &format!("test {test} ... FAILED\ntest result: FAILED. 3 passed; 1 failed"),
        )
    }

    fn interrupt(&mut self) -> u64 {
        self.t += 1000;
        self.push(format!(r#"{{"type":"user","message":{{"role":"user","content":[{{"type":"text","text":"[Request interrupted by user]"}}]}},"timestamp":"{}"}}"#, ts(self.t)))
    }

    fn reject(&mut self, feedback: Option<&str>) -> u64 {
        let id = self.call("Bash", r#"{"command":"rm -rf build"}"#);
        let text = match feedback {
            Some(f) => format!("The user doesn't want to proceed with this tool use. The tool use was rejected. To tell you how to proceed, the user said:\n{f}"),
            None => "The user doesn't want to proceed with this tool use. The tool use was rejected (eg. if it was a file edit, the new_string was NOT written to the file). STOP what you are doing and wait for the user to tell you how to proceed.".into(),
        };
        self.result(&id, &text, true, r#""User rejected tool use""#)
    }

    fn turn_end(&mut self) -> u64 {
        self.t += 500;
        self.push(format!(
            r#"{{"type":"system","subtype":"turn_duration","durationMs":1000,"timestamp":"{}"}}"#,
            ts(self.t)
        ))
    }

    fn run(&self) -> Pipeline {
        let mut p =
            Pipeline::with_rules(Some("s".into()), Rules::new(self.config.clone())).with_log();
        for l in &self.lines {
            p.feed(l.as_bytes());
            p.feed(b"\n");
        }
        p.finish();
        p
    }

    fn run_until(&self, secs_after: i64) -> Pipeline {
        let mut p = self.run();
        p.tick(Millis(self.t + secs_after * 1000));
        p
    }
}

fn fired(p: &Pipeline) -> Vec<SignalId> {
    p.engine().firings.iter().map(|f| f.signal).collect()
}

fn has(p: &Pipeline, s: SignalId) -> bool {
    fired(p).contains(&s)
}

fn firing(p: &Pipeline, s: SignalId) -> &super::Firing {
    p.engine()
        .firings
        .iter()
        .find(|f| f.signal == s)
        .unwrap_or_else(|| panic!("{s} did not fire: {:?}", fired(p)))
}

/// A session that wrote code first, so one stall alone stays quiet.
fn with_code_written() -> Script {
    let mut s = Script::new();
    s.prompt("add a --verbose flag to the cli in src/main.rs");
    s.edit("src/main.rs", "fn main() {}", "fn main() { verbose(); }", 1);
    s
}

#[test]
fn s1_same_failing_action() {
    let mut s = with_code_written();
    let lines: Vec<u64> = (0..3)
        .map(|_| s.bash("npm run build", false, "Cannot find module 'x'"))
        .collect();
    let p = s.run();
    let f = firing(&p, SignalId::S1);
    assert_eq!(f.evidence.iter().map(|l| l.0).collect::<Vec<_>>(), lines);
    assert!(
        f.detail.contains("npm run build") && f.detail.contains("3 times"),
        "{}",
        f.detail
    );

    let mut near = with_code_written();
    near.bash("npm run build", false, "Cannot find module 'x'");
    near.bash("npm install x", true, "added 1 package");
    near.bash("npm run build", false, "Cannot find module 'y'");
    assert!(!has(&near.run(), SignalId::S1));
}

#[test]
fn s2_same_action_same_result() {
    let mut s = with_code_written();
    for _ in 0..4 {
        s.bash("git log --oneline -3", true, "abc123 fix\ndef456 wip");
    }
    assert!(has(&s.run(), SignalId::S2));
    let mut near = with_code_written();
    for i in 0..4 {
        near.bash("git log --oneline -3", true, &format!("commit {i}"));
    }
    assert!(
        !has(&near.run(), SignalId::S2),
        "different results each time"
    );
    let mut polling = with_code_written();
    for _ in 0..5 {
        polling.bash("gh run watch", true, "in progress");
    }
    assert!(!has(&polling.run(), SignalId::S2), "polling is exempt");
}

#[test]
fn s3_ping_pong() {
    let mut s = with_code_written();
    for _ in 0..3 {
        s.bash("cat config.yml", true, "port: 80");
        s.bash("grep port app.py", true, "PORT = 8080");
    }
    assert!(has(&s.run(), SignalId::S3));
    let mut near = with_code_written();
    for i in 0..3 {
        near.bash("cat config.yml", true, "port: 80");
        near.bash("grep port app.py", true, &format!("PORT = {i}"));
    }
    assert!(
        !has(&near.run(), SignalId::S3),
        "the second step's result changed each time"
    );
}

#[test]
fn s4_error_streak_and_cascades_count_once() {
    let mut s = with_code_written();
    s.bash("make", false, "missing rule");
    s.bash("cmake .", false, "no CMakeLists");
    s.bash("ninja", false, "no build.ninja");
    assert!(has(&s.run(), SignalId::S4));
    // Two errors, then a success: quickly fixed, nothing fires.
    let mut near = with_code_written();
    near.bash("make", false, "missing rule");
    near.bash("cmake .", false, "no CMakeLists");
    near.bash("cmake -S . -B build", true, "ok");
    let p = near.run();
    assert!(p.engine().firings.is_empty(), "{:?}", fired(&p));
    // One root failure with two cancelled siblings is one error, not three.
    let mut cascade = with_code_written();
    cascade.bash("make", false, "missing rule");
    let a = cascade.call("Read", r#"{"file_path":"/a"}"#);
    let b = cascade.call("Read", r#"{"file_path":"/b"}"#);
    cascade.result(
        &a,
        "<tool_use_error>File does not exist.</tool_use_error>",
        true,
        r#""Error""#,
    );
    cascade.result(
        &b,
        "<tool_use_error>Sibling tool call errored</tool_use_error>",
        true,
        r#""Sibling tool call errored""#,
    );
    assert!(!has(&cascade.run(), SignalId::S4));
}

#[test]
fn s5_failing_test_loop_needs_edits_between_runs() {
    let mut s = with_code_written();
    let mut runs = vec![s.failing_test("parser::torn_line")];
    for i in 0..2 {
        s.edit(
            "src/parser.rs",
            &format!("v{i}"),
            &format!("v{}", i + 1),
            40 + i * 30,
        );
        runs.push(s.failing_test("parser::torn_line"));
    }
    let p = s.run();
    let f = firing(&p, SignalId::S5);
    assert_eq!(f.evidence.iter().map(|l| l.0).collect::<Vec<_>>(), runs);
    assert!(
        f.detail.contains("cargo test") && f.detail.contains("parser::torn_line"),
        "{}",
        f.detail
    );
    assert_eq!(
        p.engine().nudges.first().map(|n| n.signal),
        Some(SignalId::S5),
        "a failing-test loop nudges"
    );

    // Re-running without editing is not a fix attempt.
    let mut near = with_code_written();
    for _ in 0..3 {
        near.failing_test("parser::torn_line");
    }
    assert!(!has(&near.run(), SignalId::S5));
    // A shrinking failure set is progress.
    let mut shrinking = with_code_written();
    shrinking.bash(
        "pytest",
        false,
        "FAILED t.py::a\nFAILED t.py::b\nFAILED t.py::c",
    );
    shrinking.edit("src/a.py", "x", "y", 1);
    shrinking.bash("pytest", false, "FAILED t.py::a\nFAILED t.py::b");
    shrinking.edit("src/a.py", "y", "z", 9);
    shrinking.bash("pytest", false, "FAILED t.py::a");
    assert!(!has(&shrinking.run(), SignalId::S5));
}

#[test]
fn s5_reads_commits_rejected_by_hooks_and_r5_marks_the_pass() {
    let mut s = with_code_written();
    for i in 0..3 {
        let id = s.call(
            "Bash",
            r#"{"command":"git add -A && git commit -m 'feat: x'"}"#,
        );
        s.result(
            &id,
            "Pre-commit validation failed:\\n\\n[DIALYZER]\\nFinding suitable PLTs",
            true,
            r#""Error: Pre-commit validation failed""#,
        );
        s.edit("lib/x.ex", &format!("a{i}"), &format!("b{i}"), 10);
    }
    s.bash("cargo test", true, "test result: ok. 4 passed; 0 failed");
    let id = s.call("Bash", r#"{"command":"git commit -m 'feat: x'"}"#);
    s.result(
        &id,
        "[main 1a2b3c4] feat: x\n 1 file changed",
        false,
        r#"{"stdout":"x"}"#,
    );
    let p = s.run();
    let f = firing(&p, SignalId::S5);
    assert!(
        f.detail.contains("hooks rejected it") && f.detail.contains("DIALYZER"),
        "{}",
        f.detail
    );
    let moves: Vec<RecoveryId> = p.engine().recoveries.iter().map(|r| r.recovery).collect();
    assert!(
        moves.contains(&RecoveryId::R5) && moves.contains(&RecoveryId::R6),
        "{moves:?}"
    );
}

#[test]
fn s6_edit_thrash_is_editing_the_same_lines_back_and_forth() {
    // A, B, A again: the third version puts back the lines the second one replaced.
    let mut s = with_code_written();
    s.edit(
        "src/lib.rs",
        "let total = a + b;\nreturn total;",
        "let total = a.checked_add(b)?;\nreturn total;",
        10,
    );
    s.edit(
        "src/lib.rs",
        "let total = a.checked_add(b)?;\nreturn total;",
        "let total = a + b;\nreturn total;",
        10,
    );
    let p = s.run();
    let f = firing(&p, SignalId::S6);
    assert_eq!(
        f.evidence.len(),
        2,
        "the edit away and the edit back: {:?}",
        f.evidence
    );
    assert!(f.detail.contains("back and forth"), "{}", f.detail);
    // Rewriting the same line forward three times is iteration, not thrash.
    let mut forward = with_code_written();
    forward.edit("src/lib.rs", "let total = a + b;", "let total = a - b;", 10);
    forward.edit(
        "src/lib.rs",
        "let total = a - b;",
        "let total = (a - b).abs();",
        10,
    );
    forward.edit(
        "src/lib.rs",
        "let total = (a - b).abs();",
        "let total = a.max(b) - a.min(b);",
        10,
    );
    assert!(!has(&forward.run(), SignalId::S6));
    // Three edits to different lines of one small file: ordinary work.
    let mut near = with_code_written();
    near.edit(
        "src/lib.rs",
        "pub struct Filter {",
        "pub struct Filter {\n    since: u64,",
        1,
    );
    near.edit(
        "src/lib.rs",
        "fn keep(&self) -> bool {",
        "fn keep(&self, now: u64) -> bool {",
        5,
    );
    near.edit("src/lib.rs", "    true\n}", "    now >= self.since\n}", 7);
    assert!(!has(&near.run(), SignalId::S6));
    let mut revert = with_code_written();
    revert.edit(
        "src/lib.rs",
        "old body of the function",
        "new body of the function",
        10,
    );
    revert.edit(
        "src/lib.rs",
        "new body of the function",
        "old body of the function",
        10,
    );
    assert!(has(&revert.run(), SignalId::S6), "an exact revert");
    // A revert the user asked for is not thrash.
    let mut asked = with_code_written();
    asked.edit(
        "src/lib.rs",
        "old body of the function",
        "new body of the function",
        10,
    );
    asked.prompt("revert that change to the function body");
    asked.edit(
        "src/lib.rs",
        "new body of the function",
        "old body of the function",
        10,
    );
    assert!(!has(&asked.run(), SignalId::S6));
}

#[test]
fn s7_interrupt_burst() {
    // Stopped in every one of three turns in a row.
    let mut s = with_code_written();
    s.interrupt();
    s.prompt("use the existing helper in src/util.rs");
    s.call("Read", r#"{"file_path":"src/util.rs"}"#);
    s.interrupt();
    s.prompt("only the helper, not the whole module");
    s.call("Read", r#"{"file_path":"src/lib.rs"}"#);
    s.interrupt();
    assert!(has(&s.run(), SignalId::S7));
    let mut near = with_code_written();
    near.interrupt();
    near.prompt("use the existing helper in src/util.rs");
    near.read("src/util.rs");
    assert!(
        !has(&near.run(), SignalId::S7),
        "a single interrupt is an expert move"
    );
    // Two redirects in three turns are steering too.
    let mut two = with_code_written();
    two.interrupt();
    two.prompt("use the existing helper in src/util.rs");
    two.call("Read", r#"{"file_path":"src/util.rs"}"#);
    two.interrupt();
    assert!(!has(&two.run(), SignalId::S7));
}

#[test]
fn s8_rejected_steps() {
    let mut s = with_code_written();
    s.reject(None);
    s.reject(None);
    assert!(has(&s.run(), SignalId::S8));
    let mut near = with_code_written();
    near.reject(Some("use cargo clean instead"));
    assert!(!has(&near.run(), SignalId::S8));
}

#[test]
fn s9_near_duplicate_reprompt() {
    let mut s = with_code_written();
    s.prompt("make the login form show an error when the password is wrong");
    s.say("Done.");
    s.wait(60);
    s.prompt("the login form should show an error when the password is wrong");
    assert!(has(&s.run(), SignalId::S9));
    let mut late = with_code_written();
    late.prompt("make the login form show an error when the password is wrong");
    late.wait(900);
    late.prompt("make the login form show an error when the password is wrong");
    assert!(
        !has(&late.run(), SignalId::S9),
        "outside the 5-minute window"
    );
    let mut cont = with_code_written();
    cont.prompt("continue");
    cont.prompt("continue");
    assert!(
        !has(&cont.run(), SignalId::S9),
        "continuations are not re-prompts"
    );
}

#[test]
fn what_a_prompt_fires_carries_the_prompts_own_time() {
    // The user comes back four minutes after the agent's last line and asks again, correcting:
    // the re-prompt (S9), the correction chain (S10) and the check asked for (R1) happen when the
    // prompt was typed, which is what the nudge's time and its cooldown go by.
    let mut s = with_code_written();
    s.failing_test("login_rejects_wrong_password");
    s.edit("src/login.rs", "check(pw)", "check(pw.trim())", 4);
    s.failing_test("login_rejects_wrong_password");
    s.prompt("no, the login form must show an error when the password is wrong");
    s.say("I'll fix that.");
    let said = s.t;
    s.wait(240);
    s.prompt("no, the login form must show an error when the password is wrong, run the tests");
    let typed = s.t;
    let p = s.run();
    for sig in [SignalId::S9, SignalId::S10] {
        let f = firing(&p, sig);
        assert_eq!(f.at, Some(Millis(typed)), "{sig}");
        assert_ne!(f.at, Some(Millis(said)), "{sig}");
    }
    let r1 = p
        .engine()
        .recoveries
        .iter()
        .find(|r| r.recovery == RecoveryId::R1)
        .expect("R1");
    assert_eq!(r1.at, Some(Millis(typed)));
    // Near miss: a firing on a tool result keeps the result's own time.
    let s5 = firing(&p, SignalId::S5);
    assert!(s5.at.is_some_and(|at| at.0 < said), "{:?}", s5.at);
}

#[test]
fn s10_repeated_correction_without_success() {
    let mut s = with_code_written();
    for text in [
        "no, the other button",
        "still wrong, the red one",
        "that's not it, I said the red button",
    ] {
        s.prompt(text);
        s.edit("src/ui.rs", text, "x", 1);
    }
    let p = s.run();
    assert_eq!(firing(&p, SignalId::S10).evidence.len(), 3);
    let mut near = with_code_written();
    near.say("Should I also update the docs?");
    near.prompt("no, only the API");
    near.prompt("no, keep the old name");
    near.bash("cargo test", true, "test result: ok. 3 passed");
    near.prompt("thanks! no wait, also rename the flag");
    assert!(
        !has(&near.run(), SignalId::S10),
        "an answer, then a pass between corrections"
    );
}

#[test]
fn s11_frustration_and_its_weight_only_with_company() {
    let mut s = with_code_written();
    s.prompt("are you even listening? I said the red button");
    let p = s.run();
    assert!(has(&p, SignalId::S11));
    let contributions = p
        .engine()
        .assess(p.session())
        .risk
        .map(|r| r.contributions)
        .unwrap_or_default();
    assert!(
        contributions.iter().all(|c| c.id != "S11"),
        "frustration alone carries no risk: {contributions:?}"
    );
    let mut near = with_code_written();
    near.prompt("The build prints:\n    ERROR: LINKER FAILED WITH EXIT CODE 1\nwhy?");
    assert!(!has(&near.run(), SignalId::S11));
}

#[test]
fn s12_vague_prompt_only_after_trouble() {
    let mut s = with_code_written();
    for _ in 0..3 {
        s.bash("cargo build", false, "error[E0308]: mismatched types");
    }
    s.turn_end();
    s.prompt("fix it");
    assert!(has(&s.run(), SignalId::S12));
    let mut calm = with_code_written();
    calm.turn_end();
    calm.prompt("fix it");
    assert!(
        !has(&calm.run(), SignalId::S12),
        "short prompts are fine without trouble"
    );
    let mut anchored = with_code_written();
    for _ in 0..3 {
        anchored.bash("cargo build", false, "error[E0308]: mismatched types");
    }
    anchored.turn_end();
    anchored.prompt("fix src/main.rs line 12");
    assert!(!has(&anchored.run(), SignalId::S12));
}

#[test]
fn s13_claimed_done_without_a_check() {
    let mut s = Script::new();
    s.prompt("add pagination to the users endpoint");
    s.edit("src/users.rs", "a", "b", 1);
    s.say("Pagination is implemented and should work now.");
    s.turn_end();
    assert!(has(&s.run(), SignalId::S13));
    let mut near = Script::new();
    near.prompt("add pagination to the users endpoint");
    near.edit("src/users.rs", "a", "b", 1);
    near.bash("cargo test", true, "test result: ok. 9 passed; 0 failed");
    near.say("Pagination is implemented and all tests pass.");
    near.turn_end();
    assert!(!has(&near.run(), SignalId::S13));
}

#[test]
fn s14_exploration_without_progress() {
    let mut s = with_code_written();
    s.prompt("add caching to the fetcher");
    for i in 0..25 {
        s.read(&format!("src/mod{i}.rs"));
    }
    assert!(has(&s.run(), SignalId::S14));
    let mut q = with_code_written();
    q.prompt("how does the fetcher decide when to retry?");
    for i in 0..25 {
        q.read(&format!("src/mod{i}.rs"));
    }
    assert!(
        !has(&q.run(), SignalId::S14),
        "questions are exploration by design"
    );
    let mut same = with_code_written();
    same.prompt("add caching to the fetcher");
    for _ in 0..3 {
        same.read("src/fetch.rs");
    }
    assert_eq!(firing(&same.run(), SignalId::S14).variant, 1);
}

#[test]
fn s15_long_run_only_with_trouble() {
    let mut s = with_code_written();
    s.prompt("migrate every handler to the new router");
    for i in 0..60 {
        if i % 10 == 0 {
            s.bash("cargo check", false, "error[E0433]");
        } else {
            s.read(&format!("src/h{i}.rs"));
            s.edit(&format!("src/h{i}.rs"), "a", "b", 1);
        }
    }
    assert!(has(&s.run(), SignalId::S15));
    let mut healthy = with_code_written();
    healthy.prompt("migrate every handler to the new router");
    for i in 0..60 {
        healthy.edit(&format!("src/h{i}.rs"), "a", "b", 1);
    }
    assert!(
        !has(&healthy.run(), SignalId::S15),
        "long productive runs are the expert pattern"
    );
}

#[test]
fn s16_apology_monologue() {
    let mut s = with_code_written();
    s.say("I apologize, let me try a different approach.");
    s.bash("ls", true, "a");
    s.say("You're absolutely right, I apologize.");
    s.bash("ls -la", true, "a b");
    s.say("I'm sorry, this isn't working.");
    assert!(has(&s.run(), SignalId::S16));
    let mut near = with_code_written();
    near.say("You're right, I missed that. Fixed in src/a.rs.");
    near.bash("cargo test", true, "test result: ok");
    assert!(!has(&near.run(), SignalId::S16));
}

#[test]
fn s17_context_pressure_only_in_trouble() {
    // An automatic compaction while the same test keeps failing: worth a fresh context.
    let mut s = with_code_written();
    s.failing_test("parser::torn_line");
    s.edit("src/parser.rs", "v0", "v1", 40);
    s.failing_test("parser::torn_line");
    s.push(r#"{"type":"system","subtype":"compact_boundary","compactMetadata":{"trigger":"auto","preTokens":167094},"timestamp":"2026-01-01T01:00:00Z"}"#.into());
    assert!(has(&s.run(), SignalId::S17));
    // In a session that goes well it is information, shown as a compaction, not a warning.
    let mut calm = with_code_written();
    calm.push(r#"{"type":"system","subtype":"compact_boundary","compactMetadata":{"trigger":"auto","preTokens":167094},"timestamp":"2026-01-01T01:00:00Z"}"#.into());
    assert!(!has(&calm.run(), SignalId::S17));
    let mut manual = with_code_written();
    manual.push(r#"{"type":"system","subtype":"compact_boundary","compactMetadata":{"trigger":"manual","preTokens":9000}}"#.into());
    assert!(
        !has(&manual.run(), SignalId::S17),
        "one manual /compact is hygiene"
    );
}

#[test]
fn s18_harness_trouble_never_counts_against_the_user() {
    let mut s = with_code_written();
    for _ in 0..3 {
        s.wait(30);
        s.push(format!(r#"{{"type":"assistant","isApiErrorMessage":true,"apiErrorStatus":529,"message":{{"id":"e","model":"<synthetic>","content":[{{"type":"text","text":"API Error: 529 Overloaded"}}]}},"timestamp":"{}"}}"#, ts(s.t)));
    }
    let p = s.run();
    assert!(has(&p, SignalId::S18));
    assert_eq!(
        p.engine().assess(p.session()).risk,
        None,
        "no risk from harness trouble"
    );
    assert_eq!(
        p.engine().nudges[0].signal,
        SignalId::S18,
        "shown as information"
    );
    let mut near = with_code_written();
    for _ in 0..3 {
        near.wait(400);
        near.push(format!(r#"{{"type":"assistant","isApiErrorMessage":true,"message":{{"id":"e","model":"<synthetic>","content":[{{"type":"text","text":"API Error: 500"}}]}},"timestamp":"{}"}}"#, ts(near.t)));
    }
    assert!(!has(&near.run(), SignalId::S18), "spread over 20 minutes");
}

#[test]
fn s19_silence_after_trouble_with_an_injected_clock() {
    let mut s = Script::new();
    s.prompt("make the flaky test pass");
    for _ in 0..3 {
        s.bash(
            "pytest tests/test_io.py",
            false,
            "FAILED tests/test_io.py::test_read",
        );
    }
    s.say("I couldn't get it to pass.");
    s.turn_end();
    assert!(
        !has(&s.run_until(9 * 60), SignalId::S19),
        "nine quiet minutes"
    );
    let p = s.run_until(11 * 60);
    assert!(has(&p, SignalId::S19));
    assert_eq!(firing(&p, SignalId::S19).variant, 1, "nothing written yet");
    assert!(p.engine().abandoned_at.is_none());
    let p = s.run_until(31 * 60);
    assert!(
        p.engine().abandoned_at.is_some(),
        "30 minutes with nothing written"
    );
    let mut calm = Script::new();
    calm.prompt("rename the module");
    calm.edit("src/a.rs", "a", "b", 1);
    calm.turn_end();
    assert!(
        !has(&calm.run_until(3600), SignalId::S19),
        "silence after a healthy turn is a break"
    );
}

#[test]
fn s20_check_bypass() {
    let mut s = with_code_written();
    s.bash("git commit --no-verify -m wip", true, "[main 1234567] wip");
    let p = s.run();
    assert!(has(&p, SignalId::S20));
    assert_eq!(
        p.engine().nudges[0].signal,
        SignalId::S20,
        "always worth telling"
    );
    let mut skip = with_code_written();
    skip.failing_test("api::login");
    skip.edit(
        "tests/api.rs",
        "#[test]\nfn login() {}",
        "#[test]\n#[ignore]\nfn login() {}",
        5,
    );
    assert!(has(&skip.run(), SignalId::S20));
    let mut near = with_code_written();
    near.edit(
        "tests/api.rs",
        "#[test]\nfn login() {}",
        "#[test]\n#[ignore]\nfn login() {}",
        5,
    );
    assert!(
        !has(&near.run(), SignalId::S20),
        "no failing check to get around"
    );
}

#[test]
fn a_healthy_session_with_quickly_fixed_errors_shows_no_nudge() {
    let mut s = Script::new();
    s.prompt("add a health endpoint to src/server.rs");
    s.read("src/server.rs");
    s.edit("src/server.rs", "a", "b", 10);
    s.bash("cargo build", false, "error[E0425]: cannot find value `x`");
    s.edit("src/server.rs", "b", "c", 10);
    s.bash("cargo build", true, "Finished");
    s.bash("cargo test", true, "test result: ok. 12 passed; 0 failed");
    s.say("Added /health; the tests pass.");
    s.turn_end();
    s.prompt("thanks, commit it");
    let id = s.call(
        "Bash",
        r#"{"command":"git commit -am 'add health endpoint'"}"#,
    );
    s.result(
        &id,
        "[main 9f8e7d6] add health endpoint",
        false,
        r#"{"stdout":"x"}"#,
    );
    let p = s.run_until(3600);
    assert!(p.engine().nudges.is_empty(), "{:?}", p.engine().nudges);
    assert!(p.engine().firings.is_empty(), "{:?}", fired(&p));
    assert!(p.engine().assess(p.session()).tier <= 1);
}

#[test]
fn nudges_respect_the_cooldown_and_never_repeat_a_signal() {
    let mut s = Script::new();
    s.prompt("fix the parser");
    for round in 0..3 {
        s.failing_test("parser::a");
        s.edit(
            "src/p.rs",
            &format!("x{round}"),
            &format!("y{round}"),
            round * 40,
        );
        s.failing_test("parser::a");
        s.edit(
            "src/p.rs",
            &format!("z{round}"),
            &format!("w{round}"),
            round * 40 + 20,
        );
        s.failing_test("parser::a");
        s.bash("cargo test", true, "test result: ok");
        s.prompt(&format!("no, that is still wrong ({round})"));
    }
    let p = s.run();
    let nudges = &p.engine().nudges;
    assert!(!nudges.is_empty());
    for w in nudges.windows(2) {
        assert_ne!(w[0].signal, w[1].signal, "same signal twice in a row");
        let gap = w[1].at.unwrap().since(w[0].at.unwrap());
        assert!(gap >= 10 * 60_000, "nudges {gap} ms apart");
    }
}

#[test]
fn risk_matches_the_documented_examples() {
    // One stall after code was written stays low; with nothing written it reaches watch;
    // two hard stalls reach high.
    let mut s = with_code_written();
    for _ in 0..3 {
        s.bash("make", false, "x");
    }
    s.bash("make", true, "ok");
    let p = s.run();
    let r = p.engine().assess(p.session()).risk.unwrap();
    assert_eq!(r.band, Band::Low, "{r:?}");

    let mut nothing = Script::new();
    nothing.prompt("set up the build");
    for _ in 0..3 {
        nothing.bash("make", false, "x");
    }
    let p = nothing.run();
    let r = p.engine().assess(p.session()).risk.unwrap();
    assert!(r.band >= Band::Watch, "{r:?}");
    assert!(
        r.contributions
            .iter()
            .any(|c| c.id == "nothing_written" && c.points == 2),
        "{r:?}"
    );
}

#[test]
fn streaming_in_any_chunks_equals_the_whole() {
    let mut s = with_code_written();
    for i in 0..3 {
        s.failing_test("a::b");
        s.edit("src/a.rs", &format!("{i}"), &format!("{i}!"), 5);
    }
    s.prompt("no, still failing");
    let whole = s.run();
    let text: String = s.lines.iter().map(|l| format!("{l}\n")).collect();
    for cut in [1usize, 7, 64, 1000] {
        let mut p = Pipeline::with_rules(Some("s".into()), Arc::new(Rules::default()));
        for c in text.as_bytes().chunks(cut) {
            p.feed(c);
        }
        p.finish();
        assert_eq!(p.engine().firings, whole.engine().firings);
        assert_eq!(p.engine().nudges, whole.engine().nudges);
        assert_eq!(p.engine().recoveries, whole.engine().recoveries);
    }
}
