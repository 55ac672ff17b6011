//! Where transcripts live, and which files make up a session.
//!
//! Roots follow Claude Code: every entry of `CLAUDE_CONFIG_DIR` (comma-separated; an entry may be
//! the config dir or its `projects/` folder), else `~/.config/claude` and `~/.claude`. Each root
//! holds `projects/<encoded-cwd>/<session-id>.jsonl`. A session's sub-agents are
//! `<session-id>/subagents/agent-*.jsonl` (2.1+), flat `agent-*.jsonl` beside the sessions whose
//! lines carry the parent's `sessionId` (2.0), or inline `isSidechain` lines (1.0, handled by the
//! parser). The folder name is a lossy encoding of the cwd, so nothing here decodes it: the
//! project's directory comes from the lines' `cwd`.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use crate::core::Millis;

/// The transcript roots to scan.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Roots {
    /// Existing `projects/` folders, deduplicated.
    pub projects: Vec<PathBuf>,
    /// Configured roots that do not exist (worth saying, not an error).
    pub missing: Vec<PathBuf>,
    /// Whether the roots came from `CLAUDE_CONFIG_DIR`.
    pub from_env: bool,
}

/// Where to look, from the environment (`CLAUDE_CONFIG_DIR`, `HOME`, `XDG_CONFIG_HOME`).
#[must_use]
pub fn roots_from_env() -> Roots {
    let home = directories::BaseDirs::new().map(|d| d.home_dir().to_path_buf());
    let xdg = std::env::var_os("XDG_CONFIG_HOME")
        .map(PathBuf::from)
        .filter(|p| p.is_absolute());
    let env = std::env::var("CLAUDE_CONFIG_DIR").ok();
    roots(env.as_deref(), home.as_deref(), xdg.as_deref())
}

/// Where to look, from explicit values (testable without touching the environment).
#[must_use]
pub fn roots(config_dir: Option<&str>, home: Option<&Path>, xdg_config: Option<&Path>) -> Roots {
    let mut candidates = Vec::new();
    let from_env = config_dir.is_some_and(|c| !c.trim().is_empty());
    if let Some(list) = config_dir.filter(|_| from_env) {
        for part in list.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            candidates.push(expand_home(part, home));
        }
    } else {
        let config = xdg_config
            .map(Path::to_path_buf)
            .or_else(|| home.map(|h| h.join(".config")));
        if let Some(c) = config {
            candidates.push(c.join("claude"));
        }
        if let Some(h) = home {
            candidates.push(h.join(".claude"));
        }
    }
    let mut out = Roots {
        from_env,
        ..Roots::default()
    };
    let mut seen = BTreeSet::new();
    for c in candidates {
        let projects = if c.file_name().is_some_and(|n| n == "projects") {
            c.clone()
        } else {
            c.join("projects")
        };
        if projects.is_dir() {
            let key = projects.canonicalize().unwrap_or_else(|_| projects.clone());
            if seen.insert(key) {
                out.projects.push(projects);
            }
        } else if from_env || c.exists() {
            out.missing.push(c);
        }
    }
    out
}

fn expand_home(p: &str, home: Option<&Path>) -> PathBuf {
    match (
        p.strip_prefix("~/")
            .or(if p == "~" { Some("") } else { None }),
        home,
    ) {
        (Some(rest), Some(h)) => h.join(rest),
        _ => PathBuf::from(p),
    }
}

/// One session's files.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionFile {
    /// The session id: the file stem.
    pub id: String,
    pub path: PathBuf,
    pub size: u64,
    pub modified: Option<Millis>,
    /// Sub-agent transcripts: (agent id, path).
    pub subagents: Vec<(String, PathBuf)>,
}

