//! Codex's `config.toml` (`$CODEX_HOME/config.toml`, default `~/.codex/config.toml`), for
//! `ringside install codex-notify` only: its top-level `notify` program, which Codex runs after
//! every turn with one JSON argument appended. ringside never writes it otherwise.
//!
//! The file is edited in place (`toml_edit`): comments, order and formatting stay. Codex runs a
//! single `notify` program, so one the user already has is kept: ringside's hook runs it after
//! itself with the same arguments (see `ringside hook --agent codex`).

use std::path::{Path, PathBuf};

use toml_edit::{Array, DocumentMut, Item, Value};

/// Where Codex's config file is: `$CODEX_HOME/config.toml`, else `~/.codex/config.toml`.
#[must_use]
pub fn path(codex_home: Option<&str>, home: Option<&Path>) -> Option<PathBuf> {
    match codex_home.map(str::trim).filter(|c| !c.is_empty()) {
        Some(c) => Some(PathBuf::from(c).join("config.toml")),
        None => home.map(|h| h.join(".codex/config.toml")),
    }
}

/// The arguments ringside adds before a kept program: `<me> hook --agent codex`.
#[must_use]
pub fn own_notify(me: &str) -> Vec<String> {
    vec![
        me.to_owned(),
        "hook".into(),
        "--agent".into(),
        "codex".into(),
    ]
}

/// What a merge did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Merged {
    /// ringside's hook is already the notify program.
    AlreadyPresent,
    /// The new file's text, and the program the user had before (now run after ringside).
    Added {
        text: String,
        kept: Option<Vec<String>>,
    },
}

/// Makes ringside's hook Codex's `notify` program in `original` (a config file's text; empty for
/// none), keeping a program the user had by running it after ringside's.
///
/// # Errors
/// When the file is not valid TOML, or its `notify` is not a list of strings (nothing is changed
/// then).
pub fn merge_notify(original: &str, me: &str) -> Result<Merged, String> {
    let (mut doc, existing) = read_notify(original)?;
    let ours = own_notify(me);
    let ours_tail = &ours[1..];
    if let Some(old) = &existing
        && old.len() >= ours.len()
        && old[1..ours.len()] == *ours_tail
        && (old[0] == me || old[0].ends_with("ringside"))
    {
        return Ok(Merged::AlreadyPresent);
    }
    let kept = existing.filter(|v| !v.is_empty());
    set_notify(&mut doc, ours.iter().chain(kept.iter().flatten()));
    Ok(Merged::Added {
        text: doc.to_string(),
        kept,
    })
}

/// The parsed file and its `notify` list, when it has one.
fn read_notify(original: &str) -> Result<(DocumentMut, Option<Vec<String>>), String> {
    const NOT_A_LIST: &str = "`notify` is not a list of strings; fix it first";
    let doc: DocumentMut = original
        .parse()
        .map_err(|e| format!("not valid TOML: {e}"))?;
    let notify = match doc.get("notify") {
        None => None,
        Some(item) => Some(
            item.as_array()
                .ok_or(NOT_A_LIST)?
                .iter()
                .map(|x| x.as_str().map(str::to_owned).ok_or(NOT_A_LIST))
                .collect::<Result<Vec<_>, _>>()?,
        ),
    };
    Ok((doc, notify))
}

/// Sets the top-level `notify` to `args`.
fn set_notify<'a>(doc: &mut DocumentMut, args: impl IntoIterator<Item = &'a String>) {
    let mut arr = Array::new();
    for a in args {
        arr.push(a.as_str());
    }
    doc.insert("notify", Item::Value(Value::Array(arr)));
}

/// What [`unmerge_notify`] left: the new file's text, and the program put back as `notify`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unmerged {
    pub text: String,
    pub restored: Option<Vec<String>>,
}

