//! The simulated world: the operator node, the root chain, the watcher, and the steps that
//! let them catch up with each other.

use super::*;

impl Sim {
    pub(super) async fn new(seed: u64, users: usize) -> Step<Self> {
        let accounts = (0..users + 2).map(|i| dev_key(i).address()).collect();
        let chain = Arc::new(EmbeddedChain::with_config(EmbeddedConfig {
            accounts,
            ..EmbeddedConfig::default()
        }));
        let mut framework = FrameworkConfig::new(addr(OPERATOR));
        framework.min_exit_period = MEP;
        let plasma =
            Arc::new(Plasma::deploy(chain.clone(), addr(OPERATOR), &framework).await.map_err(err)?);
        let domain = plasma.domain_separator().await.map_err(err)?;
        let dir = std::env::temp_dir().join(format!(
            "plasma-sim-{}-{seed}-{:?}",
            std::process::id(),
            std::thread::current().id()
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).map_err(err)?;
        let path = dir.join("operator.redb");
        let node = start_node(&plasma, &path).await?;
        let client = client_of(&node)?;
        let live = LiveNode {
            client: Arc::new(Mutex::new(client.clone())),
            withheld_from: Arc::new(AtomicU64::new(u64::MAX)),
        };
        let watcher = new_watcher(&plasma, &live, users).await?;
        Ok(Self {
            chain,
            plasma,
            domain,
            path,
            _dir: TempDir(dir),
            node: Some(node),
            client,
            live,
            watcher,
            watcher_seen: 0,
            users,
            model: Model::default(),
            following: true,
            report: SimReport { seed, ..SimReport::default() },
        })
    }

    pub(super) fn node(&self) -> Step<&OperatorNode> {
        self.node.as_ref().ok_or_else(|| "the operator is not running".to_owned())
    }

    pub(super) fn done(&mut self, what: &'static str) {
        *self.report.done.entry(what).or_default() += 1;
    }

    /// The outputs the operator offers `user`, in position order.
    pub(super) async fn spendable(&self, user: usize) -> Step<Vec<(UtxoPos, U256)>> {
        let page = self.client.get_utxos(addr(user), None, Some(1000)).await.map_err(err)?;
        Ok(page
            .utxos
            .into_iter()
            .filter_map(|u| Some((UtxoPos::from_raw(u.utxo_pos)?, u.amount)))
            .collect())
    }

    pub(super) fn pay_tx(
        &self,
        from: usize,
        inputs: Vec<UtxoPos>,
        outs: &[(usize, U256)],
    ) -> Step<SignedTx> {
        let outputs = outs
            .iter()
            .filter(|(_, amount)| !amount.is_zero())
            .map(|&(o, amount)| Output { owner: addr(o), token: Address::ZERO, amount })
            .collect();
        let key = key_of(from);
        let keys = vec![&key; inputs.len()];
        PaymentTx::new(inputs, outputs, B256::ZERO)
            .map_err(err)?
            .sign(&keys, &self.domain)
            .map_err(err)
    }

    pub(super) fn moved(&mut self, from: usize, to: usize, amount: U256) {
        let from_owned = self.model.owned.entry(from).or_default();
        *from_owned = from_owned.saturating_sub(amount);
        *self.model.owned.entry(to).or_default() += amount;
    }

    /// Submits an honest payment, which must be acknowledged, and waits until its block is on
    /// L1 and verified.
    pub(super) async fn submit(&mut self, from: usize, tx: SignedTx) -> Step<()> {
        let answer = self.node()?.submit(vec![tx.encode().into()]).await.map_err(err)?;
        let ack = answer.into_iter().next().ok_or("no answer")?.map_err(|reason| {
            format!("an honest spend of outputs the operator offered was refused: {reason}")
        })?;
        self.model.included.insert(UtxoPos::new(ack.blknum, ack.txindex, 0), tx.clone());
        self.model.spent.entry(from).or_default().extend(tx.tx().inputs());
        self.until("sealed and submitted the block", |s| {
            s.pending_txs == 0 && s.last_submitted_block >= ack.blknum
        })
        .await?;
        self.report.blocks = self.report.blocks.max(ack.blknum / 1000);
        self.sync_l1().await
    }

    pub(super) async fn until(&self, what: &str, done: impl Fn(&Status) -> bool) -> Step<Status> {
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            let node = self.node()?;
            if let Some(failure) = node.failure() {
                return Err(format!("the operator stopped: {failure}"));
            }
            let status = node.status().await;
            if done(&status) {
                return Ok(status);
            }
            if Instant::now() > deadline {
                return Err(format!("the operator never {what}: {status:?}"));
            }
            tokio::time::sleep(Duration::from_millis(2)).await;
        }
    }

    /// Lets the watcher act (it may challenge) and the operator read everything up to the
    /// root chain's head, until neither has more to do.
    pub(super) async fn sync_l1(&mut self) -> Step<()> {
        loop {
            // Bury everything so far at the confirmation depth.
            for _ in 0..CONFIRMATIONS {
                self.chain.mine().await.map_err(err)?;
            }
            let head = self.chain.head().await.map_err(err)?.number;
            let read_to = head - CONFIRMATIONS;
            if self.following {
                self.until("read the root chain", |s| s.l1_next_block > read_to).await?;
            }
            self.watcher.step().await.map_err(err)?;
            if self.chain.head().await.map_err(err)?.number == head {
                return Ok(());
            }
        }
    }
}

/// Whether `event` says the operator cheated (an invalid or withheld block, "exit now").
pub(super) fn judges_the_operator(event: &WatcherEvent) -> bool {
    matches!(
        event,
        WatcherEvent::InvalidBlock { .. }
            | WatcherEvent::BlockWithheld { .. }
            | WatcherEvent::ExitNow { .. }
    )
}

/// A watcher that challenges, reading at the confirmation depth from the deployment on.
pub(super) async fn new_watcher(
    plasma: &Arc<Plasma<EmbeddedChain>>,
    live: &LiveNode,
    users: usize,
) -> Step<Watcher<EmbeddedChain, LiveNode>> {
    let config = WatcherConfig {
        challenger: Some(addr(users + 1)),
        withholding_secs: MEP,
        confirmations: CONFIRMATIONS,
        ..WatcherConfig::default()
    };
    Watcher::new(config, plasma.clone(), live.clone()).await.map_err(err)
}

pub(super) async fn start_node(
    plasma: &Arc<Plasma<EmbeddedChain>>,
    path: &std::path::Path,
) -> Step<OperatorNode> {
    let config = OperatorConfig {
        rpc_addr: "127.0.0.1:0".parse().map_err(err)?,
        block_interval: Duration::from_millis(2),
        l1_poll_interval: Duration::from_millis(2),
        l1_confirmations: CONFIRMATIONS,
        ..OperatorConfig::default()
    };
    // The last life's connection tasks may hold the database for a moment after it stopped.
    let deadline = Instant::now() + Duration::from_secs(10);
    let store = loop {
        match RedbStore::open(path) {
            Ok(store) => break Arc::new(store),
            Err(e) if Instant::now() > deadline => return Err(err(e)),
            Err(_) => tokio::time::sleep(Duration::from_millis(10)).await,
        }
    };
    OperatorNode::start(config, plasma.clone(), addr(OPERATOR), store).await.map_err(err)
}

pub(super) fn client_of(node: &OperatorNode) -> Step<HttpClient> {
    HttpClientBuilder::default().build(format!("http://{}", node.rpc_addr())).map_err(err)
}
