use super::*;
use proptest::prelude::*;

/// The first implementation (levels of `BTreeMap`s, one hash at a time), kept as the
/// reference the faster tree must match byte for byte.
struct ReferenceTree {
    levels: Vec<BTreeMap<u64, B256>>,
}

impl ReferenceTree {
    fn new(leaves: BTreeMap<u64, B256>) -> Self {
        let mut levels = vec![leaves];
        for d in 0..SMT_DEPTH {
            let mut above = BTreeMap::new();
            for (&index, node) in &levels[d] {
                let sibling = levels[d].get(&(index ^ 1)).copied().unwrap_or(DEFAULTS[d]);
                let (left, right) =
                    if index & 1 == 0 { (*node, sibling) } else { (sibling, *node) };
                above.entry(index >> 1).or_insert_with(|| pair(&left, &right));
            }
            levels.push(above);
        }
        Self { levels }
    }

    fn root(&self) -> B256 {
        self.levels[SMT_DEPTH].get(&0).copied().unwrap_or(DEFAULTS[SMT_DEPTH])
    }

    fn proof(&self, slot: u64) -> Vec<u8> {
        let (mut bitmap, mut siblings) = (0u64, Vec::new());
        for d in 0..SMT_DEPTH {
            if let Some(sibling) = self.levels[d].get(&((slot >> d) ^ 1)) {
                bitmap |= 1 << d;
                siblings.extend_from_slice(sibling.as_slice());
            }
        }
        [bitmap.to_be_bytes().to_vec(), siblings].concat()
    }
}

/// Slots anywhere, or packed near 0 or near the top so that siblings meet low down.
fn arb_slot() -> impl Strategy<Value = u64> {
    prop_oneof![any::<u64>(), 0u64..64, (0u64..64).prop_map(|s| u64::MAX - s)]
}

/// Leaf hashes, sometimes the empty leaf's own hash (still a leaf: it counts in proofs).
fn arb_leaf() -> impl Strategy<Value = B256> {
    prop_oneof![4 => any::<[u8; 32]>().prop_map(B256::from), 1 => Just(DEFAULTS[0])]
}

