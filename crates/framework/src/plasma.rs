//! The framework's contracts through any [`RootChain`]: deploy or attach, send its
//! transactions, read its state, and decode its events.

use crate::PlasmaEvent;
use alloy_primitives::{Address, B256, Bytes, U256, keccak256};
use alloy_sol_types::{SolCall, SolEvent};
use plasma_contracts::{
    Erc20Vault, EthVault, FrameworkAddresses, FrameworkConfig, IERC20, PaymentExitGame,
    PlasmaFramework, plan_deployment,
};
use plasma_primitives::{PaymentTx, UtxoPos};
use plasma_rootchain::{ChainLog, Receipt, Result, RootChain, RootChainError, TxRequest, narrow};
use std::sync::Arc;

/// The deployed framework, driven through a root-chain client.
pub struct Plasma<C> {
    chain: Arc<C>,
    addresses: FrameworkAddresses,
}

impl<C: RootChain> Plasma<C> {
    /// Deploys the framework from `deployer` (who becomes its owner) and checks every contract
    /// landed where the plan says.
    pub async fn deploy(
        chain: Arc<C>,
        deployer: Address,
        config: &FrameworkConfig,
    ) -> Result<Self> {
        let nonce = chain.nonce(deployer).await?;
        let (steps, addresses) = plan_deployment(deployer, nonce, config);
        for step in steps {
            let tx =
                TxRequest { from: deployer, to: step.to, data: step.data, ..TxRequest::default() };
            let receipt = chain.send(tx).await?;
            if step.to.is_none() && receipt.contract_address.is_none() {
                return Err(RootChainError::NoContractCreated(step.what.to_string()));
            }
            tracing::debug!(what = step.what, gas = receipt.gas_used, "deployed");
        }
        Self::attach(chain, addresses).await
    }

    /// Uses an existing deployment, after checking each address holds code.
    pub async fn attach(chain: Arc<C>, addresses: FrameworkAddresses) -> Result<Self> {
        for address in
            [addresses.framework, addresses.eth_vault, addresses.erc20_vault, addresses.exit_game]
        {
            chain.ensure_code(address).await?;
        }
        Ok(Self { chain, addresses })
    }

    /// The contracts' addresses.
    pub fn addresses(&self) -> FrameworkAddresses {
        self.addresses
    }

    /// The root-chain client.
    pub fn chain(&self) -> &Arc<C> {
        &self.chain
    }

    /// Every address whose events the child chain follows.
    pub fn event_sources(&self) -> Vec<Address> {
        let a = self.addresses;
        vec![a.framework, a.eth_vault, a.erc20_vault, a.exit_game]
    }

    pub(crate) async fn view<T: SolCall>(&self, to: Address, call: T) -> Result<T::Return> {
        let out = self.chain.call(TxRequest::call(Address::ZERO, to, call.abi_encode())).await?;
        T::abi_decode_returns(&out)
            .map_err(|e| RootChainError::BadReturn { call: T::SIGNATURE, reason: e.to_string() })
    }

    pub(crate) async fn send<T: SolCall>(
        &self,
        from: Address,
        to: Address,
        call: T,
        value: U256,
    ) -> Result<Receipt> {
        self.chain.send(TxRequest::call(from, to, call.abi_encode()).with_value(value)).await
    }

    /// The EIP-712 domain separator the contracts check signatures against.
    pub async fn domain_separator(&self) -> Result<B256> {
        self.view(self.addresses.framework, PlasmaFramework::domainSeparatorCall {}).await
    }

    /// The only account the framework accepts block roots from.
    pub async fn operator(&self) -> Result<Address> {
        self.view(self.addresses.framework, PlasmaFramework::operatorCall {}).await
    }

    /// The framework's minimum exit period, in seconds.
    pub async fn min_exit_period(&self) -> Result<u64> {
        let p = self.view(self.addresses.framework, PlasmaFramework::minExitPeriodCall {}).await?;
        narrow(p, "minExitPeriod")
    }

    /// The number the next operator block will get.
    pub async fn next_child_block(&self) -> Result<u64> {
        let n = self.view(self.addresses.framework, PlasmaFramework::nextChildBlockCall {}).await?;
        narrow(n, "nextChildBlock")
    }

