//! The newest root-chain block a follower read, as a node stores it beside its cursor, so
//! that a restarted node notices a reorganisation that happened while it was down.

use plasma_primitives::B256;
use plasma_rootchain::BlockInfo;

/// A root-chain block as stored beside a cursor: number, hash, time (48 bytes, big-endian).
pub fn encode_block_info(block: &BlockInfo) -> [u8; 48] {
    let mut bytes = [0u8; 48];
    bytes[..8].copy_from_slice(&block.number.to_be_bytes());
    bytes[8..40].copy_from_slice(block.hash.as_slice());
    bytes[40..].copy_from_slice(&block.timestamp.to_be_bytes());
    bytes
}

/// [`encode_block_info`] read back; `None` for bytes of another length.
pub fn decode_block_info(bytes: &[u8]) -> Option<BlockInfo> {
    let bytes: &[u8; 48] = bytes.try_into().ok()?;
    Some(BlockInfo {
        number: u64::from_be_bytes(bytes[..8].try_into().ok()?),
        hash: B256::from_slice(&bytes[8..40]),
        timestamp: u64::from_be_bytes(bytes[40..].try_into().ok()?),
    })
}
