//! MoreVP from the wallet: the in-flight exit of a payment whose block is withheld (or never
//! came), piggybacks on it, and challenges of exits of outputs the wallet's watcher saw spent.

use super::{Wallet, WalletError, operator_error, watcher_error};
use alloy_primitives::{B256, U256};
use plasma_api::OperatorApiClient;
use plasma_api::WatcherApiClient;
use plasma_framework::{InFlightExitArgs, PlasmaEvent, in_flight_exit_id};
use plasma_primitives::{PaymentTx, SignedTx, UtxoPos};
use plasma_rootchain::{RootChain, RootChainError};

/// An input or output of an in-flight transaction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Leg {
    /// Input `n` (0-3).
    Input(u8),
    /// Output `n` (0-3).
    Output(u8),
}

/// What a piggyback did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Piggybacked {
    /// Piggybacked now, with its bond.
    BondSent,
    /// The leg was already piggybacked: nothing was sent.
    Already,
}

/// An in-flight exit the wallet started or joined.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InFlightExit {
    /// Exit id.
    pub exit_id: U256,
    /// When its piggybacks can be processed (Unix time).
    pub exitable_at: u64,
    /// The legs this wallet piggybacked now (a bond sent for each).
    pub piggybacked: Vec<Leg>,
    /// This wallet's legs that were piggybacked before (nothing sent).
    pub already_piggybacked: Vec<Leg>,
}

impl<C: RootChain> Wallet<C> {
    /// Starts the in-flight exit of `signed` (unless someone already did) and piggybacks
    /// every output of it this wallet owns: the receiver's (and the sender's change) way out
    /// when the payment's block is withheld. Input data comes from the watcher if there is one
    /// (else the operator) and is checked against the roots on L1 first.
    pub async fn in_flight_exit(&self, signed: &SignedTx) -> Result<InFlightExit, WalletError> {
        let args = self.in_flight_args(signed).await?;
        for ((pos, tx), proof) in
            args.input_positions.iter().zip(&args.input_txs).zip(&args.input_proofs)
        {
            self.check_proof(*pos, tx, proof).await?;
        }
        let exit_id = in_flight_exit_id(&args.tx);
        match self.plasma.start_in_flight_exit(self.address(), &args).await {
            Ok(_) => {}
            // Someone (the other party, a watcher) started it already: join it.
            Err(e) if e.reverted_with("InFlightExitAlreadyStarted") => {}
            Err(e) => return Err(e.into()),
        }
        let (mut piggybacked, mut already_piggybacked) = (Vec::new(), Vec::new());
        for (index, output) in (0u8..).zip(signed.tx().outputs()) {
            if output.owner == self.address() {
                match self.piggyback(&args.tx, Leg::Output(index)).await? {
                    Piggybacked::BondSent => piggybacked.push(Leg::Output(index)),
                    Piggybacked::Already => already_piggybacked.push(Leg::Output(index)),
                }
            }
        }
        let exitable_at = self.plasma.in_flight_exit(exit_id).await?.exitableAt.into();
        Ok(InFlightExit { exit_id, exitable_at, piggybacked, already_piggybacked })
    }

    async fn in_flight_args(&self, signed: &SignedTx) -> Result<InFlightExitArgs, WalletError> {
        if let Some(watcher) = &self.watcher {
            let data =
                watcher.in_flight_exit_data(signed.encode().into()).await.map_err(watcher_error)?;
            let bytes =
                |v: Vec<alloy_primitives::Bytes>| v.into_iter().map(|b| b.to_vec()).collect();
            return Ok(InFlightExitArgs {
                tx: data.in_flight_tx.to_vec(),
                input_txs: bytes(data.input_txs),
                input_positions: data
                    .input_utxos_pos
                    .into_iter()
                    .map(|p| UtxoPos::from_raw(p).ok_or(WalletError::UnknownUtxo(p)))
                    .collect::<Result<_, _>>()?,
                input_proofs: bytes(data.input_txs_inclusion_proofs),
                signatures: bytes(data.in_flight_tx_sigs),
            });
        }
        let mut args = InFlightExitArgs {
            tx: signed.tx().encode(),
            input_txs: Vec::new(),
            input_positions: Vec::new(),
            input_proofs: Vec::new(),
            signatures: signed.signatures().iter().map(|s| s.as_bytes().to_vec()).collect(),
        };
        for &input in signed.tx().inputs() {
            let data = self.operator.get_exit_data(input.raw()).await.map_err(operator_error)?;
            args.input_txs.push(data.tx_bytes.to_vec());
            args.input_positions.push(input);
            args.input_proofs.push(data.proof.to_vec());
        }
        Ok(args)
    }

    /// Piggybacks `leg` of the in-flight exit of `tx` (unsigned bytes); the leg must be this
    /// wallet's. Piggyback an output if the payment may be canonical (included, or never
    /// double-spent), an input if it may not be.
    pub async fn piggyback(&self, tx: &[u8], leg: Leg) -> Result<Piggybacked, WalletError> {
        let me = self.address();
        let result = match leg {
            Leg::Output(index) => {
                let decoded = PaymentTx::decode(tx)
                    .map_err(|e| WalletError::Invalid(format!("not a payment: {e}")))?;
                let output = decoded
                    .outputs()
                    .get(usize::from(index))
                    .filter(|o| o.owner == me)
                    .ok_or_else(|| {
                        WalletError::Invalid(format!(
                            "output {index} of that payment is not {me}'s"
                        ))
                    })?;
                self.plasma.piggyback_output(me, tx, index, output.token).await
            }
            Leg::Input(index) => self.plasma.piggyback_input(me, tx, index).await,
        };
        match result {
            Ok(_) => Ok(Piggybacked::BondSent),
            // The call reverted before anything was sent: no bond left the wallet.
            Err(e) if e.reverted_with("AlreadyPiggybacked") => Ok(Piggybacked::Already),
            Err(e) => Err(e.into()),
        }
    }

    /// Challenges the standard exit of `pos` with the spend the watcher verified; the exit's
    /// bond comes to this wallet. Returns the root-chain transaction.
    pub async fn challenge(&self, pos: UtxoPos) -> Result<B256, WalletError> {
        let watcher = self.watcher.as_ref().ok_or(WalletError::NeedsWatcher("a challenge"))?;
        let data = watcher.challenge_data(pos.raw()).await.map_err(watcher_error)?;
        let receipt = self
            .plasma
            .challenge_standard_exit(
                self.address(),
                pos,
                &data.exiting_tx,
                &data.challenge_tx,
                &data.signature,
            )
            .await?;
        let challenged = receipt
            .logs
            .iter()
            .any(|l| matches!(self.plasma.decode(l), Some(PlasmaEvent::ExitChallenged { .. })));
        if !challenged {
            return Err(RootChainError::MissingEvent {
                call: "challengeStandardExit",
                event: "ExitChallenged",
            }
            .into());
        }
        Ok(receipt.tx_hash)
    }
}
