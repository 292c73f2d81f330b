//! The Plasma Cash contract (`contracts/src/cash/PlasmaCash.sol`) through any [`RootChain`]:
//! deploy or attach, deposit coins (ETH, ERC20, ERC721), commit blocks and checkpoints, exit,
//! challenge, answer, finalize and withdraw, and decode its events. The rules are the
//! contract's (docs/contracts.md, "Plasma Cash"); this is only its client.

use crate::events::{CashEvent, decode_cash_event};
use alloy_primitives::{Address, B256, U256};
use alloy_sol_types::{SolCall, SolConstructor};
use plasma_contracts::{IERC20, IERC721, PlasmaCash};
use plasma_rootchain::{
    BoundContract, ChainLog, Receipt, Result, RootChain, RootChainError, TxRequest, narrow,
};
use std::sync::Arc;

/// The contract's constructor arguments.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CashConfig {
    /// Who commits blocks and checkpoints.
    pub operator: Address,
    /// The bond of an exit, a `challengeBefore` and a checkpoint dispute.
    pub bond: U256,
    /// Seconds from an exit's start to its finalization.
    pub maturity_period: u64,
    /// Seconds an exiter has to answer a `challengeBefore`.
    pub response_period: u64,
    /// Seconds a checkpoint stays open to disputes.
    pub checkpoint_window: u64,
}

impl CashConfig {
    /// Production-like periods (7 days, 3 days, 7 days) and a 0.1 ETH bond.
    pub fn new(operator: Address) -> Self {
        Self {
            operator,
            bond: U256::from(100_000_000_000_000_000u128),
            maturity_period: 7 * 24 * 3600,
            response_period: 3 * 24 * 3600,
            checkpoint_window: 7 * 24 * 3600,
        }
    }
}

/// What a coin is made of.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CoinKind {
    /// ETH (`denomination` wei).
    Eth,
    /// An ERC20 amount.
    Erc20,
    /// One ERC721 token.
    Erc721,
}

impl CoinKind {
    pub(crate) fn from_u8(kind: u8) -> Option<Self> {
        [Self::Eth, Self::Erc20, Self::Erc721].get(usize::from(kind)).copied()
    }
}

/// A coin as the contract records it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Coin {
    /// Who deposited it.
    pub depositor: Address,
    /// Its deposit block.
    pub deposit_block: u64,
    /// ETH, ERC20 or ERC721.
    pub kind: CoinKind,
    /// 0 none, 1 deposited, 2 exiting, 3 exited, 4 withdrawn.
    pub state: u8,
    /// The token contract (zero for ETH).
    pub token: Address,
    /// Its value (1 for an ERC721).
    pub denomination: U256,
    /// The ERC721 token id (0 otherwise).
    pub token_id: U256,
}

/// One of the coin's transactions with where it is included: what exits, challenges and
/// answers show.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IncludedTx {
    /// The transaction's RLP bytes.
    pub tx: Vec<u8>,
    /// Its bitmap proof at its slot (empty for a deposit, whose block root is its hash).
    pub proof: Vec<u8>,
    /// The block it is in.
    pub block: u64,
}

/// The deployed Plasma Cash contract, driven through a root-chain client.
pub struct PlasmaCashContract<C> {
    bound: BoundContract<C>,
}

