//! OpenAI Codex at the edge: where its rollouts live, and which files make up a session.
//!
//! Roots follow Codex: `$CODEX_HOME` (default `~/.codex`) holds `sessions/YYYY/MM/DD/rollout-
//! <local time>-<thread id>.jsonl` (older flat `sessions/rollout-*.jsonl` too) and
//! `archived_sessions/`. A session is one rollout: a resumed session appends to it. A fork or a
//! sub-agent gets its own rollout, whose first line (`session_meta`) names the thread it came
//! from; it is shown as a sub-agent of that thread, never as a session of its own (unless its
//! parent's file is not on this machine). The date folders are the file's local start date, not
//! its activity: nothing here reads dates from them.

pub mod config;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use crate::core::agents::Format;
use crate::core::agents::codex::{Meta, meta};
use crate::source::discover::{
    Edge, Roots, SessionFile, base_folder, env_and_home, head, modified,
};

/// Codex's edge adapter.
pub const EDGE: Edge = Edge {
    sessions,
    session_id,
    subagents_of,
    listing_dirs,
    is_main_session,
    is_part_of,
    is_transcript,
    first_cwd,
    claims: Some(claims),
    describe_roots,
    where_: WHERE,
    elsewhere: ELSEWHERE,
};

/// Where the rollouts are, for `--help`.
pub const WHERE: &str =
    "Codex rollouts are found under $CODEX_HOME/sessions and archived_sessions (default ~/.codex).";

/// How to point ringside at rollouts elsewhere, for error messages.
pub const ELSEWHERE: &str = "set CODEX_HOME";

/// How deep rollouts sit under a root (`YYYY/MM/DD/file`).
const DEPTH: usize = 4;

/// Where to look, from the environment (`CODEX_HOME`, `HOME`).
#[must_use]
pub fn roots_from_env() -> Roots {
    let (env, home) = env_and_home("CODEX_HOME");
    roots(env.as_deref(), home.as_deref())
}

/// Where to look, from explicit values.
#[must_use]
pub fn roots(codex_home: Option<&str>, home: Option<&Path>) -> Roots {
    let (base, from_env) = base_folder(codex_home, home, Some(".codex"));
    let mut out = Roots::default();
    if from_env {
        out.env.push(Format::Codex);
    }
    let Some(base) = base else { return out };
    for sub in ["sessions", "archived_sessions"] {
        let dir = base.join(sub);
        if dir.is_dir() {
            out.codex.push(dir);
        }
    }
    if out.codex.is_empty() && (from_env || base.exists()) {
        out.missing.push(base);
    }
    out
}

/// Where ringside looked, for error messages.
#[must_use]
pub fn describe_roots(roots: &Roots) -> String {
    if roots.env.contains(&Format::Codex) {
        "CODEX_HOME has no sessions/ folder".into()
    } else {
        "looked in ~/.codex/sessions".into()
    }
}

/// A rollout file: `rollout-*.jsonl`.
#[must_use]
pub fn is_transcript(path: &Path) -> bool {
    path.extension().is_some_and(|e| e == "jsonl")
        && path
            .file_name()
            .and_then(|n| n.to_str())
            .is_some_and(|n| n.starts_with("rollout-"))
}

fn claims(path: &Path) -> Option<Format> {
    is_transcript(path).then_some(Format::Codex)
}

/// The thread id in a rollout's name (`rollout-2026-02-23T12-54-34-<uuid>.jsonl`), else the
/// `session_meta` id.
#[must_use]
pub fn session_id(path: &Path) -> Option<String> {
    let stem = path.file_stem()?.to_str()?;
    let by_name = stem.strip_prefix("rollout-").and_then(|rest| {
        // The id is the last five dash-separated groups (a UUID).
        let parts: Vec<&str> = rest.rsplitn(6, '-').collect();
        (parts.len() == 6
            && parts[..5]
                .iter()
                .all(|p| p.chars().all(|c| c.is_ascii_hexdigit())))
        .then(|| {
            let mut id: Vec<&str> = parts[..5].to_vec();
            id.reverse();
            id.join("-")
        })
    });
    by_name
        .or_else(|| file_meta(path).and_then(|m| m.id))
        .or_else(|| Some(stem.to_owned()))
}

