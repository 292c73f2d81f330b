//! Whatever transactions arrive, honest or not, money is conserved: every token's unspent
//! total equals deposits minus exits minus fees (plus the fees, when they are claimed).

use crate::*;
use proptest::prelude::*;
use std::collections::BTreeMap;

#[derive(Debug, Clone)]
enum Step {
    /// Owner `who` sends `amount` of the first unspent output it holds to `to`, leaving `fee`.
    Send {
        who: usize,
        to: usize,
        amount: u64,
        fee: u64,
        forge_signer: bool,
    },
    Exit {
        pick: usize,
    },
    Seal,
}

fn arb_step() -> impl Strategy<Value = Step> {
    prop_oneof![
        6 => (0..4usize, 0..4usize, 0..200u64, 0..3u64, proptest::bool::weighted(0.15))
            .prop_map(|(who, to, amount, fee, forge_signer)| Step::Send { who, to, amount, fee, forge_signer }),
        1 => any::<usize>().prop_map(|pick| Step::Exit { pick }),
        1 => Just(Step::Seal),
    ]
}

/// Runs `steps` on four funded users under `policy`; returns (unspent, exited, fees collected).
fn simulate(steps: Vec<Step>, policy: FeePolicy) -> Result<(U256, U256, U256), TestCaseError> {
    let keys: Vec<_> = (0..4).map(|i| key(&format!("user{i}"))).collect();
    let deposits: Vec<_> = keys.iter().map(|k| (k, ETH, 100u64)).collect();
    let (mut ledger, _) = funded(policy, &deposits);
    let mut exited = U256::ZERO;
    let mut fees = U256::ZERO;
    for step in steps {
        match step {
            Step::Send { who, to, amount, fee, forge_signer } => {
                let Some((pos, held)) = ledger.utxos_of(keys[who].address()).into_iter().next()
                else {
                    continue;
                };
                let want = U256::from(amount) + U256::from(fee);
                let mut outs = vec![out(&keys[to], ETH, amount.max(1))];
                if held.amount > want {
                    outs.push(Output {
                        owner: keys[who].address(),
                        token: ETH,
                        amount: held.amount - want,
                    });
                }
                let signer = if forge_signer { &keys[(who + 1) % 4] } else { &keys[who] };
                let tx = transfer(&[pos], outs, &[signer]).unwrap();
                let before: BTreeMap<_, _> = ledger.utxos().map(|(p, o)| (*p, *o)).collect();
                match ledger.apply(tx) {
                    Ok(_) => prop_assert!(!forge_signer, "a forged signature was accepted"),
                    Err(_) => {
                        let after: BTreeMap<_, _> = ledger.utxos().map(|(p, o)| (*p, *o)).collect();
                        prop_assert_eq!(before, after, "a refused transaction changed the state");
                    }
                }
            }
            Step::Exit { pick } => {
                let all: Vec<_> = ledger.utxos().map(|(p, _)| *p).collect();
                if !all.is_empty() {
                    let pos = all[pick % all.len()];
                    exited += ledger.exit(pos).unwrap().amount;
                }
            }
            Step::Seal => fees += sealed_fees(&mut ledger)?,
        }
    }
    fees += sealed_fees(&mut ledger)?;
    let unspent: U256 = ledger.utxos().map(|(_, o)| o.amount).sum();
    Ok((unspent, exited, fees))
}

/// Seals; checks that the claims, if any, take exactly the fees collected, per token.
fn sealed_fees(ledger: &mut Ledger) -> Result<U256, TestCaseError> {
    let claimed = ledger.fee_policy().claimer.is_some();
    let block = ledger.seal();
    let claims: BTreeMap<_, _> =
        block.claims.iter().map(|c| (c.output().token, c.output().amount)).collect();
    if claimed {
        prop_assert_eq!(&claims, &block.fees, "every fee claimed, exactly");
    } else {
        prop_assert!(claims.is_empty(), "no claimer, no claims");
    }
    Ok(block.fees.values().copied().sum::<U256>())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn value_is_conserved(steps in proptest::collection::vec(arb_step(), 1..40)) {
        let (unspent, exited, fees) = simulate(steps, FeePolicy::free())?;
        prop_assert_eq!(unspent + exited + fees, U256::from(400));
    }

    /// With a claimer, the fees stay on the child chain as its outputs: nothing vanishes.
    #[test]
    fn claimed_fees_stay_on_the_chain(steps in proptest::collection::vec(arb_step(), 1..40)) {
        let policy = FeePolicy::free().claimed_by(key("operator").address());
        let (unspent, exited, _) = simulate(steps, policy)?;
        prop_assert_eq!(unspent + exited, U256::from(400));
    }
}
