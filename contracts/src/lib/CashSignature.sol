// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Signature} from "./Signature.sol";

/// @title CashSignature
/// @notice Plasma Cash signatures (SPEC.md §3, byte-compatible with Loom's Plasma Cash and
/// crates/primitives/src/cash.rs): 66 bytes, a mode byte then `r ‖ s ‖ v`.
///
/// Rules, in this order:
/// 1. exactly 66 bytes, else `CashSignatureBadLength(length)`;
/// 2. mode byte 0 (the signature is over the transaction hash itself) or 1 (over
///    `keccak256("\x19Ethereum Signed Message:\n32" ‖ hash)`, as wallets sign), else
///    `CashSignatureBadMode(mode)`;
/// 3. the 65 bytes after it follow `Signature`: `v ∈ {27, 28}`, low `s`, a recoverable
///    signer (never address(0)).
library CashSignature {
    uint256 internal constant LENGTH = 66;
    uint8 internal constant MODE_RAW = 0;
    uint8 internal constant MODE_ETH_SIGNED = 1;

    /// @notice The signature is `length` bytes long; it must be exactly 66.
    error CashSignatureBadLength(uint256 length);
    /// @notice The mode byte is `mode`; it must be 0 or 1.
    error CashSignatureBadMode(uint8 mode);

    /// @notice Who signed `hash` with the 66-byte `sig`. Reverts on any malformed signature.
    function recover(bytes32 hash, bytes memory sig) internal pure returns (address) {
        if (sig.length != LENGTH) revert CashSignatureBadLength(sig.length);
        uint8 mode = uint8(sig[0]);
        bytes32 digest;
        if (mode == MODE_RAW) {
            digest = hash;
        } else if (mode == MODE_ETH_SIGNED) {
            digest = keccak256(abi.encodePacked("\x19Ethereum Signed Message:\n32", hash));
        } else {
            revert CashSignatureBadMode(mode);
        }
        bytes memory inner = new bytes(Signature.SIGNATURE_LENGTH);
        assembly ("memory-safe") {
            mcopy(add(inner, 0x20), add(sig, 0x21), 65)
        }
        return Signature.recover(digest, inner);
    }
}
