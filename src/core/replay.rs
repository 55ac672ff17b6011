//! Replay: a finished session as a sequence of positions you can play, step and seek.
//!
//! A *stop* is a transcript line that produced at least one event (progress and snapshot lines
//! produce none, so stepping never lands on nothing). Position `p` (0..=`len`) means the first
//! `p` stops have been read: the state there is exactly the pipeline fed the file up to the end
//! of stop `p` — what `watch` had on screen when that line arrived. Seeking clones the nearest
//! earlier snapshot (one every [`SNAPSHOT_BYTES`] or [`SNAPSHOT_STOPS`]) and feeds forward from
//! it, so any seek costs at most one snapshot interval of parsing, backwards as fast as forwards.
//!
//! The transcript is read once, start to end, in chunks ([`Opening`]); the replay keeps only
//! where each stop ends, and reads a stretch back from its [`Transcript`] (the file, read-only,
//! at the edge; or bytes in memory) when a seek feeds forward. So memory follows the snapshots,
//! not the file, and a snapshot shares the finished turns with the others.
//!
//! The scrubber's marks (prompts, errors, signals, nudges, recoveries, compactions, the likely
//! abandonment) come from the final state, each mapped to the position of the line it names.
//! Playback time is the recorded time between stops with idle gaps capped at [`IDLE_CAP_MS`], so
//! a three-hour session plays in minutes; the real gap is reported for a label.

use std::fmt;
use std::ops::Range;
use std::sync::Arc;

use super::agents::{Format, Reader};
use super::engine::Rules;
use super::event::Event;
use super::pipeline::Pipeline;
use super::view::{Dashboard, View};
use super::{LineNo, Millis};

/// A snapshot at least this often (bytes of transcript)…
pub const SNAPSHOT_BYTES: usize = 4 << 20;
/// …or this often (stops), whichever comes first.
pub const SNAPSHOT_STOPS: usize = 4000;
/// Gaps between events longer than this play as this long (at 1x).
pub const IDLE_CAP_MS: u64 = 3_000;

/// Where a replay reads stretches of its transcript back from when it seeks: the file, opened
/// read-only (`source::replay`), or the bytes themselves ([`Replay::open`]).
pub trait Transcript: Send + Sync + fmt::Debug {
    /// Appends the bytes at `range` (offsets into the transcript as it was read when the replay
    /// opened) to `out`.
    ///
    /// # Errors
    /// When they cannot be read back (the file is gone, or shorter now): a message for people.
    fn read_range(&self, range: Range<usize>, out: &mut Vec<u8>) -> Result<(), ReadBack>;
}

/// A stretch of the transcript could not be read back: what to tell the person.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct ReadBack(pub String);

impl Transcript for Vec<u8> {
    fn read_range(&self, range: Range<usize>, out: &mut Vec<u8>) -> Result<(), ReadBack> {
        let (start, end) = (range.start, range.end);
        let bytes = self
            .get(range)
            .ok_or_else(|| ReadBack(format!("bytes {start}..{end} are past the transcript")))?;
        out.extend_from_slice(bytes);
        Ok(())
    }
}

/// One line that produced events.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stop {
    pub line: LineNo,
    /// Byte offset just past the line's newline.
    pub end: usize,
    /// The latest event time once this line is read.
    pub at: Option<Millis>,
}

/// What a scrubber mark shows, in increasing priority (a column shows its most important mark).
/// How each is drawn is the front end's business.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum MarkKind {
    Prompt,
    Error,
    Compaction,
    Recovery,
    Signal,
    Nudge,
    Abandoned,
}

/// A mark on the scrubber.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mark {
    /// The position at which the marked line has been read.
    pub pos: usize,
    pub line: LineNo,
    pub kind: MarkKind,
    /// `S5`, `R4`, a prompt number…
    pub label: String,
}

/// How much coaching a pipeline had shown at the last look: a mark goes where its signal,
/// nudge, recovery or abandonment first shows, which can be after the line it names (a check's
/// failure shows when its result arrives; silence shows only at the end).
#[derive(Debug, Clone, Copy, Default)]
struct Coaching {
    firings: usize,
    nudges: usize,
    recoveries: usize,
    abandoned: bool,
}