/// The first line's `session_meta` of a rollout (cached per file: it never changes once
/// written).
fn file_meta(path: &Path) -> Option<Meta> {
    static CACHE: Mutex<Option<HashMap<PathBuf, Meta>>> = Mutex::new(None);
    if let Ok(guard) = CACHE.lock()
        && let Some(m) = guard.as_ref().and_then(|c| c.get(path))
    {
        return Some(m.clone());
    }
    // A session_meta line holds the base instructions: it can be tens of KiB.
    let bytes = head(path, 512 * 1024)?;
    let end = memchr::memchr(b'\n', &bytes)?;
    let m = meta(&bytes[..end])?;
    if let Ok(mut guard) = CACHE.lock() {
        let cache = guard.get_or_insert_with(HashMap::new);
        if cache.len() > 8192 {
            cache.clear();
        }
        cache.insert(path.to_path_buf(), m.clone());
    }
    Some(m)
}

/// A main session's rollout: not a fork's or a sub-agent's.
#[must_use]
pub fn is_main_session(path: &Path) -> bool {
    is_transcript(path) && file_meta(path).is_none_or(|m| m.parent.is_none())
}

/// Every rollout under `dir`, at most [`DEPTH`] folders down.
fn rollouts(dir: &Path, depth: usize, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        let Ok(kind) = e.file_type() else { continue };
        if kind.is_dir() && depth > 1 {
            rollouts(&p, depth - 1, out);
        } else if is_transcript(&p) {
            out.push(p);
        }
    }
}

/// Every main session under these folders, its forks and sub-agents attached.
pub fn sessions(folders: &[PathBuf], out: &mut Vec<SessionFile>) {
    let mut files = Vec::new();
    for f in folders {
        rollouts(f, DEPTH, &mut files);
    }
    files.sort();
    files.dedup();
    let mut found: Vec<(SessionFile, Option<String>)> = Vec::new();
    for path in files {
        let Ok(meta_fs) = std::fs::metadata(&path) else {
            continue;
        };
        if !meta_fs.is_file() {
            continue;
        }
        let m = file_meta(&path);
        let id = session_id(&path).unwrap_or_else(|| "session".into());
        found.push((
            SessionFile {
                id,
                size: meta_fs.len(),
                modified: modified(&meta_fs),
                subagents: Vec::new(),
                path,
                format: Format::Codex,
            },
            m.and_then(|m| m.parent),
        ));
    }
    let index: HashMap<String, usize> = found
        .iter()
        .enumerate()
        .map(|(i, (s, _))| (s.id.clone(), i))
        .collect();
    // Children attach to their nearest ancestor that is a main session (a sub-agent's own
    // sub-agents go to the session too).
    let mut parent_of: Vec<Option<usize>> = vec![None; found.len()];
    for (i, (_, parent)) in found.iter().enumerate() {
        parent_of[i] = parent.as_ref().and_then(|p| index.get(p).copied());
    }
    let root = |mut i: usize| {
        for _ in 0..16 {
            match parent_of[i] {
                Some(p) if p != i => i = p,
                _ => break,
            }
        }
        i
    };
    let mut children: Vec<(usize, String, PathBuf)> = Vec::new();
    for i in 0..found.len() {
        if parent_of[i].is_some() {
            let r = root(i);
            if r != i {
                children.push((r, found[i].0.id.clone(), found[i].0.path.clone()));
            }
        }
    }
    let is_child: Vec<bool> = (0..found.len())
        .map(|i| parent_of[i].is_some() && root(i) != i)
        .collect();
    for (r, id, path) in children {
        found[r].0.subagents.push((id, path));
    }
    for (i, (mut s, _)) in found.into_iter().enumerate() {
        if !is_child[i] {
            s.subagents.sort();
            out.push(s);
        }
    }
}

