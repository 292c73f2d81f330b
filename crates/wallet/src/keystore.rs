//! Keys in Ethereum keystore v3 files, the format geth, foundry and every wallet read.

use alloy_signer_local::PrivateKeySigner;
use plasma_primitives::PrivateKey;
use serde_json::{Value, json};
use std::path::{Path, PathBuf};

/// Why a keystore could not be read or written.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum KeystoreError {
    /// The password does not open the file.
    #[error("wrong password for {0}")]
    WrongPassword(PathBuf),
    /// A new key with an empty password (anyone who copies the file has the key); allowed
    /// only when asked for explicitly.
    #[error(
        "refusing an empty password for a new key: anyone who copies the file would hold the key (pass --empty-password to accept that)"
    )]
    EmptyPassword,
    /// A scrypt cost outside what this wallet writes.
    #[error(
        "scrypt cost 2^{0} is out of range: give a log2 N between 10 and 20 (18 is the standard)"
    )]
    BadCost(u8),
    /// No file at the path given.
    #[error("no keystore file at {0}")]
    NotFound(PathBuf),
    /// Anything else: missing file, not a keystore, unwritable directory.
    #[error("keystore {path}: {reason}")]
    Other {
        /// The file or directory.
        path: PathBuf,
        /// What went wrong.
        reason: String,
    },
}

/// Opens the keystore at `path` with `password`.
pub fn load(path: &Path, password: &str) -> Result<PrivateKey, KeystoreError> {
    require_file(path)?;
    let signer = PrivateKeySigner::decrypt_keystore(path, password).map_err(|e| {
        let reason = e.to_string();
        if reason.to_lowercase().contains("mac mismatch") {
            KeystoreError::WrongPassword(path.to_owned())
        } else {
            KeystoreError::Other { path: path.to_owned(), reason }
        }
    })?;
    let bytes: [u8; 32] = signer.to_bytes().0;
    PrivateKey::from_bytes(bytes)
        .map_err(|e| KeystoreError::Other { path: path.to_owned(), reason: e.to_string() })
}

/// [`KeystoreError::NotFound`] unless `path` is a file: checked before a password is asked for.
pub fn require_file(path: &Path) -> Result<(), KeystoreError> {
    if path.is_file() { Ok(()) } else { Err(KeystoreError::NotFound(path.to_owned())) }
}

/// Whether a new key may have an empty password.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EmptyPassword {
    /// Refused ([`KeystoreError::EmptyPassword`]).
    Refuse,
    /// Accepted (asked for explicitly).
    Allow,
}

/// How hard the password is to guess from a copied file: scrypt's N = 2^`log_n` (r = 8, p = 1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ScryptCost {
    log_n: u8,
}

impl ScryptCost {
    /// geth's standard, N = 262144 (about a second and 256 MiB per guess).
    pub const STANDARD: Self = Self { log_n: 18 };

    /// N = 2^`log_n`, between 10 and 20; below 18 only for tests and throwaway keys.
    pub fn new(log_n: u8) -> Result<Self, KeystoreError> {
        if !(10..=20).contains(&log_n) {
            return Err(KeystoreError::BadCost(log_n));
        }
        Ok(Self { log_n })
    }

    /// N itself.
    pub fn n(self) -> u32 {
        1 << self.log_n
    }
}

/// Creates a new random key in a keystore file in `dir`, readable by its owner only;
/// returns the key and the file.
pub fn create(
    dir: &Path,
    password: &str,
    empty: EmptyPassword,
    cost: ScryptCost,
) -> Result<(PrivateKey, PathBuf), KeystoreError> {
    if password.is_empty() && empty == EmptyPassword::Refuse {
        return Err(KeystoreError::EmptyPassword);
    }
    let other = |reason: String| KeystoreError::Other { path: dir.to_owned(), reason };
    std::fs::create_dir_all(dir).map_err(|e| other(e.to_string()))?;
    let mut secret = [0u8; 32];
    let key = loop {
        rand08::RngCore::fill_bytes(&mut rand08::thread_rng(), &mut secret);
        if let Ok(key) = PrivateKey::from_bytes(secret) {
            break key;
        }
    };
    let file = encrypt(&secret, password, cost).map_err(other)?;
    let path = dir.join(format!("{}.json", key.address()));
    write_owner_only(&path, file.to_string().as_bytes()).map_err(|e| other(e.to_string()))?;
    Ok((key, path))
}

