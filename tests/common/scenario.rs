//! Scenario transcripts in the shape Claude Code 2.1.x writes them: every record carries the
//! envelope (`parentUuid` chain, `sessionId`, `cwd`, `version`, `gitBranch`, `uuid`,
//! `timestamp`), each content block of a response is its own line sharing `message.id`, tool
//! results carry `toolUseResult` as the client writes it (Bash stdout/stderr, Edit's
//! `structuredPatch`, a failing command's `"Error: Exit code 1\n…"` string, a PreToolUse hook's
//! refusal), and a turn ends with `system/turn_duration` unless the session is headless.

use ringside::core::pipeline::Pipeline;
use serde_json::{Value, json};

/// Builds one session, a line at a time, with its own clock.
pub struct Transcript {
    lines: Vec<String>,
    /// Milliseconds since the epoch of the next record.
    t: i64,
    n: u64,
    parent: Option<String>,
    /// `claude -p`: no turn-end records.
    pub headless: bool,
    pub session: String,
    pub cwd: String,
}

impl Default for Transcript {
    fn default() -> Self {
        Self::new()
    }
}

impl Transcript {
    #[must_use]
    pub fn new() -> Self {
        Self {
            lines: Vec::new(),
            t: 1_770_900_000_000, // 2026-02-12
            n: 0,
            parent: None,
            headless: false,
            session: "5f0c2a1e-7b1d-4c1e-9a55-2b8f3e4d6c01".into(),
            cwd: "/home/dev/projects/shop".into(),
        }
    }

