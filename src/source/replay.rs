//! Opening a transcript for replay: read once, start to end, in chunks, through a read-only
//! handle ([`tail::open`]) that is then kept so that a seek reads back only the stretch it
//! feeds (open, seek, read: never written, locked or mapped). Memory follows the replay's
//! snapshots, not the file's size.

use std::fs::File;
use std::io::{Read as _, Seek as _, SeekFrom};
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use crate::core::Millis;
use crate::core::agents::Format;
use crate::core::engine::Rules;
use crate::core::replay::{Opening, ReadBack, Replay, Transcript};

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

/// Opens `path` (a main session file of `format`) for replay: one pass in chunks, then the same
/// handle kept to read stretches back from (so a file renamed over it meanwhile changes
/// nothing). `evaluated_at` as in [`Opening::finish`].
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
    let mut buf = vec![0; CHUNK];
    loop {
        match file.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => opening.feed(&buf[..n]),
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(error(e)),
        }
    }
    let transcript = FileTranscript {
        path: path.to_path_buf(),
        len: opening.offset() as u64,
        file: Mutex::new(file),
    };
    Ok(opening.finish(Arc::new(transcript), evaluated_at))
}
