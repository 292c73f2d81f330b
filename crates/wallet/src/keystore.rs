//! Keys in Ethereum keystore v3 files, the format geth, foundry and every wallet read.

use alloy_signer_local::PrivateKeySigner;
use plasma_primitives::PrivateKey;
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

/// Whether a new key may have an empty password.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EmptyPassword {
    /// Refused ([`KeystoreError::EmptyPassword`]).
    Refuse,
    /// Accepted (asked for explicitly).
    Allow,
}

/// Creates a new random key in a keystore file in `dir`, readable by its owner only;
/// returns the key and the file.
pub fn create(
    dir: &Path,
    password: &str,
    empty: EmptyPassword,
) -> Result<(PrivateKey, PathBuf), KeystoreError> {
    if password.is_empty() && empty == EmptyPassword::Refuse {
        return Err(KeystoreError::EmptyPassword);
    }
    let other = |reason: String| KeystoreError::Other { path: dir.to_owned(), reason };
    std::fs::create_dir_all(dir).map_err(|e| other(e.to_string()))?;
    let (signer, name) =
        PrivateKeySigner::new_keystore(dir, &mut rand08::thread_rng(), password, None)
            .map_err(|e| other(e.to_string()))?;
    let key = PrivateKey::from_bytes(signer.to_bytes().0).map_err(|e| other(e.to_string()))?;
    let path = dir.join(name);
    owner_only(&path).map_err(|e| other(e.to_string()))?;
    Ok((key, path))
}

/// Makes `path` readable and writable by its owner only (mode 0600; a no-op off Unix).
fn owner_only(path: &Path) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))?;
    }
    #[cfg(not(unix))]
    let _ = path;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn create_then_load_and_refuse_a_wrong_password() {
        let dir = std::env::temp_dir().join(format!("plasma-keystore-test-{}", std::process::id()));
        let (key, path) = create(&dir, "correct horse", EmptyPassword::Refuse).unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600, "keystore mode {mode:o}");
        }
        assert!(matches!(
            create(&dir, "", EmptyPassword::Refuse),
            Err(KeystoreError::EmptyPassword)
        ));
        let (_, open) = create(&dir, "", EmptyPassword::Allow).unwrap();
        assert!(load(&open, "").is_ok());
        assert_eq!(load(&path, "correct horse").unwrap().address(), key.address());
        assert!(matches!(load(&path, "wrong"), Err(KeystoreError::WrongPassword(_))));
        assert!(matches!(load(&dir.join("missing"), "x"), Err(KeystoreError::Other { .. })));
        let _ = std::fs::remove_dir_all(&dir);
    }
}