/// Takes ringside's hook out of Codex's `notify` in `original`: the program it ran after itself
/// becomes the notify program again, or `notify` goes when there was none. `None`: ringside's
/// hook is not the notify program (nothing to remove).
///
/// # Errors
/// When the file is not valid TOML, or its `notify` is not a list of strings.
pub fn unmerge_notify(original: &str) -> Result<Option<Unmerged>, String> {
    let (mut doc, existing) = read_notify(original)?;
    let Some(v) = existing else {
        return Ok(None);
    };
    let tail = &own_notify("")[1..];
    let ours = v.len() > tail.len()
        && v[1..=tail.len()] == *tail
        && v[0].rsplit('/').next() == Some("ringside");
    if !ours {
        return Ok(None);
    }
    let kept: Vec<String> = v[tail.len() + 1..].to_vec();
    if kept.is_empty() {
        doc.remove("notify");
        return Ok(Some(Unmerged {
            text: doc.to_string(),
            restored: None,
        }));
    }
    set_notify(&mut doc, &kept);
    Ok(Some(Unmerged {
        text: doc.to_string(),
        restored: Some(kept),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn notify_is_added_keeping_the_file_and_the_users_program() {
        let original = "# my settings\nmodel = \"gpt-5.3-codex\"\n\n[tui]\nnotifications = true\n";
        let Merged::Added { text, kept } = merge_notify(original, "ringside").unwrap() else {
            panic!("added");
        };
        assert!(
            text.starts_with("# my settings\nmodel = \"gpt-5.3-codex\"\n"),
            "{text}"
        );
        assert!(
            text.contains("notify = [\"ringside\", \"hook\", \"--agent\", \"codex\"]"),
            "{text}"
        );
        assert!(text.contains("[tui]\nnotifications = true"), "{text}");
        let notify_at = text.find("notify").unwrap();
        assert!(
            notify_at < text.find("[tui]").unwrap(),
            "a top-level key, before the tables"
        );
        assert_eq!(kept, None);
        // Installing again changes nothing.
        assert_eq!(
            merge_notify(&text, "ringside").unwrap(),
            Merged::AlreadyPresent
        );

        let theirs = "notify = [\"notify-send-codex\", \"--urgent\"]\n";
        let Merged::Added { text, kept } = merge_notify(theirs, "/opt/ringside").unwrap() else {
            panic!("added");
        };
        assert_eq!(
            text.trim(),
            "notify = [\"/opt/ringside\", \"hook\", \"--agent\", \"codex\", \"notify-send-codex\", \"--urgent\"]"
        );
        assert_eq!(
            kept,
            Some(vec!["notify-send-codex".into(), "--urgent".into()])
        );
        assert_eq!(
            merge_notify("", "ringside").map(|m| matches!(m, Merged::Added { .. })),
            Ok(true)
        );
    }

    #[test]
    fn uninstall_takes_out_exactly_what_install_added() {
        let original = "# mine\nmodel = \"gpt-5.3-codex\"\n";
        let Merged::Added { text, .. } = merge_notify(original, "/opt/bin/ringside").unwrap()
        else {
            panic!("added");
        };
        let back = unmerge_notify(&text).unwrap().expect("ours");
        assert_eq!(back.text, original);
        assert_eq!(back.restored, None);

        let theirs = "notify = [\"notify-send-codex\", \"--urgent\"]\n";
        let Merged::Added { text, .. } = merge_notify(theirs, "ringside").unwrap() else {
            panic!("added");
        };
        let back = unmerge_notify(&text).unwrap().expect("ours");
        assert_eq!(back.text.trim(), theirs.trim());
        assert_eq!(
            back.restored,
            Some(vec!["notify-send-codex".into(), "--urgent".into()])
        );
        // Not ringside's: nothing to remove.
        assert_eq!(unmerge_notify(theirs).unwrap(), None);
        assert_eq!(unmerge_notify("model = \"x\"\n").unwrap(), None);
        assert_eq!(
            unmerge_notify("notify = [\"myringside-fork\", \"hook\", \"--agent\", \"codex\"]\n")
                .unwrap(),
            None
        );
        assert!(unmerge_notify("notify = 3\n").is_err());
    }

    #[test]
    fn a_broken_file_or_notify_changes_nothing() {
        assert!(merge_notify("model = ", "ringside").is_err());
        assert!(merge_notify("notify = \"a string\"\n", "ringside").is_err());
        assert!(merge_notify("notify = [1, 2]\n", "ringside").is_err());
        assert_eq!(
            path(Some("/c"), None),
            Some(PathBuf::from("/c/config.toml"))
        );
        assert_eq!(
            path(None, Some(Path::new("/h"))),
            Some(PathBuf::from("/h/.codex/config.toml"))
        );
    }
}
