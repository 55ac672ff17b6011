//! What a list of sessions shows about each one (`ringside sessions` and watch's session
//! picker): where it ran, its branch, its first prompt, how many prompts, which agent. Each file
//! is read once through the pipeline (read-only), in parallel.

use rayon::prelude::*;
use serde::Serialize;

use crate::core::Millis;
use crate::core::engine::Rules;
use crate::core::sanitize;

use super::discover::SessionFile;
use super::read;

/// One session as a list shows it (every text sanitised). The JSON shape of `sessions --json`
/// rows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SessionInfo {
    pub id: String,
    pub path: String,
    /// Which agent wrote it ([`crate::core::agents::Format::id`]).
    pub agent: &'static str,
    pub cwd: Option<String>,
    pub git_branch: Option<String>,
    pub first_prompt: Option<String>,
    pub started: Option<Millis>,
    pub last_activity: Option<Millis>,
    pub bytes: u64,
    pub prompts: usize,
    pub subagents: usize,
    /// Set when the file could not be read.
    pub error: Option<String>,
}

impl SessionInfo {
    /// The project folder's name (the last part of `cwd`).
    #[must_use]
    pub fn project(&self) -> Option<&str> {
        self.cwd
            .as_deref()
            .and_then(|c| c.rsplit(['/', '\\']).find(|p| !p.is_empty()))
    }
}

/// Reads one session file for its row.
#[must_use]
pub fn describe(f: &SessionFile) -> SessionInfo {
    let mut r = SessionInfo {
        id: sanitize::one_line(&f.id, 200),
        path: f.path.display().to_string(),
        agent: f.format.id(),
        cwd: None,
        git_branch: None,
        first_prompt: None,
        started: None,
        last_activity: f.modified,
        bytes: f.size,
        prompts: 0,
        subagents: f.subagents.len(),
        error: None,
    };
    match read::read_session_as(f.format, &f.path, &[], &Rules::shared_default()) {
        Ok(s) => {
            let s = s.session;
            r.cwd = s.cwd.as_deref().map(|c| sanitize::one_line(c, 4096));
            r.git_branch = s
                .git_branch
                .as_deref()
                .map(|b| sanitize::one_line(b, 200))
                .filter(|b| !b.is_empty() && b != "HEAD");
            r.first_prompt = s
                .turns
                .iter()
                .find_map(|t| t.prompt.as_ref())
                .map(|p| sanitize::one_line(&p.text, 120));
            r.started = s.started;
            r.last_activity = s.last.or(f.modified);
            r.prompts = s.prompts();
        }
        Err(e) => r.error = Some(sanitize::one_line(&e.to_string(), 500)),
    }
    r
}

/// Every file's row, in the same order, read in parallel; `progress` is called once per file.
pub fn describe_all(files: &[SessionFile], progress: impl Fn() + Sync) -> Vec<SessionInfo> {
    files
        .par_iter()
        .map(|f| {
            let row = describe(f);
            progress();
            row
        })
        .collect()
}