impl Coaching {
    /// Adds a mark at `pos` for everything `p` shows that it did not at the last look.
    fn marks_since(&mut self, p: &Pipeline, pos: usize, out: &mut Vec<Mark>) {
        let e = p.engine();
        let mut add = |line: LineNo, kind: MarkKind, label: String| {
            out.push(Mark {
                pos,
                line,
                kind,
                label,
            });
        };
        for r in e.recoveries.iter().skip(self.recoveries) {
            add(r.at_line, MarkKind::Recovery, r.recovery.code().to_owned());
        }
        for f in e.firings.iter().skip(self.firings) {
            add(f.at_line, MarkKind::Signal, f.signal.to_string());
        }
        for n in e.nudges.iter().skip(self.nudges) {
            add(n.at_line, MarkKind::Nudge, format!("nudge {}", n.signal));
        }
        if let (Some((after, _)), false) = (e.abandoned_at, self.abandoned) {
            add(after, MarkKind::Abandoned, "likely abandoned".into());
        }
        *self = Self {
            firings: e.firings.len(),
            nudges: e.nudges.len(),
            recoveries: e.recoveries.len(),
            abandoned: e.abandoned_at.is_some(),
        };
    }
}

/// See the module docs.
#[derive(Debug, Clone)]
pub struct Replay {
    /// Where stretches are read back from when seeking.
    transcript: Arc<dyn Transcript>,
    id: Option<String>,
    rules: Arc<Rules>,
    stops: Vec<Stop>,
    /// (position, state there), ascending; the first is position 0.
    snapshots: Vec<(usize, Pipeline)>,
    marks: Vec<Mark>,
    /// The whole file read and ticked at the evaluation time.
    last: Pipeline,
    /// Playback time (1x) at each position, 0..=len.
    clock: Vec<u64>,
}

/// A replay being opened: the transcript fed start to end, in chunks of any size (the same
/// stops, snapshots and marks however it is cut), then [`Opening::finish`]ed.
///
/// Framing and parsing the records is most of the work; it can run on another thread, ahead of
/// the modelling: [`Opening::take_parsing`] hands that half out, and what it makes of each
/// chunk ([`Parsed`]) is given back here with [`Opening::apply`]. Both ways run the same steps
/// in the same order, so they give the same replay.
#[derive(Debug)]
pub struct Opening {
    /// The reading half, unless it was handed out.
    parsing: Option<Parsing>,
    /// Reused between chunks.
    batch: Parsed,
    /// Builder and engine; its own reader is unused (each snapshot gets the reader's state at
    /// its stop, and the end gets the reader that read everything).
    p: Pipeline,
    id: Option<String>,
    rules: Arc<Rules>,
    stops: Vec<Stop>,
    snapshots: Vec<(usize, Pipeline)>,
    /// (position, line) of each stop that added a failed call.
    errors: Vec<(usize, LineNo)>,
    seen: Coaching,
    coaching: Vec<Mark>,
    /// Bytes fed so far.
    offset: usize,
}

/// The reading half of an [`Opening`]: frames the records and parses them into events, and
/// says where the snapshots fall (one every [`SNAPSHOT_BYTES`] or [`SNAPSHOT_STOPS`]).
#[derive(Debug)]
pub struct Parsing {
    reader: Reader,
    /// Bytes and stops since the last snapshot.
    snap_bytes: usize,
    snap_stops: usize,
}

/// What the reading half made of some chunks, for [`Opening::apply`]. Reusable: applying
/// empties it.
#[derive(Debug, Default)]
pub struct Parsed {
    records: Vec<Record>,
    /// Every record's events, in order.
    events: Vec<Event>,
    /// (index into `records`, the reader's state just after it) for each snapshot.
    readers: Vec<(usize, Reader)>,
    /// The transcript ended: the reader that read all of it.
    finished: Option<Reader>,
}

/// One record as the reading half saw it.
#[derive(Debug, Clone, Copy)]
struct Record {
    consumed: usize,
    ended: Option<LineNo>,
    events: usize,
}

impl Parsing {
    /// Reads the next chunk; what it made of it is added to `out`.
    pub fn parse(&mut self, mut chunk: &[u8], out: &mut Parsed) {
        while !chunk.is_empty() {
            let before = out.events.len();
            let step = self.reader.feed_record(chunk, &mut out.events);
            chunk = chunk.get(step.consumed..).unwrap_or_default();
            let events = out.events.len() - before;
            out.records.push(Record {
                consumed: step.consumed,
                ended: step.ended,
                events,
            });
            self.snap_bytes += step.consumed;
            if step.ended.is_some() && events > 0 {
                self.snap_stops += 1;
                if self.snap_bytes >= SNAPSHOT_BYTES || self.snap_stops >= SNAPSHOT_STOPS {
                    out.readers
                        .push((out.records.len() - 1, self.reader.clone()));
                    self.snap_bytes = 0;
                    self.snap_stops = 0;
                }
            }
        }
    }

