//! `plasma tx …`: the transaction tools a protocol engineer reaches for first.

use crate::keys::{parse_hex, parse_key};
use anyhow::{Context, Result, bail};
use clap::{Args, Subcommand};
use plasma_primitives::{
    Address, AnyTx, B256, Eip712Domain, PrivateKey, eip712::OMG_SALT, json::TxJson,
};
use serde_json::json;
use std::io::Read;

#[derive(Debug, Subcommand)]
pub(crate) enum TxCommand {
    /// Print a transaction (signed or unsigned hex) as JSON.
    Decode {
        /// The RLP bytes as hex, or `-` to read them from standard input.
        hex: String,
    },
    /// Print the hex of a transaction given as JSON (the form `decode` prints).
    Encode {
        /// The JSON text, or `-` to read it from standard input.
        json: String,
    },
    /// Print the transaction's hash and its EIP-712 signing hash as JSON.
    Hash {
        /// The RLP bytes as hex (signed or unsigned), or `-` for standard input.
        hex: String,
        #[command(flatten)]
        domain: DomainArgs,
    },
    /// Sign a transaction, one key per input (one key signs every input), and print it.
    Sign {
        /// The RLP bytes as hex (unsigned, or signed to sign anew), or `-` for standard input.
        hex: String,
        /// Private key(s) as hex, in input order. Prefer the environment variable to
        /// keep keys out of shell history.
        #[arg(long = "key", env = "PLASMA_KEY", value_delimiter = ',', required = true)]
        keys: Vec<String>,
        #[command(flatten)]
        domain: DomainArgs,
    },
}

/// The EIP-712 domain; the defaults are OMG Network v1's, with a zero verifying contract.
#[derive(Debug, Args)]
pub(crate) struct DomainArgs {
    /// Domain name.
    #[arg(long = "eip712-name", default_value = "OMG Network")]
    name: String,
    /// Domain version.
    #[arg(long = "eip712-version", default_value = "1")]
    version: String,
    /// Domain salt (32 bytes hex).
    #[arg(long = "eip712-salt", default_value_t = OMG_SALT)]
    salt: B256,
    /// The framework contract the signature is for.
    #[arg(value_parser = plasma_primitives::address::parse_address, long = "verifying-contract", default_value_t = Address::ZERO)]
    verifying_contract: Address,
}

impl DomainArgs {
    fn domain(&self) -> Eip712Domain {
        Eip712Domain {
            name: self.name.clone(),
            version: self.version.clone(),
            verifying_contract: self.verifying_contract,
            salt: self.salt,
        }
    }
}

pub(crate) fn run(cmd: TxCommand) -> Result<()> {
    match cmd {
        TxCommand::Decode { hex } => {
            let tx = decode(&hex)?;
            println!("{}", serde_json::to_string_pretty(&TxJson::from(&tx))?);
        }
        TxCommand::Encode { json } => {
            let tx = TxJson::parse(&arg_or_stdin(json)?)?.to_tx()?;
            println!("0x{}", hex::encode(encode(&tx)));
        }
        TxCommand::Hash { hex, domain } => {
            let tx = decode(&hex)?;
            let separator = domain.domain().separator();
            let mut out = json!({
                "txHash": tx.tx().hash(),
                "signingHash": tx.tx().signing_hash(&separator),
                "domainSeparator": separator,
            });
            if let AnyTx::Signed(signed) = &tx {
                let signers = signed.signers(&separator)?;
                out["signers"] = json!(signers.iter().map(Address::to_string).collect::<Vec<_>>());
            }
            println!("{}", serde_json::to_string_pretty(&out)?);
        }
        TxCommand::Sign { hex, keys, domain } => {
            let tx = decode(&hex)?.tx().clone();
            let keys = keys.iter().map(|k| parse_key(k)).collect::<Result<Vec<_>>>()?;
            let inputs = tx.inputs().len();
            if inputs == 0 {
                bail!("a transaction without inputs (a deposit) carries no signatures");
            }
            let per_input: Vec<&PrivateKey> = match keys.len() {
                1 => vec![&keys[0]; inputs],
                n if n == inputs => keys.iter().collect(),
                n if inputs == 1 => bail!("the transaction has 1 input: give 1 key, not {n}"),
                n => bail!(
                    "the transaction has {inputs} inputs: give 1 key (for all) or {inputs} keys (one per input, in order), not {n}"
                ),
            };
            let signed = tx.sign(&per_input, &domain.domain().separator())?;
            println!("0x{}", hex::encode(signed.encode()));
        }
    }
    Ok(())
}

fn encode(tx: &AnyTx) -> Vec<u8> {
    match tx {
        AnyTx::Unsigned(tx) => tx.encode(),
        AnyTx::Signed(signed) => signed.encode(),
    }
}

fn arg_or_stdin(arg: String) -> Result<String> {
    if arg != "-" {
        return Ok(arg);
    }
    let mut text = String::new();
    std::io::stdin().read_to_string(&mut text).context("reading standard input")?;
    Ok(text)
}

fn decode(arg: &str) -> Result<AnyTx> {
    let bytes = parse_hex(&arg_or_stdin(arg.to_owned())?)?;
    Ok(AnyTx::decode(&bytes)?)
}