/// Every main session file under the roots, newest first (by modification time).
#[must_use]
pub fn sessions(roots: &Roots) -> Vec<SessionFile> {
    let mut out = Vec::new();
    for projects in &roots.projects {
        let Ok(dirs) = std::fs::read_dir(projects) else {
            continue;
        };
        for dir in dirs.flatten() {
            let p = dir.path();
            if p.is_dir() {
                sessions_in(&p, &mut out);
            }
        }
    }
    out.sort_by(|a, b| {
        b.modified
            .cmp(&a.modified)
            .then_with(|| a.path.cmp(&b.path))
    });
    out
}

/// The main session files in one project folder, with their sub-agent files attached.
pub fn sessions_in(dir: &Path, out: &mut Vec<SessionFile>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut flat_agents = Vec::new();
    let start = out.len();
    for e in entries.flatten() {
        let path = e.path();
        let Some(stem) = jsonl_stem(&path) else {
            continue;
        };
        if stem.starts_with("agent-") {
            flat_agents.push(path);
            continue;
        }
        let Ok(meta) = e.metadata() else { continue };
        if !meta.is_file() {
            continue;
        }
        let subagents = subagent_files(&dir.join(stem).join("subagents"));
        out.push(SessionFile {
            id: stem.to_owned(),
            size: meta.len(),
            modified: modified(&meta),
            subagents,
            path,
        });
    }
    for path in flat_agents {
        let Some(parent) = first_session_id(&path) else {
            continue;
        };
        if let Some(s) = out[start..].iter_mut().find(|s| s.id == parent) {
            let agent = jsonl_stem(&path)
                .unwrap_or("agent")
                .trim_start_matches("agent-")
                .to_owned();
            s.subagents.push((agent, path));
        }
    }
}

/// The sub-agent files of one session file (for `score PATH`).
#[must_use]
pub fn subagents_of(session: &Path) -> Vec<(String, PathBuf)> {
    let Some(stem) = jsonl_stem(session) else {
        return Vec::new();
    };
    let dir = session.parent().unwrap_or(Path::new("."));
    let mut found = subagent_files(&dir.join(stem).join("subagents"));
    if let Ok(entries) = std::fs::read_dir(dir) {
        for e in entries.flatten() {
            let path = e.path();
            if jsonl_stem(&path).is_some_and(|s| s.starts_with("agent-"))
                && first_session_id(&path).as_deref() == Some(stem)
            {
                let agent = jsonl_stem(&path)
                    .unwrap_or("agent")
                    .trim_start_matches("agent-")
                    .to_owned();
                found.push((agent, path));
            }
        }
    }
    found
}

fn subagent_files(dir: &Path) -> Vec<(String, PathBuf)> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut files: Vec<(String, PathBuf)> = entries
        .flatten()
        .map(|e| e.path())
        .filter_map(|p| {
            let agent = jsonl_stem(&p)?.strip_prefix("agent-")?.to_owned();
            Some((agent, p))
        })
        .collect();
    files.sort();
    files
}

fn jsonl_stem(path: &Path) -> Option<&str> {
    (path.extension()? == "jsonl")
        .then(|| path.file_stem()?.to_str())
        .flatten()
}

fn modified(meta: &std::fs::Metadata) -> Option<Millis> {
    let d = meta
        .modified()
        .ok()?
        .duration_since(std::time::UNIX_EPOCH)
        .ok()?;
    Some(Millis(i64::try_from(d.as_millis()).ok()?))
}

/// The `sessionId` of the first line that has one, looking at most 64 KiB into the file.
fn first_session_id(path: &Path) -> Option<String> {
    #[derive(serde::Deserialize)]
    struct Line {
        #[serde(rename = "sessionId")]
        session_id: Option<String>,
    }
    find_in_head(path, |line| {
        serde_json::from_slice::<Line>(line).ok()?.session_id
    })
}

