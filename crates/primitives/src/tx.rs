//! The payment transaction of SPEC §2: unsigned, signed and deposit forms, with a strict codec.
//!
//! ```text
//! tx     = [txType = 1, [input, …], [output, …], txData = 0, metadata (32 bytes)]
//! input  = 32-byte big-endian utxoPos, non-zero, no duplicates, 0–4 of them
//! output = [outputType = 1, [owner (20 bytes, non-zero), token (20 bytes), amount (> 0)]], 1–4
//! signed = [[sig, …], txType, inputs, outputs, txData, metadata], one 65-byte sig per input
//! ```

use crate::fee::{FEE_TX_TYPE, FeeTx};
use crate::{
    position::UtxoPos,
    rlp::{self, Item, RlpError},
    signature::{PrivateKey, Signature, SignatureError},
};
use alloy_primitives::{Address, B256, U256, keccak256};

/// The only transaction type of the payment chain.
pub const PAYMENT_TX_TYPE: u8 = 1;
/// The only output type of the payment chain.
pub const PAYMENT_OUTPUT_TYPE: u8 = 1;
/// Most inputs a transaction may spend.
pub const MAX_INPUTS: usize = 4;
/// Most outputs a transaction may create.
pub const MAX_OUTPUTS: usize = 4;

/// Why bytes are not a valid payment transaction, naming the field at fault.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TxError {
    /// The RLP of `field` breaks a strictness rule.
    #[error("{field}: {source}")]
    Rlp {
        /// Where in the transaction, e.g. `outputs[1].amount`.
        field: String,
        /// What was wrong.
        source: RlpError,
    },
    /// `txType` is not the one of the form decoded (1 for a payment, 3 for a fee claim).
    #[error("txType must be {PAYMENT_TX_TYPE} (payment) or {FEE_TX_TYPE} (fee claim), found {0}")]
    UnsupportedTxType(U256),
    /// A fee transaction without exactly one output.
    #[error("a fee transaction has exactly one output, found {0}")]
    FeeOutputCount(usize),
    /// More than four inputs.
    #[error("at most {MAX_INPUTS} inputs are allowed, found {0}")]
    TooManyInputs(usize),
    /// No outputs.
    #[error("a transaction needs at least one output")]
    NoOutputs,
    /// More than four outputs.
    #[error("at most {MAX_OUTPUTS} outputs are allowed, found {0}")]
    TooManyOutputs(usize),
    /// An input of 32 zero bytes.
    #[error("inputs[{0}] is zero")]
    ZeroInput(usize),
    /// The same input twice.
    #[error("inputs[{index}] repeats input {pos}")]
    DuplicateInput {
        /// The later of the two.
        index: usize,
        /// The repeated position.
        pos: U256,
    },
    /// An output type other than the transaction's (1 in a payment, 2 in a fee claim).
    #[error("outputs[{index}].outputType must be {expected}, found {found}")]
    UnsupportedOutputType {
        /// Which output.
        index: usize,
        /// The type the transaction's outputs have.
        expected: u8,
        /// The type found.
        found: U256,
    },
    /// An output owned by the zero address.
    #[error("outputs[{0}].owner is the zero address")]
    ZeroOwner(usize),
    /// An output of amount zero.
    #[error("outputs[{0}].amount is zero")]
    ZeroAmount(usize),
    /// `txData` is not 0.
    #[error("txData must be 0, found {0}")]
    NonZeroTxData(U256),
    /// A signed transaction whose signature count differs from its input count.
    #[error("{inputs} inputs need {inputs} signatures, found {signatures}")]
    SignatureCount {
        /// Inputs in the transaction.
        inputs: usize,
        /// Signatures given.
        signatures: usize,
    },
}

/// One payment output: `amount` of `token` (zero address = ETH) owned by `owner`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Output {
    /// Who may spend it.
    pub owner: Address,
    /// The token contract, or the zero address for ETH.
    pub token: Address,
    /// How much, in the token's base unit.
    pub amount: U256,
}

/// An unsigned payment transaction, valid in form by construction.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PaymentTx {
    inputs: Vec<UtxoPos>,
    outputs: Vec<Output>,
    metadata: B256,
}

/// Names the field of an RLP error. Only on the error path is the name allocated: decoding
/// runs once per transaction on the hot path.
pub(crate) fn rlp_at(field: &'static str) -> impl FnOnce(RlpError) -> TxError {
    move |source| TxError::Rlp { field: field.into(), source }
}

