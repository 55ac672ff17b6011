//! Bookkeeping keyed by id that stays bounded however long the session: what the builder and the
//! parser remember about tool calls and model responses.
//!
//! Claude Code repeats an id only on neighbouring lines: the lines of one streamed response share
//! its `message.id`, and a result follows its call. (In the corpus no repeat is more than one
//! other id away.) So the builder does not need every id it ever saw to count each call and each
//! response once, only the recent ones:
//!
//! - [`Recent`] remembers at least the last [`Recent::KEEP`] distinct keys inserted (at most
//!   twice that): two generations, the older dropped whole when the younger fills up. A key
//!   repeated further back than that counts as new.
//! - [`Waiting`] holds entries until they are taken (calls waiting for their result), and when
//!   more than [`Waiting::KEEP`] wait at once, forgets the oldest half (a result that never came).
//!
//! Both depend only on the order of inserts and lookups, so the same events give the same state
//! however they were chunked, saved and read back; and both are small enough to save with the
//! status line's state and to clone into replay's snapshots.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use crate::core::hash::KeyHash;

/// See the module docs.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Recent<V> {
    young: HashMap<u64, V, KeyHash>,
    old: HashMap<u64, V, KeyHash>,
}

impl<V> Default for Recent<V> {
    fn default() -> Self {
        Self {
            young: HashMap::default(),
            old: HashMap::default(),
        }
    }
}

impl<V> Recent<V> {
    /// Distinct keys remembered at least.
    pub const KEEP: usize = 512;

    /// The value of a remembered key.
    pub fn get_mut(&mut self, key: u64) -> Option<&mut V> {
        match self.young.get_mut(&key) {
            Some(v) => Some(v),
            None => self.old.get_mut(&key),
        }
    }

    /// Whether a key is remembered.
    #[must_use]
    pub fn contains(&self, key: u64) -> bool {
        self.young.contains_key(&key) || self.old.contains_key(&key)
    }

    /// Remembers a key that is not remembered yet (see [`Self::remember`] for a set).
    pub fn insert(&mut self, key: u64, value: V) {
        if self.young.len() >= Self::KEEP {
            // The older generation goes; its allocation is reused for the new one.
            std::mem::swap(&mut self.young, &mut self.old);
            self.young.clear();
        }
        self.young.insert(key, value);
    }

    /// Keys remembered now.
    #[must_use]
    pub fn len(&self) -> usize {
        self.young.len() + self.old.len()
    }

    /// Nothing remembered.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.young.is_empty() && self.old.is_empty()
    }
}

impl Recent<()> {
    /// A set's insert: `true` when the key was not remembered (and now is).
    pub fn remember(&mut self, key: u64) -> bool {
        if self.contains(key) {
            return false;
        }
        self.insert(key, ());
        true
    }
}

/// See the module docs.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Waiting<V> {
    items: HashMap<u64, (u64, V), KeyHash>,
    next: u64,
}

impl<V> Default for Waiting<V> {
    fn default() -> Self {
        Self {
            items: HashMap::default(),
            next: 0,
        }
    }
}

impl<V> Waiting<V> {
    /// Entries held at most before the oldest half is forgotten.
    pub const KEEP: usize = 4096;

    /// Holds `value` under `key` (replacing what the key held).
    pub fn insert(&mut self, key: u64, value: V) {
        if self.items.len() >= Self::KEEP && !self.items.contains_key(&key) {
            let mut seqs: Vec<u64> = self.items.values().map(|(s, _)| *s).collect();
            let mid = seqs.len() / 2;
            let (_, cut, _) = seqs.select_nth_unstable(mid);
            let cut = *cut;
            self.items.retain(|_, (s, _)| *s >= cut);
        }
        self.items.insert(key, (self.next, value));
        self.next += 1;
    }

    /// Takes the entry held under `key`.
    pub fn remove(&mut self, key: u64) -> Option<V> {
        self.items.remove(&key).map(|(_, v)| v)
    }

    /// Entries held now.
    #[must_use]
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// Nothing held.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recent_remembers_at_least_the_last_keep_keys() {
        let keep = Recent::<()>::KEEP as u64;
        let mut r = Recent::<()>::default();
        for k in 0..keep * 5 + 17 {
            assert!(r.remember(k), "{k} is new");
            assert!(!r.remember(k), "{k} was just seen");
            // Every one of the last KEEP keys is still there…
            let from = (k + 1).saturating_sub(keep);
            assert!(r.contains(from) && r.contains(k), "{k}");
            // …and never more than twice as many.
            assert!(r.len() <= 2 * keep as usize);
        }
        assert!(!r.contains(0), "long gone");
        assert!(r.remember(0), "a key seen too long ago counts as new");
    }

    #[test]
    fn recent_values_can_be_updated_in_either_generation() {
        let mut r = Recent::<u64>::default();
        r.insert(7, 1);
        for k in 100..100 + Recent::<u64>::KEEP as u64 {
            r.insert(k, 0);
        }
        // Key 7 is in the older generation now.
        *r.get_mut(7).unwrap() += 5;
        assert_eq!(r.get_mut(7).copied(), Some(6));
        assert!(r.get_mut(8).is_none());
    }

    #[test]
    fn waiting_keeps_everything_taken_in_time_and_forgets_the_oldest_when_full() {
        let mut w = Waiting::<u32>::default();
        // Taken as fast as they come: nothing is ever forgotten.
        for k in 0..20_000u64 {
            w.insert(k, 1);
            if k >= 3 {
                assert_eq!(w.remove(k - 3), Some(1), "{k}");
            }
        }
        assert_eq!(w.len(), 3);
        // Never taken: the oldest half goes each time it fills up.
        let mut w = Waiting::<u32>::default();
        let keep = Waiting::<u32>::KEEP as u64;
        for k in 0..keep * 3 {
            w.insert(k, 0);
            assert!(w.len() <= keep as usize);
        }
        assert!(w.remove(keep * 3 - 1).is_some(), "the newest is held");
        assert!(w.remove(0).is_none(), "the oldest is forgotten");
        // Replacing a held key never forgets anything.
        let before = w.len();
        w.insert(keep * 3 - 2, 9);
        assert_eq!(w.len(), before);
        assert_eq!(w.remove(keep * 3 - 2), Some(9));
    }
}
