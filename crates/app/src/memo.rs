//! A small memory of recent answers, for questions that are dear to work out
//! and asked again and again (the regional picture of England is asked by
//! everyone who opens its page). Each answer is kept with the generation of
//! the analytics cache it was worked out from, so any write, which moves the
//! generation on, retires it: a remembered answer is never stale. An answer
//! keyed by everything it was made from (a chart keyed by its figures) is
//! never stale either, and can be kept at one generation for good.

use std::sync::{Arc, Mutex};

/// The last few answers, newest first.
pub struct Memo<K, V> {
    kept: Mutex<Vec<(u64, K, Arc<V>)>>,
    capacity: usize,
}

impl<K: PartialEq, V> Memo<K, V> {
    pub fn new(capacity: usize) -> Memo<K, V> {
        Memo {
            kept: Mutex::new(Vec::with_capacity(capacity)),
            capacity,
        }
    }

    /// The answer to `key` worked out at `generation`, if still kept.
    pub fn get(&self, generation: u64, key: &K) -> Option<Arc<V>> {
        let mut kept = self.kept.lock().unwrap_or_else(|p| p.into_inner());
        // Answers of an older generation can never be asked for again.
        kept.retain(|(g, _, _)| *g == generation);
        let at = kept.iter().position(|(_, k, _)| k == key)?;
        let found = kept.remove(at);
        let answer = Arc::clone(&found.2);
        kept.insert(0, found);
        Some(answer)
    }

    /// Keeps an answer, forgetting the least recently asked beyond capacity.
    pub fn keep(&self, generation: u64, key: K, answer: Arc<V>) {
        let mut kept = self.kept.lock().unwrap_or_else(|p| p.into_inner());
        kept.retain(|(g, k, _)| *g == generation && *k != key);
        kept.insert(0, (generation, key, answer));
        kept.truncate(self.capacity);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_answer_is_forgotten_when_the_generation_moves_on() {
        let memo = Memo::new(2);
        memo.keep(1, "england", Arc::new(296));
        assert_eq!(memo.get(1, &"england").as_deref(), Some(&296));
        assert_eq!(memo.get(2, &"england"), None, "a write retires it");
        assert_eq!(memo.get(1, &"england"), None, "and it is gone for good");
    }

    #[test]
    fn the_least_recently_asked_answer_goes_first() {
        let memo = Memo::new(2);
        memo.keep(1, "a", Arc::new(1));
        memo.keep(1, "b", Arc::new(2));
        assert!(memo.get(1, &"a").is_some());
        memo.keep(1, "c", Arc::new(3));
        assert!(
            memo.get(1, &"b").is_none(),
            "b was asked for least recently"
        );
        assert_eq!(memo.get(1, &"a").as_deref(), Some(&1));
        assert_eq!(memo.get(1, &"c").as_deref(), Some(&3));
    }
}
