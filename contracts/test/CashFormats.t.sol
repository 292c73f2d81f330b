// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Test} from "./utils/Test.sol";
import {CashTree} from "./utils/CashTree.sol";
import {RlpEncode} from "./utils/RlpEncode.sol";
import {CashFormatsHarness} from "../src/harness/CashFormatsHarness.sol";
import {CashTransaction} from "../src/lib/CashTransaction.sol";
import {CashSignature} from "../src/lib/CashSignature.sol";
import {SparseMerkle} from "../src/lib/SparseMerkle.sol";
import {Signature} from "../src/lib/Signature.sol";
import {Rlp} from "../src/lib/Rlp.sol";

/// @notice CashTransaction: decoding, strictness, the hash rule and the slot formula.
contract CashTransactionTest is Test {
    CashFormatsHarness internal h;

    function setUp() public {
        h = new CashFormatsHarness();
    }

    function test_decode_fields() public view {
        bytes memory t = CashTree.encodeTx(type(uint64).max, 3000, 7, address(0x0909));
        (uint64 slot, uint256 prev, uint256 denom, address owner) = h.decode(t);
        assertEq(slot, type(uint64).max, "slot");
        assertEq(prev, 3000, "prevBlock");
        assertEq(denom, 7, "denomination");
        assertEq(owner, address(0x0909), "newOwner");
        assertEq(h.txHash(t), keccak256(t), "hash = keccak(rlp)");
    }

    function test_depositHash() public view {
        bytes memory t = CashTree.encodeTx(type(uint64).max, 0, 7, address(9));
        bytes32 want = keccak256(hex"ffffffffffffffff");
        assertEq(h.txHash(t), want, "deposit hash = keccak(slot as 8 bytes)");
        assertEq(h.depositHash(type(uint64).max), want, "depositHash");
        assertEq(h.depositHash(1), keccak256(hex"0000000000000001"), "depositHash(1)");
    }

    function test_rejects_slotTooLarge() public {
        bytes[] memory items = new bytes[](4);
        items[0] = RlpEncode.uintItem(uint256(type(uint64).max) + 1);
        items[1] = RlpEncode.uintItem(0);
        items[2] = RlpEncode.uintItem(1);
        items[3] = RlpEncode.addressItem(address(0));
        bytes memory t = RlpEncode.list(items);
        vm.expectRevert(
            abi.encodeWithSelector(
                CashTransaction.CashTxSlotTooLarge.selector, uint256(type(uint64).max) + 1
            )
        );
        h.decode(t);
    }

    function test_rejects_wrongFieldCount() public {
        bytes memory three =
            RlpEncode.list3(RlpEncode.uintItem(1), RlpEncode.uintItem(1), RlpEncode.uintItem(1));
        vm.expectRevert(abi.encodeWithSelector(CashTransaction.CashTxWrongFieldCount.selector, 3));
        h.decode(three);
        bytes[] memory items = new bytes[](5);
        for (uint256 i; i < 4; ++i) {
            items[i] = RlpEncode.uintItem(1);
        }
        items[3] = RlpEncode.addressItem(address(1));
        items[4] = RlpEncode.uintItem(1);
        bytes memory five = RlpEncode.list(items);
        vm.expectRevert(abi.encodeWithSelector(CashTransaction.CashTxWrongFieldCount.selector, 5));
        h.decode(five);
    }

    function test_rejects_nonCanonical() public {
        // prevBlock with a leading zero byte: 0x82 0x00 0x01.
        bytes memory payload = bytes.concat(
            RlpEncode.uintItem(5),
            hex"820001",
            RlpEncode.uintItem(1),
            RlpEncode.addressItem(address(1))
        );
        bytes memory t = bytes.concat(RlpEncode.header(0xc0, payload.length), payload);
        vm.expectRevert(Rlp.RlpIntegerLeadingZero.selector);
        h.decode(t);
        // A 19-byte owner.
        payload = bytes.concat(
            RlpEncode.uintItem(5),
            RlpEncode.uintItem(1000),
            RlpEncode.uintItem(1),
            RlpEncode.str(new bytes(19))
        );
        t = bytes.concat(RlpEncode.header(0xc0, payload.length), payload);
        vm.expectRevert(abi.encodeWithSelector(Rlp.RlpWrongStringLength.selector, 20, 19));
        h.decode(t);
        // Trailing bytes.
        t = bytes.concat(CashTree.encodeTx(5, 1000, 1, address(1)), hex"00");
        vm.expectRevert();
        h.decode(t);
        // Not a list.
        vm.expectRevert(Rlp.RlpExpectedList.selector);
        h.decode(RlpEncode.uintItem(5));
    }

    function test_slotOf_formula() public view {
        address a = address(0x0101010101010101010101010101010101010101);
        address b = address(0x0202020202020202020202020202020202020202);
        bytes memory packed = bytes.concat(bytes8(uint64(5)), bytes20(a), bytes20(b));
        assertEq(packed.length, 48, "48 packed bytes");
        uint64 want = uint64(bytes8(keccak256(packed)));
        assertEq(h.slotOf(5, a, b), want, "slot formula");
        assertTrue(h.slotOf(6, a, b) != want, "numCoins matters");
    }

    function testFuzz_roundTrip(uint64 slot, uint256 prev, uint256 denom, address owner)
        public
        view
    {
        bytes memory t = CashTree.encodeTx(slot, prev, denom, owner);
        (uint64 s, uint256 p, uint256 d, address o) = h.decode(t);
        assertEq(s, slot, "slot");
        assertEq(p, prev, "prevBlock");
        assertEq(d, denom, "denomination");
        assertEq(o, owner, "owner");
        assertEq(h.txHash(t), CashTree.txHash(slot, prev, denom, owner), "hash");
    }

    function testFuzz_slotOf(uint64 n, address sender, address from) public view {
        assertEq(
            h.slotOf(n, sender, from),
            uint64(bytes8(keccak256(abi.encodePacked(n, sender, from)))),
            "slot"
        );
    }

    /// Whatever the bytes, decoding either reverts or gives a tx whose encoding is the input.
    function testFuzz_decodeIsStrict(bytes calldata input) public view {
        try h.decode(input) returns (uint64 s, uint256 p, uint256 d, address o) {
            assertEq(CashTree.encodeTx(s, p, d, o), input, "accepted only canonical");
        } catch {}
    }
}