/// Slots in clusters: a random base with a few low bits varied at a random height, so
/// that subtrees branch deep down below long lone paths (the nodes the tree does not keep).
fn arb_clustered() -> impl Strategy<Value = (Vec<u64>, Vec<u64>)> {
    (any::<u64>(), proptest::collection::vec((0usize..62, 0u64..8), 1..24), any::<u64>()).prop_map(
        |(base, offsets, salt)| {
            let slots: Vec<u64> = offsets.iter().map(|&(h, x)| base ^ (x << h)).collect();
            // Others: beside each slot (one bit flipped), and anywhere.
            let others = slots.iter().map(|s| s ^ (1 << (salt % 64))).chain([salt]).collect();
            (slots, others)
        },
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn clustered_trees_match_the_reference((slots, others) in arb_clustered()) {
        let leaves: BTreeMap<u64, B256> =
            slots.iter().map(|&s| (s, keccak256(s.to_be_bytes()))).collect();
        let tree = SparseMerkleTree::new(leaves.clone());
        let reference = ReferenceTree::new(leaves.clone());
        prop_assert_eq!(tree.root(), reference.root());
        for slot in leaves.keys().copied().chain(others) {
            let proof = tree.proof(slot);
            prop_assert_eq!(&proof, &reference.proof(slot), "slot {:#x}", slot);
            let leaf = leaves.get(&slot).copied().unwrap_or(DEFAULTS[0]);
            prop_assert_eq!(compute_root(&leaf, slot, &proof), Ok(tree.root()));
        }
    }

    #[test]
    fn the_tree_matches_the_reference(
        leaves in proptest::collection::btree_map(arb_slot(), arb_leaf(), 0..80),
        others in proptest::collection::vec(arb_slot(), 4),
    ) {
        let tree = SparseMerkleTree::new(leaves.clone());
        let reference = ReferenceTree::new(leaves.clone());
        prop_assert_eq!(tree.root(), reference.root());
        for (&slot, leaf) in &leaves {
            let proof = tree.proof(slot);
            prop_assert_eq!(&proof, &reference.proof(slot));
            prop_assert_eq!(compute_root(leaf, slot, &proof), Ok(tree.root()));
        }
        for slot in others.into_iter().filter(|s| !leaves.contains_key(s)) {
            let proof = tree.proof(slot);
            prop_assert_eq!(&proof, &reference.proof(slot));
            prop_assert_eq!(compute_root(&DEFAULTS[0], slot, &proof), Ok(tree.root()));
        }
    }
}

/// The ends of the slot range and the smallest trees, against the reference: an empty
/// tree, one leaf at either end proved from the other (a lone path up to height 63), and
/// leaves whose hash is the empty leaf's.
#[test]
fn edge_trees_match_the_reference() {
    let empty_leaves = BTreeMap::from([(0, DEFAULTS[0]), (1, DEFAULTS[0])]);
    let cases: [(BTreeMap<u64, B256>, Vec<u64>); 4] = [
        (BTreeMap::new(), vec![0, u64::MAX]),
        (BTreeMap::from([(0, B256::repeat_byte(1))]), vec![0, u64::MAX, 1]),
        (BTreeMap::from([(u64::MAX, B256::repeat_byte(2))]), vec![0, u64::MAX - 1]),
        (empty_leaves, vec![0, 1, 2, 1 << 63]),
    ];
    for (leaves, slots) in cases {
        let tree = SparseMerkleTree::new(leaves.clone());
        let reference = ReferenceTree::new(leaves.clone());
        assert_eq!(tree.root(), reference.root());
        for slot in slots {
            assert_eq!(tree.proof(slot), reference.proof(slot), "slot {slot:#x} of {leaves:?}");
            let leaf = leaves.get(&slot).copied().unwrap_or(DEFAULTS[0]);
            assert_eq!(compute_root(&leaf, slot, &tree.proof(slot)), Ok(tree.root()));
        }
    }
}

#[test]
fn transactions_round_trip_and_hash_by_the_rule() {
    let tx = CashTx {
        slot: u64::MAX,
        prev_block: U256::from(3000),
        denomination: U256::from(7),
        new_owner: Address::repeat_byte(9),
    };
    assert_eq!(CashTx::decode(&tx.encode()), Ok(tx));
    assert_eq!(tx.hash(), keccak256(tx.encode()));
    let deposit = CashTx { prev_block: U256::ZERO, ..tx };
    assert_eq!(deposit.hash(), keccak256(u64::MAX.to_be_bytes()));
    let mut wide = Vec::new();
    rlp::write_list(&mut wide, &{
        let mut p = Vec::new();
        rlp::write_uint(&mut p, U256::from(u64::MAX) + U256::from(1));
        rlp::write_uint(&mut p, U256::ZERO);
        rlp::write_uint(&mut p, U256::from(1));
        rlp::write_bytes(&mut p, Address::ZERO.as_slice());
        p
    });
    assert!(matches!(CashTx::decode(&wide), Err(CashError::SlotTooLarge(_))));
}

#[test]
fn slots_follow_the_deposit_formula() {
    let (a, b) = (Address::repeat_byte(1), Address::repeat_byte(2));
    let mut packed = 5u64.to_be_bytes().to_vec();
    packed.extend_from_slice(a.as_slice());
    packed.extend_from_slice(b.as_slice());
    let want = u64::from_be_bytes(keccak256(&packed)[..8].try_into().unwrap());
    assert_eq!(slot_of(5, a, b), want);
    assert_ne!(slot_of(6, a, b), want);
}

#[test]
fn inclusion_and_non_inclusion_proofs() {
    let leaves: BTreeMap<u64, B256> = [
        (0u64, B256::repeat_byte(1)),
        (1, B256::repeat_byte(2)),
        (u64::MAX, B256::repeat_byte(3)),
        (1 << 40, B256::repeat_byte(4)),
    ]
    .into();
    let tree = SparseMerkleTree::new(leaves.clone());
    for (&slot, leaf) in &leaves {
        let proof = tree.proof(slot);
        assert_eq!(compute_root(leaf, slot, &proof), Ok(tree.root()), "slot {slot}");
        assert_ne!(compute_root(&B256::repeat_byte(0xee), slot, &proof), Ok(tree.root()));
    }
    // An empty slot proves its emptiness with the default leaf.
    let empty = 12345u64;
    let proof = tree.proof(empty);
    assert_eq!(compute_root(&empty_subtree(0), empty, &proof), Ok(tree.root()));
    // A neighbour shares all but the lowest sibling: only 4 siblings are real here.
    assert_eq!(
        tree.proof(0).len(),
        8 + 32 * u64::from_be_bytes(tree.proof(0)[..8].try_into().unwrap()).count_ones() as usize
    );
    assert!(tree.proof(0).len() <= 8 + 32 * 4);
    let mut bad = tree.proof(0);
    bad.pop();
    assert!(matches!(
        compute_root(&B256::repeat_byte(1), 0, &bad),
        Err(CashError::BadProofLength { .. })
    ));
    assert_eq!(SparseMerkleTree::new(BTreeMap::new()).root(), empty_subtree(SMT_DEPTH));
}

#[test]
fn signatures_in_both_modes() {
    let key = PrivateKey::from_seed(b"cash");
    let tx = CashTx {
        slot: 7,
        prev_block: U256::from(1000),
        denomination: U256::from(1),
        new_owner: Address::repeat_byte(1),
    };
    let raw = tx.sign(&key);
    let parsed = CashSignature::from_slice(&raw.to_bytes()).unwrap();
    assert_eq!(parsed.recover(&tx.hash()), Ok(key.address()));
    // Signed as a wallet signs a message (EIP-191), computed by alloy independently.
    let eth = CashSignature {
        mode: SignMode::EthSigned,
        sig: key.sign(&alloy_primitives::eip191_hash_message(tx.hash())),
    };
    assert_eq!(
        CashSignature::from_slice(&eth.to_bytes()).unwrap().recover(&tx.hash()),
        Ok(key.address())
    );
    let mut bad = raw.to_bytes();
    bad[0] = 2;
    assert!(matches!(
        CashSignature::from_slice(&bad),
        Err(CashError::BadSignature { mode: Some(2), .. })
    ));
}
