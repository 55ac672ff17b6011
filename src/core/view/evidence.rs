//! A nudge's evidence in words: what happened at the lines it rests on, as a person would say
//! it ("3 failing runs of `cargo test since…`, the last 2m ago"). The line numbers themselves
//! stay in the detail view, where a person can look them up.

use crate::core::format;
use crate::core::sanitize;
use crate::core::session::{Activity, Session, Status};
use crate::core::{LineNo, Millis};

/// Younger than this is "just now".
const JUST_NOW_MS: u64 = 10_000;
/// Widest command or path quoted in the words (terminal columns).
const OBJECT: usize = 40;

/// What one evidence line was.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Item {
    /// A prompt you typed (its number).
    Prompt(usize),
    /// A tool call: what kind of step, and what it acted on.
    Call { kind: Kind, object: String },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    FailingRun,
    PassingRun,
    FailedCall,
    Rejected,
    Refused,
    Interrupted,
    Running,
    Edit,
    Read,
    Call,
}

impl Kind {
    /// (one, many): `failing run` / `failing runs`.
    fn nouns(self) -> (&'static str, &'static str) {
        match self {
            Kind::FailingRun => ("failing run", "failing runs"),
            Kind::PassingRun => ("passing run", "passing runs"),
            Kind::FailedCall => ("failed call", "failed calls"),
            Kind::Rejected => ("step you rejected", "steps you rejected"),
            Kind::Refused => ("call the harness refused", "calls the harness refused"),
            Kind::Interrupted => ("interrupted call", "interrupted calls"),
            Kind::Running => ("call still running", "calls still running"),
            Kind::Edit => ("edit", "edits"),
            Kind::Read => ("read", "reads"),
            Kind::Call => ("call", "calls"),
        }
    }

    /// Commands are quoted as code; files are named as they are.
    fn quoted(self) -> bool {
        !matches!(self, Kind::Edit | Kind::Read)
    }
}

/// The evidence `lines` in words, with the age of the last one (`last_at`, seen at `now`) when
/// both are known. Empty when no line is a prompt or a tool call the session still holds.
#[must_use]
pub fn describe(
    lines: &[LineNo],
    s: &Session,
    last_at: Option<Millis>,
    now: Option<Millis>,
) -> String {
    let items: Vec<Item> = lines.iter().filter_map(|l| item(*l, s)).collect();
    let mut parts = Vec::new();
    let prompts: Vec<String> = items
        .iter()
        .filter_map(|i| match i {
            Item::Prompt(n) => Some(n.to_string()),
            Item::Call { .. } => None,
        })
        .collect();
    // One phrase per kind of step, in the order they first appear; the object is named when
    // every step of that kind acted on the same one.
    let mut kinds: Vec<Kind> = Vec::new();
    for i in &items {
        if let Item::Call { kind, .. } = i
            && !kinds.contains(kind)
        {
            kinds.push(*kind);
        }
    }
    for kind in kinds {
        let objects: Vec<&str> = items
            .iter()
            .filter_map(|i| match i {
                Item::Call { kind: k, object } if *k == kind => Some(object.as_str()),
                _ => None,
            })
            .collect();
        let (one, many) = kind.nouns();
        let n = objects.len();
        let noun = if n == 1 { one } else { many };
        let same = objects.windows(2).all(|w| w[0] == w[1]);
        let phrase = match objects.first() {
            Some(o) if same && !o.is_empty() && kind.quoted() => format!("{n} {noun} of `{o}`"),
            Some(o) if same && !o.is_empty() => format!("{n} {noun} of {o}"),
            _ => format!("{n} {noun}"),
        };
        parts.push(phrase);
    }
    if !prompts.is_empty() {
        let noun = if prompts.len() == 1 {
            "prompt"
        } else {
            "prompts"
        };
        parts.push(format!(
            "{} of your {noun} ({})",
            prompts.len(),
            prompts.join(", ")
        ));
    }
    if parts.is_empty() {
        return String::new();
    }
    let mut words = parts.join(", ");
    if let (Some(at), Some(now)) = (last_at, now)
        && now >= at
    {
        let ms = now.since(at);
        words.push_str(
            match (items.len(), ms < JUST_NOW_MS) {
                (1, true) => ", just now".to_owned(),
                (_, true) => ", the last one just now".to_owned(),
                (1, false) => format!(", {} ago", format::age(ms)),
                (_, false) => format!(", the last {} ago", format::age(ms)),
            }
            .as_str(),
        );
    }
    words
}

