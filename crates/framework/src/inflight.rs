//! MoreVP in-flight exits through [`Plasma`]: start one, piggyback inputs and outputs,
//! challenge canonicity and answer it, challenge spent piggybacks, and decode their events.
//! The rules are the contracts' (docs/exit-games.md); this is only their client.

use crate::Plasma;
use alloy_primitives::{Address, Bytes, U256};
use plasma_contracts::{PaymentExitBase, PaymentExitGame};
use plasma_primitives::UtxoPos;
use plasma_rootchain::{Receipt, Result, RootChain, exit_id_160};

pub use plasma_primitives::exits::OUTPUT_LEG;

/// `txPos` of a transaction that is in no block: older than nothing.
pub const NOT_INCLUDED: u64 = u64::MAX;

/// What `startInFlightExit` needs: the signed in-flight transaction, and for each of its
/// inputs the transaction that created it and that transaction's inclusion proof.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InFlightExitArgs {
    /// The unsigned in-flight transaction.
    pub tx: Vec<u8>,
    /// The unsigned transactions that created its inputs, in input order.
    pub input_txs: Vec<Vec<u8>>,
    /// Its inputs' positions.
    pub input_positions: Vec<UtxoPos>,
    /// Each input transaction's inclusion proof.
    pub input_proofs: Vec<Vec<u8>>,
    /// One signature of the in-flight transaction per input, by that input's owner.
    pub signatures: Vec<Vec<u8>>,
}

/// A competitor of an in-flight transaction: another transaction spending one of its inputs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Competitor {
    /// The in-flight transaction's input both spend.
    pub in_flight_input_index: u8,
    /// The competitor's unsigned bytes.
    pub tx: Vec<u8>,
    /// The shared input's index in the competitor.
    pub input_index: u8,
    /// Where the competitor is included, with its inclusion proof; `None` if it is in no block.
    pub inclusion: Option<(UtxoPos, Vec<u8>)>,
    /// The shared input owner's signature of the competitor.
    pub signature: Vec<u8>,
}

/// A transaction that spends an in-flight transaction's input or output.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpendingTx {
    /// Its unsigned bytes.
    pub tx: Vec<u8>,
    /// Which of its inputs is the spent output.
    pub input_index: u8,
    /// The spent output owner's signature of it.
    pub signature: Vec<u8>,
}

pub use plasma_primitives::batch::in_flight_exit_id;

/// The contract's position number of the transaction at `pos`: `blknum·10⁵ + txindex`.
fn tx_pos(inclusion: Option<&(UtxoPos, Vec<u8>)>) -> U256 {
    inclusion.map_or(U256::ZERO, |(pos, _)| pos.tx_pos())
}

impl<C: RootChain> Plasma<C> {
    /// The bond `startInFlightExit` takes now.
    pub async fn in_flight_exit_bond(&self) -> Result<U256> {
        self.view(self.addresses().exit_game, PaymentExitGame::inFlightExitBondCall {}).await
    }

    /// The bond `challengeInFlightExitNotCanonical` takes now: the responder's reward if the
    /// challenge is answered, returned to the challenger if it stands.
    pub async fn canonicity_challenge_bond(&self) -> Result<U256> {
        self.view(self.addresses().exit_game, PaymentExitGame::canonicityChallengeBondCall {}).await
    }

    /// The bond a piggyback takes now.
    pub async fn piggyback_bond(&self) -> Result<U256> {
        self.view(self.addresses().exit_game, PaymentExitGame::piggybackBondCall {}).await
    }

    /// The in-flight exit's header (all zero if there is none).
    pub async fn in_flight_exit(&self, exit_id: U256) -> Result<PaymentExitBase::Header> {
        let call = PaymentExitGame::inFlightExitCall { exitId: exit_id_160(exit_id)? };
        self.view(self.addresses().exit_game, call).await
    }

    /// Starts the in-flight exit of `args.tx` from `starter`, posting the bond.
    pub async fn start_in_flight_exit(
        &self,
        starter: Address,
        args: &InFlightExitArgs,
    ) -> Result<Receipt> {
        let bond = self.in_flight_exit_bond().await?;
        let bytes = |v: &[Vec<u8>]| v.iter().map(|b| Bytes::from(b.clone())).collect();
        let call = PaymentExitGame::startInFlightExitCall {
            args: PaymentExitBase::StartInFlightExitArgs {
                inFlightTx: args.tx.clone().into(),
                inputTxs: bytes(&args.input_txs),
                inputUtxosPos: args.input_positions.iter().map(|p| p.raw()).collect(),
                inputTxsInclusionProofs: bytes(&args.input_proofs),
                inFlightTxSigs: bytes(&args.signatures),
            },
        };
        self.send(starter, self.addresses().exit_game, call, bond).await
    }

    /// Deletes in-flight exit `exit_id` if nothing was piggybacked by the end of the
    /// piggyback period: it can pay nothing, and its inputs are free again on the child chain.
    /// The bond goes back to its owner.
    pub async fn delete_in_flight_exit(&self, sender: Address, exit_id: U256) -> Result<Receipt> {
        let call =
            PaymentExitGame::deleteNonPiggybackedInFlightExitCall { exitId: exit_id_160(exit_id)? };
        self.send(sender, self.addresses().exit_game, call, U256::ZERO).await
    }

