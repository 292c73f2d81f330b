//! One test suite, two backends: every test in `suite` runs against the embedded chain and
//! against a real anvil node started by the test itself.

mod cash;
mod lifecycle;
mod rpc_only;
mod suite;

use plasma_rootchain::EmbeddedChain;

/// A fresh embedded chain.
pub(crate) fn embedded() -> EmbeddedChain {
    EmbeddedChain::new()
}

pub(crate) use plasma_testkit::{anvil, anvil_with};

/// Declares each listed suite test twice: once per backend.
macro_rules! on_both_backends {
    ($($name:ident),* $(,)?) => {
        mod embedded_backend {
            $(
                #[tokio::test]
                async fn $name() {
                    crate::suite::$name(&crate::embedded()).await;
                }
            )*
        }
        mod anvil_backend {
            $(
                #[tokio::test]
                async fn $name() {
                    let (_node, chain) = crate::anvil().await;
                    crate::suite::$name(&chain).await;
                }
            )*
        }
    };
}

/// Declares each listed lifecycle test twice; these take the chain by `Arc`.
macro_rules! lifecycle_on_both_backends {
    ($($name:ident),* $(,)?) => { lifecycle_on_both_backends!(lifecycle: $($name),*); };
    ($module:ident: $($name:ident),* $(,)?) => {
        mod embedded_lifecycle {
            $(
                #[tokio::test]
                async fn $name() {
                    crate::$module::$name(std::sync::Arc::new(crate::embedded())).await;
                }
            )*
        }
        mod anvil_lifecycle {
            $(
                #[tokio::test]
                async fn $name() {
                    let (_node, chain) = crate::anvil().await;
                    crate::$module::$name(std::sync::Arc::new(chain)).await;
                }
            )*
        }
    };
}

lifecycle_on_both_backends!(
    eth_deposit_transfer_exit_challenge_and_process,
    erc20_deposit_exit_and_process,
    in_flight_exit_canonical_pays_the_outputs,
    in_flight_exit_non_canonical_pays_no_output,
);

/// Plasma Cash, on both backends.
mod cash_backends {
    lifecycle_on_both_backends!(cash: cash_coins_of_each_kind_exit_and_are_withdrawn);
}

on_both_backends!(
    deploys_and_calls_real_bytecode,
    reverts_are_typed_and_named,
    value_transfers_move_exact_balances,
    refuses_what_a_node_refuses,
    logs_stream_in_order_through_the_cursor,
    the_clock_moves_only_when_told,
    snapshots_restore_everything,
    a_reorg_deeper_than_the_confirmations_is_detected,
);
