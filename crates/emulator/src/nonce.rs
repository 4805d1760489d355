//! Replay protection: remembers (access key, nonce) pairs for the 15-minute timestamp window.
//!
//! Memory is bounded: entries are 32-byte hashes, expire after the window, and beyond
//! [`MAX_ENTRIES`] the oldest are forgotten first (a replay of a forgotten nonce would then be
//! accepted, which only a flood of over a hundred thousand requests inside 15 minutes can cause).

use std::collections::{HashSet, VecDeque};
use std::time::{Duration, Instant};

use sha2::{Digest, Sha256};

/// Upper bound on remembered nonces.
pub(crate) const MAX_ENTRIES: usize = 100_000;
const WINDOW: Duration = Duration::from_secs(15 * 60);

#[derive(Debug, Default)]
pub(crate) struct NonceCache {
    seen: HashSet<[u8; 32]>,
    order: VecDeque<(Instant, [u8; 32])>,
}

impl NonceCache {
    /// Records the nonce; `false` if it was already used within the window.
    pub(crate) fn check_and_insert(&mut self, access_key_id: &str, nonce: &str) -> bool {
        let now = Instant::now();
        while let Some((at, key)) = self.order.front() {
            if now.duration_since(*at) < WINDOW && self.order.len() < MAX_ENTRIES {
                break;
            }
            self.seen.remove(key);
            self.order.pop_front();
        }
        let mut h = Sha256::new();
        h.update(access_key_id.as_bytes());
        h.update([0]);
        h.update(nonce.as_bytes());
        let key: [u8; 32] = h.finalize().into();
        if !self.seen.insert(key) {
            return false;
        }
        self.order.push_back((now, key));
        true
    }

    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.order.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn second_use_is_refused_per_key() {
        let mut cache = NonceCache::default();
        assert!(cache.check_and_insert("ak", "n1"));
        assert!(!cache.check_and_insert("ak", "n1"));
        assert!(cache.check_and_insert("other", "n1"));
    }

    #[test]
    fn memory_stays_bounded() {
        let mut cache = NonceCache::default();
        for i in 0..MAX_ENTRIES + 10 {
            cache.check_and_insert("ak", &i.to_string());
        }
        assert!(cache.len() <= MAX_ENTRIES);
    }
}
