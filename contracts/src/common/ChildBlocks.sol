// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

// What every Plasma family's root-chain contracts share, written once: the numbering of blocks
// and the operator role's refusal. Operator blocks are the multiples of OPERATOR_BLOCK_INTERVAL
// (1000, 2000, …); deposits take the numbers between them (SPEC.md §2 for the payment chain,
// §3 for Plasma Cash). File-level: no storage and nothing to inherit, so no contract's layout
// moves (PlasmaCashModule runs on PlasmaCash's storage by DELEGATECALL).

// Distance between two operator blocks.
uint256 constant OPERATOR_BLOCK_INTERVAL = 1000;

/// @notice Only the operator may do this; `caller` is not it.
error NotOperator(address caller);
