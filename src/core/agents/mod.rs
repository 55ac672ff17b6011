//! The format seam: one [`Reader`] per agent format, bytes in, normalised [`Event`]s out.
//!
//! Everything about one agent's files lives in its adapter folder: here the framing, the record
//! kinds and the field names (`claude/`); at the edge where the files are and which files make up
//! a session (`source/agents/claude/`). The rest of ringside sees only [`Format`], [`Reader`],
//! [`ParseStats`] and [`Event`]s; `tests/boundary.rs` fails if a format's record fields are named
//! anywhere else.
//!
//! A reader owns its framing. It is fed bytes in file order and decides what a record is: a JSON
//! line (Claude Code, Codex rollouts), a line that may restate an earlier message (a reader that
//! holds a message until its last copy can have arrived), or a whole JSON document (a reader that
//! buffers until the document is complete, for a format whose files [`Growth::Rewrites`]). Chunk
//! boundaries never change what it produces. It is plain data (serde), so the status line can save
//! it between calls and replay can clone it.
//!
//! Adding a format: a folder here with its reader (a type with the methods [`Reader`] forwards
//! to), a variant in [`Format`] and in [`Reader`], and its folder at the edge; the compiler then
//! lists every `match` that needs the new arm.

pub mod claude;
pub mod codex;
pub mod common;
pub mod copilot;
pub mod gemini;
mod stats;

use serde::{Deserialize, Serialize};

pub use self::stats::{ParseStats, SKIP_DETAILS_KEPT, Skip, SkipReason};
use super::LineNo;
use super::event::Event;

/// The agent formats ringside reads.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, Default, PartialOrd, Ord, Serialize, Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum Format {
    /// Claude Code's JSONL transcripts.
    #[default]
    Claude,
    /// OpenAI Codex CLI's rollouts (CLI, VS Code, Desktop).
    Codex,
    /// GitHub Copilot CLI's `events.jsonl`.
    Copilot,
    /// Gemini CLI's JSONL sessions (0.40 and later).
    Gemini,
    /// Gemini CLI's whole-file JSON sessions (0.39 and earlier), rewritten on every change.
    GeminiJson,
}

impl Format {
    /// Every format, in the order sessions are looked for.
    pub const ALL: [Format; 5] = [
        Format::Claude,
        Format::Codex,
        Format::Copilot,
        Format::Gemini,
        Format::GeminiJson,
    ];

