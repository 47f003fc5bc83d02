//! What makes the audit log trustworthy, as pure functions: each entry's MAC (keyed, over
//! its fields and id, computed when it is written), the keyed chain link over (position,
//! previous hash, entry MAC), the signed checkpoint message, and the verifier that reads
//! the stored log and names every inserted, altered, removed or truncated entry.
//!
//! Without the key nobody can make an entry or a link that verifies, so an insider with the
//! database alone can neither insert nor edit an entry (and recompute the chain) unseen; a
//! removed middle entry leaves a gap in the positions; a removed tail with a rewound head
//! shows against a signed checkpoint kept elsewhere.
//!
//! Entries recorded before entries were keyed (no MAC) are checked with the old unkeyed
//! hash, and only as a prefix of the chain no longer than the earliest signed checkpoint,
//! which the first start after the upgrade signs at once.

use std::collections::{BTreeMap, HashSet};

use ed25519_dalek::VerifyingKey;
use sha2::{Digest, Sha256};

use crate::kernel::audit_keys::{MacKey, signature_valid};

/// The `prev_hash` of the first entry.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

const ENTRY: &str = "civicbridge/audit/entry/v1";
const LINK: &str = "civicbridge/audit/link/v1";

/// A fresh, authentic entry may be committed a little after a later one was linked (two
/// writers commit out of order); older unlinked entries are not pending but suspicious.
pub const LATE_COMMIT_SECS: i64 = 300;

/// The fields an entry's MAC covers (with its id).
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
}

impl Fields<'_> {
    fn parts(&self) -> [Vec<u8>; 7] {
        [
            self.at.to_be_bytes().to_vec(),
            self.actor_id
                .map(|a| a.to_string())
                .unwrap_or_default()
                .into_bytes(),
            self.entity.as_bytes().to_vec(),
            self.entity_id.to_be_bytes().to_vec(),
            self.action.as_bytes().to_vec(),
            self.detail.as_bytes().to_vec(),
            vec![u8::from(self.public)],
        ]
    }
}

/// The unkeyed SHA-256 of entries recorded before entries were keyed: each field
/// length-prefixed, then the previous hash, as lowercase hex.
pub fn legacy_hash(f: &Fields, prev_hash: &str) -> String {
    let mut h = Sha256::new();
    for b in f
        .parts()
        .iter()
        .map(Vec::as_slice)
        .chain([prev_hash.as_bytes()])
    {
        h.update((b.len() as u64).to_be_bytes());
        h.update(b);
    }
    hex::encode(h.finalize())
}

fn entry_parts(id: i64, f: &Fields) -> Vec<Vec<u8>> {
    let mut v = vec![id.to_be_bytes().to_vec()];
    v.extend(f.parts());
    v
}

/// The entry's MAC: HMAC over its id and fields. The id makes a copied row a forgery.
pub fn entry_mac(key: &MacKey, id: i64, f: &Fields) -> String {
    let parts = entry_parts(id, f);
    key.tag(ENTRY, &parts.iter().map(Vec::as_slice).collect::<Vec<_>>())
}

/// Whether `stored` is the entry's MAC.
pub fn entry_mac_ok(key: &MacKey, id: i64, f: &Fields, stored: &str) -> bool {
    let parts = entry_parts(id, f);
    key.check(
        ENTRY,
        &parts.iter().map(Vec::as_slice).collect::<Vec<_>>(),
        stored,
    )
}

/// The chain hash of the entry at `seq`: HMAC over the position, the previous hash and the
/// entry's MAC.
pub fn link_hash(key: &MacKey, seq: i64, prev_hash: &str, mac: &str) -> String {
    key.tag(
        LINK,
        &[&seq.to_be_bytes(), prev_hash.as_bytes(), mac.as_bytes()],
    )
}

/// Whether `stored` is the chain hash of the entry at `seq`.
pub fn link_ok(key: &MacKey, seq: i64, prev_hash: &str, mac: &str, stored: &str) -> bool {
    key.check(
        LINK,
        &[&seq.to_be_bytes(), prev_hash.as_bytes(), mac.as_bytes()],
        stored,
    )
}

