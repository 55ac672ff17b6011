//! A Claude Code 2.1-style transcript written line by line, for hermetic tests: prompts, agent
//! text, tool calls with their results, slash commands, hook reports.

use ringside::core::Millis;

/// A transcript being written; [`Script::text`] gives the JSONL.
pub struct Script {
    pub lines: Vec<String>,
    /// The clock (Unix ms): every line moves it on a little.
    pub t: i64,
    ids: u32,
    id: String,
    cwd: String,
    /// Extra top-level fields for every line (`"entrypoint":"sdk-cli"`), without braces.
    extra: String,
}

impl Script {
    pub fn new(id: &str, cwd: &str, start: i64) -> Self {
        Self {
            lines: Vec::new(),
            t: start,
            ids: 0,
            id: id.into(),
            cwd: cwd.into(),
            extra: String::new(),
        }
    }

    /// Every line from now on carries these fields (`"entrypoint":"sdk-cli"`).
    pub fn with_fields(mut self, fields: &str) -> Self {
        self.extra = format!(",{fields}");
        self
    }

    fn ts(&self) -> String {
        Millis(self.t).to_string()
    }

    /// A typed prompt.
    pub fn prompt(&mut self, text: &str) {
        self.prompt_with(text, "");
    }

    /// A typed prompt sent in a permission mode (`plan`).
    pub fn prompt_in(&mut self, text: &str, mode: &str) {
        self.prompt_with(text, &format!(r#","permissionMode":"{mode}""#));
    }

    fn prompt_with(&mut self, text: &str, fields: &str) {
        self.t += 5000;
        let text = serde_json::to_string(text).unwrap();
        self.lines.push(format!(r#"{{"type":"user","message":{{"role":"user","content":{text}}},"timestamp":"{}","sessionId":"{}","cwd":"{}"{fields}{}}}"#, self.ts(), self.id, self.cwd, self.extra));
    }

    /// A slash command that expands into a prompt: the echo, then the expansion.
    pub fn command(&mut self, name: &str, expansion: &str) {
        self.t += 5000;
        let echo = serde_json::to_string(&format!(
            "<command-name>/{name}</command-name>\n<command-message>{name}</command-message>\n<command-args></command-args>"
        ))
        .unwrap();
        self.lines.push(format!(r#"{{"type":"user","message":{{"role":"user","content":{echo}}},"timestamp":"{}","sessionId":"{}","cwd":"{}"{}}}"#, self.ts(), self.id, self.cwd, self.extra));
        self.t += 100;
        let body = serde_json::to_string(expansion).unwrap();
        self.lines.push(format!(r#"{{"type":"user","isMeta":true,"message":{{"role":"user","content":{body}}},"timestamp":"{}","sessionId":"{}","cwd":"{}"{}}}"#, self.ts(), self.id, self.cwd, self.extra));
    }

    pub fn say(&mut self, text: &str) {
        self.t += 1000;
        self.ids += 1;
        let text = serde_json::to_string(text).unwrap();
        self.lines.push(format!(r#"{{"type":"assistant","message":{{"id":"msg_t{}","model":"claude-opus-4-6","content":[{{"type":"text","text":{text}}}],"usage":{{"input_tokens":10,"output_tokens":20}}}},"timestamp":"{}"{}}}"#, self.ids, self.ts(), self.extra));
    }

    pub fn call(&mut self, name: &str, input: &str, content: &str, is_error: bool, tur: &str) {
        self.t += 1000;
        self.ids += 1;
        let id = format!("toolu_{}", self.ids);
        self.lines.push(format!(r#"{{"type":"assistant","message":{{"id":"msg_c{}","model":"claude-opus-4-6","content":[{{"type":"tool_use","id":"{id}","name":"{name}","input":{input}}}],"usage":{{"input_tokens":10,"output_tokens":30}}}},"timestamp":"{}"{}}}"#, self.ids, self.ts(), self.extra));
        self.t += 1000;
        let content = serde_json::to_string(content).unwrap();
        self.lines.push(format!(r#"{{"type":"user","message":{{"role":"user","content":[{{"type":"tool_result","tool_use_id":"{id}","content":{content},"is_error":{is_error}}}]}},"toolUseResult":{tur},"timestamp":"{}"{}}}"#, self.ts(), self.extra));
    }

    pub fn bash(&mut self, cmd: &str, ok: bool) {
        let input = serde_json::json!({ "command": cmd }).to_string();
        let content = if ok {
            "ok"
        } else {
            "Exit code 1\nerror: it broke"
        };
        self.call(
            "Bash",
            &input,
            content,
            !ok,
            r#"{"stdout":"x","stderr":"","interrupted":false}"#,
        );
    }

    /// A successful edit of `/src/f{n}.rs` adding 2 lines.
    pub fn edit(&mut self, n: u32) {
        self.edit_path(&format!("/src/f{n}.rs"), n);
    }

    /// A successful edit of `path` adding 2 lines.
    pub fn edit_path(&mut self, path: &str, n: u32) {
        let input = serde_json::json!({ "file_path": path, "old_string": format!("a{n}"), "new_string": format!("b{n}") }).to_string();
        let tur = serde_json::json!({ "filePath": path, "structuredPatch": [
            { "oldStart": n * 10, "oldLines": 2, "newStart": n * 10, "newLines": 3, "lines": [" a", "-b", "+c", "+d"] }
        ]})
        .to_string();
        self.call("Edit", &input, "The file has been updated.", false, &tur);
    }

    pub fn read(&mut self, path: &str) {
        let input = serde_json::json!({ "file_path": path }).to_string();
        let tur = serde_json::json!({ "type": "text", "file": { "filePath": path, "content": "x", "numLines": 1 } })
            .to_string();
        self.call("Read", &input, "     1\tx", false, &tur);
    }

    /// A new file of two lines.
    pub fn write(&mut self, path: &str) {
        let input = serde_json::json!({ "file_path": path, "content": "a\nb\n" }).to_string();
        let tur = serde_json::json!({ "type": "create", "filePath": path, "content": "a\nb\n" })
            .to_string();
        self.call(
            "Write",
            &input,
            &format!("File created successfully at: {path}"),
            false,
            &tur,
        );
    }

    pub fn skill(&mut self, name: &str) {
        let input = serde_json::json!({ "skill": name }).to_string();
        self.call(
            "Skill",
            &input,
            &format!("Launching skill: {name}"),
            false,
            r#"{"success":true}"#,
        );
    }

    /// A `progress` line reporting a hook run with this command.
    pub fn hook(&mut self, command: &str) {
        self.t += 10;
        let command = serde_json::to_string(command).unwrap();
        self.lines.push(format!(r#"{{"type":"progress","data":{{"type":"hook_progress","hookEvent":"PostToolUse","hookName":"PostToolUse:Bash","command":{command}}},"timestamp":"{}","sessionId":"{}"}}"#, self.ts(), self.id));
    }

    pub fn text(&self) -> String {
        self.lines.join("\n") + "\n"
    }
}
