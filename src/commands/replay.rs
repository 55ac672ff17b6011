//! `ringside replay`: a finished session played back in the watch screen, or its report.

use std::io::IsTerminal;
use std::sync::Arc;

use anyhow::{Context as _, Result, bail};

use crate::cli::{Global, ReplayArgs, ReportFormat};
use ringside::core::Millis;
use ringside::core::replay::{Player, Replay};
use ringside::report::session::SessionReport;
use ringside::report::types::ScoreReport;
use ringside::source::{self, clock, discover, settings};
use ringside::tui::keys::Keys;
use ringside::tui::{self, keymap::Keymap, theme::Theme};

pub fn run(args: &ReplayArgs, global: &Global) -> Result<()> {
    let loaded = settings::load::<Keys>(global.config.as_deref())?;
    let rules = ringside::core::engine::Rules::new(loaded.config.clone());
    let now = match &args.now {
        Some(t) => {
            Millis::parse(t).with_context(|| format!("--now '{t}' is not an RFC 3339 time"))?
        }
        None => clock::now(),
    };
    if args.report {
        let mut read = super::score::load(&args.target, &rules)?;
        read.engine.tick(now, &read.session);
        let report = SessionReport::new(&ScoreReport::new(&read));
        match args.format {
            ReportFormat::Markdown => out!("{}", report.markdown())?,
            ReportFormat::Json => outln!(
                "{}",
                serde_json::to_string_pretty(&report).context("serialising the report")?
            )?,
        }
        return Ok(());
    }
    if !std::io::stdout().is_terminal() {
        bail!("replay needs a terminal; for a report without one use `ringside replay --report`");
    }
    let replay = if args.target.demo {
        Replay::open(
            super::score::DEMO.to_vec(),
            Some("demo".to_owned()),
            rules,
            Some(now),
        )
    } else {
        let Some(t) = args.target.target.as_deref() else {
            bail!("name a transcript file or session id, or use --demo")
        };
        let file = discover::resolve(t)?;
        // Read once, read-only; a seek reads back only the stretch it needs. Sub-agent files
        // are not replayed (their figures are in the report).
        source::replay::open(&file.path, file.format, Some(file.id), rules, Some(now))?
    };
    if replay.is_empty() {
        bail!("nothing to replay: the transcript has no readable events");
    }
    let speed = if args.speed.is_finite() && args.speed > 0.0 {
        args.speed
    } else {
        8.0
    };
    let player = Player::new(Arc::new(replay), speed);
    tui::replay::run(player, Keymap::new(&loaded.keys), Theme::from_env())
}
