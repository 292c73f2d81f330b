// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Test} from "./utils/Test.sol";
import {PlasmaFramework} from "../src/PlasmaFramework.sol";
import {EthVault} from "../src/vaults/EthVault.sol";

/// @dev A family that keeps its own block roots, as PlasmaCash does.
contract OwnRoots {
    event Checked(bool ok);

    mapping(uint256 => bytes32) internal _roots;

    function store(uint256 blknum, bytes32 root) external {
        _roots[blknum] = root;
    }

    function check(uint256 blknum, bytes32 root) external {
        emit Checked(_roots[blknum] == root);
    }
}

/// @dev An exit game on the framework: every root it checks is read from the framework.
contract FrameworkRoots {
    event Checked(bool ok);

    PlasmaFramework internal immutable _framework;

    constructor(PlasmaFramework framework) {
        _framework = framework;
    }

    function check(uint256 blknum, bytes32 root) external {
        emit Checked(_framework.rootMatches(blknum, root));
    }
}

/// @dev A family that holds its own funds and pays an exit out itself, as PlasmaCash does.
contract OwnFunds {
    receive() external payable {}

    function pay(address to, uint256 amount) external {
        (bool ok,) = to.call{value: amount, gas: 10_000}("");
        require(ok);
    }
}

/// @dev An exit game on the framework: it pays through the registered ETH vault.
contract VaultPayer {
    EthVault internal immutable _vault;

    constructor(EthVault vault) {
        _vault = vault;
    }

    function pay(address to, uint256 amount) external {
        _vault.withdraw(to, amount);
    }
}

/// @notice What it would cost Plasma Cash to be an exit game on the framework's pieces (block
/// roots in PlasmaFramework, funds in its vaults) instead of its own root contract: the two
/// operations every exit repeats, measured side by side on the real framework and vault.
/// Whole-transaction figures: `forge test --isolate --match-contract FamilySharingTest -vv`
/// (docs/contracts.md, "Plasma Cash", "Shared pieces, and why not more").
contract FamilySharingTest is Test {
    event log_named_uint(string key, uint256 val);

    /// @dev EIP-2929: the first call to an account in a transaction.
    uint256 internal constant COLD_ACCOUNT = 2_600;

    address internal operator = address(0x0be7);
    address internal bob = address(0xb0b);
    PlasmaFramework internal framework;
    EthVault internal vault;
    OwnRoots internal ownRoots;
    FrameworkRoots internal frameworkRoots;
    OwnFunds internal ownFunds;
    VaultPayer internal vaultPayer;
    bytes32 internal root = keccak256("block 1000");

    function setUp() public {
        framework = new PlasmaFramework(1 weeks, operator, "OMG Network", "1", bytes32(0));
        vault = new EthVault(framework);
        vaultPayer = new VaultPayer(vault);
        framework.registerVault(address(vault));
        framework.registerExitGame(address(vaultPayer));
        vm.prank(operator);
        framework.submitBlock(root);
        frameworkRoots = new FrameworkRoots(framework);
        ownRoots = new OwnRoots();
        ownRoots.store(1000, root);
        ownFunds = new OwnFunds();
        vm.deal(address(ownFunds), 10 ether);
        vm.deal(address(vault), 10 ether);
        vm.deal(bob, 1 ether); // a payee that exists: no new-account surcharge on either side
    }

    function _isolated() internal view returns (bool) {
        return vm.lastCallGas().gasTotalUsed > 21_000;
    }

    function _measure(string memory key) internal returns (uint256 gas) {
        gas = vm.lastCallGas().gasTotalUsed;
        emit log_named_uint(key, gas);
    }

    /// @notice A root checked in the family's own storage, then in the framework's.
    function test_rootReadThroughTheFrameworkCostsAColdCall() public {
        ownRoots.check(1000, root);
        uint256 own = _measure("gas.sharing.rootCheck.own");
        frameworkRoots.check(1000, root);
        uint256 shared = _measure("gas.sharing.rootCheck.framework");
        emit log_named_uint("gas.sharing.rootCheck.extra", shared - own);
        // One more call in any case; in a transaction of its own, also the framework's cold
        // account.
        assertTrue(shared > own, "the framework read costs a call");
        if (_isolated()) assertTrue(shared > own + COLD_ACCOUNT, "and a cold account");
    }

    /// @notice An exit paid from the family's own balance, then through the framework's vault.
    function test_payoutThroughTheVaultCostsItsCallAndRegistryRead() public {
        ownFunds.pay(bob, 1 ether);
        uint256 own = _measure("gas.sharing.payout.own");
        vaultPayer.pay(bob, 1 ether);
        uint256 shared = _measure("gas.sharing.payout.vault");
        emit log_named_uint("gas.sharing.payout.extra", shared - own);
        assertEq(bob.balance, 3 ether, "both payouts paid");
        assertTrue(shared > own, "the vault payout costs a call");
        // The vault's cold account, and the framework's to ask whether the caller is an exit
        // game.
        if (_isolated()) assertTrue(shared > own + 2 * COLD_ACCOUNT, "and two cold accounts");
    }
}
