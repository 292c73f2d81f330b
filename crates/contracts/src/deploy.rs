//! The deployment of the whole framework, as plain transactions from one account: five
//! contract creations, then the owner's three registrations (`docs/contracts.md`). Pure:
//! any root-chain client replays the steps, and the addresses are known before it starts.

use crate::batch::PaymentBatchExitModule;
use crate::{Erc20Vault, EthVault, PaymentExitGame, PlasmaFramework};
use alloy_primitives::{Address, B256, Bytes, U256};
use alloy_sol_types::{SolCall, SolConstructor};

/// What a chain is configured with at deployment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FrameworkConfig {
    /// Minimum exit period in seconds (production: 7 days).
    pub min_exit_period: u64,
    /// The operator: the only account that submits block roots.
    pub operator: Address,
    /// EIP-712 domain name.
    pub eip712_name: String,
    /// EIP-712 domain version.
    pub eip712_version: String,
    /// EIP-712 domain salt.
    pub eip712_salt: B256,
    /// Standard exit bond in wei.
    pub exit_bond: U256,
}

impl FrameworkConfig {
    /// The production defaults with OMG's EIP-712 domain: 7-day exit period, and the exit bond
    /// derived in `docs/contracts.md` (0.017 ETH).
    pub fn new(operator: Address) -> Self {
        Self {
            min_exit_period: 7 * 24 * 3600,
            operator,
            eip712_name: "OMG Network".into(),
            eip712_version: "1".into(),
            eip712_salt: B256::from(plasma_primitives_salt()),
            exit_bond: U256::from(17_000_000_000_000_000u64),
        }
    }
}

/// The OMG v1 salt, without depending on the primitives crate for one constant.
fn plasma_primitives_salt() -> [u8; 32] {
    alloy_primitives::hex!("fad5c7f626d80f9256ef01929f3beb96e058b8b4b0e3fe52d84f054c0e2a7a83")
}

/// Where the contracts of one deployment live.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FrameworkAddresses {
    /// PlasmaFramework.
    pub framework: Address,
    /// EthVault.
    pub eth_vault: Address,
    /// Erc20Vault.
    pub erc20_vault: Address,
    /// PaymentExitGame.
    pub exit_game: Address,
}

/// One transaction of the deployment, sent by the deployer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeployStep {
    /// What it does, for logs.
    pub what: &'static str,
    /// The callee; `None` for a contract creation.
    pub to: Option<Address>,
    /// Init code with constructor arguments, or calldata.
    pub data: Bytes,
}

fn create(what: &'static str, bytecode: &Bytes, args: Vec<u8>) -> DeployStep {
    DeployStep { what, to: None, data: [bytecode.as_ref(), &args].concat().into() }
}

/// The deployment's steps and resulting addresses, for `deployer` whose next nonce is `nonce`.
/// The deployer becomes the framework's owner.
pub fn plan_deployment(
    deployer: Address,
    nonce: u64,
    config: &FrameworkConfig,
) -> (Vec<DeployStep>, FrameworkAddresses) {
    // The batch exit module is only the game's code (called at the game's address).
    let batch_exit_module = deployer.create(nonce + 3);
    let addresses = FrameworkAddresses {
        framework: deployer.create(nonce),
        eth_vault: deployer.create(nonce + 1),
        erc20_vault: deployer.create(nonce + 2),
        exit_game: deployer.create(nonce + 4),
    };
    let framework_args = PlasmaFramework::constructorCall {
        minExitPeriod_: U256::from(config.min_exit_period),
        operator_: config.operator,
        eip712Name: config.eip712_name.clone(),
        eip712Version: config.eip712_version.clone(),
        eip712Salt: config.eip712_salt,
    };
    let exit_game_args = PaymentExitGame::constructorCall {
        framework_: addresses.framework,
        ethVault_: addresses.eth_vault,
        erc20Vault_: addresses.erc20_vault,
        exitBond_: config.exit_bond,
        batchModule_: batch_exit_module,
    };
    let batch_args = PaymentBatchExitModule::constructorCall {
        framework_: addresses.framework,
        ethVault_: addresses.eth_vault,
        erc20Vault_: addresses.erc20_vault,
        exitBond_: config.exit_bond,
    };
    let register =
        |what, call: Vec<u8>| DeployStep { what, to: Some(addresses.framework), data: call.into() };
    let steps = vec![
        create("create PlasmaFramework", &PlasmaFramework::BYTECODE, framework_args.abi_encode()),
        create(
            "create EthVault",
            &EthVault::BYTECODE,
            EthVault::constructorCall { framework_: addresses.framework }.abi_encode(),
        ),
        create(
            "create Erc20Vault",
            &Erc20Vault::BYTECODE,
            Erc20Vault::constructorCall { framework_: addresses.framework }.abi_encode(),
        ),
        create(
            "create PaymentBatchExitModule",
            &PaymentBatchExitModule::BYTECODE,
            batch_args.abi_encode(),
        ),
        create("create PaymentExitGame", &PaymentExitGame::BYTECODE, exit_game_args.abi_encode()),
        register(
            "register EthVault",
            PlasmaFramework::registerVaultCall { vault: addresses.eth_vault }.abi_encode(),
        ),
        register(
            "register Erc20Vault",
            PlasmaFramework::registerVaultCall { vault: addresses.erc20_vault }.abi_encode(),
        ),
        register(
            "register PaymentExitGame",
            PlasmaFramework::registerExitGameCall { exitGame: addresses.exit_game }.abi_encode(),
        ),
    ];
    (steps, addresses)
}
