//! `plasma scenario <name|all>`: run the adversarial scenarios and print their accounting;
//! `plasma scenario --random --seeds N`: run the seeded model-based simulation.

use anyhow::{Result, bail};
use clap::Args;
use plasma_devnet::{
    scenario::{self, SCENARIOS},
    simulation::{self, SimConfig},
};

#[derive(Debug, Args)]
pub(crate) struct ScenarioArgs {
    /// A scenario name, or `all`.
    #[arg(default_value = "all")]
    name: String,
    /// Run the seeded random simulation instead (users, payments, exits of every kind,
    /// cheats, restarts; invariants checked after every step).
    #[arg(long)]
    random: bool,
    /// Simulation: how many seeds, starting at `--first-seed`.
    #[arg(long, default_value_t = 10)]
    seeds: u64,
    /// Simulation: the first seed.
    #[arg(long, default_value_t = 1)]
    first_seed: u64,
    /// Simulation: random actions per seed (after one deposit per user).
    #[arg(long, default_value_t = 400)]
    steps: usize,
    /// Simulation: users.
    #[arg(long, default_value_t = 50)]
    users: usize,
    /// Simulation: print a failing seed's whole action list instead of shrinking it.
    #[arg(long)]
    no_shrink: bool,
}

pub(crate) async fn run(args: ScenarioArgs) -> Result<()> {
    if args.random {
        return random(&args).await;
    }
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

async fn random(args: &ScenarioArgs) -> Result<()> {
    let mut failed = 0;
    for seed in args.first_seed..args.first_seed + args.seeds {
        let config =
            SimConfig { seed, steps: args.steps, users: args.users, shrink: !args.no_shrink };
        match simulation::run(&config).await {
            Ok(r) => println!(
                "seed {seed}: ok: {} actions, {} blocks, {} challenges, {} spends of exiting outputs refused, {} wei paid out; {:?}",
                r.actions, r.blocks, r.challenges, r.refused_exiting, r.paid_out, r.done
            ),
            Err(failure) => {
                failed += 1;
                println!("{failure}");
            }
        }
    }
    if failed > 0 {
        bail!("{failed} of {} seeds broke an invariant", args.seeds);
    }
    Ok(())
}
