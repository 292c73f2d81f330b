//! Rust bindings over the compiled contracts in `contracts/artifacts/`, and the deployment
//! plan of the whole framework.
//!
//! The artifacts (ABI and bytecode) are committed and embedded at build time, so every crate
//! that deploys or calls a contract uses exactly the bytecode that the forge tests exercised.
//! The test command refuses artifacts that are stale against the Solidity sources.

#![allow(missing_docs)] // The `sol!` macro generates items whose docs come from the ABI.

mod deploy;

pub use deploy::{DeployStep, FrameworkAddresses, FrameworkConfig, plan_deployment};

use alloy_sol_types::{SolInterface, sol};

sol!(
    /// Exposes the format libraries (transaction decoding, EIP-712, Merkle proofs,
    /// signatures, positions) so tests can check Rust and Solidity agree. Not deployed in
    /// production.
    #[derive(Debug, PartialEq, Eq)]
    FormatsHarness,
    "../../contracts/artifacts/FormatsHarness.json"
);

sol!(
    /// Block roots, the operator, and the registry of vaults and exit games.
    #[derive(Debug, PartialEq, Eq)]
    PlasmaFramework,
    "../../contracts/artifacts/PlasmaFramework.json"
);

sol!(
    /// Holds deposited ETH; pays exits.
    #[derive(Debug, PartialEq, Eq)]
    EthVault,
    "../../contracts/artifacts/EthVault.json"
);

sol!(
    /// Holds deposited ERC20 tokens; pays exits.
    #[derive(Debug, PartialEq, Eq)]
    Erc20Vault,
    "../../contracts/artifacts/Erc20Vault.json"
);

sol!(
    /// Standard and in-flight exits: start, challenge, process.
    #[derive(Debug, PartialEq, Eq)]
    PaymentExitGame,
    "../../contracts/artifacts/PaymentExitGame.json"
);

/// The batch exit module's ABI, in its own module: it shares `PaymentExitBase`'s structs
/// with the exit game's ABI, and `sol!` would define them twice.
pub mod batch {
    use alloy_sol_types::sol;

    sol!(
        /// Batch exits (the mass exit's cheap start): called at the exit game's address, whose
        /// fallback runs this module.
        #[derive(Debug, PartialEq, Eq)]
        PaymentBatchExitModule,
        "../../contracts/artifacts/PaymentBatchExitModule.json"
    );
}

sol!(
    /// A plain ERC20 with public mint, for tests and devnets.
    #[derive(Debug, PartialEq, Eq)]
    TestToken,
    "../../contracts/artifacts/TestToken.json"
);

sol!(
    /// An ERC20 that keeps a fee on every transfer: the vault must refuse its deposits.
    #[derive(Debug, PartialEq, Eq)]
    FeeOnTransferToken,
    "../../contracts/artifacts/FeeOnTransferToken.json"
);

sol!(
    /// Exposes the Plasma Cash format libraries (coin transactions, the depth-64 sparse Merkle
    /// tree, mode-prefixed signatures, slots) for the Rust ↔ Solidity agreement test.
    #[derive(Debug, PartialEq, Eq)]
    CashFormatsHarness,
    "../../contracts/artifacts/CashFormatsHarness.json"
);

sol!(
    /// The Plasma Cash chain: coin deposits (ETH, ERC20, ERC721), blocks, exits with their
    /// three challenges, XT checkpoints, withdrawals and bonds.
    #[derive(Debug, PartialEq, Eq)]
    PlasmaCash,
    "../../contracts/artifacts/PlasmaCash.json"
);

sol!(
    /// Exposes the Plasma Debit transaction library (three kinds, their hash rule) for the
    /// Rust ↔ Solidity agreement test.
    #[derive(Debug, PartialEq, Eq)]
    DebitFormatsHarness,
    "../../contracts/artifacts/DebitFormatsHarness.json"
);

sol!(
    /// The Plasma Debit chain: coins with a capacity and a holder's balance, top-ups, blocks,
    /// exits with credits and the payee's guard, the challenges and answers, payouts. (Its
    /// `ExitStarted` event has nine fields: the generated constructor takes them all.)
    #[allow(clippy::too_many_arguments)]
    #[derive(Debug, PartialEq, Eq)]
    PlasmaDebit,
    "../../contracts/artifacts/PlasmaDebit.json"
);

