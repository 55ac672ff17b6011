//! Reading whole sessions from disk: the main file and its sub-agent files, read-only.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::core::agents::claude::ParseStats;
use crate::core::engine::{Engine, Rules};
use crate::core::pipeline::Pipeline;
use crate::core::session::Session;

use super::tail::{Notice, Tailer};

/// A session read from disk.
#[derive(Debug, Clone)]
pub struct ReadSession {
    pub path: PathBuf,
    pub session: Session,
    pub stats: ParseStats,
    pub engine: Engine,
    /// Bytes read from the main file.
    pub bytes: u64,
    /// Problems with sub-agent files (they never stop the main report).
    pub warnings: Vec<String>,
}

/// Reads a whole file through a pipeline.
///
/// # Errors
/// When the file cannot be read at all (missing, a directory, no permission).
pub fn read_into(path: &Path, pipeline: &mut Pipeline) -> Result<u64, String> {
    let mut tail = Tailer::new(path);
    let polled = tail.poll(|chunk| pipeline.feed(chunk));
    match polled.notice {
        Some(Notice::Error(e)) => return Err(format!("cannot read {}: {e}", path.display())),
        Some(n) => return Err(n.describe(path)),
        None => {}
    }
    pipeline.finish();
    Ok(polled.bytes)
}

/// Reads a main session file and its sub-agent files, coached with `rules`.
///
/// # Errors
/// When the main file cannot be read.
pub fn read_session(
    path: &Path,
    subagents: &[(String, PathBuf)],
    rules: &Arc<Rules>,
) -> Result<ReadSession, String> {
    let id = path.file_stem().and_then(|s| s.to_str()).map(str::to_owned);
    let mut pipeline = Pipeline::with_rules(id, rules.clone());
    let bytes = read_into(path, &mut pipeline)?;
    let (mut session, stats, engine) = pipeline.into_parts();
    let mut warnings = Vec::new();
    for (agent, file) in subagents {
        let mut p = Pipeline::for_agent(agent);
        match read_into(file, &mut p) {
            Ok(_) => {
                let (sub, sub_stats, _) = p.into_parts();
                if sub_stats.skipped_total() > 0 {
                    warnings.push(format!(
                        "{}: {} lines skipped",
                        file.display(),
                        sub_stats.skipped_total()
                    ));
                }
                session.footprint.absorb_subagent(&sub.footprint);
                for (name, mut figures) in sub.subagents {
                    figures.file = Some(file.display().to_string());
                    session.attach_subagent(name, figures);
                }
            }
            Err(e) => warnings.push(e),
        }
    }
    Ok(ReadSession {
        path: path.to_path_buf(),
        session,
        stats,
        engine,
        bytes,
        warnings,
    })
}
