//! The wallet's history: what the root chain says about this address (deposits, exits,
//! in-flight exits and their payouts), and the child-chain payments this wallet sent, from its
//! own journal (the operator keeps no per-address history, and is not trusted to).

use super::{Wallet, WalletError};
use alloy_primitives::{Address, B256, Bytes, U256};
use plasma_api::TxAck;
use plasma_framework::PlasmaEvent;
use plasma_primitives::SignedTx;
use plasma_rootchain::{EventCursor, RootChain};
use serde::{Deserialize, Serialize};
use std::{
    collections::HashSet,
    io::{BufRead, Write},
};

/// One thing that happened to this wallet's money.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "camelCase")]
#[non_exhaustive]
pub enum HistoryEntry {
    /// A deposit from L1 (root-chain event).
    Deposited {
        /// The deposit block.
        blknum: u64,
        /// Token (zero = ETH).
        token: Address,
        /// Amount.
        amount: U256,
    },
    /// A payment this wallet signed and the operator acknowledged (journal).
    Sent {
        /// Its id.
        tx_hash: B256,
        /// The block the operator put it in.
        blknum: u64,
        /// Its index there.
        txindex: u16,
        /// The signed bytes (what an in-flight exit of it needs).
        signed_tx: Bytes,
    },
    /// A standard exit of one of this wallet's outputs started (root-chain event).
    ExitStarted {
        /// Exit id.
        exit_id: U256,
        /// The output.
        utxo_pos: U256,
        /// Token.
        token: Address,
        /// Amount.
        amount: U256,
        /// When it can be processed.
        exitable_at: u64,
    },
    /// One of this wallet's standard exits was challenged and deleted (root-chain event).
    ExitChallenged {
        /// Exit id.
        exit_id: U256,
    },
    /// A standard exit paid this wallet on L1 (root-chain event).
    ExitPaid {
        /// Token.
        token: Address,
        /// Amount.
        amount: U256,
    },
    /// This wallet started an in-flight exit (root-chain event).
    InFlightExitStarted {
        /// Exit id.
        exit_id: U256,
        /// The in-flight transaction's id.
        tx_hash: B256,
    },
    /// A leg piggybacked by this wallet paid out on L1 (root-chain event).
    InFlightLegPaid {
        /// Exit id.
        exit_id: U256,
        /// Token.
        token: Address,
        /// Amount.
        amount: U256,
    },
}

impl<C: RootChain> Wallet<C> {
    /// Appends an acknowledged payment to the journal, if the wallet keeps one.
    pub(super) fn journal_sent(&self, signed: &SignedTx, ack: &TxAck) -> Result<(), WalletError> {
        let Some((path, _)) = &self.history else { return Ok(()) };
        let entry = HistoryEntry::Sent {
            tx_hash: ack.tx_hash,
            blknum: ack.blknum,
            txindex: ack.txindex,
            signed_tx: signed.encode().into(),
        };
        let journal_err = |e: &dyn std::fmt::Display| WalletError::Journal {
            path: path.clone(),
            reason: e.to_string(),
        };
        let line = serde_json::to_string(&entry).map_err(|e| journal_err(&e))?;
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|e| journal_err(&e))?;
        }
        let mut file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)
            .map_err(|e| journal_err(&e))?;
        writeln!(file, "{line}").and_then(|()| file.sync_data()).map_err(|e| journal_err(&e))
    }

    /// The payments in the journal, oldest first.
    fn journal(&self) -> Result<Vec<HistoryEntry>, WalletError> {
        let Some((path, _)) = &self.history else { return Ok(Vec::new()) };
        let journal_err = |reason: String| WalletError::Journal { path: path.clone(), reason };
        let file = match std::fs::File::open(path) {
            Ok(file) => file,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(journal_err(e.to_string())),
        };
        let mut entries = Vec::new();
        for (n, line) in std::io::BufReader::new(file).lines().enumerate() {
            let line = line.map_err(|e| journal_err(e.to_string()))?;
            if line.trim().is_empty() {
                continue;
            }
            let entry = serde_json::from_str(&line)
                .map_err(|e| journal_err(format!("line {}: {e}", n + 1)))?;
            entries.push(entry);
        }
        Ok(entries)
    }

    /// A payment this wallet sent, from its journal.
    pub fn sent_tx(&self, tx_hash: B256) -> Result<Option<SignedTx>, WalletError> {
        for entry in self.journal()? {
            if let HistoryEntry::Sent { tx_hash: h, signed_tx, .. } = entry
                && h == tx_hash
            {
                return SignedTx::decode(&signed_tx).map(Some).map_err(|e| {
                    WalletError::NotVerified(format!("journaled transaction {h}: {e}"))
                });
            }
        }
        Ok(None)
    }

    /// Everything the root chain says about this address, then the journaled payments.
    pub async fn history(&self) -> Result<Vec<HistoryEntry>, WalletError> {
        let from = self.history.as_ref().map_or(0, |(_, from)| *from);
        let me = self.address();
        let chain = self.plasma.chain().as_ref();
        let mut cursor = EventCursor::new(self.plasma.event_sources(), from, 0);
        let head = chain.head().await?.number;
        let mut mine = HashSet::new();
        let mut entries = Vec::new();
        while cursor.next_block() <= head {
            for log in cursor.poll(chain).await? {
                let Some(event) = self.plasma.decode(&log) else { continue };
                if let Some(entry) = entry_for(me, event, &mut mine) {
                    entries.push(entry);
                }
            }
        }
        entries.extend(self.journal()?);
        Ok(entries)
    }
}

/// The history entry an event makes for `me`; `mine` tracks the exits that are this wallet's.
fn entry_for(me: Address, event: PlasmaEvent, mine: &mut HashSet<U256>) -> Option<HistoryEntry> {
    Some(match event {
        PlasmaEvent::DepositCreated { owner, blknum, token, amount, .. } if owner == me => {
            HistoryEntry::Deposited { blknum, token, amount }
        }
        PlasmaEvent::ExitStarted { exit_id, owner, token, utxo_pos, amount, exitable_at }
            if owner == me =>
        {
            mine.insert(exit_id);
            HistoryEntry::ExitStarted { exit_id, utxo_pos, token, amount, exitable_at }
        }
        PlasmaEvent::ExitChallenged { exit_id, .. } if mine.contains(&exit_id) => {
            HistoryEntry::ExitChallenged { exit_id }
        }
        PlasmaEvent::ExitFinalized { owner, token, amount, .. } if owner == me => {
            HistoryEntry::ExitPaid { token, amount }
        }
        PlasmaEvent::InFlightExitStarted { exit_id, starter, tx_hash, .. } if starter == me => {
            HistoryEntry::InFlightExitStarted { exit_id, tx_hash }
        }
        PlasmaEvent::InFlightLegPaid { exit_id, owner, token, amount, .. } if owner == me => {
            HistoryEntry::InFlightLegPaid { exit_id, token, amount }
        }
        _ => return None,
    })
}