    /// Block `blknum`'s stored root (high 224 bits) and time, or `None` if it does not exist.
    pub async fn block(&self, blknum: u64) -> Result<Option<(B256, u64)>> {
        let b = self
            .view(
                self.addresses.framework,
                PlasmaFramework::blocksCall { blknum: U256::from(blknum) },
            )
            .await?;
        if b.timestamp.is_zero() {
            return Ok(None);
        }
        Ok(Some((b.root224, narrow(b.timestamp, "block timestamp")?)))
    }

    /// When the first exit in `token`'s queue matures (Unix time), `None` if none is queued.
    /// (Entries of challenged exits stay queued until processed, which drops them.)
    pub async fn next_exit_matures_at(&self, token: Address) -> Result<Option<u64>> {
        let key =
            self.view(self.addresses.exit_game, PaymentExitGame::queueTopCall { token }).await?;
        if key.is_zero() {
            return Ok(None);
        }
        narrow(key >> 224usize, "exitableAt").map(Some)
    }

    /// The exit id of the first entry in `token`'s queue (a standard, in-flight or batch
    /// exit), `None` if none is queued.
    pub async fn queue_top_id(&self, token: Address) -> Result<Option<U256>> {
        let key =
            self.view(self.addresses.exit_game, PaymentExitGame::queueTopCall { token }).await?;
        let id = key & ((U256::from(1) << 160) - U256::from(1));
        Ok((!key.is_zero()).then_some(id))
    }

    /// The bond a standard exit must post now.
    pub async fn exit_bond(&self) -> Result<U256> {
        self.view(self.addresses.exit_game, PaymentExitGame::exitBondCall {}).await
    }

    /// The part of an exit's or piggyback's `bond` that goes to whoever processes it.
    pub async fn process_bounty(&self, bond: U256) -> Result<U256> {
        self.view(self.addresses.exit_game, PaymentExitGame::processBountyCall { bond }).await
    }

    /// Commits a block root (from the operator); returns its block number.
    pub async fn submit_block(&self, operator: Address, root: B256) -> Result<(u64, Receipt)> {
        let receipt = self
            .send(
                operator,
                self.addresses.framework,
                PlasmaFramework::submitBlockCall { root },
                U256::ZERO,
            )
            .await?;
        let blknum = receipt
            .logs
            .iter()
            .find_map(|l| PlasmaFramework::BlockSubmitted::decode_log(&l.log).ok())
            .ok_or(RootChainError::MissingEvent { call: "submitBlock", event: "BlockSubmitted" })?
            .blknum;
        let blknum = narrow(blknum, "blknum")?;
        Ok((blknum, receipt))
    }

    /// The surge fee (wei) the next deposit pays on top of its amount: 0 for the first 500
    /// deposits after an operator block, then rising (see the vaults' `depositFee`).
    pub async fn deposit_fee(&self) -> Result<U256> {
        self.view(self.addresses.eth_vault, EthVault::depositFeeCall {}).await
    }

    /// Deposits the single output of `deposit` from its owner: ETH with value, an ERC20 after
    /// approving the vault, each with the current surge fee. Returns the deposit block and the
    /// receipts.
    pub async fn deposit(&self, deposit: &PaymentTx) -> Result<(u64, Vec<Receipt>)> {
        let out = deposit.outputs()[0];
        let tx_bytes = Bytes::from(deposit.encode());
        let mut receipts = Vec::new();
        let receipt = if out.token.is_zero() {
            let fee = self.deposit_fee().await?;
            let call = EthVault::depositCall { depositTx: tx_bytes };
            self.send(out.owner, self.addresses.eth_vault, call, out.amount + fee).await?
        } else {
            let approve =
                IERC20::approveCall { spender: self.addresses.erc20_vault, value: out.amount };
            receipts.push(self.send(out.owner, out.token, approve, U256::ZERO).await?);
            let fee = self.deposit_fee().await?;
            let call = Erc20Vault::depositCall { depositTx: tx_bytes };
            self.send(out.owner, self.addresses.erc20_vault, call, fee).await?
        };
        let blknum = receipt
            .logs
            .iter()
            .find_map(|l| EthVault::DepositCreated::decode_log(&l.log).ok())
            .ok_or(RootChainError::MissingEvent { call: "deposit", event: "DepositCreated" })?
            .blknum;
        let blknum = narrow(blknum, "blknum")?;
        receipts.push(receipt);
        Ok((blknum, receipts))
    }

