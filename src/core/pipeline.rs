//! Bytes in, session and coaching out: the format's [`Reader`] → [`Builder`] → [`Engine`], fed
//! chunk by chunk, with the session's sub-agent files read beside it.
//!
//! This is the one path every front end uses: `score` feeds whole files, `watch` feeds appends,
//! the status line feeds what arrived since its last call, replay feeds one record at a time.
//! Chunk boundaries never change the result (a property test over the real corpus proves it).
//!
//! Sub-agent files: each has its own reader and builder (its own line numbers, its own counting),
//! and its figures are shown in the session's sub-agent figures whenever it is fed. Nothing of it
//! reaches the main thread's figures, and the engine never observes it: while the main file's
//! records are consumed, the sub-agent files' figures are taken out of the session (and put back
//! after), so what the engine concluded depends on the main file alone, as when `score` read the
//! main file before its sub-agents. Only what is evaluated later ([`Pipeline::tick`], the risk,
//! the view) sees them. So whether, and when, sub-agent files were read changes neither the
//! main-thread figures nor the signals: `watch`, the status line and `score` agree.

use std::collections::BTreeMap;
use std::sync::Arc;

use super::agents::{Format, ParseStats, Reader, Role};
use super::engine::{Engine, Rules};
use super::event::Event;
use super::session::{Builder, Session, SubagentFigures};
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
    /// Its successful calls counted so far in the delegating turn's `delegated_actions`.
    credited: u64,
}

/// A sub-agent's file being read into a pipeline: from [`Pipeline::add_agent`], or
/// [`AgentFeed::new`] (added on its first feed).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct AgentFeed {
    name: String,
    index: Option<usize>,
}

impl AgentFeed {
    /// A feed for the sub-agent `agent`, added to the pipeline it is first fed into.
    #[must_use]
    pub fn new(agent: &str) -> Self {
        Self {
            name: agent.to_owned(),
            index: None,
        }
    }

    /// The sub-agent's name.
    #[must_use]
    pub fn name(&self) -> &str {
        &self.name
    }
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

/// What one [`Pipeline::feed_record`] (or [`Pipeline::finish_record`]) call did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Fed {
    /// Bytes taken.
    pub consumed: usize,
    /// The record that ended, by its line (see [`super::agents::Step`]).
    pub ended: Option<LineNo>,
    /// Events the call produced.
    pub events: u64,
}

