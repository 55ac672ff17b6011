//! Saved reading state, so the status line and hooks cost work proportional to the new bytes.
//!
//! Claude Code runs the status line command after every assistant message, as a new process each
//! time. Re-reading a 20 MB transcript per call would take far too long, so each call keeps, per
//! transcript (file name: a hash of its path), the [`SessionReader`]: where reading stopped in
//! the main file and in each sub-agent file and what those files looked like then, the readers'
//! held partial lines, and of the session and its coaching what later lines and the status
//! line's figures can still read (the open turn and the one before, the totals, the engine's
//! live state; [`Pipeline::forget_finished`]). So the state, and a call's cost, do not grow with
//! the session.
//!
//! Rules:
//! - The saved pipeline is a pure function of the bytes read: nothing here ticks the engine with
//!   the wall clock (callers tick a copy). So a series of calls while the transcript grows shows
//!   exactly the figures `score` has from the final files (`tests/glance.rs` holds them equal
//!   after every appended piece, on the corpus and on generated sessions).
//! - A state is used only when its header matches: format number, crate version, the config's
//!   fingerprint and the transcript path. Anything else starts over from byte 0.
//! - The transcript must still be the same file: same device and inode (Unix), not shorter than
//!   the offset, and the same bytes at its head and just before the offset (the [`Tailer`]'s
//!   checks). A truncated, replaced or rewritten transcript starts over; so does a sub-agent
//!   file, for its own part only.
//! - A state ends in a 64-bit hash of its encoded bytes; one whose bytes do not match it (a
//!   flipped bit, a cut, zeros from a crash) is logged and rebuilt, never decoded: a damaged
//!   state could otherwise decode into other figures that then persist. One that does not decode
//!   (from another build) is rebuilt too.
//! - Writes are atomic: a temporary file in the same folder, then a rename. Two processes racing
//!   (status line and hook) each write a whole, valid state; the later one wins. A call that read
//!   nothing writes nothing.
//! - A call within a budget ([`catch_up_within`]) that runs out of time saves the state it
//!   reached (a chunk boundary, the partial line held), so the next call goes on from there: a
//!   session too big for one call's time is read over several, never from byte 0 every time.
//!
//! The encoding is postcard (compact binary serde): on a 20 MB transcript the state is a few
//! hundred KiB and decodes in about a millisecond, several times faster than the same in JSON.
//!
//! [`Tailer`]: super::tail::Tailer

use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::core::agents::Format;
use crate::core::config::Config;
use crate::core::engine::Rules;
use crate::core::hash::{hash, hash_words};
use crate::core::pipeline::Pipeline;

use super::atomic::{self, Durability, TMP_SUFFIX};
use super::read::{ReadError, SessionReader};
use super::tail::Notice;

/// Bump when the saved shape changes in a way serde would not notice (3: the engine keeps its
/// detector state by signal family; 4: with the parser and builder fields of issue 14; 5: the
/// session's footprint for the review's lenses; 6: bounded evidence, with its count; 7: the
/// whole session reader, sub-agent files included; 8: a checksum after the encoded bytes; 9:
/// failing runs keep their signatures, edits their back-and-forth history, prompts a pending
/// concession; 10: every agent format's reader, and the engine's format; 11: bounded: finished
/// turns and history forgotten, ids remembered for a while; 12: a prompt's words kept as hashes).
pub const FORMAT: u32 = 12;
/// Bytes of the checksum after the encoded state.
const CHECKSUM: usize = 8;

/// What identifies a saved state as usable for this run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct Header {
    format: u32,
    version: String,
    config: u64,
    path: String,
}

#[derive(Serialize, Deserialize)]
struct Saved {
    header: Header,
    reader: SessionReader,
}

/// Why a call read from byte 0.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fresh {
    /// No saved state yet.
    NoState,
    /// Saved by another version, format or config, or for another path.
    Mismatch,
    /// The state file did not decode.
    Corrupt,
    /// The transcript is shorter than before, another file, or its bytes changed.
    Replaced,
}

