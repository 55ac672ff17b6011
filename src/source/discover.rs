//! Finding sessions, for every agent format: the roots to scan, the session files under them, and
//! which sub-agent files belong to a session.
//!
//! Each format's layout is its adapter's (`source/agents/<format>/`); this module only asks each
//! adapter and merges the answers, so the rest of the edge never names a format's files.

use std::path::{Path, PathBuf};

use thiserror::Error;

use super::agents::{claude, codex, copilot, gemini};
use crate::core::Millis;
use crate::core::agents::Format;

/// The transcript roots to scan. Each format has its folders here (Claude Code's are its
/// `projects/` folders); code outside the adapters goes through the methods.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Roots {
    /// Claude Code's existing `projects/` folders, deduplicated.
    pub projects: Vec<PathBuf>,
    /// Codex's existing session folders (live and archived).
    pub codex: Vec<PathBuf>,
    /// Copilot CLI's existing session folders.
    pub copilot: Vec<PathBuf>,
    /// Gemini CLI's existing session folders (both of its formats live there).
    pub gemini: Vec<PathBuf>,
    /// Configured roots that do not exist (worth saying, not an error).
    pub missing: Vec<PathBuf>,
    /// Whether Claude Code's roots came from its environment variable.
    pub from_env: bool,
    /// The other formats whose roots came from their environment variable.
    pub env: Vec<Format>,
}

impl Roots {
    /// The existing folders of one format (Gemini CLI's, under its JSONL format, hold both).
    #[must_use]
    pub fn folders(&self, format: Format) -> &[PathBuf] {
        match format {
            Format::Claude => &self.projects,
            Format::Codex => &self.codex,
            Format::Copilot => &self.copilot,
            Format::Gemini => &self.gemini,
            Format::GeminiJson => &[],
        }
    }

    /// Every existing folder, with its format (what `watch` watches).
    pub fn all_folders(&self) -> impl Iterator<Item = (Format, &Path)> {
        Format::ALL
            .into_iter()
            .flat_map(move |f| self.folders(f).iter().map(move |p| (f, p.as_path())))
    }

    /// No transcript folder at all (a fresh machine).
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.all_folders().next().is_none()
    }

    /// The format whose folders hold `path`, if any does (refined by the file's name where an
    /// agent keeps two formats in one folder).
    #[must_use]
    pub fn format_of(&self, path: &Path) -> Option<Format> {
        self.all_folders()
            .find(|(_, root)| path.starts_with(root))
            .map(|(f, _)| edge(f).claims.and_then(|c| c(path)).unwrap_or(f))
    }

    /// Only the folders of these formats (`--agent`).
    #[must_use]
    pub fn only(&self, formats: &[Format]) -> Roots {
        let keep = |f: Format, v: &[PathBuf]| {
            if formats.contains(&f) {
                v.to_vec()
            } else {
                Vec::new()
            }
        };
        Roots {
            projects: keep(Format::Claude, &self.projects),
            codex: keep(Format::Codex, &self.codex),
            copilot: keep(Format::Copilot, &self.copilot),
            gemini: if formats.contains(&Format::Gemini) || formats.contains(&Format::GeminiJson) {
                self.gemini.clone()
            } else {
                Vec::new()
            },
            missing: self.missing.clone(),
            from_env: self.from_env,
            env: self.env.clone(),
        }
    }

    /// Adds another format's roots (each adapter finds its own).
    fn merge(&mut self, other: Roots) {
        self.projects.extend(other.projects);
        self.codex.extend(other.codex);
        self.copilot.extend(other.copilot);
        self.gemini.extend(other.gemini);
        self.missing.extend(other.missing);
        self.from_env |= other.from_env;
        self.env.extend(other.env);
    }

    /// The same roots, each found folder absolute ([`std::path::absolute`]: joined to the
    /// working directory when relative, `.` dropped, `..` and symbolic links kept as Unix has them).
    /// One that cannot be made absolute (no working directory) stays as it was. Missing ones
    /// stay as configured, for the messages.
    #[must_use]
    pub fn absolute(mut self) -> Self {
        for list in [
            &mut self.projects,
            &mut self.codex,
            &mut self.copilot,
            &mut self.gemini,
        ] {
            for p in list.iter_mut() {
                if let Ok(a) = std::path::absolute(&*p) {
                    *p = a;
                }
            }
        }
        self
    }

    /// Where ringside looked, for error messages.
    #[must_use]
    pub fn describe(&self) -> String {
        agents()
            .map(|e| (e.describe_roots)(self))
            .collect::<Vec<_>>()
            .join("; ")
    }
}

