//! Prints the Plasma Cash client-storage figures of `docs/performance.md`, as markdown then
//! JSON: `cargo run --release -p plasma-cash --example figures`.

use plasma_cash::figures::{default_scenarios, figures, render_markdown};
use std::time::Instant;

fn main() {
    let start = Instant::now();
    let f = figures(&[1_000, 10_000, 100_000], &[1_000_000], 2_000, &default_scenarios());
    println!("{}", render_markdown(&f));
    println!("tx bytes: {}", f.tx_bytes);
    println!("measured in {:.1} s\n", start.elapsed().as_secs_f64());
    match serde_json::to_string_pretty(&f) {
        Ok(json) => println!("{json}"),
        Err(e) => eprintln!("json: {e}"),
    }
}