/// The pipeline after catching up, and what it took.
pub struct Caught {
    /// With its finished history forgotten ([`Pipeline::forget_finished`]): what the status
    /// line and the hook show ([`crate::core::view::View::glance`]) is as from the whole state,
    /// but a report of every turn is not.
    pub pipeline: Pipeline,
    /// Bytes read in this call (the main file and sub-agent files).
    pub read: u64,
    /// `Some` when the saved state could not be used.
    pub fresh: Option<Fresh>,
    /// Where reading stopped when the budget ran out before the end of the session's files
    /// ([`catch_up_within`]); the state saved is the one reached, and the next call reads on.
    pub behind: Option<Behind>,
}

/// How far a call that ran out of time got.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Behind {
    /// Bytes of the main file read so far (this call and the calls before).
    pub main_read: u64,
    /// Bytes of the main file still to read (0 when only sub-agent files are behind: the main
    /// thread's figures are then whole, as they never depend on its sub-agents).
    pub main_left: u64,
}

/// The state file for a transcript, under `cache_dir`.
#[must_use]
pub fn state_file(cache_dir: &Path, transcript: &Path) -> PathBuf {
    let key = hash(transcript.as_os_str().as_encoded_bytes());
    cache_dir.join("state").join(format!("{key:016x}.bin"))
}

/// A fingerprint of the settings that shape the saved state (changing one starts over).
#[must_use]
pub fn config_fingerprint(config: &Config) -> u64 {
    let c = config;
    let shaping = format!(
        "{:?}{:?}{:?}{:?}{:?}{:?}",
        c.coach, c.risk, c.weights, c.recovery, c.thresholds, c.lexicon
    );
    hash(shaping.as_bytes())
}

/// Reads what the session of `transcript` (a main file of `format`, and its sub-agent files)
/// gained since the last call (from `cache_dir`'s saved state), saves the new state, and returns
/// the pipeline. Never finishes the files: a line still being written stays held until its
/// newline arrives.
///
/// # Errors
/// Only when the transcript cannot be opened or read; a state that cannot be read or written is
/// logged and otherwise ignored.
pub fn catch_up_format(
    cache_dir: &Path,
    format: Format,
    transcript: &Path,
    rules: &Arc<Rules>,
) -> Result<Caught, ReadError> {
    catch_up_within(cache_dir, format, transcript, rules, &mut || false)
}

/// [`catch_up_format`] within a budget: `out_of_time` is asked after each chunk read (256 KiB)
/// and, once it says so, reading stops there and the state reached is saved, so a session too
/// big to read in one call's time is read over successive calls, each going on where the last
/// stopped, instead of from byte 0 every time. A call that has bytes to read reads at least one
/// chunk. [`Caught::behind`] says where it stopped.
///
/// # Errors
/// As [`catch_up_format`].
pub fn catch_up_within(
    cache_dir: &Path,
    format: Format,
    transcript: &Path,
    rules: &Arc<Rules>,
    out_of_time: &mut dyn FnMut() -> bool,
) -> Result<Caught, ReadError> {
    let header = Header {
        format: FORMAT,
        version: env!("CARGO_PKG_VERSION").to_owned(),
        config: config_fingerprint(&rules.config),
        path: transcript.display().to_string(),
    };
    let path = state_file(cache_dir, transcript);
    let (mut reader, mut fresh) = match load(&path, &header) {
        Ok(s) => (s.reader, None),
        Err(why) => (
            SessionReader::follow(format, transcript, rules.clone()),
            Some(why),
        ),
    };
    reader.set_rules(rules.clone());
    if fresh == Some(Fresh::NoState) {
        // A session seen for the first time: the moment to drop states of long-finished ones,
        // so the folder does not grow by a state file per session forever.
        prune(cache_dir, super::clock::system());
    }
    let polled = reader.poll_until(out_of_time);
    match polled.main_notice() {
        Some(n) if n.restarts() => fresh = fresh.or(Some(Fresh::Replaced)),
        Some(n @ (Notice::Error(_) | Notice::Deleted)) => {
            return Err(ReadError::from_notice(transcript, n));
        }
        _ => {}
    }
    if let Some(why) = fresh {
        tracing::info!(?why, path = %transcript.display(), "reading the transcript from the start");
    }
    for n in polled.notices.iter().filter(|n| !n.main) {
        tracing::info!("{}", n.describe());
    }
    let read = polled.main_bytes + polled.agent_bytes;
    let behind = polled.behind.then(|| Behind {
        main_read: reader.main_offset(),
        main_left: polled.main_left,
    });
    if let Some(b) = behind {
        tracing::info!(
            read = b.main_read,
            left = b.main_left,
            path = %transcript.display(),
            "out of time: the state reached is saved and the next call reads on"
        );
    }
    // What no later line and no figure the status line or the hook shows can read is left out,
    // so the state (and each call's cost) stays the same size however long the session.
    reader.forget_finished();
    let saved = Saved { header, reader };
    if (polled.changed() || fresh.is_some())
        && let Err(e) = store(&path, &saved)
    {
        tracing::warn!(path = %path.display(), "cannot save status line state: {e}");
    }
    Ok(Caught {
        pipeline: saved.reader.into_pipeline(),
        read,
        fresh,
        behind,
    })
}

