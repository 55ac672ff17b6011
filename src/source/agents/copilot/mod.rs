//! GitHub Copilot CLI at the edge: `$COPILOT_HOME` (default `~/.copilot`) holds
//! `session-state/<session id>/events.jsonl` (1.0.11+) or, before that, flat
//! `session-state/<session id>.jsonl`. Sub-agents are inline in the session's events (their
//! events carry `parentToolCallId`), so a session is one file. The `workspace.yaml` beside the
//! events is not read.

use std::path::{Path, PathBuf};

use crate::core::agents::Format;
use crate::core::agents::copilot::start_cwd;
use crate::source::discover::{
    Edge, Roots, SessionFile, base_folder, env_and_home, head, modified,
};

/// Copilot CLI's edge adapter.
pub const EDGE: Edge = Edge {
    sessions,
    session_id,
    subagents_of: |_| Vec::new(),
    listing_dirs: |_| Vec::new(),
    is_main_session,
    is_part_of: |_, _| false,
    is_transcript,
    first_cwd,
    claims: Some(claims),
    describe_roots,
    where_: WHERE,
    elsewhere: ELSEWHERE,
};

/// Where the sessions are, for `--help`.
pub const WHERE: &str =
    "Copilot CLI sessions are found under $COPILOT_HOME/session-state (default ~/.copilot).";

/// How to point ringside at sessions elsewhere.
pub const ELSEWHERE: &str = "set COPILOT_HOME";

/// Where to look, from the environment (`COPILOT_HOME`, `HOME`).
#[must_use]
pub fn roots_from_env() -> Roots {
    let (env, home) = env_and_home("COPILOT_HOME");
    roots(env.as_deref(), home.as_deref())
}

/// Where to look, from explicit values.
#[must_use]
pub fn roots(copilot_home: Option<&str>, home: Option<&Path>) -> Roots {
    let (base, from_env) = base_folder(copilot_home, home, Some(".copilot"));
    let mut out = Roots::default();
    if from_env {
        out.env.push(Format::Copilot);
    }
    let Some(base) = base else { return out };
    let dir = base.join("session-state");
    if dir.is_dir() {
        out.copilot.push(dir);
    } else if from_env {
        out.missing.push(base);
    }
    out
}

/// Where ringside looked, for error messages.
#[must_use]
pub fn describe_roots(roots: &Roots) -> String {
    if roots.env.contains(&Format::Copilot) {
        "COPILOT_HOME has no session-state/ folder".into()
    } else {
        "looked in ~/.copilot/session-state".into()
    }
}

/// `events.jsonl` in a session's folder, or a flat session file in `session-state/`.
#[must_use]
pub fn is_transcript(path: &Path) -> bool {
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    name == "events.jsonl"
        || (path.extension().is_some_and(|e| e == "jsonl")
            && path
                .parent()
                .and_then(Path::file_name)
                .is_some_and(|d| d == "session-state"))
}

fn claims(path: &Path) -> Option<Format> {
    is_transcript(path).then_some(Format::Copilot)
}

/// Every file of this layout is a session's.
#[must_use]
pub fn is_main_session(path: &Path) -> bool {
    is_transcript(path)
}

/// The session id: the folder's name (`events.jsonl`) or the file's stem (flat).
#[must_use]
pub fn session_id(path: &Path) -> Option<String> {
    let own = if path.file_name().is_some_and(|n| n == "events.jsonl") {
        path.parent()?.file_name()?
    } else {
        path.file_stem()?
    };
    own.to_str().map(str::to_owned)
}

/// Every session under these `session-state/` folders.
pub fn sessions(folders: &[PathBuf], out: &mut Vec<SessionFile>) {
    for root in folders {
        let Ok(entries) = std::fs::read_dir(root) else {
            continue;
        };
        for e in entries.flatten() {
            let p = e.path();
            let file = if p.is_dir() {
                p.join("events.jsonl")
            } else if p.extension().is_some_and(|x| x == "jsonl") {
                p
            } else {
                continue;
            };
            let Ok(meta) = std::fs::metadata(&file) else {
                continue;
            };
            if !meta.is_file() {
                continue;
            }
            out.push(SessionFile {
                id: session_id(&file).unwrap_or_else(|| "session".into()),
                size: meta.len(),
                modified: modified(&meta),
                subagents: Vec::new(),
                path: file,
                format: Format::Copilot,
            });
        }
    }
}

/// The working directory `session.start` names, in the file's first 64 KiB.
#[must_use]
pub fn first_cwd(path: &Path) -> Option<String> {
    let bytes = head(path, 64 * 1024)?;
    bytes.split(|b| *b == b'\n').find_map(start_cwd)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_layouts_are_sessions_and_named_by_their_id() {
        let tmp = tempfile::tempdir().unwrap();
        let state = tmp.path().join(".copilot/session-state");
        std::fs::create_dir_all(state.join("abc-1")).unwrap();
        std::fs::write(
            state.join("abc-1/events.jsonl"),
            "{\"type\":\"session.start\",\"data\":{\"sessionId\":\"abc-1\",\"context\":{\"cwd\":\"/w\"}}}\n",
        )
        .unwrap();
        std::fs::write(state.join("abc-1/workspace.yaml"), "name: x\n").unwrap();
        std::fs::write(state.join("old-2.jsonl"), "{}\n").unwrap();
        let r = roots(None, Some(tmp.path()));
        assert_eq!(r.copilot, vec![state.clone()]);
        let mut all = Vec::new();
        sessions(&r.copilot, &mut all);
        let mut ids: Vec<&str> = all.iter().map(|s| s.id.as_str()).collect();
        ids.sort_unstable();
        assert_eq!(ids, ["abc-1", "old-2"]);
        assert_eq!(
            first_cwd(&state.join("abc-1/events.jsonl")).as_deref(),
            Some("/w")
        );
        assert!(!is_transcript(&state.join("abc-1/workspace.yaml")));
    }
}
