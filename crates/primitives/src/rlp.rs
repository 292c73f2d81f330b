//! A strict RLP reader and a small writer.
//!
//! Strict means exactly one byte string encodes each value: non-canonical lengths, single
//! bytes wrapped in a header, integers with leading zeros, trailing bytes and items that run
//! past their parent are all rejected with an [`RlpError`]. The Solidity reader in
//! `contracts/src/lib/Rlp.sol` applies the same rules; the agreement test holds them together.

use alloy_primitives::U256;

/// Why a byte string is not the strict RLP we expect.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RlpError {
    /// The input, or a list payload, ended where an item was expected to start.
    #[error("empty input where an RLP item was expected")]
    Empty,
    /// An item's header announces more bytes than its parent holds.
    #[error("item needs {needed} bytes but only {available} remain")]
    Truncated {
        /// Bytes the header asks for (header included).
        needed: u128,
        /// Bytes that remain in the parent.
        available: usize,
    },
    /// A one-byte string below 0x80 written with a header; it must stand alone.
    #[error("single byte 0x{0:02x} must not carry a string header")]
    NonCanonicalSingleByte(u8),
    /// A long-form header for a payload that fits the short form (≤ 55 bytes).
    #[error("long-form length {0} must be greater than 55")]
    NonCanonicalLongLength(u64),
    /// A long-form length written with a leading zero byte.
    #[error("long-form length has a leading zero byte")]
    LengthLeadingZero,
    /// Bytes left over after the top-level item.
    #[error("{0} trailing bytes after the item")]
    TrailingBytes(usize),
    /// A list where a byte string was expected.
    #[error("expected a byte string, found a list")]
    ExpectedString,
    /// A byte string where a list was expected.
    #[error("expected a list, found a byte string")]
    ExpectedList,
    /// An integer longer than 32 bytes.
    #[error("integer of {0} bytes is longer than 32")]
    IntegerTooLong(usize),
    /// An integer with a leading zero byte (zero itself is the empty string).
    #[error("integer has a leading zero byte")]
    IntegerLeadingZero,
    /// A fixed-size byte string of the wrong size.
    #[error("expected {expected} bytes, found {found}")]
    WrongSize {
        /// The size the format requires.
        expected: usize,
        /// The size found.
        found: usize,
    },
    /// A list with the wrong number of items.
    #[error("expected a list of {expected} items, found {found}")]
    WrongArity {
        /// What the format requires, e.g. "5" or "1 to 4".
        expected: &'static str,
        /// The number of items found.
        found: usize,
    },
}

/// One decoded item: a byte string or a list, borrowing its payload from the input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Item<'a> {
    /// A byte string's content.
    Bytes(&'a [u8]),
    /// A list's payload (the concatenated encodings of its items).
    List(&'a [u8]),
}

impl<'a> Item<'a> {
    /// Decodes the single item that makes up all of `input`.
    pub fn decode_exact(input: &'a [u8]) -> Result<Self, RlpError> {
        let (item, used) = read_item(input)?;
        match input.len() - used {
            0 => Ok(item),
            rest => Err(RlpError::TrailingBytes(rest)),
        }
    }

    /// The content of a byte string.
    pub fn bytes(self) -> Result<&'a [u8], RlpError> {
        match self {
            Item::Bytes(b) => Ok(b),
            Item::List(_) => Err(RlpError::ExpectedString),
        }
    }

    /// The items of a list, all decoded.
    pub fn list(self) -> Result<Vec<Item<'a>>, RlpError> {
        let Item::List(mut payload) = self else { return Err(RlpError::ExpectedList) };
        let mut items = Vec::new();
        while !payload.is_empty() {
            let (item, used) = read_item(payload)?;
            items.push(item);
            payload = &payload[used..];
        }
        Ok(items)
    }

    /// A list of exactly `N` items.
    pub fn list_of<const N: usize>(self) -> Result<[Item<'a>; N], RlpError> {
        let items = self.list()?;
        let found = items.len();
        items.try_into().map_err(|_| RlpError::WrongArity { expected: arity_name(N), found })
    }

    /// A canonical unsigned integer of at most 256 bits.
    pub fn uint(self) -> Result<U256, RlpError> {
        let b = self.bytes()?;
        if b.len() > 32 {
            return Err(RlpError::IntegerTooLong(b.len()));
        }
        if b.first() == Some(&0) {
            return Err(RlpError::IntegerLeadingZero);
        }
        Ok(U256::from_be_slice(b))
    }

    /// A byte string of exactly `N` bytes.
    pub fn fixed<const N: usize>(self) -> Result<[u8; N], RlpError> {
        let b = self.bytes()?;
        b.try_into().map_err(|_| RlpError::WrongSize { expected: N, found: b.len() })
    }
}

