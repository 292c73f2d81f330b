//! Turning revert data into words: `Error(string)`, `Panic(uint256)`, or one of our contracts'
//! custom errors as a sentence a person can act on, its numbers in their own units.

mod sentences;

use alloy_dyn_abi::{DynSolValue, ErrorExt};
use alloy_primitives::hex;
use alloy_sol_types::{Panic, Revert, SolError};
use plasma_primitives::{UtxoPos, time::utc, units::format_units};
use std::{collections::HashMap, sync::LazyLock};

/// A one-line description of revert data: for our errors, the sentence and the error's name.
pub fn describe(data: &[u8]) -> String {
    if data.is_empty() {
        return "no revert data".into();
    }
    if let Ok(revert) = Revert::abi_decode(data) {
        return format!("Error({:?})", revert.reason);
    }
    if let Ok(panic) = Panic::abi_decode(data) {
        return format!("Panic({})", panic.code);
    }
    if let Some(known) = explain(data) {
        return format!("{} ({})", known.sentence, known.name);
    }
    let selector = &data[..data.len().min(4)];
    format!("custom error 0x{} ({} bytes)", hex::encode(selector), data.len())
}

/// One of our contracts' custom errors, in words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Explained {
    /// The error's Solidity name, e.g. `ExitNotMature`.
    pub name: String,
    /// What it means, with its arguments in place.
    pub sentence: String,
    /// The Unix times among its arguments (e.g. when an exit matures), for a caller that can
    /// say how far off they are by the root chain's clock.
    pub times: Vec<u64>,
}

/// Decodes `data` as a custom error of one of our contracts, if it is one.
pub fn explain(data: &[u8]) -> Option<Explained> {
    let selector: [u8; 4] = data.get(..4)?.try_into().ok()?;
    let error = KNOWN_ERRORS.get(&selector)?;
    let values = error.decode_error(data).ok()?.body;
    let args: Vec<(&str, &DynSolValue)> =
        error.inputs.iter().map(|p| p.name.as_str()).zip(&values).collect();
    let template = sentence_for(&error.name)?;
    let (sentence, times) = render(template, &args);
    Some(Explained { name: error.name.clone(), sentence, times })
}

fn sentence_for(name: &str) -> Option<&'static str> {
    sentences::SENTENCES.iter().find(|(n, _)| *n == name).map(|(_, s)| *s)
}

/// Every custom error in our artifacts, by selector (the first declaration of a selector wins:
/// where two contracts share an error, its sentence uses only what both declare).
static KNOWN_ERRORS: LazyLock<HashMap<[u8; 4], alloy_json_abi::Error>> = LazyLock::new(|| {
    let mut known = HashMap::new();
    for error in artifact_errors() {
        known.entry(error.selector().0).or_insert(error);
    }
    known
});

fn artifact_errors() -> Vec<alloy_json_abi::Error> {
    #[derive(serde::Deserialize)]
    struct Artifact {
        abi: alloy_json_abi::JsonAbi,
    }
    plasma_contracts::ARTIFACTS
        .iter()
        .filter_map(|(_, json)| serde_json::from_str::<Artifact>(json).ok())
        .flat_map(|a| a.abi.errors().cloned().collect::<Vec<_>>())
        .collect()
}

/// Fills `{arg}` and `{arg:kind}` in `template`. Kinds: `time` (a Unix time, as UTC), `hex`,
/// `pos` (a payment-chain output position), `wei` (an ETH amount), and the enum names `coin`,
/// `challenge` and `dispute`; no kind is the value as it is.
fn render(template: &str, args: &[(&str, &DynSolValue)]) -> (String, Vec<u64>) {
    let (mut out, mut times, mut rest) = (String::new(), Vec::new(), template);
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let Some(close) = rest[open..].find('}') else { break };
        let field = &rest[open + 1..open + close];
        let (name, kind) = field.split_once(':').unwrap_or((field, ""));
        match args.iter().find(|(n, _)| *n == name) {
            Some((_, value)) => out.push_str(&value_text(value, kind, &mut times)),
            None => out.push_str(&format!("{{{field}}}")),
        }
        rest = &rest[open + close + 1..];
    }
    out.push_str(rest);
    (out, times)
}

fn value_text(value: &DynSolValue, kind: &str, times: &mut Vec<u64>) -> String {
    let DynSolValue::Uint(n, _) = value else {
        return match value {
            DynSolValue::Address(a) => a.to_string(),
            DynSolValue::FixedBytes(word, size) => format!("0x{}", hex::encode(&word[..*size])),
            DynSolValue::Bytes(b) => format!("0x{}", hex::encode(b)),
            DynSolValue::Bool(b) => b.to_string(),
            DynSolValue::Int(i, _) => i.to_string(),
            other => format!("{other:?}"),
        };
    };
    let n = *n;
    let state = |names: &[&str]| {
        let name = usize::try_from(n).ok().and_then(|i| names.get(i));
        name.map_or_else(|| format!("state {n}"), |s| (*s).to_owned())
    };
    match kind {
        "time" => match u64::try_from(n) {
            Ok(t) if t < 1 << 40 => {
                times.push(t);
                utc(t)
            }
            _ => format!("{n} (no date: too far in the future)"),
        },
        "hex" => format!("{n:#x}"),
        "pos" => UtxoPos::from_raw(n).map_or_else(|| n.to_string(), |p| p.to_string()),
        "wei" => format!("{} ETH", format_units(n, 18)),
        "coin" => state(sentences::COIN_STATES),
        "challenge" => state(sentences::CHALLENGE_STATES),
        "dispute" => state(sentences::DISPUTE_STATES),
        _ => n.to_string(),
    }
}

/// The kinds `render` knows.
#[cfg(test)]
const KINDS: &[&str] = &["", "time", "hex", "pos", "wei", "coin", "challenge", "dispute"];

#[cfg(test)]
mod tests;