/// One agent's edge adapter: where its files are and which files make up a session. Every
/// format's folder under `source/agents/` fills one in; [`edge`] is the only `match` over formats
/// at the edge, so a new format adds one arm here.
pub struct Edge {
    /// Every main session file under these folders (unsorted), with its sub-agent files.
    pub sessions: fn(&[PathBuf], &mut Vec<SessionFile>),
    /// The session id of a main session file.
    pub session_id: fn(&Path) -> Option<String>,
    /// The sub-agent files of one session file: (agent id, path).
    pub subagents_of: fn(&Path) -> Vec<(String, PathBuf)>,
    /// The folders whose entries decide `subagents_of` (listed again only when one changes).
    pub listing_dirs: fn(&Path) -> Vec<PathBuf>,
    /// A main session file (not a sub-agent's).
    pub is_main_session: fn(&Path) -> bool,
    /// A file that may belong to the session (its sub-agents).
    pub is_part_of: fn(&Path, &Path) -> bool,
    /// Whether a file event for this path can concern a transcript.
    pub is_transcript: fn(&Path) -> bool,
    /// The working directory a session file names first.
    pub first_cwd: fn(&Path) -> Option<String>,
    /// The format of a file by its name, when its name says (an agent with two formats).
    pub claims: Option<fn(&Path) -> Option<Format>>,
    /// Where the adapter looked, for error messages.
    pub describe_roots: fn(&Roots) -> String,
    /// Where the transcripts are, for `--help`.
    pub where_: &'static str,
    /// How to point ringside at transcripts elsewhere.
    pub elsewhere: &'static str,
}

/// The edge adapter of a format.
#[must_use]
pub fn edge(format: Format) -> &'static Edge {
    match format {
        Format::Claude => &claude::EDGE,
        Format::Codex => &codex::EDGE,
        Format::Copilot => &copilot::EDGE,
        Format::Gemini | Format::GeminiJson => &gemini::EDGE,
    }
}

/// Each agent's adapter once (Gemini CLI's two formats share one).
fn agents() -> impl Iterator<Item = &'static Edge> {
    [
        Format::Claude,
        Format::Codex,
        Format::Copilot,
        Format::Gemini,
    ]
    .into_iter()
    .map(edge)
}

/// Where to look, from the environment, for every format. A folder an agent's variable names
/// relative to the working directory (`./x`) is made absolute (symbolic links kept, nothing
/// read), so a session's path, and with it its summary cache entry, is the same whichever
/// folder ringside runs from.
#[must_use]
pub fn roots_from_env() -> Roots {
    let mut roots = claude::roots_from_env();
    roots.merge(codex::roots_from_env());
    roots.merge(copilot::roots_from_env());
    roots.merge(gemini::roots_from_env());
    roots.absolute()
}

/// Where the transcripts are, for `--help`.
#[must_use]
pub fn where_help() -> String {
    agents().map(|e| e.where_).collect::<Vec<_>>().join("\n")
}

/// One session's files.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionFile {
    /// The session id (for Claude Code, the file stem).
    pub id: String,
    pub path: PathBuf,
    pub size: u64,
    pub modified: Option<Millis>,
    /// Sub-agent transcripts: (agent id, path).
    pub subagents: Vec<(String, PathBuf)>,
    pub format: Format,
}

/// Every main session file under the roots, newest first (by modification time).
#[must_use]
pub fn sessions(roots: &Roots) -> Vec<SessionFile> {
    let mut out = Vec::new();
    for format in Format::ALL {
        let folders = roots.folders(format);
        if !folders.is_empty() {
            (edge(format).sessions)(folders, &mut out);
        }
    }
    out.sort_by(|a, b| {
        b.modified
            .cmp(&a.modified)
            .then_with(|| a.path.cmp(&b.path))
    });
    out
}

/// The format of a session file named by path: by its name where an agent's files are named
/// their own way (`rollout-*.jsonl`, `events.jsonl`, `session-*.json`), else by what its first
/// lines hold; Claude Code's when nothing says otherwise.
#[must_use]
pub fn format_of_file(path: &Path) -> Format {
    for e in agents() {
        if let Some(f) = e.claims.and_then(|c| c(path)) {
            return f;
        }
    }
    head(path, 64 * 1024)
        .and_then(|h| Format::sniff(&h))
        .unwrap_or_default()
}

/// The first `max` bytes of a file.
pub(crate) fn head(path: &Path, max: u64) -> Option<Vec<u8>> {
    use std::io::Read;
    let mut head = Vec::new();
    super::tail::open(path)
        .ok()?
        .take(max)
        .read_to_end(&mut head)
        .ok()?;
    Some(head)
}