    /// The agent's name, for people.
    #[must_use]
    pub fn agent(self) -> &'static str {
        match self {
            Format::Claude => "Claude Code",
            Format::Codex => "Codex CLI",
            Format::Copilot => "Copilot CLI",
            Format::Gemini | Format::GeminiJson => "Gemini CLI",
        }
    }

    /// A stable name for scripts (`agent` in every JSON output, `--agent`): one per agent, so
    /// both Gemini CLI formats are `gemini`.
    #[must_use]
    pub fn id(self) -> &'static str {
        match self {
            Format::Claude => "claude-code",
            Format::Codex => "codex",
            Format::Copilot => "copilot",
            Format::Gemini | Format::GeminiJson => "gemini",
        }
    }

    /// The agent as a nudge's words name it ("you interrupted Codex").
    #[must_use]
    pub fn short(self) -> &'static str {
        match self {
            Format::Claude => "Claude",
            Format::Codex => "Codex",
            Format::Copilot => "Copilot",
            Format::Gemini | Format::GeminiJson => "Gemini",
        }
    }

    /// The (first) format whose [`Format::id`] is `id`.
    #[must_use]
    pub fn by_id(id: &str) -> Option<Format> {
        Format::ALL.into_iter().find(|f| f.id() == id)
    }

    /// The formats of the agent named `name` (an [`Format::id`], or `claude` for Claude Code);
    /// `None` for a name no format has.
    #[must_use]
    pub fn of_agent(name: &str) -> Option<Vec<Format>> {
        let name = name.trim().to_ascii_lowercase();
        let name = match name.as_str() {
            "claude" => "claude-code",
            "codex-cli" => "codex",
            "copilot-cli" => "copilot",
            "gemini-cli" => "gemini",
            n => n,
        };
        let v: Vec<Format> = Format::ALL.into_iter().filter(|f| f.id() == name).collect();
        (!v.is_empty()).then_some(v)
    }

    /// The format a file's first bytes are in, when they say (a file named by path, whatever
    /// its name); `None` when no other format's records are there (read it as Claude Code's).
    #[must_use]
    pub fn sniff(head: &[u8]) -> Option<Format> {
        let first = head
            .split(|b| *b == b'\n')
            .find(|l| !l.iter().all(u8::is_ascii_whitespace))?;
        if codex::looks_like(first) {
            Some(Format::Codex)
        } else if copilot::looks_like(first) {
            Some(Format::Copilot)
        } else if gemini::looks_like_lines(first) {
            Some(Format::Gemini)
        } else if gemini::looks_like_document(head) {
            Some(Format::GeminiJson)
        } else {
            None
        }
    }

    /// How its files change while the agent writes them.
    #[must_use]
    pub fn growth(self) -> Growth {
        match self {
            Format::Claude | Format::Codex | Format::Copilot | Format::Gemini => Growth::Appends,
            Format::GeminiJson => Growth::Rewrites,
        }
    }

    /// What its records can show (the signal availability table of the README): a signal whose
    /// rule reads something a format cannot show is off for that format's sessions, never
    /// guessed from something else.
    #[must_use]
    pub fn shows(self) -> Shows {
        match self {
            // Codex: tool errors and exit codes come from the output text (or the end-of-command
            // event, in Extended persistence), rejections from the output's "rejected by user".
            Format::Claude | Format::Codex => Shows::ALL,
            // Copilot CLI and Gemini CLI record a declined or cancelled call no differently from
            // one the user stopped; who declined it is not in the file.
            Format::Copilot | Format::Gemini | Format::GeminiJson => {
                Shows(Shows::ALL.0 & !Shows::REJECTIONS.0)
            }
        }
    }

    /// The words of a nudge, in this agent's terms: its name, its commands. Claude Code's are
    /// the catalogue's own.
    #[must_use]
    pub fn speak(self, text: &str) -> String {
        let pairs: &[(&str, &str)] = match self {
            Format::Claude => return text.to_owned(),
            Format::Codex => &[
                ("Claude Code's own advice", "The usual advice"),
                ("/clear", "/new"),
                (
                    "switch to plan mode (Shift+Tab) and approve",
                    "ask for a plan first and approve",
                ),
            ],
            Format::Copilot => &[("Claude Code's own advice", "The usual advice")],
            Format::Gemini | Format::GeminiJson => &[
                ("Claude Code's own advice", "The usual advice"),
                ("/compact", "/compress"),
                (
                    "switch to plan mode (Shift+Tab) and approve",
                    "ask for a plan first and approve",
                ),
            ],
        };
        let mut out = text.to_owned();
        for (from, to) in pairs {
            if out.contains(from) {
                out = out.replace(from, to);
            }
        }
        replace_word(&out, "Claude", self.short())
    }
}

/// `text` with the whole word `word` (not part of a longer word) replaced by `with`.
fn replace_word(text: &str, word: &str, with: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find(word) {
        let before = rest[..i].chars().next_back();
        let after = rest[i + word.len()..].chars().next();
        out.push_str(&rest[..i]);
        let alone = !before.is_some_and(char::is_alphanumeric)
            && !after.is_some_and(|c| c.is_alphanumeric() || c == '_');
        out.push_str(if alone { with } else { word });
        rest = &rest[i + word.len()..];
    }
    out.push_str(rest);
    out
}

/// What a format's records can show, as a set.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Shows(u16);

impl Shows {
    /// Human prompts, told apart from machine-written text.
    pub const PROMPTS: Shows = Shows(1);
    /// Whether each tool call succeeded.
    pub const TOOL_RESULTS: Shows = Shows(1 << 1);
    /// The user stopping the agent mid-turn.
    pub const INTERRUPTS: Shows = Shows(1 << 2);
    /// The user declining a step the agent asked to take.
    pub const REJECTIONS: Shows = Shows(1 << 3);
    /// What an edit replaced and what it wrote.
    pub const EDIT_TEXT: Shows = Shows(1 << 4);
    /// The agent's own words to the user.
    pub const AGENT_TEXT: Shows = Shows(1 << 5);
    /// How full the context is, or that it was compacted.
    pub const CONTEXT: Shows = Shows(1 << 6);
    /// Nothing: a rule that reads only what every format has.
    pub const NOTHING: Shows = Shows(0);
    /// Everything above.
    pub const ALL: Shows = Shows((1 << 7) - 1);

