//! Choosing inputs for a payment and the exact fee it owes: the fee depends on how many inputs
//! and outputs the payment has, and those depend on the fee, so the plan is redone until they
//! agree. The fee is paid in the payment's token when the schedule accepts it, else in the
//! first accepted token the wallet holds enough of.

use super::{Wallet, WalletError, operator_error};
use alloy_primitives::{Address, U256};
use plasma_api::{FeeRateInfo, OperatorApiClient, TxAck, Utxo};
use plasma_primitives::{Output, UtxoPos, tx::MAX_INPUTS};
use plasma_rootchain::RootChain;

/// A payment sent with the fee the schedule asks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Paid {
    /// The operator's acknowledgement.
    pub ack: TxAck,
    /// The token the fee was paid in.
    pub fee_token: Address,
    /// The fee (0 when the schedule asks none).
    pub fee: U256,
}

/// The inputs and outputs of a payment, and the fee it leaves.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Plan {
    pub(crate) inputs: Vec<UtxoPos>,
    pub(crate) outputs: Vec<Output>,
    pub(crate) fee: U256,
}

/// The largest outputs of `token` that reach `need`, and their sum.
fn pick(mine: &[Utxo], token: Address, need: U256) -> Result<(Vec<&Utxo>, U256), WalletError> {
    let mut of: Vec<&Utxo> = mine.iter().filter(|u| u.token == token).collect();
    of.sort_by_key(|u| std::cmp::Reverse(u.amount));
    let have: U256 = of.iter().map(|u| u.amount).sum();
    if have < need {
        return Err(WalletError::InsufficientFunds { token, have, need });
    }
    let (mut picked, mut sum) = (Vec::new(), U256::ZERO);
    for u in of {
        if sum >= need && !picked.is_empty() {
            break;
        }
        sum += u.amount;
        picked.push(u);
    }
    Ok((picked, sum))
}

/// Plans paying `amount` of `token` to `to` from `me`'s outputs `mine`, leaving the fee
/// `rate` asks in `rate.token` (no fee without a rate). Change comes back to `me`.
pub(crate) fn plan(
    mine: &[Utxo],
    me: Address,
    (to, token, amount): (Address, Address, U256),
    rate: Option<&FeeRateInfo>,
) -> Result<Plan, WalletError> {
    let fee_token = rate.map_or(token, |r| r.token);
    // From the smallest payment (one input, one output) up: each round's inputs and change
    // set the fee the next round needs. It settles where the fee owed is the fee left; when a
    // larger fee removes the change output, the fee left may exceed the fee owed by at most
    // one output's rate (paying less would bring the change output back).
    let mut fee = rate.map_or(U256::ZERO, |r| r.fee_for(1, 1));
    for _ in 0..8 {
        let mut needs = vec![(token, amount)];
        match needs.iter_mut().find(|(t, _)| *t == fee_token) {
            Some((_, need)) => *need = need.saturating_add(fee),
            None if !fee.is_zero() => needs.push((fee_token, fee)),
            None => {}
        }
        let mut inputs = Vec::new();
        let mut outputs = vec![Output { owner: to, token, amount }];
        for (t, need) in needs {
            let (picked, sum) = pick(mine, t, need)?;
            inputs.extend(picked.iter().filter_map(|u| UtxoPos::from_raw(u.utxo_pos)));
            if sum > need {
                outputs.push(Output { owner: me, token: t, amount: sum - need });
            }
        }
        if inputs.len() > MAX_INPUTS {
            return Err(WalletError::TooFragmented { token, needed: inputs.len() });
        }
        let owed = rate.map_or(U256::ZERO, |r| r.fee_for(inputs.len(), outputs.len()));
        if owed <= fee {
            return Ok(Plan { inputs, outputs, fee });
        }
        fee = owed;
    }
    Err(WalletError::Invalid(format!("no stable fee for a payment of {amount} of {token}")))
}

impl<C: RootChain> Wallet<C> {
    /// The operator's fee schedule.
    pub async fn fees(&self) -> Result<plasma_api::FeeQuote, WalletError> {
        self.operator.get_fees().await.map_err(operator_error)
    }

    /// Pays `amount` of `token` to `to` with the fee the operator's schedule asks of it
    /// (`plasma_getFees`), in the payment's token if accepted, else in an accepted token this
    /// wallet holds. If the schedule changed before the payment arrived, it asks again once.
    pub async fn send_paying_fee(
        &self,
        to: Address,
        token: Address,
        amount: U256,
    ) -> Result<Paid, WalletError> {
        match self.try_send_paying_fee(to, token, amount).await {
            Err(WalletError::FeeTooLow(_)) => self.try_send_paying_fee(to, token, amount).await,
            other => other,
        }
    }

