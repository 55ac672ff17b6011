//! What to tell the user when a signal fires: the evidence first, then one concrete next step,
//! in words they can send to the agent where that helps. The texts live in the catalogue rows
//! (`catalogue.rs`); these are the lookups front ends and reviews call.

use super::ids::SignalId;

/// The advice half of a nudge (the evidence half is the firing's detail).
#[must_use]
pub fn advice(signal: SignalId, variant: u8) -> &'static str {
    signal.row().advice_for(variant)
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
    signal.row().headline
}