/// [`rlp_at`] for a name built from the position (`inputs[2]`), built only on error.
fn rlp_at_with(field: impl FnOnce() -> String) -> impl FnOnce(RlpError) -> TxError {
    move |source| TxError::Rlp { field: field(), source }
}

impl PaymentTx {
    /// A transaction, checked against the format rules.
    pub fn new(
        inputs: Vec<UtxoPos>,
        outputs: Vec<Output>,
        metadata: B256,
    ) -> Result<Self, TxError> {
        if inputs.len() > MAX_INPUTS {
            return Err(TxError::TooManyInputs(inputs.len()));
        }
        if outputs.is_empty() {
            return Err(TxError::NoOutputs);
        }
        if outputs.len() > MAX_OUTPUTS {
            return Err(TxError::TooManyOutputs(outputs.len()));
        }
        for (index, pos) in inputs.iter().enumerate() {
            if inputs[..index].contains(pos) {
                return Err(TxError::DuplicateInput { index, pos: pos.raw() });
            }
        }
        for (index, out) in outputs.iter().enumerate() {
            if out.owner.is_zero() {
                return Err(TxError::ZeroOwner(index));
            }
            if out.amount.is_zero() {
                return Err(TxError::ZeroAmount(index));
            }
        }
        Ok(Self { inputs, outputs, metadata })
    }

    /// A deposit: no inputs, one output, zero metadata.
    pub fn deposit(owner: Address, token: Address, amount: U256) -> Result<Self, TxError> {
        Self::new(vec![], vec![Output { owner, token, amount }], B256::ZERO)
    }

    /// The inputs, in order.
    pub fn inputs(&self) -> &[UtxoPos] {
        &self.inputs
    }

    /// The outputs, in order.
    pub fn outputs(&self) -> &[Output] {
        &self.outputs
    }

    /// The 32 bytes of metadata.
    pub fn metadata(&self) -> B256 {
        self.metadata
    }

    /// Whether this is a deposit (no inputs, exactly one output).
    pub fn is_deposit(&self) -> bool {
        self.inputs.is_empty() && self.outputs.len() == 1
    }

    /// The unsigned RLP bytes, the form that is hashed into blocks.
    pub fn encode(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(64 + 33 * self.inputs.len() + 80 * self.outputs.len());
        rlp::write_list(&mut out, &self.encode_fields());
        out
    }

    /// The five fields' encodings, concatenated (the payload of the unsigned list).
    fn encode_fields(&self) -> Vec<u8> {
        let mut fields = Vec::with_capacity(48 + 33 * self.inputs.len() + 80 * self.outputs.len());
        rlp::write_uint(&mut fields, U256::from(PAYMENT_TX_TYPE));
        let mut inputs = Vec::with_capacity(33 * self.inputs.len());
        for pos in &self.inputs {
            rlp::write_bytes(&mut inputs, &pos.to_bytes());
        }
        rlp::write_list(&mut fields, &inputs);
        let mut outputs = Vec::with_capacity(80 * self.outputs.len());
        for out in &self.outputs {
            let mut guard = Vec::with_capacity(78);
            rlp::write_bytes(&mut guard, out.owner.as_slice());
            rlp::write_bytes(&mut guard, out.token.as_slice());
            rlp::write_uint(&mut guard, out.amount);
            let mut output = Vec::with_capacity(80);
            rlp::write_uint(&mut output, U256::from(PAYMENT_OUTPUT_TYPE));
            rlp::write_list(&mut output, &guard);
            rlp::write_list(&mut outputs, &output);
        }
        rlp::write_list(&mut fields, &outputs);
        rlp::write_uint(&mut fields, U256::ZERO);
        rlp::write_bytes(&mut fields, self.metadata.as_slice());
        fields
    }

    /// Decodes unsigned transaction bytes under the strict rules.
    pub fn decode(bytes: &[u8]) -> Result<Self, TxError> {
        let top = Item::decode_exact(bytes).map_err(rlp_at("transaction"))?;
        let [tx_type, inputs, outputs, tx_data, metadata] =
            top.list_of::<5>().map_err(rlp_at("transaction"))?;
        Self::decode_fields(tx_type, inputs, outputs, tx_data, metadata)
    }

