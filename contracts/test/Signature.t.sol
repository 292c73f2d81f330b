// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Test} from "./utils/Test.sol";
import {Signature} from "../src/lib/Signature.sol";
import {FormatsHarness} from "../src/harness/FormatsHarness.sol";

contract SignatureTest is Test {
    FormatsHarness internal h;

    /// secp256k1 group order n.
    uint256 internal constant N =
        0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141;

    function setUp() public {
        h = new FormatsHarness();
    }

    function _sign(uint256 pk, bytes32 digest)
        internal
        pure
        returns (uint8 v, bytes32 r, bytes32 s)
    {
        return vm.sign(pk, digest);
    }

    function test_maxS() public pure {
        assertEq(Signature.MAX_S, N / 2, "MAX_S = n/2");
    }

    function test_recover() public view {
        uint256 pk = 0xB0B;
        bytes32 digest = keccak256("a digest");
        (uint8 v, bytes32 r, bytes32 s) = _sign(pk, digest);
        assertEq(h.recoverSigner(digest, abi.encodePacked(r, s, v)), vm.addr(pk), "signer");
    }

    function test_recover_knownKey() public view {
        // Private key 1's address is a well-known constant.
        bytes32 digest = keccak256("known");
        (uint8 v, bytes32 r, bytes32 s) = _sign(1, digest);
        assertEq(
            h.recoverSigner(digest, abi.encodePacked(r, s, v)),
            0x7E5F4552091A69125d5DfCb7b8C2659029395Bdf,
            "address of key 1"
        );
    }

    function test_rejectsHighS() public {
        bytes32 digest = keccak256("malleable");
        (uint8 v, bytes32 r, bytes32 s) = _sign(0xB0B, digest);
        // (r, n - s, v ^ 1) is the same signature's malleable twin.
        bytes32 highS = bytes32(N - uint256(s));
        uint8 flippedV = v == 27 ? 28 : 27;
        assertTrue(
            ecrecover(digest, flippedV, r, highS) == vm.addr(0xB0B),
            "the twin is valid for ecrecover"
        );
        vm.expectRevert(abi.encodeWithSelector(Signature.SignatureHighS.selector, highS));
        h.recoverSigner(digest, abi.encodePacked(r, highS, flippedV));
    }

    function test_acceptsSAtMaxS() public view {
        // s == n/2 is accepted (the check is s > n/2); the result is whatever ecrecover says,
        // here a random-looking but non-zero address.
        bytes32 r = 0x79BE667EF9DCBBAC55A06295CE870B07029BFCDB2DCE28D959F2815B16F81798; // G.x
        address signer =
            h.recoverSigner(keccak256("x"), abi.encodePacked(r, Signature.MAX_S, uint8(27)));
        assertTrue(signer != address(0), "recovered");
    }

    function test_rejectsBadV() public {
        bytes32 digest = keccak256("v");
        (, bytes32 r, bytes32 s) = _sign(0xB0B, digest); // a valid r and s, with a bad v
        uint8[5] memory bad = [uint8(0), 1, 26, 29, 255];
        for (uint256 i; i < bad.length; ++i) {
            vm.expectRevert(abi.encodeWithSelector(Signature.SignatureInvalidV.selector, bad[i]));
            h.recoverSigner(digest, abi.encodePacked(r, s, bad[i]));
        }
    }

    function test_rejectsBadLength() public {
        bytes32 digest = keccak256("len");
        (uint8 v, bytes32 r, bytes32 s) = _sign(0xB0B, digest);
        vm.expectRevert(abi.encodeWithSelector(Signature.SignatureInvalidLength.selector, 64));
        h.recoverSigner(digest, abi.encodePacked(r, s));
        vm.expectRevert(abi.encodeWithSelector(Signature.SignatureInvalidLength.selector, 66));
        h.recoverSigner(digest, abi.encodePacked(r, s, v, uint8(0)));
        vm.expectRevert(abi.encodeWithSelector(Signature.SignatureInvalidLength.selector, 0));
        h.recoverSigner(digest, "");
    }

    function test_rejectsUnrecoverable() public {
        bytes32 digest = keccak256("zero r");
        vm.expectRevert(Signature.SignatureInvalid.selector);
        h.recoverSigner(digest, abi.encodePacked(bytes32(0), bytes32(uint256(1)), uint8(27)));
        // s = 0 is not a valid signature either.
        vm.expectRevert(Signature.SignatureInvalid.selector);
        h.recoverSigner(digest, abi.encodePacked(bytes32(uint256(1)), bytes32(0), uint8(27)));
    }

    function test_wrongDigestRecoversSomeoneElse() public view {
        (uint8 v, bytes32 r, bytes32 s) = _sign(0xB0B, keccak256("one"));
        assertTrue(
            h.recoverSigner(keccak256("two"), abi.encodePacked(r, s, v)) != vm.addr(0xB0B),
            "different signer"
        );
    }

    function testFuzz_signAndRecover(uint256 pk, bytes32 digest) public view {
        pk = bound(pk, 1, N - 1);
        (uint8 v, bytes32 r, bytes32 s) = _sign(pk, digest);
        assertTrue(uint256(s) <= Signature.MAX_S, "vm.sign gives low s");
        assertEq(h.recoverSigner(digest, abi.encodePacked(r, s, v)), vm.addr(pk), "signer");
    }

    function testFuzz_highSAlwaysRejected(uint256 pk, bytes32 digest) public {
        pk = bound(pk, 1, N - 1);
        (uint8 v, bytes32 r, bytes32 s) = _sign(pk, digest);
        bytes32 highS = bytes32(N - uint256(s));
        vm.expectRevert(abi.encodeWithSelector(Signature.SignatureHighS.selector, highS));
        h.recoverSigner(digest, abi.encodePacked(r, highS, v == 27 ? uint8(28) : uint8(27)));
    }
}