/// The exact text a checkpoint's Ed25519 signature covers (published, so anyone can check
/// a checkpoint with a standard tool).
pub fn checkpoint_message(seq: i64, head_hash: &str, at: i64, count: i64) -> String {
    format!("civicbridge-audit-checkpoint/v1\n{seq}\n{head_hash}\n{at}\n{count}\n")
}

/// Where a checkpoint the verifier compares with comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(tag = "kind", content = "id", rename_all = "snake_case")]
pub enum Source {
    /// The stored head row (`audit_head`).
    Head,
    /// A checkpoint stored in the database, by id.
    Stored(i64),
    /// The n-th checkpoint (from 1) of a file kept elsewhere.
    External(usize),
}

impl std::fmt::Display for Source {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Source::Head => f.write_str("the stored head"),
            Source::Stored(id) => write!(f, "stored checkpoint {id}"),
            Source::External(n) => write!(f, "checkpoint {n} of the given file"),
        }
    }
}

/// A checkpoint as the verifier takes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checkpoint {
    /// Where it comes from.
    pub source: Source,
    /// Chain position of the head.
    pub seq: i64,
    /// The head's hash.
    pub head_hash: String,
    /// Unix seconds.
    pub at: i64,
    /// Entries in the chain up to `seq`.
    pub count: i64,
    /// Ed25519 signature, hex.
    pub signature: String,
}

impl Checkpoint {
    /// Whether the signature is `public`'s over this checkpoint's message.
    pub fn signed_by(&self, public: &VerifyingKey) -> bool {
        let msg = checkpoint_message(self.seq, &self.head_hash, self.at, self.count);
        signature_valid(public, msg.as_bytes(), &self.signature)
    }
}

/// What the verifier found wrong, each naming entries by id.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Finding {
    /// An entry the application did not write: its MAC does not verify and no genuine entry
    /// stood in its place (unlinked, or linked past every checkpoint by someone without
    /// the key).
    Inserted {
        /// Entry id.
        id: i64,
    },
    /// An existing entry changed after it was written or linked: its MAC or its link fails.
    Altered {
        /// Entry id.
        id: i64,
    },
    /// Chain positions are missing between two entries.
    Removed {
        /// First missing position.
        from_seq: i64,
        /// Last missing position.
        to_seq: i64,
        /// The entry before the gap, if any.
        after_id: Option<i64>,
        /// The entry after the gap.
        before_id: Option<i64>,
    },
    /// The chain ends before a position the head or a signed checkpoint records.
    Truncated {
        /// The position recorded.
        expected_seq: i64,
        /// The chain's last position.
        last_seq: i64,
        /// The chain's last entry, if any.
        last_id: Option<i64>,
        /// Who records `expected_seq`.
        by: Source,
    },
    /// A checkpoint whose signature is not the checkpoint key's.
    ForgedCheckpoint {
        /// Which.
        by: Source,
    },
    /// The stored head is neither the chain's last entry nor ahead of it.
    Head {
        /// The head's position.
        seq: i64,
    },
}

impl Finding {
    /// `inserted`, `altered`, `removed`, `truncated`, `forged_checkpoint` or `head`.
    pub fn kind(&self) -> &'static str {
        match self {
            Finding::Inserted { .. } => "inserted",
            Finding::Altered { .. } => "altered",
            Finding::Removed { .. } => "removed",
            Finding::Truncated { .. } => "truncated",
            Finding::ForgedCheckpoint { .. } => "forged_checkpoint",
            Finding::Head { .. } => "head",
        }
    }
}

fn id_or(id: Option<i64>, none: &str) -> String {
    id.map(|i| format!("entry {i}"))
        .unwrap_or_else(|| none.into())
}

