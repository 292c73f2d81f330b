//! The EIP-712 signing hash of a payment transaction, as OMG Network v1 defined it.
//!
//! The domain has no chain id: `EIP712Domain(string name,string version,address
//! verifyingContract,bytes32 salt)`. Name, version and salt are chain configuration.

use crate::{
    position::UtxoPos,
    tx::{MAX_INPUTS, MAX_OUTPUTS, Output, PAYMENT_OUTPUT_TYPE, PAYMENT_TX_TYPE, PaymentTx},
};
use alloy_primitives::{Address, B256, U256, b256, keccak256};
use std::sync::LazyLock;

/// The domain type string.
pub const DOMAIN_TYPE: &str =
    "EIP712Domain(string name,string version,address verifyingContract,bytes32 salt)";
/// The transaction type string, with its referenced types appended as EIP-712 orders them.
pub const TX_TYPE: &str = "Transaction(uint256 txType,Input input0,Input input1,Input input2,Input input3,Output output0,Output output1,Output output2,Output output3,uint256 txData,bytes32 metadata)Input(uint256 blknum,uint256 txindex,uint256 oindex)Output(uint256 outputType,bytes20 outputGuard,address currency,uint256 amount)";
/// The input type string.
pub const INPUT_TYPE: &str = "Input(uint256 blknum,uint256 txindex,uint256 oindex)";
/// The output type string.
pub const OUTPUT_TYPE: &str =
    "Output(uint256 outputType,bytes20 outputGuard,address currency,uint256 amount)";

/// The salt OMG Network v1 used.
pub const OMG_SALT: B256 =
    b256!("fad5c7f626d80f9256ef01929f3beb96e058b8b4b0e3fe52d84f054c0e2a7a83");

struct TypeHashes {
    domain: B256,
    tx: B256,
    input: B256,
    output: B256,
    empty_input: B256,
    empty_output: B256,
}

static TYPE_HASHES: LazyLock<TypeHashes> = LazyLock::new(|| {
    let input = keccak256(INPUT_TYPE);
    let output = keccak256(OUTPUT_TYPE);
    TypeHashes {
        domain: keccak256(DOMAIN_TYPE),
        tx: keccak256(TX_TYPE),
        input,
        output,
        empty_input: hash_words(&[input, B256::ZERO, B256::ZERO, B256::ZERO]),
        empty_output: hash_words(&[output, B256::ZERO, B256::ZERO, B256::ZERO, B256::ZERO]),
    }
});

/// The signing domain: which chain and which framework contract a signature is for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Eip712Domain {
    /// Chain name, e.g. "OMG Network".
    pub name: String,
    /// Domain version, e.g. "1".
    pub version: String,
    /// The framework contract.
    pub verifying_contract: Address,
    /// A per-chain salt.
    pub salt: B256,
}

impl Eip712Domain {
    /// The domain OMG Network v1 used, for a given framework address.
    pub fn omg(verifying_contract: Address) -> Self {
        Self { name: "OMG Network".into(), version: "1".into(), verifying_contract, salt: OMG_SALT }
    }

    /// `hashStruct(domain)`: compute once per chain and pass it to the signing functions.
    pub fn separator(&self) -> B256 {
        hash_words(&[
            TYPE_HASHES.domain,
            keccak256(self.name.as_bytes()),
            keccak256(self.version.as_bytes()),
            self.verifying_contract.into_word(),
            self.salt,
        ])
    }
}

/// keccak256 of the words concatenated (`abi.encode` of static values).
fn hash_words(words: &[B256]) -> B256 {
    keccak256(words.concat())
}

/// `abi.encode` of `N` words, on the stack.
fn encode_words<const BYTES: usize>(words: &[B256]) -> [u8; BYTES] {
    debug_assert_eq!(words.len() * 32, BYTES);
    let mut buf = [0u8; BYTES];
    for (chunk, word) in buf.chunks_exact_mut(32).zip(words) {
        chunk.copy_from_slice(word.as_slice());
    }
    buf
}

fn word(value: U256) -> B256 {
    B256::from(value.to_be_bytes::<32>())
}

/// What `hashStruct(input)` hashes.
fn input_message(pos: UtxoPos) -> [u8; 128] {
    encode_words(&[
        TYPE_HASHES.input,
        word(pos.blknum()),
        word(U256::from(pos.txindex())),
        word(U256::from(pos.oindex())),
    ])
}

