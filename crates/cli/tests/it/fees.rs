//! Fees as users meet them (issue 18): quoted, paid by the wallet without flags, collected
//! into the operator's outputs, spent and exited to L1 (checked with `cast`); and a schedule
//! change announced in the node's TOML file while it runs.

use crate::wallet::{Devnet, cast_out, start_devnet};
use jsonrpsee::http_client::HttpClientBuilder;
use plasma_operator::OperatorApiClient;
use plasma_primitives::{Address, B256, Output, PaymentTx, U256, UtxoPos};
use plasma_rootchain::dev_key;
use serde_json::Value;
use std::{path::Path, time::Duration};

/// The devnet's fee: 0.0001 ETH per payment.
const FEE: &str = "100000000000000";

fn eth_vault(dir: &Path) -> String {
    let file = std::fs::read(dir.join("deployment.json")).unwrap();
    let deployment: Value = serde_json::from_slice(&file).unwrap();
    deployment["ethVault"].as_str().unwrap().to_owned()
}

fn l1_balance(net: &Devnet, address: &str) -> u128 {
    cast_out(&["balance", address, "--rpc-url", &net.l1]).parse().unwrap()
}

/// The amounts of `who`'s outputs, once they add up to `total` wei.
fn outputs_adding_to(net: &Devnet, d: &Path, who: usize, total: u128) -> Vec<(String, u128)> {
    let sum = |v: &Value| -> u128 {
        v.as_array()
            .unwrap()
            .iter()
            .map(|u| u["amount"].as_str().unwrap().parse::<u128>().unwrap())
            .sum()
    };
    let utxos = net.eventually(d, who, &["utxos"], |v| sum(v) == total);
    let list = utxos.as_array().unwrap().iter();
    list.map(|u| {
        (u["utxoPos"].as_str().unwrap().to_owned(), u["amount"].as_str().unwrap().parse().unwrap())
    })
    .collect()
}

#[test]
fn fees_are_quoted_paid_collected_spent_and_exited() {
    let dir = tempfile::tempdir().unwrap();
    let net = start_devnet(dir.path());
    let d = dir.path();
    let bob = net.wallet(d, 2, &["address"]).unwrap()["address"].as_str().unwrap().to_owned();
    let carol = net.wallet(d, 3, &["address"]).unwrap()["address"].as_str().unwrap().to_owned();

    // The schedule, as a wallet fetches it and as a person reads it.
    let quote = net.wallet(d, 1, &["fees"]).unwrap();
    assert_eq!(quote["rates"][0]["base"], FEE, "{quote}");
    assert_eq!(quote["rates"][0]["token"], "0x0000000000000000000000000000000000000000");
    let operator = quote["claimer"].as_str().unwrap().to_owned();
    let read = net.says(d, 1, &["fees"], &[]).unwrap();
    assert!(
        read.contains("  0.0001 ETH per payment, + 0 ETH per input, + 0 ETH per output"),
        "{read}"
    );
    assert!(read.to_lowercase().ends_with(&format!("fees go to {operator}")), "{read}");

    // Alice pays three times without naming a fee: each pays exactly the schedule's.
    net.wallet(d, 1, &["deposit", "1"]).unwrap();
    net.eventually(d, 1, &["balance"], |v| v[0]["amount"] == "1000000000000000000");
    let said = net.says(d, 1, &["send", &bob, "0.1"], &[]).unwrap();
    let expected = format!("sent 0.1 eth to {} with a fee of 0.0001 eth: tx ", bob.to_lowercase());
    assert!(said.to_lowercase().starts_with(&expected), "{said}");
    for _ in 0..2 {
        let sent = net.wallet(d, 1, &["send", &bob, "0.1"]).unwrap();
        assert_eq!(
            (sent["fee"].as_str(), sent["feeToken"].as_str()),
            (Some(FEE), Some("0x0000000000000000000000000000000000000000"))
        );
    }
    net.eventually(d, 1, &["balance"], |v| v[0]["amount"] == "699700000000000000");

    // The operator's key sees the fees as its outputs (one claim per block they landed in).
    let fees = outputs_adding_to(&net, d, 0, 300_000_000_000_000);
    assert!(!fees.is_empty() && fees.len() <= 3, "{fees:?}");
    for (pos, _) in &fees {
        let txindex = pos.parse::<u128>().unwrap() / 10_000 % 100_000;
        assert!(txindex > 0, "a claim follows its block's payments: {pos}");
    }

    // It spends them like any output (paying the fee its own schedule asks, to itself) …
    net.wallet(d, 0, &["send", &carol, "0.0001"]).unwrap();
    net.eventually(d, 3, &["balance"], |v| v[0]["amount"] == "100000000000000");
    // … and exits one to L1: the vault pays out exactly that output.
    let left = outputs_adding_to(&net, d, 0, 200_000_000_000_000);
    let (pos, amount) = left[0].clone();
    net.eventually(d, 0, &["exit", &pos], |_| true);
    let vault = eth_vault(d);
    let before = l1_balance(&net, &vault);
    cast_out(&["rpc", "evm_increaseTime", "1300", "--rpc-url", &net.l1]);
    cast_out(&["rpc", "evm_mine", "--rpc-url", &net.l1]);
    net.wallet(d, 0, &["process"]).unwrap();
    assert_eq!(before - l1_balance(&net, &vault), amount, "the vault paid the fee output");
}

