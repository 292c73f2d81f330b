// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title SparseMerkle
/// @notice The depth-64 sparse Merkle tree of a Plasma Cash block, keyed by coin slot
/// (SPEC.md §3, byte-compatible with Loom's Plasma Cash and crates/primitives/src/cash.rs).
///
/// Rules:
/// - An empty leaf is `D[0] = keccak256(32 zero bytes)`; the root of an empty subtree of height
///   `d` is `D[d] = keccak256(D[d-1] ‖ D[d-1])`; `D[64]` is the root of an empty block.
/// - A node is `keccak256(left ‖ right)`; at height `d` (0 = leaves) the path node is the left
///   child when bit `d` of the slot is 0, else the right child.
/// - A proof is an 8-byte big-endian bitmap, bit `d` (LSB = leaf level) set when a real sibling
///   at height `d` follows, then the set siblings bottom-up, 32 bytes each; an unset bit means
///   the sibling is `D[d]`. Its length must be exactly `8 + 32 · popcount(bitmap)` (at most
///   2,056 bytes), else `SparseMerkleBadProofLength(expected, found)` (expected 8 when the
///   proof is shorter than its bitmap).
/// - Membership of `leaf` at `slot` holds when the computed root equals the block root; a
///   non-inclusion proof is the membership of the empty leaf `D[0]`.
library SparseMerkle {
    uint256 internal constant DEPTH = 64;

    /// @dev D[0..63], 32 bytes each (checked against the definition by test/CashSparseMerkle.t.sol).
    bytes internal constant DEFAULTS =
        hex"290decd9548b62a8d60345a988386fc84ba6bc95484008f6362f93160ef3e563"
        hex"633dc4d7da7256660a892f8f1604a44b5432649cc8ec5cb3ced4c4e6ac94dd1d"
        hex"890740a8eb06ce9be422cb8da5cdafc2b58c0a5e24036c578de2a433c828ff7d"
        hex"3b8ec09e026fdc305365dfc94e189a81b38c7597b3d941c279f042e8206e0bd8"
        hex"ecd50eee38e386bd62be9bedb990706951b65fe053bd9d8a521af753d139e2da"
        hex"defff6d330bb5403f63b14f33b578274160de3a50df4efecf0e0db73bcdd3da5"
        hex"617bdd11f7c0a11f49db22f629387a12da7596f9d1704d7465177c63d88ec7d7"
        hex"292c23a9aa1d8bea7e2435e555a4a60e379a5a35f3f452bae60121073fb6eead"
        hex"e1cea92ed99acdcb045a6726b2f87107e8a61620a232cf4d7d5b5766b3952e10"
        hex"7ad66c0a68c72cb89e4fb4303841966e4062a76ab97451e3b9fb526a5ceb7f82"
        hex"e026cc5a4aed3c22a58cbd3d2ac754c9352c5436f638042dca99034e83636516"
        hex"3d04cffd8b46a874edf5cfae63077de85f849a660426697b06a829c70dd1409c"
        hex"ad676aa337a485e4728a0b240d92b3ef7b3c372d06d189322bfd5f61f1e7203e"
        hex"a2fca4a49658f9fab7aa63289c91b7c7b6c832a6d0e69334ff5b0a3483d09dab"
        hex"4ebfd9cd7bca2505f7bef59cc1c12ecc708fff26ae4af19abe852afe9e20c862"
        hex"2def10d13dd169f550f578bda343d9717a138562e0093b380a1120789d53cf10"
        hex"776a31db34a1a0a7caaf862cffdfff1789297ffadc380bd3d39281d340abd3ad"
        hex"e2e7610b87a5fdf3a72ebe271287d923ab990eefac64b6e59d79f8b7e08c46e3"
        hex"504364a5c6858bf98fff714ab5be9de19ed31a976860efbd0e772a2efe23e2e0"
        hex"4f05f4acb83f5b65168d9fef89d56d4d77b8944015e6b1eed81b0238e2d0dba3"
        hex"44a6d974c75b07423e1d6d33f481916fdd45830aea11b6347e700cd8b9f0767c"
        hex"edf260291f734ddac396a956127dde4c34c0cfb8d8052f88ac139658ccf2d507"
        hex"6075c657a105351e7f0fce53bc320113324a522e8fd52dc878c762551e01a46e"
        hex"6ca6a3f763a9395f7da16014725ca7ee17e4815c0ff8119bf33f273dee11833b"
        hex"1c25ef10ffeb3c7d08aa707d17286e0b0d3cbcb50f1bd3b6523b63ba3b52dd0f"
        hex"fffc43bd08273ccf135fd3cacbeef055418e09eb728d727c4d5d5c556cdea7e3"
        hex"c5ab8111456b1f28f3c7a0a604b4553ce905cb019c463ee159137af83c350b22"
        hex"0ff273fcbf4ae0f2bd88d6cf319ff4004f8d7dca70d4ced4e74d2c74139739e6"
        hex"7fa06ba11241ddd5efdc65d4e39c9f6991b74fd4b81b62230808216c876f827c"
        hex"7e275adf313a996c7e2950cac67caba02a5ff925ebf9906b58949f3e77aec5b9"
        hex"8f6162fa308d2b3a15dc33cffac85f13ab349173121645aedf00f471663108be"
        hex"78ccaaab73373552f207a63599de54d7d8d0c1805f86ce7da15818d09f4cff62"
        hex"cf277fb80a82478460e8988570b718f1e083ceb76f7e271a1a1497e5975f53ae"
        hex"4bf6ffa2bc131204513289738567a68fa9f4827dac7fd3b3d1f2e94777d57f36"
        hex"b49d61e8c2c894e12486176ab8f4d7069d6692fa6495541567872e7ecbddb726"
        hex"202b1014739f29b1d905d630ddeb8560a32bf23e666c8a1523a4a600227fef7c"
        hex"9e1d1ce5cdca9cdf40fa5786548b58eb19ddfd32395b4582983919099dbd1531"
        hex"13784d01e2fae904de62c6fbf9776979ca7a2777ae2632ee278d19aca30f890e"
        hex"68c477f83a13a000ad2b5b3e50375b7c3ae782d987ba4b5a65376bbb97469fb3"
        hex"71e37864edf08740d592362cd24d0db067bf14cd3b97bd2a68e782adffb43655"
        hex"88d0cc35e8abe7d6524569be8aa1a48bb23362326fdfefe961348bc96091c94c"
        hex"8545f2c1afdace5d87f06ce1d44bc0a2691aea4414d0ad640be0d9879c8374d9"
        hex"2360c4480d69879eadd7ae508409f2f0ba83a2b0fe0da57b40008c064d2c397d"
        hex"31763a8e1dedb15ad0c8b88d437fef835aeb958292644810663dc1756550f22b"
        hex"fa4c9b1172ab5afebd159573e19e25169975242e10a2ed38dfc805232fb50a64"
        hex"3528594d65e9525233b39587174bcf0bba562d95b50b429914c7e0e8a9ae58f9"
        hex"1765922797ba721e8937c7470a26d5c2f141f3d4106447dab171fced7d652a69"
        hex"f0573e660ba01cff272a1c6f7927d73c94c85d380a84399867626d6429d48bae"
        hex"31682c19f715cd317da1a553ce384de6902fe26032fecc7de03e40502af05dce"
        hex"d50c6062bfcd7bbd0dbd68d1ddeeae095485720a1ce334e9e5e5153066f42260"
        hex"e0bcfbd03fa4a619a5bc3cae15404f39b4b7bf5ddd5161ea642d13d23baef545"
        hex"acb98b6fb1a5fdae0a5718d0b812e1de1412e44d875146acc1a7f7c3916c003a"
        hex"bb1ff291eb2e614a661d6730b502bae2bde112958cee698478845a1bb3788a6b"
        hex"9a91f4c19545d6cd9720d4736591fe70edcf3e33cb2e56f21fdc1244f3d2ef6d"
        hex"bdf82c7d252d69c64bd6fa8ee66ad9d30241016981e4580e3c2edc4804b75236"
        hex"63bc3b9e8340ab48a66828d7d9d7d5be2f5f280665196d25a39c4d01345cb95e"
        hex"a962e4bd7d1f316f845784e115ff103530d85f9dfacd638ad45fbe938ba85c40"
        hex"b3f100a0f506f6a6c86c10f107ab4811ddc76f72516fcdfa8a0c9bd71ff912ab"
        hex"e7e8dbc3898515970ca6fce19039ca22ae2638e44b24641fd61048b94dc2be25"
        hex"31d0f66ab43019856780cb246cfd37b0c190d17111d5c016f19ba715ee622dc5"
        hex"acd2f3dfd43e9a01bc64a9c4ac8ac8a2b29f3274131a12010b42b8c830e879bf"
        hex"a231361ad3389fe6f2b62a46cf677d6c5f7b79964c30a2c34aa4fc3392f501c9"
        hex"140ab49cc3bb44e342655a521185933b2230ec274ff5304b2cead9873a822863"
        hex"10c710f9205b30e8a7163edbfcd85e8fbaf2f3fe442f2ee4af580e28b2df1180";

    /// @notice The root of an empty tree, D[64].
    bytes32 internal constant EMPTY_ROOT =
        0x6f35419d1da1260bc0f33d52e8f6d73fc5d672c0dca13bb960b4ae1adec17937;

    /// @notice The proof is `found` bytes long; its bitmap announces `expected`.
    error SparseMerkleBadProofLength(uint256 expected, uint256 found);
    /// @notice Heights go from 0 (leaf) to 64 (root); `level` is beyond.
    error SparseMerkleLevelOutOfRange(uint256 level);

    /// @notice The root of an empty subtree of height `level` (0: the empty leaf, 64: an empty
    /// tree).
    function emptySubtree(uint256 level) internal pure returns (bytes32 d) {
        if (level > DEPTH) revert SparseMerkleLevelOutOfRange(level);
        if (level == DEPTH) return EMPTY_ROOT;
        bytes memory defaults = DEFAULTS;
        assembly ("memory-safe") {
            d := mload(add(add(defaults, 0x20), shl(5, level)))
        }
    }

    /// @notice The root that `proof` gives for `leaf` at `slot`.
    function computeRoot(bytes32 leaf, uint64 slot, bytes memory proof)
        internal
        pure
        returns (bytes32 node)
    {
        uint256 len = proof.length;
        if (len < 8) revert SparseMerkleBadProofLength(8, len);
        uint256 bitmap;
        assembly ("memory-safe") {
            bitmap := shr(192, mload(add(proof, 0x20)))
        }
        uint256 expected = 8 + 32 * _popcount(bitmap);
        if (len != expected) revert SparseMerkleBadProofLength(expected, len);
        bytes memory defaults = DEFAULTS;
        assembly ("memory-safe") {
            let sibPtr := add(proof, 0x28)
            let defPtr := add(defaults, 0x20)
            node := leaf
            for { let d := 0 } lt(d, 64) { d := add(d, 1) } {
                let sibling
                switch and(shr(d, bitmap), 1)
                case 1 {
                    sibling := mload(sibPtr)
                    sibPtr := add(sibPtr, 0x20)
                }
                default { sibling := mload(add(defPtr, shl(5, d))) }
                // Scratch space 0x00..0x3f: left ‖ right.
                let right := and(shr(d, slot), 1)
                mstore(shl(5, right), node)
                mstore(shl(5, xor(right, 1)), sibling)
                node := keccak256(0x00, 0x40)
            }
        }
    }

    /// @notice Whether `proof` shows `leaf` at `slot` in the tree of `root` (reverts on a
    /// malformed proof).
    function checkMembership(bytes32 leaf, uint64 slot, bytes32 root, bytes memory proof)
        internal
        pure
        returns (bool)
    {
        return computeRoot(leaf, slot, proof) == root;
    }

    /// @dev The number of set bits of a 64-bit value.
    function _popcount(uint256 x) private pure returns (uint256) {
        unchecked {
            x = x - ((x >> 1) & 0x5555555555555555);
            x = (x & 0x3333333333333333) + ((x >> 2) & 0x3333333333333333);
            x = (x + (x >> 4)) & 0x0f0f0f0f0f0f0f0f;
            return ((x * 0x0101010101010101) & 0xffffffffffffffff) >> 56;
        }
    }
}