    /// The transcript ended: a last record without its terminator is read as complete (no
    /// snapshot after it), and `out` carries the reader to the [`Opening`].
    pub fn finish(mut self, out: &mut Parsed) {
        let before = out.events.len();
        let ended = self.reader.finish(&mut out.events);
        out.records.push(Record {
            consumed: 0,
            ended,
            events: out.events.len() - before,
        });
        out.finished = Some(self.reader);
    }
}

impl Parsed {
    /// Whether it holds the end of the transcript.
    #[must_use]
    pub fn is_finished(&self) -> bool {
        self.finished.is_some()
    }
}

impl Opening {
    /// Starts reading a transcript of `format` (see [`Replay::open`]).
    #[must_use]
    pub fn new(format: Format, id: Option<String>, rules: Arc<Rules>) -> Self {
        let p = Pipeline::for_format(format, id.clone(), Arc::clone(&rules));
        Self {
            parsing: Some(Parsing {
                reader: p.fresh_reader(),
                snap_bytes: 0,
                snap_stops: 0,
            }),
            batch: Parsed::default(),
            snapshots: vec![(0, p.clone())],
            p,
            id,
            rules,
            stops: Vec::new(),
            errors: Vec::new(),
            seen: Coaching::default(),
            coaching: Vec::new(),
            offset: 0,
        }
    }

    /// Hands out the reading half (once): from then on this opening is given what it parsed
    /// ([`Self::apply`], through to the batch [`Parsing::finish`] ends) instead of bytes
    /// ([`Self::feed`] does nothing any more).
    pub fn take_parsing(&mut self) -> Option<Parsing> {
        self.parsing.take()
    }

    /// Bytes fed so far.
    #[must_use]
    pub fn offset(&self) -> usize {
        self.offset
    }

    /// Feeds the next chunk of the transcript.
    pub fn feed(&mut self, chunk: &[u8]) {
        let Some(parsing) = self.parsing.as_mut() else {
            return;
        };
        let mut batch = std::mem::take(&mut self.batch);
        parsing.parse(chunk, &mut batch);
        self.apply(&mut batch);
        self.batch = batch;
    }

    /// Models what the reading half parsed (in the order it was parsed), and empties `batch`.
    pub fn apply(&mut self, batch: &mut Parsed) {
        let mut events = &batch.events[..];
        let mut readers = batch.readers.drain(..).peekable();
        for (i, r) in batch.records.iter().enumerate() {
            let (mine, rest) = events.split_at_checked(r.events).unwrap_or((events, &[]));
            events = rest;
            let failed = self.p.session().totals.failed;
            let n = self.p.feed_parsed(r.consumed, mine);
            self.offset += r.consumed;
            let Some(line) = r.ended.filter(|_| n > 0) else {
                continue;
            };
            let at = self.stop(line, self.offset, failed);
            if let Some((_, reader)) = readers.next_if(|(j, _)| *j == i) {
                let mut snap = self.p.clone();
                snap.set_reader(reader);
                self.snapshots.push((at, snap));
            }
        }
        drop(readers);
        if let Some(reader) = batch.finished.take() {
            self.p.set_reader(reader);
        }
        batch.records.clear();
        batch.events.clear();
        batch.readers.clear();
    }

    /// Records a stop at `line`, ending at byte `end`; its position.
    fn stop(&mut self, line: LineNo, end: usize, failed: u32) -> usize {
        let p = &self.p;
        self.stops.push(Stop {
            line,
            end,
            at: p.seen().last_at,
        });
        if p.session().totals.failed > failed {
            self.errors.push((self.stops.len(), line));
        }
        self.seen
            .marks_since(p, self.stops.len(), &mut self.coaching);
        self.stops.len()
    }

    /// The transcript ended (everything fed is the whole of it): the replay, reading stretches
    /// back from `transcript` (which must hold the bytes fed, at the same offsets).
    /// `evaluated_at` is the clock for time-based rules at the end (silence after trouble, hence
    /// the likely abandonment); `None` evaluates at the last event.
    #[must_use]
    pub fn finish(
        mut self,
        transcript: Arc<dyn Transcript>,
        evaluated_at: Option<Millis>,
    ) -> Replay {
        // A finished file's last record counts even without its terminator; what only the end
        // releases besides (a prompt held for one more record) belongs to no stop.
        if let Some(parsing) = self.parsing.take() {
            let mut batch = std::mem::take(&mut self.batch);
            parsing.finish(&mut batch);
            self.apply(&mut batch);
        }
        let Self {
            mut p,
            id,
            rules,
            stops,
            snapshots,
            errors,
            mut seen,
            mut coaching,
            ..
        } = self;
        if let Some(now) = evaluated_at.or(p.seen().last_at) {
            p.tick(now);
        }
        // What only the end shows: a prompt held to the end, time-based signals.
        seen.marks_since(&p, stops.len(), &mut coaching);
        let mut replay = Replay {
            transcript,
            id,
            rules,
            stops,
            snapshots,
            marks: Vec::new(),
            last: p,
            clock: Vec::new(),
        };
        replay.marks = replay.collect_marks(&errors, coaching);
        let mut t = 0;
        replay.clock = std::iter::once(0)
            .chain((0..replay.len()).map(|i| {
                t += replay.play_ms(i);
                t
            }))
            .collect();
        replay
    }
}