impl std::fmt::Display for Finding {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Finding::Inserted { id } => write!(
                f,
                "inserted: entry {id} was not written by the application (its MAC does not verify)"
            ),
            Finding::Altered { id } => write!(
                f,
                "altered: entry {id} no longer matches what was recorded or linked"
            ),
            Finding::Removed {
                from_seq,
                to_seq,
                after_id,
                before_id,
            } => write!(
                f,
                "removed: chain positions {from_seq}..={to_seq} are missing, between {} and {}",
                id_or(*after_id, "the start"),
                id_or(*before_id, "the end")
            ),
            Finding::Truncated {
                expected_seq,
                last_seq,
                last_id,
                by,
            } => write!(
                f,
                "truncated: entries after {} (position {last_seq}) were removed: {by} \
                 records position {expected_seq}",
                id_or(*last_id, "the start")
            ),
            Finding::ForgedCheckpoint { by } => {
                write!(
                    f,
                    "forged checkpoint: {by} is not signed by the checkpoint key"
                )
            }
            Finding::Head { seq } => write!(
                f,
                "head: the stored head (position {seq}) is not the chain's last entry"
            ),
        }
    }
}

/// The verifier's result.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct Report {
    /// Entries found authentic (linked, legacy and pending).
    pub checked: i64,
    /// Of those, entries from before entries were keyed.
    pub legacy: i64,
    /// Authentic entries not linked yet (the chainer links them within a second).
    pub pending: Vec<i64>,
    /// Checkpoints with a valid signature compared with the chain.
    pub checkpoints: usize,
    /// Everything wrong, in the order found.
    pub findings: Vec<Finding>,
}

impl Report {
    /// No findings.
    pub fn is_intact(&self) -> bool {
        self.findings.is_empty()
    }

    /// The number of authentic entries, or the findings.
    pub fn result(&self) -> Result<i64, Vec<Finding>> {
        if self.is_intact() {
            Ok(self.checked)
        } else {
            Err(self.findings.clone())
        }
    }

    /// Ids named by findings of one kind (`inserted`, `altered`).
    pub fn ids(&self, kind: &str) -> Vec<i64> {
        self.findings
            .iter()
            .filter(|f| f.kind() == kind)
            .filter_map(|f| match f {
                Finding::Inserted { id } | Finding::Altered { id } => Some(*id),
                _ => None,
            })
            .collect()
    }
}

/// A linked entry as stored.
#[derive(Debug, Clone)]
pub struct Linked<'a> {
    /// Entry id.
    pub id: i64,
    /// Chain position.
    pub seq: i64,
    /// Its fields.
    pub fields: Fields<'a>,
    /// Stored previous hash.
    pub prev_hash: &'a str,
    /// Stored chain hash.
    pub hash: &'a str,
    /// Stored MAC.
    pub mac: Option<&'a str>,
}

/// Reads the stored log once, in chain order, and reports what is wrong. Read-only by
/// construction: it only sees values.
pub struct Verifier<'k> {
    key: &'k MacKey,
    /// Position → hashes signed checkpoints record there.
    pins: BTreeMap<i64, Vec<(Source, String)>>,
    /// Highest position a signed checkpoint vouches a genuine entry stood at.
    covered: i64,
    /// Entries without MAC are accepted up to here (the earliest signed checkpoint).
    legacy_limit: i64,
    prev: String,
    last_seq: i64,
    last_id: Option<i64>,
    max_linked_id: i64,
    last_at: i64,
    /// Linked entries whose MAC and link both fail: inserted or altered, decided at the end.
    suspects: Vec<(i64, i64)>,
    /// Positions whose entry is authentic but whose link was rewritten.
    rehashed: HashSet<i64>,
    named: HashSet<i64>,
    report: Report,
}