/// See the module docs.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Pipeline {
    reader: Reader,
    builder: Builder,
    engine: Engine,
    agents: Vec<Agent>,
    /// For each sub-agent name shown from a file: what the session held under it before (an
    /// inline sidechain's figures, or nothing), put back while the main file is consumed.
    shadowed: BTreeMap<String, Option<SubagentFigures>>,
    /// The sub-agent files' footprints are in the session's (the resting state).
    shown: bool,
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
            Engine::new(rules).for_format(format),
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
            shadowed: BTreeMap::new(),
            shown: false,
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
        self.hide_agents();
        while !chunk.is_empty() {
            let step = self.reader.feed_record(chunk, &mut self.scratch);
            self.bytes += step.consumed as u64;
            self.consume();
            chunk = &chunk[step.consumed..];
        }
        self.show_agents();
    }

    /// Feeds the main file up to the end of its next record (replay stops there); see
    /// [`Reader::feed_record`].
    pub fn feed_record(&mut self, bytes: &[u8]) -> Fed {
        self.hide_agents();
        let step = self.reader.feed_record(bytes, &mut self.scratch);
        self.bytes += step.consumed as u64;
        let events = self.consume();
        self.show_agents();
        Fed {
            consumed: step.consumed,
            ended: step.ended,
            events,
        }
    }

    /// The main file ended: a last record without its terminator is read as complete.
    pub fn finish(&mut self) {
        self.finish_record();
    }

    /// [`Self::finish`], saying which last record ended only now, and how many events it let go.
    pub fn finish_record(&mut self) -> Fed {
        self.hide_agents();
        let ended = self.reader.finish(&mut self.scratch);
        let events = self.consume();
        self.show_agents();
        Fed {
            consumed: 0,
            ended,
            events,
        }
    }

    /// Hands the events in `scratch` to the builder and the engine; how many there were.
    fn consume(&mut self) -> u64 {
        let Self {
            builder,
            engine,
            scratch,
            log,
            seen,
            ..
        } = self;
        let n = observe(builder, engine, seen, scratch);
        if let Some(log) = log {
            log.append(scratch);
        }
        scratch.clear();
        n
    }

    /// [`Self::feed_record`] for a record whose `events` another reader parsed (a clone of this
    /// pipeline's, fed the same bytes: replay parses on one thread and models on another). The
    /// reader here stays as it was; see [`Self::set_reader`].
    pub(crate) fn feed_parsed(&mut self, consumed: usize, events: &[Event]) -> u64 {
        self.hide_agents();
        self.bytes += consumed as u64;
        let n = observe(&mut self.builder, &mut self.engine, &mut self.seen, events);
        if let Some(log) = &mut self.log {
            log.extend_from_slice(events);
        }
        self.show_agents();
        n
    }

    /// A fresh reader of the main file's format, as [`Self::for_format`] starts with.
    pub(crate) fn fresh_reader(&self) -> Reader {
        Reader::new(self.format(), Role::Main)
    }

    /// Puts in the reader that parsed what [`Self::feed_parsed`] was given.
    pub(crate) fn set_reader(&mut self, reader: Reader) {
        self.reader = reader;
    }

    /// Starts reading a sub-agent's file (of the main file's format) alongside the session;
    /// `file` is what reports call it.
    pub fn add_agent(&mut self, name: &str, file: Option<String>) -> AgentFeed {
        self.agents.push(Agent {
            name: name.to_owned(),
            file,
            reader: Reader::new(self.reader.format(), Role::Agent(name)),
            builder: Builder::new(None),
            bytes: 0,
            credited: 0,
        });
        AgentFeed {
            name: name.to_owned(),
            index: Some(self.agents.len() - 1),
        }
    }

    fn agent_index(&mut self, feed: &mut AgentFeed) -> usize {
        match feed.index {
            Some(i) if i < self.agents.len() => i,
            _ => {
                let added = self.add_agent(&feed.name, None);
                feed.index = added.index;
                self.agents.len() - 1
            }
        }
    }

    /// Feeds a chunk of a sub-agent's file.
    pub fn feed_agent(&mut self, feed: &mut AgentFeed, mut chunk: &[u8]) {
        let i = self.agent_index(feed);
        self.hide_agents();
        let agent = &mut self.agents[i];
        agent.bytes += chunk.len() as u64;
        while !chunk.is_empty() {
            let step = agent.reader.feed_record(chunk, &mut self.scratch);
            chunk = &chunk[step.consumed..];
            for ev in self.scratch.drain(..) {
                agent.builder.push(&ev);
            }
        }
        self.show_agents();
    }

    /// A sub-agent's file ended: a last record without its terminator is read as complete.
    pub fn finish_agent(&mut self, feed: &mut AgentFeed) {
        let i = self.agent_index(feed);
        self.hide_agents();
        let agent = &mut self.agents[i];
        agent.reader.finish(&mut self.scratch);
        for ev in self.scratch.drain(..) {
            agent.builder.push(&ev);
        }
        self.show_agents();
    }

    /// A sub-agent's file was truncated or replaced: forget what it gave and read it anew (the
    /// calls it already credited to its delegating turn stay credited until it passes them).
    pub fn restart_agent(&mut self, feed: &mut AgentFeed) {
        let i = self.agent_index(feed);
        let format = self.reader.format();
        self.hide_agents();
        let agent = &mut self.agents[i];
        agent.reader = Reader::new(format, Role::Agent(&agent.name));
        agent.builder = Builder::new(None);
        agent.bytes = 0;
        self.show_agents();
    }

    /// Takes the sub-agent files' figures out of the session, putting back what they covered.
    fn hide_agents(&mut self) {
        if std::mem::take(&mut self.shown) {
            for agent in &self.agents {
                self.builder
                    .footprint_of_subagent(&agent.builder.session().footprint, false);
            }
        }
        for (name, before) in std::mem::take(&mut self.shadowed) {
            match before {
                Some(figures) => self.builder.put_subagent(&name, figures),
                None => self.builder.remove_subagent(&name),
            };
        }
    }

    /// Shows every sub-agent file's figures in the session (a file's figures win over an
    /// inline sidechain's of the same name), and counts its successful calls in the turn that
    /// spawned it.
    fn show_agents(&mut self) {
        if !std::mem::replace(&mut self.shown, true) {
            for agent in &self.agents {
                self.builder
                    .footprint_of_subagent(&agent.builder.session().footprint, true);
            }
        }
        for agent in &mut self.agents {
            for (name, figures) in &agent.builder.session().subagents {
                let mut figures = figures.clone();
                figures.file.clone_from(&agent.file);
                let before = self
                    .builder
                    .show_subagent(name, figures, &mut agent.credited);
                self.shadowed.entry(name.clone()).or_insert(before);
            }
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

    /// Forgets what nothing still to come, and none of the status line's figures, can read: the
    /// session's finished turns but the last ([`Builder::forget_finished`]), and the engine's
    /// finished history ([`Engine::forget_finished`]). What is left is the open turn, the
    /// engine's live state and the session's totals: bounded whatever the session's length. The
    /// status line saves its state so; its [`crate::core::view::View::glance`] is then the same
    /// as from the whole state, but reports over every turn are not.
    pub fn forget_finished(&mut self) {
        self.builder.forget_finished();
        self.engine.forget_finished();
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

/// Hands `events` to the builder and the engine, counting them; how many there were.
fn observe(builder: &mut Builder, engine: &mut Engine, seen: &mut Seen, events: &[Event]) -> u64 {
    let n = events.len() as u64;
    seen.events += n;
    for ev in events {
        if ev.at.is_some() {
            seen.last_at = seen.last_at.max(ev.at);
        }
        builder.push(ev);
        engine.observe(ev, builder.session());
    }
    n
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: u32) -> String {
        format!("2026-01-01T10:{:02}:{:02}Z", s / 60, s % 60)
    }

    fn prompt(t: u32, text: &str) -> String {
        format!(
            r#"{{"type":"user","message":{{"role":"user","content":"{text}"}},"timestamp":"{}","sessionId":"s","cwd":"/w"}}"#,
            at(t)
        ) + "\n"
    }

    fn call(t: u32, id: &str, name: &str, input: &str) -> String {
        format!(
            r#"{{"type":"assistant","message":{{"id":"m{id}","model":"claude-opus-4-6","content":[{{"type":"tool_use","id":"{id}","name":"{name}","input":{input}}}],"usage":{{"input_tokens":1,"output_tokens":2}}}},"timestamp":"{}"}}"#,
            at(t)
        ) + "\n"
    }

    fn result(t: u32, id: &str, error: bool, text: &str, tur: &str) -> String {
        format!(
            r#"{{"type":"user","message":{{"role":"user","content":[{{"type":"tool_result","tool_use_id":"{id}","content":"{text}","is_error":{error}}}]}},"toolUseResult":{tur},"timestamp":"{}"}}"#,
            at(t)
        ) + "\n"
    }

    /// A main thread in trouble that writes nothing itself, and a sub-agent that writes a file.
    fn files() -> (String, String) {
        let mut main = prompt(0, "make the tests pass");
        for i in 0..4u32 {
            let t = 10 + i * 20;
            main += &call(t, &format!("b{i}"), "Bash", r#"{"command":"cargo test"}"#);
            main += &result(
                t + 5,
                &format!("b{i}"),
                true,
                "test result: FAILED. 1 failed",
                "\"Error\"",
            );
        }
        main += &call(100, "r1", "Read", r#"{"file_path":"/w/src/lib.rs"}"#);
        main += &result(105, "r1", false, "fn main() {}", "{}");
        let sub = call(
            30,
            "w1",
            "Write",
            r#"{"file_path":"/w/src/b.rs","content":"a\nb\nc\n"}"#,
        ) + &result(
            31,
            "w1",
            false,
            "created",
            r#"{"type":"create","filePath":"/w/src/b.rs","content":"a\nb\nc\n","structuredPatch":[]}"#,
        );
        (main, sub)
    }

    fn parts(p: Pipeline) -> (Session, Engine) {
        let (mut session, _, mut engine) = p.into_parts();
        // What a front end evaluates at the end sees the sub-agent's lines.
        engine.tick(Millis::parse("2026-01-01T11:00:00Z").unwrap(), &session);
        session.subagents.values_mut().for_each(|f| f.file = None);
        (session, engine)
    }

    #[test]
    fn when_sub_agent_files_are_read_changes_nothing_the_engine_concluded() {
        let (main, sub) = files();
        // As `score` reads: the main file whole, then the sub-agent's.
        let mut whole = Pipeline::new(Some("s".into()));
        whole.feed(main.as_bytes());
        whole.finish();
        let mut a = whole.add_agent("a1", None);
        whole.feed_agent(&mut a, sub.as_bytes());
        whole.finish_agent(&mut a);
        // As `watch` may read: the sub-agent's file first, then the main file in small pieces.
        let mut live = Pipeline::new(Some("s".into()));
        let mut a = live.add_agent("a1", Some("sub.jsonl".into()));
        live.feed_agent(&mut a, sub.as_bytes());
        for piece in main.as_bytes().chunks(37) {
            live.feed(piece);
        }
        live.finish();
        live.finish_agent(&mut a);
        assert_eq!(live.session().subagents["a1"].tally.lines_added, 3);
        assert_eq!(live.session().lines_written(), 3, "the session shows them");
        assert_eq!(
            live.session().subagents["a1"].file.as_deref(),
            Some("sub.jsonl")
        );
        let (ws, we) = parts(whole);
        let (ls, le) = parts(live);
        assert_eq!(ws, ls);
        assert_eq!(ws.totals.lines_added, 0, "the main thread wrote nothing");
        assert_eq!(we.firings, le.firings);
        assert_eq!(we.recoveries, le.recoveries);
        assert_eq!(we.nudges, le.nudges);
        assert!(!we.firings.is_empty(), "the main thread is in trouble");
    }

    #[test]
    fn a_restarted_sub_agent_file_gives_back_what_it_covered() {
        let (main, sub) = files();
        let mut p = Pipeline::new(Some("s".into()));
        p.feed(main.as_bytes());
        let mut a = p.add_agent("a1", None);
        p.feed_agent(&mut a, sub.as_bytes());
        assert_eq!(p.session().subagents.len(), 1);
        let before = p.session().totals.clone();
        p.restart_agent(&mut a);
        assert!(p.session().subagents.is_empty());
        p.feed_agent(
            &mut a,
            call(40, "x1", "Read", r#"{"file_path":"/a"}"#).as_bytes(),
        );
        assert_eq!(p.session().subagents["a1"].tally.tool_calls, 1);
        assert_eq!(p.session().subagents["a1"].tally.lines_added, 0);
        assert_eq!(p.session().totals, before, "the main thread is untouched");
        assert_eq!(p.agents().len(), 1);
        // Saved and read back (the status line), it goes on the same.
        let back: Pipeline = postcard::from_bytes(&postcard::to_stdvec(&p).unwrap()).unwrap();
        assert_eq!(back.session(), p.session());
    }
}
