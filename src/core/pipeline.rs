//! Bytes in, session and coaching out: the format's [`Reader`] → [`Builder`] → [`Engine`], fed
//! chunk by chunk, with the session's sub-agent files read beside it.
//!
//! This is the one path every front end uses: `score` feeds whole files, `watch` feeds appends,
//! the status line feeds what arrived since its last call, replay feeds one record at a time.
//! Chunk boundaries never change the result (a property test over the real corpus proves it).
//!
//! Sub-agent files: each has its own reader and builder (its own line numbers, its own counting),
//! and its figures are copied into the session's sub-agent figures whenever it is fed. Nothing of
//! it reaches the main thread's figures or the engine: signals read only the main thread. So the
//! main-thread figures do not depend on whether, or when, sub-agent files were read.

use std::sync::Arc;

use super::agents::{Format, ParseStats, Reader, Role};
use super::engine::{Engine, Rules};
use super::event::Event;
use super::session::{Builder, Session};
use super::{LineNo, Millis};

/// A sub-agent's file read alongside the session.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
struct Agent {
    name: String,
    /// What the report calls its file.
    file: Option<String>,
    reader: Reader,
    builder: Builder,
    bytes: u64,
}

/// A sub-agent file as the pipeline knows it.
#[derive(Debug, Clone, Copy)]
pub struct AgentPart<'a> {
    pub name: &'a str,
    pub file: Option<&'a str>,
    pub stats: &'a ParseStats,
    /// Bytes fed from its file.
    pub bytes: u64,
}

/// What one [`Pipeline::feed_record`] call did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Fed {
    /// Bytes taken.
    pub consumed: usize,
    /// A record ended within them.
    pub ended: bool,
    /// The line of the record's first event, when it produced any.
    pub line: Option<LineNo>,
}