/// The first `Some` that `f` returns for the lines of the file's first 64 KiB (a session's
/// first lines name its id and working directory; the rest need not be read).
pub(crate) fn find_in_head<T>(path: &Path, f: impl FnMut(&[u8]) -> Option<T>) -> Option<T> {
    use std::io::Read;
    let mut head = Vec::new();
    std::fs::File::open(path)
        .ok()?
        .take(64 * 1024)
        .read_to_end(&mut head)
        .ok()?;
    head.split(|b| *b == b'\n').find_map(f)
}

/// Finds a session by id (or a unique id prefix of at least 4 characters).
///
/// # Errors
/// A message naming what was searched when nothing, or more than one session, matches.
pub fn find_session(all: &[SessionFile], id: &str) -> Result<SessionFile, String> {
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
        [] => Err(format!(
            "no session '{id}' among {} session files (and it is not a file path); `ringside sessions` lists them",
            all.len()
        )),
        many => Err(format!(
            "'{id}' matches {} sessions ({}…); give more of the id",
            many.len(),
            many.iter()
                .take(3)
                .map(|s| s.id.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn config_dir_list_accepts_roots_and_projects_folders() {
        let tmp = tempfile::tempdir().unwrap();
        let a = tmp.path().join("a");
        std::fs::create_dir_all(a.join("projects")).unwrap();
        let b = tmp.path().join("b/projects");
        std::fs::create_dir_all(&b).unwrap();
        let list = format!(
            " {} ,{},{}/nope",
            a.display(),
            b.display(),
            tmp.path().display()
        );
        let r = roots(Some(&list), None, None);
        assert_eq!(r.projects, vec![a.join("projects"), b]);
        assert_eq!(r.missing.len(), 1);
        assert!(r.from_env);
    }

    #[test]
    fn default_roots_are_xdg_then_dot_claude_and_absent_ones_are_quietly_skipped() {
        let tmp = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(tmp.path().join(".claude/projects")).unwrap();
        let r = roots(None, Some(tmp.path()), None);
        assert_eq!(r.projects, vec![tmp.path().join(".claude/projects")]);
        assert!(r.missing.is_empty());
    }

    #[test]
    fn sessions_attach_both_subagent_layouts() {
        let tmp = tempfile::tempdir().unwrap();
        let proj = tmp.path().join("projects/-home-me-app");
        std::fs::create_dir_all(proj.join("s1/subagents")).unwrap();
        std::fs::write(
            proj.join("s1.jsonl"),
            "{\"type\":\"user\",\"sessionId\":\"s1\"}\n",
        )
        .unwrap();
        std::fs::write(proj.join("s1/subagents/agent-abc.jsonl"), "{}\n").unwrap();
        std::fs::write(proj.join("s1/subagents/agent-abc.meta.json"), "{}").unwrap();
        std::fs::write(
            proj.join("agent-flat.jsonl"),
            "{\"type\":\"user\",\"sessionId\":\"s1\",\"isSidechain\":true}\n",
        )
        .unwrap();
        std::fs::write(proj.join("notes.txt"), "x").unwrap();
        let r = Roots {
            projects: vec![tmp.path().join("projects")],
            ..Roots::default()
        };
        let all = sessions(&r);
        assert_eq!(all.len(), 1);
        let agents: Vec<&str> = all[0].subagents.iter().map(|(a, _)| a.as_str()).collect();
        assert_eq!(agents, vec!["abc", "flat"]);
        assert_eq!(subagents_of(&proj.join("s1.jsonl")).len(), 2);
    }

    #[test]
    fn find_by_unique_prefix() {
        let mk = |id: &str| SessionFile {
            id: id.into(),
            path: PathBuf::from(id),
            size: 0,
            modified: None,
            subagents: vec![],
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
                .contains("no session")
        );
        assert!(find_session(&all, "258c").is_ok());
        assert!(find_session(&all, "25").is_err());
        let all = vec![mk("abcd1"), mk("abcd2")];
        assert!(
            find_session(&all, "abcd")
                .unwrap_err()
                .contains("matches 2")
        );
    }
}
