//! The deployment file: where a chain's contracts are, written by `plasma deploy` and read by
//! `plasma node` (and later the watcher and the wallet).

use anyhow::{Context, Result};
use plasma_framework::FrameworkAddresses;
use plasma_primitives::Address;
use serde::{Deserialize, Serialize};
use std::path::Path;

/// A chain's contracts, as JSON.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(crate) struct Deployment {
    /// The root chain's id.
    pub(crate) chain_id: u64,
    /// The root-chain block the framework was deployed in: where event reading starts.
    pub(crate) deployed_at_block: u64,
    #[serde(deserialize_with = "plasma_primitives::address::checked")]
    pub(crate) framework: Address,
    #[serde(deserialize_with = "plasma_primitives::address::checked")]
    pub(crate) eth_vault: Address,
    #[serde(deserialize_with = "plasma_primitives::address::checked")]
    pub(crate) erc20_vault: Address,
    #[serde(deserialize_with = "plasma_primitives::address::checked")]
    pub(crate) exit_game: Address,
    /// The Plasma Cash contract, if the chain has one.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "plasma_primitives::address::checked_option"
    )]
    pub(crate) plasma_cash: Option<Address>,
}

impl Deployment {
    pub(crate) fn new(chain_id: u64, deployed_at_block: u64, a: FrameworkAddresses) -> Self {
        Self {
            chain_id,
            deployed_at_block,
            framework: a.framework,
            eth_vault: a.eth_vault,
            erc20_vault: a.erc20_vault,
            exit_game: a.exit_game,
            plasma_cash: None,
        }
    }

    pub(crate) fn addresses(&self) -> FrameworkAddresses {
        FrameworkAddresses {
            framework: self.framework,
            eth_vault: self.eth_vault,
            erc20_vault: self.erc20_vault,
            exit_game: self.exit_game,
        }
    }

    pub(crate) fn read(path: &Path) -> Result<Self> {
        let text =
            std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
        serde_json::from_str(&text)
            .with_context(|| format!("{} is not a deployment file", path.display()))
    }

    pub(crate) fn write(&self, path: &Path) -> Result<()> {
        let text = serde_json::to_string_pretty(self)? + "\n";
        std::fs::write(path, text).with_context(|| format!("writing {}", path.display()))
    }
}
