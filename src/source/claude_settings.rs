//! Claude Code's `settings.json`: where it is, adding ringside's status line and hooks to it and
//! taking them out again (`ringside install` / `ringside uninstall`), and writing it back safely.
//!
//! **Only ringside's spans change.** The file is edited as text through a concrete syntax tree
//! (`jsonc-parser`'s CST, which keeps every byte it is not told to change), not parsed and
//! re-serialised: big integers, `1e5`, escapes, duplicate keys, indentation and key order of
//! everything ringside does not own stay exactly as the user wrote them. Installing then
//! uninstalling gives the original bytes back.
//!
//! **Ours means exactly ours.** A command is ringside's when its first word is a program named
//! `ringside` (any folder) and the rest is exactly `statusline`, `statusline --chain <one
//! word>` or `hook`; `ringside-old statusline` or `ringside statusline; …` are someone else's.
//! A status line that is not ours (an object's `command`, or a bare command string) is kept,
//! run first through `ringside statusline --chain '<it>'`; uninstalling restores it.
//!
//! **Writing** ([`commit`]) goes through the symlink to its target, refuses a read-only file,
//! creates the temporary file with the original's permissions from the start (a 0600 file is
//! never readable by others, not even for a moment), and compares the file with what was read
//! just before the rename: a change made meanwhile (by Claude Code, the user, or a second
//! `install`) is reported as [`CommitError::Changed`] so the caller merges again or refuses.
//! Concurrent ringside processes also serialise on an advisory lock ([`lock`]) on a file of
//! ringside's own in its data dir: Claude Code never sees or takes that lock, so it can never be
//! blocked by it (a lock on settings.json itself would also die with the rename, which replaces
//! the file the lock was on).

use std::fs::File;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::time::Duration;

use jsonc_parser::ParseOptions;
use jsonc_parser::cst::{CstInputValue, CstNode, CstObject, CstObjectProp, CstRootNode};

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

/// Splits a command into shell words when it is a plain list of words (unquoted words, single
/// and simple double quotes, backslash escapes); `None` when it holds anything a shell would
/// treat specially (`;`, `|`, `&`, `$`, redirections, globs…): such a command is never ours.
fn shell_words(command: &str) -> Option<Vec<String>> {
    let mut words = Vec::new();
    let mut word: Option<String> = None;
    let mut chars = command.chars();
    while let Some(c) = chars.next() {
        match c {
            ' ' | '\t' => {
                if let Some(w) = word.take() {
                    words.push(w);
                }
            }
            '\'' => {
                let w = word.get_or_insert_with(String::new);
                loop {
                    match chars.next()? {
                        '\'' => break,
                        c => w.push(c),
                    }
                }
            }
            '"' => {
                let w = word.get_or_insert_with(String::new);
                loop {
                    match chars.next()? {
                        '"' => break,
                        '$' | '`' | '\\' | '!' => return None,
                        c => w.push(c),
                    }
                }
            }
            '\\' => word.get_or_insert_with(String::new).push(chars.next()?),
            c if c.is_ascii_alphanumeric() || "_./:=@%+-,~".contains(c) || !c.is_ascii() => {
                word.get_or_insert_with(String::new).push(c);
            }
            _ => return None,
        }
    }
    words.extend(word);
    Some(words)
}

/// What a command of ringside's `sub` command looks like, when it is one.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Ours {
    /// The command run first (`--chain`).
    chained: Option<String>,
}

/// `command` is exactly ringside's `sub` (`statusline` or `hook`).
fn ours(command: &str, sub: &str) -> Option<Ours> {
    let words = shell_words(command)?;
    let program = words.first()?;
    let name = program.rsplit('/').next().unwrap_or(program);
    if name != "ringside" && name != "ringside.exe" {
        return None;
    }
    match &words[1..] {
        [s] if s == sub => Some(Ours { chained: None }),
        [s, flag, chained] if s == sub && sub == "statusline" && flag == "--chain" => Some(Ours {
            chained: Some(chained.clone()),
        }),
        _ => None,
    }
}

/// What `install` / `uninstall` changes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    /// `statusLine`.
    Statusline,
    /// `hooks` on [`HOOK_EVENTS`].
    Hooks,
}

impl Part {
    /// How the user calls it.
    #[must_use]
    pub fn label(self) -> &'static str {
        match self {
            Self::Statusline => "status line",
            Self::Hooks => "hooks",
        }
    }
}

/// What an edit did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    /// Nothing to do: installed already, or nothing of ringside's to remove.
    Unchanged,
    /// Added; `chained` holds a previous status line command now run through `--chain`.
    Added { chained: Option<String> },
    /// Removed; `restored` holds the status line command put back.
    Removed { restored: Option<String> },
}

/// The settings after an edit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edited {
    pub text: String,
    pub change: Change,
}