    /// Every member, with its name (for reports).
    pub const NAMED: [(Shows, &'static str); 7] = [
        (Shows::PROMPTS, "prompts"),
        (Shows::TOOL_RESULTS, "tool_results"),
        (Shows::INTERRUPTS, "interrupts"),
        (Shows::REJECTIONS, "rejections"),
        (Shows::EDIT_TEXT, "edit_text"),
        (Shows::AGENT_TEXT, "agent_text"),
        (Shows::CONTEXT, "context"),
    ];

    /// Both sets.
    #[must_use]
    pub const fn and(self, other: Shows) -> Shows {
        Shows(self.0 | other.0)
    }

    /// Every member of `other` is in this set.
    #[must_use]
    pub fn covers(self, other: Shows) -> bool {
        self.0 & other.0 == other.0
    }

    /// The names of the members of `other` this set lacks.
    #[must_use]
    pub fn lacking(self, other: Shows) -> Vec<&'static str> {
        Shows::NAMED
            .iter()
            .filter(|(s, _)| other.covers(*s) && !self.covers(*s))
            .map(|(_, n)| *n)
            .collect()
    }
}

/// How a format's files change while the agent works.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Growth {
    /// Bytes are only appended: read what was added since the last read.
    Appends,
    /// The whole file is written anew: whenever it changes, read it again from the start.
    Rewrites,
}

/// Whose work a file holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role<'a> {
    /// The session's main thread (the person's prompts).
    Main,
    /// One sub-agent's file: all of it is that agent's work.
    Agent(&'a str),
}

/// What one [`Reader::feed_record`] call did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Step {
    /// Bytes taken from the input (all of it when no record ended in it).
    pub consumed: usize,
    /// The record that ended within those bytes, by its line: what a person finds with
    /// `sed -n Np`. Its events (and any the reader was holding back) were appended.
    pub ended: Option<LineNo>,
}

/// One reader per format; see the module docs.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub enum Reader {
    Claude(claude::Reader),
    Codex(codex::Reader),
    Copilot(copilot::Reader),
    Gemini(gemini::Reader),
    GeminiJson(gemini::DocumentReader),
}

/// Calls the same method on whichever reader it is.
macro_rules! each_reader {
    ($self:expr, $r:ident => $body:expr) => {
        match $self {
            Reader::Claude($r) => $body,
            Reader::Codex($r) => $body,
            Reader::Copilot($r) => $body,
            Reader::Gemini($r) => $body,
            Reader::GeminiJson($r) => $body,
        }
    };
}

impl Reader {
    /// A reader of `format` for a main file or a sub-agent's file.
    #[must_use]
    pub fn new(format: Format, role: Role<'_>) -> Self {
        match format {
            Format::Claude => Reader::Claude(claude::Reader::new(role)),
            Format::Codex => Reader::Codex(codex::Reader::new(role)),
            Format::Copilot => Reader::Copilot(copilot::Reader::new(role)),
            Format::Gemini => Reader::Gemini(gemini::Reader::new(role)),
            Format::GeminiJson => Reader::GeminiJson(gemini::DocumentReader::new(role)),
        }
    }

    /// The format it reads.
    #[must_use]
    pub fn format(&self) -> Format {
        match self {
            Reader::Claude(_) => Format::Claude,
            Reader::Codex(_) => Format::Codex,
            Reader::Copilot(_) => Format::Copilot,
            Reader::Gemini(_) => Format::Gemini,
            Reader::GeminiJson(_) => Format::GeminiJson,
        }
    }

    /// Caps the bytes one record may take; a longer one is skipped and counted, never buffered.
    pub fn set_max_record(&mut self, max: usize) {
        each_reader!(self, r => r.set_max_record(max));
    }

