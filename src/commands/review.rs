//! `ringside review`: the weekly review, as a screen, markdown or JSON; and `ringside cache`.

use std::collections::HashSet;
use std::io::IsTerminal;

use anyhow::{Context as _, Result, bail};

use crate::cli::{CacheAction, CacheArgs, Global, ReviewArgs, ReviewFormat};
use crate::progress::Progress;
use ringside::core::Millis;
use ringside::core::review::{NudgeFeedback, Review, Window};
use ringside::report::review as report;
use ringside::source::cache::{self, Cache};
use ringside::source::feedback::{self, Verdict};
use ringside::source::{clock, discover, scan, settings};

const DAY_MS: i64 = 86_400_000;
/// The baseline: the four weeks before the reviewed period.
pub const BASELINE_DAYS: i64 = 28;

pub fn run(args: &ReviewArgs, global: &Global) -> Result<()> {
    let rules = super::score::rules(global)?;
    let now = now_or(args.now.as_deref())?;
    let tz = jiff::tz::TimeZone::system();
    let tz_name = tz.iana_name().unwrap_or("local").to_owned();
    let since = parse_since(&args.since, now, &tz)?;
    let until = match &args.until {
        Some(u) => parse_until(u, &tz)?,
        None => now,
    };
    if until <= since {
        bail!("--until ({until}) must be after --since ({since})");
    }
    let window = Window {
        since,
        until,
        baseline_since: Millis(since.0.saturating_sub(BASELINE_DAYS * DAY_MS)),
        tz,
        tz_name,
    };
    let dirs = settings::dirs();
    let _log = super::log::init(dirs.as_ref().map(|d| d.data.as_path()));

    let roots = discover::roots_from_env();
    for m in &roots.missing {
        eprintln!("note: transcript root {} does not exist", m.display());
    }
    let all = discover::sessions(&roots);
    // A file last written before the baseline began holds nothing the review shows.
    // `--agent` narrows what is read, not what the cache keeps (other agents' summaries stay).
    let agent = args.agent.map(crate::cli::Agent::formats);
    let files: Vec<discover::SessionFile> = all
        .iter()
        .filter(|f| f.modified.is_none_or(|m| m >= window.baseline_since))
        .filter(|f| agent.as_ref().is_none_or(|a| a.contains(&f.format)))
        .cloned()
        .collect();
    let cache_dir = dirs.as_ref().map(|d| d.cache.as_path());
    let scanned = summaries(
        &all,
        &files,
        &rules,
        now,
        cache_dir.filter(|_| !args.no_cache),
        "review",
        "reviewing sessions",
    );
    let project = args
        .project
        .as_ref()
        .map(|p| std::path::absolute(p).unwrap_or_else(|_| p.clone()));
    let summaries: Vec<_> = scanned
        .into_iter()
        .filter(|s| {
            project.as_ref().is_none_or(|dir| {
                s.cwd
                    .as_deref()
                    .is_some_and(|c| std::path::Path::new(c).starts_with(dir))
            })
        })
        .collect();
    let notes = dirs
        .as_ref()
        .map(|d| feedback::read_all(&d.data).0)
        .unwrap_or_default()
        .into_iter()
        .filter_map(|f| {
            Some(NudgeFeedback {
                at: Millis::parse(&f.at)?,
                signal: f.signal,
                helpful: f.verdict == Verdict::Helpful,
            })
        })
        .collect::<Vec<_>>();
    let mut review = Review::build(&summaries, &window, &notes);
    if all.is_empty() {
        // Nothing to widen the window to: say what is missing instead.
        review.try_this_week = vec![format!(
            "No transcripts found ({}). Work with your agent (`claude`, `codex`, …) for a while, then review again; `ringside --demo` shows what ringside coaches.",
            roots.describe()
        )];
    }
    let format = args.format.unwrap_or(if std::io::stdout().is_terminal() {
        ReviewFormat::Tui
    } else {
        ReviewFormat::Markdown
    });
    match format {
        ReviewFormat::Json => outln!(
            "{}",
            serde_json::to_string_pretty(&review).context("serialising the review")?
        )?,
        ReviewFormat::Markdown => out!("{}", report::markdown(&review))?,
        ReviewFormat::Tui => {
            if !std::io::stdout().is_terminal() {
                bail!("the review screen needs a terminal; use --format markdown or json");
            }
            open_screen(review)?;
        }
    }
    Ok(())
}

/// The summaries of `files` (of `all` the sessions found), from the summary cache in
/// `cache_dir` where current and read where not, with a progress line; the cache is then
/// stored (`None`: neither read nor written). Unreadable files are noted on stderr. `review`
/// and `export` read sessions this one way.
pub fn summaries(
    all: &[discover::SessionFile],
    files: &[discover::SessionFile],
    rules: &std::sync::Arc<ringside::core::engine::Rules>,
    now: Millis,
    cache_dir: Option<&std::path::Path>,
    what: &str,
    label: &'static str,
) -> Vec<ringside::core::review::SessionSummary> {
    let mut cache = cache_dir.map_or_else(Cache::disabled, |d| Cache::load(d, rules));
    let progress = Progress::new(label, files.len() as u64);
    let started = clock::instant();
    let scanned = scan::scan(files, &cache, rules, now, &|| progress.add(1));
    progress.finish();
    tracing::info!(
        "{what}: {} sessions ({} from cache, {} bytes read) in {:?}",
        scanned.summaries.len(),
        scanned.cached,
        scanned.bytes_read,
        started.elapsed()
    );
    if cache_dir.is_some() {
        let keep: HashSet<String> = all.iter().map(|f| f.path.display().to_string()).collect();
        if let Err(e) = cache.store(rules, scanned.fresh, &keep) {
            tracing::warn!("cannot write the review cache: {e}");
        }
    }
    for e in &scanned.errors {
        eprintln!(
            "note: {}",
            ringside::core::sanitize::one_line(&e.to_string(), 500)
        );
    }
    scanned.summaries
}

