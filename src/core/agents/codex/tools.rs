//! Codex tool calls: what a call's arguments say (the command, the patch, the file), a patch's
//! files and lines, the commands inside a "code mode" script, and what an output says (its exit
//! code, a rejection, a process still running).

use std::borrow::Cow;

use crate::core::agents::common::{
    bare_action, command_action, edit_action, int, one_line, present, text, text_sig,
};
use crate::core::checks;
use crate::core::event::{Action, Tool};
use serde_json::value::RawValue;

/// How a call's result is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum CallKind {
    /// A shell command (`exec_command`, `shell`, `local_shell_call`, code mode's
    /// `tools.exec_command`): its exit code decides.
    Exec,
    /// Input to a running command (`write_stdin`): its output may carry the exit code of the
    /// command it polls.
    Stdin { session: Option<i64> },
    /// A patch (`apply_patch`): `patch_apply_end` or its output decides.
    Patch,
    /// Anything else: an output is a success unless it says otherwise.
    Other,
}

/// A call, read: its action, how to read its result, and the lines its patch adds and removes.
pub struct Call {
    pub action: Action,
    pub kind: CallKind,
    pub added: u32,
    pub removed: u32,
}

impl Call {
    fn of(action: Action, kind: CallKind) -> Self {
        Self {
            action,
            kind,
            added: 0,
            removed: 0,
        }
    }
}

/// The fields of a function call's arguments (a JSON object in a string) that a rule reads.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
struct Args<'a> {
    #[serde(borrow)]
    cmd: Option<&'a RawValue>,
    #[serde(borrow)]
    command: Option<&'a RawValue>,
    #[serde(borrow)]
    input: Option<&'a RawValue>,
    #[serde(borrow)]
    patch: Option<&'a RawValue>,
    #[serde(borrow)]
    path: Option<&'a RawValue>,
    #[serde(borrow)]
    file_path: Option<&'a RawValue>,
    #[serde(borrow)]
    pattern: Option<&'a RawValue>,
    #[serde(borrow)]
    query: Option<&'a RawValue>,
    #[serde(borrow)]
    session_id: Option<&'a RawValue>,
    #[serde(borrow)]
    chars: Option<&'a RawValue>,
    #[serde(borrow)]
    message: Option<&'a RawValue>,
    #[serde(borrow)]
    prompt: Option<&'a RawValue>,
}

/// The command of a `cmd`/`command` field: a string, or an argv array (`["bash", "-lc",
/// "cargo test"]` is the script; any other argv is joined with spaces).
fn command_of(raw: Option<&RawValue>) -> Option<String> {
    let raw = present(raw)?;
    if let Some(s) = text(Some(raw)) {
        return Some(s.into_owned());
    }
    let argv: Vec<Cow<'_, str>> = serde_json::from_str::<Vec<&RawValue>>(raw.get())
        .ok()?
        .into_iter()
        .filter_map(|a| text(Some(a)))
        .collect();
    Some(match argv.as_slice() {
        [shell, flag, script]
            if matches!(
                shell.rsplit('/').next(),
                Some("bash" | "sh" | "zsh" | "dash" | "fish")
            ) && (flag.starts_with('-') && flag.contains('c')) =>
        {
            script.to_string()
        }
        _ => argv.join(" "),
    })
}