/// The folder that holds the whole tree a rollout belongs to (`sessions/` or
/// `archived_sessions/`): the ancestor of that name, else its day folder.
fn tree_of(session: &Path) -> PathBuf {
    session
        .ancestors()
        .skip(1)
        .find(|d| {
            d.file_name()
                .is_some_and(|n| n == "sessions" || n == "archived_sessions")
        })
        .map_or_else(
            || session.parent().unwrap_or(Path::new(".")).to_path_buf(),
            Path::to_path_buf,
        )
}

/// The forks and sub-agents of a session's rollout (and theirs): (thread id, path). Only
/// rollouts written since the session started can be its children.
#[must_use]
pub fn subagents_of(session: &Path) -> Vec<(String, PathBuf)> {
    let Some(own) = session_id(session) else {
        return Vec::new();
    };
    let since = std::fs::metadata(session)
        .ok()
        .and_then(|m| m.created().or_else(|_| m.modified()).ok());
    let tree = tree_of(session);
    let mut files = Vec::new();
    rollouts(&tree, DEPTH, &mut files);
    if let Some(other) = tree
        .parent()
        .map(|p| p.join("archived_sessions"))
        .filter(|p| *p != tree)
    {
        rollouts(&other, DEPTH, &mut files);
    }
    files.retain(|p| p != session);
    if let Some(since) = since {
        files.retain(|p| {
            std::fs::metadata(p)
                .and_then(|m| m.modified())
                .is_ok_and(|m| m >= since)
        });
    }
    let parents: Vec<(PathBuf, Option<String>, Option<String>)> = files
        .into_iter()
        .map(|p| {
            let m = file_meta(&p);
            let id = session_id(&p);
            (p, id, m.and_then(|m| m.parent))
        })
        .collect();
    // The session's descendants, breadth first.
    let mut wanted = vec![own];
    let mut out: Vec<(String, PathBuf)> = Vec::new();
    let mut i = 0;
    while i < wanted.len() && out.len() < 1000 {
        for (p, id, parent) in &parents {
            if parent.as_deref() == Some(wanted[i].as_str())
                && let Some(id) = id
                && !out.iter().any(|(_, q)| q == p)
            {
                out.push((id.clone(), p.clone()));
                wanted.push(id.clone());
            }
        }
        i += 1;
    }
    out.sort();
    out
}

/// The folders whose entries decide [`subagents_of`] while a session is live: its day folder
/// (a sub-agent's rollout starts beside its parent's).
#[must_use]
pub fn listing_dirs(session: &Path) -> Vec<PathBuf> {
    vec![session.parent().unwrap_or(Path::new(".")).to_path_buf()]
}

/// A rollout whose parent is the session `session` (a fork or sub-agent of it).
#[must_use]
pub fn is_part_of(path: &Path, session: &Path) -> bool {
    is_transcript(path)
        && path != session
        && file_meta(path)
            .and_then(|m| m.parent)
            .is_some_and(|p| session_id(session).is_some_and(|own| own == p))
}

/// The rollout of thread `thread` under these folders (the newest, if it was copied).
#[must_use]
pub fn rollout_of(folders: &[PathBuf], thread: &str) -> Option<PathBuf> {
    let thread = thread.trim();
    if thread.is_empty() {
        return None;
    }
    let mut files = Vec::new();
    for f in folders {
        rollouts(f, DEPTH, &mut files);
    }
    files
        .into_iter()
        .filter(|p| session_id(p).as_deref() == Some(thread))
        .max_by_key(|p| std::fs::metadata(p).and_then(|m| m.modified()).ok())
}