fn arity_name(n: usize) -> &'static str {
    match n {
        2 => "2",
        3 => "3",
        5 => "5",
        6 => "6",
        _ => "a fixed number of",
    }
}

/// The length of the item at the front of `buf`, header included.
pub(crate) fn item_len(buf: &[u8]) -> Result<usize, RlpError> {
    read_item(buf).map(|(_, used)| used)
}

/// Reads one item from the front of `buf`; returns it and the number of bytes it took.
fn read_item(buf: &[u8]) -> Result<(Item<'_>, usize), RlpError> {
    let &prefix = buf.first().ok_or(RlpError::Empty)?;
    let (is_list, header, len) = match prefix {
        0x00..=0x7f => return Ok((Item::Bytes(&buf[..1]), 1)),
        0x80..=0xb7 => (false, 1, u64::from(prefix - 0x80)),
        0xb8..=0xbf => (false, 1 + usize::from(prefix - 0xb7), long_length(buf, prefix - 0xb7)?),
        0xc0..=0xf7 => (true, 1, u64::from(prefix - 0xc0)),
        0xf8..=0xff => (true, 1 + usize::from(prefix - 0xf7), long_length(buf, prefix - 0xf7)?),
    };
    let needed = header as u128 + u128::from(len);
    if needed > buf.len() as u128 {
        return Err(RlpError::Truncated { needed, available: buf.len() });
    }
    let end = needed as usize;
    let payload = &buf[header..end];
    if is_list {
        return Ok((Item::List(payload), end));
    }
    if let [single] = payload
        && *single < 0x80
    {
        return Err(RlpError::NonCanonicalSingleByte(*single));
    }
    Ok((Item::Bytes(payload), end))
}

/// Reads the big-endian length that follows a long-form prefix.
fn long_length(buf: &[u8], len_of_len: u8) -> Result<u64, RlpError> {
    let n = usize::from(len_of_len);
    let bytes = buf
        .get(1..1 + n)
        .ok_or(RlpError::Truncated { needed: 1 + n as u128, available: buf.len() })?;
    if bytes[0] == 0 {
        return Err(RlpError::LengthLeadingZero);
    }
    let len = bytes.iter().fold(0u64, |acc, &b| (acc << 8) | u64::from(b));
    if len <= 55 {
        return Err(RlpError::NonCanonicalLongLength(len));
    }
    Ok(len)
}

/// Appends the RLP header for a payload of `len` bytes (`offset` 0x80 for strings, 0xc0 for lists).
fn write_header(out: &mut Vec<u8>, offset: u8, len: usize) {
    if len <= 55 {
        out.push(offset + len as u8);
    } else {
        let be = (len as u64).to_be_bytes();
        let skip = be.iter().take_while(|&&b| b == 0).count();
        out.push(offset + 55 + (8 - skip) as u8);
        out.extend_from_slice(&be[skip..]);
    }
}

/// Appends `bytes` encoded as an RLP byte string.
pub fn write_bytes(out: &mut Vec<u8>, bytes: &[u8]) {
    if let [single] = bytes
        && *single < 0x80
    {
        out.push(*single);
        return;
    }
    write_header(out, 0x80, bytes.len());
    out.extend_from_slice(bytes);
}

