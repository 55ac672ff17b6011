//! The live failure tier (signals.md 1.3), from the active firings and the [`Standing`] facts.
//!
//! A firing is active while it is from the current turn or the one before and no success
//! (R5–R7) came after it. Its catalogue row says what an active firing means: a hard failure item
//! (tier 4), pushback (3) or a mild failure (2). Two hard items make tier 5.

use super::catalogue::{Trouble, rows};
use super::detector::Standing;
use super::ids::SignalId;
use super::{Firing, Rules};
use crate::core::LineNo;

/// The tier now, in turn `turn`.
pub(super) fn tier(
    firings: &[Firing],
    turn: usize,
    last_success: Option<LineNo>,
    standing: &Standing,
    rules: &Rules,
) -> u8 {
    let active = active_set(firings, turn, last_success);
    let e = &standing.end;
    let items4 = [
        e.unrecovered_error,
        e.failing_check,
        active & mask(Trouble::Hard) != 0,
    ]
    .iter()
    .filter(|b| **b)
    .count();
    if items4 >= 2 {
        return 5;
    }
    if items4 == 1 {
        return 4;
    }
    let t = &rules.config.thresholds;
    if active & mask(Trouble::Pushback) != 0
        || standing.failing_runs >= 2
        || standing.error_streak >= t.s4_error_streak as usize
    {
        return 3;
    }
    if standing.corrections > 0 || active & mask(Trouble::Mild) != 0 || standing.had_loop {
        return 2;
    }
    u8::from(standing.errors_seen > 0)
}

/// The signals fired in this turn or the previous one and not answered by a success since, as a
/// bit set by catalogue position (one pass over the recent firings).
fn active_set(firings: &[Firing], turn: usize, last_success: Option<LineNo>) -> u32 {
    let mut set = 0u32;
    for f in firings.iter().rev().take_while(|f| f.turn + 1 >= turn) {
        if last_success.is_none_or(|s| s < f.at_line) {
            set |= bit(f.signal);
        }
    }
    set
}

fn bit(s: SignalId) -> u32 {
    1 << (s as u32)
}

/// The signals whose rows raise the tier this way.
fn mask(trouble: Trouble) -> u32 {
    rows()
        .iter()
        .filter(|r| r.trouble == trouble)
        .fold(0, |acc, r| acc | bit(r.id))
}