/// [`catch_up_format`] for a transcript of the default format (Claude Code's, whose status line
/// and hooks call ringside).
///
/// # Errors
/// As [`catch_up_format`].
pub fn catch_up(
    cache_dir: &Path,
    transcript: &Path,
    rules: &Arc<Rules>,
) -> Result<Caught, ReadError> {
    catch_up_format(cache_dir, Format::default(), transcript, rules)
}

/// How long a state file is kept after its last use: a session resumed later is read again
/// from the start once (tens of milliseconds for a large one).
pub const KEEP_STATE: std::time::Duration = std::time::Duration::from_secs(7 * 86_400);
/// How long a temporary file left by an interrupted write is kept.
const KEEP_TMP: std::time::Duration = std::time::Duration::from_secs(3600);

/// Removes per-transcript files unused for [`KEEP_STATE`] (the saved states under `state/` and
/// the hook's marks under `hook/`) and stale temporary files from `cache_dir`; returns how many
/// were removed. Errors are logged, never fatal.
pub fn prune(cache_dir: &Path, now: std::time::SystemTime) -> usize {
    let entries = ["state", "hook"]
        .iter()
        .filter_map(|d| std::fs::read_dir(cache_dir.join(d)).ok())
        .flat_map(|d| d.flatten());
    let mut removed = 0;
    for e in entries {
        let name = e.file_name();
        let name = name.to_string_lossy();
        let keep = if name.ends_with(".bin") || name.ends_with(".json") {
            KEEP_STATE
        } else if name.ends_with(TMP_SUFFIX) {
            KEEP_TMP
        } else {
            continue;
        };
        let age = e
            .metadata()
            .and_then(|m| m.modified())
            .ok()
            .and_then(|m| now.duration_since(m).ok());
        if age.is_some_and(|a| a > keep) {
            match std::fs::remove_file(e.path()) {
                Ok(()) => removed += 1,
                Err(err) => tracing::debug!(path = %e.path().display(), "cannot prune: {err}"),
            }
        }
    }
    if removed > 0 {
        tracing::info!(removed, "pruned old status line states and hook marks");
    }
    removed
}

fn load(path: &Path, header: &Header) -> Result<Saved, Fresh> {
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Err(Fresh::NoState),
        Err(e) => {
            tracing::warn!(path = %path.display(), "cannot read saved state: {e}");
            return Err(Fresh::Corrupt);
        }
    };
    let Some(bytes) = verified(&bytes) else {
        tracing::warn!(path = %path.display(), "saved state fails its checksum; rebuilding");
        return Err(Fresh::Corrupt);
    };
    // The header first: a state from another version may not decode past it, and that is a
    // mismatch, not damage.
    match postcard::take_from_bytes::<Header>(bytes) {
        Ok((h, _)) if h == *header => {}
        Ok(_) => return Err(Fresh::Mismatch),
        Err(e) => {
            tracing::warn!(path = %path.display(), "saved state is damaged ({e}); rebuilding");
            return Err(Fresh::Corrupt);
        }
    }
    postcard::from_bytes::<Saved>(bytes).map_err(|e| {
        tracing::warn!(path = %path.display(), "saved state is damaged ({e}); rebuilding");
        Fresh::Corrupt
    })
}