/// A `function_call` (its `arguments` are a JSON object in a string).
#[must_use]
pub fn function_call(id: u64, name: &str, arguments: Option<&str>) -> Call {
    let raw = arguments.unwrap_or("");
    let args: Args<'_> = serde_json::from_str(raw).unwrap_or_default();
    match name {
        "exec_command" | "shell" | "shell_command" | "container.exec" | "local_shell" => {
            let command = command_of(args.cmd)
                .or_else(|| command_of(args.command))
                .unwrap_or_default();
            let mut a = command_action(id, name, &command);
            if command.is_empty() {
                // Arguments that are not the usual object (a sanitised placeholder): the same
                // text is the same call, different text a different one.
                a.sig = text_sig(name, raw);
            }
            Call::of(a, CallKind::Exec)
        }
        "write_stdin" => {
            let session = int(args.session_id);
            let mut a = bare_action(id, name, Tool::Bash);
            a.read_only = true;
            a.polling = true;
            let chars = text(args.chars).unwrap_or_default();
            a.target = match session {
                Some(s) if chars.trim().is_empty() => format!("poll session {s}"),
                Some(s) => one_line(&format!("session {s}: {chars}")),
                None => one_line(&chars),
            };
            a.sig = text_sig(name, raw);
            Call::of(a, CallKind::Stdin { session })
        }
        "apply_patch" => {
            let patch = text(args.input)
                .or_else(|| text(args.patch))
                .unwrap_or_default();
            patch_call(id, name, &patch)
        }
        _ => {
            let tool = tool_of(name);
            let mut a = bare_action(id, name, tool);
            let target = text(args.path)
                .or_else(|| text(args.file_path))
                .or_else(|| text(args.pattern))
                .or_else(|| text(args.query))
                .or_else(|| text(args.message))
                .or_else(|| text(args.prompt))
                .or_else(|| text(args.cmd))
                .unwrap_or_default();
            a.target = one_line(&target);
            a.polling = matches!(name, "wait" | "wait_agent");
            a.sig = text_sig(name, raw);
            Call::of(a, CallKind::Other)
        }
    }
}

/// Which family a function name belongs to (the ones with their own reading are above).
fn tool_of(name: &str) -> Tool {
    match name {
        "view_image" | "read_file" | "list_dir" | "read_mcp_resource" | "list_mcp_resources" => {
            Tool::Read
        }
        "grep_files" | "tool_search" | "search_tool_bm25" => Tool::Search,
        "web_search" | "web_fetch" => Tool::Web,
        "update_plan" => Tool::Todo,
        "spawn_agent" | "spawn_subagent" | "send_input" | "delegate" | "create_agent" => Tool::Task,
        "request_user_input" | "ask_user" => Tool::Ask,
        _ => Tool::Other,
    }
}

/// A `custom_tool_call`: `apply_patch` takes the patch as its input, code mode's `exec` a
/// script; anything else is read like a function call.
#[must_use]
pub fn custom_call(id: u64, name: &str, input: &str) -> Call {
    match name {
        "apply_patch" => patch_call(id, name, input),
        "exec" | "js" | "code" => code_mode(id, name, input),
        _ => function_call(id, name, Some(input)),
    }
}

/// A `local_shell_call`'s `action` (`{"type":"exec","command":[…]}`).
#[must_use]
pub fn local_shell(id: u64, action: Option<&RawValue>) -> Call {
    #[derive(serde::Deserialize, Default)]
    #[serde(default)]
    struct Act<'a> {
        #[serde(borrow)]
        command: Option<&'a RawValue>,
    }
    let act: Act<'_> = action
        .and_then(|a| serde_json::from_str(a.get()).ok())
        .unwrap_or_default();
    let command = command_of(act.command).unwrap_or_default();
    Call::of(command_action(id, "local_shell", &command), CallKind::Exec)
}

/// One file of a patch.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct FilePatch {
    pub path: String,
    /// The lines it removes (`-`) and adds (`+`), each joined with newlines.
    pub old: String,
    pub new: String,
    pub added: u32,
    pub removed: u32,
    /// `*** Delete File:`: the whole file goes.
    pub deleted: bool,
}

