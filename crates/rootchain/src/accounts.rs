//! Development accounts: deterministic keys that both the embedded chain and anvil fund.

use plasma_primitives::PrivateKey;

/// How many development accounts there are.
pub const DEV_ACCOUNTS: usize = 10;

/// The `i`-th development key (for tests, demos and devnets only: the keys are public).
pub fn dev_key(i: usize) -> PrivateKey {
    PrivateKey::from_seed(format!("plasma-rs development account {i}").as_bytes())
}

/// All development keys, in order.
pub fn dev_keys() -> Vec<PrivateKey> {
    (0..DEV_ACCOUNTS).map(dev_key).collect()
}
