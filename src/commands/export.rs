//! `ringside export`: the review's summaries as JSON Lines records in a folder, and with
//! `--otlp` as OpenTelemetry logs and metrics. What a record holds is `core::export`'s; where
//! it goes and what was sent is `source::export_state` and `source::otlp`.

use std::io::{BufWriter, Write as _};
use std::path::Path;

use anyhow::{Context as _, Result, bail};

use crate::cli::{ExportArgs, Global};
use crate::progress::Progress;
use ringside::core::Millis;
use ringside::core::export::{self, Changes, Ledger, Options, Pseudonyms, otlp as payload};
use ringside::core::review::SessionSummary;
use ringside::source::export_state::{
    self, Destination, Lengths, PROMPTS_FILE, SESSIONS_FILE, STATE_FORMAT, State, Tail,
};
use ringside::source::feedback::{self, Verdict};
use ringside::source::otlp::{self, Batch, Signal, Spool};
use ringside::source::{discover, settings};

/// Exit status of an export whose OTLP batches wait in the spool (sysexits' `EX_TEMPFAIL`:
/// nothing is lost; run it again later).
pub const UNDELIVERED: u8 = 75;

/// The collector did not take everything: the rest is spooled.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct Undelivered(pub String);

/// Log records per OTLP request.
const BATCH_RECORDS: usize = 500;

fn say(line: &str) -> std::io::Result<()> {
    outln!("{line}")
}

fn plural(n: usize, one: &str) -> String {
    ringside::core::format::plural(n as u64, one)
}

pub fn run(args: &ExportArgs, global: &Global) -> Result<()> {
    let rules = super::score::rules(global)?;
    let now = super::review::now_or(args.now.as_deref())?;
    let tz = jiff::tz::TimeZone::system();
    let since = args
        .since
        .as_deref()
        .map(|s| super::review::parse_since(s, now, &tz))
        .transpose()?;
    let until = args
        .until
        .as_deref()
        .map(|u| super::review::parse_until(u, &tz))
        .transpose()?;
    if let (Some(s), Some(u)) = (since, until)
        && u <= s
    {
        bail!("--until ({u}) must be after --since ({s})");
    }
    if args.person.as_deref().is_some_and(|p| p.trim().is_empty()) {
        bail!("--person needs a name (it is an opt-in: leave it out to stay unnamed)");
    }
    let otlp_config = match &args.otlp {
        Some(url) => {
            let explicit = Some(url.as_str()).filter(|u| !u.trim().is_empty());
            let c = otlp::Config::new(explicit, &|k| std::env::var(k).ok())
                .map_err(anyhow::Error::msg)?;
            for n in &c.notes {
                eprintln!("note: {n}");
            }
            Some(c)
        }
        None => None,
    };
    let Some(dirs) = settings::dirs() else {
        bail!("no home directory: ringside has nowhere to keep the export's salt and state")
    };
    let _log = super::log::init(Some(dirs.data.as_path()));

    // Where the records go, each locked for this run.
    let mut targets: Vec<Target> = Vec::new();
    if let Some(out) = &args.out {
        if out.exists() && !out.is_dir() {
            bail!("--out {} is a file; give a folder", out.display());
        }
        std::fs::create_dir_all(out).with_context(|| format!("creating {}", out.display()))?;
        let abs =
            std::fs::canonicalize(out).with_context(|| format!("resolving {}", out.display()))?;
        let dest = Destination::new(&dirs.data, "files", format!("files:{}", abs.display()));
        targets.push(Target::open(dest, Kind::Files(abs), args)?);
    }
    if let Some(c) = otlp_config {
        let name = format!("otlp:{} {}", c.logs.url, c.metrics.url);
        let dest = Destination::new(&dirs.data, "otlp", name);
        targets.push(Target::open(dest, Kind::Otlp(c), args)?);
    }

    // The summaries, as the review reads them (and with its cache).
    let roots = discover::roots_from_env();
    for m in &roots.missing {
        eprintln!("note: transcript root {} does not exist", m.display());
    }
    let all = discover::sessions(&roots);
    let files: Vec<discover::SessionFile> = all
        .iter()
        .filter(|f| since.is_none_or(|s| f.modified.is_none_or(|m| m >= s)))
        .cloned()
        .collect();
    let cache_dir = Some(dirs.cache.as_path()).filter(|_| !args.no_cache);
    let summaries_read = super::review::summaries(
        &all,
        &files,
        &rules,
        now,
        cache_dir,
        "export",
        "reading sessions",
    );
    let mut open = 0usize;
    let mut summaries: Vec<&SessionSummary> = summaries_read
        .iter()
        .filter(|s| export::active_in(s, since, until))
        .filter(|s| {
            args.agent
                .as_deref()
                .is_none_or(|a| export::agent_of(s) == a)
        })
        .filter(|s| {
            open += usize::from(!s.settled);
            s.settled
        })
        .collect();
    summaries.sort_by(|a, b| a.started.cmp(&b.started).then_with(|| a.id.cmp(&b.id)));
    if all.is_empty() {
        eprintln!(
            "note: no Claude Code transcripts found ({}); nothing to export",
            roots.describe()
        );
    }

    let feedback: Vec<export::Feedback> = feedback::read_all(&dirs.data)
        .0
        .into_iter()
        .filter_map(|f| {
            Some(export::Feedback {
                at: Millis::parse(&f.at)?,
                session: f.session,
                signal: f.signal,
                line: f.line,
                helpful: f.verdict == Verdict::Helpful,
            })
        })
        .collect();
    let options = Options {
        pseudonyms: Pseudonyms::new(export_state::salt(&dirs.data)?),
        with_names: args.with_names,
        person: args.person.as_ref().map(|p| p.trim().to_owned()),
    };
    let records: Vec<_> = summaries
        .iter()
        .map(|s| export::records(s, &feedback, &options))
        .collect();

    let mut undelivered = Vec::new();
    for t in &mut targets {
        let mut ledger = t.state.ledger.clone();
        let mut changes = Changes::default();
        for (s, p) in &records {
            ledger.admit(s.clone(), p.clone(), now, &mut changes);
        }
        let (dest, state) = (&t.dest, &mut t.state);
        match &t.kind {
            Kind::Files(dir) => write_files(dest, state, dir, ledger, &changes, now)?,
            Kind::Otlp(c) => {
                if let Some(why) = send(dest, state, c, ledger, &changes, now, args.otlp_retries)? {
                    undelivered.push(why);
                }
            }
        }
    }
    if open > 0 {
        say(&format!(
            "{} active in the last half hour left for the next export (their outcome is not settled yet)",
            plural(open, "session")
        ))?;
    }
    if !undelivered.is_empty() {
        return Err(Undelivered(undelivered.join("; ")).into());
    }
    Ok(())
}