    fn decode_fields(
        tx_type: Item<'_>,
        inputs: Item<'_>,
        outputs: Item<'_>,
        tx_data: Item<'_>,
        metadata: Item<'_>,
    ) -> Result<Self, TxError> {
        let tx_type = tx_type.uint().map_err(rlp_at("txType"))?;
        if tx_type != U256::from(PAYMENT_TX_TYPE) {
            return Err(TxError::UnsupportedTxType(tx_type));
        }

        let input_items = inputs.list().map_err(rlp_at("inputs"))?;
        if input_items.len() > MAX_INPUTS {
            return Err(TxError::TooManyInputs(input_items.len()));
        }
        let mut positions = Vec::with_capacity(input_items.len());
        for (index, item) in input_items.into_iter().enumerate() {
            let raw = item.fixed::<32>().map_err(rlp_at_with(|| format!("inputs[{index}]")))?;
            let pos =
                UtxoPos::from_raw(U256::from_be_bytes(raw)).ok_or(TxError::ZeroInput(index))?;
            positions.push(pos);
        }

        let output_items = outputs.list().map_err(rlp_at("outputs"))?;
        if output_items.is_empty() {
            return Err(TxError::NoOutputs);
        }
        if output_items.len() > MAX_OUTPUTS {
            return Err(TxError::TooManyOutputs(output_items.len()));
        }
        let mut outs = Vec::with_capacity(output_items.len());
        for (index, item) in output_items.into_iter().enumerate() {
            outs.push(decode_output(index, item)?);
        }

        let tx_data = tx_data.uint().map_err(rlp_at("txData"))?;
        if !tx_data.is_zero() {
            return Err(TxError::NonZeroTxData(tx_data));
        }
        let metadata = B256::from(metadata.fixed::<32>().map_err(rlp_at("metadata"))?);
        Self::new(positions, outs, metadata)
    }

    /// keccak256 of the unsigned bytes: the transaction's id.
    pub fn hash(&self) -> B256 {
        keccak256(self.encode())
    }

    /// Signs with one key per input, in input order, over the EIP-712 digest.
    pub fn sign(self, keys: &[&PrivateKey], domain_separator: &B256) -> Result<SignedTx, TxError> {
        if keys.len() != self.inputs.len() {
            return Err(TxError::SignatureCount {
                inputs: self.inputs.len(),
                signatures: keys.len(),
            });
        }
        let digest = self.signing_hash(domain_separator);
        let signatures = keys.iter().map(|key| key.sign(&digest)).collect();
        Ok(SignedTx { tx: self, signatures })
    }
}

fn decode_output(index: usize, item: Item<'_>) -> Result<Output, TxError> {
    decode_output_of_type(index, item, PAYMENT_OUTPUT_TYPE)
}

/// Decodes output `index`, whose type must be `expected`.
pub(crate) fn decode_output_of_type(
    index: usize,
    item: Item<'_>,
    expected: u8,
) -> Result<Output, TxError> {
    let field = |name: &str| format!("outputs[{index}]{name}");
    let [output_type, guard] = item.list_of::<2>().map_err(rlp_at_with(|| field("")))?;
    let output_type = output_type.uint().map_err(rlp_at_with(|| field(".outputType")))?;
    if output_type != U256::from(expected) {
        return Err(TxError::UnsupportedOutputType { index, expected, found: output_type });
    }
    let [owner, token, amount] = guard.list_of::<3>().map_err(rlp_at_with(|| field(".data")))?;
    let owner = Address::from(owner.fixed::<20>().map_err(rlp_at_with(|| field(".owner")))?);
    let token = Address::from(token.fixed::<20>().map_err(rlp_at_with(|| field(".token")))?);
    let amount = amount.uint().map_err(rlp_at_with(|| field(".amount")))?;
    Ok(Output { owner, token, amount })
}

/// A payment transaction with one signature per input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedTx {
    tx: PaymentTx,
    signatures: Vec<Signature>,
}

impl SignedTx {
    /// Pairs a transaction with its signatures; their count must match the inputs.
    pub fn new(tx: PaymentTx, signatures: Vec<Signature>) -> Result<Self, TxError> {
        if signatures.len() != tx.inputs.len() {
            return Err(TxError::SignatureCount {
                inputs: tx.inputs.len(),
                signatures: signatures.len(),
            });
        }
        Ok(Self { tx, signatures })
    }

    /// The transaction that was signed.
    pub fn tx(&self) -> &PaymentTx {
        &self.tx
    }

    /// The signatures, in input order.
    pub fn signatures(&self) -> &[Signature] {
        &self.signatures
    }

