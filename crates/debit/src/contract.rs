//! The Plasma Debit contract (`contracts/src/debit/PlasmaDebit.sol`) through any
//! [`RootChain`]: deploy or attach, deposit and top up coins, commit blocks, exit, add
//! credits, challenge, answer, finalize and withdraw, and decode its events. The rules are the
//! contract's (docs/debit.md, "The exit game"); this is only its client.

use crate::{
    events::{DebitEvent, decode_debit_event},
    history::IncludedTx,
    judge::ExitOnL1,
};
use alloy_primitives::{Address, B256, U256};
use alloy_sol_types::{SolCall, SolConstructor};
use plasma_contracts::PlasmaDebit;
use plasma_rootchain::{
    BoundContract, ChainLog, Receipt, Result, RootChain, RootChainError, narrow,
};
use std::sync::Arc;

/// The contract's constructor arguments.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DebitConfig {
    /// Who commits blocks and tops coins up.
    pub operator: Address,
    /// The bond of an exit and of a `challengeBefore`.
    pub bond: U256,
    /// Seconds from an exit's start to its finalization.
    pub maturity_period: u64,
    /// Seconds an exiter has at least to answer a `challengeBefore`.
    pub response_period: u64,
}

impl DebitConfig {
    /// Production-like periods (7 days, 3 days) and a 0.1 ETH bond.
    pub fn new(operator: Address) -> Self {
        Self {
            operator,
            bond: U256::from(100_000_000_000_000_000u128),
            maturity_period: 7 * 24 * 3600,
            response_period: 3 * 24 * 3600,
        }
    }
}

/// Where a coin stands on L1 (`coin(slot).state`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CoinOnL1State {
    /// On the child chain.
    OnChain,
    /// One live exit.
    Exiting,
    /// Paid out.
    Exited,
}

/// A coin as the contract records it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CoinOnL1 {
    /// Who deposited it.
    pub depositor: Address,
    /// Its deposit block.
    pub deposit_block: u64,
    /// The amount deposited.
    pub deposit_amount: U256,
    /// The deposit plus every top-up.
    pub capacity: U256,
    /// Where it stands.
    pub state: CoinOnL1State,
    /// Its exits so far.
    pub exit_nonce: u64,
}

/// A live (or the last) exit as the contract records it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExitRecord {
    /// Who is paid the holder's side.
    pub owner: Address,
    /// Who started it.
    pub starter: Address,
    /// The exiting state's block.
    pub exit_block: u64,
    /// Its parent's block (0 for a deposit exit).
    pub parent_block: u64,
    /// The exiting state's balance, capped at the capacity.
    pub balance: U256,
    /// The credits added, capped at the capacity.
    pub credits: U256,
    /// When it can be finalized.
    pub exitable_at: u64,
    /// The exiting transaction's hash.
    pub tx_hash: B256,
    /// Open `challengeBefore`s.
    pub open_challenges: u64,
}

impl ExitRecord {
    /// The exit as the judge reads it, with the credits already `claimed`.
    pub fn to_judge(&self, claimed: Vec<B256>) -> ExitOnL1 {
        ExitOnL1 {
            owner: self.owner,
            exit_block: self.exit_block,
            parent_block: self.parent_block,
            tx_hash: self.tx_hash,
            claimed,
        }
    }
}

/// The contract's `TxProof` of an included transaction (an empty one for "no parent").
fn shown(t: Option<&IncludedTx>) -> PlasmaDebit::TxProof {
    let Some(t) = t else {
        return PlasmaDebit::TxProof {
            txBytes: Default::default(),
            blockNumber: U256::ZERO,
            proof: Default::default(),
            peerProof: Default::default(),
            signature: Default::default(),
        };
    };
    PlasmaDebit::TxProof {
        txBytes: t.tx.encode().into(),
        blockNumber: U256::from(t.block),
        proof: t.proof.clone().into(),
        peerProof: t.peer_proof.clone().into(),
        signature: t.signature.map(|s| s.to_bytes().to_vec()).unwrap_or_default().into(),
    }
}

/// The deployed Plasma Debit contract, driven through a root-chain client.
pub struct PlasmaDebitContract<C> {
    bound: BoundContract<C>,
}

impl<C: RootChain> PlasmaDebitContract<C> {
    /// Deploys the contract from `deployer`.
    pub async fn deploy(chain: Arc<C>, deployer: Address, config: &DebitConfig) -> Result<Self> {
        let args = PlasmaDebit::constructorCall {
            operator_: config.operator,
            bond_: config.bond,
            maturityPeriod_: U256::from(config.maturity_period),
            responsePeriod_: U256::from(config.response_period),
        };
        let code = [PlasmaDebit::BYTECODE.as_ref(), &args.abi_encode()].concat();
        Ok(Self { bound: BoundContract::deploy(chain, deployer, code, "PlasmaDebit").await? })
    }

    /// Uses an existing deployment, after checking the address holds code.
    pub async fn attach(chain: Arc<C>, address: Address) -> Result<Self> {
        Ok(Self { bound: BoundContract::attach(chain, address).await? })
    }