/// The keystore v3 JSON of `secret`: scrypt derives 32 bytes from the password; the first 16
/// key AES-128-CTR over the secret, the last 16 go into the MAC with the ciphertext.
fn encrypt(secret: &[u8; 32], password: &str, cost: ScryptCost) -> Result<Value, String> {
    use aes::cipher::{KeyIvInit, StreamCipher};
    let mut rng = rand08::thread_rng();
    let (mut salt, mut iv, mut id) = ([0u8; 32], [0u8; 16], [0u8; 16]);
    for buf in [&mut salt[..], &mut iv[..], &mut id[..]] {
        rand08::RngCore::fill_bytes(&mut rng, buf);
    }
    let params = scrypt::Params::new(cost.log_n, 8, 1).map_err(|e| e.to_string())?;
    let mut derived = [0u8; 32];
    scrypt::scrypt(password.as_bytes(), &salt, &params, &mut derived).map_err(|e| e.to_string())?;
    let mut ciphertext = *secret;
    ctr::Ctr128BE::<aes::Aes128>::new((&derived[..16]).into(), (&iv).into())
        .apply_keystream(&mut ciphertext);
    let mac = alloy_primitives::keccak256([&derived[16..], &ciphertext[..]].concat());
    let address = PrivateKey::from_bytes(*secret).map_err(|e| e.to_string())?.address();
    Ok(json!({
        "address": alloy_primitives::hex::encode(address),
        "crypto": {
            "cipher": "aes-128-ctr",
            "cipherparams": {"iv": alloy_primitives::hex::encode(iv)},
            "ciphertext": alloy_primitives::hex::encode(ciphertext),
            "kdf": "scrypt",
            "kdfparams": {"dklen": 32, "n": cost.n(), "r": 8, "p": 1,
                "salt": alloy_primitives::hex::encode(salt)},
            "mac": alloy_primitives::hex::encode(mac),
        },
        "id": uuid_v4(id),
        "version": 3,
    }))
}

/// A random (version 4) UUID in its usual text form.
fn uuid_v4(mut bytes: [u8; 16]) -> String {
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    let hex = alloy_primitives::hex::encode(bytes);
    format!("{}-{}-{}-{}-{}", &hex[..8], &hex[8..12], &hex[12..16], &hex[16..20], &hex[20..])
}

/// Writes a new file at `path` that only its owner may read or write (mode 0600 from the
/// start, so the key is never readable by others, not even for a moment; plain off Unix).
fn write_owner_only(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    std::io::Write::write_all(&mut options.open(path)?, bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn create_then_load_and_refuse_a_wrong_password() {
        let dir = std::env::temp_dir().join(format!("plasma-keystore-test-{}", std::process::id()));
        let light = ScryptCost::new(10).unwrap();
        let (key, path) = create(&dir, "correct horse", EmptyPassword::Refuse, light).unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600, "keystore mode {mode:o}");
        }
        assert!(matches!(
            create(&dir, "", EmptyPassword::Refuse, light),
            Err(KeystoreError::EmptyPassword)
        ));
        let (_, open) = create(&dir, "", EmptyPassword::Allow, light).unwrap();
        assert!(load(&open, "").is_ok());
        assert_eq!(load(&path, "correct horse").unwrap().address(), key.address());
        assert!(matches!(load(&path, "wrong"), Err(KeystoreError::WrongPassword(_))));
        assert!(matches!(load(&dir.join("missing"), "x"), Err(KeystoreError::NotFound(_))));
        assert!(matches!(ScryptCost::new(9), Err(KeystoreError::BadCost(9))));
        let _ = std::fs::remove_dir_all(&dir);
    }

    /// The file is standard keystore v3: geth's cost by default, the parameters it names.
    #[test]
    fn a_new_file_uses_the_standard_cost_and_says_so() {
        let dir = std::env::temp_dir().join(format!("plasma-keystore-std-{}", std::process::id()));
        let (key, path) = create(&dir, "pw", EmptyPassword::Refuse, ScryptCost::STANDARD).unwrap();
        let file: Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
        assert_eq!(file["crypto"]["kdfparams"]["n"], 262_144);
        assert_eq!(file["crypto"]["kdfparams"]["r"], 8);
        assert_eq!(file["version"], 3);
        assert_eq!(file["address"], alloy_primitives::hex::encode(key.address()));
        assert_eq!(load(&path, "pw").unwrap().address(), key.address());
        let _ = std::fs::remove_dir_all(&dir);
    }
}