    /// Starts a standard exit of the output at `pos`, created by `tx_bytes`, posting the bond.
    pub async fn start_standard_exit(
        &self,
        owner: Address,
        pos: UtxoPos,
        tx_bytes: &[u8],
        proof: &[u8],
    ) -> Result<Receipt> {
        let bond = self.exit_bond().await?;
        let call = PaymentExitGame::startStandardExitCall {
            utxoPos: pos.raw(),
            txBytes: tx_bytes.to_vec().into(),
            inclusionProof: proof.to_vec().into(),
            queueHint: self.queue_hint(pos, tx_bytes).await?,
        };
        self.send(owner, self.addresses.exit_game, call, bond).await
    }

    /// Where the exit of `pos` will sit in its token's queue, so the contract inserts it without
    /// walking the queue. The exit time is estimated from the head block; a hint that turns
    /// out stale costs only gas, never correctness.
    async fn queue_hint(&self, pos: UtxoPos, tx_bytes: &[u8]) -> Result<U256> {
        let game = self.addresses.exit_game;
        let Ok(tx) = PaymentTx::decode(tx_bytes) else { return Ok(U256::ZERO) };
        let Some(output) = tx.outputs().get(pos.oindex() as usize) else { return Ok(U256::ZERO) };
        let blknum = pos.blknum_u64().unwrap_or_default();
        let mep: u64 =
            narrow(self.view(game, PaymentExitGame::minExitPeriodCall {}).await?, "minExitPeriod")?;
        let now = self.chain.head().await?.timestamp;
        let block_time = self.block(blknum).await?.map_or(now, |(_, t)| t);
        let exitable_at = if !blknum.is_multiple_of(1000) {
            now + mep
        } else {
            (block_time + 2 * mep).max(now + mep)
        };
        let output_id = self
            .view(
                game,
                PaymentExitGame::outputIdCall {
                    txBytes: tx_bytes.to_vec().into(),
                    utxoPos: pos.raw(),
                },
            )
            .await?;
        let exit_id =
            self.view(game, PaymentExitGame::exitIdOfCall { outputId_: output_id }).await?;
        let key = PaymentExitGame::priorityKeyCall {
            exitableAt: U256::from(exitable_at),
            txPos: pos.tx_pos(),
            exitId: exit_id,
        };
        let key = self.view(game, key).await?;
        self.view(game, PaymentExitGame::queueHintCall { token: output.token, key }).await
    }

    /// Challenges the exit of `pos` with `challenge_tx`, which spends it, and the owner's
    /// signature of it. The bond goes to `challenger`.
    pub async fn challenge_standard_exit(
        &self,
        challenger: Address,
        pos: UtxoPos,
        exiting_tx: &[u8],
        challenge_tx: &[u8],
        signature: &[u8],
    ) -> Result<Receipt> {
        let call = PaymentExitGame::challengeStandardExitCall {
            utxoPos: pos.raw(),
            exitingTx: exiting_tx.to_vec().into(),
            challengeTx: challenge_tx.to_vec().into(),
            signature: signature.to_vec().into(),
            senderData: keccak256(challenger.as_slice()),
        };
        self.send(challenger, self.addresses.exit_game, call, U256::ZERO).await
    }

    /// Processes up to `max` mature exits of `token`; the bounties go to `processor`.
    pub async fn process_exits(
        &self,
        processor: Address,
        token: Address,
        max: u64,
    ) -> Result<Receipt> {
        let call = PaymentExitGame::processExitsCall { token, maxExits: U256::from(max) };
        self.send(processor, self.addresses.exit_game, call, U256::ZERO).await
    }

    /// Decodes a log of the framework's contracts; `None` for other logs.
    pub fn decode(&self, log: &ChainLog) -> Option<PlasmaEvent> {
        crate::events::decode_payment_event(&self.addresses, log)
    }
}
