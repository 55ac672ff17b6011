//! Claude Code's `settings.json`: where it is, and merging ringside's status line and hooks into
//! it without losing anything (`ringside install`).
//!
//! The merge works on the parsed JSON, keeps every other key and their order, and is idempotent:
//! installing twice changes nothing the second time. An existing status line command that is not
//! ringside's is kept, run first through `ringside statusline --chain '<it>'`.

use std::path::{Path, PathBuf};

use serde_json::{Map, Value, json};

/// The hook events ringside handles.
pub const HOOK_EVENTS: [&str; 4] = ["SessionStart", "UserPromptSubmit", "Stop", "Notification"];
/// Seconds Claude Code gives `ringside hook` (it normally takes milliseconds).
pub const HOOK_TIMEOUT: u64 = 10;

/// The user's `settings.json`: in the first `CLAUDE_CONFIG_DIR` entry when set (it may be a
/// comma-separated list, like discovery reads it), else `~/.claude`.
#[must_use]
pub fn path(config_dir: Option<&str>, home: Option<&Path>) -> Option<PathBuf> {
    if let Some(first) =
        config_dir.and_then(|d| d.split(',').map(str::trim).find(|d| !d.is_empty()))
    {
        return Some(PathBuf::from(first).join("settings.json"));
    }
    home.map(|h| h.join(".claude").join("settings.json"))
}

/// `s` as one shell word.
#[must_use]
pub fn shell_quote(s: &str) -> String {
    let safe = !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"_./:=@%+-,".contains(&b));
    if safe {
        s.to_owned()
    } else {
        format!("'{}'", s.replace('\'', r"'\''"))
    }
}

/// A command is ringside's `sub` command (`ringside statusline`, `/path/to/ringside hook`).
fn is_ours(command: &str, sub: &str) -> bool {
    let mut words = command.split_whitespace();
    let first = words.next().unwrap_or("").trim_matches(['\'', '"']);
    let name = first.rsplit('/').next().unwrap_or(first);
    name.starts_with("ringside") && words.next() == Some(sub)
}

/// What a merge did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Merged {
    /// ringside was already there.
    Unchanged,
    /// Added; `chained` holds a previous status line command now run through `--chain`.
    Added { chained: Option<String> },
}

fn root_object(root: &mut Value) -> Result<&mut Map<String, Value>, String> {
    root.as_object_mut()
        .ok_or_else(|| "settings.json is not a JSON object".to_owned())
}

/// Sets `statusLine` to `ringside statusline` (`ringside` is the command that runs ringside).
///
/// # Errors
/// When the settings are not a JSON object.
pub fn merge_statusline(root: &mut Value, ringside: &str) -> Result<Merged, String> {
    let obj = root_object(root)?;
    let ours = format!("{ringside} statusline");
    let existing = obj.get("statusLine").cloned();
    let old_command = existing
        .as_ref()
        .and_then(|s| s.get("command"))
        .and_then(Value::as_str)
        .filter(|c| !c.trim().is_empty())
        .map(str::to_owned);
    if old_command
        .as_deref()
        .is_some_and(|c| is_ours(c, "statusline"))
    {
        return Ok(Merged::Unchanged);
    }
    let command = match &old_command {
        Some(old) => format!("{ours} --chain {}", shell_quote(old)),
        None => ours,
    };
    // Keep the user's other status line keys (padding, refreshInterval…).
    let mut line = match existing {
        Some(Value::Object(m)) => m,
        _ => Map::new(),
    };
    line.insert("type".into(), "command".into());
    line.insert("command".into(), command.into());
    if !line.contains_key("padding") {
        line.insert("padding".into(), 0.into());
    }
    obj.insert("statusLine".into(), Value::Object(line));
    Ok(Merged::Added {
        chained: old_command,
    })
}