impl<'k> Verifier<'k> {
    /// A verifier with the MAC key, the checkpoint public key and the checkpoints to compare
    /// with (stored and kept elsewhere); checkpoints with a bad signature are reported and
    /// ignored.
    pub fn new(key: &'k MacKey, public: &VerifyingKey, checkpoints: &[Checkpoint]) -> Self {
        let mut v = Verifier {
            key,
            pins: BTreeMap::new(),
            covered: 0,
            legacy_limit: i64::MAX,
            prev: GENESIS.to_string(),
            last_seq: 0,
            last_id: None,
            max_linked_id: 0,
            last_at: i64::MIN,
            suspects: Vec::new(),
            rehashed: HashSet::new(),
            named: HashSet::new(),
            report: Report::default(),
        };
        for c in checkpoints {
            if !c.signed_by(public) {
                v.report
                    .findings
                    .push(Finding::ForgedCheckpoint { by: c.source });
                continue;
            }
            v.report.checkpoints += 1;
            v.covered = v.covered.max(c.seq);
            v.legacy_limit = v.legacy_limit.min(c.seq);
            v.pins
                .entry(c.seq)
                .or_default()
                .push((c.source, c.head_hash.clone()));
        }
        if v.report.checkpoints == 0 {
            // Without a signed checkpoint nothing vouches for unkeyed entries.
            v.legacy_limit = 0;
        }
        v
    }

    fn name(&mut self, f: Finding) {
        if let Finding::Inserted { id } | Finding::Altered { id } = f
            && !self.named.insert(id)
        {
            return;
        }
        self.report.findings.push(f);
    }

    /// The next linked entry, in increasing position.
    pub fn linked(&mut self, e: &Linked) {
        let gap = e.seq > self.last_seq + 1;
        if gap {
            self.name(Finding::Removed {
                from_seq: self.last_seq + 1,
                to_seq: e.seq - 1,
                after_id: self.last_id,
                before_id: Some(e.id),
            });
        }
        let prev_ok = gap || e.prev_hash == self.prev;
        match e.mac {
            None if e.seq <= self.legacy_limit => {
                if legacy_hash(&e.fields, e.prev_hash) == e.hash && prev_ok {
                    self.report.checked += 1;
                    self.report.legacy += 1;
                } else {
                    self.name(Finding::Altered { id: e.id });
                }
            }
            mac => {
                let mac_ok = mac.is_some_and(|m| entry_mac_ok(self.key, e.id, &e.fields, m));
                let link = link_ok(
                    self.key,
                    e.seq,
                    e.prev_hash,
                    mac.unwrap_or_default(),
                    e.hash,
                );
                match (mac_ok, link) {
                    (true, true) if prev_ok => self.report.checked += 1,
                    (true, false) => {
                        self.rehashed.insert(e.seq);
                        self.name(Finding::Altered { id: e.id });
                    }
                    (false, false) => self.suspects.push((e.seq, e.id)),
                    // Content changed after linking, or linked after an entry no longer
                    // before it.
                    _ => self.name(Finding::Altered { id: e.id }),
                }
            }
        }
        if let Some(pins) = self.pins.remove(&e.seq)
            && pins.iter().any(|(_, h)| h != e.hash)
        {
            self.name(Finding::Altered { id: e.id });
        }
        self.prev = e.hash.to_string();
        self.last_seq = e.seq;
        self.last_id = Some(e.id);
        self.max_linked_id = self.max_linked_id.max(e.id);
        self.last_at = e.fields.at;
    }

    /// An entry not linked yet (after every linked one).
    pub fn unlinked(&mut self, id: i64, fields: &Fields, mac: Option<&str>) {
        let authentic = mac.is_some_and(|m| entry_mac_ok(self.key, id, fields, m));
        let fresh = id > self.max_linked_id || fields.at >= self.last_at - LATE_COMMIT_SECS;
        if authentic && fresh {
            self.report.checked += 1;
            self.report.pending.push(id);
        } else {
            self.name(Finding::Inserted { id });
        }
    }