/// Strict JSON (what Claude Code's `JSON.parse` accepts), and its syntax tree.
fn parse(text: &str) -> Result<CstRootNode, String> {
    if text.trim().is_empty() {
        return CstRootNode::parse("{}\n", &strict()).map_err(|e| e.to_string());
    }
    // The CST parser lets comments through whatever the options say; the plain parse does not.
    jsonc_parser::parse_to_ast(text, &jsonc_parser::CollectOptions::default(), &strict())
        .and_then(|_| CstRootNode::parse(text, &strict()))
        .map_err(|e| format!("settings.json is not valid JSON ({e})"))
}

fn strict() -> ParseOptions {
    ParseOptions {
        allow_comments: false,
        allow_loose_object_property_names: false,
        allow_trailing_commas: false,
        allow_missing_commas: false,
        allow_single_quoted_strings: false,
        allow_hexadecimal_numbers: false,
        allow_unary_plus_numbers: false,
        allow_bare_decimal_point_numbers: false,
        allow_non_finite_numbers: false,
        allow_extended_string_escapes: false,
    }
}

fn root_object(root: &CstRootNode) -> Result<CstObject, String> {
    match root.value() {
        None => Ok(root.object_value_or_set()),
        Some(v) => v
            .as_object()
            .ok_or_else(|| "settings.json is not a JSON object".to_owned()),
    }
}

/// The one property `name` of `obj` (`where_` names `obj` in messages). Two of them are refused:
/// Claude Code reads the last, a person may mean the first; nothing is guessed.
fn unique(obj: &CstObject, name: &str, where_: &str) -> Result<Option<CstObjectProp>, String> {
    let mut found = obj
        .properties()
        .into_iter()
        .filter(|p| p.decoded_name().as_deref() == Some(name));
    let first = found.next();
    if found.next().is_some() {
        return Err(format!(
            "{where_}\"{name}\" appears twice in settings.json; remove one first"
        ));
    }
    Ok(first)
}

fn string_value(node: Option<CstNode>) -> Option<String> {
    node?.as_string_lit()?.decoded_value().ok()
}

fn object(entries: Vec<(&str, CstInputValue)>) -> CstInputValue {
    CstInputValue::Object(
        entries
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v))
            .collect(),
    )
}

fn status_line(command: String) -> CstInputValue {
    object(vec![
        ("type", "command".into()),
        ("command", command.into()),
        ("padding", CstInputValue::Number("0".into())),
    ])
}

fn hook_group(command: &str) -> CstInputValue {
    object(vec![(
        "hooks",
        CstInputValue::Array(vec![object(vec![
            ("type", "command".into()),
            ("command", command.into()),
            ("timeout", HOOK_TIMEOUT.into()),
        ])]),
    )])
}

/// The edited text, ending in a newline when the original did (or was empty).
fn finish(root: &CstRootNode, original: &str, change: Change) -> Edited {
    let mut text = root.to_string();
    let newline = original.trim().is_empty() || original.ends_with('\n');
    if newline && !text.ends_with('\n') {
        text.push('\n');
    }
    Edited { text, change }
}

/// Adds ringside's `part` to the settings `text` (`ringside` is the command that runs ringside).
///
/// # Errors
/// When the settings are not a JSON object, or what ringside would change has an unexpected
/// shape (nothing is guessed: the user's file is left alone).
pub fn install(text: &str, part: Part, ringside: &str) -> Result<Edited, String> {
    let root = parse(text)?;
    let obj = root_object(&root)?;
    let change = match part {
        Part::Statusline => install_statusline(&obj, ringside)?,
        Part::Hooks => install_hooks(&obj, ringside)?,
    };
    if change == Change::Unchanged {
        return Ok(Edited {
            text: text.to_owned(),
            change,
        });
    }
    Ok(finish(&root, text, change))
}

fn install_statusline(obj: &CstObject, ringside: &str) -> Result<Change, String> {
    let ours_cmd = format!("{ringside} statusline");
    let chain = |old: &str| format!("{ours_cmd} --chain {}", shell_quote(old));
    let Some(prop) = unique(obj, "statusLine", "")? else {
        obj.append("statusLine", status_line(ours_cmd));
        return Ok(Change::Added { chained: None });
    };
    let value = prop.value();
    if let Some(line) = value.as_ref().and_then(CstNode::as_object) {
        let command = unique(&line, "command", "\"statusLine\".")?;
        let old = command
            .as_ref()
            .and_then(|c| string_value(c.value()))
            .filter(|c| !c.trim().is_empty());
        if old
            .as_deref()
            .is_some_and(|c| ours(c, "statusline").is_some())
        {
            return Ok(Change::Unchanged);
        }
        let new = old.as_deref().map_or_else(|| ours_cmd.clone(), chain);
        match command {
            Some(c) => c.set_value(new.into()),
            None => {
                line.append("command", new.into());
            }
        }
        let kind = unique(&line, "type", "\"statusLine\".")?;
        match kind {
            Some(k) if string_value(k.value()).as_deref() == Some("command") => {}
            Some(k) => k.set_value("command".into()),
            None => {
                line.insert(0, "type", "command".into());
            }
        }
        return Ok(Change::Added { chained: old });
    }
    if let Some(s) = value.as_ref().and_then(CstNode::as_string_lit) {
        // A bare command string: kept, chained, in the object form Claude Code documents.
        let old = s.decoded_value().ok().filter(|c| !c.trim().is_empty());
        let new = old.as_deref().map_or_else(|| ours_cmd.clone(), chain);
        prop.set_value(status_line(new));
        return Ok(Change::Added { chained: old });
    }
    if value.as_ref().is_none_or(|v| v.as_null_keyword().is_some()) {
        prop.set_value(status_line(ours_cmd));
        return Ok(Change::Added { chained: None });
    }
    Err("\"statusLine\" in settings.json is neither an object nor a command; fix it first".into())
}