/// @notice SparseMerkle: the hardcoded defaults, inclusion and non-inclusion, bitmap proofs.
contract CashSparseMerkleTest is Test {
    CashFormatsHarness internal h;

    function setUp() public {
        h = new CashFormatsHarness();
    }

    function _tree4() internal pure returns (uint64[] memory slots, bytes32[] memory leaves) {
        slots = new uint64[](4);
        leaves = new bytes32[](4);
        (slots[0], slots[1], slots[2], slots[3]) = (0, 1, type(uint64).max, uint64(1) << 40);
        for (uint256 i; i < 4; ++i) {
            leaves[i] = bytes32(uint256(0x11) * (i + 1));
        }
    }

    function test_defaults_matchDefinition() public {
        bytes32[65] memory d = CashTree.defaults();
        for (uint256 i; i <= 64; ++i) {
            assertEq(h.emptySubtree(i), d[i], string.concat("D[", vm.toString(i), "]"));
        }
        assertEq(SparseMerkle.EMPTY_ROOT, d[64], "EMPTY_ROOT");
        assertEq(
            d[0],
            0x290decd9548b62a8d60345a988386fc84ba6bc95484008f6362f93160ef3e563,
            "D0 = keccak(32 zero bytes)"
        );
        vm.expectRevert(
            abi.encodeWithSelector(SparseMerkle.SparseMerkleLevelOutOfRange.selector, 65)
        );
        h.emptySubtree(65);
    }

    function test_emptyTree() public view {
        bytes memory proof = hex"0000000000000000";
        assertEq(
            h.computeRoot(CashTree.defaults()[0], 12345, proof), SparseMerkle.EMPTY_ROOT, "empty"
        );
    }

    function test_inclusionAndNonInclusion() public view {
        (uint64[] memory slots, bytes32[] memory leaves) = _tree4();
        bytes32 r = CashTree.root(slots, leaves);
        for (uint256 i; i < 4; ++i) {
            bytes memory p = CashTree.proof(slots, leaves, slots[i]);
            assertEq(h.computeRoot(leaves[i], slots[i], p), r, "inclusion");
            assertTrue(h.checkMembership(leaves[i], slots[i], r, p), "membership");
            assertFalse(h.checkMembership(bytes32(uint256(0xee)), slots[i], r, p), "wrong leaf");
        }
        // Slots 0 and 1 are siblings; the four leaves give a 4-sibling proof at most.
        bytes memory p0 = CashTree.proof(slots, leaves, 0);
        assertTrue(p0.length <= 8 + 32 * 4, "compressed");
        uint64 empty = 12345;
        bytes memory pe = CashTree.proof(slots, leaves, empty);
        assertTrue(h.checkMembership(CashTree.defaults()[0], empty, r, pe), "non-inclusion");
        assertFalse(h.checkMembership(leaves[0], empty, r, pe), "not a member");
    }

    function test_rejects_badLength() public {
        (uint64[] memory slots, bytes32[] memory leaves) = _tree4();
        bytes memory p = CashTree.proof(slots, leaves, 0);
        bytes memory shorter = new bytes(p.length - 1);
        for (uint256 i; i < shorter.length; ++i) {
            shorter[i] = p[i];
        }
        vm.expectRevert(
            abi.encodeWithSelector(
                SparseMerkle.SparseMerkleBadProofLength.selector, p.length, p.length - 1
            )
        );
        h.computeRoot(leaves[0], 0, shorter);
        vm.expectRevert(
            abi.encodeWithSelector(
                SparseMerkle.SparseMerkleBadProofLength.selector, p.length, p.length + 1
            )
        );
        h.computeRoot(leaves[0], 0, bytes.concat(p, hex"00"));
        vm.expectRevert(
            abi.encodeWithSelector(SparseMerkle.SparseMerkleBadProofLength.selector, 8, 7)
        );
        h.computeRoot(leaves[0], 0, hex"00000000000000");
        vm.expectRevert(
            abi.encodeWithSelector(SparseMerkle.SparseMerkleBadProofLength.selector, 8 + 32 * 64, 8)
        );
        h.computeRoot(leaves[0], 0, hex"ffffffffffffffff");
    }

    function test_tamperedSibling() public view {
        (uint64[] memory slots, bytes32[] memory leaves) = _tree4();
        bytes32 r = CashTree.root(slots, leaves);
        bytes memory p = CashTree.proof(slots, leaves, type(uint64).max);
        p[p.length - 1] ^= 0x01;
        assertFalse(h.checkMembership(leaves[2], type(uint64).max, r, p), "tampered");
    }

    function testFuzz_threeLeaves(uint64 a, uint64 b, uint64 c, bytes32 la, bytes32 lb, bytes32 lc)
        public
        view
    {
        vm.assume(a != b && b != c && a != c);
        uint64[] memory slots = new uint64[](3);
        bytes32[] memory leaves = new bytes32[](3);
        (slots[0], slots[1], slots[2]) = (a, b, c);
        (leaves[0], leaves[1], leaves[2]) = (la, lb, lc);
        bytes32 r = CashTree.root(slots, leaves);
        for (uint256 i; i < 3; ++i) {
            bytes memory p = CashTree.proof(slots, leaves, slots[i]);
            assertEq(h.computeRoot(leaves[i], slots[i], p), r, "inclusion");
        }
        // A different slot with the same proof does not give the root (unless it proves the
        // same path, which needs the same slot). An empty leaf (D[0], which the fuzzer finds in
        // the bytecode) at `a` is no leaf: it reads the same at either side of an empty sibling.
        vm.assume(la != keccak256(abi.encode(bytes32(0))));
        bytes memory pa = CashTree.proof(slots, leaves, a);
        assertTrue(h.computeRoot(la, a ^ 1, pa) != r, "slot bound");
    }
}

