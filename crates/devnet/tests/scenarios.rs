//! Every scenario of the suite passes: honest users made whole to the wei, cheaters paid no
//! more than the last valid state gives them.

use plasma_devnet::scenario::{self, SCENARIOS};

#[tokio::test]
async fn every_scenario_ends_with_nothing_lost() {
    for name in SCENARIOS {
        let report = scenario::run(name).await.unwrap_or_else(|e| panic!("{name}: {e}"));
        assert!(report.passed(), "{name}:\n{}", report.table());
        assert!(
            report.accounts.iter().any(|a| a.honest && !a.owned.is_zero()),
            "{name} must put money at stake"
        );
        match name {
            "honest" | "exit-then-spend" => {
                assert!(report.alarms.is_empty(), "{:?}", report.alarms)
            }
            "double-spend" => assert!(
                report.alarms.iter().any(|a| a.contains("InvalidBlock")),
                "{:?}",
                report.alarms
            ),
            "withheld-block" => assert!(
                report.alarms.iter().any(|a| a.contains("BlockWithheld")),
                "{:?}",
                report.alarms
            ),
            "invalid-exit" => {
                assert!(
                    report.alarms.iter().any(|a| a.contains("InvalidExit")),
                    "{:?}",
                    report.alarms
                );
                assert!(
                    !report.bonds_to_watcher.is_zero(),
                    "the challenger collects the cheater's bond"
                );
            }
            "mass-exit" => {
                assert!(
                    report
                        .alarms
                        .iter()
                        .all(|a| a.contains("BlockWithheld") || a.contains("ExitNow")),
                    "only the withheld block and its exit now: {:?}",
                    report.alarms
                );
                assert_eq!(report.accounts.len(), 1000, "every owner accounted");
                let per_block = report.exits_per_l1_block.unwrap();
                assert!(per_block >= 10_000, "{per_block} exits per L1 block");
            }
            "in-flight" => {
                for alarm in ["BlockWithheld", "NonCanonicalInFlightExit", "InvalidPiggyback"] {
                    assert!(
                        report.alarms.iter().any(|a| a.contains(alarm)),
                        "{alarm}: {:?}",
                        report.alarms
                    );
                }
                assert!(!report.bonds_to_watcher.is_zero(), "the watcher collects bonds");
            }
            "operator-crash" => assert!(report.alarms.is_empty(), "{:?}", report.alarms),
            "cash-forged-history" => {
                assert!(report.alarms.iter().any(|a| a.contains("Before")), "{:?}", report.alarms)
            }
            "cash-withheld-block" => assert_eq!(report.alarms.len(), 1),
            "cash-forged-checkpoint" => assert!(
                report.alarms.iter().any(|a| a.contains("WrongCheckpoint")),
                "{:?}",
                report.alarms
            ),
            "cash-checkpoint" => assert!(
                report.alarms.iter().any(|a| a.contains("Checkpoint")),
                "{:?}",
                report.alarms
            ),
            "cash-old-state" => {
                for challenge in ["After", "Between"] {
                    assert!(
                        report.alarms.iter().any(|a| a.contains(challenge)),
                        "{challenge}: {:?}",
                        report.alarms
                    );
                }
            }
            "fee-overclaim" => {
                assert!(
                    report
                        .alarms
                        .iter()
                        .any(|a| a.contains("Overclaim") && a.contains("blknum: 2000")),
                    "{:?}",
                    report.alarms
                );
                assert!(
                    report
                        .story
                        .iter()
                        .any(|l| l.contains("cannot be paid") && l.contains("InsufficientFunds")),
                    "the overclaim's exit is not paid: {:?}",
                    report.story
                );
            }
            other => panic!("unchecked scenario {other}"),
        }
    }
}

#[tokio::test]
async fn an_unknown_scenario_is_refused_by_name() {
    let err = scenario::run("nope").await.err().unwrap();
    assert!(err.to_string().contains("nope") && err.to_string().contains("honest"), "{err}");
}