fn install_hooks(obj: &CstObject, ringside: &str) -> Result<Change, String> {
    let command = format!("{ringside} hook");
    let Some(hooks) = unique(obj, "hooks", "")? else {
        let events = HOOK_EVENTS
            .iter()
            .map(|e| (*e, CstInputValue::Array(vec![hook_group(&command)])))
            .collect();
        obj.append("hooks", object(events));
        return Ok(Change::Added { chained: None });
    };
    let hooks = hooks
        .object_value()
        .ok_or_else(|| "\"hooks\" in settings.json is not an object".to_owned())?;
    let mut added = false;
    for event in HOOK_EVENTS {
        let Some(list) = unique(&hooks, event, "\"hooks\".")? else {
            hooks.append(event, CstInputValue::Array(vec![hook_group(&command)]));
            added = true;
            continue;
        };
        let list = list
            .array_value()
            .ok_or_else(|| format!("\"hooks\".\"{event}\" in settings.json is not a list"))?;
        let present = list.elements().iter().any(|group| {
            group_hooks(group)
                .iter()
                .any(|h| hook_command(h).is_some_and(|c| ours(&c, "hook").is_some()))
        });
        if !present {
            list.append(hook_group(&command));
            added = true;
        }
    }
    Ok(if added {
        Change::Added { chained: None }
    } else {
        Change::Unchanged
    })
}

/// The hook entries of one matcher group (`{"matcher": …, "hooks": [...]}`).
fn group_hooks(group: &CstNode) -> Vec<CstNode> {
    group
        .as_object()
        .and_then(|g| g.get("hooks"))
        .and_then(|h| h.array_value())
        .map(|a| a.elements())
        .unwrap_or_default()
}

fn hook_command(hook: &CstNode) -> Option<String> {
    string_value(hook.as_object()?.get("command")?.value())
}

/// Takes ringside's `part` out of the settings `text`: exactly what [`install`] added, and the
/// chained status line command back in its place.
///
/// # Errors
/// When the settings are not valid JSON or not an object.
pub fn uninstall(text: &str, part: Part) -> Result<Edited, String> {
    if text.trim().is_empty() {
        return Ok(Edited {
            text: text.to_owned(),
            change: Change::Unchanged,
        });
    }
    let root = parse(text)?;
    let obj = root_object(&root)?;
    let change = match part {
        Part::Statusline => uninstall_statusline(&obj)?,
        Part::Hooks => uninstall_hooks(&obj)?,
    };
    if change == Change::Unchanged {
        return Ok(Edited {
            text: text.to_owned(),
            change,
        });
    }
    Ok(finish(&root, text, change))
}

fn uninstall_statusline(obj: &CstObject) -> Result<Change, String> {
    let Some(prop) = unique(obj, "statusLine", "")? else {
        return Ok(Change::Unchanged);
    };
    let Some(line) = prop.object_value() else {
        return Ok(Change::Unchanged);
    };
    let Some(command) = unique(&line, "command", "\"statusLine\".")? else {
        return Ok(Change::Unchanged);
    };
    let Some(found) = string_value(command.value()).and_then(|c| ours(&c, "statusline")) else {
        return Ok(Change::Unchanged);
    };
    if let Some(old) = found.chained {
        command.set_value(old.clone().into());
        return Ok(Change::Removed {
            restored: Some(old),
        });
    }
    // What install wrote whole is removed whole; keys of the user's stay.
    let only_ours = line.properties().iter().all(|p| {
        p.decoded_name()
            .is_some_and(|n| matches!(n.as_str(), "type" | "command" | "padding"))
    });
    if only_ours {
        prop.remove();
    } else {
        command.remove();
    }
    Ok(Change::Removed { restored: None })
}

