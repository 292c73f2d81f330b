//! Reading keys and hex from arguments.

use anyhow::{Context, Result};
use plasma_primitives::PrivateKey;

/// Bytes from hex, with or without `0x`.
pub(crate) fn parse_hex(text: &str) -> Result<Vec<u8>> {
    let text = text.trim();
    let digits = text.strip_prefix("0x").unwrap_or(text);
    hex::decode(digits).with_context(|| format!("bad hex {:?}", shorten(text)))
}

/// A private key from 32 bytes of hex.
pub(crate) fn parse_key(text: &str) -> Result<PrivateKey> {
    let bytes: [u8; 32] = parse_hex(text)
        .context("bad private key")?
        .try_into()
        .map_err(|b: Vec<u8>| anyhow::anyhow!("private key must be 32 bytes, got {}", b.len()))?;
    Ok(PrivateKey::from_bytes(bytes)?)
}

fn shorten(text: &str) -> String {
    match text.char_indices().nth(24) {
        Some((i, _)) => format!("{}…", &text[..i]),
        None => text.to_owned(),
    }
}