    async fn try_send_paying_fee(
        &self,
        to: Address,
        token: Address,
        amount: U256,
    ) -> Result<Paid, WalletError> {
        let quote = self.fees().await?;
        let rates = quote.rates_at(quote.pending_block);
        let mine = self.utxos().await?;
        let holds = |t: Address| mine.iter().any(|u| u.token == t);
        let candidates = rates
            .iter()
            .filter(|r| r.token == token)
            .chain(rates.iter().filter(|r| r.token != token && holds(r.token)));
        let mut first_error = None;
        let mut planned = None;
        for rate in candidates {
            match plan(&mine, self.address(), (to, token, amount), Some(rate)) {
                Ok(p) => {
                    planned = Some((rate.token, p));
                    break;
                }
                Err(e) => first_error = first_error.or(Some(e)),
            }
        }
        let (fee_token, p) = match (planned, first_error) {
            (Some(found), _) => found,
            (None, Some(e)) => return Err(e),
            (None, None) if rates.is_empty() => {
                (token, plan(&mine, self.address(), (to, token, amount), None)?)
            }
            (None, None) => {
                return Err(WalletError::NoFeeToken {
                    accepted: rates.iter().map(|r| r.token).collect(),
                });
            }
        };
        let ack = self.submit(p.inputs, p.outputs).await?;
        Ok(Paid { ack, fee_token, fee: p.fee })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utxo(i: u64, token: Address, amount: u64) -> Utxo {
        let pos = UtxoPos::new(1000, i as u16, 0).raw();
        Utxo { utxo_pos: pos, owner: Address::repeat_byte(1), token, amount: U256::from(amount) }
    }

    const ETH: Address = Address::ZERO;
    const TOKEN: Address = Address::repeat_byte(7);

    fn rate(token: Address, base: u64, per_input: u64) -> FeeRateInfo {
        FeeRateInfo {
            token,
            base: U256::from(base),
            per_input: U256::from(per_input),
            per_output: U256::ZERO,
        }
    }

    #[test]
    fn the_fee_follows_the_inputs_it_makes_necessary() {
        let me = Address::repeat_byte(1);
        let to = Address::repeat_byte(2);
        // 60 + 50: paying 100 needs both outputs, so two inputs: fee 5 + 2·10 = 25, which
        // then needs the third output too: 5 + 3·10 = 35.
        let mine = [utxo(0, ETH, 60), utxo(1, ETH, 50), utxo(2, ETH, 40)];
        let p = plan(&mine, me, (to, ETH, U256::from(100)), Some(&rate(ETH, 5, 10))).unwrap();
        assert_eq!(p.inputs.len(), 3);
        assert_eq!(p.fee, U256::from(35));
        let out: U256 = p.outputs.iter().map(|o| o.amount).sum();
        assert_eq!(out + p.fee, U256::from(150), "inputs = outputs + fee");
        assert_eq!(p.outputs[1], Output { owner: me, token: ETH, amount: U256::from(15) });
    }

    #[test]
    fn a_fee_in_another_token_adds_its_input_and_change() {
        let (me, to) = (Address::repeat_byte(1), Address::repeat_byte(2));
        let mine = [utxo(0, TOKEN, 500), utxo(1, ETH, 100)];
        let p = plan(&mine, me, (to, TOKEN, U256::from(500)), Some(&rate(ETH, 30, 0))).unwrap();
        assert_eq!(p.inputs.len(), 2);
        assert_eq!(p.fee, U256::from(30));
        assert_eq!(
            p.outputs,
            vec![
                Output { owner: to, token: TOKEN, amount: U256::from(500) },
                Output { owner: me, token: ETH, amount: U256::from(70) }
            ]
        );
    }

    #[test]
    fn an_exact_balance_pays_the_exact_fee_without_change() {
        let (me, to) = (Address::repeat_byte(1), Address::repeat_byte(2));
        let rate = FeeRateInfo {
            token: ETH,
            base: U256::from(5),
            per_input: U256::ZERO,
            per_output: U256::from(1),
        };
        let p = plan(&[utxo(0, ETH, 106)], me, (to, ETH, U256::from(100)), Some(&rate)).unwrap();
        assert_eq!((p.fee, p.outputs.len()), (U256::from(6), 1), "one output: 5 + 1");
    }

    #[test]
    fn too_little_to_cover_the_fee_says_so() {
        let (me, to) = (Address::repeat_byte(1), Address::repeat_byte(2));
        let mine = [utxo(0, ETH, 100)];
        let err = plan(&mine, me, (to, ETH, U256::from(100)), Some(&rate(ETH, 1, 0))).unwrap_err();
        assert!(
            matches!(err, WalletError::InsufficientFunds { need, .. } if need == U256::from(101))
        );
        let free = plan(&mine, me, (to, ETH, U256::from(100)), None).unwrap();
        assert_eq!((free.fee, free.outputs.len()), (U256::ZERO, 1));
    }
}
