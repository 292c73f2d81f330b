//! A JSON form of transactions for people and scripts (the CLI, later the RPC).
//!
//! Large numbers travel as decimal strings so no JSON reader rounds them; reading also takes
//! `0x` hex strings and small JSON numbers. An input is written as its `utxoPos` together with
//! its parts; either may be given when reading, and both must agree when both are.

use crate::{
    Address, B256, U256,
    position::{BLOCK_OFFSET, TX_OFFSET, UtxoPos},
    signature::Signature,
    tx::{AnyTx, Output, PAYMENT_OUTPUT_TYPE, PAYMENT_TX_TYPE, PaymentTx, SignedTx, TxError},
};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::str::FromStr;

/// Why a JSON transaction could not be turned into a transaction.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum JsonTxError {
    /// Not JSON of the expected shape.
    #[error("invalid transaction JSON: {0}")]
    Syntax(#[from] serde_json::Error),
    /// An input that names no position, or names it twice in ways that disagree.
    #[error("inputs[{index}]: {reason}")]
    Input {
        /// Which input.
        index: usize,
        /// What was wrong.
        reason: String,
    },
    /// A signature that is not 65 bytes.
    #[error("signatures[{index}]: must be 65 bytes, found {len}")]
    SignatureLength {
        /// Which signature.
        index: usize,
        /// Its length.
        len: usize,
    },
    /// Well-formed JSON describing a transaction the format forbids.
    #[error(transparent)]
    Tx(#[from] TxError),
}

/// A 256-bit number written as a decimal string.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Dec(pub U256);

impl Serialize for Dec {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0.to_string())
    }
}

impl<'de> Deserialize<'de> for Dec {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            Number(u64),
            Text(String),
        }
        match Raw::deserialize(d)? {
            Raw::Number(n) => Ok(Dec(U256::from(n))),
            Raw::Text(t) => U256::from_str(&t)
                .map(Dec)
                .map_err(|e| serde::de::Error::custom(format!("bad number {t:?}: {e}"))),
        }
    }
}

/// One input in JSON: `{"utxoPos": "1000000000"}`, `{"blknum": "1000", "txindex": 0,
/// "oindex": 0}` (or both, agreeing), or simply the position, `"1000000000"`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", try_from = "serde_json::Value")]
pub struct InputJson {
    /// The raw position.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub utxo_pos: Option<Dec>,
    /// Its block number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub blknum: Option<Dec>,
    /// Its transaction index.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub txindex: Option<u32>,
    /// Its output index.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub oindex: Option<u32>,
}

/// [`InputJson`]'s fields, as read.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct InputFields {
    #[serde(default)]
    utxo_pos: Option<Dec>,
    #[serde(default)]
    blknum: Option<Dec>,
    #[serde(default)]
    txindex: Option<u32>,
    #[serde(default)]
    oindex: Option<u32>,
}

impl TryFrom<serde_json::Value> for InputJson {
    type Error = String;

    /// A bare number or string is the position; an object names its fields.
    fn try_from(value: serde_json::Value) -> Result<Self, Self::Error> {
        if value.is_object() {
            let f: InputFields = serde_json::from_value(value).map_err(|e| e.to_string())?;
            return Ok(InputJson {
                utxo_pos: f.utxo_pos,
                blknum: f.blknum,
                txindex: f.txindex,
                oindex: f.oindex,
            });
        }
        let pos: Dec = serde_json::from_value(value).map_err(|e| {
            format!("an input is a position (\"1000000000\") or an object ({{\"blknum\": …, \"txindex\": …, \"oindex\": …}}): {e}")
        })?;
        Ok(InputJson { utxo_pos: Some(pos), ..InputJson::default() })
    }
}

/// One output in JSON.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct OutputJson {
    /// Always 1; optional when reading.
    #[serde(default = "payment_output_type")]
    pub output_type: u8,
    /// The owner (a mixed-case address must pass its EIP-55 checksum).
    #[serde(deserialize_with = "crate::address::checked")]
    pub owner: Address,
    /// The token (zero address for ETH).
    #[serde(deserialize_with = "crate::address::checked")]
    pub token: Address,
    /// The amount in base units.
    pub amount: Dec,
}

fn payment_output_type() -> u8 {
    PAYMENT_OUTPUT_TYPE
}

fn payment_tx_type() -> u8 {
    PAYMENT_TX_TYPE
}

/// A transaction, signed or not, in JSON.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct TxJson {
    /// Always 1; optional when reading.
    #[serde(default = "payment_tx_type")]
    pub tx_type: u8,
    /// The inputs spent.
    #[serde(default)]
    pub inputs: Vec<InputJson>,
    /// The outputs created.
    pub outputs: Vec<OutputJson>,
    /// Always 0; optional when reading.
    #[serde(default)]
    pub tx_data: u8,
    /// 32 bytes of metadata; zero when absent.
    #[serde(default)]
    pub metadata: B256,
    /// Present for a signed transaction, one per input.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signatures: Option<Vec<alloy_primitives::Bytes>>,
}

impl From<&AnyTx> for TxJson {
    fn from(any: &AnyTx) -> Self {
        let tx = any.tx();
        let inputs = tx
            .inputs()
            .iter()
            .map(|p| InputJson {
                utxo_pos: Some(Dec(p.raw())),
                blknum: Some(Dec(p.blknum())),
                txindex: Some(p.txindex()),
                oindex: Some(p.oindex()),
            })
            .collect();
        let outputs = tx
            .outputs()
            .iter()
            .map(|o| OutputJson {
                output_type: PAYMENT_OUTPUT_TYPE,
                owner: o.owner,
                token: o.token,
                amount: Dec(o.amount),
            })
            .collect();
        let signatures = match any {
            AnyTx::Unsigned(_) => None,
            AnyTx::Signed(s) => {
                Some(s.signatures().iter().map(|sig| sig.as_bytes().to_vec().into()).collect())
            }
        };
        TxJson {
            tx_type: PAYMENT_TX_TYPE,
            inputs,
            outputs,
            tx_data: 0,
            metadata: tx.metadata(),
            signatures,
        }
    }
}

