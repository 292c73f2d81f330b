// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title ExitBonds
/// @notice The standard-exit bond. Constructor configuration; the operator may change it within
/// ×0.5 … ×2 of its current value, effective `BOND_UPDATE_DELAY` after the update (nobody is
/// surprised by a bond change mid-exit; a pending update may be replaced by another, bounded by
/// the same current value), never below the constructor value (`minExitBond`, the floor: the
/// deployed bonds are sized for their challenges' gas, docs/contracts.md "Bonds", and repeated
/// halvings must not shrink them to dust). A quarter of the bond (`bond / BOUNTY_DIVISOR`) is the bounty paid
/// to whoever processes the exit. Held as uint64 wei (≤ 18.4 ETH) so the whole configuration is
/// one storage slot.
abstract contract ExitBonds {
    uint256 public constant BOND_UPDATE_DELAY = 2 days;
    /// @notice The processing bounty is bond / 4.
    uint256 public constant BOUNTY_DIVISOR = 4;

    struct Bonds {
        uint64 exitBond;
        uint64 pendingExitBond;
        /// @dev When pendingExitBond takes effect (0 = nothing pending).
        uint64 updateAt;
    }

    Bonds internal _bonds;

    /// @notice The floor of the exit bond: the constructor value. Every in-flight bond scales
    /// with the exit bond, so none falls below its constructor value either.
    uint256 public immutable minExitBond;

    event BondUpdateScheduled(uint256 exitBond, uint256 effectiveAt);

    /// @notice A bond must be > 0 and ≤ 2^64 - 1 wei.
    error InvalidBond(uint256 exitBond);
    /// @notice `proposed` is outside [current / 2, current × 2].
    error BondChangeOutOfRange(uint256 current, uint256 proposed);
    /// @notice `proposed` is below the floor `minExitBond` (the constructor value).
    error BondBelowFloor(uint256 floor, uint256 proposed);

    constructor(uint256 exitBond_) {
        _checkBond(exitBond_);
        _bonds = Bonds(uint64(exitBond_), 0, 0);
        minExitBond = exitBond_;
    }

    /// @notice The bond a standard exit must post now.
    function exitBond() public view returns (uint256) {
        Bonds memory b = _bonds;
        if (b.updateAt != 0 && block.timestamp >= b.updateAt) return b.pendingExitBond;
        return b.exitBond;
    }

    /// @notice The bounty paid to the processor of an exit that posted `bond`.
    function processBounty(uint256 bond) public pure returns (uint256) {
        return bond / BOUNTY_DIVISOR;
    }

    /// @notice The pending update: value and effective time (both 0 if none).
    function pendingExitBond() external view returns (uint256 bond, uint256 effectiveAt) {
        Bonds memory b = _bonds;
        return (b.pendingExitBond, b.updateAt);
    }

    /// @dev Who may update (the framework's operator); implemented by the exit game.
    function _checkBondUpdater() internal view virtual;

    /// @notice Schedules a new exit bond. Only the operator; within ×0.5 … ×2 of the current
    /// value and never below `minExitBond`; effective after BOND_UPDATE_DELAY.
    function updateExitBond(uint256 newExitBond) external {
        _checkBondUpdater();
        uint256 current = exitBond();
        _checkBond(newExitBond);
        if (newExitBond * 2 < current || newExitBond > current * 2) {
            revert BondChangeOutOfRange(current, newExitBond);
        }
        if (newExitBond < minExitBond) revert BondBelowFloor(minExitBond, newExitBond);
        uint256 effectiveAt = block.timestamp + BOND_UPDATE_DELAY;
        _bonds = Bonds(uint64(current), uint64(newExitBond), uint64(effectiveAt));
        emit BondUpdateScheduled(newExitBond, effectiveAt);
    }

    function _checkBond(uint256 bond) private pure {
        if (bond == 0 || bond > type(uint64).max) revert InvalidBond(bond);
    }
}
