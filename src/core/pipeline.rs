//! Bytes in, session and coaching out: [`LineAssembler`] → [`Parser`] → [`Builder`] → [`Engine`],
//! fed chunk by chunk.
//!
//! This is the one path every front end uses: `score` feeds a whole file, `watch` feeds appends,
//! the status line feeds what arrived since its last call. Chunk boundaries never change the
//! result (a property test over the real corpus proves it).

use std::sync::Arc;

use super::Millis;
use super::agents::claude::{ParseStats, Parser};
use super::engine::{Engine, Rules};
use super::event::Event;
use super::lines::{DEFAULT_MAX_LINE, Line, LineAssembler};
use super::session::{Builder, Session};

/// A sub-agent file read alongside a session: its own line numbering and parser, its events
/// counted into the session's sub-agent figures (signals read only the main thread).
#[derive(Debug, Clone)]
pub struct AgentFeed {
    assembler: LineAssembler,
    parser: Parser,
}

impl AgentFeed {
    /// A feed for the sub-agent `agent`.
    #[must_use]
    pub fn new(agent: &str) -> Self {
        Self {
            assembler: LineAssembler::new(DEFAULT_MAX_LINE),
            parser: Parser::for_agent(agent),
        }
    }

    /// Its skip counters.
    #[must_use]
    pub fn stats(&self) -> &ParseStats {
        &self.parser.stats
    }
}

/// See the module docs.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Pipeline {
    assembler: LineAssembler,
    parser: Parser,
    builder: Builder,
    engine: Engine,
    #[serde(skip)]
    scratch: Vec<Event>,
    /// Every event, kept only when asked for (tests, replay); never saved.
    #[serde(skip)]
    log: Option<Vec<Event>>,
    bytes: u64,
    /// Events produced so far, and the latest event time (replay's stops and clock).
    seen: Seen,
}

/// What the pipeline has produced so far, in two numbers.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Seen {
    pub events: u64,
    pub last_at: Option<Millis>,
}

impl Pipeline {
    /// A pipeline for a main session file whose id (file stem) is `id`, with default rules.
    #[must_use]
    pub fn new(id: Option<String>) -> Self {
        Self::with_rules(id, Rules::shared_default())
    }

    /// A pipeline for a main session file, coached with these rules.
    #[must_use]
    pub fn with_rules(id: Option<String>, rules: Arc<Rules>) -> Self {
        Self::with_parts(Parser::new(), Builder::new(id), Engine::new(rules))
    }

    /// A pipeline for a sub-agent file: all its work is attributed to `agent`.
    #[must_use]
    pub fn for_agent(agent: &str) -> Self {
        Self::with_parts(
            Parser::for_agent(agent),
            Builder::new(None),
            Engine::new(Rules::shared_default()),
        )
    }

    fn with_parts(parser: Parser, builder: Builder, engine: Engine) -> Self {
        Self {
            assembler: LineAssembler::new(DEFAULT_MAX_LINE),
            parser,
            builder,
            engine,
            scratch: Vec::new(),
            log: None,
            bytes: 0,
            seen: Seen::default(),
        }
    }

    /// Keeps every event, for [`Self::events`].
    #[must_use]
    pub fn with_log(mut self) -> Self {
        self.log = Some(Vec::new());
        self
    }

    /// Caps the length of one line (bytes); longer lines are skipped and counted.
    #[must_use]
    pub fn with_max_line(mut self, max_line: usize) -> Self {
        self.assembler = LineAssembler::new(max_line);
        self
    }

    /// Re-attaches compiled rules after the pipeline was read back from saved state (the status
    /// line keeps its pipeline between calls; compiled regexes are never saved).
    pub fn set_rules(&mut self, rules: Arc<Rules>) {
        self.engine.set_rules(rules);
    }

    /// Feeds a chunk of the file.
    pub fn feed(&mut self, chunk: &[u8]) {
        self.bytes += chunk.len() as u64;
        let Self {
            assembler,
            parser,
            builder,
            engine,
            scratch,
            log,
            seen,
            ..
        } = self;
        assembler.feed(chunk, |line| {
            consume(line, parser, builder, engine, scratch, log, seen)
        });
    }

    /// The file ended: a last line without its newline is read as complete.
    pub fn finish(&mut self) {
        let Self {
            assembler,
            parser,
            builder,
            engine,
            scratch,
            log,
            seen,
            ..
        } = self;
        assembler.finish(|line| consume(line, parser, builder, engine, scratch, log, seen));
        parser.finish(scratch);
        deliver(builder, engine, scratch, log, seen);
    }

    /// Feeds a chunk of a sub-agent file belonging to this session.
    pub fn feed_agent(&mut self, feed: &mut AgentFeed, chunk: &[u8]) {
        let Self {
            builder,
            engine,
            scratch,
            log,
            ..
        } = self;
        let AgentFeed { assembler, parser } = feed;
        // Sub-agent lines are not main-file stops.
        let seen = &mut Seen::default();
        assembler.feed(chunk, |line| {
            consume(line, parser, builder, engine, scratch, log, seen)
        });
    }

    /// The clock moved without new lines: time-based signals (silence after trouble) update.
    pub fn tick(&mut self, now: Millis) {
        self.engine.tick(now, self.builder.session());
    }

    /// The session so far.
    #[must_use]
    pub fn session(&self) -> &Session {
        self.builder.session()
    }

    /// The coaching so far.
    #[must_use]
    pub fn engine(&self) -> &Engine {
        &self.engine
    }

    /// Skips and drift counters.
    #[must_use]
    pub fn stats(&self) -> &ParseStats {
        &self.parser.stats
    }

    /// Events so far, when built [`Self::with_log`].
    #[must_use]
    pub fn events(&self) -> &[Event] {
        self.log.as_deref().unwrap_or(&[])
    }

    /// Events produced so far (main file) and the latest event time.
    #[must_use]
    pub fn seen(&self) -> Seen {
        self.seen
    }

    /// Bytes fed so far.
    #[must_use]
    pub fn bytes(&self) -> u64 {
        self.bytes
    }

    /// Bytes held for a line whose newline has not arrived.
    #[must_use]
    pub fn pending_bytes(&self) -> u64 {
        self.assembler.pending_bytes()
    }

    /// Takes the finished session, its stats and its coaching.
    #[must_use]
    pub fn into_parts(self) -> (Session, ParseStats, Engine) {
        (self.builder.into_session(), self.parser.stats, self.engine)
    }
}

fn consume(
    line: Line<'_>,
    parser: &mut Parser,
    builder: &mut Builder,
    engine: &mut Engine,
    scratch: &mut Vec<Event>,
    log: &mut Option<Vec<Event>>,
    seen: &mut Seen,
) {
    match line {
        Line::Complete { no, bytes } => parser.parse_line(no, bytes, scratch),
        Line::Oversized { no, len } => parser.oversized(no, len),
    }
    deliver(builder, engine, scratch, log, seen);
}

/// The parser's events to the builder and the engine, in order.
fn deliver(
    builder: &mut Builder,
    engine: &mut Engine,
    scratch: &mut Vec<Event>,
    log: &mut Option<Vec<Event>>,
    seen: &mut Seen,
) {
    seen.events += scratch.len() as u64;
    for ev in scratch.iter() {
        if ev.at.is_some() {
            seen.last_at = seen.last_at.max(ev.at);
        }
        builder.push(ev);
        engine.observe(ev, builder.session());
    }
    if let Some(log) = log {
        log.append(scratch);
    }
    scratch.clear();
}