impl InputJson {
    fn position(&self, index: usize) -> Result<UtxoPos, JsonTxError> {
        let fail = |reason: String| JsonTxError::Input { index, reason };
        let from_parts = match (self.blknum, self.txindex, self.oindex) {
            (None, None, None) => None,
            (Some(Dec(blknum)), Some(txindex), Some(oindex)) => {
                if u64::from(txindex) >= BLOCK_OFFSET / TX_OFFSET || u64::from(oindex) >= TX_OFFSET
                {
                    return Err(fail(format!("txindex {txindex} or oindex {oindex} out of range")));
                }
                let raw = blknum
                    .checked_mul(U256::from(BLOCK_OFFSET))
                    .and_then(|b| {
                        b.checked_add(U256::from(
                            u64::from(txindex) * TX_OFFSET + u64::from(oindex),
                        ))
                    })
                    .ok_or_else(|| fail(format!("blknum {blknum} is too large")))?;
                Some(raw)
            }
            _ => return Err(fail("give utxoPos, or all of blknum, txindex and oindex".into())),
        };
        let raw = match (self.utxo_pos, from_parts) {
            (Some(Dec(pos)), Some(parts)) if pos != parts => {
                return Err(fail(format!("utxoPos {pos} disagrees with its parts ({parts})")));
            }
            (Some(Dec(pos)), _) => pos,
            (None, Some(parts)) => parts,
            (None, None) => return Err(fail("missing utxoPos".into())),
        };
        UtxoPos::from_raw(raw).ok_or(JsonTxError::Tx(TxError::ZeroInput(index)))
    }
}

impl TxJson {
    /// Parses JSON text.
    pub fn parse(text: &str) -> Result<Self, JsonTxError> {
        Ok(serde_json::from_str(text)?)
    }

    /// The transaction this JSON describes, checked against the format rules.
    pub fn to_tx(&self) -> Result<AnyTx, JsonTxError> {
        if self.tx_type != PAYMENT_TX_TYPE {
            return Err(TxError::UnsupportedTxType(U256::from(self.tx_type)).into());
        }
        if self.tx_data != 0 {
            return Err(TxError::NonZeroTxData(U256::from(self.tx_data)).into());
        }
        let inputs = self
            .inputs
            .iter()
            .enumerate()
            .map(|(i, input)| input.position(i))
            .collect::<Result<_, _>>()?;
        let mut outputs = Vec::with_capacity(self.outputs.len());
        for (index, o) in self.outputs.iter().enumerate() {
            if o.output_type != PAYMENT_OUTPUT_TYPE {
                let found = U256::from(o.output_type);
                return Err(TxError::UnsupportedOutputType {
                    index,
                    expected: PAYMENT_OUTPUT_TYPE,
                    found,
                }
                .into());
            }
            outputs.push(Output { owner: o.owner, token: o.token, amount: o.amount.0 });
        }
        let tx = PaymentTx::new(inputs, outputs, self.metadata)?;
        let Some(sigs) = &self.signatures else { return Ok(AnyTx::Unsigned(tx)) };
        let signatures = sigs
            .iter()
            .enumerate()
            .map(|(index, s)| {
                Signature::from_slice(s)
                    .map_err(|_| JsonTxError::SignatureLength { index, len: s.len() })
            })
            .collect::<Result<_, _>>()?;
        Ok(AnyTx::Signed(SignedTx::new(tx, signatures)?))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_round_trip_keeps_bytes() {
        let tx = PaymentTx::new(
            vec![UtxoPos::new(7000, 12, 3)],
            vec![Output {
                owner: Address::repeat_byte(1),
                token: Address::ZERO,
                amount: U256::MAX,
            }],
            B256::repeat_byte(2),
        )
        .unwrap();
        let any = AnyTx::Unsigned(tx.clone());
        let text = serde_json::to_string(&TxJson::from(&any)).unwrap();
        assert!(text.contains(&U256::MAX.to_string()), "amounts are decimal strings: {text}");
        assert_eq!(TxJson::parse(&text).unwrap().to_tx().unwrap(), any);
    }

    #[test]
    fn inputs_by_parts_or_position() {
        let owner = format!("{}", Address::repeat_byte(1));
        let zero = format!("{}", Address::ZERO);
        let doc = |input: &str| {
            format!(
                r#"{{"inputs":[{input}],"outputs":[{{"owner":"{owner}","token":"{zero}","amount":5}}]}}"#
            )
        };
        let by_parts = TxJson::parse(&doc(r#"{"blknum":"1000","txindex":1,"oindex":2}"#)).unwrap();
        let by_pos = TxJson::parse(&doc(r#"{"utxoPos":"1000000010002"}"#)).unwrap();
        assert_eq!(by_parts.to_tx().unwrap(), by_pos.to_tx().unwrap());
        let clash =
            TxJson::parse(&doc(r#"{"utxoPos":"5","blknum":"1","txindex":0,"oindex":0}"#)).unwrap();
        assert!(matches!(clash.to_tx(), Err(JsonTxError::Input { index: 0, .. })));
        let half = TxJson::parse(&doc(r#"{"blknum":"1"}"#)).unwrap();
        assert!(matches!(half.to_tx(), Err(JsonTxError::Input { index: 0, .. })));
        assert!(TxJson::parse(&doc(r#"{"utxoPos":"x"}"#)).is_err());
    }
}