    /// The report, given the stored head (position, hash), if there is one.
    pub fn finish(mut self, head: Option<(i64, &str)>) -> Report {
        for (seq, id) in std::mem::take(&mut self.suspects) {
            // A genuine entry stood here if a checkpoint vouches for this position or the
            // next entry, authentic itself, had its link rewritten to follow this one.
            let f = if seq <= self.covered || self.rehashed.contains(&(seq + 1)) {
                Finding::Altered { id }
            } else {
                Finding::Inserted { id }
            };
            self.name(f);
        }
        let beyond = self
            .pins
            .range(self.last_seq + 1..)
            .next_back()
            .and_then(|(seq, pins)| pins.first().map(|(src, _)| (*seq, *src)));
        if let Some((expected_seq, by)) = beyond {
            self.name(Finding::Truncated {
                expected_seq,
                last_seq: self.last_seq,
                last_id: self.last_id,
                by,
            });
        }
        match head {
            Some((seq, _)) if seq > self.last_seq => self.name(Finding::Truncated {
                expected_seq: seq,
                last_seq: self.last_seq,
                last_id: self.last_id,
                by: Source::Head,
            }),
            Some((seq, hash)) if seq == self.last_seq && hash == self.prev => {}
            Some((seq, _)) => self.name(Finding::Head { seq }),
            None => self.name(Finding::Head { seq: 0 }),
        }
        self.report
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kernel::audit_keys::AuditKeys;

    /// A stored row: (id, seq, detail, prev, hash, mac).
    #[derive(Clone, Debug)]
    struct Row {
        id: i64,
        seq: Option<i64>,
        detail: String,
        prev: String,
        hash: String,
        mac: Option<String>,
    }

    fn keys() -> AuditKeys {
        AuditKeys::from_bytes([1; 32], [2; 32])
    }

    fn fields(id: i64, detail: &str) -> Fields<'_> {
        Fields {
            at: 1000 + id,
            actor_id: Some(7),
            entity: "tender",
            entity_id: 3,
            action: "published",
            detail,
            public: true,
        }
    }

    /// `n` entries written and linked by the application.
    fn chain(k: &AuditKeys, n: i64) -> Vec<Row> {
        let mut prev = GENESIS.to_string();
        (1..=n)
            .map(|i| {
                let detail = format!("{{\"n\":{i}}}");
                let mac = entry_mac(k.mac(), i, &fields(i, &detail));
                let hash = link_hash(k.mac(), i, &prev, &mac);
                let r = Row {
                    id: i,
                    seq: Some(i),
                    detail,
                    prev: prev.clone(),
                    hash: hash.clone(),
                    mac: Some(mac),
                };
                prev = hash;
                r
            })
            .collect()
    }

    fn checkpoint(k: &AuditKeys, id: i64, seq: i64, hash: &str) -> Checkpoint {
        let msg = checkpoint_message(seq, hash, 5000, seq);
        Checkpoint {
            source: Source::Stored(id),
            seq,
            head_hash: hash.into(),
            at: 5000,
            count: seq,
            signature: k.sign(msg.as_bytes()),
        }
    }

    fn head_of(rows: &[Row]) -> (i64, String) {
        rows.iter()
            .filter(|r| r.seq.is_some())
            .max_by_key(|r| r.seq)
            .map(|r| (r.seq.unwrap(), r.hash.clone()))
            .unwrap_or((0, GENESIS.into()))
    }

    fn verify(
        k: &AuditKeys,
        rows: &[Row],
        cps: &[Checkpoint],
        head: Option<(i64, String)>,
    ) -> Report {
        let mut v = Verifier::new(k.mac(), &k.verifying(), cps);
        let mut linked: Vec<&Row> = rows.iter().filter(|r| r.seq.is_some()).collect();
        linked.sort_by_key(|r| r.seq);
        for r in linked {
            v.linked(&Linked {
                id: r.id,
                seq: r.seq.unwrap(),
                fields: fields(r.id, &r.detail),
                prev_hash: &r.prev,
                hash: &r.hash,
                mac: r.mac.as_deref(),
            });
        }
        for r in rows.iter().filter(|r| r.seq.is_none()) {
            v.unlinked(r.id, &fields(r.id, &r.detail), r.mac.as_deref());
        }
        v.finish(head.as_ref().map(|(s, h)| (*s, h.as_str())))
    }

