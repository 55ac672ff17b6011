//! Claude Code at the edge: where its transcripts live, and which files make up a session.
//!
//! Roots follow Claude Code: every entry of `CLAUDE_CONFIG_DIR` (comma-separated; an entry may be
//! the config dir or its `projects/` folder), else `~/.config/claude` and `~/.claude`. Each root
//! holds `projects/<encoded-cwd>/<session-id>.jsonl`. A session's sub-agents are
//! `<session-id>/subagents/agent-*.jsonl` (2.1+), flat `agent-*.jsonl` beside the sessions whose
//! lines carry the parent's `sessionId` (2.0), or inline `isSidechain` lines (1.0, handled by the
//! parser in `core::agents::claude`). The folder name is a lossy encoding of the cwd, so nothing
//! here decodes it: the project's directory comes from the lines' `cwd`.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use crate::core::agents::Format;
use crate::source::discover::{Edge, Roots, SessionFile, modified};

/// Claude Code's edge adapter.
pub const EDGE: Edge = Edge {
    sessions,
    session_id,
    subagents_of,
    listing_dirs,
    is_main_session,
    is_part_of,
    is_transcript,
    first_cwd,
    claims: None,
    describe_roots,
    where_: WHERE,
    elsewhere: ELSEWHERE,
};

/// Where the transcripts are, for `--help`.
pub const WHERE: &str = "Transcripts are found under $CLAUDE_CONFIG_DIR (comma-separated), ~/.config/claude and ~/.claude.";

/// How to point ringside at transcripts elsewhere, for error messages.
pub const ELSEWHERE: &str = "set CLAUDE_CONFIG_DIR";

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

/// Where ringside looked, for error messages.
#[must_use]
pub fn describe_roots(roots: &Roots) -> String {
    if roots.from_env {
        let missing: Vec<String> = roots
            .missing
            .iter()
            .map(|p| p.display().to_string())
            .collect();
        format!(
            "CLAUDE_CONFIG_DIR has no projects/ folder: {}",
            missing.join(", ")
        )
    } else {
        "looked in ~/.config/claude/projects and ~/.claude/projects".into()
    }
}

/// Every main session file under these `projects/` folders (unsorted). The project folders are
/// listed in parallel: a heavy user's thousands of sessions cost a `stat` each, and on two cores
/// that was about 7% of a cold review of many small sessions.
pub fn sessions(projects: &[PathBuf], out: &mut Vec<SessionFile>) {
    use rayon::prelude::*;
    let dirs: Vec<PathBuf> = projects
        .iter()
        .filter_map(|projects| std::fs::read_dir(projects).ok())
        .flat_map(|dirs| dirs.flatten().map(|d| d.path()))
        .filter(|p| p.is_dir())
        .collect();
    let found: Vec<Vec<SessionFile>> = dirs
        .par_iter()
        .map(|dir| {
            let mut found = Vec::new();
            sessions_in(dir, &mut found);
            found
        })
        .collect();
    out.extend(found.into_iter().flatten());
}

/// The main session files in one project folder, with their sub-agent files attached.
pub fn sessions_in(dir: &Path, out: &mut Vec<SessionFile>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let entries: Vec<std::fs::DirEntry> = entries.flatten().collect();
    // A session's sub-agent files live under a folder named like it: only a name listed here as
    // a folder (or a link, or of unknown type) can hold them, so the many sessions without
    // one cost no failed `opendir` each.
    let folders: std::collections::HashSet<std::ffi::OsString> = entries
        .iter()
        .filter(|e| e.file_type().map_or(true, |t| !t.is_file()))
        .map(std::fs::DirEntry::file_name)
        .collect();
    let mut flat_agents = Vec::new();
    let start = out.len();
    for e in entries {
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
        let subagents = if folders.contains(std::ffi::OsStr::new(stem)) {
            subagent_files(&dir.join(stem).join("subagents"))
        } else {
            Vec::new()
        };
        out.push(SessionFile {
            id: stem.to_owned(),
            size: meta.len(),
            modified: modified(&meta),
            subagents,
            path,
            format: Format::Claude,
        });
    }
    for path in flat_agents {
        let Some(parent) = first_session_id(&path) else {
            continue;
        };
        if let Some(s) = out[start..].iter_mut().find(|s| s.id == parent) {
            s.subagents.push((flat_agent_name(&path), path));
        }
    }
}

