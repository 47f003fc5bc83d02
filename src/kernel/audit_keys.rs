//! The audit log's keys, kept outside the database like the sealing key: an HMAC-SHA256 key
//! that authenticates every entry when it is written and every link of the chain, and an
//! Ed25519 key that signs checkpoints of the chain head (its public half is published).
//!
//! Each comes from an environment variable (`CIVICBRIDGE_AUDIT_KEY`,
//! `CIVICBRIDGE_CHECKPOINT_KEY`: 64 hex characters) or else a file in the data directory
//! (`audit.key`, `checkpoint.key`), created 0600 with 32 random bytes on first start. Whoever
//! holds only the database can neither write an entry that verifies nor sign a checkpoint.
//!
//! The keys are also installed process-wide ([`install`]): entries are recorded by
//! `audit::append` deep inside every room's write operations, and public timelines are read
//! by several rooms' pages, all of which take a connection but no application state, so
//! threading the key through each of them would touch every operation's signature. One
//! process serves one deployment, so it has one set of keys; installing others is refused.

use std::path::Path;
use std::sync::RwLock;

use ed25519_dalek::{Signer, SigningKey, Verifier, VerifyingKey};
use hmac::{Hmac, Mac};
use sha2::Sha256;

/// Why a key could not be loaded or installed.
#[derive(Debug, thiserror::Error)]
#[error("audit key: {0}")]
pub struct KeyError(String);

/// The HMAC-SHA256 key authenticating audit entries and chain links.
#[derive(Clone, PartialEq, Eq)]
pub struct MacKey([u8; 32]);

impl std::fmt::Debug for MacKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("MacKey(…)")
    }
}

impl MacKey {
    /// A key from its 32 bytes.
    pub fn from_bytes(b: [u8; 32]) -> MacKey {
        MacKey(b)
    }

    fn hmac(&self, domain: &str, parts: &[&[u8]]) -> Hmac<Sha256> {
        // A key of any length is accepted by HMAC.
        let mut m = <Hmac<Sha256> as Mac>::new_from_slice(&self.0).expect("HMAC takes any key");
        // Each part length-prefixed, after a domain tag: an entry's MAC can never pass for a
        // link's, and no two different part lists give the same bytes.
        for b in std::iter::once(domain.as_bytes()).chain(parts.iter().copied()) {
            m.update(&(b.len() as u64).to_be_bytes());
            m.update(b);
        }
        m
    }

    /// The tag of `parts` under `domain`, as lowercase hex.
    pub fn tag(&self, domain: &str, parts: &[&[u8]]) -> String {
        hex::encode(self.hmac(domain, parts).finalize().into_bytes())
    }

    /// Whether `stored` (hex) is the tag of `parts` under `domain`, compared in constant time.
    pub fn check(&self, domain: &str, parts: &[&[u8]], stored: &str) -> bool {
        match hex::decode(stored) {
            Ok(b) => self.hmac(domain, parts).verify_slice(&b).is_ok(),
            Err(_) => false,
        }
    }
}

/// The audit log's two keys.
#[derive(Clone)]
pub struct AuditKeys {
    mac: MacKey,
    signing: SigningKey,
}

impl std::fmt::Debug for AuditKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "AuditKeys(public {})", self.public_hex())
    }
}

impl AuditKeys {
    /// From the two 32-byte secrets (the Ed25519 one is the signing key's seed).
    pub fn from_bytes(mac: [u8; 32], signing_seed: [u8; 32]) -> AuditKeys {
        AuditKeys {
            mac: MacKey(mac),
            signing: SigningKey::from_bytes(&signing_seed),
        }
    }

    /// From each environment variable's value, or else its file in the data directory
    /// (created on first start, readable by the owner only).
    pub fn load(
        mac_env: Option<&str>,
        signing_env: Option<&str>,
        data_dir: &Path,
    ) -> Result<AuditKeys, KeyError> {
        let mac = secret(mac_env, data_dir, "audit.key")?;
        let seed = secret(signing_env, data_dir, "checkpoint.key")?;
        Ok(AuditKeys::from_bytes(mac, seed))
    }

    /// The MAC key.
    pub fn mac(&self) -> &MacKey {
        &self.mac
    }

    /// The public key checkpoints are verified with.
    pub fn verifying(&self) -> VerifyingKey {
        self.signing.verifying_key()
    }

    /// The public key as 64 hex characters, as published.
    pub fn public_hex(&self) -> String {
        hex::encode(self.verifying().to_bytes())
    }

    /// Ed25519 signature of `message`, as 128 hex characters.
    pub fn sign(&self, message: &[u8]) -> String {
        hex::encode(self.signing.sign(message).to_bytes())
    }
}

