//! Gas of every framework operation, measured on the embedded chain with the real contracts:
//! the numbers `plasma bench` prints and the cost model is built on. Whole-transaction gas
//! from receipts: intrinsic 21,000 and calldata included, as a user pays it.

use alloy_primitives::{Address, U256};
use alloy_sol_types::{SolCall, SolConstructor};
use plasma_contracts::TestToken;
use plasma_primitives::{MerkleTree, Output, PaymentTx, UtxoPos};
use plasma_rootchain::{
    EmbeddedChain, FrameworkConfig, Plasma, Result, RootChain, RootChainError, TxRequest, dev_key,
};
use serde::Serialize;
use std::sync::Arc;

/// Measured gas per operation (whole transaction).
#[derive(Debug, Clone, Copy, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct GasFigures {
    /// A plain ETH transfer on L1.
    pub eth_transfer: u64,
    /// An ERC20 transfer to an account that already holds the token.
    pub erc20_transfer: u64,
    /// An ERC20 transfer to an account that holds none (a new storage slot).
    pub erc20_transfer_new_holder: u64,
    /// `submitBlock`: one block root.
    pub submit_block: u64,
    /// `EthVault.deposit`.
    pub deposit_eth: u64,
    /// ERC20 `approve` before a deposit.
    pub erc20_approve: u64,
    /// `Erc20Vault.deposit`.
    pub deposit_erc20: u64,
    /// `startStandardExit` of an output of a one-input, two-output transfer.
    pub start_standard_exit: u64,
    /// `challengeStandardExit` with a one-input spend.
    pub challenge_standard_exit: u64,
    /// `processExits`, per exit, over 10 mature ETH exits in one call.
    pub process_exit_per_exit: u64,
}

fn other(e: impl std::fmt::Display) -> RootChainError {
    RootChainError::Other(e.to_string())
}

/// Runs every operation once (processing: ten at once) on a fresh embedded chain.
pub async fn measure() -> Result<GasFigures> {
    let chain = Arc::new(EmbeddedChain::new());
    let accounts = chain.accounts();
    let [operator, alice, bob, carol] = [accounts[0], accounts[1], accounts[2], accounts[3]];
    let mut config = FrameworkConfig::new(operator);
    config.min_exit_period = 3600;
    let plasma = Plasma::deploy(chain.clone(), operator, &config).await?;
    let domain = plasma.domain_separator().await?;
    let eth = U256::from(10u64).pow(U256::from(18));

    let eth_transfer = chain
        .send(TxRequest::call(alice, carol, Vec::new()).with_value(U256::from(1)))
        .await?
        .gas_used;

    let args =
        TestToken::constructorCall { name_: "Test".into(), symbol_: "TST".into() }.abi_encode();
    let created = chain
        .send(TxRequest::create(operator, [TestToken::BYTECODE.as_ref(), &args].concat()))
        .await?;
    let token = created.contract_address.ok_or_else(|| other("token not created"))?;
    let mint = TestToken::mintCall { to: alice, amount: eth }.abi_encode();
    chain.send(TxRequest::call(operator, token, mint)).await?;
    let transfer = |to| TestToken::transferCall { to, value: U256::from(1) }.abi_encode();
    let erc20_transfer_new_holder =
        chain.send(TxRequest::call(alice, token, transfer(bob))).await?.gas_used;
    let erc20_transfer = chain.send(TxRequest::call(alice, token, transfer(bob))).await?.gas_used;

    let (_, receipts) =
        plasma.deposit(&PaymentTx::deposit(alice, token, U256::from(1000)).map_err(other)?).await?;
    let (erc20_approve, deposit_erc20) = (receipts[0].gas_used, receipts[1].gas_used);

    // Ten ETH deposits, each spent in block 1000 by a one-input, two-output transfer.
    let mut transfers = Vec::new();
    let mut deposit_eth = 0;
    for _ in 0..10 {
        let (blknum, receipts) =
            plasma.deposit(&PaymentTx::deposit(alice, Address::ZERO, eth).map_err(other)?).await?;
        deposit_eth = receipts[0].gas_used;
        let outputs = vec![
            Output { owner: bob, token: Address::ZERO, amount: eth / U256::from(2) },
            Output { owner: alice, token: Address::ZERO, amount: eth / U256::from(2) },
        ];
        transfers.push(
            PaymentTx::new(vec![UtxoPos::new(blknum, 0, 0)], outputs, Default::default())
                .map_err(other)?,
        );
    }
    let leaves: Vec<Vec<u8>> = transfers.iter().map(PaymentTx::encode).collect();
    let tree = MerkleTree::from_leaves(&leaves).map_err(other)?;
    let (blknum, receipt) = plasma.submit_block(operator, tree.root()).await?;
    let submit_block = receipt.gas_used;

    let mut start_standard_exit = 0;
    for (i, leaf) in leaves.iter().enumerate() {
        let proof = tree.proof(i as u64).map_err(other)?;
        start_standard_exit = plasma
            .start_standard_exit(bob, UtxoPos::new(blknum, i as u16, 0), leaf, &proof)
            .await?
            .gas_used;
    }

    // A challenge: Alice exits a deposit she spent; the operator shows her signed spend.
    let (dep_blknum, _) =
        plasma.deposit(&PaymentTx::deposit(alice, Address::ZERO, eth).map_err(other)?).await?;
    let dep = PaymentTx::deposit(alice, Address::ZERO, eth).map_err(other)?;
    let dep_pos = UtxoPos::new(dep_blknum, 0, 0);
    let spend = PaymentTx::new(
        vec![dep_pos],
        vec![Output { owner: bob, token: Address::ZERO, amount: eth }],
        Default::default(),
    )
    .map_err(other)?;
    let signed = spend.clone().sign(&[&dev_key(1)], &domain).map_err(other)?;
    let dep_proof =
        MerkleTree::from_leaves(&[dep.encode()]).map_err(other)?.proof(0).map_err(other)?;
    plasma.start_standard_exit(alice, dep_pos, &dep.encode(), &dep_proof).await?;
    let challenge_standard_exit = plasma
        .challenge_standard_exit(
            operator,
            dep_pos,
            &dep.encode(),
            &spend.encode(),
            signed.signatures()[0].as_bytes(),
        )
        .await?
        .gas_used;

    plasma_rootchain::DevChain::advance_time(chain.as_ref(), 2 * 3600 + 1).await?;
    let processed = plasma.process_exits(operator, Address::ZERO, 10).await?;
    Ok(GasFigures {
        eth_transfer,
        erc20_transfer,
        erc20_transfer_new_holder,
        submit_block,
        deposit_eth,
        erc20_approve,
        deposit_erc20,
        start_standard_exit,
        challenge_standard_exit,
        process_exit_per_exit: processed.gas_used / 10,
    })
}
