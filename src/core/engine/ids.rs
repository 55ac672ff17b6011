//! Signal and recovery ids: [`SignalId`] (generated from the catalogue, `catalogue.rs`) and the
//! recovery markers R1–R8.

use serde::Serialize;

use crate::core::config::Config;

pub use super::catalogue::SignalId;

impl SignalId {
    /// `S5`.
    #[must_use]
    pub fn code(self) -> &'static str {
        self.row().code
    }

    /// The catalogue name.
    #[must_use]
    pub fn name(self) -> &'static str {
        self.row().name
    }

    /// Its weight in the risk score (S18 is information only: always 0).
    #[must_use]
    pub fn weight(self, c: &Config) -> f64 {
        self.row().weight_in(&c.weights)
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
