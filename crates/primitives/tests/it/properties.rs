//! Properties of the codec and the tree over random input.

use plasma_primitives::{
    B256, MerkleTree, PaymentTx, SignedTx, eip712,
    merkle::{self, MerkleError},
    testing::{Edit, arb_edit, arb_key, arb_tx},
};
use proptest::prelude::*;

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    /// A batch's signing hashes (parts hashed side by side) are each transaction's own.
    #[test]
    fn signing_hashes_of_a_batch_are_each_ones_own(
        txs in proptest::collection::vec(arb_tx(), 0..24),
        domain in any::<[u8; 32]>(),
    ) {
        let domain = B256::from(domain);
        let refs: Vec<&PaymentTx> = txs.iter().collect();
        let one_by_one: Vec<B256> = txs.iter().map(|tx| tx.signing_hash(&domain)).collect();
        prop_assert_eq!(eip712::signing_hashes(&refs, &domain), one_by_one);
    }

    /// Leaves hashed side by side are each leaf's own hash.
    #[test]
    fn leaf_hashes_of_a_batch_are_each_ones_own(
        leaves in proptest::collection::vec(proptest::collection::vec(any::<u8>(), 0..300), 0..40),
    ) {
        let one_by_one: Vec<B256> = leaves.iter().map(|l| merkle::leaf_hash(l)).collect();
        prop_assert_eq!(merkle::leaf_hashes(&leaves), one_by_one);
    }

    #[test]
    fn encode_then_decode_is_identity(tx in arb_tx()) {
        prop_assert_eq!(PaymentTx::decode(&tx.encode()), Ok(tx));
    }

    /// Strictness: whatever decodes was the one canonical encoding of what it decodes to.
    #[test]
    fn any_accepted_bytes_are_canonical(bytes in proptest::collection::vec(any::<u8>(), 0..300)) {
        if let Ok(tx) = PaymentTx::decode(&bytes) {
            prop_assert_eq!(tx.encode(), bytes);
        }
    }

    /// Near-misses of valid encodings are either refused or still canonical.
    #[test]
    fn edits_of_valid_txs_are_refused_or_canonical(tx in arb_tx(), edit in arb_edit()) {
        let edited = edit.apply(&tx.encode());
        if let Ok(decoded) = PaymentTx::decode(&edited) {
            prop_assert_eq!(decoded.encode(), edited);
        }
    }

    #[test]
    fn signed_round_trip_recovers_signers(tx in arb_tx(), key in arb_key(), domain: [u8; 32]) {
        let domain = B256::from(domain);
        let n = tx.inputs().len();
        let keys = vec![&key; n];
        let signed = tx.sign(&keys, &domain).unwrap();
        let bytes = signed.encode();
        prop_assert_eq!(SignedTx::decode(&bytes), Ok(signed.clone()));
        prop_assert_eq!(signed.signers(&domain).unwrap(), vec![key.address(); n]);
        let edited = Edit::Set(bytes.len() / 2, bytes[bytes.len() / 2] ^ 1).apply(&bytes);
        if let Ok(decoded) = SignedTx::decode(&edited) {
            prop_assert_eq!(decoded.encode(), edited);
        }
    }

    #[test]
    fn every_leaf_proves_and_nothing_else_does(
        leaves in proptest::collection::vec(proptest::collection::vec(any::<u8>(), 0..40), 1..200),
        pick: usize,
        flip: usize,
    ) {
        let tree = MerkleTree::from_leaves(&leaves).unwrap();
        let i = pick % leaves.len();
        let proof = tree.proof(i as u64).unwrap();
        prop_assert_eq!(merkle::verify(&leaves[i], i as u64, &tree.root(), &proof), Ok(()));
        let mut bad = proof.clone();
        bad[flip % merkle::PROOF_LEN] ^= 1;
        let tampered = merkle::verify(&leaves[i], i as u64, &tree.root(), &bad);
        prop_assert!(
            matches!(tampered, Err(MerkleError::RootMismatch { .. })),
            "a flipped proof bit must change the root"
        );
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Plasma Cash: every coin proves its leaf, and any other slot proves its emptiness.
    #[test]
    fn sparse_tree_proves_inclusion_and_absence(
        leaves in proptest::collection::btree_map(any::<u64>(), any::<[u8; 32]>(), 1..40),
        absent: u64,
    ) {
        use plasma_primitives::cash::{SparseMerkleTree, compute_root, empty_subtree};
        let leaves: std::collections::BTreeMap<u64, B256> = leaves.into_iter().map(|(k, v)| (k, B256::from(v))).collect();
        let tree = SparseMerkleTree::new(leaves.clone());
        for (&slot, leaf) in &leaves {
            prop_assert_eq!(compute_root(leaf, slot, &tree.proof(slot)), Ok(tree.root()));
        }
        if !leaves.contains_key(&absent) {
            prop_assert_eq!(compute_root(&empty_subtree(0), absent, &tree.proof(absent)), Ok(tree.root()));
        }
    }
}
