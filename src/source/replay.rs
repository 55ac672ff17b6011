//! Opening a transcript for replay: read once, start to end, in chunks, through a read-only
//! handle ([`tail::open`]) that is then kept so that a seek reads back only the stretch it
//! feeds (open, seek, read: never written, locked or mapped). Memory follows the replay's
//! snapshots, not the file's size.

use std::fs::File;
use std::io::{Read as _, Seek as _, SeekFrom};
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, mpsc};

use crate::core::Millis;
use crate::core::agents::Format;
use crate::core::engine::Rules;
use crate::core::replay::{Opening, Parsed, ReadBack, Replay, Transcript};

use super::read::ReadError;
use super::tail;

/// A transcript file a replay reads stretches back from.
#[derive(Debug)]
pub struct FileTranscript {
    path: PathBuf,
    /// Bytes read when the replay opened: every stretch lies within them.
    len: u64,
    file: Mutex<File>,
}

impl Transcript for FileTranscript {
    fn read_range(&self, range: Range<usize>, out: &mut Vec<u8>) -> Result<(), ReadBack> {
        let fail = |why: String| {
            ReadBack(format!(
                "cannot read {} back to replay it: {why}",
                self.path.display()
            ))
        };
        let (start, end) = (range.start as u64, range.end as u64);
        if end > self.len || start > end {
            return Err(fail(format!(
                "bytes {start}..{end} are past the {} read",
                self.len
            )));
        }
        // A poisoned lock only means another read panicked; the file handle is still usable.
        let mut file = self
            .file
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let have = out.len();
        out.resize(have + range.len(), 0);
        let read = file
            .seek(SeekFrom::Start(start))
            .and_then(|_| file.read_exact(&mut out[have..]));
        if let Err(e) = read {
            out.truncate(have);
            return Err(fail(match e.kind() {
                std::io::ErrorKind::UnexpectedEof => "it is shorter than when it was opened".into(),
                _ => e.to_string(),
            }));
        }
        Ok(())
    }
}

/// Bytes read at a time while opening.
const CHUNK: usize = 1 << 20;

/// Chunks (and parsed batches) in flight between the threads while opening.
const AHEAD: usize = 2;

/// Opens `path` (a main session file of `format`) for replay: one pass in chunks, then the same
/// handle kept to read stretches back from (so a file renamed over it meanwhile changes
/// nothing). `evaluated_at` as in [`Opening::finish`].
///
/// Three threads share the pass: one reads the file, one frames and parses the records (most
/// of the work), and this one models them and takes the snapshots, each a couple of chunks
/// behind the one before ([`Opening::take_parsing`]: the same replay as one thread makes).
///
/// # Errors
/// When the file cannot be read.
pub fn open(
    path: &Path,
    format: Format,
    id: Option<String>,
    rules: Arc<Rules>,
    evaluated_at: Option<Millis>,
) -> Result<Replay, ReadError> {
    let error = |e: std::io::Error| ReadError {
        path: path.to_path_buf(),
        reason: e.to_string(),
    };
    let mut file = tail::open(path).map_err(error)?;
    let mut opening = Opening::new(format, id, rules);
    let Some(mut parsing) = opening.take_parsing() else {
        return Err(error(std::io::Error::other(
            "the replay's reader is missing",
        )));
    };
    let (chunk_tx, chunk_rx) = mpsc::sync_channel::<Vec<u8>>(AHEAD);
    let (free_chunk_tx, free_chunk_rx) = mpsc::channel::<Vec<u8>>();
    let (batch_tx, batch_rx) = mpsc::sync_channel::<Parsed>(AHEAD);
    let (free_batch_tx, free_batch_rx) = mpsc::channel::<Parsed>();
    let read = std::thread::scope(|scope| {
        let reading = scope.spawn(move || -> std::io::Result<File> {
            loop {
                let mut buf = free_chunk_rx.try_recv().unwrap_or_else(|_| vec![0; CHUNK]);
                buf.resize(CHUNK, 0);
                let n = loop {
                    match file.read(&mut buf) {
                        Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                        other => break other?,
                    }
                };
                if n == 0 {
                    return Ok(file);
                }
                buf.truncate(n);
                if chunk_tx.send(buf).is_err() {
                    return Ok(file);
                }
            }
        });
        scope.spawn(move || {
            for chunk in chunk_rx {
                let mut batch = free_batch_rx.try_recv().unwrap_or_default();
                parsing.parse(&chunk, &mut batch);
                let _ = free_chunk_tx.send(chunk);
                if batch_tx.send(batch).is_err() {
                    return;
                }
            }
            // The file is read to its end (or could not be read on: the error is the reading
            // thread's, and the replay is not made).
            let mut batch = free_batch_rx.try_recv().unwrap_or_default();
            parsing.finish(&mut batch);
            let _ = batch_tx.send(batch);
        });
        let mut finished = false;
        for mut batch in batch_rx {
            finished |= batch.is_finished();
            opening.apply(&mut batch);
            let _ = free_batch_tx.send(batch);
        }
        let file = reading
            .join()
            .unwrap_or_else(|_| Err(std::io::Error::other("the reading thread failed")))?;
        if finished {
            Ok(file)
        } else {
            Err(std::io::Error::other("the parsing thread stopped early"))
        }
    });
    let file = read.map_err(error)?;
    Ok(finish(opening, path, file, evaluated_at))
}

/// The replay, reading stretches back from `file` (the handle it was read through).
fn finish(opening: Opening, path: &Path, file: File, evaluated_at: Option<Millis>) -> Replay {
    let transcript = FileTranscript {
        path: path.to_path_buf(),
        len: opening.offset() as u64,
        file: Mutex::new(file),
    };
    opening.finish(Arc::new(transcript), evaluated_at)
}