/// What `hashStruct(output)` hashes.
fn output_message(output: &Output) -> [u8; 160] {
    // outputGuard is bytes20: left-aligned in its word, unlike the address `currency`.
    let mut guard = B256::ZERO;
    guard[..20].copy_from_slice(output.owner.as_slice());
    encode_words(&[
        TYPE_HASHES.output,
        word(U256::from(PAYMENT_OUTPUT_TYPE)),
        guard,
        output.token.into_word(),
        word(output.amount),
    ])
}

/// What `hashStruct(tx)` hashes, given the hashes of its inputs and outputs; absent ones are
/// padded by the empty input and output.
fn struct_message(input_hashes: &[B256], output_hashes: &[B256], metadata: B256) -> [u8; 384] {
    let hashes = &*TYPE_HASHES;
    let mut words = [B256::ZERO; 12];
    words[0] = hashes.tx;
    words[1] = word(U256::from(PAYMENT_TX_TYPE));
    for i in 0..MAX_INPUTS {
        words[2 + i] = input_hashes.get(i).copied().unwrap_or(hashes.empty_input);
    }
    for i in 0..MAX_OUTPUTS {
        words[6 + i] = output_hashes.get(i).copied().unwrap_or(hashes.empty_output);
    }
    // words[10] is txData, always 0.
    words[11] = metadata;
    encode_words(&words)
}

/// What the signing digest hashes: `0x1901 ‖ domainSeparator ‖ hashStruct(tx)`.
fn digest_message(domain_separator: &B256, struct_hash: &B256) -> [u8; 66] {
    let mut buf = [0u8; 66];
    buf[..2].copy_from_slice(&[0x19, 0x01]);
    buf[2..34].copy_from_slice(domain_separator.as_slice());
    buf[34..].copy_from_slice(struct_hash.as_slice());
    buf
}

/// `hashStruct` over a transaction's parts. Takes the parts rather than a [`PaymentTx`] so
/// that tests can hash OMG's published fixtures, some of which are not valid transactions.
fn struct_hash_of(inputs: &[UtxoPos], outputs: &[Output], metadata: B256) -> B256 {
    let inputs: Vec<B256> = inputs.iter().map(|&p| keccak256(input_message(p))).collect();
    let outputs: Vec<B256> = outputs.iter().map(|o| keccak256(output_message(o))).collect();
    keccak256(struct_message(&inputs, &outputs, metadata))
}

impl PaymentTx {
    /// `hashStruct(tx)`.
    pub fn struct_hash(&self) -> B256 {
        struct_hash_of(self.inputs(), self.outputs(), self.metadata())
    }

    /// The digest that input owners sign: `keccak(0x1901 ‖ domainSeparator ‖ hashStruct(tx))`.
    pub fn signing_hash(&self, domain_separator: &B256) -> B256 {
        keccak256(digest_message(domain_separator, &self.struct_hash()))
    }
}

/// [`PaymentTx::signing_hash`] of each transaction, in order, with the same parts of all of
/// them hashed side by side ([`plasma_keccak::keccak256_many`]): the way to hash a batch.
pub fn signing_hashes(txs: &[&PaymentTx], domain_separator: &B256) -> Vec<B256> {
    let inputs: Vec<[u8; 128]> =
        txs.iter().flat_map(|tx| tx.inputs().iter().map(|&p| input_message(p))).collect();
    let outputs: Vec<[u8; 160]> =
        txs.iter().flat_map(|tx| tx.outputs().iter().map(output_message)).collect();
    let input_hashes = plasma_keccak::keccak256_many(&inputs);
    let output_hashes = plasma_keccak::keccak256_many(&outputs);
    let (mut next_input, mut next_output) = (0, 0);
    let structs: Vec<[u8; 384]> = txs
        .iter()
        .map(|tx| {
            let ins = &input_hashes[next_input..next_input + tx.inputs().len()];
            let outs = &output_hashes[next_output..next_output + tx.outputs().len()];
            next_input += ins.len();
            next_output += outs.len();
            struct_message(ins, outs, tx.metadata())
        })
        .collect();
    let digests: Vec<[u8; 66]> = plasma_keccak::keccak256_many(&structs)
        .iter()
        .map(|s| digest_message(domain_separator, s))
        .collect();
    plasma_keccak::keccak256_many(&digests)
}

#[cfg(test)]
mod tests {
    //! OMG Network's own published values (elixir-omg `typed_data_hash_test.exs`, "Compliance
    //! with contract code"; omg-js `structHash.test.ts`), reproduced here.
    use super::*;
    use alloy_primitives::address;