fn store(path: &Path, saved: &Saved) -> std::io::Result<()> {
    let mut bytes = postcard::to_stdvec(saved).map_err(std::io::Error::other)?;
    let sum = hash_words(&bytes);
    bytes.extend_from_slice(&sum.to_le_bytes());
    atomic::write(path, &bytes, Durability::Unsynced)
}

/// The encoded state without its checksum, when the checksum matches.
fn verified(file: &[u8]) -> Option<&[u8]> {
    let (body, sum) = file.split_at_checked(file.len().checked_sub(CHECKSUM)?)?;
    let sum = u64::from_le_bytes(sum.try_into().ok()?);
    (hash_words(body) == sum).then_some(body)
}

#[cfg(test)]
mod tests {
    use super::*;

    const DEMO: &[u8] = include_bytes!("../../assets/demo/session.jsonl");

    fn rules() -> Arc<Rules> {
        Rules::shared_default()
    }

    #[test]
    fn a_saved_pipeline_reads_back_equal() {
        let mut p = Pipeline::new(Some("demo".into()));
        p.feed(&DEMO[..DEMO.len() / 2]);
        let bytes = postcard::to_stdvec(&p).unwrap();
        let back: Pipeline = postcard::from_bytes(&bytes).unwrap();
        assert_eq!(back.session(), p.session());
        assert_eq!(back.engine().nudges, p.engine().nudges);
        assert_eq!(back.engine().firings, p.engine().firings);
        assert_eq!(back.pending_bytes(), p.pending_bytes());
    }

    #[test]
    fn a_new_session_prunes_states_unused_for_a_week() {
        use std::time::Duration;
        let tmp = tempfile::tempdir().unwrap();
        let cache = tmp.path().join("cache");
        let state = cache.join("state");
        std::fs::create_dir_all(&state).unwrap();
        let aged = |name: &str, ago: Duration| {
            let f = std::fs::File::create(state.join(name)).unwrap();
            f.set_modified(crate::source::clock::system() - ago)
                .unwrap();
        };
        let day = Duration::from_secs(86_400);
        aged("0000000000000001.bin", day * 8);
        aged("0000000000000002.bin", day * 6);
        aged(".0000000000000003.bin.42.tmp", Duration::from_secs(7200));
        aged(".0000000000000004.bin.43.tmp", Duration::from_secs(60));
        aged("notes.txt", day * 30);
        let hook = cache.join("hook");
        std::fs::create_dir_all(&hook).unwrap();
        let old_mark = hook.join("0000000000000005.json");
        std::fs::File::create(&old_mark)
            .unwrap()
            .set_modified(crate::source::clock::system() - day * 9)
            .unwrap();
        // A transcript seen for the first time triggers the pruning.
        let t = tmp.path().join("s.jsonl");
        std::fs::write(&t, &DEMO[..1000]).unwrap();
        assert_eq!(
            catch_up(&cache, &t, &rules()).unwrap().fresh,
            Some(Fresh::NoState)
        );
        let mut left: Vec<String> = std::fs::read_dir(&state)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        left.sort();
        let mine = state_file(&cache, &t);
        let mine = mine.file_name().unwrap().to_string_lossy().into_owned();
        let mut want = vec![
            ".0000000000000004.bin.43.tmp".to_owned(),
            "0000000000000002.bin".to_owned(),
            "notes.txt".to_owned(),
            mine,
        ];
        want.sort();
        assert_eq!(left, want);
        assert!(!old_mark.exists(), "the hook's old marks go too");
        assert_eq!(
            prune(&cache, crate::source::clock::system()),
            0,
            "nothing else is old"
        );
    }