    /// The signed RLP bytes: `[[sig, …], txType, inputs, outputs, txData, metadata]`.
    pub fn encode(&self) -> Vec<u8> {
        let mut sigs = Vec::with_capacity(67 * self.signatures.len());
        for sig in &self.signatures {
            rlp::write_bytes(&mut sigs, sig.as_bytes());
        }
        let mut payload = Vec::new();
        rlp::write_list(&mut payload, &sigs);
        payload.extend_from_slice(&self.tx.encode_fields());
        let mut out = Vec::with_capacity(payload.len() + 3);
        rlp::write_list(&mut out, &payload);
        out
    }

    /// The unsigned bytes of the transaction whose signed bytes are `signed` (as
    /// [`SignedTx::decode`] accepted them): the fields after the signatures under a list header
    /// of their own, sliced rather than re-encoded.
    pub fn unsigned_bytes_of(signed: &[u8]) -> Result<Vec<u8>, TxError> {
        let Item::List(payload) =
            Item::decode_exact(signed).map_err(rlp_at("signed transaction"))?
        else {
            return Err(rlp_at("signed transaction")(crate::rlp::RlpError::ExpectedList));
        };
        let sigs = crate::rlp::item_len(payload).map_err(rlp_at("signatures"))?;
        let mut out = Vec::with_capacity(payload.len() - sigs + 3);
        rlp::write_list(&mut out, &payload[sigs..]);
        Ok(out)
    }

    /// Decodes signed transaction bytes under the strict rules.
    pub fn decode(bytes: &[u8]) -> Result<Self, TxError> {
        let top = Item::decode_exact(bytes).map_err(rlp_at("signed transaction"))?;
        let [sigs, tx_type, inputs, outputs, tx_data, metadata] =
            top.list_of::<6>().map_err(rlp_at("signed transaction"))?;
        let tx = PaymentTx::decode_fields(tx_type, inputs, outputs, tx_data, metadata)?;
        let sig_items = sigs.list().map_err(rlp_at("signatures"))?;
        let mut signatures = Vec::with_capacity(sig_items.len());
        for (index, item) in sig_items.into_iter().enumerate() {
            let raw = item.fixed::<65>().map_err(rlp_at_with(|| format!("signatures[{index}]")))?;
            signatures.push(Signature::from_bytes(raw));
        }
        Self::new(tx, signatures)
    }

    /// The signer of each input, in order.
    pub fn signers(&self, domain_separator: &B256) -> Result<Vec<Address>, SignatureError> {
        let digest = self.tx.signing_hash(domain_separator);
        self.signatures.iter().map(|sig| sig.recover(&digest)).collect()
    }
}

/// Either form of transaction bytes, as tools accept them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AnyTx {
    /// Unsigned bytes.
    Unsigned(PaymentTx),
    /// Signed bytes.
    Signed(SignedTx),
}

impl AnyTx {
    /// Decodes signed or unsigned bytes, telling them apart by their item count (6 or 5).
    pub fn decode(bytes: &[u8]) -> Result<Self, TxError> {
        let items =
            Item::decode_exact(bytes).and_then(Item::list).map_err(rlp_at("transaction"))?;
        match items.len() {
            6 => SignedTx::decode(bytes).map(AnyTx::Signed),
            _ => PaymentTx::decode(bytes).map(AnyTx::Unsigned),
        }
    }

    /// The transaction itself, whichever form it came in.
    pub fn tx(&self) -> &PaymentTx {
        match self {
            AnyTx::Unsigned(tx) => tx,
            AnyTx::Signed(signed) => signed.tx(),
        }
    }
}

/// A transaction as a block holds it: a signed payment or a fee claim. Blocks store and
/// serve these bytes; the Merkle leaf is [`BlockTx::unsigned`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BlockTx {
    /// A payment with its signatures.
    Payment(SignedTx),
    /// A fee claim (no signatures).
    Fee(FeeTx),
}

impl BlockTx {
    /// Decodes a block's transaction bytes, telling the kinds apart by their item count (6 for
    /// a signed payment, 3 for a fee claim).
    pub fn decode(bytes: &[u8]) -> Result<Self, TxError> {
        let items =
            Item::decode_exact(bytes).and_then(Item::list).map_err(rlp_at("transaction"))?;
        match items.len() {
            3 => FeeTx::decode(bytes).map(BlockTx::Fee),
            _ => SignedTx::decode(bytes).map(BlockTx::Payment),
        }
    }