    const OWNER: Address = address!("2258a5279850f6fb78888a7e45ea2a5eb1b3c436");
    const TOKEN: Address = address!("0123456789abcdef000000000000000000000000");

    fn elixir_domain() -> B256 {
        Eip712Domain::omg(address!("44de0ec539b8c4a4b530c78620fe8320167f2f74")).separator()
    }

    fn elixir_parts() -> (Vec<UtxoPos>, Vec<Output>) {
        let inputs =
            vec![UtxoPos::new(1, 0, 0), UtxoPos::new(1000, 2, 3), UtxoPos::new(101_000, 1337, 3)];
        let out = |owner, token, amount: u64| Output { owner, token, amount: U256::from(amount) };
        let outputs = vec![
            out(OWNER, Address::ZERO, 100),
            out(TOKEN, Address::ZERO, 111),
            out(OWNER, TOKEN, 1337),
            out(Address::ZERO, Address::ZERO, 0),
        ];
        (inputs, outputs)
    }

    #[test]
    fn omg_domain_separator() {
        assert_eq!(
            elixir_domain(),
            b256!("b542beb7bafc6796b8439716a4e460a2634ac432216cebc524e54f8789e2924c")
        );
    }

    #[test]
    fn omg_type_and_part_hashes() {
        assert_eq!(
            TYPE_HASHES.input,
            b256!("5f0e06e50b513a68a090818949172483acfec769d9b7756cad7c00b26b52178c")
        );
        assert_eq!(
            TYPE_HASHES.output,
            b256!("9fd642c2bbaa2f3431add55df5d3932807048fb41b6b07d65c59e0f9ad3a8eb7")
        );
        assert_eq!(
            TYPE_HASHES.empty_input,
            b256!("1a5933eb0b3223b0500fbbe7039cab9badc006adda6cf3d337751412fd7a4b61")
        );
        assert_eq!(
            keccak256(input_message(UtxoPos::new(1, 0, 0))),
            b256!("7377afcd24fdc685fd8c6ea2b5d15a74f2c898c3d5bcce3499f448a4d68db290")
        );
        assert_eq!(
            keccak256(input_message(UtxoPos::new(101_000, 1337, 3))),
            b256!("c198a0ab9b12c3f225195cf0f7870c7ab12c316b33eb99771dfd0f3f7da455a5")
        );
        let (_, outputs) = elixir_parts();
        let want = [
            b256!("4b85fe2caac41f533c3d3b56ec75ca3363d0205e4dde63ca16b0d377fa79364d"),
            b256!("27962e5f1453285204261a3b2fe420be5ee504f3606d857e5c3120e1fc7aac3f"),
            b256!("257ce332ccd9571fb364f8abd0b22ca53cd3d7e4ba9a14fd208cdf25caf8854f"),
            b256!("168031cd8ed05efce595276a59045cabf7a33d14a4dcad1ea16fdd0c98ad7598"),
        ];
        for (output, want) in outputs.iter().zip(want) {
            assert_eq!(keccak256(output_message(output)), want);
        }
    }

    #[test]
    fn omg_struct_hashes_and_digests() {
        let (inputs, outputs) = elixir_parts();
        let meta = b256!("853a8d8af99c93405a791b97d57e819e538b06ffaa32ad70da2582500bc18d43");
        let cases = [
            (
                vec![],
                vec![],
                B256::ZERO,
                b256!("3f5b24d7cf1db32c34ae2921a3537b7af40ad7e787fb7e8e03f88715a861dfe7"),
                b256!("47f83702c496c7ebb6ec639cb11d6c8b81eb64f6d818cb087e3ed2cb92ccf1ae"),
            ),
            (
                inputs.clone(),
                outputs.clone(),
                B256::ZERO,
                b256!("d5fb24437003566da84b8948fde09c367bbf93da39cdd23390ecaa98e3054f2d"),
                b256!("aeaa272f4460436415f377cb0cefe8f2646f4457f60827519a7edf86d30c0bf0"),
            ),
            (
                inputs,
                outputs,
                meta,
                b256!("7c3f89120b00c4b1ca433811b544e8177f109c5a4ca27ff434e08b02d66e77f4"),
                b256!("e1fcd0b07d8034ac039c15c544436a95e92879689a456604cbc0e8420e6e342a"),
            ),
        ];
        for (inputs, outputs, meta, want_struct, want_digest) in cases {
            let hash = struct_hash_of(&inputs, &outputs, meta);
            assert_eq!(hash, want_struct);
            assert_eq!(keccak256(digest_message(&elixir_domain(), &hash)), want_digest);
        }
    }
}
