//! The fee transaction: how the fees a block collected become an output the exit game knows.
//!
//! ```text
//! feeTx  = [txType = 3, [output], nonce (32 bytes)]
//! output = [outputType = 2, [owner (20 bytes, non-zero), token (20 bytes), amount (> 0)]]
//! nonce  = keccak256(abi.encode(uint256 blknum, address token))
//! ```
//!
//! OMG Network v1's fee-claim transaction, byte for byte. One per fee token per block, after
//! the block's payments; no inputs and no signature: a watcher checks that its amount is no
//! more than what the block's payments left in that token. The nonce makes each fee
//! transaction's bytes unique to its block and token, so two claims never share an output id
//! on L1 (which is computed from the bytes).

use crate::{
    rlp::{self, Item},
    tx::{Output, TxError, decode_output_of_type, rlp_at},
};
use alloy_primitives::{Address, B256, U256, keccak256};

/// The fee transaction's type.
pub const FEE_TX_TYPE: u8 = 3;
/// The type of a fee transaction's output (OMG's "fee token claim" output).
pub const FEE_OUTPUT_TYPE: u8 = 2;

/// A fee claim: `output.amount` of `output.token` collected in block `nonce` names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct FeeTx {
    output: Output,
    nonce: B256,
}

/// The nonce of the fee transaction of `token` in block `blknum`:
/// `keccak256(abi.encode(uint256 blknum, address token))`.
pub fn fee_nonce(blknum: u64, token: Address) -> B256 {
    let mut word = [0u8; 64];
    word[24..32].copy_from_slice(&blknum.to_be_bytes());
    word[44..64].copy_from_slice(token.as_slice());
    keccak256(word)
}

impl FeeTx {
    /// The claim of `amount` of `token` in block `blknum`, paid to `owner`.
    pub fn claim(
        blknum: u64,
        owner: Address,
        token: Address,
        amount: U256,
    ) -> Result<Self, TxError> {
        Self::new(Output { owner, token, amount }, fee_nonce(blknum, token))
    }

    /// A fee transaction with any nonce, checked against the format rules (a nonce that does
    /// not match its block is a ledger matter: see [`FeeTx::nonce_fits`]).
    pub fn new(output: Output, nonce: B256) -> Result<Self, TxError> {
        if output.owner.is_zero() {
            return Err(TxError::ZeroOwner(0));
        }
        if output.amount.is_zero() {
            return Err(TxError::ZeroAmount(0));
        }
        Ok(Self { output, nonce })
    }

    /// The one output: who receives the fees, in which token, how much.
    pub fn output(&self) -> &Output {
        &self.output
    }

    /// The 32-byte nonce.
    pub fn nonce(&self) -> B256 {
        self.nonce
    }

    /// Whether the nonce is the one of this token's claim in block `blknum`.
    pub fn nonce_fits(&self, blknum: u64) -> bool {
        self.nonce == fee_nonce(blknum, self.output.token)
    }

    /// The RLP bytes: both the block's leaf and the form stored and served (there is no
    /// signed form).
    pub fn encode(&self) -> Vec<u8> {
        let mut data = Vec::with_capacity(78);
        rlp::write_bytes(&mut data, self.output.owner.as_slice());
        rlp::write_bytes(&mut data, self.output.token.as_slice());
        rlp::write_uint(&mut data, self.output.amount);
        let mut output = Vec::with_capacity(82);
        rlp::write_uint(&mut output, U256::from(FEE_OUTPUT_TYPE));
        rlp::write_list(&mut output, &data);
        let mut outputs = Vec::with_capacity(84);
        rlp::write_list(&mut outputs, &output);
        let mut fields = Vec::with_capacity(120);
        rlp::write_uint(&mut fields, U256::from(FEE_TX_TYPE));
        rlp::write_list(&mut fields, &outputs);
        rlp::write_bytes(&mut fields, self.nonce.as_slice());
        let mut out = Vec::with_capacity(124);
        rlp::write_list(&mut out, &fields);
        out
    }