    /// Lines written so far (the next record's line is `len() + 1`).
    #[must_use]
    pub fn len(&self) -> u64 {
        self.lines.len() as u64
    }

    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.lines.is_empty()
    }

    /// Lets time pass.
    pub fn wait(&mut self, secs: i64) -> &mut Self {
        self.t += secs * 1000;
        self
    }

    fn stamp(&self) -> String {
        let ts = jiff::Timestamp::from_millisecond(self.t).expect("valid time");
        format!("{}", ts.strftime("%Y-%m-%dT%H:%M:%S%.3fZ"))
    }

    fn uuid(&mut self) -> String {
        self.n += 1;
        format!("00000000-0000-4000-8000-{:012x}", self.n)
    }

    /// Writes a record with the envelope; returns its line number.
    fn record(&mut self, mut body: Value) -> u64 {
        let uuid = self.uuid();
        let obj = body.as_object_mut().expect("records are objects");
        obj.insert("parentUuid".into(), json!(self.parent));
        obj.insert("isSidechain".into(), json!(false));
        obj.insert("userType".into(), json!("external"));
        obj.insert("cwd".into(), json!(self.cwd));
        obj.insert("sessionId".into(), json!(self.session));
        obj.insert("version".into(), json!("2.1.39"));
        obj.insert("gitBranch".into(), json!("main"));
        obj.insert("uuid".into(), json!(uuid));
        obj.insert("timestamp".into(), json!(self.stamp()));
        self.parent = Some(uuid);
        self.lines.push(body.to_string());
        self.len()
    }

    /// The user types a prompt.
    pub fn prompt(&mut self, text: &str) -> u64 {
        self.t += 8_000;
        self.record(json!({
            "type": "user",
            "message": {"role": "user", "content": text},
            "permissionMode": "default",
        }))
    }

    fn assistant(&mut self, block: Value) -> u64 {
        self.t += 1_500;
        let id = format!("msg_01Scenario{:06}", self.n);
        self.record(json!({
            "type": "assistant",
            "requestId": format!("req_{id}"),
            "message": {
                "model": "claude-opus-4-6", "id": id, "type": "message", "role": "assistant",
                "content": [block], "stop_reason": null, "stop_sequence": null,
                "usage": {"input_tokens": 3, "cache_creation_input_tokens": 500,
                          "cache_read_input_tokens": 20_000, "output_tokens": 40,
                          "service_tier": "standard"},
            },
        }))
    }

    /// The agent writes text to the user.
    pub fn say(&mut self, text: &str) -> u64 {
        self.assistant(json!({"type": "text", "text": text}))
    }

    /// The agent calls a tool; returns the call's id (and the call is on line `len()`).
    pub fn call(&mut self, name: &str, input: Value) -> String {
        let id = format!("toolu_01Scn{:08}", self.n + 1);
        self.assistant(json!({"type": "tool_use", "id": id, "name": name, "input": input}));
        id
    }

    /// The result of a call.
    pub fn result(&mut self, id: &str, content: &str, is_error: bool, tur: Value) -> u64 {
        self.t += 2_000;
        self.record(json!({
            "type": "user",
            "message": {"role": "user", "content": [
                {"tool_use_id": id, "type": "tool_result", "content": content, "is_error": is_error}
            ]},
            "toolUseResult": tur,
        }))
    }

    /// A shell command and its output; a failure exits 1 as the client reports it.
    pub fn bash(&mut self, command: &str, ok: bool, output: &str) -> u64 {
        let id = self.call(
            "Bash",
            json!({"command": command, "description": "Run a command"}),
        );
        if ok {
            let tur =
                json!({"stdout": output, "stderr": "", "interrupted": false, "isImage": false});
            self.result(&id, output, false, tur)
        } else {
            let content = format!("Exit code 1\n{output}");
            let tur = json!(format!("Error: {content}"));
            self.result(&id, &content, true, tur)
        }
    }

    /// A `git commit` that a PreToolUse hook refuses with its checks' output.
    pub fn commit_blocked(&mut self, command: &str, hook_output: &str) -> u64 {
        let id = self.call(
            "Bash",
            json!({"command": command, "description": "Commit changes"}),
        );
        let content = format!(
            "Pre-commit validation failed:\\n\\n{hook_output}\\n\\nFix these issues before committing."
        );
        let tur = json!(format!("Error: {content}"));
        self.result(&id, &content, true, tur)
    }

    /// An Edit of `path` replacing `old` by `new`.
    pub fn edit(&mut self, path: &str, old: &str, new: &str) -> u64 {
        let id = self.call(
            "Edit",
            json!({"replace_all": false, "file_path": path, "old_string": old, "new_string": new}),
        );
        let lines: Vec<String> = old
            .lines()
            .map(|l| format!("-{l}"))
            .chain(new.lines().map(|l| format!("+{l}")))
            .collect();
        let tur = json!({
            "filePath": path, "oldString": old, "newString": new, "originalFile": old,
            "structuredPatch": [{"oldStart": 10, "oldLines": old.lines().count(),
                                 "newStart": 10, "newLines": new.lines().count(), "lines": lines}],
            "userModified": false, "replaceAll": false,
        });
        self.result(
            &id,
            &format!("The file {path} has been updated successfully."),
            false,
            tur,
        )
    }

    /// An Edit of `path` whose `old` text is not in the file: the client refuses it.
    pub fn edit_failed(&mut self, path: &str, old: &str, new: &str) -> u64 {
        let id = self.call(
            "Edit",
            json!({"replace_all": false, "file_path": path, "old_string": old, "new_string": new}),
        );
        let text = format!("String to replace not found in file.\nString: {old}");
        self.result(
            &id,
            &format!("<tool_use_error>{text}</tool_use_error>"),
            true,
            json!(format!("Error: {text}")),
        )
    }

    /// A Write creating `path`.
    pub fn write(&mut self, path: &str, content: &str) -> u64 {
        let id = self.call("Write", json!({"file_path": path, "content": content}));
        let tur = json!({"type": "create", "filePath": path, "content": content,
                         "structuredPatch": [], "originalFile": null});
        self.result(
            &id,
            &format!("File created successfully at: {path}"),
            false,
            tur,
        )
    }

    /// A Read of `path`.
    pub fn read(&mut self, path: &str) -> u64 {
        let id = self.call("Read", json!({"file_path": path}));
        let tur = json!({"type": "text", "file": {"filePath": path, "content": "…", "numLines": 40, "startLine": 1, "totalLines": 40}});
        self.result(&id, "     1→defmodule Shop do\n     2→end", false, tur)
    }

    /// A Grep.
    pub fn grep(&mut self, pattern: &str) -> u64 {
        let id = self.call(
            "Grep",
            json!({"pattern": pattern, "output_mode": "content"}),
        );
        let tur = json!({"mode": "content", "numFiles": 1, "filenames": [], "content": "lib/shop.ex:3: x", "numLines": 1});
        self.result(&id, "lib/shop.ex:3: x", false, tur)
    }

    /// The agent asks the user a question with options; returns the question's line.
    pub fn ask(&mut self, question: &str, options: &[&str]) -> u64 {
        let opts: Vec<Value> = options
            .iter()
            .map(|o| json!({"label": o, "description": o}))
            .collect();
        let id = self.call(
            "AskUserQuestion",
            json!({"questions": [{"question": question, "header": "Next step", "options": opts, "multiSelect": false}]}),
        );
        let line = self.len();
        self.wait(30);
        let tur = json!({"questions": [], "answers": {question: options[0]}});
        self.result(
            &id,
            &format!(
                "User has answered your questions: \"{question}\"=\"{}\".",
                options[0]
            ),
            false,
            tur,
        );
        line
    }

    /// The API fails and the client writes its synthetic error message (`API Error: 529 …`).
    pub fn api_error(&mut self, status: u16) -> u64 {
        self.t += 5_000;
        self.record(json!({
            "type": "assistant", "isApiErrorMessage": true, "apiErrorStatus": status,
            "error": "overloaded",
            "message": {"id": format!("msg_err{}", self.n), "model": "<synthetic>", "role": "assistant",
                        "type": "message", "stop_reason": "stop_sequence",
                        "content": [{"type": "text", "text": format!("API Error: {status} Overloaded")}]},
        }))
    }

    /// An automatic compaction of the context.
    pub fn auto_compact(&mut self) -> u64 {
        self.t += 1_000;
        self.record(json!({
            "type": "system", "subtype": "compact_boundary", "content": "Conversation compacted",
            "compactMetadata": {"trigger": "auto", "preTokens": 167_094},
        }))
    }

    /// The user rejects `n` parallel calls of one response at once (one decision).
    pub fn reject_parallel(&mut self, commands: &[&str]) -> u64 {
        let ids: Vec<String> = commands
            .iter()
            .map(|c| self.call("Bash", json!({"command": c, "description": "Run"})))
            .collect();
        let text = "The user doesn't want to proceed with this tool use. The tool use was rejected (eg. if it was a file edit, the new_string was NOT written to the file). STOP what you are doing and wait for the user to tell you how to proceed.";
        let mut last = 0;
        for id in ids {
            last = self.result(&id, text, true, json!("User rejected tool use"));
        }
        last
    }

    /// The user presses Esc: `[Request interrupted by user]`, or `… for tool use` right after a
    /// rejected call.
    pub fn interrupt(&mut self, for_tool_use: bool) -> u64 {
        self.t += 500;
        let text = if for_tool_use {
            "[Request interrupted by user for tool use]"
        } else {
            "[Request interrupted by user]"
        };
        self.record(json!({
            "type": "user",
            "message": {"role": "user", "content": [{"type": "text", "text": text}]},
        }))
    }

    /// The end of the agent's turn (not written in headless sessions).
    pub fn turn_end(&mut self) -> Option<u64> {
        if self.headless {
            return None;
        }
        self.t += 300;
        Some(self.record(json!({
            "type": "system", "subtype": "turn_duration", "durationMs": 60_000, "isMeta": false,
        })))
    }

    /// The whole transcript.
    #[must_use]
    pub fn text(&self) -> String {
        let mut s = self.lines.join("\n");
        s.push('\n');
        s
    }

    /// Reads it through the library pipeline, then lets `idle_secs` pass on the clock (what
    /// `ringside score` does at the time it is run).
    #[must_use]
    pub fn coach(&self, idle_secs: i64) -> Pipeline {
        let mut p = Pipeline::new(Some("scenario".into()));
        p.feed(self.text().as_bytes());
        p.finish();
        let now = ringside::core::Millis(self.t + idle_secs * 1000);
        p.tick(now);
        p
    }
}

/// The nudges shown: (signal code, line).
#[must_use]
pub fn nudges(p: &Pipeline) -> Vec<(String, u64)> {
    p.engine()
        .nudges
        .iter()
        .map(|n| (n.signal.code().to_owned(), n.at_line.0))
        .collect()
}

/// The lines `code` fired at.
#[must_use]
pub fn fired(p: &Pipeline, code: &str) -> Vec<u64> {
    p.engine()
        .firings
        .iter()
        .filter(|f| f.signal.code() == code)
        .map(|f| f.at_line.0)
        .collect()
}