fn uninstall_hooks(obj: &CstObject) -> Result<Change, String> {
    let Some(hooks_prop) = unique(obj, "hooks", "")? else {
        return Ok(Change::Unchanged);
    };
    let Some(hooks) = hooks_prop.object_value() else {
        return Ok(Change::Unchanged);
    };
    let mut removed = false;
    for event in hooks.properties() {
        let Some(list) = event.array_value() else {
            continue;
        };
        let mut removed_here = false;
        for group in list.elements() {
            let entries = group_hooks(&group);
            let mine: Vec<&CstNode> = entries
                .iter()
                .filter(|h| hook_command(h).is_some_and(|c| ours(&c, "hook").is_some()))
                .collect();
            if mine.is_empty() {
                continue;
            }
            removed_here = true;
            let only_mine = mine.len() == entries.len()
                && group.as_object().is_some_and(|g| {
                    g.properties().iter().all(|p| {
                        p.decoded_name()
                            .is_some_and(|n| matches!(n.as_str(), "hooks" | "matcher"))
                    })
                });
            if only_mine {
                group.remove();
            } else {
                for h in mine {
                    h.clone().remove();
                }
            }
        }
        if removed_here && list.elements().is_empty() {
            event.remove();
        }
        removed |= removed_here;
    }
    if !removed {
        return Ok(Change::Unchanged);
    }
    if hooks.properties().is_empty() {
        hooks_prop.remove();
    }
    Ok(Change::Removed { restored: None })
}

// ---------------------------------------------------------------------------------------------
// Writing the file.

/// `path` with every symlink followed (a dotfiles link is written through, not replaced), also
/// when the final target does not exist yet.
///
/// # Errors
/// A link loop, or a link that cannot be read.
pub fn resolve(path: &Path) -> std::io::Result<PathBuf> {
    let mut p = path.to_path_buf();
    for _ in 0..40 {
        match std::fs::symlink_metadata(&p) {
            Ok(m) if m.file_type().is_symlink() => {
                let target = std::fs::read_link(&p)?;
                p = match p.parent() {
                    Some(dir) if target.is_relative() => dir.join(target),
                    _ => target,
                };
            }
            Ok(_) => return Ok(p),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(p),
            Err(e) => return Err(e),
        }
    }
    Err(std::io::Error::other(format!(
        "{}: too many levels of symbolic links",
        path.display()
    )))
}

/// The settings as read: their text (`None`: no file yet) and permission bits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Snapshot {
    pub text: Option<String>,
    /// Unix permission bits (`0o644`…) of the file, when it exists.
    pub mode: Option<u32>,
}

impl Snapshot {
    /// Whether the file exists and nobody may write it (a 0444 file is the user saying "leave
    /// this alone": ringside respects that even where it could write, as root).
    #[must_use]
    pub fn read_only(&self) -> bool {
        self.mode.is_some_and(|m| m & 0o222 == 0)
    }
}

/// Reads the settings at `real` (a path [`resolve`]d already).
///
/// # Errors
/// When the file exists but cannot be read, or is not UTF-8.
pub fn read(real: &Path) -> std::io::Result<Snapshot> {
    match std::fs::read(real) {
        Ok(bytes) => {
            let mode = std::fs::metadata(real).ok().map(|m| mode_of(&m));
            let text = String::from_utf8(bytes).map_err(|_| {
                std::io::Error::new(std::io::ErrorKind::InvalidData, "not UTF-8 text")
            })?;
            Ok(Snapshot {
                text: Some(text),
                mode,
            })
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Snapshot {
            text: None,
            mode: None,
        }),
        Err(e) => Err(e),
    }
}

#[cfg(unix)]
fn mode_of(m: &std::fs::Metadata) -> u32 {
    use std::os::unix::fs::PermissionsExt as _;
    m.permissions().mode() & 0o7777
}

#[cfg(not(unix))]
fn mode_of(m: &std::fs::Metadata) -> u32 {
    if m.permissions().readonly() {
        0o444
    } else {
        0o644
    }
}

/// Permissions for a settings file ringside creates (it may come to hold keys in `env`).
const NEW_FILE_MODE: u32 = 0o600;

/// Creates `path` (which must not exist) with `mode` from the first byte on.
fn create_with_mode(path: &Path, mode: u32) -> std::io::Result<File> {
    let mut o = std::fs::OpenOptions::new();
    o.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt as _;
        o.mode(mode & 0o777);
    }
    let f = o.open(path)?;
    // The umask may have taken bits away; never add any beyond the original's.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        f.set_permissions(std::fs::Permissions::from_mode(mode & 0o7777))?;
    }
    #[cfg(not(unix))]
    let _ = mode;
    Ok(f)
}

/// Why [`commit`] wrote nothing.
#[derive(Debug)]
pub enum CommitError {
    /// The file is read-only (its mode).
    ReadOnly(u32),
    /// The file changed after it was read: merge again on this, or refuse.
    Changed(Snapshot),
    Io(std::io::Error),
}