/// Adds `ringside hook` to [`HOOK_EVENTS`], beside any hooks already there.
///
/// # Errors
/// When the settings, `hooks` or one event's entry have an unexpected shape (nothing is
/// guessed: the user's file is left alone).
pub fn merge_hooks(root: &mut Value, ringside: &str) -> Result<Merged, String> {
    let obj = root_object(root)?;
    let hooks = obj
        .entry("hooks")
        .or_insert_with(|| Value::Object(Map::new()))
        .as_object_mut()
        .ok_or_else(|| "\"hooks\" in settings.json is not an object".to_owned())?;
    let command = format!("{ringside} hook");
    let mut added = false;
    for event in HOOK_EVENTS {
        let list = hooks
            .entry(event)
            .or_insert_with(|| Value::Array(Vec::new()))
            .as_array_mut()
            .ok_or_else(|| format!("\"hooks\".\"{event}\" in settings.json is not a list"))?;
        let present = list.iter().any(|group| {
            group
                .get("hooks")
                .and_then(Value::as_array)
                .is_some_and(|hs| {
                    hs.iter()
                        .filter_map(|h| h.get("command").and_then(Value::as_str))
                        .any(|c| is_ours(c, "hook"))
                })
        });
        if !present {
            list.push(json!({
                "hooks": [{"type": "command", "command": command, "timeout": HOOK_TIMEOUT}]
            }));
            added = true;
        }
    }
    Ok(if added {
        Merged::Added { chained: None }
    } else {
        Merged::Unchanged
    })
}

/// The settings as written back: two-space JSON and a final newline.
///
/// # Errors
/// Never in practice (a `Value` always serialises).
pub fn render(root: &Value) -> Result<String, String> {
    serde_json::to_string_pretty(root)
        .map(|s| s + "\n")
        .map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_path_follows_claude_config_dir_then_home() {
        let home = Path::new("/home/u");
        assert_eq!(
            path(Some(" /a/claude , /b"), Some(home)),
            Some(PathBuf::from("/a/claude/settings.json"))
        );
        assert_eq!(
            path(Some(""), Some(home)),
            Some(PathBuf::from("/home/u/.claude/settings.json"))
        );
        assert_eq!(path(None, None), None);
    }

    #[test]
    fn quoting() {
        assert_eq!(shell_quote("/usr/bin/x"), "/usr/bin/x");
        assert_eq!(shell_quote("bash ~/s.sh"), "'bash ~/s.sh'");
        assert_eq!(shell_quote("echo 'hi'"), r"'echo '\''hi'\'''");
    }

    #[test]
    fn statusline_merge_keeps_keys_and_chains_the_old_command() {
        let mut v = json!({"model": "opus", "statusLine": {"type": "command", "command": "bash ~/line.sh", "padding": 2}, "z": [1]});
        let m = merge_statusline(&mut v, "ringside").unwrap();
        assert_eq!(
            m,
            Merged::Added {
                chained: Some("bash ~/line.sh".into())
            }
        );
        assert_eq!(
            v,
            json!({"model": "opus", "statusLine": {"type": "command", "command": "ringside statusline --chain 'bash ~/line.sh'", "padding": 2}, "z": [1]})
        );
        assert_eq!(
            merge_statusline(&mut v, "ringside").unwrap(),
            Merged::Unchanged
        );
        let mut empty = json!({});
        merge_statusline(&mut empty, "/opt/ringside").unwrap();
        assert_eq!(
            empty,
            json!({"statusLine": {"type": "command", "command": "/opt/ringside statusline", "padding": 0}})
        );
        assert!(merge_statusline(&mut json!([1]), "ringside").is_err());
    }

    #[test]
    fn hooks_merge_adds_beside_existing_hooks_once() {
        let mut v = json!({"hooks": {"Stop": [{"hooks": [{"type": "command", "command": "notify-send done"}]}]}, "env": {"A": "1"}});
        assert_eq!(
            merge_hooks(&mut v, "ringside").unwrap(),
            Merged::Added { chained: None }
        );
        let stop = v["hooks"]["Stop"].as_array().unwrap();
        assert_eq!(stop.len(), 2);
        assert_eq!(stop[0]["hooks"][0]["command"], "notify-send done");
        assert_eq!(stop[1]["hooks"][0]["command"], "ringside hook");
        for e in HOOK_EVENTS {
            assert!(v["hooks"][e].is_array(), "{e}");
        }
        assert_eq!(v["env"]["A"], "1");
        let before = v.clone();
        assert_eq!(merge_hooks(&mut v, "ringside").unwrap(), Merged::Unchanged);
        assert_eq!(v, before);
        assert!(merge_hooks(&mut json!({"hooks": []}), "ringside").is_err());
        assert!(merge_hooks(&mut json!({"hooks": {"Stop": {}}}), "ringside").is_err());
    }
}