impl Replay {
    /// Reads a whole transcript (`bytes`, which the replay keeps to read back from) once,
    /// recording stops, snapshots and marks; see [`Opening`] for reading one in chunks and
    /// keeping it elsewhere. `evaluated_at` is the clock for time-based rules at the end
    /// (silence after trouble, hence the likely abandonment); `None` evaluates at the last
    /// event. The format's reader frames the records ([`Pipeline::feed_record`]): a stop ends
    /// where its record ends.
    #[must_use]
    pub fn open(
        bytes: Vec<u8>,
        id: Option<String>,
        rules: Arc<Rules>,
        evaluated_at: Option<Millis>,
    ) -> Self {
        Self::open_format(Format::default(), bytes, id, rules, evaluated_at)
    }

    /// [`Self::open`] for a transcript of `format`.
    #[must_use]
    pub fn open_format(
        format: Format,
        bytes: Vec<u8>,
        id: Option<String>,
        rules: Arc<Rules>,
        evaluated_at: Option<Millis>,
    ) -> Self {
        let mut o = Opening::new(format, id, rules);
        o.feed(&bytes);
        o.finish(Arc::new(bytes), evaluated_at)
    }

    fn collect_marks(&self, errors: &[(usize, LineNo)], coaching: Vec<Mark>) -> Vec<Mark> {
        let s = self.last.session();
        let mut marks: Vec<Mark> = coaching;
        let mut add = |line: LineNo, kind: MarkKind, label: String| {
            marks.push(Mark {
                pos: self.pos_of_line(line),
                line,
                kind,
                label,
            });
        };
        for t in s.turns.iter().filter(|t| t.number > 0) {
            add(t.line, MarkKind::Prompt, format!("prompt {}", t.number));
        }
        for c in &s.compactions {
            add(c.line, MarkKind::Compaction, "compaction".into());
        }
        for (pos, line) in errors {
            marks.push(Mark {
                pos: *pos,
                line: *line,
                kind: MarkKind::Error,
                label: "error".into(),
            });
        }
        marks.sort_by(|a, b| a.pos.cmp(&b.pos).then(b.kind.cmp(&a.kind)));
        marks
    }

    /// The number of stops: positions run from 0 to this.
    #[must_use]
    pub fn len(&self) -> usize {
        self.stops.len()
    }

