//! What a watching party (the holder's coin watcher, or the operator guarding its side)
//! answers to an exit or a challenge on L1, from the coin's verified history: the exit game
//! of docs/debit.md read backwards. Pure: the caller reads L1 and sends the answer.

use crate::history::{IncludedTx, VerifiedCoin};
use alloy_primitives::{Address, B256};
use plasma_primitives::debit::DebitTx;

/// A live exit as the contract records it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExitOnL1 {
    /// Who is paid the holder's side.
    pub owner: Address,
    /// The exiting transaction's block.
    pub exit_block: u64,
    /// Its parent's block (0 for a deposit exit).
    pub parent_block: u64,
    /// The exiting transaction's hash.
    pub tx_hash: B256,
    /// Pays already added to it as credits.
    pub claimed: Vec<B256>,
}

/// The answer to an exit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Answer {
    /// The exit is of the coin's latest state: these credits are missing from it.
    AddCredits(Vec<IncludedTx>),
    /// The exit is of an older state: this own transaction spends it (`copy_proof`, when not
    /// empty, shows the exiting transaction at the block the spend names).
    ChallengeAfter {
        /// The spend.
        spend: IncludedTx,
        /// The exiting tx's proof at the block the spend names, if that is another block.
        copy_proof: Vec<u8>,
    },
    /// The exit's parent was spent before the exiting block by this other transaction.
    ChallengeBetween {
        /// The spend.
        spend: IncludedTx,
    },
    /// The exit is of no state of the coin's valid history: its latest valid state before the
    /// exiting block, which the exiter cannot show spent.
    ChallengeBefore {
        /// The coin's latest own transaction before the exiting block.
        tx: IncludedTx,
    },
}

/// How to answer `exit` of `coin`, or `None` when it is the latest state with every credit.
pub fn answer_exit(coin: &VerifiedCoin, exit: &ExitOnL1) -> Option<Answer> {
    let own = &coin.own;
    let same = |t: &IncludedTx| t.tx.hash() == exit.tx_hash;
    // The exiting transaction in the valid history (at its block, or a copy elsewhere).
    let at = own.iter().position(|t| same(t) && t.block == exit.exit_block);
    let copy = own.iter().position(same);
    if let Some(i) = at.or(copy) {
        return match own.get(i + 1) {
            Some(spend) => {
                let copy_proof =
                    if own[i].block == exit.exit_block { Vec::new() } else { own[i].proof.clone() };
                Some(Answer::ChallengeAfter { spend: spend.clone(), copy_proof })
            }
            None => {
                let missing: Vec<IncludedTx> = coin
                    .credits_after(exit.exit_block)
                    .filter(|c| !exit.claimed.contains(&c.tx.hash()))
                    .filter(|c| matches!(c.tx, DebitTx::Pay(p) if p.to_owner == exit.owner))
                    .cloned()
                    .collect();
                (!missing.is_empty()).then_some(Answer::AddCredits(missing))
            }
        };
    }
    if exit.parent_block != 0 {
        let parent = own.iter().position(|t| t.block == exit.parent_block);
        let spend = parent.and_then(|j| own.get(j + 1));
        if let Some(spend) = spend.filter(|s| s.block < exit.exit_block && !same(s)) {
            return Some(Answer::ChallengeBetween { spend: spend.clone() });
        }
    }
    let before = own.iter().rev().find(|t| t.block < exit.exit_block)?;
    (exit.parent_block != 0).then(|| Answer::ChallengeBefore { tx: before.clone() })
}

/// The answer to a `challengeBefore` of the holder's own exit with the transaction
/// `challenged` (hash) at `challenged_block`: the spend of it no later than `exit_block`,
/// and the copy proof when the spend names another block. `None` when the challenge is right
/// (the challenged transaction is the latest before the exit).
pub fn answer_challenge_before(
    coin: &VerifiedCoin,
    challenged: B256,
    challenged_block: u64,
    exit_block: u64,
) -> Option<(IncludedTx, Vec<u8>)> {
    let own = &coin.own;
    let k = own.iter().position(|t| t.tx.hash() == challenged)?;
    let spend = own.get(k + 1).filter(|s| s.block <= exit_block)?;
    let copy_proof =
        if own[k].block == challenged_block { Vec::new() } else { own[k].proof.clone() };
    Some((spend.clone(), copy_proof))
}

/// The evidence that the holder's coin went on from `pay` (one of its own pays): the own
/// transaction after it, which names its block. Shown with `acknowledgePay` when the payee's
/// guard refuses the pay (docs/debit.md); `None` when the pay is the coin's latest state.
pub fn acknowledgment<'a>(coin: &'a VerifiedCoin, pay: &IncludedTx) -> Option<&'a IncludedTx> {
    let own = &coin.own;
    let i = own.iter().position(|t| t.block == pay.block && t.tx.hash() == pay.tx.hash())?;
    own.get(i + 1)
}

#[cfg(test)]
mod tests;
