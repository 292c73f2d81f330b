//! Gas of every framework operation, measured on the embedded chain with the real contracts:
//! the numbers `plasma bench` prints and the cost model is built on. Whole-transaction gas
//! from receipts: intrinsic 21,000 and calldata included, as a user pays it.

use crate::{BenchError, bench_err};
use alloy_primitives::{Address, U256};
use alloy_sol_types::{SolCall, SolConstructor};
use plasma_contracts::TestToken;
use plasma_framework::{FrameworkConfig, Plasma};
use plasma_primitives::{MerkleTree, Output, PaymentTx, UtxoPos};
use plasma_rootchain::{EmbeddedChain, RootChain, TxRequest, dev_key};
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

/// The gas of plain L1 transfers (ETH, ERC20 to an existing and to a new holder), the
/// baseline Plasma is compared with.
struct L1Transfers {
    eth: u64,
    erc20: u64,
    erc20_new_holder: u64,
}

/// Runs every operation once (processing: ten at once) on a fresh embedded chain.
pub async fn measure() -> Result<GasFigures, BenchError> {
    let chain = Arc::new(EmbeddedChain::new());
    let accounts = chain.accounts();
    let [operator, alice] = [accounts[0], accounts[1]];
    let mut config = FrameworkConfig::new(operator);
    config.min_exit_period = 3600;
    let plasma = Plasma::deploy(chain.clone(), operator, &config).await?;
    let (l1, token) = l1_transfers(&chain).await?;

    let (_, receipts) = plasma
        .deposit(&PaymentTx::deposit(alice, token, U256::from(1000)).map_err(bench_err)?)
        .await?;
    let (erc20_approve, deposit_erc20) = (receipts[0].gas_used, receipts[1].gas_used);
    let (deposit_eth, submit_block, start_standard_exit) = exits_of_a_block(&plasma).await?;
    let challenge_standard_exit = challenge_of_a_spent_deposit(&plasma).await?;

    plasma_rootchain::DevChain::advance_time(chain.as_ref(), 2 * 3600 + 1).await?;
    let processed = plasma.process_exits(operator, Address::ZERO, 10).await?;
    Ok(GasFigures {
        eth_transfer: l1.eth,
        erc20_transfer: l1.erc20,
        erc20_transfer_new_holder: l1.erc20_new_holder,
        submit_block,
        deposit_eth,
        erc20_approve,
        deposit_erc20,
        start_standard_exit,
        challenge_standard_exit,
        process_exit_per_exit: processed.gas_used / 10,
    })
}

/// Plain L1 transfers between development accounts 1–3, and the test token they used
/// (account 1 keeps a balance of it for a deposit).
async fn l1_transfers(chain: &EmbeddedChain) -> Result<(L1Transfers, Address), BenchError> {
    let accounts = chain.accounts();
    let [operator, alice, bob, carol] = [accounts[0], accounts[1], accounts[2], accounts[3]];
    let eth = chain
        .send(TxRequest::call(alice, carol, Vec::new()).with_value(U256::from(1)))
        .await?
        .gas_used;
    let args =
        TestToken::constructorCall { name_: "Test".into(), symbol_: "TST".into() }.abi_encode();
    let created = chain
        .send(TxRequest::create(operator, [TestToken::BYTECODE.as_ref(), &args].concat()))
        .await?;
    let token = created.contract_address.ok_or_else(|| bench_err("token not created"))?;
    let mint = TestToken::mintCall { to: alice, amount: one_eth() }.abi_encode();
    chain.send(TxRequest::call(operator, token, mint)).await?;
    let transfer = |to| TestToken::transferCall { to, value: U256::from(1) }.abi_encode();
    let erc20_new_holder = chain.send(TxRequest::call(alice, token, transfer(bob))).await?.gas_used;
    let erc20 = chain.send(TxRequest::call(alice, token, transfer(bob))).await?.gas_used;
    Ok((L1Transfers { eth, erc20, erc20_new_holder }, token))
}

fn one_eth() -> U256 {
    U256::from(10u64).pow(U256::from(18))
}

/// Ten ETH deposits, each spent in one child block by a one-input, two-output transfer whose
/// first output then exits: the gas of a deposit, of the block's submission and of an exit.
async fn exits_of_a_block(plasma: &Plasma<EmbeddedChain>) -> Result<(u64, u64, u64), BenchError> {
    let accounts = plasma.chain().accounts();
    let [operator, alice, bob] = [accounts[0], accounts[1], accounts[2]];
    let eth = one_eth();
    let mut transfers = Vec::new();
    let mut deposit_eth = 0;
    for _ in 0..10 {
        let deposit = PaymentTx::deposit(alice, Address::ZERO, eth).map_err(bench_err)?;
        let (blknum, receipts) = plasma.deposit(&deposit).await?;
        deposit_eth = receipts[0].gas_used;
        let outputs = vec![
            Output { owner: bob, token: Address::ZERO, amount: eth / U256::from(2) },
            Output { owner: alice, token: Address::ZERO, amount: eth / U256::from(2) },
        ];
        let inputs = vec![UtxoPos::new(blknum, 0, 0)];
        transfers.push(PaymentTx::new(inputs, outputs, Default::default()).map_err(bench_err)?);
    }
    let leaves: Vec<Vec<u8>> = transfers.iter().map(PaymentTx::encode).collect();
    let tree = MerkleTree::from_leaves(&leaves).map_err(bench_err)?;
    let (blknum, receipt) = plasma.submit_block(operator, tree.root()).await?;
    let mut start_standard_exit = 0;
    for (i, leaf) in leaves.iter().enumerate() {
        let proof = tree.proof(i as u64).map_err(bench_err)?;
        let position = UtxoPos::new(blknum, i as u16, 0);
        start_standard_exit =
            plasma.start_standard_exit(bob, position, leaf, &proof).await?.gas_used;
    }
    Ok((deposit_eth, receipt.gas_used, start_standard_exit))
}

/// Alice exits a deposit she spent; the operator challenges with her signed spend.
async fn challenge_of_a_spent_deposit(plasma: &Plasma<EmbeddedChain>) -> Result<u64, BenchError> {
    let accounts = plasma.chain().accounts();
    let [operator, alice, bob] = [accounts[0], accounts[1], accounts[2]];
    let eth = one_eth();
    let dep = PaymentTx::deposit(alice, Address::ZERO, eth).map_err(bench_err)?;
    let (dep_blknum, _) = plasma.deposit(&dep).await?;
    let dep_pos = UtxoPos::new(dep_blknum, 0, 0);
    let spend = PaymentTx::new(
        vec![dep_pos],
        vec![Output { owner: bob, token: Address::ZERO, amount: eth }],
        Default::default(),
    )
    .map_err(bench_err)?;
    let domain = plasma.domain_separator().await?;
    let signed = spend.clone().sign(&[&dev_key(1)], &domain).map_err(bench_err)?;
    let dep_proof =
        MerkleTree::from_leaves(&[dep.encode()]).map_err(bench_err)?.proof(0).map_err(bench_err)?;
    plasma.start_standard_exit(alice, dep_pos, &dep.encode(), &dep_proof).await?;
    let receipt = plasma
        .challenge_standard_exit(
            operator,
            dep_pos,
            &dep.encode(),
            &spend.encode(),
            signed.signatures()[0].as_bytes(),
        )
        .await?;
    Ok(receipt.gas_used)
}
