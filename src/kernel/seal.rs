//! Sealing of bid contents: XChaCha20-Poly1305 (an AEAD cipher) with a key kept outside the
//! database, and a salted SHA-256 commitment the bidder keeps as its receipt.
//!
//! The key comes from `CIVICBRIDGE_SEAL_KEY` (64 hex characters) or the file `seal.key` in
//! the data directory, created with a random key on first use. Whoever holds only the
//! database cannot read a bid; the commitment is salted so a price cannot be guessed from it.

use std::path::Path;

use base64::Engine;
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use sha2::{Digest, Sha256};

/// The sealing key.
#[derive(Clone)]
pub struct SealKey([u8; 32]);

impl std::fmt::Debug for SealKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SealKey(…)")
    }
}

/// Why sealing or opening failed.
#[derive(Debug, thiserror::Error)]
pub enum SealError {
    /// The key could not be read or made.
    #[error("seal key: {0}")]
    Key(String),
    /// The ciphertext is damaged or belongs to another record or key.
    #[error("sealed content cannot be opened")]
    Open,
}

impl SealKey {
    /// A fresh random key.
    pub fn random() -> SealKey {
        SealKey(rand::random())
    }

    /// From the environment variable's value, or else the data directory's key file
    /// (created on first use, readable by the owner only).
    pub fn load(env_value: Option<&str>, data_dir: &Path) -> Result<SealKey, SealError> {
        if let Some(v) = env_value.map(str::trim).filter(|v| !v.is_empty()) {
            return parse_hex(v);
        }
        let path = data_dir.join("seal.key");
        match std::fs::read_to_string(&path) {
            Ok(s) => parse_hex(s.trim()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                std::fs::create_dir_all(data_dir).map_err(|e| SealError::Key(e.to_string()))?;
                let k = SealKey::random();
                // Created 0600 from the start, so the key is never readable by others.
                crate::kernel::db::private_file(&path)
                    .and_then(|()| std::fs::write(&path, hex::encode(k.0)))
                    .map_err(|e| SealError::Key(e.to_string()))?;
                Ok(k)
            }
            Err(e) => Err(SealError::Key(e.to_string())),
        }
    }

    /// Encrypts `plain`, bound to `context` (e.g. `bid:12:34`): a ciphertext moved to another
    /// record does not open. Output: base64 of nonce ‖ ciphertext.
    pub fn seal(&self, context: &str, plain: &[u8]) -> String {
        let cipher = XChaCha20Poly1305::new((&self.0).into());
        let nonce_bytes: [u8; 24] = rand::random();
        let nonce = XNonce::from_slice(&nonce_bytes);
        // Encryption with a valid key and nonce cannot fail for in-memory buffers.
        let ct = cipher
            .encrypt(
                nonce,
                Payload {
                    msg: plain,
                    aad: context.as_bytes(),
                },
            )
            .unwrap_or_default();
        let mut out = nonce_bytes.to_vec();
        out.extend_from_slice(&ct);
        base64::engine::general_purpose::STANDARD.encode(out)
    }

    /// Decrypts what [`seal`](Self::seal) produced for the same context.
    pub fn open(&self, context: &str, sealed: &str) -> Result<Vec<u8>, SealError> {
        let raw = base64::engine::general_purpose::STANDARD
            .decode(sealed)
            .map_err(|_| SealError::Open)?;
        if raw.len() < 24 + 16 {
            return Err(SealError::Open);
        }
        let (nonce, ct) = raw.split_at(24);
        let cipher = XChaCha20Poly1305::new((&self.0).into());
        cipher
            .decrypt(
                XNonce::from_slice(nonce),
                Payload {
                    msg: ct,
                    aad: context.as_bytes(),
                },
            )
            .map_err(|_| SealError::Open)
    }
}

fn parse_hex(s: &str) -> Result<SealKey, SealError> {
    let b = hex::decode(s).map_err(|_| SealError::Key("expected 64 hex characters".into()))?;
    let arr: [u8; 32] = b
        .try_into()
        .map_err(|_| SealError::Key("expected 32 bytes (64 hex characters)".into()))?;
    Ok(SealKey(arr))
}

/// The receipt commitment: hex SHA-256 of the salt followed by the canonical content.
pub fn commitment(salt_hex: &str, canonical: &[u8]) -> String {
    let mut h = Sha256::new();
    h.update(salt_hex.as_bytes());
    h.update(b"\n");
    h.update(canonical);
    hex::encode(h.finalize())
}

/// A fresh random salt, hex.
pub fn new_salt() -> String {
    hex::encode(rand::random::<[u8; 16]>())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_binding() {
        let k = SealKey::random();
        let s = k.seal("bid:1:2", "报价 ¥99,000".as_bytes());
        assert!(!s.contains("99,000"));
        assert_eq!(k.open("bid:1:2", &s).unwrap(), "报价 ¥99,000".as_bytes());
        assert!(k.open("bid:1:3", &s).is_err(), "bound to its record");
        assert!(
            SealKey::random().open("bid:1:2", &s).is_err(),
            "needs the key"
        );
        assert!(k.open("bid:1:2", "garbage").is_err());
        assert_ne!(
            k.seal("c", b"x"),
            k.seal("c", b"x"),
            "fresh nonce each time"
        );
    }

    #[test]
    fn key_file_is_created_once() {
        let dir = tempfile_dir();
        let a = SealKey::load(None, &dir).unwrap();
        let b = SealKey::load(None, &dir).unwrap();
        assert_eq!(a.0, b.0);
        let env = hex::encode([7u8; 32]);
        assert_eq!(SealKey::load(Some(&env), &dir).unwrap().0, [7u8; 32]);
        assert!(SealKey::load(Some("abc"), &dir).is_err());
        let _ = std::fs::remove_dir_all(dir);
    }

    fn tempfile_dir() -> std::path::PathBuf {
        let d = std::env::temp_dir().join(format!("cb-seal-{}", rand::random::<u64>()));
        std::fs::create_dir_all(&d).unwrap();
        d
    }

    #[test]
    fn commitment_depends_on_salt_and_content() {
        let c = commitment("aa", b"{\"price\":1}");
        assert_eq!(c.len(), 64);
        assert_ne!(c, commitment("ab", b"{\"price\":1}"));
        assert_ne!(c, commitment("aa", b"{\"price\":2}"));
    }
}
