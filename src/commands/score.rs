//! `ringside score`: the scorecards of one session, as a table or JSON.

use std::path::PathBuf;
use std::sync::Arc;

use anyhow::{Context as _, Result, bail};

use crate::cli::{Global, ScoreArgs, Target};
use ringside::core::engine::Rules;
use ringside::core::pipeline::Pipeline;
use ringside::core::{Millis, format};
use ringside::report::{text, types::ScoreReport};
use ringside::source::read::{self, SessionReader};
use ringside::source::{clock, discover, settings};
use ringside::tui::keys::Keys;

/// The demo session embedded in the binary.
pub const DEMO: &[u8] = include_bytes!("../../assets/demo/session.jsonl");
/// What the demo is called in reports.
pub const DEMO_NAME: &str = "demo:assets/demo/session.jsonl";

pub fn run(args: &ScoreArgs, global: &Global) -> Result<()> {
    let rules = rules(global)?;
    let now = match &args.now {
        Some(t) => {
            Millis::parse(t).with_context(|| format!("--now '{t}' is not an RFC 3339 time"))?
        }
        None => clock::now(),
    };
    let mut read = load(&args.target, &rules)?;
    read.engine.tick(now, &read.session);
    let report = ScoreReport::new(&read);
    if args.json {
        let json = serde_json::to_string_pretty(&report).context("serialising the report")?;
        outln!("{json}")?;
    } else {
        out!("{}", text::score_table(&report, super::output_width()))?;
    }
    // Lines, none of them a record: the wrong file, not an empty session.
    let s = &read.stats;
    if s.lines > s.blank && s.lines - s.blank == s.skipped_total() {
        bail!(
            "{}: no line is a Claude Code transcript record ({} skipped; see above): is this a transcript?",
            read.path.display(),
            format::plural(s.skipped_total(), "line")
        );
    }
    Ok(())
}

/// The rules from the config file (`--config`, else the default path, else the defaults).
pub fn rules(global: &Global) -> Result<Arc<Rules>> {
    let loaded = settings::load::<Keys>(global.config.as_deref())?;
    Ok(Rules::new(loaded.config))
}

/// Reads the session a [`Target`] names: the demo, a file, or a session id.
pub fn load(target: &Target, rules: &Arc<Rules>) -> Result<read::ReadSession> {
    if target.demo {
        return Ok(demo(rules));
    }
    let Some(t) = target.target.as_deref() else {
        bail!("name a transcript file or session id, or use --demo")
    };
    let file = discover::resolve(t)?;
    Ok(SessionReader::open(&file, rules.clone()).read()?)
}

/// The embedded demo session, read like a file.
#[must_use]
pub fn demo(rules: &Arc<Rules>) -> read::ReadSession {
    let mut p = Pipeline::with_rules(Some("demo".into()), rules.clone());
    p.feed(DEMO);
    p.finish();
    let (session, stats, engine) = p.into_parts();
    read::ReadSession {
        path: PathBuf::from(DEMO_NAME),
        session,
        stats,
        engine,
        bytes: DEMO.len() as u64,
        warnings: Vec::new(),
    }
}
