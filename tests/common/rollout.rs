//! A Codex rollout written line by line, for hermetic tests, in the shape of Codex 0.128+
//! (`session_meta`, then per prompt `task_started`, `user_message`, tool calls with outputs,
//! `token_count`, `agent_message`, `task_complete`). Our own fixture: no corpus file is copied.

use std::path::{Path, PathBuf};

use ringside::core::Millis;

/// A rollout being written; [`Rollout::text`] gives the JSONL.
pub struct Rollout {
    pub lines: Vec<String>,
    /// The clock (Unix ms).
    pub t: i64,
    pub id: String,
    calls: u32,
    total: u64,
    out: u64,
    open: bool,
}

impl Rollout {
    /// A rollout of thread `id` working in `cwd`, starting at `start`.
    pub fn new(id: &str, cwd: &str, start: i64) -> Self {
        let mut r = Self {
            lines: Vec::new(),
            t: start,
            id: id.into(),
            calls: 0,
            total: 0,
            out: 0,
            open: false,
        };
        let cwd = serde_json::to_string(cwd).unwrap();
        r.push(
            "session_meta",
            &format!(
                r#"{{"id":"{id}","timestamp":"{}","cwd":{cwd},"originator":"codex_cli_rs","cli_version":"0.128.0","source":"cli","git":{{"branch":"main"}}}}"#,
                Millis(start)
            ),
        );
        r.push(
            "turn_context",
            &format!(r#"{{"turn_id":"t0","cwd":{cwd},"model":"gpt-5.3-codex","approval_policy":"on-request"}}"#),
        );
        r
    }

    /// A sub-agent's rollout, spawned by `parent`.
    pub fn sub_agent(id: &str, parent: &str, cwd: &str, start: i64) -> Self {
        let mut r = Self::new(id, cwd, start);
        r.lines[0] = format!(
            r#"{{"timestamp":"{}","type":"session_meta","payload":{{"id":"{id}","cwd":"{cwd}","source":{{"subagent":{{"thread_spawn":{{"parent_thread_id":"{parent}","depth":1}}}}}}}}}}"#,
            Millis(start)
        );
        r
    }

    fn push(&mut self, kind: &str, payload: &str) {
        self.t += 500;
        self.lines.push(format!(
            r#"{{"timestamp":"{}","type":"{kind}","payload":{payload}}}"#,
            Millis(self.t)
        ));
    }

    fn event(&mut self, payload: &str) {
        self.push("event_msg", payload);
    }

    fn item(&mut self, payload: &str) {
        self.push("response_item", payload);
    }

    /// A typed prompt, opening a turn (the previous one completes first).
    pub fn prompt(&mut self, text: &str) {
        self.end_turn();
        self.t += 4000;
        self.event(r#"{"type":"task_started","turn_id":"t","model_context_window":258400}"#);
        let text = serde_json::to_string(text).unwrap();
        self.item(&format!(
            r#"{{"type":"message","role":"user","content":[{{"type":"input_text","text":{text}}}]}}"#
        ));
        self.event(&format!(
            r#"{{"type":"user_message","message":{text},"images":[]}}"#
        ));
        self.open = true;
    }

    fn tokens(&mut self) {
        self.total += 1200;
        self.out += 40;
        let (total, out) = (self.total, self.out);
        self.event(&format!(
            r#"{{"type":"token_count","info":{{"total_token_usage":{{"input_tokens":{total},"cached_input_tokens":0,"output_tokens":{out},"total_tokens":{}}},"last_token_usage":{{"input_tokens":1200,"cached_input_tokens":400,"output_tokens":40,"total_tokens":1240}},"model_context_window":258400}},"rate_limits":null}}"#,
            total + out
        ));
    }

    /// The agent's text to the user.
    pub fn say(&mut self, text: &str) {
        self.tokens();
        let text = serde_json::to_string(text).unwrap();
        self.event(&format!(r#"{{"type":"agent_message","message":{text}}}"#));
        self.item(&format!(
            r#"{{"type":"message","role":"assistant","content":[{{"type":"output_text","text":{text}}}]}}"#
        ));
    }

    /// A shell command through `exec_command`, with a unified-exec output: exit 0, or 1 with a
    /// failure in the output.
    pub fn exec(&mut self, cmd: &str, ok: bool) {
        let output = if ok {
            "ok\n"
        } else {
            "error: it broke\ntest result: FAILED. 1 passed; 1 failed\n"
        };
        self.exec_output(cmd, i32::from(!ok), output);
    }

    /// A shell command through `exec_command` that exits with `code` after printing `output`.
    pub fn exec_output(&mut self, cmd: &str, code: i32, output: &str) {
        self.tokens();
        self.calls += 1;
        let id = format!("call_{}", self.calls);
        let args =
            serde_json::to_string(&serde_json::json!({ "cmd": cmd, "workdir": "/w" }).to_string())
                .unwrap();
        self.item(&format!(
            r#"{{"type":"function_call","name":"exec_command","arguments":{args},"call_id":"{id}"}}"#
        ));
        let output = format!(
            "Chunk ID: a{}\nWall time: 0.9 seconds\nProcess exited with code {code}\nOriginal token count: {}\nOutput:\n{output}",
            self.calls,
            output.len() / 4
        );
        let output = serde_json::to_string(&output).unwrap();
        self.item(&format!(
            r#"{{"type":"function_call_output","call_id":"{id}","output":{output}}}"#
        ));
    }

    /// An `apply_patch` of `path`: one line replaced by two.
    pub fn patch(&mut self, path: &str, n: u32) {
        self.tokens();
        self.calls += 1;
        let id = format!("call_{}", self.calls);
        let patch = serde_json::to_string(&format!(
            "*** Begin Patch\n*** Update File: {path}\n@@\n-old line {n}\n+new line {n}\n+another line {n}\n*** End Patch"
        ))
        .unwrap();
        self.item(&format!(
            r#"{{"type":"custom_tool_call","status":"completed","call_id":"{id}","name":"apply_patch","input":{patch}}}"#
        ));
        self.item(&format!(
            r#"{{"type":"custom_tool_call_output","call_id":"{id}","output":"Exit code: 0\nWall time: 0.1 seconds\nOutput:\nSuccess. Updated the following files:\nM {path}\n"}}"#
        ));
    }

    /// An `apply_patch` of `path` replacing the lines of `old` by those of `new`.
    pub fn patch_text(&mut self, path: &str, old: &str, new: &str) {
        let mut body = format!("*** Begin Patch\n*** Update File: {path}\n@@\n");
        for l in old.lines() {
            body.push_str(&format!("-{l}\n"));
        }
        for l in new.lines() {
            body.push_str(&format!("+{l}\n"));
        }
        body.push_str("*** End Patch");
        self.custom_patch(path, &body);
    }

    /// An `apply_patch` deleting `path`.
    pub fn patch_delete(&mut self, path: &str) {
        let body = format!("*** Begin Patch\n*** Delete File: {path}\n*** End Patch");
        self.custom_patch(path, &body);
    }

    fn custom_patch(&mut self, path: &str, body: &str) {
        self.tokens();
        self.calls += 1;
        let id = format!("call_{}", self.calls);
        let patch = serde_json::to_string(body).unwrap();
        self.item(&format!(
            r#"{{"type":"custom_tool_call","status":"completed","call_id":"{id}","name":"apply_patch","input":{patch}}}"#
        ));
        self.item(&format!(
            r#"{{"type":"custom_tool_call_output","call_id":"{id}","output":"Exit code: 0\nWall time: 0.1 seconds\nOutput:\nSuccess. Updated the following files:\nM {path}\n"}}"#
        ));
    }

    /// An `apply_patch` of `path` whose context is not in the file: it does not apply.
    pub fn patch_failed(&mut self, path: &str, n: u32) {
        self.tokens();
        self.calls += 1;
        let id = format!("call_{}", self.calls);
        let patch = serde_json::to_string(&format!(
            "*** Begin Patch\n*** Update File: {path}\n@@\n-stale line {n}\n+new line {n}\n*** End Patch"
        ))
        .unwrap();
        self.item(&format!(
            r#"{{"type":"custom_tool_call","status":"completed","call_id":"{id}","name":"apply_patch","input":{patch}}}"#
        ));
        let output = serde_json::to_string(&format!(
            "apply_patch verification failed: Failed to find expected lines in {path}:\nstale line {n}"
        ))
        .unwrap();
        self.item(&format!(
            r#"{{"type":"custom_tool_call_output","call_id":"{id}","output":{output}}}"#
        ));
    }

    /// The open turn completes.
    pub fn end_turn(&mut self) {
        if std::mem::take(&mut self.open) {
            self.event(r#"{"type":"task_complete","turn_id":"t","last_agent_message":null}"#);
        }
    }

    /// The JSONL (the open turn left open, as a live file is).
    pub fn text(&self) -> String {
        self.lines.join("\n") + "\n"
    }

    /// The file name Codex gives it.
    pub fn file_name(&self, start: i64) -> String {
        let when = Millis(start).to_string();
        let stamp = when.get(..19).unwrap_or(&when).replace(':', "-");
        format!("rollout-{stamp}-{}.jsonl", self.id)
    }

    /// Writes it where Codex would: `<codex home>/sessions/YYYY/MM/DD/<file name>`.
    pub fn write(&self, codex_home: &Path, start: i64) -> PathBuf {
        let when = Millis(start).to_string();
        let day = when.get(..10).unwrap_or("2026-01-01").replace('-', "/");
        let dir = codex_home.join("sessions").join(day);
        std::fs::create_dir_all(&dir).unwrap();
        let p = dir.join(self.file_name(start));
        std::fs::write(&p, self.text()).unwrap();
        p
    }
}

/// A UUID-shaped thread id from a number (rollout names end in one).
pub fn thread_id(n: u32) -> String {
    format!("019c{n:04x}-0000-7000-8000-{n:012x}")
}
