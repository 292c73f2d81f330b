//! `plasma demo`: the network end to end (`plasma-devnet`), or with `--formats` a tour of the
//! bytes a child chain is made of: what users sign, what the operator commits, what an exit
//! proves.

use anyhow::{Result, ensure};
use clap::Args;
use plasma_primitives::units::milli_ether;
use plasma_primitives::{
    Address, Eip712Domain, MerkleTree, PaymentTx, PrivateKey, UtxoPos, merkle, tx::Output,
};
use std::time::Instant;

#[derive(Debug, Args)]
pub(crate) struct DemoArgs {
    /// Instead of the network, tour the byte formats (keys, a deposit, a signed transfer, a
    /// block and its proof).
    #[arg(long)]
    formats: bool,
    /// With --formats: transactions in the demo block (at most 65,536).
    #[arg(long, default_value_t = 65_536)]
    txs: usize,
    /// Payments streamed through the network.
    #[arg(long, default_value_t = 2000)]
    transfers: usize,
}

/// `plasma demo`: the whole network in this process, or with `--formats` the byte formats.
pub(crate) fn dispatch(args: &DemoArgs) -> Result<()> {
    if args.formats {
        return run(args);
    }
    anyhow::ensure!(args.transfers > 0, "--transfers must be positive");
    let started = std::time::Instant::now();
    let config = plasma_devnet::demo::DemoConfig { transfers: args.transfers };
    crate::runtime()?.block_on(plasma_devnet::demo::run(config, |line| println!("{line}")))?;
    println!("\ndone in {:.1} s", started.elapsed().as_secs_f64());
    Ok(())
}

const ETH: Address = Address::ZERO;

pub(crate) fn run(args: &DemoArgs) -> Result<()> {
    ensure!(
        (1..=merkle::MAX_LEAVES).contains(&args.txs),
        "--txs must be 1 to 65536, got {}",
        args.txs
    );
    let alice = PrivateKey::from_seed(b"alice");
    let bob = PrivateKey::from_seed(b"bob");
    let framework: Address = Address::repeat_byte(0xfa);
    let domain = Eip712Domain::omg(framework).separator();

    println!("Plasma payment chain: the formats, end to end\n");
    println!("1. Two users");
    println!("   alice {}", alice.address());
    println!("   bob   {}", bob.address());

    let deposit = PaymentTx::deposit(alice.address(), ETH, milli_ether(1000))?;
    let deposit_bytes = deposit.encode();
    println!("\n2. Alice deposits 1 ETH; the contract stores it as deposit block 1");
    println!("   deposit tx   0x{} ({} bytes)", hex::encode(&deposit_bytes), deposit_bytes.len());
    println!("   block 1 root {}", merkle::deposit_root(&deposit_bytes));

    let input = UtxoPos::new(1, 0, 0);
    let outputs = vec![
        Output { owner: bob.address(), token: ETH, amount: milli_ether(250) },
        Output { owner: alice.address(), token: ETH, amount: milli_ether(749) },
    ];
    let transfer = PaymentTx::new(vec![input], outputs, Default::default())?;
    let digest = transfer.signing_hash(&domain);
    let signed = transfer.clone().sign(&[&alice], &domain)?;
    let signer = signed.signers(&domain)?[0];
    println!("\n3. Alice pays Bob 0.25 ETH from output {input}, 0.749 back to herself, 0.001 fee");
    println!("   EIP-712 digest she signs {digest}");
    println!("   signed tx                {} bytes", signed.encode().len());
    println!("   signer recovered         {signer} {}", check(signer == alice.address()));

    println!("\n4. The operator puts it in block 1000 among {} transactions", args.txs);
    let mut leaves = filler_block(&alice, args.txs - 1);
    leaves.insert(0, transfer.encode());
    let started = Instant::now();
    let tree = MerkleTree::from_leaves(&leaves)?;
    let root = tree.root();
    println!("   root {root} built in {:.1?}", started.elapsed());
    println!("   one 32-byte root on Ethereum commits all {} transfers", args.txs);

    let proof = tree.proof(0)?;
    let verified = merkle::verify(&transfer.encode(), 0, &root, &proof);
    println!("\n5. Bob's proof that his output exists: {} bytes", proof.len());
    println!("   checks against the root  {}", check(verified.is_ok()));
    let mut forged = proof.clone();
    forged[100] ^= 1;
    let refused = merkle::verify(&transfer.encode(), 0, &root, &forged);
    println!(
        "   a forged proof           refused: {}",
        refused.err().map_or("NOT REFUSED".into(), |e| e.to_string())
    );

    let mut bent = transfer.encode();
    let last = bent.len() - 1;
    bent[last] ^= 1;
    let tampered = PaymentTx::decode(&bent)?;
    let other = plasma_primitives::SignedTx::new(tampered, signed.signatures().to_vec())?
        .signers(&domain)?[0];
    println!("\n6. Tampering with the signed bytes changes who signed them");
    println!("   signer of the altered tx {other} {}", check(other != alice.address()));

    let mut lax = vec![0xb8, 0x02];
    lax.extend_from_slice(&[0x01, 0x02]);
    println!("\n7. Decoding is strict: one value, one encoding");
    println!("   0x{} refused: {}", hex::encode(&lax), PaymentTx::decode(&lax).unwrap_err());
    println!(
        "\nNext: the contracts take these bytes as they are (see contracts/ and docs/protocol.md)."
    );
    Ok(())
}

fn check(ok: bool) -> &'static str {
    if ok { "✓" } else { "✗" }
}

/// Distinct transfers standing in for other users' traffic.
fn filler_block(key: &PrivateKey, count: usize) -> Vec<Vec<u8>> {
    (0..count)
        .map(|i| {
            let pos = UtxoPos::new(1000 + i as u64, 0, 0);
            let out = Output { owner: key.address(), token: ETH, amount: milli_ether(1) };
            PaymentTx::new(vec![pos], vec![out], Default::default()).map(|tx| tx.encode())
        })
        .collect::<Result<_, _>>()
        .expect("filler transactions are valid by construction")
}
