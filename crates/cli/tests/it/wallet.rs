//! docs/wallet.md, followed as a new user would against `plasma devnet` (anvil): deposit,
//! send, receive, exit, process; the L1 balances checked with an independent client (`cast`).

use serde_json::Value;
use std::{
    io::{BufRead, BufReader},
    path::{Path, PathBuf},
    process::{Child, Command, Stdio},
    time::Duration,
};

/// A running `plasma devnet` and what it printed.
pub(crate) struct Devnet {
    pub(crate) child: Child,
    pub(crate) operator: String,
    pub(crate) watcher: String,
    cash: String,
    pub(crate) l1: String,
    keys: Vec<String>,
    /// Its deployment file.
    contracts: PathBuf,
    /// Every line up to `ready` (or up to its end, if it never got ready).
    pub(crate) printed: Vec<String>,
    /// It printed `ready; Ctrl-C stops`.
    pub(crate) ready: bool,
}

pub(crate) fn start_devnet(dir: &Path) -> Devnet {
    let path = |name: &str| dir.join(name).to_str().unwrap().to_owned();
    let args = ["--min-exit-period", "600", "--data-dir", &path("data")];
    spawn_devnet(dir, &[&args[..], &["--out", &path("deployment.json")]].concat())
}

/// `plasma devnet` with its APIs on free ports and `args` added, run in `cwd` (where its
/// default data directory and deployment file are).
pub(crate) fn spawn_devnet(cwd: &Path, args: &[&str]) -> Devnet {
    let mut child = Command::new(env!("CARGO_BIN_EXE_plasma"))
        .args([
            "devnet",
            "--operator.addr",
            "127.0.0.1:0",
            "--watcher.addr",
            "127.0.0.1:0",
            "--cash.addr",
            "127.0.0.1:0",
        ])
        .args(args)
        .current_dir(cwd)
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let (mut operator, mut watcher, mut cash, mut l1, mut keys) =
        (String::new(), String::new(), String::new(), String::new(), Vec::new());
    let (mut contracts, mut printed, mut ready) =
        (cwd.join("devnet-deployment.json"), vec![], false);
    for line in lines.by_ref() {
        let line = line.unwrap();
        if let Some(rest) = line.strip_prefix("operator    ") {
            operator = rest.to_owned();
        } else if let Some(rest) = line.strip_prefix("watcher     ") {
            watcher = rest.to_owned();
        } else if let Some(rest) = line.strip_prefix("cash        ") {
            cash = rest.split_whitespace().next().unwrap().to_owned();
        } else if let Some(rest) = line.strip_prefix("root chain  ") {
            l1 = rest.split_whitespace().next().unwrap().to_owned();
        } else if let Some(rest) = line.strip_prefix("contracts   ") {
            contracts = cwd.join(rest.split_whitespace().next().unwrap());
        } else if line.starts_with("  ") && line.contains("0x") {
            keys.push(line.split_whitespace().nth(2).unwrap().to_owned());
        }
        ready = line == "ready; Ctrl-C stops";
        printed.push(line);
        if ready {
            break;
        }
    }
    std::thread::spawn(move || lines.for_each(drop));
    Devnet { child, operator, watcher, cash, l1, keys, contracts, printed, ready }
}

fn cast() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../contracts/node_modules/.bin/cast")
}

