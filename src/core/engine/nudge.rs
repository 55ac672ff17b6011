//! What to tell the user when a signal fires: the evidence first, then one concrete next step,
//! in words they can send to the agent where that helps.

use super::ids::SignalId;

/// The advice half of a nudge (the evidence half is the firing's detail).
#[must_use]
pub fn advice(signal: SignalId, variant: u8) -> &'static str {
    match (signal, variant) {
        (SignalId::S1, _) => {
            "Press Esc and ask: \"Stop retrying. What is the root cause of this error? Explain it before you change anything.\""
        }
        (SignalId::S2, _) => {
            "Tell Claude what is different now, or ask: \"Summarise in three lines what you know, then try something else.\""
        }
        (SignalId::S3, _) => {
            "Ask: \"List what you have ruled out so far, then pick a different approach before editing again.\""
        }
        (SignalId::S4, _) => {
            "Ask: \"Before the next attempt: what do you think is actually wrong, and how will we know it is fixed?\""
        }
        (SignalId::S5, 1) => {
            "Ask: \"Run the failing check yourself, fix exactly what it reports, then commit.\" Skipping the hook is not a fix."
        }
        (SignalId::S5, _) => {
            "Ask for the root cause before more edits: \"Why does it fail? Quote the failing line, make the smallest change that fixes it, and leave the test alone.\""
        }
        (SignalId::S6, 1) => {
            "Ask: \"What did the first version get wrong? Settle on one approach before editing again.\""
        }
        (SignalId::S6, _) => {
            "Ask Claude to stop editing: \"Write the behaviour you want as a test first, then change the code once.\""
        }
        (SignalId::S7, _) => {
            "Instead of steering step by step, restate the goal and the one rule it keeps missing, in a single message."
        }
        (SignalId::S8, _) => {
            "Tell Claude the rule it keeps breaking (\"only edit src/api; never touch migrations\"), or switch to plan mode (Shift+Tab) and approve the approach before any edits."
        }
        (SignalId::S9, _) => {
            "Rewording rarely helps. Add what is missing (the exact symptom, where it happens, how you will check it), or /clear and start fresh with that."
        }
        (SignalId::S10, _) => {
            "After two failed corrections Claude Code's own advice is to /clear and restart with one specific prompt: what failed, the constraint, and how to verify."
        }
        (SignalId::S11, _) => {
            "Take thirty seconds: write what \"done\" looks like as one checkable sentence, and ask Claude to work toward exactly that."
        }
        (SignalId::S12, _) => {
            "Give Claude one concrete thing: the exact error text, the file or function, or what you expected versus what happened."
        }
        (SignalId::S13, 2) => {
            "Ask: \"Show me the failing check's output and fix it before calling this done.\""
        }
        (SignalId::S13, _) => {
            "Ask: \"Run the tests (or the build) and show me the output\", or say how you will check it yourself."
        }
        (SignalId::S14, _) => {
            "Narrow it down: name the file or function you suspect, or ask \"Use a sub-agent to investigate this and report back in five bullets.\""
        }
        (SignalId::S15, _) => {
            "Press Esc and ask for a status: what is done, what is failing, and what it will try next."
        }
        (SignalId::S16, _) => {
            "Apologies are not progress. Ask Claude to write what it knows for sure, what it is guessing, and one experiment that tells them apart."
        }
        (SignalId::S17, _) => {
            "Same task? /compact with what to keep (\"/compact keep the failing test and the API contract\"). New task? /clear."
        }
        (SignalId::S18, _) => {
            "This is not you: wait a minute or switch model, and tell Claude how to run long processes (in the background; tests without watch mode). No need to rephrase the task."
        }
        (SignalId::S19, 1) => {
            "Nothing has been written yet. Before walking away, ask for one small piece you can check in two minutes."
        }
        (SignalId::S19, _) => {
            "Before walking away: give Claude a one-line summary of where you are and ask for the smallest next step you can check, or /clear and restart with that summary."
        }
        (SignalId::S20, _) => {
            "Ask: \"Don't skip or weaken checks. Show me the failure and fix its cause.\""
        }
    }
}

/// Reads a saved headline back as the `&'static str` it was (saved engine state).
///
/// # Errors
/// When the text is no signal's headline (state saved by another version).
pub fn deserialize_headline<'de, D: serde::Deserializer<'de>>(
    d: D,
) -> Result<&'static str, D::Error> {
    let text = <std::borrow::Cow<'de, str> as serde::Deserialize>::deserialize(d)?;
    SignalId::ALL
        .into_iter()
        .map(headline)
        .find(|h| *h == text)
        .ok_or_else(|| serde::de::Error::custom("unknown nudge headline"))
}

/// A short headline for the status line and the nudge card's title.
#[must_use]
pub fn headline(signal: SignalId) -> &'static str {
    match signal {
        SignalId::S1 => "Same call failing: ask for the root cause",
        SignalId::S2 => "Same step, same result: change tack",
        SignalId::S3 => "Going in circles: ask what's ruled out",
        SignalId::S4 => "Errors piling up: ask what's really wrong",
        SignalId::S5 => "Check keeps failing: root cause first",
        SignalId::S6 => "Rewriting the same lines: test first",
        SignalId::S7 => "Many interrupts: restate the goal once",
        SignalId::S8 => "Steps rejected: state the rule or plan",
        SignalId::S9 => "Asked twice: add what's missing",
        SignalId::S10 => "Third correction: /clear and restart",
        SignalId::S11 => "Frustrating: write down what done is",
        SignalId::S12 => "Vague after trouble: add one specific",
        SignalId::S13 => "Says done, nothing run: ask for proof",
        SignalId::S14 => "Lots of reading, no change: narrow it",
        SignalId::S15 => "Long troubled run: ask for a status",
        SignalId::S16 => "Apologising in circles: facts vs guesses",
        SignalId::S17 => "Context filling up: compact or clear",
        SignalId::S18 => "API or tool trouble: not you",
        SignalId::S19 => "Stuck? One small next step",
        SignalId::S20 => "Check bypassed: ask for the real fix",
    }
}