    fn verify_at_head(k: &AuditKeys, rows: &[Row], cps: &[Checkpoint]) -> Report {
        verify(k, rows, cps, Some(head_of(rows)))
    }

    #[test]
    fn an_intact_chain_with_pending_entries_verifies() {
        let k = keys();
        let mut rows = chain(&k, 5);
        let cp = checkpoint(&k, 1, 5, &rows[4].hash);
        let mac = entry_mac(k.mac(), 6, &fields(6, "{}"));
        rows.push(Row {
            id: 6,
            seq: None,
            detail: "{}".into(),
            prev: String::new(),
            hash: String::new(),
            mac: Some(mac),
        });
        let r = verify(&k, &rows, &[cp], Some((5, rows[4].hash.clone())));
        assert_eq!(r.result(), Ok(6));
        assert_eq!(r.pending, vec![6]);
        assert_eq!(r.checkpoints, 1);
    }

    #[test]
    fn an_unlinked_entry_without_a_valid_mac_is_inserted() {
        let k = keys();
        let mut rows = chain(&k, 3);
        for (id, mac) in [(4, None), (5, Some("ab".repeat(32)))] {
            rows.push(Row {
                id,
                seq: None,
                detail: "{\"forged\":true}".into(),
                prev: String::new(),
                hash: String::new(),
                mac,
            });
        }
        let r = verify_at_head(&k, &rows, &[]);
        assert_eq!(r.ids("inserted"), vec![4, 5]);
        assert_eq!(r.findings.len(), 2);
    }

    #[test]
    fn an_old_authentic_unlinked_entry_is_not_pending() {
        let k = keys();
        let rows = chain(&k, 3);
        // Recorded long before the last linked entry and never linked: not a late commit.
        let mut f = fields(0, "{}");
        f.at = 0;
        let mac = entry_mac(k.mac(), 0, &f);
        let mut v = Verifier::new(k.mac(), &k.verifying(), &[]);
        for r in &rows {
            v.linked(&Linked {
                id: r.id,
                seq: r.seq.unwrap(),
                fields: fields(r.id, &r.detail),
                prev_hash: &r.prev,
                hash: &r.hash,
                mac: r.mac.as_deref(),
            });
        }
        v.unlinked(0, &f, Some(&mac));
        let r = v.finish(Some((3, &rows[2].hash)));
        assert_eq!(r.ids("inserted"), vec![0]);
    }

    #[test]
    fn a_linked_forgery_with_a_plain_hash_is_inserted() {
        let k = keys();
        let mut rows = chain(&k, 4);
        let cp = checkpoint(&k, 1, 4, &rows[3].hash);
        let prev = rows[3].hash.clone();
        let f = fields(5, "{\"award\":1}");
        rows.push(Row {
            id: 5,
            seq: Some(5),
            detail: "{\"award\":1}".into(),
            hash: legacy_hash(&f, &prev),
            prev,
            mac: None,
        });
        let r = verify_at_head(&k, &rows, std::slice::from_ref(&cp));
        assert_eq!(r.findings, vec![Finding::Inserted { id: 5 }]);
        // Even with a copied MAC of another entry.
        rows[4].mac = rows[0].mac.clone();
        let r = verify_at_head(&k, &rows, &[cp]);
        assert_eq!(r.findings, vec![Finding::Inserted { id: 5 }]);
    }

    #[test]
    fn an_authentic_entry_linked_after_a_forgery_does_not_hide_it() {
        let k = keys();
        let mut rows = chain(&k, 2);
        let prev = rows[1].hash.clone();
        let f = fields(3, "{}");
        let forged_hash = legacy_hash(&f, &prev);
        rows.push(Row {
            id: 3,
            seq: Some(3),
            detail: "{}".into(),
            prev,
            hash: forged_hash.clone(),
            mac: None,
        });
        // The chainer then links a genuine entry after the forged head.
        let mac = entry_mac(k.mac(), 4, &fields(4, "{}"));
        rows.push(Row {
            id: 4,
            seq: Some(4),
            detail: "{}".into(),
            hash: link_hash(k.mac(), 4, &forged_hash, &mac),
            prev: forged_hash,
            mac: Some(mac),
        });
        let r = verify_at_head(&k, &rows, &[]);
        assert_eq!(r.findings, vec![Finding::Inserted { id: 3 }]);
    }