/// The sub-agent files of one session file (for `score PATH`).
#[must_use]
pub fn subagents_of(session: &Path) -> Vec<(String, PathBuf)> {
    subagents_for(format_of_file(session), session)
}

/// The sub-agent files of one session file of `format`: (agent id, path).
#[must_use]
pub fn subagents_for(format: Format, session: &Path) -> Vec<(String, PathBuf)> {
    (edge(format).subagents_of)(session)
}

/// The folders whose entries decide [`subagents_for`]: while none of them changes, the list of
/// sub-agent files stays the same (the live readers re-list only then).
#[must_use]
pub fn listing_dirs(format: Format, session: &Path) -> Vec<PathBuf> {
    (edge(format).listing_dirs)(session)
}

/// A main session file of `format` (not a sub-agent's).
#[must_use]
pub fn is_main_session(format: Format, path: &Path) -> bool {
    (edge(format).is_main_session)(path)
}

/// A file that may belong to the session `session` (its sub-agents): a change there is a reason
/// to read the session again.
#[must_use]
pub fn is_part_of(format: Format, path: &Path, session: &Path) -> bool {
    (edge(format).is_part_of)(path, session)
}

/// Whether a file event for `path` can concern a transcript of any format.
#[must_use]
pub fn may_be_transcript(path: &Path) -> bool {
    agents().any(|e| (e.is_transcript)(path))
}

/// The working directory a session file names first, if it does early on.
#[must_use]
pub fn first_cwd(format: Format, path: &Path) -> Option<String> {
    (edge(format).first_cwd)(path)
}

/// The session id of a main session file.
#[must_use]
pub fn session_id(format: Format, path: &Path) -> Option<String> {
    (edge(format).session_id)(path)
}

/// A session file named by path, with its sub-agent files.
///
/// # Errors
/// When it cannot be looked at (its size and time are read here).
pub fn session_file(path: &Path) -> std::io::Result<SessionFile> {
    let meta = std::fs::metadata(path)?;
    let format = format_of_file(path);
    Ok(SessionFile {
        id: session_id(format, path).unwrap_or_else(|| "session".into()),
        path: path.to_path_buf(),
        size: meta.len(),
        modified: modified(&meta),
        subagents: subagents_for(format, path),
        format,
    })
}

/// An agent's folder named by an environment variable: its value and the home folder, read
/// from the environment (for an adapter's `roots_from_env`).
#[must_use]
pub fn env_and_home(var: &str) -> (Option<String>, Option<PathBuf>) {
    let home = directories::BaseDirs::new().map(|d| d.home_dir().to_path_buf());
    (std::env::var(var).ok(), home)
}

/// The base folder an agent keeps its sessions under, and whether the environment named it:
/// the variable's value when it is set and not blank, else `under_home` in the home folder
/// (the home folder itself when `None`).
#[must_use]
pub fn base_folder(
    from_var: Option<&str>,
    home: Option<&Path>,
    under_home: Option<&str>,
) -> (Option<PathBuf>, bool) {
    match from_var.map(str::trim).filter(|c| !c.is_empty()) {
        Some(c) => (Some(PathBuf::from(c)), true),
        None => (
            home.map(|h| under_home.map_or_else(|| h.to_path_buf(), |d| h.join(d))),
            false,
        ),
    }
}

/// A file's modification time.
#[must_use]
pub fn modified(meta: &std::fs::Metadata) -> Option<Millis> {
    let d = meta
        .modified()
        .ok()?
        .duration_since(std::time::UNIX_EPOCH)
        .ok()?;
    Some(Millis(i64::try_from(d.as_millis()).ok()?))
}

/// Why a session named on the command line was not found.
#[derive(Debug, Error)]
pub enum FindError {
    #[error("no such file: {0}")]
    NoSuchFile(String),
    #[error("cannot read {path}: {error}", path = .path.display())]
    Unreadable {
        path: PathBuf,
        error: std::io::Error,
    },
    #[error(
        "'{target}' is not a file, and no transcript folder was found ({looked}); pass a path, or {elsewhere}"
    )]
    NoRoots {
        target: String,
        looked: String,
        elsewhere: String,
    },
    #[error(
        "no session '{id}' among {count} session files (and it is not a file path); `ringside sessions` lists them"
    )]
    NoMatch { id: String, count: usize },
    #[error("'{id}' matches {count} sessions ({some}…); give more of the id")]
    Ambiguous {
        id: String,
        count: usize,
        some: String,
    },
}

