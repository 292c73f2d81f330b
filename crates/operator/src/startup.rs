//! The payment chain's start-up check, on the engine's checks (`plasma_engine::checks`).

use plasma_engine::{StartupError, check_chain_id, check_code, check_operator, check_period};
use plasma_framework::Plasma;
use plasma_primitives::Address;
use plasma_rootchain::RootChain;
use std::time::Duration;

/// Checks the payment chain's configuration: chain id, contract code, operator key, exit
/// period against the block interval.
pub(crate) async fn check_payment_node<C: RootChain>(
    plasma: &Plasma<C>,
    operator: Address,
    expected_chain_id: Option<u64>,
    block_interval: Duration,
) -> Result<(), StartupError> {
    let chain = plasma.chain().as_ref();
    check_chain_id(chain, expected_chain_id).await?;
    let a = plasma.addresses();
    for (what, address) in [
        ("framework", a.framework),
        ("ETH vault", a.eth_vault),
        ("ERC-20 vault", a.erc20_vault),
        ("payment exit game", a.exit_game),
    ] {
        check_code(chain, what, address).await?;
    }
    check_operator(chain, "framework", operator, plasma.operator().await?)?;
    let what = "framework's minimum exit period";
    check_period(what, plasma.min_exit_period().await?, block_interval)
}