pub(crate) fn cast_out(args: &[&str]) -> String {
    let out = Command::new(cast()).args(args).output().expect("cast runs");
    assert!(out.status.success(), "cast {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap().trim().to_owned()
}

fn wei(text: &str) -> u128 {
    text.parse().unwrap()
}

impl Devnet {
    /// `plasma wallet …` as user `who`, as they would type it (`dir` holds the wallets'
    /// history files); `env` overrides the devnet's endpoints.
    fn wallet_command(&self, dir: &Path, who: usize, args: &[&str]) -> Command {
        let mut command = Command::new(env!("CARGO_BIN_EXE_plasma"));
        command
            .arg("wallet")
            .args(args)
            .env("PLASMA_KEY", &self.keys[who])
            .env("PLASMA_L1_RPC", &self.l1)
            .env("PLASMA_CONTRACTS", &self.contracts)
            .env("PLASMA_OPERATOR_RPC", &self.operator)
            .env("PLASMA_WATCHER_RPC", &self.watcher)
            .env("PLASMA_CASH_RPC", &self.cash)
            .env("PLASMA_HISTORY", dir.join(format!("history-{who}.jsonl")))
            .env("RUST_LOG", "off");
        command
    }

    /// `plasma wallet --json …` as user `who`; the parsed JSON, or the error line.
    pub(crate) fn wallet(&self, dir: &Path, who: usize, args: &[&str]) -> Result<Value, String> {
        let out = self.wallet_command(dir, who, args).arg("--json").output().unwrap();
        if out.status.success() {
            Ok(serde_json::from_slice(&out.stdout).unwrap())
        } else {
            Err(String::from_utf8_lossy(&out.stderr).trim().to_owned())
        }
    }

    /// `plasma wallet …` as user `who` reads to a person: what it printed, or its last
    /// standard-error line (the error), with `env` set on top of the devnet's.
    pub(crate) fn says(
        &self,
        dir: &Path,
        who: usize,
        args: &[&str],
        env: &[(&str, &str)],
    ) -> Result<String, String> {
        let mut command = self.wallet_command(dir, who, args);
        command.envs(env.iter().copied());
        let out = command.output().unwrap();
        if out.status.success() {
            Ok(String::from_utf8_lossy(&out.stdout).trim().to_owned())
        } else {
            let err = String::from_utf8_lossy(&out.stderr);
            Err(err.trim().lines().last().unwrap_or_default().to_owned())
        }
    }

    /// User `who`'s development key, as hex.
    pub(crate) fn key(&self, who: usize) -> &str {
        &self.keys[who]
    }

    /// Retries while the chain catches up (the operator and watcher follow L1 on their own).
    pub(crate) fn eventually(
        &self,
        dir: &Path,
        who: usize,
        args: &[&str],
        ok: impl Fn(&Value) -> bool,
    ) -> Value {
        let mut last = String::new();
        let deadline = std::time::Instant::now() + Duration::from_secs(60);
        while std::time::Instant::now() < deadline {
            match self.wallet(dir, who, args) {
                Ok(v) if ok(&v) => return v,
                Ok(v) => last = v.to_string(),
                Err(e) => last = e,
            }
            std::thread::sleep(Duration::from_millis(200));
        }
        panic!("plasma wallet {args:?} never succeeded: {last}");
    }
}

#[test]
fn the_wallet_walkthrough_ends_with_the_right_balances_on_l1() {
    let dir = tempfile::tempdir().unwrap();
    let net = start_devnet(dir.path());
    let d = dir.path();
    let alice = net.wallet(d, 1, &["address"]).unwrap()["address"].as_str().unwrap().to_owned();
    let bob = net.wallet(d, 2, &["address"]).unwrap()["address"].as_str().unwrap().to_owned();

    // 1. Alice deposits 1.5 ETH and sees it on the child chain.
    net.wallet(d, 1, &["deposit", "1.5"]).unwrap();
    net.eventually(d, 1, &["balance"], |v| v[0]["amount"] == "1500000000000000000");

    // 2. She pays Bob 0.5; 3. Bob checks the payment himself (proof against L1, watcher verdict).
    let sent = net.wallet(d, 1, &["send", &bob, "0.5"]).unwrap();
    let tx_hash = sent["txHash"].as_str().unwrap().to_owned();
    let verified = net.eventually(d, 2, &["verify", &tx_hash], |_| true);
    assert_eq!(verified["amount"], "500000000000000000");

    // 4. Bob exits his output.
    let utxos = net.eventually(d, 2, &["utxos"], |v| v.as_array().is_some_and(|a| !a.is_empty()));
    let pos = utxos[0]["utxoPos"].as_str().unwrap().to_owned();
    let bob_before = wei(&cast_out(&["balance", &bob, "--rpc-url", &net.l1]));
    let exit = net.eventually(d, 2, &["exit", &pos], |_| true);
    assert!(exit["exitableAt"].as_u64().unwrap() > 0);
    let again = net.wallet(d, 2, &["exit", &pos]).unwrap_err();
    let last = again.lines().last().unwrap_or_default();
    assert!(last.starts_with("error:") && last.contains("already exiting"), "{again}");

    // Alice's history shows her deposit and the payment (from her journal); she also takes
    // her 1 ETH of change out through an in-flight exit of that payment (MoreVP), as she
    // would if its block were withheld.
    let history = net.wallet(d, 1, &["history"]).unwrap();
    let kinds: Vec<&str> =
        history.as_array().unwrap().iter().map(|e| e["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["deposited", "sent"], "{history}");
    let alice_before = wei(&cast_out(&["balance", &alice, "--rpc-url", &net.l1]));
    let ife = net.wallet(d, 1, &["in-flight-exit", &tx_hash]).unwrap();
    assert_eq!(ife["piggybacked"], serde_json::json!(["Output(1)"]), "{ife}");

    // 5. The exit period passes (on anvil: move its clock), and Bob processes.
    cast_out(&["rpc", "evm_increaseTime", "1300", "--rpc-url", &net.l1]);
    cast_out(&["rpc", "evm_mine", "--rpc-url", &net.l1]);
    net.wallet(d, 2, &["process"]).unwrap();
    let bob_after = wei(&cast_out(&["balance", &bob, "--rpc-url", &net.l1]));
    let bond: u128 = 17_000_000_000_000_000;
    // Bob gets his 0.5 ETH and his bond less the bounty (a quarter) back, and, as the processor,
    // the bounty too, and the bounty of Alice's piggyback (a quarter of 0.027 ETH); he paid gas
    // for the exit and the processing.
    let gained = bob_after as i128 - bob_before as i128;
    let expected = 500_000_000_000_000_000i128;
    let piggyback_bounty = 27_000_000_000_000_000i128 / 4;
    assert!(
        gained > expected - 10_000_000_000_000_000 && gained <= expected + piggyback_bounty,
        "Bob gained {gained} wei"
    );
    let _ = bond;
    // Alice's change is back too (her bonds return, less the piggyback's processing bounty).
    let alice_gained =
        wei(&cast_out(&["balance", &alice, "--rpc-url", &net.l1])) as i128 - alice_before as i128;
    let change = 1_000_000_000_000_000_000i128;
    assert!(
        alice_gained > change - 20_000_000_000_000_000 && alice_gained < change,
        "Alice gained {alice_gained} wei"
    );
    let history = net.wallet(d, 1, &["history"]).unwrap();
    assert!(
        history.as_array().unwrap().iter().any(|e| e["kind"] == "inFlightLegPaid"),
        "{history}"
    );

    // Bad input gets one clear line.
    let err = net.wallet(d, 1, &["send", &bob, "100"]).unwrap_err();
    assert!(err.contains("insufficient funds"), "{err}");
    let err = net
        .wallet(d, 1, &["deposit", "1", "--token", "0x0000000000000000000000000000000000000001"])
        .unwrap_err();
    assert!(err.contains("unknown token"), "{err}");
}

/// docs/wallet.md's Plasma Cash part: a coin deposited, sent, verified by its new owner
/// against L1, exited and withdrawn; the L1 balance checked with `cast`.
#[test]
fn the_cash_walkthrough_ends_with_the_coin_on_l1() {
    let dir = tempfile::tempdir().unwrap();
    let net = start_devnet(dir.path());
    let d = dir.path();
    let bob = net.wallet(d, 2, &["address"]).unwrap()["address"].as_str().unwrap().to_owned();
    let deposit = net.wallet(d, 1, &["cash", "deposit", "0.25"]).unwrap();
    let slot = deposit["slot"].as_str().unwrap().to_owned();
    net.eventually(d, 1, &["cash", "send", &slot, &bob], |_| true);
    let verified = net.eventually(d, 2, &["cash", "verify", &slot], |v| {
        v["owner"].as_str().is_some_and(|o| o.eq_ignore_ascii_case(&bob))
    });
    assert_eq!(verified["denomination"], "250000000000000000");
    let err = net.wallet(d, 1, &["cash", "send", &slot, &bob]).unwrap_err();
    assert!(err.contains("belongs to"), "{err}");
    let bob_before = wei(&cast_out(&["balance", &bob, "--rpc-url", &net.l1]));
    net.wallet(d, 2, &["cash", "exit", &slot]).unwrap();
    cast_out(&["rpc", "evm_increaseTime", "700", "--rpc-url", &net.l1]);
    cast_out(&["rpc", "evm_mine", "--rpc-url", &net.l1]);
    net.wallet(d, 2, &["cash", "withdraw", &slot]).unwrap();
    let gained =
        wei(&cast_out(&["balance", &bob, "--rpc-url", &net.l1])) as i128 - bob_before as i128;
    // The coin is back, and the exit bond with it; Bob paid only gas.
    let coin = 250_000_000_000_000_000i128;
    assert!(gained > coin - 10_000_000_000_000_000 && gained < coin, "Bob gained {gained} wei");
}

impl Drop for Devnet {
    /// Ctrl-C, also when a step failed: the devnet stops its operator, watcher and anvil.
    fn drop(&mut self) {
        if let Ok(Some(_)) = self.child.try_wait() {
            return; // already stopped (a test killed it)
        }
        let _ = Command::new("kill").args(["-INT", &self.child.id().to_string()]).status();
        for _ in 0..100 {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
