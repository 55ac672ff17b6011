//! Gemini CLI at the edge: `$GEMINI_CLI_HOME/.gemini` (default `~/.gemini`) holds
//! `tmp/<project>/chats/session-*.jsonl` (0.40+) and `session-*.json` (0.39 and earlier, one
//! document rewritten whole). `<project>` is a hash or a slug of the project's directory; newer
//! versions write the directory itself to `tmp/<project>/.project_root`, which is where a
//! session's working directory comes from (the session file does not name it). Sub-agent
//! sessions (`kind: "subagent"`) name no parent, so they are not listed as anyone's sessions.

use std::path::{Path, PathBuf};

use crate::core::agents::Format;
use crate::core::agents::gemini::{header_kind, session_id as head_session_id};
use crate::source::discover::{
    Edge, Roots, SessionFile, base_folder, env_and_home, head, modified,
};

/// Gemini CLI's edge adapter (both of its formats).
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
    "Gemini CLI sessions are found under $GEMINI_CLI_HOME/.gemini/tmp (default ~/.gemini).";

/// How to point ringside at sessions elsewhere.
pub const ELSEWHERE: &str = "set GEMINI_CLI_HOME";

/// Where to look, from the environment (`GEMINI_CLI_HOME`, `HOME`).
#[must_use]
pub fn roots_from_env() -> Roots {
    let (env, home) = env_and_home("GEMINI_CLI_HOME");
    roots(env.as_deref(), home.as_deref())
}

/// Where to look, from explicit values.
#[must_use]
pub fn roots(cli_home: Option<&str>, home: Option<&Path>) -> Roots {
    let (base, from_env) = base_folder(cli_home, home, None);
    let mut out = Roots::default();
    if from_env {
        out.env.push(Format::Gemini);
    }
    let Some(base) = base else { return out };
    let dir = base.join(".gemini/tmp");
    if dir.is_dir() {
        out.gemini.push(dir);
    } else if from_env {
        out.missing.push(base);
    }
    out
}

/// Where ringside looked, for error messages.
#[must_use]
pub fn describe_roots(roots: &Roots) -> String {
    if roots.env.contains(&Format::Gemini) {
        "GEMINI_CLI_HOME has no .gemini/tmp/ folder".into()
    } else {
        "looked in ~/.gemini/tmp".into()
    }
}

/// A session file: `session-*.jsonl` or `session-*.json` in a `chats/` folder.
#[must_use]
pub fn is_transcript(path: &Path) -> bool {
    claims(path).is_some()
}

fn claims(path: &Path) -> Option<Format> {
    let name = path.file_name()?.to_str()?;
    let in_chats = path
        .parent()
        .and_then(Path::file_name)
        .is_some_and(|d| d == "chats");
    if !(name.starts_with("session-") && in_chats) {
        return None;
    }
    match path.extension()?.to_str()? {
        "jsonl" => Some(Format::Gemini),
        "json" => Some(Format::GeminiJson),
        _ => None,
    }
}

/// A main session (not a `kind: "subagent"` JSONL session).
#[must_use]
pub fn is_main_session(path: &Path) -> bool {
    match claims(path) {
        Some(Format::Gemini) => first_line(path)
            .and_then(|l| header_kind(&l))
            .is_none_or(|k| k != "subagent"),
        Some(_) => true,
        None => false,
    }
}

fn first_line(path: &Path) -> Option<Vec<u8>> {
    let mut bytes = head(path, 64 * 1024)?;
    if let Some(end) = memchr::memchr(b'\n', &bytes) {
        bytes.truncate(end);
    }
    Some(bytes)
}

/// The session's `sessionId`, else the file's stem.
#[must_use]
pub fn session_id(path: &Path) -> Option<String> {
    head(path, 8 * 1024)
        .and_then(|h| head_session_id(&h))
        .or_else(|| path.file_stem()?.to_str().map(str::to_owned))
}

/// Every main session under these `tmp/` folders.
pub fn sessions(folders: &[PathBuf], out: &mut Vec<SessionFile>) {
    for root in folders {
        let Ok(projects) = std::fs::read_dir(root) else {
            continue;
        };
        for project in projects.flatten() {
            let Ok(files) = std::fs::read_dir(project.path().join("chats")) else {
                continue;
            };
            for f in files.flatten() {
                let path = f.path();
                let Some(format) = claims(&path) else {
                    continue;
                };
                let Ok(meta) = f.metadata() else { continue };
                if !meta.is_file() || !is_main_session(&path) {
                    continue;
                }
                out.push(SessionFile {
                    id: session_id(&path).unwrap_or_else(|| "session".into()),
                    size: meta.len(),
                    modified: modified(&meta),
                    subagents: Vec::new(),
                    path,
                    format,
                });
            }
        }
    }
}

/// The project's directory, from `<project>/.project_root` beside `chats/`.
#[must_use]
pub fn first_cwd(path: &Path) -> Option<String> {
    let project = path.parent()?.parent()?;
    let root = std::fs::read_to_string(project.join(".project_root")).ok()?;
    let root = root.trim();
    (!root.is_empty()).then(|| root.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_formats_are_found_and_sub_agent_sessions_left_out() {
        let tmp = tempfile::tempdir().unwrap();
        let chats = tmp.path().join(".gemini/tmp/app/chats");
        std::fs::create_dir_all(&chats).unwrap();
        std::fs::write(tmp.path().join(".gemini/tmp/app/.project_root"), "/w/app\n").unwrap();
        std::fs::write(
            chats.join("session-2026-05-01T10-00-aaaa.jsonl"),
            "{\"sessionId\":\"g-new\",\"projectHash\":\"h\",\"kind\":\"main\"}\n",
        )
        .unwrap();
        std::fs::write(
            chats.join("session-2026-05-01T10-05-bbbb.jsonl"),
            "{\"sessionId\":\"g-sub\",\"projectHash\":\"h\",\"kind\":\"subagent\"}\n",
        )
        .unwrap();
        std::fs::write(
            chats.join("session-2025-01-01T10-00-cccc.json"),
            "{\n  \"sessionId\": \"g-old\",\n  \"messages\": []\n}\n",
        )
        .unwrap();
        let r = roots(None, Some(tmp.path()));
        let mut all = Vec::new();
        sessions(&r.gemini, &mut all);
        let mut got: Vec<(&str, Format)> = all.iter().map(|s| (s.id.as_str(), s.format)).collect();
        got.sort();
        assert_eq!(
            got,
            [("g-new", Format::Gemini), ("g-old", Format::GeminiJson)]
        );
        assert_eq!(first_cwd(&all[0].path).as_deref(), Some("/w/app"));
    }
}