/// The working directory the rollout's `session_meta` names.
#[must_use]
pub fn first_cwd(path: &Path) -> Option<String> {
    file_meta(path).and_then(|m| m.cwd)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rollout(dir: &Path, name_id: &str, meta_payload: &str) -> PathBuf {
        std::fs::create_dir_all(dir).unwrap();
        let p = dir.join(format!("rollout-2026-02-23T12-54-34-{name_id}.jsonl"));
        std::fs::write(
            &p,
            format!(
                "{{\"timestamp\":\"2026-02-23T11:54:34.334Z\",\"type\":\"session_meta\",\"payload\":{meta_payload}}}\n"
            ),
        )
        .unwrap();
        p
    }

    #[test]
    fn roots_come_from_codex_home_or_home() {
        let tmp = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(tmp.path().join(".codex/sessions")).unwrap();
        let r = roots(None, Some(tmp.path()));
        assert_eq!(r.codex, vec![tmp.path().join(".codex/sessions")]);
        let elsewhere = tmp.path().join("ch");
        std::fs::create_dir_all(elsewhere.join("archived_sessions")).unwrap();
        let r = roots(elsewhere.to_str(), Some(tmp.path()));
        assert_eq!(r.codex, vec![elsewhere.join("archived_sessions")]);
        assert!(r.env.contains(&Format::Codex));
        let r = roots(tmp.path().join("nope").to_str(), None);
        assert!(r.codex.is_empty() && r.missing.len() == 1);
    }

    #[test]
    fn forks_and_sub_agents_are_their_parents_sub_agents() {
        let tmp = tempfile::tempdir().unwrap();
        let day = tmp.path().join("sessions/2026/02/23");
        let parent_id = "019c8a59-e9dd-71f0-9ae3-4079fe9726a9";
        let child_id = "019c8a5a-0000-7000-8000-000000000001";
        let grandchild = "019c8a5b-0000-7000-8000-000000000002";
        let fork_id = "019c8a5c-0000-7000-8000-000000000003";
        let main = rollout(
            &day,
            parent_id,
            &format!(r#"{{"id":"{parent_id}","cwd":"/w","source":"cli"}}"#),
        );
        rollout(
            &day,
            child_id,
            &format!(
                r#"{{"id":"{child_id}","source":{{"subagent":{{"thread_spawn":{{"parent_thread_id":"{parent_id}","depth":1}}}}}}}}"#
            ),
        );
        rollout(
            &day,
            grandchild,
            &format!(
                r#"{{"id":"{grandchild}","source":{{"subagent":{{"thread_spawn":{{"parent_thread_id":"{child_id}","depth":2}}}}}}}}"#
            ),
        );
        rollout(
            &tmp.path().join("sessions/2026/02/24"),
            fork_id,
            &format!(r#"{{"id":"{fork_id}","forked_from_id":"{parent_id}"}}"#),
        );
        let orphan = rollout(
            &day,
            "019c8a5d-0000-7000-8000-000000000004",
            r#"{"id":"019c8a5d-0000-7000-8000-000000000004","forked_from_id":"gone"}"#,
        );
        let mut all = Vec::new();
        sessions(&[tmp.path().join("sessions")], &mut all);
        let ids: Vec<&str> = all.iter().map(|s| s.id.as_str()).collect();
        assert_eq!(ids.len(), 2, "{ids:?}: the parent and the orphan fork");
        let s = all.iter().find(|s| s.path == main).unwrap();
        let subs: Vec<&str> = s.subagents.iter().map(|(a, _)| a.as_str()).collect();
        assert_eq!(subs, [child_id, grandchild, fork_id]);
        assert_eq!(session_id(&main).as_deref(), Some(parent_id));
        let found: Vec<String> = subagents_of(&main).into_iter().map(|(a, _)| a).collect();
        assert_eq!(found, [child_id, grandchild, fork_id]);
        assert!(is_main_session(&main));
        // A fork whose parent is not here is listed (its work is not lost), but never taken
        // for a new main session by `watch`.
        assert!(!is_main_session(&orphan));
        assert!(!is_main_session(&s.subagents[0].1));
        assert!(is_part_of(&s.subagents[0].1, &main));
        assert!(!is_part_of(&orphan, &main));
        assert_eq!(first_cwd(&main).as_deref(), Some("/w"));
        assert!(claims(&main).is_some() && claims(Path::new("/x/abc.jsonl")).is_none());
        assert_eq!(
            rollout_of(&[tmp.path().join("sessions")], parent_id),
            Some(main.clone())
        );
        assert_eq!(rollout_of(&[tmp.path().join("sessions")], "nope"), None);
    }
}
