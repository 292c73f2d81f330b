// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title Signature
/// @notice secp256k1 signature recovery with the project's rules (SPEC.md §1): 65 bytes
/// `r ‖ s ‖ v`, `v ∈ {27, 28}`, low-s only (EIP-2), and a signature that recovers no address is
/// an error, never address(0).
library Signature {
    uint256 internal constant SIGNATURE_LENGTH = 65;
    /// @dev secp256k1n / 2: the largest s accepted.
    uint256 internal constant MAX_S =
        0x7FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF5D576E7357A4501DDFE92F46681B20A0;

    /// @notice The signature is `length` bytes long; it must be exactly 65.
    error SignatureInvalidLength(uint256 length);
    /// @notice The recovery byte is `v`; it must be 27 or 28.
    error SignatureInvalidV(uint8 v);
    /// @notice `s` is above secp256k1n/2 (a malleable high-s signature).
    error SignatureHighS(bytes32 s);
    /// @notice ecrecover found no signer (e.g. r is zero or not on the curve).
    error SignatureInvalid();

    /// @notice The address that signed `digest`. Reverts on any malformed or invalid signature.
    function recover(bytes32 digest, bytes memory sig) internal pure returns (address signer) {
        if (sig.length != SIGNATURE_LENGTH) revert SignatureInvalidLength(sig.length);
        bytes32 r;
        bytes32 s;
        uint8 v;
        assembly ("memory-safe") {
            r := mload(add(sig, 0x20))
            s := mload(add(sig, 0x40))
            v := byte(0, mload(add(sig, 0x60)))
        }
        if (v != 27 && v != 28) revert SignatureInvalidV(v);
        if (uint256(s) > MAX_S) revert SignatureHighS(s);
        signer = ecrecover(digest, v, r, s);
        if (signer == address(0)) revert SignatureInvalid();
    }
}