    /// Piggybacks input `index` of in-flight transaction `tx` for its owner, posting the bond.
    pub async fn piggyback_input(&self, owner: Address, tx: &[u8], index: u8) -> Result<Receipt> {
        let queue_hint = self.piggyback_hint(tx, index, None).await?;
        let call = PaymentExitGame::piggybackInFlightExitOnInputCall {
            inFlightTx: tx.to_vec().into(),
            inputIndex: U256::from(index),
            queueHint: queue_hint,
        };
        let bond = self.piggyback_bond().await?;
        self.send(owner, self.addresses().exit_game, call, bond).await
    }

    /// Piggybacks output `index` (of token `token`) of in-flight transaction `tx` for its
    /// owner, posting the bond.
    pub async fn piggyback_output(
        &self,
        owner: Address,
        tx: &[u8],
        index: u8,
        token: Address,
    ) -> Result<Receipt> {
        let queue_hint = self.piggyback_hint(tx, OUTPUT_LEG + index, Some(token)).await?;
        let call = PaymentExitGame::piggybackInFlightExitOnOutputCall {
            inFlightTx: tx.to_vec().into(),
            outputIndex: U256::from(index),
            queueHint: queue_hint,
        };
        let bond = self.piggyback_bond().await?;
        self.send(owner, self.addresses().exit_game, call, bond).await
    }

    /// Where the exit goes in the leg's token queue (an input leg's token is on the root
    /// chain since the start). A stale hint costs gas, never correctness.
    async fn piggyback_hint(&self, tx: &[u8], leg: u8, token: Option<Address>) -> Result<U256> {
        let game = self.addresses().exit_game;
        let exit_id = in_flight_exit_id(tx);
        let token = match token {
            Some(token) => token,
            None => {
                let call = PaymentExitGame::inFlightExitLegCall {
                    exitId: exit_id_160(exit_id)?,
                    legIndex: U256::from(leg),
                };
                self.view(game, call).await?.token
            }
        };
        let key = PaymentExitGame::inFlightExitPriorityKeyCall { exitId: exit_id_160(exit_id)? };
        let key = self.view(game, key).await?;
        self.view(game, PaymentExitGame::queueHintCall { token, key }).await
    }

    /// Challenges the canonicity of the in-flight exit of `tx` with `competitor`, posting the
    /// canonicity-challenge bond.
    pub async fn challenge_in_flight_not_canonical(
        &self,
        challenger: Address,
        tx: &[u8],
        competitor: &Competitor,
    ) -> Result<Receipt> {
        let call = PaymentExitGame::challengeInFlightExitNotCanonicalCall {
            challenge: PaymentExitBase::CanonicityChallenge {
                inFlightTx: tx.to_vec().into(),
                inFlightTxInputIndex: U256::from(competitor.in_flight_input_index),
                competingTx: competitor.tx.clone().into(),
                competingTxInputIndex: U256::from(competitor.input_index),
                competingTxPos: tx_pos(competitor.inclusion.as_ref()),
                competingTxInclusionProof: competitor
                    .inclusion
                    .as_ref()
                    .map_or_else(Bytes::new, |(_, proof)| proof.clone().into()),
                competingTxSig: competitor.signature.clone().into(),
            },
        };
        let bond = self.canonicity_challenge_bond().await?;
        self.send(challenger, self.addresses().exit_game, call, bond).await
    }

    /// Answers a canonicity challenge: `tx` is included at `pos` (any output of it), before
    /// the competitor shown.
    pub async fn respond_to_non_canonical_challenge(
        &self,
        responder: Address,
        tx: &[u8],
        pos: UtxoPos,
        proof: &[u8],
    ) -> Result<Receipt> {
        let call = PaymentExitGame::respondToNonCanonicalChallengeCall {
            inFlightTx: tx.to_vec().into(),
            txPos: pos.tx_pos(),
            inclusionProof: proof.to_vec().into(),
        };
        self.send(responder, self.addresses().exit_game, call, U256::ZERO).await
    }

    /// Removes the piggyback of input `index` of in-flight `tx`: `spend` spends that input.
    pub async fn challenge_in_flight_input_spent(
        &self,
        challenger: Address,
        tx: &[u8],
        index: u8,
        spend: &SpendingTx,
    ) -> Result<Receipt> {
        let call = PaymentExitGame::challengeInFlightExitInputSpentCall {
            inFlightTx: tx.to_vec().into(),
            inputIndex: U256::from(index),
            spendingTx: spend.tx.clone().into(),
            spendingTxInputIndex: U256::from(spend.input_index),
            spendingTxSig: spend.signature.clone().into(),
        };
        self.send(challenger, self.addresses().exit_game, call, U256::ZERO).await
    }

    /// Removes the piggyback of output `index` of in-flight `tx`, included at `pos` (any
    /// output of it) with `proof`: `spend` spends that output.
    pub async fn challenge_in_flight_output_spent(
        &self,
        challenger: Address,
        tx: &[u8],
        pos: UtxoPos,
        proof: &[u8],
        index: u8,
        spend: &SpendingTx,
    ) -> Result<Receipt> {
        let call = PaymentExitGame::challengeInFlightExitOutputSpentCall {
            challenge: PaymentExitBase::OutputSpentChallenge {
                inFlightTx: tx.to_vec().into(),
                inFlightTxPos: pos.tx_pos(),
                inFlightTxInclusionProof: proof.to_vec().into(),
                outputIndex: U256::from(index),
                spendingTx: spend.tx.clone().into(),
                spendingTxInputIndex: U256::from(spend.input_index),
                spendingTxSig: spend.signature.clone().into(),
            },
        };
        self.send(challenger, self.addresses().exit_game, call, U256::ZERO).await
    }
}
