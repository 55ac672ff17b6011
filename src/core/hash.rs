//! Small, fast, deterministic 64-bit hashing (FNV-1a) for ids and signatures.
//!
//! Ids (`toolu_…`, `msg_…`) are kept as 64-bit hashes rather than strings so a session's
//! bookkeeping stays small however long the transcript; at the counts a session reaches
//! (thousands), a collision is astronomically unlikely. The hash is stable across runs and
//! platforms, which the summary cache relies on.

const OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
const PRIME: u64 = 0x0000_0100_0000_01b3;

/// An incremental FNV-1a hasher.
#[derive(Debug, Clone, Copy)]
pub struct Fnv(u64);

impl Default for Fnv {
    fn default() -> Self {
        Self(OFFSET)
    }
}

impl Fnv {
    /// Mixes bytes in.
    pub fn write(&mut self, bytes: &[u8]) -> &mut Self {
        for &b in bytes {
            self.0 ^= u64::from(b);
            self.0 = self.0.wrapping_mul(PRIME);
        }
        self
    }

    /// Mixes one byte in.
    pub fn byte(&mut self, b: u8) -> &mut Self {
        self.write(&[b])
    }

    /// The hash so far.
    #[must_use]
    pub fn finish(&self) -> u64 {
        self.0
    }
}

/// Hash of one byte string.
#[must_use]
pub fn hash(bytes: &[u8]) -> u64 {
    Fnv::default().write(bytes).finish()
}

/// Hash of a string.
#[must_use]
pub fn hash_str(s: &str) -> u64 {
    hash(s.as_bytes())
}

/// A fast hash of a whole byte string, eight bytes at a step (the `FxHash` mix, then a
/// `splitmix64` finish so every input bit reaches every output bit). For long texts, where
/// byte-at-a-time FNV would dominate; not incremental.
#[must_use]
pub fn hash_words(bytes: &[u8]) -> u64 {
    const K: u64 = 0x517c_c1b7_2722_0a95;
    let mut h = bytes.len() as u64;
    let mut chunks = bytes.chunks_exact(8);
    for c in &mut chunks {
        let mut w = [0u8; 8];
        w.copy_from_slice(c);
        h = (h.rotate_left(5) ^ u64::from_le_bytes(w)).wrapping_mul(K);
    }
    let rest = chunks.remainder();
    if !rest.is_empty() {
        let mut w = [0u8; 8];
        w[..rest.len()].copy_from_slice(rest);
        h = (h.rotate_left(5) ^ u64::from_le_bytes(w)).wrapping_mul(K);
    }
    h ^= h >> 30;
    h = h.wrapping_mul(0xbf58_476d_1ce4_e5b9);
    h ^= h >> 27;
    h = h.wrapping_mul(0x94d0_49bb_1331_11eb);
    h ^ (h >> 31)
}

/// The [`std::hash::Hasher`] of maps and sets keyed by a hash already (an id's, a word's): it
/// only spreads the key (FNV-1a's low bits, which a table's buckets use, are its weakest) instead
/// of hashing it again with `SipHash`. Deterministic, which nothing may rely on for an order.
#[derive(Debug, Default, Clone, Copy)]
pub struct KeyHasher(u64);

impl std::hash::Hasher for KeyHasher {
    fn write(&mut self, bytes: &[u8]) {
        // Only `u64` keys come here; anything else is hashed in whole.
        self.0 = self.0.rotate_left(5) ^ hash(bytes);
    }

    fn write_u64(&mut self, key: u64) {
        self.0 = key;
    }

    fn finish(&self) -> u64 {
        // The finaliser of splitmix64: every bit of the key reaches the low bits.
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
}

/// What builds a [`KeyHasher`] for a map or a set.
pub type KeyHash = std::hash::BuildHasherDefault<KeyHasher>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_fnv1a_vectors() {
        assert_eq!(hash(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(hash(b"a"), 0xaf63_dc4c_8601_ec8c);
        assert_eq!(hash(b"foobar"), 0x8594_4171_f739_67e8);
    }

    #[test]
    fn word_hash_separates_near_inputs() {
        let a = hash_words(b"test result: ok. 12 passed");
        assert_eq!(a, hash_words(b"test result: ok. 12 passed"));
        assert_ne!(a, hash_words(b"test result: ok. 13 passed"));
        assert_ne!(hash_words(b"abc"), hash_words(b"abc\0"));
        assert_ne!(hash_words(b""), hash_words(b"\0"));
    }

    #[test]
    fn incremental_equals_one_shot() {
        assert_eq!(
            Fnv::default().write(b"foo").write(b"bar").finish(),
            hash(b"foobar")
        );
    }
}