    /// Whether the transcript produced no events at all.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.stops.is_empty()
    }

    /// Every stop.
    #[must_use]
    pub fn stops(&self) -> &[Stop] {
        &self.stops
    }

    /// Every mark, by position (most important first within a position).
    #[must_use]
    pub fn marks(&self) -> &[Mark] {
        &self.marks
    }

    /// The session id the replay was opened with.
    #[must_use]
    pub fn id(&self) -> Option<&str> {
        self.id.as_deref()
    }

    /// The rules it coaches with.
    #[must_use]
    pub fn rules(&self) -> &Arc<Rules> {
        &self.rules
    }

    /// The whole session, evaluated at the end (what `score` reports).
    #[must_use]
    pub fn last(&self) -> &Pipeline {
        &self.last
    }

    /// The position at which `line` has been read (the end for a line past the last stop).
    #[must_use]
    pub fn pos_of_line(&self, line: LineNo) -> usize {
        self.stops.partition_point(|s| s.line < line) + 1
    }

    /// The line read last at `pos` (0 at the start).
    #[must_use]
    pub fn line_at(&self, pos: usize) -> LineNo {
        pos.checked_sub(1)
            .and_then(|i| self.stops.get(i))
            .map_or(LineNo(0), |s| s.line)
    }

    /// The recorded time at `pos` (the latest event time read so far).
    #[must_use]
    pub fn time_at(&self, pos: usize) -> Option<Millis> {
        pos.min(self.stops.len())
            .checked_sub(1)
            .and_then(|i| self.stops.get(i))
            .and_then(|s| s.at)
    }

    /// The first recorded time.
    #[must_use]
    pub fn start_time(&self) -> Option<Millis> {
        self.stops.iter().find_map(|s| s.at)
    }

    /// The real time between `pos` and `pos + 1`.
    #[must_use]
    pub fn gap_after(&self, pos: usize) -> u64 {
        match (self.time_at(pos), self.stops.get(pos).and_then(|s| s.at)) {
            (Some(a), Some(b)) => b.since(a),
            _ => 0,
        }
    }

    /// How long the step from `pos` to `pos + 1` plays at 1x: the real gap, capped.
    #[must_use]
    pub fn play_ms(&self, pos: usize) -> u64 {
        self.gap_after(pos).min(IDLE_CAP_MS)
    }

    /// Playback time (1x, gaps capped) from the start to `pos`, and for the whole session.
    #[must_use]
    pub fn play_clock(&self, pos: usize) -> (u64, u64) {
        let at = |p: usize| self.clock.get(p).copied().unwrap_or(0);
        (at(pos.min(self.len())), at(self.len()))
    }

    /// The state at `pos` (clamped to `len`): the pipeline fed the file up to that stop.
    ///
    /// # Errors
    /// When the stretch from the snapshot before `pos` cannot be read back.
    pub fn state_at(&self, pos: usize) -> Result<Pipeline, ReadBack> {
        let pos = pos.min(self.len());
        if pos == self.len() {
            return Ok(self.last.clone());
        }
        let i = self.snapshots.partition_point(|(p, _)| *p <= pos) - 1;
        let Some((from, snap)) = self.snapshots.get(i) else {
            return Ok(Pipeline::for_format(
                self.last.format(),
                self.id.clone(),
                Arc::clone(&self.rules),
            ));
        };
        let mut p = snap.clone();
        self.feed_between(&mut p, *from, pos)?;
        Ok(p)
    }

    /// Feeds `p`, the state at position `from`, the stretch up to position `to`.
    fn feed_between(&self, p: &mut Pipeline, from: usize, to: usize) -> Result<(), ReadBack> {
        let (start, end) = (self.byte_end(from), self.byte_end(to));
        if start >= end {
            return Ok(());
        }
        let mut bytes = Vec::with_capacity(end - start);
        self.transcript.read_range(start..end, &mut bytes)?;
        p.feed(&bytes);
        Ok(())
    }

    fn byte_end(&self, pos: usize) -> usize {
        pos.checked_sub(1)
            .and_then(|i| self.stops.get(i))
            .map_or(0, |s| s.end)
    }

    /// The next position after `pos` with a mark of one of `kinds`.
    #[must_use]
    pub fn next_mark(&self, pos: usize, kinds: &[MarkKind]) -> Option<usize> {
        self.marks
            .iter()
            .find(|m| m.pos > pos && kinds.contains(&m.kind))
            .map(|m| m.pos)
    }

    /// The last position before `pos` with a mark of one of `kinds`.
    #[must_use]
    pub fn prev_mark(&self, pos: usize, kinds: &[MarkKind]) -> Option<usize> {
        self.marks
            .iter()
            .rev()
            .find(|m| m.pos < pos && kinds.contains(&m.kind))
            .map(|m| m.pos)
    }

    /// The scrubber at `width` columns with the cursor at `pos` (see [`strip`]).
    #[must_use]
    pub fn strip(&self, width: usize, pos: usize) -> (Vec<Option<MarkKind>>, usize) {
        strip(self.len(), &self.marks, width, pos)
    }
}

/// Playback speeds, `+`/`-` step through them.
pub const SPEEDS: [u32; 7] = [1, 2, 4, 8, 16, 32, 64];

/// What the playback bar shows: pure data, drawn by the TUI.
#[derive(Debug, Clone, PartialEq)]
pub struct PlaybackBar {
    pub playing: bool,
    pub speed: u32,
    pub pos: usize,
    pub len: usize,
    /// The line read last.
    pub line: LineNo,
    /// Playback time so far and in all (1x, idle gaps capped).
    pub played_ms: u64,
    pub total_ms: u64,
    /// Recorded time since the session started.
    pub real_ms: u64,
    /// The prompt being shown, of how many.
    pub prompt: usize,
    pub prompts: usize,
    /// The real gap just crossed or about to be crossed when it was compressed (`47m idle`).
    pub gap: Option<u64>,
    /// The scrubber's marks (shared, positions only change with the session).
    pub marks: Arc<[Mark]>,
}

impl PlaybackBar {
    /// The scrubber at `width` columns and the cursor's column.
    #[must_use]
    pub fn strip(&self, width: usize) -> (Vec<Option<MarkKind>>, usize) {
        strip(self.len, &self.marks, width, self.pos)
    }
}

