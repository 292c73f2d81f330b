//! The measured gas of the framework's operations, on the embedded chain with the real
//! contracts.

/// The measured whole-transaction gas meets the targets in DESIGN.md.
#[tokio::test]
async fn measured_gas_meets_the_targets() {
    let gas = plasma_bench::gas::measure().await.unwrap();
    assert_eq!(gas.eth_transfer, 21_000);
    assert!(gas.submit_block <= 55_000, "{gas:?}");
    assert!(gas.start_standard_exit <= 150_000, "{gas:?}");
    assert!(gas.process_exit_per_exit <= 40_000, "{gas:?}");
    assert!(gas.erc20_transfer < gas.erc20_transfer_new_holder, "{gas:?}");
}