/// @notice CashSignature: both modes, the 66-byte layout, Signature's rules.
contract CashSignatureTest is Test {
    CashFormatsHarness internal h;
    uint256 internal constant N =
        0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141;

    function setUp() public {
        h = new CashFormatsHarness();
    }

    function _sig(uint8 mode, uint256 pk, bytes32 hash) internal pure returns (bytes memory) {
        bytes32 digest = mode == 1
            ? keccak256(abi.encodePacked("\x19Ethereum Signed Message:\n32", hash))
            : hash;
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(pk, digest);
        return abi.encodePacked(mode, r, s, v);
    }

    function test_modes() public view {
        bytes32 hash = keccak256("tx");
        assertEq(h.recover(hash, _sig(0, 0xA11CE, hash)), vm.addr(0xA11CE), "raw");
        assertEq(h.recover(hash, _sig(1, 0xA11CE, hash)), vm.addr(0xA11CE), "eth-signed");
        // A raw signature read as eth-signed recovers someone else (or fails).
        bytes memory raw = _sig(0, 0xA11CE, hash);
        raw[0] = 0x01;
        try h.recover(hash, raw) returns (address who) {
            assertTrue(who != vm.addr(0xA11CE), "mode is bound");
        } catch {}
    }

    function test_rejects() public {
        bytes32 hash = keccak256("tx");
        bytes memory s = _sig(0, 0xA11CE, hash);
        vm.expectRevert(abi.encodeWithSelector(CashSignature.CashSignatureBadLength.selector, 65));
        h.recover(hash, _drop1(s));
        vm.expectRevert(abi.encodeWithSelector(CashSignature.CashSignatureBadLength.selector, 67));
        h.recover(hash, bytes.concat(s, hex"00"));
        vm.expectRevert(abi.encodeWithSelector(CashSignature.CashSignatureBadLength.selector, 0));
        h.recover(hash, "");
        bytes memory bad = bytes.concat(s);
        bad[0] = 0x02;
        vm.expectRevert(abi.encodeWithSelector(CashSignature.CashSignatureBadMode.selector, 2));
        h.recover(hash, bad);
        bad = bytes.concat(s);
        bad[65] = bytes1(uint8(29));
        vm.expectRevert(abi.encodeWithSelector(Signature.SignatureInvalidV.selector, 29));
        h.recover(hash, bad);
    }

    function test_rejectsHighS() public {
        bytes32 hash = keccak256("tx");
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(0xA11CE, hash);
        bytes32 highS = bytes32(N - uint256(s));
        vm.expectRevert(abi.encodeWithSelector(Signature.SignatureHighS.selector, highS));
        h.recover(hash, abi.encodePacked(uint8(0), r, highS, v == 27 ? uint8(28) : uint8(27)));
    }

    function _drop1(bytes memory s) internal pure returns (bytes memory out) {
        out = new bytes(s.length - 1);
        for (uint256 i; i < out.length; ++i) {
            out[i] = s[i + 1];
        }
    }

    function testFuzz_recover(uint256 pk, bytes32 hash, bool ethSigned) public view {
        pk = bound(pk, 1, N - 1);
        uint8 mode = ethSigned ? 1 : 0;
        assertEq(h.recover(hash, _sig(mode, pk, hash)), vm.addr(pk), "signer");
    }
}