/// The scrubber: `width` columns over positions 1..=len, each showing the most important mark
/// in its range (None for a plain column), and the column of `pos`.
#[must_use]
pub fn strip(
    len: usize,
    marks: &[Mark],
    width: usize,
    pos: usize,
) -> (Vec<Option<MarkKind>>, usize) {
    let mut cols = vec![None; width];
    if width == 0 {
        return (cols, 0);
    }
    let len = len.max(1);
    let col = |p: usize| (p.saturating_sub(1) * width / len).min(width - 1);
    for m in marks {
        let c = &mut cols[col(m.pos)];
        if c.is_none_or(|k| m.kind > k) {
            *c = Some(m.kind);
        }
    }
    (cols, col(pos.max(1)))
}

/// What the player is asked to do: its whole vocabulary (the TUI binds keys to these).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Command {
    PlayPause,
    Faster,
    Slower,
    StepBack,
    StepForward,
    PrevPrompt,
    NextPrompt,
    PrevMark,
    NextMark,
    Start,
    End,
    Seek(usize),
}

/// A replay being watched: a position, the state there, and the play clock.
#[derive(Debug, Clone)]
pub struct Player {
    replay: Arc<Replay>,
    marks: Arc<[Mark]>,
    pos: usize,
    state: Pipeline,
    playing: bool,
    speed: u32,
    /// Playback time (ms at 1x) accumulated towards the next stop.
    carry: f64,
    /// The last seek that failed, until taken.
    error: Option<ReadBack>,
}

impl Player {
    /// At the start, playing at `speed` (rounded to the nearest of [`SPEEDS`]).
    #[must_use]
    pub fn new(replay: Arc<Replay>, speed: f64) -> Self {
        // Position 0 reads nothing back (it is the first snapshot, or the end of nothing).
        let state = replay.state_at(0).unwrap_or_else(|_| replay.last().clone());
        let speed = SPEEDS
            .iter()
            .copied()
            .min_by(|a, b| {
                (f64::from(*a) - speed)
                    .abs()
                    .total_cmp(&(f64::from(*b) - speed).abs())
            })
            .unwrap_or(8);
        Self {
            marks: replay.marks().to_vec().into(),
            replay,
            pos: 0,
            state,
            playing: true,
            speed,
            carry: 0.0,
            error: None,
        }
    }

    /// Why the last seek did not move (the transcript could not be read back), once.
    pub fn take_error(&mut self) -> Option<ReadBack> {
        self.error.take()
    }

    /// The replay played.
    #[must_use]
    pub fn replay(&self) -> &Replay {
        &self.replay
    }

    /// Where it is.
    #[must_use]
    pub fn pos(&self) -> usize {
        self.pos
    }

    /// The state at the position: identical to `replay().state_at(pos())`.
    #[must_use]
    pub fn state(&self) -> &Pipeline {
        &self.state
    }

    /// Whether it is playing.
    #[must_use]
    pub fn playing(&self) -> bool {
        self.playing
    }

    /// Moves to `pos` (clamped): forward a little by feeding on, anywhere else from a snapshot.
    /// When the stretch to feed cannot be read back, it stays where it is, paused, and
    /// [`Self::take_error`] says why.
    pub fn seek(&mut self, pos: usize) {
        let pos = pos.min(self.replay.len());
        if pos == self.pos {
            return;
        }
        self.carry = 0.0;
        let near = pos > self.pos && pos - self.pos <= 64 && pos < self.replay.len();
        let moved = if near {
            self.replay.feed_between(&mut self.state, self.pos, pos)
        } else {
            self.replay.state_at(pos).map(|s| self.state = s)
        };
        if let Err(e) = moved {
            // Nothing was fed: it stays where it was, paused, and says why.
            self.playing = false;
            self.error = Some(e);
            return;
        }
        self.pos = pos;
        if pos == self.replay.len() {
            self.playing = false;
        }
    }