/// The session id of a main session file: its stem.
#[must_use]
pub fn session_id(path: &Path) -> Option<String> {
    path.file_stem().and_then(|s| s.to_str()).map(str::to_owned)
}

/// The sub-agent files of one session file: (agent id, path).
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
                found.push((flat_agent_name(&path), path));
            }
        }
    }
    found
}

/// The folders whose entries decide [`subagents_of`]: while neither changes (its modification
/// time), the list of sub-agent files stays the same.
#[must_use]
pub fn listing_dirs(session: &Path) -> Vec<PathBuf> {
    let dir = session.parent().unwrap_or(Path::new(".")).to_path_buf();
    match jsonl_stem(session) {
        Some(stem) => vec![dir.join(stem).join("subagents"), dir],
        None => vec![dir],
    }
}

/// A main session file (not a sub-agent's).
#[must_use]
pub fn is_main_session(path: &Path) -> bool {
    jsonl_stem(path).is_some_and(|s| !s.starts_with("agent-"))
        && path
            .parent()
            .and_then(Path::file_name)
            .is_some_and(|d| d != "subagents")
}

/// A file that may belong to the session `session`: anything in its own folder, or an older
/// flat `agent-*.jsonl` beside it (the reader re-lists; cheap when nothing changed).
#[must_use]
pub fn is_part_of(path: &Path, session: &Path) -> bool {
    let own_dir = session.with_extension("");
    path.starts_with(&own_dir)
        || (path.parent() == session.parent()
            && jsonl_stem(path).is_some_and(|s| s.starts_with("agent-")))
}

/// Whether a file event for `path` can concern a transcript.
#[must_use]
pub fn is_transcript(path: &Path) -> bool {
    path.extension().is_some_and(|e| e == "jsonl")
}

/// The first `cwd` in a file's first 64 KiB.
#[must_use]
pub fn first_cwd(path: &Path) -> Option<String> {
    #[derive(serde::Deserialize)]
    struct Line {
        cwd: Option<String>,
    }
    find_in_head(path, |line| serde_json::from_slice::<Line>(line).ok()?.cwd)
}

fn flat_agent_name(path: &Path) -> String {
    jsonl_stem(path)
        .unwrap_or("agent")
        .trim_start_matches("agent-")
        .to_owned()
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
fn find_in_head<T>(path: &Path, f: impl FnMut(&[u8]) -> Option<T>) -> Option<T> {
    use std::io::Read;
    let mut head = Vec::new();
    crate::source::tail::open(path)
        .ok()?
        .take(64 * 1024)
        .read_to_end(&mut head)
        .ok()?;
    head.split(|b| *b == b'\n').find_map(f)
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
        let mut all = Vec::new();
        sessions(&[tmp.path().join("projects")], &mut all);
        assert_eq!(all.len(), 1);
        let agents: Vec<&str> = all[0].subagents.iter().map(|(a, _)| a.as_str()).collect();
        assert_eq!(agents, vec!["abc", "flat"]);
        let s1 = proj.join("s1.jsonl");
        assert_eq!(subagents_of(&s1).len(), 2);
        for (_, p) in subagents_of(&s1) {
            assert!(is_part_of(&p, &s1), "{}", p.display());
            assert!(!is_main_session(&p), "{}", p.display());
        }
        assert!(is_main_session(&s1));
        assert_eq!(
            listing_dirs(&s1),
            vec![proj.join("s1/subagents"), proj.clone()]
        );
    }
}