    #[test]
    fn an_edit_is_altered_with_or_without_recomputing_the_chain() {
        let k = keys();
        for victim in 1..=5usize {
            // Edited in place.
            let mut rows = chain(&k, 5);
            rows[victim - 1].detail = "{\"n\":99}".into();
            let r = verify_at_head(&k, &rows, &[]);
            assert_eq!(r.findings, vec![Finding::Altered { id: victim as i64 }]);

            // Edited, then every hash from there recomputed without the key (plain SHA-256,
            // or even a guess at the keyed scheme under another key), the head rewound.
            for other in [None, Some(AuditKeys::from_bytes([9; 32], [2; 32]))] {
                let mut rows = chain(&k, 5);
                rows[victim - 1].detail = "{\"n\":99}".into();
                let mut prev = if victim == 1 {
                    GENESIS.to_string()
                } else {
                    rows[victim - 2].hash.clone()
                };
                for r in rows.iter_mut().skip(victim - 1) {
                    r.prev = prev.clone();
                    r.hash = match &other {
                        None => legacy_hash(&fields(r.id, &r.detail), &prev),
                        Some(o) => {
                            let m = entry_mac(o.mac(), r.id, &fields(r.id, &r.detail));
                            link_hash(o.mac(), r.seq.unwrap(), &prev, &m)
                        }
                    };
                    prev = r.hash.clone();
                }
                let cp = checkpoint(&k, 1, 5, &chain(&k, 5)[4].hash);
                // Without a checkpoint: named by the rewritten entries after it; the last
                // entry alone has none after it, a checkpoint vouches for its position.
                let cps = if victim == 5 { vec![cp] } else { vec![] };
                let r = verify_at_head(&k, &rows, &cps);
                let want: Vec<i64> = (victim as i64..=5).collect();
                let mut got = r.ids("altered");
                got.sort();
                assert_eq!(got, want, "victim {victim}: {:?}", r.findings);
                assert!(r.ids("inserted").is_empty(), "{:?}", r.findings);
            }
        }
    }

    #[test]
    fn a_removed_middle_entry_names_the_gap_and_its_neighbours() {
        let k = keys();
        let rows: Vec<Row> = chain(&k, 5).into_iter().filter(|r| r.id != 3).collect();
        let r = verify_at_head(&k, &rows, &[]);
        assert_eq!(
            r.findings,
            vec![Finding::Removed {
                from_seq: 3,
                to_seq: 3,
                after_id: Some(2),
                before_id: Some(4),
            }]
        );
    }

    #[test]
    fn a_removed_tail_shows_against_the_head_or_a_checkpoint() {
        let k = keys();
        let full = chain(&k, 5);
        let cp = checkpoint(&k, 7, 5, &full[4].hash);
        let rows: Vec<Row> = full.iter().take(3).cloned().collect();
        // Head left as it was.
        let r = verify(&k, &rows, &[], Some((5, full[4].hash.clone())));
        assert_eq!(
            r.findings,
            vec![Finding::Truncated {
                expected_seq: 5,
                last_seq: 3,
                last_id: Some(3),
                by: Source::Head
            }]
        );
        // Head rewound: only a checkpoint tells.
        assert!(verify_at_head(&k, &rows, &[]).is_intact());
        let r = verify_at_head(&k, &rows, &[cp]);
        assert_eq!(
            r.findings,
            vec![Finding::Truncated {
                expected_seq: 5,
                last_seq: 3,
                last_id: Some(3),
                by: Source::Stored(7)
            }]
        );
    }