/// Whether `signature_hex` is `public`'s Ed25519 signature of `message`.
pub fn signature_valid(public: &VerifyingKey, message: &[u8], signature_hex: &str) -> bool {
    let Ok(bytes) = hex::decode(signature_hex) else {
        return false;
    };
    let Ok(sig) = ed25519_dalek::Signature::from_slice(&bytes) else {
        return false;
    };
    public.verify(message, &sig).is_ok()
}

/// A public key from 64 hex characters.
pub fn public_from_hex(s: &str) -> Result<VerifyingKey, KeyError> {
    let arr: [u8; 32] = hex::decode(s.trim())
        .ok()
        .and_then(|b| b.try_into().ok())
        .ok_or_else(|| KeyError("expected a public key of 64 hex characters".into()))?;
    VerifyingKey::from_bytes(&arr).map_err(|e| KeyError(e.to_string()))
}

static INSTALLED: RwLock<Option<AuditKeys>> = RwLock::new(None);

/// Makes `keys` the process's audit keys (see the module doc); installing the same keys
/// again is fine, different ones are refused.
pub fn install(keys: &AuditKeys) -> Result<(), KeyError> {
    let mut slot = INSTALLED.write().unwrap_or_else(|p| p.into_inner());
    match &*slot {
        Some(k) if k.mac != keys.mac || k.verifying() != keys.verifying() => Err(KeyError(
            "this process already records audit entries under other keys".into(),
        )),
        _ => {
            *slot = Some(keys.clone());
            Ok(())
        }
    }
}

/// The process's audit keys, once installed at start-up.
pub fn installed() -> Option<AuditKeys> {
    INSTALLED.read().unwrap_or_else(|p| p.into_inner()).clone()
}

fn secret(env_value: Option<&str>, data_dir: &Path, file: &str) -> Result<[u8; 32], KeyError> {
    if let Some(v) = env_value.map(str::trim).filter(|v| !v.is_empty()) {
        return parse_hex(v);
    }
    let path = data_dir.join(file);
    match std::fs::read_to_string(&path) {
        Ok(s) => parse_hex(s.trim()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            std::fs::create_dir_all(data_dir).map_err(|e| KeyError(e.to_string()))?;
            let k: [u8; 32] = rand::random();
            // Created 0600 from the start, so the key is never readable by others.
            crate::kernel::db::private_file(&path)
                .and_then(|()| std::fs::write(&path, hex::encode(k)))
                .map_err(|e| KeyError(format!("{}: {e}", path.display())))?;
            Ok(k)
        }
        Err(e) => Err(KeyError(format!("{}: {e}", path.display()))),
    }
}

fn parse_hex(s: &str) -> Result<[u8; 32], KeyError> {
    hex::decode(s)
        .ok()
        .and_then(|b| b.try_into().ok())
        .ok_or_else(|| KeyError("expected 32 bytes as 64 hex characters".into()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_files_are_created_once_and_private() {
        let dir = std::env::temp_dir().join(format!("cb-audit-keys-{}", rand::random::<u64>()));
        let a = AuditKeys::load(None, None, &dir).unwrap();
        let b = AuditKeys::load(None, None, &dir).unwrap();
        assert_eq!(a.mac(), b.mac());
        assert_eq!(a.public_hex(), b.public_hex());
        #[cfg(unix)]
        for f in ["audit.key", "checkpoint.key"] {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(dir.join(f)).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600, "{f}");
        }
        let env = hex::encode([7u8; 32]);
        let c = AuditKeys::load(Some(&env), Some(&env), &dir).unwrap();
        assert_eq!(c.mac(), &MacKey([7; 32]));
        assert_ne!(c.public_hex(), a.public_hex());
        assert!(AuditKeys::load(Some("abc"), None, &dir).is_err());
        let _ = std::fs::remove_dir_all(dir);
    }

    #[test]
    fn tags_check_and_depend_on_key_domain_and_parts() {
        let k = MacKey([1; 32]);
        let t = k.tag("entry", &[b"a", b"bc"]);
        assert!(k.check("entry", &[b"a", b"bc"], &t));
        assert!(!k.check("entry", &[b"ab", b"c"], &t), "length-prefixed");
        assert!(!k.check("link", &[b"a", b"bc"], &t), "domain-separated");
        assert!(!MacKey([2; 32]).check("entry", &[b"a", b"bc"], &t), "keyed");
        assert!(!k.check("entry", &[b"a", b"bc"], "zz"));
    }

    #[test]
    fn signatures_verify_only_for_their_message_and_key() {
        let k = AuditKeys::from_bytes([1; 32], [2; 32]);
        let s = k.sign(b"checkpoint");
        let public = public_from_hex(&k.public_hex()).unwrap();
        assert!(signature_valid(&public, b"checkpoint", &s));
        assert!(!signature_valid(&public, b"checkpoinT", &s));
        let other = AuditKeys::from_bytes([1; 32], [3; 32]).verifying();
        assert!(!signature_valid(&other, b"checkpoint", &s));
        assert!(!signature_valid(&public, b"checkpoint", "00"));
    }
}