/// The files of an `apply_patch` patch (`*** Add File:`, `*** Update File:`, `*** Delete File:`,
/// hunks of ` `, `-`, `+` lines).
#[must_use]
pub fn parse_patch(patch: &str) -> Vec<FilePatch> {
    let mut files: Vec<FilePatch> = Vec::new();
    for line in patch.lines() {
        let line = line.strip_suffix('\r').unwrap_or(line);
        if let Some(rest) = line.strip_prefix("*** ") {
            let path = ["Add File: ", "Update File: ", "Delete File: "]
                .iter()
                .find_map(|p| rest.strip_prefix(p));
            if let Some(path) = path {
                files.push(FilePatch {
                    path: path.trim().to_owned(),
                    deleted: rest.starts_with("Delete File: "),
                    ..FilePatch::default()
                });
            }
            continue;
        }
        let Some(f) = files.last_mut() else { continue };
        if let Some(l) = line.strip_prefix('+') {
            f.added += 1;
            f.new.push_str(l);
            f.new.push('\n');
        } else if let Some(l) = line.strip_prefix('-') {
            f.removed += 1;
            f.old.push_str(l);
            f.old.push('\n');
        }
    }
    files
}

/// An `apply_patch` call: an edit of its first file (a patch can touch several; the others count
/// in its lines), with what it replaced and wrote, and a bypass if any file's change is one.
#[must_use]
pub fn patch_call(id: u64, name: &str, patch: &str) -> Call {
    let files = parse_patch(patch);
    let (mut old, mut new) = (String::new(), String::new());
    for f in &files {
        old.push_str(&f.old);
        new.push_str(&f.new);
    }
    let path = files.first().map_or("", |f| f.path.as_str());
    let mut a = edit_action(id, name, Tool::Edit, path, &old, &new);
    a.bypass = files.iter().find_map(|f| {
        if f.deleted {
            // A test file deleted, as `rm` of one is.
            checks::deletion_bypass(&f.path)
        } else {
            checks::edit_bypass(&f.path, &f.old, &f.new)
        }
    });
    if files.is_empty() {
        // Not a patch we can read (a sanitised placeholder): an edit of no known file, the same
        // text the same call.
        a.edit = None;
        a.sig = text_sig(name, patch);
    }
    Call {
        action: a,
        kind: CallKind::Patch,
        added: files.iter().map(|f| f.added).sum(),
        removed: files.iter().map(|f| f.removed).sum(),
    }
}

/// "Code mode" (0.144+): one call is a JavaScript script that calls `tools.exec_command({cmd:
/// …})`, `tools.apply_patch(…)`, `tools.write_stdin(…)`. The commands inside are what the call
/// does, so checks and loops are seen: its commands, joined with `&&`, are the action's command;
/// a script that only patches is an edit; one that only polls is polling.
#[must_use]
pub fn code_mode(id: u64, name: &str, script: &str) -> Call {
    let commands: Vec<String> = calls_of(script, "exec_command")
        .into_iter()
        .filter_map(|args| js_field(args, "cmd").or_else(|| js_field(args, "command")))
        .filter(|c| !c.trim().is_empty())
        .collect();
    if !commands.is_empty() {
        let joined = commands.join(" && ");
        return Call::of(command_action(id, name, &joined), CallKind::Exec);
    }
    if let Some(patch) = calls_of(script, "apply_patch")
        .into_iter()
        .find_map(js_string_at)
    {
        return patch_call(id, name, &patch);
    }
    let mut a = bare_action(id, name, Tool::Other);
    if !calls_of(script, "write_stdin").is_empty() || script.contains("wait(") {
        a.tool = Tool::Bash;
        a.read_only = true;
        a.polling = true;
    }
    a.target = one_line(script);
    a.sig = text_sig(name, script);
    Call::of(a, CallKind::Other)
}

/// The argument text after each `tools.<name>(` in a script.
fn calls_of<'s>(script: &'s str, name: &str) -> Vec<&'s str> {
    let needle = format!("tools.{name}(");
    script
        .match_indices(&needle)
        .map(|(i, _)| &script[i + needle.len()..])
        .collect()
}