    /// Decodes fee transaction bytes under the strict rules.
    pub fn decode(bytes: &[u8]) -> Result<Self, TxError> {
        let top = Item::decode_exact(bytes).map_err(rlp_at("transaction"))?;
        let [tx_type, outputs, nonce] = top.list_of::<3>().map_err(rlp_at("transaction"))?;
        let tx_type = tx_type.uint().map_err(rlp_at("txType"))?;
        if tx_type != U256::from(FEE_TX_TYPE) {
            return Err(TxError::UnsupportedTxType(tx_type));
        }
        let items = outputs.list().map_err(rlp_at("outputs"))?;
        let [item] = <[Item<'_>; 1]>::try_from(items)
            .map_err(|items| TxError::FeeOutputCount(items.len()))?;
        let output = decode_output_of_type(0, item, FEE_OUTPUT_TYPE)?;
        let nonce = B256::from(nonce.fixed::<32>().map_err(rlp_at("nonce"))?);
        Self::new(output, nonce)
    }

    /// keccak256 of the bytes: the transaction's id.
    pub fn hash(&self) -> B256 {
        keccak256(self.encode())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rlp::RlpError;

    fn sample() -> FeeTx {
        FeeTx::claim(3000, Address::repeat_byte(1), Address::ZERO, U256::from(250)).unwrap()
    }

    #[test]
    fn round_trips_and_names_its_block() {
        let fee = sample();
        assert_eq!(FeeTx::decode(&fee.encode()), Ok(fee));
        assert!(fee.nonce_fits(3000));
        assert!(!fee.nonce_fits(4000));
        assert_ne!(fee_nonce(3000, Address::ZERO), fee_nonce(3000, Address::repeat_byte(9)));
    }

    #[test]
    fn refuses_every_field_out_of_form() {
        // A payment's bytes, a wrong type, no or two outputs, a payment output, zero fields,
        // a short nonce.
        let payment =
            crate::PaymentTx::deposit(Address::repeat_byte(1), Address::ZERO, U256::from(1))
                .unwrap()
                .encode();
        assert!(matches!(FeeTx::decode(&payment), Err(TxError::Rlp { .. })));
        let out =
            Output { owner: Address::repeat_byte(1), token: Address::ZERO, amount: U256::from(1) };
        let encode = |tx_type: u8, outputs: &[(u8, Output)], nonce: &[u8]| {
            let mut list = Vec::new();
            for (kind, o) in outputs {
                let mut data = Vec::new();
                rlp::write_bytes(&mut data, o.owner.as_slice());
                rlp::write_bytes(&mut data, o.token.as_slice());
                rlp::write_uint(&mut data, o.amount);
                let mut one = Vec::new();
                rlp::write_uint(&mut one, U256::from(*kind));
                rlp::write_list(&mut one, &data);
                rlp::write_list(&mut list, &one);
            }
            let mut fields = Vec::new();
            rlp::write_uint(&mut fields, U256::from(tx_type));
            rlp::write_list(&mut fields, &list);
            rlp::write_bytes(&mut fields, nonce);
            let mut bytes = Vec::new();
            rlp::write_list(&mut bytes, &fields);
            bytes
        };
        let nonce = [7u8; 32];
        assert_eq!(
            FeeTx::decode(&encode(3, &[(2, out)], &nonce)).map(|f| f.nonce()),
            Ok(B256::from(nonce))
        );
        assert_eq!(
            FeeTx::decode(&encode(1, &[(2, out)], &nonce)),
            Err(TxError::UnsupportedTxType(U256::from(1)))
        );
        assert_eq!(FeeTx::decode(&encode(3, &[], &nonce)), Err(TxError::FeeOutputCount(0)));
        assert_eq!(
            FeeTx::decode(&encode(3, &[(2, out), (2, out)], &nonce)),
            Err(TxError::FeeOutputCount(2))
        );
        assert_eq!(
            FeeTx::decode(&encode(3, &[(1, out)], &nonce)),
            Err(TxError::UnsupportedOutputType { index: 0, expected: 2, found: U256::from(1) })
        );
        let zero = Output { amount: U256::ZERO, ..out };
        assert_eq!(FeeTx::decode(&encode(3, &[(2, zero)], &nonce)), Err(TxError::ZeroAmount(0)));
        let nobody = Output { owner: Address::ZERO, ..out };
        assert_eq!(FeeTx::decode(&encode(3, &[(2, nobody)], &nonce)), Err(TxError::ZeroOwner(0)));
        assert_eq!(
            FeeTx::decode(&encode(3, &[(2, out)], &nonce[..31])),
            Err(TxError::Rlp {
                field: "nonce".into(),
                source: RlpError::WrongSize { expected: 32, found: 31 }
            })
        );
    }
}