    /// The unsigned bytes: the block's leaf.
    pub fn unsigned(&self) -> Vec<u8> {
        match self {
            BlockTx::Payment(signed) => signed.tx().encode(),
            BlockTx::Fee(fee) => fee.encode(),
        }
    }
}

/// The unsigned bytes of a block's leaf, of either kind: what an exit shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChainTx {
    /// A payment (or a deposit).
    Payment(PaymentTx),
    /// A fee claim.
    Fee(FeeTx),
}

impl ChainTx {
    /// Decodes unsigned bytes, telling the kinds apart by their item count (5 or 3).
    pub fn decode(bytes: &[u8]) -> Result<Self, TxError> {
        let items =
            Item::decode_exact(bytes).and_then(Item::list).map_err(rlp_at("transaction"))?;
        match items.len() {
            3 => FeeTx::decode(bytes).map(ChainTx::Fee),
            _ => PaymentTx::decode(bytes).map(ChainTx::Payment),
        }
    }

    /// The outputs, in order (a fee claim has one).
    pub fn outputs(&self) -> &[Output] {
        match self {
            ChainTx::Payment(tx) => tx.outputs(),
            ChainTx::Fee(fee) => std::slice::from_ref(fee.output()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn addr(byte: u8) -> Address {
        Address::repeat_byte(byte)
    }

    fn sample() -> PaymentTx {
        PaymentTx::new(
            vec![UtxoPos::new(1000, 0, 0), UtxoPos::new(2001, 0, 0)],
            vec![
                Output { owner: addr(1), token: Address::ZERO, amount: U256::from(100) },
                Output { owner: addr(2), token: addr(9), amount: U256::from(1u64 << 60) },
            ],
            B256::repeat_byte(0xab),
        )
        .unwrap()
    }

    #[test]
    fn round_trips() {
        let tx = sample();
        let bytes = tx.encode();
        assert_eq!(PaymentTx::decode(&bytes), Ok(tx.clone()));
        let dep = PaymentTx::deposit(addr(3), Address::ZERO, U256::from(5)).unwrap();
        assert!(dep.is_deposit());
        assert_eq!(PaymentTx::decode(&dep.encode()), Ok(dep));
    }

    #[test]
    fn signed_round_trips_and_recovers() {
        let domain = B256::repeat_byte(7);
        let (a, b) = (PrivateKey::from_seed(b"a"), PrivateKey::from_seed(b"b"));
        let signed = sample().sign(&[&a, &b], &domain).unwrap();
        let bytes = signed.encode();
        assert_eq!(SignedTx::decode(&bytes), Ok(signed.clone()));
        assert_eq!(signed.signers(&domain), Ok(vec![a.address(), b.address()]));
        assert_eq!(AnyTx::decode(&bytes).unwrap().tx(), signed.tx());
        assert_eq!(AnyTx::decode(&signed.tx().encode()).unwrap().tx(), signed.tx());
        let short = sample().sign(&[&a], &domain).unwrap_err();
        assert_eq!(short, TxError::SignatureCount { inputs: 2, signatures: 1 });
    }

    #[test]
    fn constructor_enforces_rules() {
        let out = Output { owner: addr(1), token: Address::ZERO, amount: U256::from(1) };
        let pos = |i: u8| UtxoPos::new(1000, 0, i);
        assert_eq!(PaymentTx::new(vec![], vec![], B256::ZERO), Err(TxError::NoOutputs));
        assert_eq!(
            PaymentTx::new(vec![], vec![out; 5], B256::ZERO),
            Err(TxError::TooManyOutputs(5))
        );
        let five = (0..5).map(pos).collect();
        assert_eq!(PaymentTx::new(five, vec![out], B256::ZERO), Err(TxError::TooManyInputs(5)));
        assert_eq!(
            PaymentTx::new(vec![pos(1), pos(1)], vec![out], B256::ZERO),
            Err(TxError::DuplicateInput { index: 1, pos: pos(1).raw() })
        );
        let zero_owner = Output { owner: Address::ZERO, ..out };
        assert_eq!(
            PaymentTx::new(vec![], vec![zero_owner], B256::ZERO),
            Err(TxError::ZeroOwner(0))
        );
        let zero_amount = Output { amount: U256::ZERO, ..out };
        assert_eq!(
            PaymentTx::new(vec![], vec![out, zero_amount], B256::ZERO),
            Err(TxError::ZeroAmount(1))
        );
    }
}