    /// A damaged state file is never read into other figures: whatever the damage (a flipped
    /// bit, a changed byte, a cut, zeros), the call rebuilds from the transcript and ends equal
    /// to a clean read.
    #[test]
    fn corrupted_states_never_decode_into_wrong_numbers() {
        let tmp = tempfile::tempdir().unwrap();
        let t = tmp.path().join("s.jsonl");
        let cache = tmp.path().join("cache");
        std::fs::write(&t, DEMO).unwrap();
        let clean = catch_up(&cache, &t, &rules()).unwrap().pipeline;
        let path = state_file(&cache, &t);
        let good = std::fs::read(&path).unwrap();
        let mut seed = 0x9e37_79b9_7f4a_7c15_u64;
        let mut next = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        let mut mutated = 0;
        for round in 0..200u64 {
            let mut bad = good.clone();
            let at = usize::try_from(next() % good.len() as u64).unwrap();
            match round % 4 {
                0 => bad[at] ^= 1 << (next() % 8),
                1 => bad[at] = bad[at].wrapping_add(u8::try_from(next() % 255 + 1).unwrap()),
                2 => bad.truncate(at),
                _ => bad[at..(at + 8).min(good.len())].fill(0),
            }
            if bad == good {
                continue;
            }
            mutated += 1;
            std::fs::write(&path, &bad).unwrap();
            let c = catch_up(&cache, &t, &rules()).unwrap();
            assert_eq!(
                c.fresh,
                Some(Fresh::Corrupt),
                "round {round}: damage went unnoticed"
            );
            assert_eq!(c.pipeline.session(), clean.session(), "round {round}");
            assert_eq!(
                c.pipeline.engine().firings,
                clean.engine().firings,
                "round {round}"
            );
            assert_eq!(
                c.pipeline.engine().nudges,
                clean.engine().nudges,
                "round {round}"
            );
        }
        assert!(mutated > 170, "{mutated}");
    }

    #[test]
    fn growing_file_catches_up_and_replacement_starts_over() {
        let tmp = tempfile::tempdir().unwrap();
        let t = tmp.path().join("s.jsonl");
        let cache = tmp.path().join("cache");
        std::fs::write(&t, &DEMO[..1000]).unwrap();
        let c = catch_up(&cache, &t, &rules()).unwrap();
        assert_eq!((c.read, c.fresh), (1000, Some(Fresh::NoState)));
        std::fs::write(&t, &DEMO[..3000]).unwrap();
        let c = catch_up(&cache, &t, &rules()).unwrap();
        assert_eq!((c.read, c.fresh), (2000, None));
        let c = catch_up(&cache, &t, &rules()).unwrap();
        assert_eq!((c.read, c.fresh), (0, None));
        // Same length, other bytes before the offset: a rewrite.
        let mut other = DEMO[..3000].to_vec();
        other[2990] = b' ';
        std::fs::write(&t, &other).unwrap();
        let c = catch_up(&cache, &t, &rules()).unwrap();
        assert_eq!((c.read, c.fresh), (3000, Some(Fresh::Replaced)));
        // Truncated.
        std::fs::write(&t, &DEMO[..500]).unwrap();
        let c = catch_up(&cache, &t, &rules()).unwrap();
        assert_eq!((c.read, c.fresh), (500, Some(Fresh::Replaced)));
        // Damaged state.
        std::fs::write(state_file(&cache, &t), b"\xff\xff garbage").unwrap();
        let c = catch_up(&cache, &t, &rules()).unwrap();
        assert_eq!((c.read, c.fresh), (500, Some(Fresh::Corrupt)));
        // Other rules.
        let mut config = Config::default();
        config.coach.cooldown_minutes = 3.0;
        let c = catch_up(&cache, &t, &Rules::new(config)).unwrap();
        assert_eq!((c.read, c.fresh), (500, Some(Fresh::Mismatch)));
    }
}