/// A path as given, or a session id looked up under the transcript roots.
///
/// # Errors
/// A missing file, no transcript folder, or no (or more than one) session with that id.
pub fn resolve(target: &str) -> Result<SessionFile, FindError> {
    let path = Path::new(target);
    let looks_like_path = target.contains('/') || may_be_transcript(path);
    if path.exists() || looks_like_path {
        if !path.exists() {
            return Err(FindError::NoSuchFile(target.to_owned()));
        }
        return session_file(path).map_err(|error| FindError::Unreadable {
            path: path.to_path_buf(),
            error,
        });
    }
    let roots = roots_from_env();
    if roots.is_empty() {
        return Err(FindError::NoRoots {
            target: target.to_owned(),
            looked: roots.describe(),
            elsewhere: agents()
                .map(|e| e.elsewhere)
                .collect::<Vec<_>>()
                .join(" or "),
        });
    }
    find_session(&sessions(&roots), target)
}

/// Finds a session by id (or a unique id prefix of at least 4 characters).
///
/// # Errors
/// Naming what was searched when nothing, or more than one session, matches.
pub fn find_session(all: &[SessionFile], id: &str) -> Result<SessionFile, FindError> {
    if let Some(s) = all.iter().find(|s| s.id == id) {
        return Ok(s.clone());
    }
    let matches: Vec<&SessionFile> = if id.len() >= 4 {
        all.iter().filter(|s| s.id.starts_with(id)).collect()
    } else {
        Vec::new()
    };
    match matches.as_slice() {
        [one] => Ok((*one).clone()),
        [] => Err(FindError::NoMatch {
            id: id.to_owned(),
            count: all.len(),
        }),
        many => Err(FindError::Ambiguous {
            id: id.to_owned(),
            count: many.len(),
            some: many
                .iter()
                .take(3)
                .map(|s| s.id.as_str())
                .collect::<Vec<_>>()
                .join(", "),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_agents_base_folder_comes_from_its_variable_or_the_home_folder() {
        let home = Some(Path::new("/h"));
        assert_eq!(
            base_folder(Some(" /c "), home, Some(".codex")),
            (Some(PathBuf::from("/c")), true)
        );
        assert_eq!(
            base_folder(Some("  "), home, Some(".codex")),
            (Some(PathBuf::from("/h/.codex")), false),
            "a blank variable is no variable"
        );
        assert_eq!(
            base_folder(None, home, None),
            (Some(PathBuf::from("/h")), false)
        );
        assert_eq!(base_folder(None, None, Some(".codex")), (None, false));
    }

    #[test]
    fn sessions_are_newest_first_across_folders() {
        let tmp = tempfile::tempdir().unwrap();
        let (a, b) = (tmp.path().join("a/-p"), tmp.path().join("b/-q"));
        std::fs::create_dir_all(&a).unwrap();
        std::fs::create_dir_all(&b).unwrap();
        std::fs::write(a.join("old.jsonl"), "{}\n").unwrap();
        std::fs::write(b.join("new.jsonl"), "{}\n").unwrap();
        let t = std::time::UNIX_EPOCH + std::time::Duration::from_secs(1_000_000);
        std::fs::File::options()
            .write(true)
            .open(a.join("old.jsonl"))
            .unwrap()
            .set_modified(t)
            .unwrap();
        let roots = Roots {
            projects: vec![tmp.path().join("a"), tmp.path().join("b")],
            ..Roots::default()
        };
        let ids: Vec<String> = sessions(&roots).into_iter().map(|s| s.id).collect();
        assert_eq!(ids, vec!["new", "old"]);
        assert_eq!(roots.format_of(&b.join("new.jsonl")), Some(Format::Claude));
        assert_eq!(roots.format_of(Path::new("/elsewhere/x.jsonl")), None);
        assert!(!roots.is_empty());
        assert!(Roots::default().is_empty());
    }

    #[test]
    fn find_by_unique_prefix() {
        let mk = |id: &str| SessionFile {
            id: id.into(),
            path: PathBuf::from(id),
            size: 0,
            modified: None,
            subagents: vec![],
            format: Format::Claude,
        };
        let all = vec![
            mk("258c7280-ae70"),
            mk("258d0000-0000"),
            mk("ae4a77f8-aedd"),
        ];
        assert_eq!(find_session(&all, "ae4a").unwrap().id, "ae4a77f8-aedd");
        assert!(
            find_session(&all, "258")
                .unwrap_err()
                .to_string()
                .contains("no session")
        );
        assert!(find_session(&all, "258c").is_ok());
        assert!(find_session(&all, "25").is_err());
        let all = vec![mk("abcd1"), mk("abcd2")];
        assert_eq!(
            find_session(&all, "abcd").unwrap_err().to_string(),
            "'abcd' matches 2 sessions (abcd1, abcd2…); give more of the id"
        );
    }
}
