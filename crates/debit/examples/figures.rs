//! Prints the Plasma Debit holder-storage figures of `docs/performance.md`:
//! `cargo run --release -p plasma-debit --example figures`.

use plasma_debit::figures::{default_scenarios, holder_data, render_markdown, typical_pay_bytes};

fn main() {
    let rows: Vec<_> = default_scenarios().iter().map(holder_data).collect();
    println!("{}", render_markdown(&rows));
    println!("pay bytes: {}", typical_pay_bytes());
}