/// The string value of `key` in the object literal that starts `args` (`{cmd: "…"}`,
/// `{"cmd":'…'}`, `` {cmd: `…`} ``); `None` when the value is not a literal (a variable).
fn js_field(args: &str, key: &str) -> Option<String> {
    let body = args.trim_start().strip_prefix('{')?;
    // Stop at the end of this call's argument list, roughly: the first `})`.
    let end = body.find("})").unwrap_or(body.len());
    let body = &body[..end];
    let mut from = 0;
    while let Some(i) = body[from..].find(key) {
        let at = from + i;
        from = at + key.len();
        let before = body[..at].chars().next_back();
        if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
            continue;
        }
        let rest = body[at + key.len()..].trim_start_matches(['"', '\'']);
        let Some(rest) = rest.trim_start().strip_prefix(':') else {
            continue;
        };
        return js_string_at(rest);
    }
    None
}

/// The JavaScript string literal at the start of `s` (after whitespace), unescaped.
fn js_string_at(s: &str) -> Option<String> {
    let s = s.trim_start();
    let quote = s.chars().next().filter(|c| matches!(c, '"' | '\'' | '`'))?;
    let mut out = String::new();
    let mut chars = s[1..].chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => match chars.next()? {
                'n' => out.push('\n'),
                't' => out.push('\t'),
                'r' => out.push('\r'),
                other => out.push(other),
            },
            c if c == quote => return Some(out),
            c => out.push(c),
        }
    }
    None
}

/// How much of an output's start is decoded to learn how the call ended (unified exec and shell
/// outputs say it in their first lines).
pub const HEAD: usize = 4096;

/// The start of an output's text (at least [`HEAD`] bytes of it when it is a long string), for
/// [`read_output`]; the whole text when it is short or not a plain string.
#[must_use]
pub fn output_head(raw: Option<&RawValue>) -> Cow<'_, str> {
    let Some(r) = present(raw) else {
        return Cow::Borrowed("");
    };
    let g = r.get();
    if !g.starts_with('"') || g.len() <= HEAD + 2 {
        return output_text(raw).0;
    }
    // A prefix of the JSON string, cut before any escape that may be unfinished, and closed.
    let mut cut = crate::core::sanitize::prefix(g, HEAD + 1).len();
    if let Some(b) = g.as_bytes()[..cut].iter().rposition(|c| *c == b'\\')
        && cut - b < 8
    {
        cut = b;
    }
    let mut head = String::with_capacity(cut + 1);
    head.push_str(&g[..cut]);
    head.push('"');
    match serde_json::from_str::<String>(&head) {
        Ok(s) => Cow::Owned(s),
        Err(_) => output_text(raw).0,
    }
}

/// What an output's text says about how the call ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Said {
    /// An exit code (`Process exited with code N`, `Exit code: N`, `metadata.exit_code`).
    Exit(i64),
    /// The command is still running in session N (unified exec): its end comes later.
    Running(Option<i64>),
    /// The user declined it ("exec command rejected by user", "patch rejected by user").
    Rejected,
    /// The turn was interrupted while it ran ("aborted").
    Aborted,
    /// Nothing about the end: read the text.
    Nothing,
}

/// The text of an output, which is a string, an object (`{"text": …}`, `{"content": …}`) or a
/// list of content items; and a `success` flag when the object carries one.
#[must_use]
pub fn output_text(raw: Option<&RawValue>) -> (Cow<'_, str>, Option<bool>) {
    let Some(raw) = present(raw) else {
        return (Cow::Borrowed(""), None);
    };
    if let Some(s) = text(Some(raw)) {
        return (s, None);
    }
    #[derive(serde::Deserialize, Default)]
    #[serde(default)]
    struct Item<'a> {
        #[serde(borrow)]
        text: Option<&'a RawValue>,
        #[serde(borrow)]
        content: Option<&'a RawValue>,
        #[serde(borrow)]
        success: Option<&'a RawValue>,
    }
    let g = raw.get().trim_start();
    if g.starts_with('[') {
        let items: Vec<Item<'_>> = serde_json::from_str(g).unwrap_or_default();
        let joined: Vec<Cow<'_, str>> = items.iter().filter_map(|i| text(i.text)).collect();
        return (Cow::Owned(joined.join("\n")), None);
    }
    let item: Item<'_> = serde_json::from_str(g).unwrap_or_default();
    let success = crate::core::agents::common::flag(item.success);
    let body = text(item.text)
        .or_else(|| text(item.content))
        .or_else(|| {
            let (t, _) = output_text(item.content);
            (!t.is_empty()).then(|| Cow::Owned(t.into_owned()))
        })
        .unwrap_or(Cow::Borrowed(""));
    (body, success)
}