/// Appends `value` encoded as a canonical RLP integer.
pub fn write_uint(out: &mut Vec<u8>, value: U256) {
    let be = value.to_be_bytes::<32>();
    let skip = be.iter().take_while(|&&b| b == 0).count();
    write_bytes(out, &be[skip..]);
}

/// Appends a list whose payload `payload` is already encoded.
pub fn write_list(out: &mut Vec<u8>, payload: &[u8]) {
    write_header(out, 0xc0, payload.len());
    out.extend_from_slice(payload);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn roundtrip_bytes(b: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        write_bytes(&mut out, b);
        out
    }

    #[test]
    fn encodes_known_vectors() {
        assert_eq!(roundtrip_bytes(b""), [0x80]);
        assert_eq!(roundtrip_bytes(&[0x7f]), [0x7f]);
        assert_eq!(roundtrip_bytes(&[0x80]), [0x81, 0x80]);
        assert_eq!(roundtrip_bytes(b"dog"), [0x83, b'd', b'o', b'g']);
        let long = [7u8; 56];
        assert_eq!(&roundtrip_bytes(&long)[..2], &[0xb8, 56]);
        let mut out = Vec::new();
        write_uint(&mut out, U256::ZERO);
        write_uint(&mut out, U256::from(1024));
        assert_eq!(out, [0x80, 0x82, 0x04, 0x00]);
        let mut list = Vec::new();
        write_list(&mut list, &[]);
        assert_eq!(list, [0xc0]);
    }

    #[test]
    fn decodes_what_it_encodes() {
        for len in [0usize, 1, 55, 56, 255, 256, 70_000] {
            let data: Vec<u8> = (0..len).map(|i| (i % 251) as u8 | 0x80).collect();
            let enc = roundtrip_bytes(&data);
            assert_eq!(Item::decode_exact(&enc).unwrap().bytes().unwrap(), &data[..]);
        }
    }

    #[test]
    fn rejects_non_canonical_forms() {
        use RlpError::*;
        let cases: &[(&[u8], RlpError)] = &[
            (&[], Empty),
            (&[0x81, 0x05], NonCanonicalSingleByte(5)),
            (&[0xb8, 0x05, 1, 2, 3, 4, 5], NonCanonicalLongLength(5)),
            (&[0xb9, 0x00, 0x40], LengthLeadingZero),
            (&[0xf8, 0x02, 0x80, 0x80], NonCanonicalLongLength(2)),
            (&[0x82, 0x01], Truncated { needed: 3, available: 2 }),
            (&[0xb8], Truncated { needed: 2, available: 1 }),
            (&[0x80, 0x80], TrailingBytes(1)),
            (
                &[0xbf, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff],
                Truncated { needed: 9 + u128::from(u64::MAX), available: 9 },
            ),
        ];
        for (input, want) in cases {
            assert_eq!(Item::decode_exact(input).err().as_ref(), Some(want), "input {input:02x?}");
        }
    }

    #[test]
    fn integers_are_strict() {
        let item = Item::decode_exact(&[0x82, 0x00, 0x01]).unwrap();
        assert_eq!(item.uint(), Err(RlpError::IntegerLeadingZero));
        let mut long = vec![0xa1, 0x01];
        long.extend([0u8; 32]);
        assert_eq!(Item::decode_exact(&long).unwrap().uint(), Err(RlpError::IntegerTooLong(33)));
        assert_eq!(Item::decode_exact(&[0xc0]).unwrap().uint(), Err(RlpError::ExpectedString));
        assert_eq!(Item::decode_exact(&[0x80]).unwrap().list(), Err(RlpError::ExpectedList));
    }

    #[test]
    fn list_items_must_fill_the_payload() {
        // A list claiming 2 payload bytes whose item needs 3.
        let err = Item::decode_exact(&[0xc2, 0x82, 0x01]).unwrap().list().unwrap_err();
        assert_eq!(err, RlpError::Truncated { needed: 3, available: 2 });
    }
}