    #[test]
    fn checkpoints_must_be_signed_and_match_the_chain() {
        let k = keys();
        let rows = chain(&k, 4);
        let good = checkpoint(&k, 1, 2, &rows[1].hash);
        let mut forged = checkpoint(&k, 2, 4, &rows[3].hash);
        forged.count = 3;
        let r = verify_at_head(&k, &rows, &[good.clone(), forged]);
        assert_eq!(
            r.findings,
            vec![Finding::ForgedCheckpoint {
                by: Source::Stored(2)
            }]
        );
        let wrong_key = AuditKeys::from_bytes([1; 32], [3; 32]);
        let r = verify_at_head(&wrong_key, &rows, std::slice::from_ref(&good));
        assert_eq!(r.findings.len(), 1);
        // A signed checkpoint whose hash is not the chain's at its position.
        let mismatch = checkpoint(&k, 3, 3, &rows[1].hash);
        let r = verify_at_head(&k, &rows, &[mismatch]);
        assert_eq!(r.findings, vec![Finding::Altered { id: 3 }]);
    }

    #[test]
    fn a_head_behind_the_chain_is_reported() {
        let k = keys();
        let rows = chain(&k, 3);
        let r = verify(&k, &rows, &[], Some((2, rows[1].hash.clone())));
        assert_eq!(r.findings, vec![Finding::Head { seq: 2 }]);
        let r = verify(&k, &rows, &[], None);
        assert_eq!(r.findings, vec![Finding::Head { seq: 0 }]);
    }

    #[test]
    fn unkeyed_entries_pass_only_as_a_prefix_vouched_for_by_a_checkpoint() {
        let k = keys();
        // Two entries from before the upgrade, then a keyed one linked after them.
        let mut rows = Vec::new();
        let mut prev = GENESIS.to_string();
        for id in 1..=2 {
            let d = format!("{{\"n\":{id}}}");
            let h = legacy_hash(&fields(id, &d), &prev);
            rows.push(Row {
                id,
                seq: Some(id),
                detail: d,
                prev: prev.clone(),
                hash: h.clone(),
                mac: None,
            });
            prev = h;
        }
        let mac = entry_mac(k.mac(), 3, &fields(3, "{}"));
        rows.push(Row {
            id: 3,
            seq: Some(3),
            detail: "{}".into(),
            hash: link_hash(k.mac(), 3, &prev, &mac),
            prev,
            mac: Some(mac),
        });
        let upgrade = checkpoint(&k, 1, 2, &rows[1].hash);
        let r = verify_at_head(&k, &rows, std::slice::from_ref(&upgrade));
        assert_eq!(r.result(), Ok(3));
        assert_eq!(r.legacy, 2);
        // Without the checkpoint nothing vouches for them.
        let r = verify_at_head(&k, &rows, &[]);
        assert_eq!(r.ids("inserted"), vec![1, 2]);
        // A legacy entry edited and re-hashed breaks the keyed link after it.
        rows[1].detail = "{\"n\":9}".into();
        rows[1].hash = legacy_hash(&fields(2, &rows[1].detail), &rows[1].prev);
        rows[2].prev = rows[1].hash.clone();
        let r = verify_at_head(&k, &rows, &[upgrade]);
        assert_eq!(r.ids("altered"), vec![2, 3]);
    }

    #[test]
    fn macs_differ_by_every_field_and_the_id() {
        let k = keys();
        let base = fields(1, "{}");
        let m = entry_mac(k.mac(), 1, &base);
        assert!(entry_mac_ok(k.mac(), 1, &base, &m));
        assert!(!entry_mac_ok(k.mac(), 2, &base, &m), "bound to the id");
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
                action: "cancelled",
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
            assert!(!entry_mac_ok(k.mac(), 1, &v, &m), "{v:?}");
        }
        let l = link_hash(k.mac(), 1, GENESIS, &m);
        assert!(link_ok(k.mac(), 1, GENESIS, &m, &l));
        assert!(!link_ok(k.mac(), 2, GENESIS, &m, &l));
        assert!(!link_ok(k.mac(), 1, &"1".repeat(64), &m, &l));
        assert_ne!(l, legacy_hash(&base, GENESIS));
    }
}