    /// Does what a key asked. Returns whether anything changed.
    pub fn command(&mut self, c: Command) -> bool {
        let before = (self.pos, self.playing, self.speed);
        let r = Arc::clone(&self.replay);
        let prompts = [MarkKind::Prompt];
        let coaching = [MarkKind::Signal, MarkKind::Nudge, MarkKind::Abandoned];
        match c {
            Command::PlayPause => {
                if self.pos >= r.len() {
                    self.seek(0);
                    self.playing = true;
                } else {
                    self.playing = !self.playing;
                }
            }
            Command::Faster => {
                self.speed = SPEEDS.into_iter().find(|s| *s > self.speed).unwrap_or(64);
            }
            Command::Slower => {
                self.speed = SPEEDS
                    .into_iter()
                    .rev()
                    .find(|s| *s < self.speed)
                    .unwrap_or(1);
            }
            Command::StepBack => self.seek(self.pos.saturating_sub(1)),
            Command::StepForward => self.seek(self.pos + 1),
            Command::PrevPrompt => {
                // From inside a turn, back to its prompt; from its prompt, to the one before.
                let p = r.prev_mark(self.pos, &prompts).unwrap_or(0);
                self.seek(p);
            }
            Command::NextPrompt => self.seek(r.next_mark(self.pos, &prompts).unwrap_or(r.len())),
            Command::PrevMark => {
                if let Some(p) = r.prev_mark(self.pos, &coaching) {
                    self.seek(p);
                }
            }
            Command::NextMark => {
                if let Some(p) = r.next_mark(self.pos, &coaching) {
                    self.seek(p);
                }
            }
            Command::Start => self.seek(0),
            Command::End => self.seek(r.len()),
            Command::Seek(p) => self.seek(p),
        }
        (self.pos, self.playing, self.speed) != before
    }

    /// Wall time passed while playing: moves on by as many stops as it covers at this speed.
    /// Returns whether the position changed.
    pub fn advance(&mut self, wall_ms: u64) -> bool {
        if !self.playing {
            return false;
        }
        #[expect(clippy::cast_precision_loss, reason = "milliseconds")]
        let add = wall_ms as f64 * f64::from(self.speed);
        self.carry += add;
        let mut pos = self.pos;
        let mut carry = self.carry;
        #[expect(clippy::cast_precision_loss, reason = "milliseconds")]
        while pos < self.replay.len() && carry >= self.replay.play_ms(pos) as f64 {
            carry -= self.replay.play_ms(pos) as f64;
            pos += 1;
        }
        let moved = pos != self.pos;
        self.seek(pos);
        self.carry = if pos >= self.replay.len() { 0.0 } else { carry };
        moved
    }