/// See the module docs.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Pipeline {
    reader: Reader,
    builder: Builder,
    engine: Engine,
    agents: Vec<Agent>,
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
    /// A pipeline for a main session file (of the default format) whose id is `id`, with
    /// default rules.
    #[must_use]
    pub fn new(id: Option<String>) -> Self {
        Self::with_rules(id, Rules::shared_default())
    }

    /// A pipeline for a main session file of the default format, coached with these rules.
    #[must_use]
    pub fn with_rules(id: Option<String>, rules: Arc<Rules>) -> Self {
        Self::for_format(Format::default(), id, rules)
    }

    /// A pipeline for a main session file of `format`, coached with these rules.
    #[must_use]
    pub fn for_format(format: Format, id: Option<String>, rules: Arc<Rules>) -> Self {
        Self::with_parts(
            Reader::new(format, Role::Main),
            Builder::new(id),
            Engine::new(rules),
        )
    }

    /// A pipeline for a sub-agent file read on its own (default format): all its work is
    /// attributed to `agent`.
    #[must_use]
    pub fn for_agent(agent: &str) -> Self {
        Self::with_parts(
            Reader::new(Format::default(), Role::Agent(agent)),
            Builder::new(None),
            Engine::new(Rules::shared_default()),
        )
    }

    fn with_parts(reader: Reader, builder: Builder, engine: Engine) -> Self {
        Self {
            reader,
            builder,
            engine,
            agents: Vec::new(),
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

    /// Caps the length of one record (bytes); longer ones are skipped and counted.
    #[must_use]
    pub fn with_max_line(mut self, max_line: usize) -> Self {
        self.reader.set_max_record(max_line);
        self
    }

    /// Re-attaches compiled rules after the pipeline was read back from saved state (the status
    /// line keeps its pipeline between calls; compiled regexes are never saved).
    pub fn set_rules(&mut self, rules: Arc<Rules>) {
        self.engine.set_rules(rules);
    }

    /// The format of the main file.
    #[must_use]
    pub fn format(&self) -> Format {
        self.reader.format()
    }

    /// Feeds a chunk of the main file.
    pub fn feed(&mut self, mut chunk: &[u8]) {
        while !chunk.is_empty() {
            let fed = self.feed_record(chunk);
            chunk = &chunk[fed.consumed..];
        }
    }

    /// Feeds the main file up to the end of its next record (replay stops there); see
    /// [`Reader::feed_record`].
    pub fn feed_record(&mut self, bytes: &[u8]) -> Fed {
        let step = self.reader.feed_record(bytes, &mut self.scratch);
        self.bytes += step.consumed as u64;
        Fed {
            consumed: step.consumed,
            ended: step.ended,
            line: self.consume(),
        }
    }

    /// The main file ended: a last record without its terminator is read as complete.
    pub fn finish(&mut self) {
        self.finish_record();
    }

    /// [`Self::finish`], saying which line the last record was on when it produced events.
    pub fn finish_record(&mut self) -> Option<LineNo> {
        self.reader.finish(&mut self.scratch);
        self.consume()
    }

    /// Hands the events in `scratch` to the builder and the engine; the line of the first.
    fn consume(&mut self) -> Option<LineNo> {
        let Self {
            builder,
            engine,
            scratch,
            log,
            seen,
            ..
        } = self;
        let line = scratch.first().map(|e| e.line);
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
        line
    }

    /// Starts reading a sub-agent's file (of the main file's format) alongside the session;
    /// `file` is what reports call it. Returns its index for [`Self::feed_agent`].
    pub fn add_agent(&mut self, name: &str, file: Option<String>) -> usize {
        self.agents.push(Agent {
            name: name.to_owned(),
            file,
            reader: Reader::new(self.reader.format(), Role::Agent(name)),
            builder: Builder::new(None),
            bytes: 0,
        });
        self.agents.len() - 1
    }

    /// Feeds a chunk of sub-agent file `index` (from [`Self::add_agent`]).
    pub fn feed_agent(&mut self, index: usize, mut chunk: &[u8]) {
        let Some(agent) = self.agents.get_mut(index) else {
            return;
        };
        agent.bytes += chunk.len() as u64;
        while !chunk.is_empty() {
            let step = agent.reader.feed_record(chunk, &mut self.scratch);
            chunk = &chunk[step.consumed..];
            for ev in self.scratch.drain(..) {
                agent.builder.push(&ev);
            }
        }
        self.merge_agent(index);
    }

    /// Sub-agent file `index` ended: a last record without its terminator is read as complete.
    pub fn finish_agent(&mut self, index: usize) {
        let Some(agent) = self.agents.get_mut(index) else {
            return;
        };
        agent.reader.finish(&mut self.scratch);
        for ev in self.scratch.drain(..) {
            agent.builder.push(&ev);
        }
        self.merge_agent(index);
    }

    /// Sub-agent file `index` was truncated or replaced: forget what it gave and read it anew.
    pub fn restart_agent(&mut self, index: usize) {
        let format = self.reader.format();
        let Some(agent) = self.agents.get_mut(index) else {
            return;
        };
        for name in agent.builder.session().subagents.keys() {
            self.builder.remove_subagent(name);
        }
        agent.reader = Reader::new(format, Role::Agent(&agent.name));
        agent.builder = Builder::new(None);
        agent.bytes = 0;
    }

    /// Copies a sub-agent file's figures into the session's.
    fn merge_agent(&mut self, index: usize) {
        let Some(agent) = self.agents.get(index) else {
            return;
        };
        for (name, figures) in &agent.builder.session().subagents {
            let mut figures = figures.clone();
            figures.file.clone_from(&agent.file);
            self.builder.put_subagent(name, figures);
        }
    }

    /// The sub-agent files read so far, in the order they were added.
    pub fn agents(&self) -> impl ExactSizeIterator<Item = AgentPart<'_>> {
        self.agents.iter().map(|a| AgentPart {
            name: &a.name,
            file: a.file.as_deref(),
            stats: a.reader.stats(),
            bytes: a.bytes,
        })
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

    /// Skips and drift counters of the main file.
    #[must_use]
    pub fn stats(&self) -> &ParseStats {
        self.reader.stats()
    }

    /// Records skipped in the main file and every sub-agent file.
    #[must_use]
    pub fn skipped_total(&self) -> u64 {
        self.stats().skipped_total()
            + self
                .agents
                .iter()
                .map(|a| a.reader.stats().skipped_total())
                .sum::<u64>()
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

    /// Bytes fed so far (main file).
    #[must_use]
    pub fn bytes(&self) -> u64 {
        self.bytes
    }

    /// Bytes held for a record of the main file that has not ended.
    #[must_use]
    pub fn pending_bytes(&self) -> u64 {
        self.reader.pending_bytes()
    }

    /// Takes the finished session (sub-agent figures included), the main file's stats and the
    /// coaching.
    #[must_use]
    pub fn into_parts(self) -> (Session, ParseStats, Engine) {
        (
            self.builder.into_session(),
            self.reader.into_stats(),
            self.engine,
        )
    }
}