/// What an output's text says (see [`Said`]); for an older `shell` call whose output is itself a
/// JSON object (`{"output": …, "metadata": {"exit_code": N}}`), also the inner output.
#[must_use]
pub fn read_output(text_in: &str) -> (Said, Option<String>) {
    let t = text_in.trim_start();
    if t.starts_with('{') && t.contains("\"exit_code\"") {
        #[derive(serde::Deserialize, Default)]
        #[serde(default)]
        struct Meta<'a> {
            #[serde(borrow)]
            exit_code: Option<&'a RawValue>,
        }
        #[derive(serde::Deserialize, Default)]
        #[serde(default)]
        struct Wrapped<'a> {
            #[serde(borrow)]
            output: Option<&'a RawValue>,
            metadata: Option<Meta<'a>>,
            #[serde(borrow)]
            exit_code: Option<&'a RawValue>,
        }
        if let Ok(w) = serde_json::from_str::<Wrapped<'_>>(t) {
            let code = w
                .metadata
                .and_then(|m| int(m.exit_code))
                .or(int(w.exit_code));
            if let Some(code) = code {
                let inner = text(w.output).map(Cow::into_owned);
                return (Said::Exit(code), inner);
            }
        }
    }
    (said(t), None)
}

fn said(t: &str) -> Said {
    let head = crate::core::sanitize::prefix(t, 4096);
    if let Some(code) = number_after(head, "Process exited with code ") {
        return Said::Exit(code);
    }
    if let Some(i) = head.find("Process running with session ID ") {
        let rest = &head[i + "Process running with session ID ".len()..];
        let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
        return Said::Running(digits.parse().ok());
    }
    for line in head.lines().take(8) {
        if let Some(code) = number_after(line.trim_start(), "Exit code: ") {
            return Said::Exit(code);
        }
    }
    let lower = head.trim();
    if lower == "aborted" || lower.starts_with("aborted by user") {
        return Said::Aborted;
    }
    if head.contains("rejected by user") && head.len() < 400 {
        return Said::Rejected;
    }
    Said::Nothing
}

/// The integer right after `marker` in `text`, if there is one.
fn number_after(text: &str, marker: &str) -> Option<i64> {
    let i = text.find(marker)?;
    let rest = &text[i + marker.len()..];
    let end = rest
        .char_indices()
        .find(|(k, c)| !(c.is_ascii_digit() || (*k == 0 && *c == '-')))
        .map_or(rest.len(), |(k, _)| k);
    rest[..end].parse().ok()
}