    /// Feeds `bytes` up to the end of the next record and appends that record's events to `out`.
    /// Returns how many bytes were taken: feeding a stream piece by piece this way, or in chunks
    /// of any size, gives the same events.
    pub fn feed_record(&mut self, bytes: &[u8], out: &mut Vec<Event>) -> Step {
        each_reader!(self, r => r.feed_record(bytes, out))
    }

    /// The file ended (a finished session): whatever is held is read as complete. Returns the
    /// line of a last record that ended only now (one without its terminator).
    pub fn finish(&mut self, out: &mut Vec<Event>) -> Option<LineNo> {
        each_reader!(self, r => r.finish(out))
    }

    /// Skip and drift counters.
    #[must_use]
    pub fn stats(&self) -> &ParseStats {
        each_reader!(self, r => r.stats())
    }

    /// Takes the counters.
    #[must_use]
    pub fn into_stats(self) -> ParseStats {
        each_reader!(self, r => r.into_stats())
    }

    /// Bytes held for a record that has not ended yet.
    #[must_use]
    pub fn pending_bytes(&self) -> u64 {
        each_reader!(self, r => r.pending_bytes())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn agent_names_and_ids_round_trip() {
        for f in Format::ALL {
            let back = Format::of_agent(f.id()).expect("its own id");
            assert!(back.contains(&f), "{f:?}");
            assert_eq!(Reader::new(f, Role::Main).format(), f);
        }
        assert_eq!(Format::of_agent("Claude"), Some(vec![Format::Claude]));
        assert_eq!(
            Format::of_agent("gemini"),
            Some(vec![Format::Gemini, Format::GeminiJson])
        );
        assert_eq!(Format::of_agent("cursor"), None);
    }

    #[test]
    fn nudges_speak_the_agents_words_and_claude_code_keeps_its_own() {
        let advice = "Tell Claude the rule, or /clear and restart. Claude's plan; ClaudeBot stays.";
        assert_eq!(Format::Claude.speak(advice), advice);
        assert_eq!(
            Format::Codex.speak(advice),
            "Tell Codex the rule, or /new and restart. Codex's plan; ClaudeBot stays."
        );
        assert!(
            Format::Copilot
                .speak(advice)
                .starts_with("Tell Copilot the rule, or /clear")
        );
    }

    #[test]
    fn a_files_first_line_says_its_format() {
        let codex =
            br#"{"timestamp":"2026-01-01T00:00:00Z","type":"session_meta","payload":{"id":"x"}}"#;
        assert_eq!(Format::sniff(codex), Some(Format::Codex));
        let ev = br#"{"timestamp":"t","type":"event_msg","payload":{"type":"user_message"}}"#;
        assert_eq!(Format::sniff(ev), Some(Format::Codex));
        let copilot =
            br#"{"type":"session.start","data":{"sessionId":"s"},"id":"e1","timestamp":"t"}"#;
        assert_eq!(Format::sniff(copilot), Some(Format::Copilot));
        let gemini = br#"{"sessionId":"g","projectHash":"abc","startTime":"t","kind":"main"}"#;
        assert_eq!(Format::sniff(gemini), Some(Format::Gemini));
        let doc = b"{\n  \"sessionId\": \"g\",\n  \"projectHash\": \"a\",\n  \"messages\": [";
        assert_eq!(Format::sniff(doc), Some(Format::GeminiJson));
        let claude = br#"{"type":"user","message":{"role":"user","content":"hi"},"sessionId":"s","uuid":"u"}"#;
        assert_eq!(Format::sniff(claude), None);
        assert_eq!(Format::sniff(b"\n\n"), None);
    }

    #[test]
    fn shows_sets_say_what_is_lacking() {
        assert!(Format::Claude.shows().covers(Shows::ALL));
        assert!(Format::Codex.shows().covers(Shows::REJECTIONS));
        let copilot = Format::Copilot.shows();
        assert!(!copilot.covers(Shows::REJECTIONS));
        assert!(copilot.covers(Shows::INTERRUPTS.and(Shows::TOOL_RESULTS)));
        assert_eq!(
            copilot.lacking(Shows::REJECTIONS.and(Shows::PROMPTS)),
            ["rejections"]
        );
        assert!(copilot.lacking(Shows::NOTHING).is_empty());
    }
}
