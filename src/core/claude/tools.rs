//! Tool inputs and structured results: what an action targets, its signature, and what an edit
//! changed. Inputs are parsed lazily from `&RawValue`, only for the tools whose fields a rule uses.

use std::borrow::Cow;
use std::sync::Arc;

use serde::Deserialize;
use serde_json::value::RawValue;

use crate::core::checks::{self, Bypass};
use crate::core::event::{Action, EditInfo, TARGET_KEEP, Tool, ToolResult};
use crate::core::hash::{Fnv, hash_str};
use crate::core::sanitize::prefix;

/// The input fields any tool we score may have. Unused ones stay `None`; big ones are raw.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Input<'a> {
    #[serde(borrow)]
    command: Option<Cow<'a, str>>,
    #[serde(borrow)]
    file_path: Option<Cow<'a, str>>,
    #[serde(borrow)]
    notebook_path: Option<Cow<'a, str>>,
    #[serde(borrow)]
    path: Option<Cow<'a, str>>,
    #[serde(borrow)]
    pattern: Option<Cow<'a, str>>,
    #[serde(borrow)]
    url: Option<Cow<'a, str>>,
    #[serde(borrow)]
    query: Option<Cow<'a, str>>,
    #[serde(borrow)]
    description: Option<Cow<'a, str>>,
    #[serde(borrow)]
    old_string: Option<Cow<'a, str>>,
    #[serde(borrow)]
    new_string: Option<Cow<'a, str>>,
    #[serde(borrow)]
    new_source: Option<Cow<'a, str>>,
    #[serde(borrow)]
    content: Option<Cow<'a, str>>,
    edits: Option<Vec<EditPair<'a>>>,
    offset: Option<serde_json::Number>,
    limit: Option<serde_json::Number>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct EditPair<'a> {
    #[serde(borrow)]
    old_string: Option<Cow<'a, str>>,
    #[serde(borrow)]
    new_string: Option<Cow<'a, str>>,
}

/// Which family a tool name belongs to.
#[must_use]
pub fn tool_of(name: &str) -> Tool {
    match name {
        "Read" | "NotebookRead" | "LS" => Tool::Read,
        "Edit" | "MultiEdit" | "NotebookEdit" => Tool::Edit,
        "Write" => Tool::Write,
        "Bash" | "BashOutput" | "KillShell" | "KillBash" | "TaskOutput" | "TaskStop" => Tool::Bash,
        "Glob" | "Grep" | "ToolSearch" => Tool::Search,
        "WebFetch" | "WebSearch" => Tool::Web,
        "Task" | "Agent" => Tool::Task,
        "TodoWrite" | "TodoRead" | "TaskCreate" | "TaskUpdate" | "TaskList" | "TaskGet" => {
            Tool::Todo
        }
        "AskUserQuestion" => Tool::Ask,
        "ExitPlanMode" | "EnterPlanMode" => Tool::Plan,
        _ => Tool::Other,
    }
}

/// Builds the [`Action`] for one `tool_use` block.
#[must_use]
pub fn action(id: u64, name: &str, input: Option<&RawValue>) -> Action {
    let tool = tool_of(name);
    let parsed: Input<'_> = input
        .and_then(|i| serde_json::from_str(i.get()).ok())
        .unwrap_or_default();
    let mut a = Action {
        id,
        name: Arc::from(prefix(name, 100)),
        tool,
        target: String::new(),
        sig: 0,
        check: None,
        read_only: matches!(tool, Tool::Read | Tool::Search | Tool::Web),
        polling: false,
        ships: false,
        bypass: None,
        edit: None,
    };
    let mut sig = Fnv::default();
    sig.write(name.as_bytes()).byte(0);
    match (tool, name) {
        (Tool::Bash, "Bash") => {
            let command = parsed.command.as_deref().unwrap_or("");
            let class = checks::classify_command(command);
            a.check = class.check;
            a.read_only = class.read_only;
            a.polling = class.polling;
            a.ships = class.ships;
            a.bypass = class.bypass;
            a.target = one_line(command);
            for w in command.split_whitespace() {
                sig.write(w.as_bytes()).byte(b' ');
            }
        }
        (Tool::Bash, _) => {
            // Output polling of background shells: exploration that legitimately repeats.
            a.read_only = true;
            a.polling = true;
            a.target = generic_target(input);
            sig.write(canonical(input).as_bytes());
        }
        (Tool::Read, _) => {
            let path = parsed
                .file_path
                .as_deref()
                .or(parsed.notebook_path.as_deref())
                .or(parsed.path.as_deref());
            a.target = one_line(path.unwrap_or(""));
            sig.write(a.target.as_bytes()).byte(0);
            for n in [&parsed.offset, &parsed.limit] {
                sig.write(
                    n.as_ref()
                        .map(ToString::to_string)
                        .unwrap_or_default()
                        .as_bytes(),
                )
                .byte(0);
            }
        }
        (Tool::Edit | Tool::Write, _) => {
            let path = parsed
                .file_path
                .as_deref()
                .or(parsed.notebook_path.as_deref())
                .unwrap_or("");
            let (old, new) = edit_texts(&parsed, tool);
            a.target = one_line(path);
            a.bypass = if tool == Tool::Edit {
                checks::edit_bypass(path, &old, &new)
            } else {
                write_bypass(path, &new)
            };
            let info = EditInfo {
                path: a.target.clone(),
                old: hash_str(&old),
                new: hash_str(&new),
                old_lines: EditInfo::line_hashes(&old),
                new_lines: EditInfo::line_hashes(&new),
            };
            sig.write(a.target.as_bytes())
                .byte(0)
                .write(&info.old.to_le_bytes())
                .write(&info.new.to_le_bytes());
            a.edit = Some(info);
        }
        (Tool::Search, _) => {
            let pattern = parsed.pattern.as_deref().unwrap_or("");
            let path = parsed.path.as_deref().unwrap_or("");
            a.target = one_line(&if path.is_empty() {
                pattern.to_owned()
            } else {
                format!("{pattern} in {path}")
            });
            sig.write(canonical(input).as_bytes());
        }
        (Tool::Web, _) => {
            a.target = one_line(
                parsed
                    .url
                    .as_deref()
                    .or(parsed.query.as_deref())
                    .unwrap_or(""),
            );
            sig.write(canonical(input).as_bytes());
        }
        (Tool::Task, _) => {
            a.target = one_line(parsed.description.as_deref().unwrap_or(""));
            sig.write(canonical(input).as_bytes());
        }
        _ => {
            a.target = generic_target(input);
            sig.write(canonical(input).as_bytes());
        }
    }
    a.sig = sig.finish();
    a
}