impl std::fmt::Display for CommitError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::ReadOnly(m) => write!(f, "it is read-only (mode {m:04o})"),
            Self::Changed(_) => f.write_str("it changed while ringside was writing it"),
            Self::Io(e) => e.fmt(f),
        }
    }
}

impl std::error::Error for CommitError {}

impl From<std::io::Error> for CommitError {
    fn from(e: std::io::Error) -> Self {
        Self::Io(e)
    }
}

/// What [`commit`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Committed {
    /// The copy of the replaced file, when there was one.
    pub backup: Option<PathBuf>,
}

/// Replaces the settings at `real` (resolved) with `new`, when they still are `expected`.
///
/// The previous file is copied to `<backup_as>.ringside-backup-<stamp>` first (`backup_as` is
/// the path the user knows, the link rather than its target; `stamp` names the date and time; a
/// number is added rather than overwrite an earlier backup). The
/// new text goes to a temporary file beside `real` created with the original's permissions,
/// is synced, and the file is compared with `expected` once more right before the rename
/// (`before_rename` runs just before that comparison: tests use it to change the file there).
///
/// # Errors
/// [`CommitError::ReadOnly`], [`CommitError::Changed`] (nothing written, the backup removed),
/// or an I/O error.
pub fn commit(
    real: &Path,
    expected: &Snapshot,
    new: &str,
    backup_as: &Path,
    stamp: &str,
    before_rename: &mut dyn FnMut(),
) -> Result<Committed, CommitError> {
    let now = read(real)?;
    if now != *expected {
        return Err(CommitError::Changed(now));
    }
    if let Some(mode) = now.mode.filter(|_| now.read_only()) {
        return Err(CommitError::ReadOnly(mode));
    }
    let mode = now.mode.unwrap_or(NEW_FILE_MODE);
    let name = real
        .file_name()
        .ok_or_else(|| std::io::Error::other("no file name"))?
        .to_string_lossy()
        .into_owned();
    let dir = real
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)?;
    let backup = match &now.text {
        Some(text) => Some(write_backup(backup_as, stamp, text, mode)?),
        None => None,
    };
    let tmp = dir.join(format!(".{name}.ringside-{}.tmp", std::process::id()));
    let result = (|| {
        let _ = std::fs::remove_file(&tmp);
        let mut f = create_with_mode(&tmp, mode)?;
        f.write_all(new.as_bytes())?;
        f.sync_all()?;
        drop(f);
        before_rename();
        let last = read(real)?;
        if last != now {
            return Err(CommitError::Changed(last));
        }
        std::fs::rename(&tmp, real)?;
        // The rename itself reaches the disk with the folder.
        if let Ok(d) = File::open(dir) {
            let _ = d.sync_all();
        }
        Ok(())
    })();
    if let Err(e) = result {
        let _ = std::fs::remove_file(&tmp);
        if let Some(b) = &backup {
            let _ = std::fs::remove_file(b);
        }
        return Err(e);
    }
    Ok(Committed { backup })
}