enum Kind {
    Files(std::path::PathBuf),
    Otlp(otlp::Config),
}

/// A destination, locked, with its state.
struct Target {
    dest: Destination,
    kind: Kind,
    state: State,
    _lock: std::fs::File,
}

impl Target {
    fn open(dest: Destination, kind: Kind, args: &ExportArgs) -> Result<Self> {
        let lock = dest.lock()?;
        let person = args.person.as_ref().map(|p| p.trim().to_owned());
        let state = match dest.load()? {
            Some(s) => {
                if s.with_names != args.with_names || s.person != person {
                    let was = describe(s.with_names, s.person.as_deref());
                    let now = describe(args.with_names, person.as_deref());
                    bail!(
                        "{} was exported to {was}; this export is {now}. Records made both ways \
                         would not match (the same session under two ids): use the same options, \
                         or export to a new folder or endpoint",
                        shown(&dest.name),
                    );
                }
                s
            }
            None => State {
                format: STATE_FORMAT,
                destination: dest.name.clone(),
                with_names: args.with_names,
                person,
                ..State::default()
            },
        };
        Ok(Self {
            dest,
            kind,
            state,
            _lock: lock,
        })
    }
}

fn describe(with_names: bool, person: Option<&str>) -> String {
    let names = if with_names {
        "with names"
    } else {
        "with hashed ids"
    };
    match person {
        Some(p) => format!("{names}, as {p}"),
        None => format!("{names}, unnamed"),
    }
}

fn shown(name: &str) -> &str {
    name.strip_prefix("files:")
        .or_else(|| name.strip_prefix("otlp:"))
        .unwrap_or(name)
}

fn append<T: serde::Serialize>(
    path: &Path,
    committed: u64,
    records: &[T],
    notes: &mut Vec<String>,
) -> Result<u64> {
    let (file, tail) = export_state::open_append(path, committed)?;
    match tail {
        Tail::AsLeft => {}
        Tail::Cut(n) => notes.push(format!(
            "{}: removed {n} bytes an interrupted export had left (written again now)",
            path.display()
        )),
        Tail::Shorter => notes.push(format!(
            "{} is shorter than the last export left it (moved, rotated or emptied?): appending only what is new; export to a new folder for everything",
            path.display()
        )),
    }
    let mut w = BufWriter::with_capacity(1 << 20, &file);
    for r in records {
        serde_json::to_writer(&mut w, r).context("encoding a record")?;
        w.write_all(b"\n")
            .with_context(|| format!("writing {}", path.display()))?;
    }
    w.flush()
        .with_context(|| format!("writing {}", path.display()))?;
    drop(w);
    file.sync_data()
        .with_context(|| format!("writing {}", path.display()))?;
    Ok(file
        .metadata()
        .with_context(|| format!("reading {}", path.display()))?
        .len())
}