sol!(
    /// A plain ERC721 with public mint, for tests and devnets.
    #[derive(Debug, PartialEq, Eq)]
    TestNft,
    "../../contracts/artifacts/TestNft.json"
);

sol!(
    /// The ERC-20 functions (EIP-20) the clients call on any token a user deposits: not the
    /// test token's ABI, which production code must not assume.
    #[derive(Debug, PartialEq, Eq)]
    interface IERC20 {
        function approve(address spender, uint256 value) external returns (bool);
        function decimals() external view returns (uint8);
        function balanceOf(address owner) external view returns (uint256);
    }
);

sol!(
    /// The ERC-721 function (EIP-721) a Plasma Cash deposit of an NFT calls.
    #[derive(Debug, PartialEq, Eq)]
    interface IERC721 {
        function safeTransferFrom(address from, address to, uint256 tokenId) external;
    }
);

/// Every compiled contract's artifact (JSON: ABI and bytecode), by contract name: what turns
/// any revert of ours into words, whichever contract or module raised it.
pub const ARTIFACTS: &[(&str, &str)] = &[
    ("PlasmaFramework", include_str!("../../../contracts/artifacts/PlasmaFramework.json")),
    ("EthVault", include_str!("../../../contracts/artifacts/EthVault.json")),
    ("Erc20Vault", include_str!("../../../contracts/artifacts/Erc20Vault.json")),
    ("PaymentExitGame", include_str!("../../../contracts/artifacts/PaymentExitGame.json")),
    (
        "PaymentInFlightExitModule",
        include_str!("../../../contracts/artifacts/PaymentInFlightExitModule.json"),
    ),
    (
        "PaymentBatchExitModule",
        include_str!("../../../contracts/artifacts/PaymentBatchExitModule.json"),
    ),
    ("PlasmaCash", include_str!("../../../contracts/artifacts/PlasmaCash.json")),
    ("PlasmaCashModule", include_str!("../../../contracts/artifacts/PlasmaCashModule.json")),
    ("PlasmaDebit", include_str!("../../../contracts/artifacts/PlasmaDebit.json")),
    ("FormatsHarness", include_str!("../../../contracts/artifacts/FormatsHarness.json")),
    ("CashFormatsHarness", include_str!("../../../contracts/artifacts/CashFormatsHarness.json")),
    ("DebitFormatsHarness", include_str!("../../../contracts/artifacts/DebitFormatsHarness.json")),
    ("TestToken", include_str!("../../../contracts/artifacts/TestToken.json")),
    ("TestNft", include_str!("../../../contracts/artifacts/TestNft.json")),
    ("FeeOnTransferToken", include_str!("../../../contracts/artifacts/FeeOnTransferToken.json")),
];

/// Names a revert from any of our contracts' custom errors, with its arguments, if it is one.
pub fn describe_error(data: &[u8]) -> Option<String> {
    fn named<E: SolInterface + std::fmt::Debug>(data: &[u8]) -> Option<String> {
        E::abi_decode(data).ok().map(|e| format!("{e:?}"))
    }
    named::<PaymentExitGame::PaymentExitGameErrors>(data)
        .or_else(|| named::<PlasmaFramework::PlasmaFrameworkErrors>(data))
        .or_else(|| named::<EthVault::EthVaultErrors>(data))
        .or_else(|| named::<Erc20Vault::Erc20VaultErrors>(data))
        .or_else(|| named::<FormatsHarness::FormatsHarnessErrors>(data))
        .or_else(|| named::<TestToken::TestTokenErrors>(data))
        .or_else(|| named::<PlasmaCash::PlasmaCashErrors>(data))
        .or_else(|| named::<CashFormatsHarness::CashFormatsHarnessErrors>(data))
        .or_else(|| named::<PlasmaDebit::PlasmaDebitErrors>(data))
        .or_else(|| named::<DebitFormatsHarness::DebitFormatsHarnessErrors>(data))
        .or_else(|| named::<TestNft::TestNftErrors>(data))
}