fn write_backup(beside: &Path, stamp: &str, text: &str, mode: u32) -> std::io::Result<PathBuf> {
    let name = beside.file_name().unwrap_or_default().to_string_lossy();
    for n in 1..1000 {
        let suffix = if n == 1 {
            String::new()
        } else {
            format!("-{n}")
        };
        let to = beside.with_file_name(format!("{name}.ringside-backup-{stamp}{suffix}"));
        match create_with_mode(&to, mode) {
            Ok(mut f) => {
                f.write_all(text.as_bytes())?;
                f.sync_all()?;
                return Ok(to);
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
            Err(e) => return Err(e),
        }
    }
    Err(std::io::Error::other("too many backups with the same time"))
}

/// An advisory lock that serialises ringside processes editing one settings file; released
/// when dropped.
#[derive(Debug)]
pub struct Lock {
    _file: File,
}

/// How long [`lock`] waits for another ringside process before giving up.
pub const LOCK_WAIT: Duration = Duration::from_secs(10);

/// Takes the lock for the settings at `real` (resolved) in `lock_dir`, ringside's own folder.
///
/// # Errors
/// When the lock file cannot be created, or another ringside holds it for [`LOCK_WAIT`].
pub fn lock(lock_dir: &Path, real: &Path) -> std::io::Result<Lock> {
    std::fs::create_dir_all(lock_dir)?;
    let key = crate::core::hash::hash(real.as_os_str().as_encoded_bytes());
    let path = lock_dir.join(format!("claude-settings-{key:016x}.lock"));
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)?;
    let step = Duration::from_millis(20);
    let mut waited = Duration::ZERO;
    loop {
        match file.try_lock() {
            Ok(()) => return Ok(Lock { _file: file }),
            Err(std::fs::TryLockError::WouldBlock) if waited < LOCK_WAIT => {
                std::thread::sleep(step);
                waited += step;
            }
            Err(std::fs::TryLockError::WouldBlock) => {
                return Err(std::io::Error::new(
                    std::io::ErrorKind::WouldBlock,
                    format!(
                        "another ringside is changing {} (lock {}); try again",
                        real.display(),
                        path.display()
                    ),
                ));
            }
            Err(std::fs::TryLockError::Error(e)) => return Err(e),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{Value, json};

    fn value(text: &str) -> Value {
        serde_json::from_str(text).unwrap()
    }

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
    fn quoting_round_trips_through_the_word_splitter() {
        assert_eq!(shell_quote("/usr/bin/x"), "/usr/bin/x");
        assert_eq!(shell_quote("bash ~/s.sh"), "'bash ~/s.sh'");
        assert_eq!(shell_quote("echo 'hi'"), r"'echo '\''hi'\'''");
        for s in ["bash ~/s.sh", "echo 'hi' | jq", "a\"b", "$(x)", "ünï"] {
            assert_eq!(
                shell_words(&shell_quote(s)),
                Some(vec![s.to_owned()]),
                "{s}"
            );
        }
    }

    #[test]
    fn only_ringside_itself_is_ours() {
        let yes = [
            ("ringside statusline", None),
            ("/usr/local/bin/ringside statusline", None),
            ("'/home/a b/ringside' statusline", None),
            (
                "ringside statusline --chain 'bash ~/l.sh'",
                Some("bash ~/l.sh"),
            ),
        ];
        for (c, chained) in yes {
            assert_eq!(
                ours(c, "statusline"),
                Some(Ours {
                    chained: chained.map(str::to_owned)
                }),
                "{c}"
            );
        }
        for c in [
            "ringside-old statusline",
            "ringsidex statusline",
            "/opt/ringside/bin/other statusline",
            "ringside statusline; rm -rf ~",
            "ringside statusline --chain a b",
            "ringside statusline --now x",
            "ringside hook",
            "ringside",
            "",
        ] {
            assert_eq!(ours(c, "statusline"), None, "{c}");
        }
        assert!(ours("ringside hook", "hook").is_some());
        assert!(ours("ringside hook --chain x", "hook").is_none());
    }

    #[test]
    fn statusline_install_chains_the_old_command_and_keeps_its_keys() {
        let text = r#"{"model": "opus", "statusLine": {"type": "command", "command": "bash ~/line.sh", "padding": 2}, "z": [1]}"#;
        let e = install(text, Part::Statusline, "ringside").unwrap();
        assert_eq!(
            e.change,
            Change::Added {
                chained: Some("bash ~/line.sh".into())
            }
        );
        assert_eq!(
            value(&e.text),
            json!({"model": "opus", "statusLine": {"type": "command", "command": "ringside statusline --chain 'bash ~/line.sh'", "padding": 2}, "z": [1]})
        );
        let again = install(&e.text, Part::Statusline, "ringside").unwrap();
        assert_eq!(again.change, Change::Unchanged);
        assert_eq!(again.text, e.text);
        let back = uninstall(&e.text, Part::Statusline).unwrap();
        assert_eq!(
            back.change,
            Change::Removed {
                restored: Some("bash ~/line.sh".into())
            }
        );
        assert_eq!(back.text, text);
    }

    #[test]
    fn statusline_install_into_nothing() {
        for empty in ["", "  \n", "{}", "{}\n"] {
            let e = install(empty, Part::Statusline, "/opt/ringside").unwrap();
            assert_eq!(
                value(&e.text),
                json!({"statusLine": {"type": "command", "command": "/opt/ringside statusline", "padding": 0}}),
                "{empty:?}"
            );
            assert_eq!(e.text.ends_with('\n'), empty != "{}", "{empty:?}");
        }
        assert!(install("[1]", Part::Statusline, "ringside").is_err());
        assert!(install("{\"statusLine\": 3}", Part::Statusline, "ringside").is_err());
        assert!(install("{\"a\": 1,}", Part::Statusline, "ringside").is_err());
        assert!(install("{\"a\": 1} // c", Part::Statusline, "ringside").is_err());
    }

    #[test]
    fn hooks_install_adds_beside_existing_hooks_once_and_uninstall_takes_only_ours() {
        let text = r#"{"hooks": {"Stop": [{"hooks": [{"type": "command", "command": "notify-send done"}]}]}, "env": {"A": "1"}}"#;
        let e = install(text, Part::Hooks, "ringside").unwrap();
        assert_eq!(e.change, Change::Added { chained: None });
        let v = value(&e.text);
        let stop = v["hooks"]["Stop"].as_array().unwrap();
        assert_eq!(stop.len(), 2);
        assert_eq!(stop[0]["hooks"][0]["command"], "notify-send done");
        assert_eq!(stop[1]["hooks"][0]["command"], "ringside hook");
        assert_eq!(stop[1]["hooks"][0]["timeout"], HOOK_TIMEOUT);
        for ev in HOOK_EVENTS {
            assert!(v["hooks"][ev].is_array(), "{ev}");
        }
        assert_eq!(v["env"]["A"], "1");
        assert_eq!(
            install(&e.text, Part::Hooks, "ringside").unwrap().change,
            Change::Unchanged
        );
        // A one-line object ringside adds to becomes multi-line; the rest of it is kept.
        let back = uninstall(&e.text, Part::Hooks).unwrap();
        assert_eq!(value(&back.text), value(text));
        assert!(
            back.text
                .contains(r#"{"hooks": [{"type": "command", "command": "notify-send done"}]}"#)
        );
        assert!(install(r#"{"hooks": []}"#, Part::Hooks, "ringside").is_err());
        assert!(install(r#"{"hooks": {"Stop": {}}}"#, Part::Hooks, "ringside").is_err());
        // Someone else's `ringside-hook` is not ours: ours is added beside it, and stays put on
        // uninstall.
        let theirs = r#"{"hooks": {"Stop": [{"hooks": [{"type": "command", "command": "ringside-old hook"}]}]}}"#;
        let e = install(theirs, Part::Hooks, "ringside").unwrap();
        assert_eq!(value(&e.text)["hooks"]["Stop"].as_array().unwrap().len(), 2);
        assert_eq!(
            value(&uninstall(&e.text, Part::Hooks).unwrap().text),
            value(theirs)
        );
    }

    #[test]
    fn a_hook_shared_with_the_users_in_one_group_leaves_the_group() {
        let text = r#"{"hooks": {"Stop": [{"matcher": "", "hooks": [{"type": "command", "command": "x"}, {"type": "command", "command": "ringside hook"}]}]}}"#;
        let e = uninstall(text, Part::Hooks).unwrap();
        assert_eq!(
            value(&e.text),
            json!({"hooks": {"Stop": [{"matcher": "", "hooks": [{"type": "command", "command": "x"}]}]}})
        );
    }

    #[test]
    fn duplicated_keys_ringside_would_touch_are_refused_others_kept() {
        let e = install(
            r#"{"statusLine": {"command": "a"}, "statusLine": {}}"#,
            Part::Statusline,
            "r",
        );
        assert!(e.unwrap_err().contains("twice"));
        let e = install(r#"{"hooks": {"Stop": [], "Stop": []}}"#, Part::Hooks, "r");
        assert!(e.unwrap_err().contains("twice"));
        let text = "{\"x\": 1, \"x\": 2}";
        let e = install(text, Part::Statusline, "ringside").unwrap();
        assert!(
            e.text.starts_with("{\n  \"x\": 1,\n  \"x\": 2,\n"),
            "{}",
            e.text
        );
    }

    #[test]
    fn resolve_follows_relative_and_dangling_links() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        std::fs::create_dir_all(d.join("dot")).unwrap();
        std::os::unix::fs::symlink("dot/real.json", d.join("link.json")).unwrap();
        assert_eq!(
            resolve(&d.join("link.json")).unwrap(),
            d.join("dot/real.json")
        );
        std::os::unix::fs::symlink("loop", d.join("loop")).unwrap();
        assert!(resolve(&d.join("loop")).is_err());
        assert_eq!(resolve(&d.join("plain")).unwrap(), d.join("plain"));
    }

    #[cfg(unix)]
    #[test]
    fn the_temporary_file_is_never_more_open_than_the_original() {
        use std::os::unix::fs::PermissionsExt as _;
        let dir = tempfile::tempdir().unwrap();
        let real = dir.path().join("settings.json");
        std::fs::write(&real, "{}").unwrap();
        std::fs::set_permissions(&real, std::fs::Permissions::from_mode(0o600)).unwrap();
        let snap = read(&real).unwrap();
        let mut seen = Vec::new();
        let done = commit(
            &real,
            &snap,
            "{\"a\": 1}\n",
            &real,
            "2026-01-01-000000",
            &mut || {
                for e in std::fs::read_dir(dir.path()).unwrap() {
                    let e = e.unwrap();
                    let mode = e.metadata().unwrap().permissions().mode() & 0o777;
                    seen.push((e.file_name().to_string_lossy().into_owned(), mode));
                }
            },
        )
        .unwrap();
        assert!(seen.iter().any(|(n, _)| n.ends_with(".tmp")), "{seen:?}");
        for (name, mode) in &seen {
            assert_eq!(*mode, 0o600, "{name}");
        }
        let b = done.backup.unwrap();
        assert_eq!(std::fs::read_to_string(b).unwrap(), "{}");
        assert_eq!(read(&real).unwrap().mode, Some(0o600));
    }

    #[test]
    fn a_change_made_before_the_rename_is_reported_and_nothing_is_written() {
        let dir = tempfile::tempdir().unwrap();
        let real = dir.path().join("settings.json");
        std::fs::write(&real, "{}").unwrap();
        let snap = read(&real).unwrap();
        let r = commit(&real, &snap, "{\"ours\": 1}\n", &real, "s", &mut || {
            std::fs::write(&real, "{\"theirs\": 1}").unwrap();
        });
        match r {
            Err(CommitError::Changed(now)) => {
                assert_eq!(now.text.as_deref(), Some("{\"theirs\": 1}"));
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(std::fs::read_to_string(&real).unwrap(), "{\"theirs\": 1}");
        let left: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(left.len(), 1, "no temporary file and no backup left");
        // Read-only: refused before anything is created.
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            std::fs::set_permissions(&real, std::fs::Permissions::from_mode(0o444)).unwrap();
            let snap = read(&real).unwrap();
            let r = commit(&real, &snap, "{}", &real, "s", &mut || {});
            assert!(matches!(r, Err(CommitError::ReadOnly(0o444))), "{r:?}");
        }
    }

    #[test]
    fn the_lock_excludes_a_second_holder_until_dropped() {
        let dir = tempfile::tempdir().unwrap();
        let real = dir.path().join("settings.json");
        let first = lock(dir.path(), &real).unwrap();
        let key = crate::core::hash::hash(real.as_os_str().as_encoded_bytes());
        let f = std::fs::File::open(dir.path().join(format!("claude-settings-{key:016x}.lock")))
            .unwrap();
        assert!(matches!(
            f.try_lock(),
            Err(std::fs::TryLockError::WouldBlock)
        ));
        drop(first);
        assert!(f.try_lock().is_ok());
    }
}

#[cfg(test)]
mod proptests {
    use super::*;
    use proptest::prelude::*;

    /// Arbitrary JSON values, with numbers as text (so big integers and exponents appear).
    fn json_text() -> impl Strategy<Value = String> {
        let leaf = prop_oneof![
            Just("null".to_owned()),
            Just("true".to_owned()),
            "-?[1-9][0-9]{0,30}".prop_map(|s| s),
            "-?[0-9]\\.[0-9]{1,5}[eE][+-]?[0-9]{1,3}".prop_map(|s| s),
            "[a-zA-Z0-9 é\\\\/]{0,8}".prop_map(|s| serde_json::to_string(&s).unwrap()),
        ];
        leaf.prop_recursive(3, 24, 4, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..4)
                    .prop_map(|v| format!("[{}]", v.join(", "))),
                prop::collection::vec(("[a-z]{1,3}", inner), 0..4).prop_map(|v| {
                    let body: Vec<String> =
                        v.into_iter().map(|(k, v)| format!("\"{k}\":{v}")).collect();
                    format!("{{\n  {}\n}}", body.join(",\n  "))
                }),
            ]
        })
    }

    /// A settings file: an object of arbitrary members (keys may repeat), never ours.
    fn settings() -> impl Strategy<Value = String> {
        (
            prop::collection::vec(("(model|env|x|y|permissions)", json_text()), 0..5),
            prop_oneof![Just("  "), Just("\t"), Just("    ")],
            any::<bool>(),
        )
            .prop_map(|(members, indent, newline)| {
                let body: Vec<String> = members
                    .into_iter()
                    .map(|(k, v)| format!("{indent}\"{k}\": {v}"))
                    .collect();
                let mut t = if body.is_empty() {
                    "{}".to_owned()
                } else {
                    format!("{{\n{}\n}}", body.join(",\n"))
                };
                if newline {
                    t.push('\n');
                }
                t
            })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(200))]

        /// Install then uninstall gives back exactly the user's bytes (plus a final newline),
        /// and installed settings hold everything the original held, as Claude Code reads it.
        #[test]
        fn install_then_uninstall_is_the_identity(text in settings(), hooks_first in any::<bool>()) {
            let parts = if hooks_first {
                [Part::Hooks, Part::Statusline]
            } else {
                [Part::Statusline, Part::Hooks]
            };
            let mut t = text.clone();
            for p in parts {
                let e = install(&t, p, "ringside").unwrap();
                let added = matches!(e.change, Change::Added { .. });
                prop_assert!(added, "{:?}", e.change);
                t = e.text;
            }
            // (serde_json refuses numbers beyond f64, which JSON and Claude Code allow.)
            if let Ok(before) = serde_json::from_str::<serde_json::Value>(&text) {
                let after: serde_json::Value = serde_json::from_str(&t).unwrap();
                for (k, v) in before.as_object().unwrap() {
                    prop_assert_eq!(after.get(k), Some(v));
                }
            }
            for p in parts.into_iter().rev() {
                let e = uninstall(&t, p).unwrap();
                let removed = matches!(e.change, Change::Removed { .. });
                prop_assert!(removed, "{:?}", e.change);
                t = e.text;
            }
            prop_assert_eq!(t, text);
        }
    }
}