impl<C: RootChain> PlasmaCashContract<C> {
    /// Deploys the contract from `deployer` (it creates its checkpoint module itself).
    pub async fn deploy(chain: Arc<C>, deployer: Address, config: &CashConfig) -> Result<Self> {
        let args = PlasmaCash::constructorCall {
            operator_: config.operator,
            bond_: config.bond,
            maturityPeriod_: U256::from(config.maturity_period),
            responsePeriod_: U256::from(config.response_period),
            checkpointWindow_: U256::from(config.checkpoint_window),
        };
        let code = [PlasmaCash::BYTECODE.as_ref(), &args.abi_encode()].concat();
        Ok(Self { bound: BoundContract::deploy(chain, deployer, code, "PlasmaCash").await? })
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

    /// Sends `call` from `from` with the bond attached (exits, `challengeBefore`, disputes).
    async fn send_bonded<T: SolCall>(&self, from: Address, call: T) -> Result<Receipt> {
        let bond = self.bond().await?;
        self.send(from, call, bond).await
    }

    /// The only account the contract accepts block roots and checkpoints from.
    pub async fn operator(&self) -> Result<Address> {
        self.view(PlasmaCash::operatorCall {}).await
    }

    /// How long an exit waits before it can be finalized, in seconds.
    pub async fn maturity_period(&self) -> Result<u64> {
        narrow(self.view(PlasmaCash::maturityPeriodCall {}).await?, "maturityPeriod")
    }

    /// The bond exits, `challengeBefore` and checkpoint disputes post.
    pub async fn bond(&self) -> Result<U256> {
        self.view(PlasmaCash::bondCall {}).await
    }

    /// The coin at `slot`, if one was deposited there.
    pub async fn coin(&self, slot: u64) -> Result<Option<Coin>> {
        let c = self.view(PlasmaCash::coinCall { slot }).await?;
        if c.state == 0 {
            return Ok(None);
        }
        let kind = CoinKind::from_u8(c.kind)
            .ok_or(RootChainError::OutOfRange { what: "coin kind", value: U256::from(c.kind) })?;
        Ok(Some(Coin {
            depositor: c.depositor,
            deposit_block: narrow(c.depositBlock, "depositBlock")?,
            kind,
            state: c.state,
            token: c.token,
            denomination: c.denomination,
            token_id: c.tokenId,
        }))
    }

    /// The number the next operator block will get.
    pub async fn next_child_block(&self) -> Result<u64> {
        narrow(self.view(PlasmaCash::nextChildBlockCall {}).await?, "nextChildBlock")
    }

    /// The latest checkpoint: its id, root and block (`None` before the first).
    pub async fn latest_checkpoint(&self) -> Result<Option<(U256, B256, u64)>> {
        let id = self.view(PlasmaCash::checkpointCountCall {}).await?;
        if id.is_zero() {
            return Ok(None);
        }
        let cp = self.view(PlasmaCash::checkpointCall { checkpointId: id }).await?;
        Ok(Some((id, cp.root, narrow(cp.blockNumber, "checkpoint blockNumber")?)))
    }

    /// Checkpoint `id`'s root and block, if it exists.
    pub async fn checkpoint(&self, id: U256) -> Result<Option<(B256, u64)>> {
        let cp = self.view(PlasmaCash::checkpointCall { checkpointId: id }).await?;
        if cp.submittedAt.is_zero() {
            return Ok(None);
        }
        Ok(Some((cp.root, narrow(cp.blockNumber, "checkpoint blockNumber")?)))
    }

    /// Whether checkpoint `id` is final and not void for coin `slot`: usable as its origin.
    pub async fn checkpoint_usable(&self, id: U256, slot: u64) -> Result<bool> {
        self.view(PlasmaCash::checkpointUsableCall { checkpointId: id, slot }).await
    }

    /// The root of block `blknum` (zero if none).
    pub async fn block_root(&self, blknum: u64) -> Result<B256> {
        self.view(PlasmaCash::blockRootCall { blockNumber: U256::from(blknum) }).await
    }

    /// Bonds credited to `who`, to take with [`PlasmaCashContract::withdraw_bonds`].
    pub async fn bond_balance(&self, who: Address) -> Result<U256> {
        self.view(PlasmaCash::bondBalancesCall(who)).await
    }

    /// Deposits `amount` wei as a coin of `owner`; returns its slot and deposit block.
    pub async fn deposit_eth(&self, owner: Address, amount: U256) -> Result<(u64, u64)> {
        let receipt = self.send(owner, PlasmaCash::depositEthCall {}, amount).await?;
        self.deposited(&receipt)
    }

    /// Deposits `amount` of ERC20 `token` (approving it first) as a coin of `owner`.
    pub async fn deposit_erc20(
        &self,
        owner: Address,
        token: Address,
        amount: U256,
    ) -> Result<(u64, u64)> {
        let approve = IERC20::approveCall { spender: self.address(), value: amount };
        self.chain().send(TxRequest::call(owner, token, approve.abi_encode())).await?;
        let receipt = self.send(owner, PlasmaCash::depositErc20Call { token, amount }, U256::ZERO);
        self.deposited(&receipt.await?)
    }

    /// Deposits ERC721 `token_id` of contract `token` (by `safeTransferFrom`) as a coin of
    /// `owner`.
    pub async fn deposit_erc721(
        &self,
        owner: Address,
        token: Address,
        token_id: U256,
    ) -> Result<(u64, u64)> {
        let call =
            IERC721::safeTransferFromCall { from: owner, to: self.address(), tokenId: token_id };
        let receipt = self.chain().send(TxRequest::call(owner, token, call.abi_encode())).await?;
        self.deposited(&receipt)
    }

    fn deposited(&self, receipt: &Receipt) -> Result<(u64, u64)> {
        receipt
            .logs
            .iter()
            .find_map(|l| match self.decode(l) {
                Some(CashEvent::Deposit { slot, blknum, .. }) => Some((slot, blknum)),
                _ => None,
            })
            .ok_or(RootChainError::MissingEvent { call: "deposit", event: "Deposit" })
    }

    /// Commits a block root (from the operator); returns its number.
    pub async fn submit_block(&self, operator: Address, root: B256) -> Result<u64> {
        let receipt = self.send(operator, PlasmaCash::submitBlockCall { root }, U256::ZERO).await?;
        receipt
            .logs
            .iter()
            .find_map(|l| match self.decode(l) {
                Some(CashEvent::BlockSubmitted { blknum, .. }) => Some(blknum),
                _ => None,
            })
            .ok_or(RootChainError::MissingEvent { call: "submitBlock", event: "BlockSubmitted" })
    }

    /// Commits a checkpoint of coin ownership at `blknum` (from the operator); returns its id.
    pub async fn submit_checkpoint(
        &self,
        operator: Address,
        blknum: u64,
        root: B256,
    ) -> Result<U256> {
        let call = PlasmaCash::submitCheckpointCall { blockNumber: U256::from(blknum), root };
        let receipt = self.send(operator, call, U256::ZERO).await?;
        receipt
            .logs
            .iter()
            .find_map(|l| match self.decode(l) {
                Some(CashEvent::CheckpointSubmitted { id, .. }) => Some(id),
                _ => None,
            })
            .ok_or(RootChainError::MissingEvent {
                call: "submitCheckpoint",
                event: "CheckpointSubmitted",
            })
    }

    /// Starts the exit of `slot` by the owner of `exiting`, a spend of `parent` signed by
    /// parent's owner (`signature`, 66 bytes); `parent` is `None` when `exiting` is the
    /// deposit. Posts the bond.
    pub async fn start_exit(
        &self,
        owner: Address,
        slot: u64,
        parent: Option<&IncludedTx>,
        exiting: &IncludedTx,
        signature: &[u8],
    ) -> Result<Receipt> {
        let empty = IncludedTx { tx: Vec::new(), proof: Vec::new(), block: 0 };
        let parent = parent.unwrap_or(&empty);
        let call = PlasmaCash::startExitCall {
            slot,
            prevTxBytes: parent.tx.clone().into(),
            exitingTxBytes: exiting.tx.clone().into(),
            prevTxInclusionProof: parent.proof.clone().into(),
            exitingTxInclusionProof: exiting.proof.clone().into(),
            signature: signature.to_vec().into(),
            blocks: [U256::from(parent.block), U256::from(exiting.block)],
        };
        self.send_bonded(owner, call).await
    }

    /// Starts the exit of `slot` from final checkpoint `checkpoint_id`: `leaf` is the coin's
    /// tx the checkpoint holds (with its block proof), `checkpoint_proof` its proof in the
    /// checkpoint's tree. No parent, no signature. Posts the bond.
    pub async fn start_exit_from_checkpoint(
        &self,
        owner: Address,
        slot: u64,
        checkpoint_id: U256,
        leaf: &IncludedTx,
        checkpoint_proof: &[u8],
    ) -> Result<Receipt> {
        let call = PlasmaCash::startExitFromCheckpointCall {
            slot,
            checkpointId: checkpoint_id,
            exitingTxBytes: leaf.tx.clone().into(),
            exitingTxInclusionProof: leaf.proof.clone().into(),
            checkpointProof: checkpoint_proof.to_vec().into(),
            exitingBlock: U256::from(leaf.block),
        };
        self.send_bonded(owner, call).await
    }

    /// Cancels the exit of `slot` with final checkpoint `checkpoint_id`, at or after the exit's
    /// block, whose leaf for the coin (`leaf`, proved by `checkpoint_proof`) is another tx.
    pub async fn challenge_with_checkpoint(
        &self,
        challenger: Address,
        slot: u64,
        checkpoint_id: U256,
        leaf: B256,
        checkpoint_proof: &[u8],
    ) -> Result<Receipt> {
        let call = PlasmaCash::challengeWithCheckpointCall {
            slot,
            checkpointId: checkpoint_id,
            leaf,
            checkpointProof: checkpoint_proof.to_vec().into(),
        };
        self.send(challenger, call, U256::ZERO).await
    }

    /// Disputes checkpoint `id` for coin `slot` with `tx`, a tx of the coin included at or
    /// before the checkpoint's block that is not the checkpoint's `leaf` (proved by
    /// `checkpoint_proof`); posts the bond. Unless someone shows `tx`'s spend in time, the
    /// checkpoint is void for the coin.
    pub async fn dispute_checkpoint(
        &self,
        challenger: Address,
        id: U256,
        slot: u64,
        tx: &IncludedTx,
        leaf: B256,
        checkpoint_proof: &[u8],
    ) -> Result<Receipt> {
        let call = PlasmaCash::disputeCheckpointCall {
            checkpointId: id,
            slot,
            txBytes: tx.tx.clone().into(),
            txBlock: U256::from(tx.block),
            txProof: tx.proof.clone().into(),
            leaf,
            checkpointProof: checkpoint_proof.to_vec().into(),
        };
        self.send_bonded(challenger, call).await
    }

    /// Answers the dispute of checkpoint `id` for `slot` with `disputed` (its hash): `spend`
    /// spends it, signed by its owner, included after it and no later than the checkpoint's
    /// block. The dispute bond is credited to the responder.
    pub async fn respond_checkpoint_dispute(
        &self,
        responder: Address,
        id: U256,
        slot: u64,
        disputed: B256,
        spend: &IncludedTx,
        signature: &[u8],
    ) -> Result<Receipt> {
        let call = PlasmaCash::respondCheckpointDisputeCall {
            checkpointId: id,
            slot,
            disputedTxHash: disputed,
            respondingTxBytes: spend.tx.clone().into(),
            respondingBlock: U256::from(spend.block),
            proof: spend.proof.clone().into(),
            signature: signature.to_vec().into(),
            // The operator's own history has no copies: the spend names the disputed block.
            copyProof: Default::default(),
        };
        self.send(responder, call, U256::ZERO).await
    }

    /// Settles an unanswered dispute once the checkpoint's response period is over: the
    /// checkpoint stays void for the coin, the disputer's bond is credited back.
    pub async fn resolve_checkpoint_dispute(
        &self,
        from: Address,
        id: U256,
        slot: u64,
        tx_hash: B256,
    ) -> Result<Receipt> {
        let call =
            PlasmaCash::resolveCheckpointDisputeCall { checkpointId: id, slot, txHash: tx_hash };
        self.send(from, call, U256::ZERO).await
    }

    /// Cancels the exit of `slot` with `spend`, a spend of the exiting transaction. When the
    /// spend names another block holding the same exiting tx (a copy the operator included
    /// twice), `copy_proof` is the exiting tx's proof in that block; else empty.
    pub async fn challenge_after(
        &self,
        challenger: Address,
        slot: u64,
        spend: &IncludedTx,
        signature: &[u8],
        copy_proof: &[u8],
    ) -> Result<Receipt> {
        let call = PlasmaCash::challengeAfterCall {
            slot,
            challengingTxBytes: spend.tx.clone().into(),
            challengingTxInclusionProof: spend.proof.clone().into(),
            signature: signature.to_vec().into(),
            challengingBlock: U256::from(spend.block),
            copyProof: copy_proof.to_vec().into(),
        };
        self.send(challenger, call, U256::ZERO).await
    }

    /// Cancels the exit of `slot` with `spend`, a spend of the parent before the exiting block.
    pub async fn challenge_between(
        &self,
        challenger: Address,
        slot: u64,
        spend: &IncludedTx,
        signature: &[u8],
    ) -> Result<Receipt> {
        let call = PlasmaCash::challengeBetweenCall {
            slot,
            challengingTxBytes: spend.tx.clone().into(),
            challengingTxInclusionProof: spend.proof.clone().into(),
            signature: signature.to_vec().into(),
            challengingBlock: U256::from(spend.block),
        };
        self.send(challenger, call, U256::ZERO).await
    }

    /// Challenges the exit of `slot` with an earlier transaction of the coin, posting the bond;
    /// the exiter must answer with its spend.
    pub async fn challenge_before(
        &self,
        challenger: Address,
        slot: u64,
        earlier: &IncludedTx,
    ) -> Result<Receipt> {
        let call = PlasmaCash::challengeBeforeCall {
            slot,
            txBytes: earlier.tx.clone().into(),
            txInclusionProof: earlier.proof.clone().into(),
            txBlock: U256::from(earlier.block),
        };
        self.send_bonded(challenger, call).await
    }

    /// Answers the `challengeBefore` with `challenging` (its hash) by `spend`, which spends
    /// it, signed by its owner.
    pub async fn respond_challenge_before(
        &self,
        responder: Address,
        slot: u64,
        challenging: B256,
        spend: &IncludedTx,
        signature: &[u8],
    ) -> Result<Receipt> {
        let call = PlasmaCash::respondChallengeBeforeCall {
            slot,
            challengingTxHash: challenging,
            respondingTxBytes: spend.tx.clone().into(),
            respondingTxInclusionProof: spend.proof.clone().into(),
            signature: signature.to_vec().into(),
            respondingBlock: U256::from(spend.block),
            // A verified history has no copies: the spend names the challenged tx's block.
            copyProof: Default::default(),
        };
        self.send(responder, call, U256::ZERO).await
    }

    /// Finalizes the exit of `slot` after maturity (anyone may).
    pub async fn finalize_exit(&self, from: Address, slot: u64) -> Result<Receipt> {
        self.send(from, PlasmaCash::finalizeExitCall { slot }, U256::ZERO).await
    }

    /// Pays the finalized coin at `slot` out to its owner.
    pub async fn withdraw(&self, owner: Address, slot: u64) -> Result<Receipt> {
        self.send(owner, PlasmaCash::withdrawCall { slot }, U256::ZERO).await
    }

    /// Pays out the bonds credited to `who`.
    pub async fn withdraw_bonds(&self, who: Address) -> Result<Receipt> {
        self.send(who, PlasmaCash::withdrawBondsCall {}, U256::ZERO).await
    }

    /// Decodes a log of the contract; `None` for other logs and events not decoded here.
    pub fn decode(&self, log: &ChainLog) -> Option<CashEvent> {
        (log.log.address == self.address()).then(|| decode_cash_event(log)).flatten()
    }
}