/// The review screen; a session opened with Enter is replayed, then the review comes back.
fn open_screen(review: Review) -> Result<()> {
    let theme = ringside::tui::theme::Theme::from_env();
    let mut state = ringside::tui::review::ReviewState::new(review);
    loop {
        match ringside::tui::review::run(&mut state, theme)? {
            ringside::tui::review::Exit::Quit => return Ok(()),
            ringside::tui::review::Exit::Open(id) => {
                let exe = std::env::current_exe().context("finding the ringside binary")?;
                let status = std::process::Command::new(exe)
                    .arg("replay")
                    .arg(&id)
                    .status()
                    .context("starting `ringside replay`")?;
                if !status.success() {
                    eprintln!(
                        "`ringside replay {id}` failed (see its message above); `ringside score {id}` shows the session."
                    );
                    return Ok(());
                }
            }
        }
    }
}

/// `ringside cache clear`.
pub fn cache(args: &CacheArgs) -> Result<()> {
    match args.action {
        CacheAction::Clear => {
            let Some(d) = settings::dirs() else {
                bail!("no cache directory on this platform")
            };
            let cleared = cache::clear(&d.cache)
                .with_context(|| format!("removing the cache in {}", d.cache.display()))?;
            if cleared.is_empty() {
                outln!("Nothing cached in {}.", d.cache.display())?;
            } else {
                outln!(
                    "Cleared {} in {}.",
                    cleared.join(" and "),
                    d.cache.display()
                )?;
            }
            Ok(())
        }
    }
}

/// `--now TIME` (an RFC 3339 time), else the clock.
pub fn now_or(arg: Option<&str>) -> Result<Millis> {
    match arg {
        Some(t) => Millis::parse(t).with_context(|| format!("--now '{t}' is not an RFC 3339 time")),
        None => Ok(clock::now()),
    }
}

/// `7d`, `2w`, `36h` back from `now`; a date (local midnight); or an RFC 3339 time.
pub fn parse_since(s: &str, now: Millis, tz: &jiff::tz::TimeZone) -> Result<Millis> {
    let t = s.trim();
    if let Some((n, unit)) = t
        .char_indices()
        .last()
        .and_then(|(i, u)| Some((t.get(..i)?.parse::<i64>().ok()?, u)))
    {
        let ms = match unit {
            'h' => 3_600_000,
            'd' => DAY_MS,
            'w' => 7 * DAY_MS,
            _ => bail!("--since '{s}': use a span like 7d, 2w or 36h, a date, or an RFC 3339 time"),
        };
        if n <= 0 {
            bail!("--since '{s}' must be a positive span");
        }
        return Ok(Millis(now.0.saturating_sub(n.saturating_mul(ms))));
    }
    date_or_time(s, tz, false)
}

/// A date (through the end of that day) or an RFC 3339 time.
pub fn parse_until(s: &str, tz: &jiff::tz::TimeZone) -> Result<Millis> {
    date_or_time(s, tz, true)
}

fn date_or_time(s: &str, tz: &jiff::tz::TimeZone, end_of_day: bool) -> Result<Millis> {
    let t = s.trim();
    if let Some(m) = Millis::parse(t) {
        return Ok(m);
    }
    let date: jiff::civil::Date = t.parse().with_context(|| {
        format!("'{s}' is not a span (7d), a date (2026-02-01) or an RFC 3339 time")
    })?;
    let date = if end_of_day {
        date.tomorrow().context("date out of range")?
    } else {
        date
    };
    let ts = date
        .to_zoned_datetime(tz.clone())
        .context("date out of range")?
        .timestamp();
    Ok(Millis(ts.as_millisecond()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_dates_and_times() {
        let utc = jiff::tz::TimeZone::UTC;
        let now = Millis::parse("2026-02-20T12:00:00Z").unwrap();
        assert_eq!(
            parse_since("7d", now, &utc).unwrap(),
            Millis::parse("2026-02-13T12:00:00Z").unwrap()
        );
        assert_eq!(
            parse_since("2w", now, &utc).unwrap(),
            Millis::parse("2026-02-06T12:00:00Z").unwrap()
        );
        assert_eq!(
            parse_since("2026-02-01", now, &utc).unwrap(),
            Millis::parse("2026-02-01T00:00:00Z").unwrap()
        );
        assert_eq!(
            parse_until("2026-02-01", &utc).unwrap(),
            Millis::parse("2026-02-02T00:00:00Z").unwrap()
        );
        assert!(parse_since("0d", now, &utc).is_err());
        assert!(parse_since("soon", now, &utc).is_err());
        assert!(parse_since("7y", now, &utc).is_err());
    }
}
