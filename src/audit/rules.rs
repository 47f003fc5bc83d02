//! The hash chain: each entry's hash covers its own fields and the previous entry's hash,
//! so changing, removing or reordering any stored entry breaks every hash after it.

use sha2::{Digest, Sha256};

/// The `prev_hash` of the first entry.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// The fields an entry's hash covers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fields<'a> {
    /// Unix seconds.
    pub at: i64,
    /// Who acted, if a user.
    pub actor_id: Option<i64>,
    /// `tender`, `bid`, `contract`, …
    pub entity: &'a str,
    /// Its id.
    pub entity_id: i64,
    /// What happened, e.g. `published`.
    pub action: &'a str,
    /// JSON detail.
    pub detail: &'a str,
    /// Shown on public timelines.
    pub public: bool,
    /// The previous entry's hash.
    pub prev_hash: &'a str,
}

/// SHA-256 over the fields, each length-prefixed so that no two different entries share a
/// byte string, as lowercase hex.
pub fn entry_hash(f: &Fields) -> String {
    let mut h = Sha256::new();
    let mut field = |b: &[u8]| {
        h.update((b.len() as u64).to_be_bytes());
        h.update(b);
    };
    field(&f.at.to_be_bytes());
    field(
        f.actor_id
            .map(|a| a.to_string())
            .unwrap_or_default()
            .as_bytes(),
    );
    field(f.entity.as_bytes());
    field(&f.entity_id.to_be_bytes());
    field(f.action.as_bytes());
    field(f.detail.as_bytes());
    field(&[u8::from(f.public)]);
    field(f.prev_hash.as_bytes());
    hex::encode(h.finalize())
}

/// Why the chain does not verify, naming the first broken entry by its id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Broken {
    /// The stored hash does not match the entry's content.
    Hash {
        /// Entry id.
        id: i64,
    },
    /// The entry does not link to the one before it (one was removed, inserted or reordered).
    Link {
        /// Entry id.
        id: i64,
    },
    /// The chain ends before the recorded head: entries were removed from the end.
    Truncated {
        /// The last entry still there, if any.
        last_id: Option<i64>,
    },
}

/// One stored entry as read back for verification: its id, the fields and the stored hash.
pub type Stored<'a> = (i64, Fields<'a>, &'a str);

/// Verifies entries in chain order, starting after `prev` (the genesis hash for the first).
/// Returns the hash of the last entry and how many entries were checked.
pub fn verify<'a>(
    prev: &str,
    entries: impl IntoIterator<Item = Stored<'a>>,
) -> Result<(String, i64), Broken> {
    let mut prev = prev.to_string();
    let mut n = 0;
    for (id, f, stored) in entries {
        if entry_hash(&f) != stored {
            return Err(Broken::Hash { id });
        }
        if f.prev_hash != prev {
            return Err(Broken::Link { id });
        }
        prev = stored.to_string();
        n += 1;
    }
    Ok((prev, n))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chain(n: i64) -> Vec<(i64, String, String, String)> {
        // (id, detail, prev, hash)
        let mut out = Vec::new();
        let mut prev = GENESIS.to_string();
        for i in 1..=n {
            let detail = format!("{{\"n\":{i}}}");
            let h = entry_hash(&Fields {
                at: 1000 + i,
                actor_id: Some(7),
                entity: "tender",
                entity_id: 3,
                action: "published",
                detail: &detail,
                public: true,
                prev_hash: &prev,
            });
            out.push((i, detail, prev.clone(), h.clone()));
            prev = h;
        }
        out
    }

    fn fields<'a>(id: i64, detail: &'a str, prev: &'a str) -> Fields<'a> {
        Fields {
            at: 1000 + id,
            actor_id: Some(7),
            entity: "tender",
            entity_id: 3,
            action: "published",
            detail,
            public: true,
            prev_hash: prev,
        }
    }

    #[test]
    fn an_intact_chain_verifies() {
        let c = chain(5);
        let r = verify(
            GENESIS,
            c.iter()
                .map(|(id, d, p, h)| (*id, fields(*id, d, p), h.as_str())),
        );
        assert_eq!(r.unwrap().1, 5);
    }

    #[test]
    fn any_edit_names_the_entry() {
        let c = chain(5);
        for victim in 1..=5 {
            let r = verify(
                GENESIS,
                c.iter().map(|(id, d, p, h)| {
                    let mut f = fields(*id, d, p);
                    if *id == victim {
                        f.action = "cancelled";
                    }
                    (*id, f, h.as_str())
                }),
            );
            assert_eq!(r, Err(Broken::Hash { id: victim }));
        }
    }

    #[test]
    fn a_removed_entry_breaks_the_link() {
        let c = chain(4);
        let r = verify(
            GENESIS,
            c.iter()
                .filter(|e| e.0 != 2)
                .map(|(id, d, p, h)| (*id, fields(*id, d, p), h.as_str())),
        );
        assert_eq!(r, Err(Broken::Link { id: 3 }));
    }

    #[test]
    fn hashes_differ_by_every_field() {
        let base = fields(1, "{}", GENESIS);
        let h = entry_hash(&base);
        let variants = [
            Fields {
                at: 1,
                ..base.clone()
            },
            Fields {
                actor_id: None,
                ..base.clone()
            },
            Fields {
                entity: "bid",
                ..base.clone()
            },
            Fields {
                entity_id: 4,
                ..base.clone()
            },
            Fields {
                detail: "{ }",
                ..base.clone()
            },
            Fields {
                public: false,
                ..base.clone()
            },
        ];
        for v in variants {
            assert_ne!(entry_hash(&v), h, "{v:?}");
        }
    }
}