    /// The contract's address.
    pub fn address(&self) -> Address {
        self.bound.address()
    }

    /// The root-chain client.
    pub fn chain(&self) -> &Arc<C> {
        self.bound.chain()
    }

    async fn view<T: SolCall>(&self, call: T) -> Result<T::Return> {
        self.bound.view(call).await
    }

    async fn send<T: SolCall>(&self, from: Address, call: T, value: U256) -> Result<Receipt> {
        self.bound.send(from, call, value).await
    }

    async fn send_bonded<T: SolCall>(&self, from: Address, call: T) -> Result<Receipt> {
        let bond = self.bond().await?;
        self.send(from, call, bond).await
    }

    /// The only account the contract accepts block roots and top-ups from.
    pub async fn operator(&self) -> Result<Address> {
        self.view(PlasmaDebit::operatorCall {}).await
    }

    /// The bond of an exit and of a `challengeBefore`.
    pub async fn bond(&self) -> Result<U256> {
        self.view(PlasmaDebit::bondCall {}).await
    }

    /// How long an exit waits before it can be finalized, in seconds.
    pub async fn maturity_period(&self) -> Result<u64> {
        narrow(self.view(PlasmaDebit::maturityPeriodCall {}).await?, "maturityPeriod")
    }

    /// The coin at `slot`, if one was deposited there.
    pub async fn coin(&self, slot: u64) -> Result<Option<CoinOnL1>> {
        let c = self.view(PlasmaDebit::coinCall { slot }).await?;
        let state = match c.state {
            0 => return Ok(None),
            1 => CoinOnL1State::OnChain,
            2 => CoinOnL1State::Exiting,
            3 => CoinOnL1State::Exited,
            other => {
                return Err(RootChainError::OutOfRange {
                    what: "coin state",
                    value: U256::from(other),
                });
            }
        };
        Ok(Some(CoinOnL1 {
            depositor: c.depositor,
            deposit_block: narrow(c.depositBlock, "depositBlock")?,
            deposit_amount: c.depositAmount,
            capacity: c.capacity,
            state,
            exit_nonce: narrow(c.exitNonce, "exitNonce")?,
        }))
    }

    /// The live (or last) exit of `slot`.
    pub async fn exit_of(&self, slot: u64) -> Result<ExitRecord> {
        let x = self.view(PlasmaDebit::exitOfCall { slot }).await?;
        Ok(ExitRecord {
            owner: x.owner,
            starter: x.starter,
            exit_block: narrow(x.exitBlock, "exitBlock")?,
            parent_block: narrow(x.parentBlock, "parentBlock")?,
            balance: x.balance,
            credits: x.credits,
            exitable_at: narrow(x.exitableAt, "exitableAt")?,
            tx_hash: x.txHash,
            open_challenges: narrow(x.openChallenges, "openChallenges")?,
        })
    }

    /// Whether the pay `tx_hash` was added as a credit to exit `exit_nonce` of `slot`.
    pub async fn credit_claimed(&self, slot: u64, tx_hash: B256, exit_nonce: u64) -> Result<bool> {
        let n = self.view(PlasmaDebit::creditClaimedCall { _0: slot, _1: tx_hash }).await?;
        Ok(n == U256::from(exit_nonce))
    }

    /// The number the next operator block will get.
    pub async fn next_child_block(&self) -> Result<u64> {
        narrow(self.view(PlasmaDebit::nextChildBlockCall {}).await?, "nextChildBlock")
    }

    /// The root of block `block` (zero if none).
    pub async fn block_root(&self, block: u64) -> Result<B256> {
        self.view(PlasmaDebit::blockRootCall { blockNumber: U256::from(block) }).await
    }

    /// What the contract owes `who` (payouts, bonds, rewards), to take with `withdraw`.
    pub async fn owed(&self, who: Address) -> Result<U256> {
        self.view(PlasmaDebit::owedCall(who)).await
    }

    /// Deposits `amount` wei as a coin of `owner`; returns its slot and deposit block.
    pub async fn deposit_eth(&self, owner: Address, amount: U256) -> Result<(u64, u64)> {
        let receipt = self.send(owner, PlasmaDebit::depositEthCall {}, amount).await?;
        receipt
            .logs
            .iter()
            .find_map(|l| match self.decode(l) {
                Some(DebitEvent::Deposit { slot, block, .. }) => Some((slot, block)),
                _ => None,
            })
            .ok_or(RootChainError::MissingEvent { call: "depositEth", event: "Deposit" })
    }

    /// Adds `amount` wei to the capacity of `slot` (from the operator).
    pub async fn top_up(&self, operator: Address, slot: u64, amount: U256) -> Result<Receipt> {
        self.send(operator, PlasmaDebit::topUpCall { slot }, amount).await
    }