/// A patch output that says it failed (no exit code in it).
#[must_use]
pub fn patch_failed(text: &str) -> bool {
    let head = crate::core::sanitize::prefix(text, 2048);
    head.contains("verification failed")
        || head.contains("Failed to apply patch")
        || head.contains("failed to apply")
        || head.trim_start().starts_with("error:")
        || head.trim_start().starts_with("Error:")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commands_come_from_cmd_strings_and_argv_arrays() {
        let c = function_call(
            1,
            "exec_command",
            Some(r#"{"cmd":"cargo test -q","workdir":"/w"}"#),
        );
        assert_eq!(c.action.target, "cargo test -q");
        assert_eq!(c.action.check, Some(checks::CheckKind::Test));
        let c = function_call(2, "shell", Some(r#"{"command":["bash","-lc","npm test"]}"#));
        assert_eq!(c.action.target, "npm test");
        let c = function_call(3, "shell", Some(r#"{"command":["ls","-la"]}"#));
        assert_eq!(c.action.target, "ls -la");
        assert!(c.action.read_only);
        let c = function_call(4, "exec_command", Some("[REDACTED_ARGUMENTS len=83]"));
        assert_eq!((c.action.tool, c.action.target.as_str()), (Tool::Bash, ""));
    }

    #[test]
    fn a_patch_counts_its_lines_and_names_its_first_file() {
        let p = "*** Begin Patch\n*** Update File: src/a.rs\n@@ fn a\n-    old();\n+    new();\n+    more();\n*** Add File: b.txt\n+x\n*** End Patch";
        let files = parse_patch(p);
        assert_eq!(files.len(), 2);
        assert_eq!((files[0].added, files[0].removed), (2, 1));
        assert_eq!(files[1].path, "b.txt");
        let c = custom_call(1, "apply_patch", p);
        assert_eq!((c.added, c.removed, c.kind), (3, 1, CallKind::Patch));
        assert_eq!(c.action.tool, Tool::Edit);
        assert_eq!(c.action.target, "src/a.rs");
        assert!(
            c.action
                .edit
                .as_ref()
                .is_some_and(|e| !e.new_lines.is_empty())
        );
    }

    #[test]
    fn code_mode_reads_the_commands_inside_the_script() {
        let s = r#"const r = await tools.exec_command({cmd: "cargo test", workdir: "/w"});
const q = await tools.exec_command({"cmd":'git status'}); text(r.output);"#;
        let c = code_mode(1, "exec", s);
        assert_eq!(c.action.target, "cargo test && git status");
        assert_eq!(c.action.check, Some(checks::CheckKind::Test));
        let c = code_mode(
            2,
            "exec",
            "await tools.apply_patch(`*** Begin Patch\n*** Add File: a\n+1\n*** End Patch`)",
        );
        assert_eq!((c.action.tool, c.added), (Tool::Edit, 1));
        let c = code_mode(
            3,
            "exec",
            "await tools.write_stdin({session_id: 3, chars: ''})",
        );
        assert!(c.action.polling);
        let c = code_mode(4, "exec", "const x = {cmd}; await tools.exec_command(x)");
        assert_eq!(
            c.action.tool,
            Tool::Other,
            "a variable is not a command we can read"
        );
        assert_eq!(js_string_at(r#""a\"b\nc""#).as_deref(), Some("a\"b\nc"));
    }

    #[test]
    fn outputs_say_exit_codes_running_processes_and_rejections() {
        let unified = "Chunk ID: 1\nWall time: 0.2 seconds\nProcess exited with code 101\nOriginal token count: 9\nOutput:\nerror";
        assert_eq!(read_output(unified).0, Said::Exit(101));
        assert_eq!(
            read_output("Exit code: 0\nWall time: 1 seconds\nOutput:\nok").0,
            Said::Exit(0)
        );
        let wrapped = r#"{"output":"FAILED\n","metadata":{"exit_code":1,"duration_seconds":0.5}}"#;
        assert_eq!(
            read_output(wrapped),
            (Said::Exit(1), Some("FAILED\n".into()))
        );
        assert_eq!(
            read_output("Process running with session ID 42\nOutput:\n").0,
            Said::Running(Some(42))
        );
        assert_eq!(
            read_output("exec command rejected by user").0,
            Said::Rejected
        );
        assert_eq!(read_output("aborted").0, Said::Aborted);
        assert_eq!(
            read_output("[REDACTED_OUTPUT len=136 sha=bc081c6b]").0,
            Said::Nothing
        );
        let items: Box<RawValue> = serde_json::from_str(
            r#"[{"type":"input_text","text":"a"},{"type":"input_text","text":"b"}]"#,
        )
        .unwrap();
        let (t, ok) = output_text(Some(&items));
        assert_eq!((t.as_ref(), ok), ("a\nb", None));
        assert!(patch_failed(
            "apply_patch verification failed: no such file"
        ));
    }
}