/// A node whose TOML file asks 1000 wei per payment; the test announces 5000 wei from a later
/// block by editing the file. Payments leaving 1000 wei are taken before that block and
/// refused from it, with an error that quotes the new fee.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_fee_change_starts_at_its_announced_block() {
    let (anvil, chain) = crate::funded_anvil().await;
    let (plasma, dir, contracts) = crate::deploy_for_node(&chain).await;
    let domain = plasma.domain_separator().await.unwrap();
    let alice = dev_key(1);
    let deposit =
        PaymentTx::deposit(alice.address(), Address::ZERO, U256::from(10u64.pow(18))).unwrap();
    plasma.deposit(&deposit).await.unwrap();
    let config = dir.path().join("node.toml");
    let fees = "[fee]\n[[fee.token]]\ntoken = \"0x0000000000000000000000000000000000000000\"\nbase = \"1000\"\n";
    std::fs::write(&config, fees).unwrap();
    let args = ["--block.interval-ms", "200", "--config", config.to_str().unwrap()];
    let (mut child, api) =
        crate::spawn_node(anvil.url(), &contracts, &dir.path().join("data"), &args);
    let client = HttpClientBuilder::default().build(api).unwrap();

    // Alice spends her output to herself leaving `fee` wei; the answer, or the refusal.
    let pay = async |fee: u64| {
        let page = client.get_utxos(alice.address(), None, Some(1)).await.unwrap();
        let utxo = page.utxos.first().expect("alice holds an output").clone();
        let out = Output {
            owner: alice.address(),
            token: Address::ZERO,
            amount: utxo.amount - U256::from(fee),
        };
        let pos = UtxoPos::from_raw(utxo.utxo_pos).unwrap();
        let tx = PaymentTx::new(vec![pos], vec![out], B256::ZERO)
            .unwrap()
            .sign(&[&alice], &domain)
            .unwrap();
        client.submit_tx(tx.encode().into()).await
    };
    let mut quote = client.get_fees().await.unwrap();
    while client.get_utxos(alice.address(), None, Some(1)).await.unwrap().utxos.is_empty() {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(quote.rates[0].base, U256::from(1000));
    // Announce 5000 wei two blocks ahead of the one being filled.
    quote = client.get_fees().await.unwrap();
    let effective = quote.pending_block + 2000;
    let next = format!(
        "{fees}[fee.next]\neffective_block = {effective}\n[[fee.next.token]]\ntoken = \"0x0000000000000000000000000000000000000000\"\nbase = \"5000\"\n"
    );
    std::fs::write(&config, next).unwrap();
    let announced = loop {
        let q = client.get_fees().await.unwrap();
        if q.next.is_some() {
            break q;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    let scheduled = announced.next.clone().unwrap();
    assert_eq!((scheduled.effective_block, scheduled.rates[0].base), (effective, U256::from(5000)));

    // Before the effective block the old fee is taken; from it, refused, quoting the new one.
    let before = pay(1000).await.expect("the old fee, before the change");
    assert!(before.blknum < effective, "{before:?}");
    loop {
        let status = client.status().await.unwrap();
        if status.pending_block >= effective {
            break;
        }
        let _ = pay(1000).await; // keeps blocks coming until the change
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let refused = pay(1000).await.unwrap_err();
    let jsonrpsee::core::ClientError::Call(e) = refused else { panic!("{refused:?}") };
    assert_eq!(e.code(), plasma_operator::codes::FEE_TOO_LOW);
    assert_eq!(
        e.message(),
        format!(
            "fee too low for block {}: pay 5000 wei of ETH",
            client.status().await.unwrap().pending_block
        )
    );
    let after = pay(5000).await.expect("the new fee");
    assert!(after.blknum >= effective);
    assert_eq!(client.get_fees().await.unwrap().rates[0].base, U256::from(5000), "in force");
    let _ = child.kill();
    let _ = child.wait();
}