/// The prompt or tool call at `line` (its call or its result), if the session still holds it.
fn item(line: LineNo, s: &Session) -> Option<Item> {
    let i = s.turns.partition_point(|t| t.line <= line).checked_sub(1)?;
    let t = &s.turns[i];
    if t.line == line && t.prompt.is_some() {
        return Some(Item::Prompt(t.number));
    }
    let a = t
        .activity
        .iter()
        .find(|a| a.line == line || a.result_line == Some(line))?;
    let kind = kind(a);
    let object = match kind {
        Kind::Edit | Kind::Read => relative(&a.target, s.cwd.as_deref()),
        _ if a.target.is_empty() => a.tool.to_string(),
        _ => command_head(&a.target).to_owned(),
    };
    Some(Item::Call {
        kind,
        object: sanitize::one_line(&object, OBJECT),
    })
}

/// A shell command without its output plumbing: `cargo test x 2>&1 | tail -15` is
/// `cargo test x` (a `&&` chain is kept: what follows it is often the point).
fn command_head(cmd: &str) -> &str {
    let cut = [" | ", " 2>", " >"]
        .iter()
        .filter_map(|sep| cmd.find(sep))
        .min()
        .unwrap_or(cmd.len());
    let head = cmd[..cut].trim();
    if head.is_empty() { cmd } else { head }
}

fn kind(a: &Activity) -> Kind {
    let edit = matches!(&*a.tool, "Edit" | "MultiEdit" | "Write" | "NotebookEdit");
    let read = matches!(&*a.tool, "Read" | "Grep" | "Glob" | "LS");
    match a.status {
        Status::Failed if a.check.is_some() => Kind::FailingRun,
        Status::Failed => Kind::FailedCall,
        Status::Rejected => Kind::Rejected,
        Status::Blocked => Kind::Refused,
        Status::Interrupted => Kind::Interrupted,
        Status::Running => Kind::Running,
        _ if a.check.is_some() => Kind::PassingRun,
        _ if edit => Kind::Edit,
        _ if read => Kind::Read,
        _ => Kind::Call,
    }
}

/// A path under the project's folder, relative to it.
fn relative(target: &str, cwd: Option<&str>) -> String {
    super::dashboard::relative(target, cwd)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::view::fixtures::demo_until;

    #[test]
    fn failing_check_runs_are_named_with_their_command_and_age() {
        let p = demo_until(62);
        let s = p.session();
        let n = &p.engine().nudges[0];
        let at = n.at;
        let two_minutes_on = at.map(|a| Millis(a.0 + 120_000));
        let words = describe(&n.evidence, s, at, two_minutes_on);
        assert_eq!(
            words,
            "2 failing runs of `cargo test since_keeps_local_lines`, the last 2m ago"
        );
        assert_eq!(
            describe(&n.evidence, s, None, None),
            "2 failing runs of `cargo test since_keeps_local_lines`"
        );
        assert_eq!(
            describe(&n.evidence, s, at, at),
            "2 failing runs of `cargo test since_keeps_local_lines`, the last one just now"
        );
        assert_eq!(
            command_head("git add -A && git commit -m x 2>&1 | tail"),
            "git add -A && git commit -m x"
        );
        assert_eq!(command_head("| odd"), "| odd");
    }

    #[test]
    fn edits_prompts_and_unknown_lines() {
        let p = demo_until(97);
        let s = p.session();
        // The demo's three edits of parse_since (lines 49, 56, 63).
        let edits = [LineNo(49), LineNo(56), LineNo(63)];
        assert_eq!(describe(&edits, s, None, None), "3 edits of src/filter.rs");
        let prompts: Vec<LineNo> = s.turns.iter().skip(1).take(2).map(|t| t.line).collect();
        assert_eq!(
            describe(&prompts, s, None, None),
            "2 of your prompts (2, 3)"
        );
        assert_eq!(describe(&[LineNo(1)], s, None, None), "");
        assert_eq!(describe(&[], s, None, None), "");
    }
}
