//! The signal catalogue (signals.md section 2, plus S20) and the recovery markers R1–R8.

use serde::Serialize;

use crate::core::config::Config;

/// A stall signal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum SignalId {
    S1,
    S2,
    S3,
    S4,
    S5,
    S6,
    S7,
    S8,
    S9,
    S10,
    S11,
    S12,
    S13,
    S14,
    S15,
    S16,
    S17,
    S18,
    S19,
    S20,
}

impl SignalId {
    /// Every signal, in catalogue order.
    pub const ALL: [SignalId; 20] = [
        SignalId::S1,
        SignalId::S2,
        SignalId::S3,
        SignalId::S4,
        SignalId::S5,
        SignalId::S6,
        SignalId::S7,
        SignalId::S8,
        SignalId::S9,
        SignalId::S10,
        SignalId::S11,
        SignalId::S12,
        SignalId::S13,
        SignalId::S14,
        SignalId::S15,
        SignalId::S16,
        SignalId::S17,
        SignalId::S18,
        SignalId::S19,
        SignalId::S20,
    ];

    /// `S5`.
    #[must_use]
    pub fn code(self) -> &'static str {
        match self {
            SignalId::S1 => "S1",
            SignalId::S2 => "S2",
            SignalId::S3 => "S3",
            SignalId::S4 => "S4",
            SignalId::S5 => "S5",
            SignalId::S6 => "S6",
            SignalId::S7 => "S7",
            SignalId::S8 => "S8",
            SignalId::S9 => "S9",
            SignalId::S10 => "S10",
            SignalId::S11 => "S11",
            SignalId::S12 => "S12",
            SignalId::S13 => "S13",
            SignalId::S14 => "S14",
            SignalId::S15 => "S15",
            SignalId::S16 => "S16",
            SignalId::S17 => "S17",
            SignalId::S18 => "S18",
            SignalId::S19 => "S19",
            SignalId::S20 => "S20",
        }
    }

    /// The catalogue name.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            SignalId::S1 => "same failing action",
            SignalId::S2 => "same action, same result",
            SignalId::S3 => "ping-pong loop",
            SignalId::S4 => "error streak",
            SignalId::S5 => "failing check loop",
            SignalId::S6 => "edit thrash",
            SignalId::S7 => "interrupt burst",
            SignalId::S8 => "rejected steps",
            SignalId::S9 => "near-duplicate re-prompt",
            SignalId::S10 => "repeated correction",
            SignalId::S11 => "frustration",
            SignalId::S12 => "vague prompt after trouble",
            SignalId::S13 => "claimed done, nothing verified",
            SignalId::S14 => "exploration without progress",
            SignalId::S15 => "long troubled run",
            SignalId::S16 => "apology monologue",
            SignalId::S17 => "context pressure",
            SignalId::S18 => "harness trouble",
            SignalId::S19 => "silence after trouble",
            SignalId::S20 => "check bypass",
        }
    }

    /// Its weight in the risk score (S18 is information only: always 0).
    #[must_use]
    pub fn weight(self, c: &Config) -> f64 {
        let w = &c.weights;
        match self {
            SignalId::S1 => w.s1,
            SignalId::S2 => w.s2,
            SignalId::S3 => w.s3,
            SignalId::S4 => w.s4,
            SignalId::S5 => w.s5,
            SignalId::S6 => w.s6,
            SignalId::S7 => w.s7,
            SignalId::S8 => w.s8,
            SignalId::S9 => w.s9,
            SignalId::S10 => w.s10,
            SignalId::S11 => w.s11,
            SignalId::S12 => w.s12,
            SignalId::S13 => w.s13,
            SignalId::S14 => w.s14,
            SignalId::S15 => w.s15,
            SignalId::S16 => w.s16,
            SignalId::S17 => w.s17,
            SignalId::S18 => 0.0,
            SignalId::S19 => w.s19,
            SignalId::S20 => w.s20,
        }
    }

    /// Parses `S5` / `s5`.
    #[must_use]
    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|s| s.code().eq_ignore_ascii_case(code))
    }
}

impl Serialize for SignalId {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.code())
    }
}

impl<'de> serde::Deserialize<'de> for SignalId {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let code = <std::borrow::Cow<'de, str> as serde::Deserialize>::deserialize(d)?;
        Self::parse(&code).ok_or_else(|| serde::de::Error::custom("unknown signal id"))
    }
}

impl std::fmt::Display for SignalId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.code())
    }
}

/// A recovery marker: something that pulls a troubled session back.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum RecoveryId {
    /// Asked for a specific check.
    R1,
    /// Gave new information (the error, the file, expected vs actual).
    R2,
    /// Switched to plan mode after trouble.
    R3,
    /// Reframed: a longer, more specific prompt after trouble (or /clear).
    R4,
    /// A check passed after failing.
    R5,
    /// A commit landed.
    R6,
    /// Affirmed the result.
    R7,
    /// First lines written.
    R8,
}

impl RecoveryId {
    /// Every recovery marker, in order.
    pub const ALL: [RecoveryId; 8] = [
        RecoveryId::R1,
        RecoveryId::R2,
        RecoveryId::R3,
        RecoveryId::R4,
        RecoveryId::R5,
        RecoveryId::R6,
        RecoveryId::R7,
        RecoveryId::R8,
    ];

    /// `R5`.
    #[must_use]
    pub fn code(self) -> &'static str {
        match self {
            RecoveryId::R1 => "R1",
            RecoveryId::R2 => "R2",
            RecoveryId::R3 => "R3",
            RecoveryId::R4 => "R4",
            RecoveryId::R5 => "R5",
            RecoveryId::R6 => "R6",
            RecoveryId::R7 => "R7",
            RecoveryId::R8 => "R8",
        }
    }

    /// What the move was.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            RecoveryId::R1 => "asked for a specific check",
            RecoveryId::R2 => "gave new information",
            RecoveryId::R3 => "switched to plan mode",
            RecoveryId::R4 => "reframed the task",
            RecoveryId::R5 => "check passed after failing",
            RecoveryId::R6 => "committed",
            RecoveryId::R7 => "affirmed the result",
            RecoveryId::R8 => "first lines written",
        }
    }

    /// How much it lowers risk.
    #[must_use]
    pub fn weight(self, c: &Config) -> f64 {
        let r = &c.recovery;
        match self {
            RecoveryId::R1 => r.r1,
            RecoveryId::R2 => r.r2,
            RecoveryId::R3 => r.r3,
            RecoveryId::R4 => r.r4,
            RecoveryId::R5 => r.r5,
            RecoveryId::R6 => r.r6,
            RecoveryId::R7 => r.r7,
            RecoveryId::R8 => r.r8,
        }
    }

    /// Hard success evidence (ends a correction chain, calms tier-3 pushback).
    #[must_use]
    pub fn is_success(self) -> bool {
        matches!(self, RecoveryId::R5 | RecoveryId::R6 | RecoveryId::R7)
    }
}

impl Serialize for RecoveryId {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.code())
    }
}

impl<'de> serde::Deserialize<'de> for RecoveryId {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let code = <std::borrow::Cow<'de, str> as serde::Deserialize>::deserialize(d)?;
        RecoveryId::ALL
            .into_iter()
            .find(|r| r.code() == code)
            .ok_or_else(|| serde::de::Error::custom("unknown recovery id"))
    }
}