fn edit_texts<'a>(p: &'a Input<'a>, tool: Tool) -> (Cow<'a, str>, Cow<'a, str>) {
    if tool == Tool::Write {
        return (
            Cow::Borrowed(""),
            Cow::Borrowed(p.content.as_deref().unwrap_or("")),
        );
    }
    if let Some(edits) = &p.edits {
        let old: Vec<&str> = edits
            .iter()
            .filter_map(|e| e.old_string.as_deref())
            .collect();
        let new: Vec<&str> = edits
            .iter()
            .filter_map(|e| e.new_string.as_deref())
            .collect();
        return (Cow::Owned(old.join("\n")), Cow::Owned(new.join("\n")));
    }
    let new = p
        .new_string
        .as_deref()
        .or(p.new_source.as_deref())
        .unwrap_or("");
    (
        Cow::Borrowed(p.old_string.as_deref().unwrap_or("")),
        Cow::Borrowed(new),
    )
}

/// A whole-file write is a bypass only where it loosens a lint configuration.
fn write_bypass(path: &str, content: &str) -> Option<Bypass> {
    checks::is_lint_config(path)
        .then(|| checks::edit_bypass(path, "", content))
        .flatten()
}

fn one_line(s: &str) -> String {
    let first = s.trim().lines().next().unwrap_or("");
    let more = s.trim().lines().nth(1).is_some();
    let mut t = prefix(first, TARGET_KEEP).to_owned();
    if more || first.len() > TARGET_KEEP {
        t.push_str(" …");
    }
    t
}

/// The first short string value of an input, for tools we do not know.
fn generic_target(input: Option<&RawValue>) -> String {
    let Some(v) = input.and_then(|i| serde_json::from_str::<serde_json::Value>(i.get()).ok())
    else {
        return String::new();
    };
    v.as_object()
        .and_then(|o| o.values().find_map(|v| v.as_str()))
        .map(one_line)
        .unwrap_or_default()
}

/// Input JSON with keys sorted and volatile keys (description, timeout, background) dropped.
fn canonical(input: Option<&RawValue>) -> String {
    let Some(mut v) = input.and_then(|i| serde_json::from_str::<serde_json::Value>(i.get()).ok())
    else {
        return String::new();
    };
    if let Some(o) = v.as_object_mut() {
        for k in ["description", "timeout", "run_in_background"] {
            o.remove(k);
        }
    }
    // serde_json's default map is ordered by key, so this is canonical.
    v.to_string()
}

/// Counts `+`/`-` lines of a successful edit's `structuredPatch`, or the lines of a created file.
pub fn count_patch(tur: &RawValue, r: &mut ToolResult) {
    #[derive(Deserialize, Default)]
    #[serde(default, rename_all = "camelCase")]
    struct Structured<'a> {
        #[serde(rename = "type", borrow)]
        kind: Option<Cow<'a, str>>,
        #[serde(borrow)]
        content: Option<Cow<'a, str>>,
        #[serde(borrow)]
        structured_patch: Option<Vec<Hunk<'a>>>,
    }
    #[derive(Deserialize, Default)]
    #[serde(default, rename_all = "camelCase")]
    struct Hunk<'a> {
        #[serde(borrow)]
        lines: Vec<Cow<'a, str>>,
    }
    let Ok(s) = serde_json::from_str::<Structured<'_>>(tur.get()) else {
        return;
    };
    let hunks = s.structured_patch.unwrap_or_default();
    if s.kind.as_deref() == Some("create") && hunks.is_empty() {
        let content = s.content.as_deref().unwrap_or("");
        r.lines_added = u32::try_from(content.lines().count()).unwrap_or(u32::MAX);
        return;
    }
    for h in &hunks {
        for l in &h.lines {
            match l.as_bytes().first() {
                Some(b'+') => r.lines_added += 1,
                Some(b'-') => r.lines_removed += 1,
                _ => {}
            }
        }
    }
}

/// `totalToolUseCount` of a sub-agent call's result.
#[must_use]
pub fn delegated_actions(tur: &RawValue) -> u32 {
    #[derive(Deserialize, Default)]
    #[serde(default, rename_all = "camelCase")]
    struct TaskResult {
        total_tool_use_count: Option<u32>,
    }
    serde_json::from_str::<TaskResult>(tur.get())
        .ok()
        .and_then(|t| t.total_tool_use_count)
        .unwrap_or(0)
}