    /// Commits a block root (from the operator); returns its number.
    pub async fn submit_block(&self, operator: Address, root: B256) -> Result<u64> {
        let receipt =
            self.send(operator, PlasmaDebit::submitBlockCall { root }, U256::ZERO).await?;
        receipt
            .logs
            .iter()
            .find_map(|l| match self.decode(l) {
                Some(DebitEvent::BlockSubmitted { block, .. }) => Some(block),
                _ => None,
            })
            .ok_or(RootChainError::MissingEvent { call: "submitBlock", event: "BlockSubmitted" })
    }

    /// Starts the exit of `slot` at `exiting` (its parent `parent`, `None` for the deposit),
    /// from its owner or the operator. Posts the bond.
    pub async fn start_exit(
        &self,
        from: Address,
        slot: u64,
        parent: Option<&IncludedTx>,
        exiting: &IncludedTx,
    ) -> Result<Receipt> {
        let call = PlasmaDebit::startExitCall {
            slot,
            parent: shown(parent),
            exiting: shown(Some(exiting)),
        };
        self.send_bonded(from, call).await
    }

    /// Adds the credit `pay` (a pay to `slot`, `proof` at it, `peer_proof` at the payer's) to
    /// the live exit of `slot`.
    pub async fn add_credit(&self, from: Address, slot: u64, pay: &IncludedTx) -> Result<Receipt> {
        let call = PlasmaDebit::addCreditCall {
            slot,
            payTx: pay.tx.encode().into(),
            blockNumber: U256::from(pay.block),
            payeeProof: pay.proof.clone().into(),
            payerProof: pay.peer_proof.clone().into(),
        };
        self.send(from, call, U256::ZERO).await
    }

    /// Shows that the payer went on from `pay` (proof at its payer's slot): `next` is her
    /// coin's own tx naming the pay's block. The payee's guard never refuses the pay again, so
    /// a holder whose history runs through it can always use it (docs/debit.md).
    pub async fn acknowledge_pay(
        &self,
        from: Address,
        pay: &IncludedTx,
        next: &IncludedTx,
    ) -> Result<Receipt> {
        let call = PlasmaDebit::acknowledgePayCall {
            payTx: pay.tx.encode().into(),
            payBlock: U256::from(pay.block),
            payProof: pay.proof.clone().into(),
            next: shown(Some(next)),
        };
        self.send(from, call, U256::ZERO).await
    }

    /// Cancels the exit of `slot` with `spend`, a spend of the exiting state (`copy_proof`:
    /// the exiting tx at the block the spend names, when that is another block; else empty).
    pub async fn challenge_after(
        &self,
        from: Address,
        slot: u64,
        spend: &IncludedTx,
        copy_proof: &[u8],
    ) -> Result<Receipt> {
        let call = PlasmaDebit::challengeAfterCall {
            slot,
            spend: shown(Some(spend)),
            copyProof: copy_proof.to_vec().into(),
        };
        self.send(from, call, U256::ZERO).await
    }

    /// Cancels the exit of `slot` with `spend`, a spend of its parent before the exiting block.
    pub async fn challenge_between(
        &self,
        from: Address,
        slot: u64,
        spend: &IncludedTx,
    ) -> Result<Receipt> {
        let call = PlasmaDebit::challengeBetweenCall { slot, spend: shown(Some(spend)) };
        self.send(from, call, U256::ZERO).await
    }

    /// Challenges the exit of `slot` with `earlier`, an own transaction of the coin before the
    /// exiting block; posts the bond. The exiter must answer with its spend.
    pub async fn challenge_before(
        &self,
        from: Address,
        slot: u64,
        earlier: &IncludedTx,
    ) -> Result<Receipt> {
        let call = PlasmaDebit::challengeBeforeCall {
            slot,
            txBytes: earlier.tx.encode().into(),
            txBlock: U256::from(earlier.block),
            proof: earlier.proof.clone().into(),
        };
        self.send_bonded(from, call).await
    }

    /// Answers the `challengeBefore` of `challenged` (its hash) with `spend`.
    pub async fn respond_challenge_before(
        &self,
        from: Address,
        slot: u64,
        challenged: B256,
        spend: &IncludedTx,
        copy_proof: &[u8],
    ) -> Result<Receipt> {
        let call = PlasmaDebit::respondChallengeBeforeCall {
            slot,
            challengingTxHash: challenged,
            spend: shown(Some(spend)),
            copyProof: copy_proof.to_vec().into(),
        };
        self.send(from, call, U256::ZERO).await
    }

    /// Finalizes the exit of `slot` after maturity (anyone may).
    pub async fn finalize_exit(&self, from: Address, slot: u64) -> Result<Receipt> {
        self.send(from, PlasmaDebit::finalizeExitCall { slot }, U256::ZERO).await
    }

    /// Pays `who` everything the contract owes it.
    pub async fn withdraw(&self, who: Address) -> Result<Receipt> {
        self.send(who, PlasmaDebit::withdrawCall {}, U256::ZERO).await
    }

    /// Decodes a log of the contract; `None` for other logs and events not decoded here.
    pub fn decode(&self, log: &ChainLog) -> Option<DebitEvent> {
        (log.log.address == self.address()).then(|| decode_debit_event(log)).flatten()
    }
}
