//! Files waiting between an import's preview and its confirmation: held in
//! memory under an unguessable token for half an hour, so the confirmed
//! import writes exactly the bytes that were checked.

use std::collections::HashMap;
use std::hash::BuildHasher;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use stocktake::FileKind;

/// How long an upload waits for its confirmation.
pub const KEEP_FOR: Duration = Duration::from_secs(30 * 60);

/// Past this many bytes held, the oldest uploads are dropped first.
const MAX_HELD_BYTES: usize = 256 * 1024 * 1024;

/// A checked file, as CSV text (a spreadsheet is converted before checking).
#[derive(Debug, Clone)]
pub struct Upload {
    pub kind: FileKind,
    pub file_name: String,
    pub csv: Arc<[u8]>,
    received: Instant,
}

impl Upload {
    pub fn new(kind: FileKind, file_name: String, csv: Arc<[u8]>) -> Upload {
        Upload {
            kind,
            file_name,
            csv,
            received: Instant::now(),
        }
    }
}

#[derive(Debug, Default)]
pub struct Uploads {
    held: Mutex<Held>,
}

#[derive(Debug, Default)]
struct Held {
    uploads: HashMap<String, Upload>,
    issued: u64,
}

impl Held {
    fn forget_expired(&mut self) {
        self.uploads.retain(|_, u| u.received.elapsed() < KEEP_FOR);
    }

    fn bytes(&self) -> usize {
        self.uploads.values().map(|u| u.csv.len()).sum()
    }
}

impl Uploads {
    /// Keeps an upload; returns its token.
    pub fn keep(&self, upload: Upload) -> String {
        let mut held = self.held.lock().unwrap_or_else(|p| p.into_inner());
        held.forget_expired();
        while !held.uploads.is_empty() && held.bytes() + upload.csv.len() > MAX_HELD_BYTES {
            let oldest = held
                .uploads
                .iter()
                .min_by_key(|(_, u)| u.received)
                .map(|(t, _)| t.clone());
            if let Some(token) = oldest {
                held.uploads.remove(&token);
            }
        }
        held.issued += 1;
        let token = token(held.issued);
        held.uploads.insert(token.clone(), upload);
        token
    }

    /// The upload under a token, if it has not expired.
    pub fn get(&self, token: &str) -> Option<Upload> {
        let mut held = self.held.lock().unwrap_or_else(|p| p.into_inner());
        held.forget_expired();
        held.uploads.get(token).cloned()
    }

    pub fn forget(&self, token: &str) {
        let mut held = self.held.lock().unwrap_or_else(|p| p.into_inner());
        held.uploads.remove(token);
    }
}

/// 128 bits from SipHash keyed with the process's random keys (std's
/// `RandomState` seeds them from the operating system): unguessable without
/// those keys, unique by the counter.
fn token(counter: u64) -> String {
    let now = std::time::SystemTime::now();
    let a = std::collections::hash_map::RandomState::new().hash_one((counter, now, 'a'));
    let b = std::collections::hash_map::RandomState::new().hash_one((counter, now, 'b'));
    format!("{a:016x}{b:016x}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_differ_and_uploads_come_back() {
        let uploads = Uploads::default();
        let a = uploads.keep(Upload::new(
            FileKind::Values,
            "a.csv".into(),
            b"x"[..].into(),
        ));
        let b = uploads.keep(Upload::new(
            FileKind::Values,
            "b.csv".into(),
            b"y"[..].into(),
        ));
        assert_ne!(a, b);
        assert_eq!(a.len(), 32);
        assert_eq!(uploads.get(&a).unwrap().file_name, "a.csv");
        uploads.forget(&a);
        assert!(uploads.get(&a).is_none());
        assert!(uploads.get("not-a-token").is_none());
    }
}
