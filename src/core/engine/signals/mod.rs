//! The detectors: one file per family of signals (the catalogue row's `family`), each holding its
//! own bounded state and implementing [`Detector`](super::detector::Detector) for the moments it
//! needs. One rule per signal card (signals.md section 2).
//!
//! Episodes: a signal fires once when its condition starts to hold and the same firing grows
//! (evidence, intensity) while it keeps holding; it can fire again only after the condition broke.
//!
//! A new signal goes into the family that already watches what it reads, or into a new file here:
//! a `#[derive(Debug, Clone, Default, Serialize, Deserialize)]` struct implementing `Detector`,
//! a field in [`Detectors`] and a line in [`Detectors::each`], at the place in the order where
//! its firings should come (usually last).

mod checks;
mod context;
mod edits;
mod errors;
mod exploration;
mod harness;
mod loops;
mod monologue;
mod prompts;
mod silence;
mod steering;

use std::collections::VecDeque;

use serde::{Deserialize, Serialize};

use super::detector::Detector;
use crate::core::sanitize::one_line;

/// Every family, as plain data (the engine is saved and cloned whole).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub(super) struct Detectors {
    exploration: exploration::Exploration,
    harness: harness::Harness,
    errors: errors::Errors,
    checks: checks::Checks,
    edits: edits::Edits,
    steering: steering::Steering,
    prompts: prompts::Prompts,
    loops: loops::Loops,
    monologue: monologue::Monologue,
    context: context::Context,
    silence: silence::Silence,
}

impl Detectors {
    /// Calls `f` on every family, in the order they see each moment. The order is behaviour:
    /// within one event, firings come (and are nudged) in this order, and a rule reading the tier
    /// sees what the families before it fired. For a failed tool result, say: a timeout streak
    /// (harness), then the error streak, then the failing check loop, then the repeated action
    /// and the long run (loops).
    pub fn each(&mut self, mut f: impl FnMut(&mut dyn Detector)) {
        f(&mut self.exploration);
        f(&mut self.harness);
        f(&mut self.errors);
        f(&mut self.checks);
        f(&mut self.edits);
        f(&mut self.steering);
        f(&mut self.prompts);
        f(&mut self.loops);
        f(&mut self.monologue);
        f(&mut self.context);
        f(&mut self.silence);
    }
}

/// A command or target, on one line, for a detail.
fn short(s: &str) -> String {
    one_line(s, 60)
}

/// A path's tail, for a detail.
fn short_path(s: &str) -> String {
    crate::core::sanitize::path_tail(s, 48)
}

/// Appends to a capped queue of recent items.
pub(super) fn push_capped<T>(q: &mut VecDeque<T>, item: T, cap: usize) {
    q.push_back(item);
    while q.len() > cap {
        q.pop_front();
    }
}

/// Appends to a capped list of recent items.
fn push_capped_vec<T>(v: &mut Vec<T>, item: T, cap: usize) {
    v.push(item);
    if v.len() > cap {
        v.remove(0);
    }
}

#[cfg(test)]
mod tests {
    use crate::core::engine::catalogue::{Family, rows};

    const FAMILIES: [(Family, &str); 11] = [
        (Family::Loops, include_str!("loops.rs")),
        (Family::Errors, include_str!("errors.rs")),
        (Family::Checks, include_str!("checks.rs")),
        (Family::Edits, include_str!("edits.rs")),
        (Family::Steering, include_str!("steering.rs")),
        (Family::Prompts, include_str!("prompts.rs")),
        (Family::Exploration, include_str!("exploration.rs")),
        (Family::Monologue, include_str!("monologue.rs")),
        (Family::Context, include_str!("context.rs")),
        (Family::Harness, include_str!("harness.rs")),
        (Family::Silence, include_str!("silence.rs")),
    ];

    /// `SignalId::S1` but not `SignalId::S10`.
    fn names(source: &str, code: &str) -> bool {
        let needle = format!("SignalId::{code}");
        source.match_indices(&needle).any(|(i, _)| {
            !source[i + needle.len()..]
                .chars()
                .next()
                .is_some_and(|c| c.is_ascii_digit())
        })
    }

    #[test]
    fn every_signal_is_fired_in_its_familys_file_and_nowhere_else() {
        for r in rows() {
            for (family, source) in FAMILIES {
                assert_eq!(
                    names(source, r.code),
                    family == r.family,
                    "{} (row family {:?}) in the {family:?} file",
                    r.code,
                    r.family
                );
            }
        }
        assert!(names("SignalId::S1)", "S1") && !names("SignalId::S10", "S1"));
    }
}