    /// Wall milliseconds until the next stop is due while playing (`None` when paused or at the
    /// end): the event loop sleeps this long.
    #[must_use]
    pub fn due_in_ms(&self) -> Option<u64> {
        if !self.playing || self.pos >= self.replay.len() {
            return None;
        }
        #[expect(clippy::cast_precision_loss, reason = "milliseconds")]
        let left = (self.replay.play_ms(self.pos) as f64 - self.carry).max(0.0);
        #[expect(
            clippy::cast_possible_truncation,
            clippy::cast_sign_loss,
            reason = "non-negative, small"
        )]
        let ms = (left / f64::from(self.speed)).ceil() as u64;
        Some(ms)
    }

    /// The playback bar for the current position.
    #[must_use]
    pub fn bar(&self) -> PlaybackBar {
        let r = &self.replay;
        let (played_ms, total_ms) = r.play_clock(self.pos);
        let real_ms = r
            .time_at(self.pos)
            .zip(r.start_time())
            .map_or(0, |(b, a)| b.since(a));
        let gap = [self.pos.checked_sub(1), Some(self.pos)]
            .into_iter()
            .flatten()
            .map(|p| r.gap_after(p))
            .find(|g| *g > IDLE_CAP_MS);
        PlaybackBar {
            playing: self.playing,
            speed: self.speed,
            pos: self.pos,
            len: r.len(),
            line: r.line_at(self.pos),
            played_ms,
            total_ms,
            real_ms,
            prompt: self.state.session().prompts(),
            prompts: r.last().session().prompts(),
            gap,
            marks: Arc::clone(&self.marks),
        }
    }

    /// The state at this position, seen when its line was read: what `watch` had then. Clocks
    /// run to the time of the line just read, also at the end (the engine there was evaluated
    /// at the evaluation time, but the session's length is its own, not that plus the months
    /// since).
    #[must_use]
    pub fn view(&self) -> View<'_> {
        View::of(&self.state).at(self.replay.time_at(self.pos))
    }

    /// The dashboard `watch` would have shown at this position, without the dismissed nudges.
    #[must_use]
    pub fn dashboard(&self, dismissed: &[usize]) -> Dashboard {
        self.view().hiding(dismissed).dashboard()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn demo() -> Replay {
        let bytes = include_bytes!("../../assets/demo/session.jsonl").to_vec();
        Replay::open(bytes, Some("demo".into()), Rules::shared_default(), None)
    }

    fn fed(bytes: &[u8], upto: usize) -> Pipeline {
        let mut p = Pipeline::new(Some("demo".into()));
        p.feed(&bytes[..upto]);
        p
    }

    #[test]
    fn every_position_equals_a_fresh_read_up_to_its_line() {
        let r = demo();
        let bytes = include_bytes!("../../assets/demo/session.jsonl");
        assert!(r.len() > 50, "the demo has {} stops", r.len());
        for pos in [0, 1, 7, r.len() / 2, r.len() - 1] {
            let got = r.state_at(pos).unwrap();
            let want = fed(bytes, r.byte_end(pos));
            assert_eq!(got.session(), want.session(), "session at {pos}");
            assert_eq!(
                got.engine().firings,
                want.engine().firings,
                "signals at {pos}"
            );
            assert_eq!(got.engine().nudges, want.engine().nudges, "nudges at {pos}");
        }
    }

    #[test]
    fn marks_include_the_demo_story() {
        let r = demo();
        let kinds: std::collections::BTreeSet<MarkKind> =
            r.marks().iter().map(|m| m.kind).collect();
        for k in [
            MarkKind::Prompt,
            MarkKind::Error,
            MarkKind::Signal,
            MarkKind::Nudge,
            MarkKind::Recovery,
        ] {
            assert!(kinds.contains(&k), "no {k:?} mark in {:?}", r.marks());
        }
        // Marks point at the position where their line has just been read.
        for m in r.marks() {
            assert!(m.pos >= 1 && m.pos <= r.len(), "{m:?}");
            assert!(
                r.line_at(m.pos) >= m.line,
                "{m:?} but line {}",
                r.line_at(m.pos)
            );
        }
        let prompts = r.marks().iter().filter(|m| m.kind == MarkKind::Prompt);
        assert_eq!(prompts.count(), r.last().session().prompts());
    }

    #[test]
    fn a_coaching_mark_sits_where_its_signal_first_shows() {
        let r = demo();
        for m in r.marks() {
            let count = |pos: usize| {
                let s = r.state_at(pos).unwrap();
                let e = s.engine();
                match m.kind {
                    MarkKind::Signal => e.firings.iter().filter(|f| f.at_line == m.line).count(),
                    MarkKind::Nudge => e.nudges.iter().filter(|n| n.at_line == m.line).count(),
                    MarkKind::Recovery => {
                        e.recoveries.iter().filter(|x| x.at_line == m.line).count()
                    }
                    _ => return None,
                }
                .into()
            };
            if let (Some(at), Some(before)) = (count(m.pos), count(m.pos - 1)) {
                assert!(at > before, "{m:?} is not visible at its position");
            }
        }
    }

    #[test]
    fn idle_gaps_are_capped_in_play_time() {
        let r = demo();
        let (_, total) = r.play_clock(r.len());
        let real = r
            .time_at(r.len())
            .zip(r.start_time())
            .map_or(0, |(b, a)| b.since(a));
        assert!(real > 0);
        assert!(total <= real, "play {total} ms vs real {real} ms");
        assert!((0..r.len()).all(|p| r.play_ms(p) <= IDLE_CAP_MS));
    }

    #[test]
    fn prompt_and_mark_navigation() {
        let r = demo();
        let first = r.next_mark(0, &[MarkKind::Prompt]).unwrap();
        let second = r.next_mark(first, &[MarkKind::Prompt]).unwrap();
        assert!(second > first);
        assert_eq!(r.prev_mark(second, &[MarkKind::Prompt]), Some(first));
        assert_eq!(r.prev_mark(first, &[MarkKind::Prompt]), None);
        let nudge = r.next_mark(0, &[MarkKind::Nudge]).unwrap();
        assert!(r.state_at(nudge).unwrap().engine().nudges.len() == 1);
        assert!(r.state_at(nudge - 1).unwrap().engine().nudges.is_empty());
    }

    #[test]
    fn strip_puts_the_most_important_mark_in_each_column() {
        let r = demo();
        let (cols, cursor) = r.strip(20, r.len());
        assert_eq!(cols.len(), 20);
        assert_eq!(cursor, 19);
        assert!(cols.contains(&Some(MarkKind::Nudge)));
        let (cols, cursor) = r.strip(1, 0);
        assert_eq!((cols.len(), cursor), (1, 0));
        assert!(r.strip(0, 5).0.is_empty());
    }

    #[test]
    fn empty_and_garbage_files_open() {
        for bytes in [&b""[..], b"not json\n", b"{\"type\":\"user\""] {
            let r = Replay::open(bytes.to_vec(), None, Rules::shared_default(), None);
            assert_eq!(r.len(), 0);
            assert_eq!(r.state_at(5).unwrap().session().prompts(), 0);
            let (cols, _) = r.strip(10, 0);
            assert!(cols.iter().all(Option::is_none));
        }
    }
}
