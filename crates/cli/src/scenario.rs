//! `plasma scenario <name|all>`: run the adversarial scenarios and print their accounting.

use anyhow::{Result, bail};
use clap::Args;
use plasma_devnet::scenario::{self, SCENARIOS};

#[derive(Debug, Args)]
pub(crate) struct ScenarioArgs {
    /// A scenario name, or `all`.
    #[arg(default_value = "all")]
    name: String,
}

pub(crate) async fn run(args: ScenarioArgs) -> Result<()> {
    let names: Vec<&str> =
        if args.name == "all" { SCENARIOS.to_vec() } else { vec![args.name.as_str()] };
    let mut failed = Vec::new();
    for name in names {
        let report = scenario::run(name).await?;
        println!("== {name}");
        for line in &report.story {
            println!("   {line}");
        }
        for alarm in &report.alarms {
            println!("   alarm: {alarm}");
        }
        if !report.bonds_to_watcher.is_zero() {
            println!("   bonds collected by the watcher: {} wei", report.bonds_to_watcher);
        }
        if let Some(per_block) = report.exits_per_l1_block {
            println!("   exits per 30M-gas L1 block: {per_block}");
        }
        println!("{}", report.table());
        if !report.passed() {
            failed.push(name);
        }
    }
    if !failed.is_empty() {
        bail!("money was lost in: {}", failed.join(", "));
    }
    Ok(())
}
