// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {PlasmaFramework} from "../../src/PlasmaFramework.sol";
import {EthVault} from "../../src/vaults/EthVault.sol";
import {Erc20Vault} from "../../src/vaults/Erc20Vault.sol";
import {PaymentExitGame} from "../../src/exits/PaymentExitGame.sol";
import {PaymentBatchExitModule} from "../../src/exits/PaymentBatchExitModule.sol";

/// @notice The deployment sequence of docs/contracts.md, used by every test (the Rust deploy
/// helper replays the same calls from one EOA: four CREATEs, then three owner calls).
library Deploy {
    /// Default exit bond (docs/contracts.md, "Bonds"): measured challenge gas × reference gas
    /// price × safety factor.
    uint256 internal constant EXIT_BOND = 0.017 ether;
    string internal constant EIP712_NAME = "OMG Network";
    string internal constant EIP712_VERSION = "1";
    bytes32 internal constant EIP712_SALT =
        0xfad5c7f626d80f9256ef01929f3beb96e058b8b4b0e3fe52d84f054c0e2a7a83;

    struct Plasma {
        PlasmaFramework framework;
        EthVault ethVault;
        Erc20Vault erc20Vault;
        PaymentExitGame exitGame;
    }

    /// @dev Run by the deployer (it becomes the framework's owner).
    function deploy(uint256 minExitPeriod, address operator, uint256 exitBond)
        internal
        returns (Plasma memory p)
    {
        // (1) the framework
        p.framework =
            new PlasmaFramework(minExitPeriod, operator, EIP712_NAME, EIP712_VERSION, EIP712_SALT);
        // (2), (3) the vaults
        p.ethVault = new EthVault(p.framework);
        p.erc20Vault = new Erc20Vault(p.framework);
        // (4) the batch exit module, (5) the exit game
        PaymentBatchExitModule batch =
            new PaymentBatchExitModule(p.framework, p.ethVault, p.erc20Vault, exitBond);
        p.exitGame = new PaymentExitGame(p.framework, p.ethVault, p.erc20Vault, exitBond, batch);
        // (6) registration by the owner, before the first block or deposit (active at once)
        p.framework.registerVault(address(p.ethVault));
        p.framework.registerVault(address(p.erc20Vault));
        p.framework.registerExitGame(address(p.exitGame));
    }
}