fn write_files(
    dest: &Destination,
    state: &mut State,
    dir: &Path,
    ledger: Ledger,
    c: &Changes,
    now: Millis,
) -> Result<()> {
    let mut notes = Vec::new();
    let sessions = append(
        &dir.join(SESSIONS_FILE),
        state.files.sessions,
        &c.sessions,
        &mut notes,
    )?;
    let prompts = append(
        &dir.join(PROMPTS_FILE),
        state.files.prompts,
        &c.prompts,
        &mut notes,
    )?;
    let schema = dir.join("export.schema.json");
    if std::fs::read_to_string(&schema).ok().as_deref() != Some(SCHEMA_JSON) {
        std::fs::write(&schema, SCHEMA_JSON)
            .with_context(|| format!("writing {}", schema.display()))?;
    }
    // The commit point: the records above are on disk.
    state.ledger = ledger;
    state.files = Lengths { sessions, prompts };
    state.last_export = Some(now.0);
    dest.store(state)?;
    for n in notes {
        eprintln!("note: {n}");
    }
    let versions = c.sessions.iter().filter(|s| s.version > 1).count();
    let line = if c.is_empty() {
        format!(
            "{}: nothing new ({} exported before, unchanged)",
            dir.display(),
            plural(c.unchanged, "session")
        )
    } else {
        format!(
            "{}: appended {} and {}{}",
            dir.display(),
            plural(c.sessions.len(), "session"),
            plural(c.prompts.len(), "prompt"),
            if versions > 0 {
                format!(
                    " ({versions} of the sessions changed since they were exported: new versions)"
                )
            } else {
                String::new()
            }
        )
    };
    say(&line)?;
    Ok(())
}

/// Spools the changes, commits, then delivers the spool. `Some(why)` when batches are left.
fn send(
    dest: &Destination,
    state: &mut State,
    c: &otlp::Config,
    ledger: Ledger,
    changes: &Changes,
    now: Millis,
    retries: u32,
) -> Result<Option<String>> {
    let spool = Spool::new(&dest.dir);
    let r = spool
        .reconcile(state.committed_seq)
        .map_err(anyhow::Error::msg)?;
    if r.uncommitted > 0 {
        tracing::info!(
            "otlp spool: {} uncommitted batches of an interrupted export removed",
            r.uncommitted
        );
    }
    let sender = payload::Sender {
        resource: c.resource.clone(),
        version: env!("CARGO_PKG_VERSION").to_owned(),
    };
    let mut seq = state.committed_seq.max(spool.last_seq());
    let mut batches = Vec::new();
    let mut push = |signal: Signal, items: usize, body: String, id: String| {
        seq += 1;
        batches.push(Batch {
            id,
            seq,
            signal,
            items: items as u64,
            body,
        });
    };
    for part in changes.sessions.chunks(BATCH_RECORDS) {
        let id = export_state::hex(&export_state::random::<16>()?);
        let body = payload::logs(&sender, part, &[], &id, now).to_string();
        push(Signal::Logs, part.len(), body, id);
    }
    for part in changes.prompts.chunks(BATCH_RECORDS) {
        let id = export_state::hex(&export_state::random::<16>()?);
        let body = payload::logs(&sender, &[], part, &id, now).to_string();
        push(Signal::Logs, part.len(), body, id);
    }
    let since = state.last_export.map_or(now, Millis);
    if let Some(m) = payload::metrics(&sender, &changes.sessions, &changes.prompts, since, now) {
        let id = export_state::hex(&export_state::random::<16>()?);
        push(Signal::Metrics, 1, m.to_string(), id);
    }
    for b in &batches {
        spool.put(b).map_err(anyhow::Error::msg)?;
    }
    // The commit point: the batches above are in the spool.
    state.committed_seq = seq;
    state.ledger = ledger;
    state.last_export = Some(now.0);
    dest.store(state)?;

    let (waiting, _) = spool.pending();
    let total: u64 = waiting.iter().map(|b| b.items).sum();
    let progress = Progress::new("sending to the collector", total);
    let d = otlp::deliver(c, &spool, retries, &|n| progress.add(n));
    progress.finish();
    let earlier = waiting.len().saturating_sub(batches.len());
    say(&format!(
        "{}: {} sent ({} records{}){}",
        c.logs.url,
        plural(d.batches, "batch"),
        d.items,
        if earlier > 0 {
            format!(", {} spooled by earlier exports", plural(earlier, "batch"))
        } else {
            String::new()
        },
        if changes.is_empty() && earlier == 0 {
            ": nothing new"
        } else {
            ""
        }
    ))?;
    if d.damaged > 0 {
        eprintln!(
            "note: {} in the spool could not be read; kept in {}",
            plural(d.damaged, "file"),
            spool.rejected_dir().display()
        );
    }
    for (path, why) in &d.rejected {
        eprintln!(
            "error: the collector refused a batch for good ({why}); it is kept in {}",
            path.display()
        );
    }
    if d.left > 0 {
        return Ok(Some(format!(
            "{} not delivered ({}); kept in {} and sent by the next `ringside export --otlp`",
            plural(d.left, "batch"),
            d.last_error.as_deref().unwrap_or("no answer"),
            dest.dir.join("spool").display()
        )));
    }
    if !d.rejected.is_empty() {
        bail!(
            "{} refused by the collector (see above)",
            plural(d.rejected.len(), "batch")
        );
    }
    Ok(None)
}

/// The records' JSON Schema, written beside them.
pub const SCHEMA_JSON: &str = include_str!("../../docs/export.schema.json");
