//! What a person reads: the exact lines `plasma wallet` prints on the devnet for the cases
//! a first user met (issue 22), each true to what happened and saying what to do next.

use crate::wallet::{Devnet, cast_out, start_devnet};
use std::path::Path;

/// How many transactions `address` has sent on L1: what proves a command sent nothing.
fn sent_on_l1(net: &Devnet, address: &str) -> u64 {
    cast_out(&["nonce", address, "--rpc-url", &net.l1]).parse().unwrap()
}

fn advance_l1_clock(net: &Devnet, secs: u64) {
    cast_out(&["rpc", "evm_increaseTime", &secs.to_string(), "--rpc-url", &net.l1]);
    cast_out(&["rpc", "evm_mine", "--rpc-url", &net.l1]);
}

/// The line of `text` that starts with `prefix`.
fn line_starting<'a>(text: &'a str, prefix: &str) -> &'a str {
    text.lines()
        .find(|l| l.starts_with(prefix))
        .unwrap_or_else(|| panic!("no {prefix:?} in {text}"))
}

/// Waits until the operator holds an output for a live exit.
fn wait_until_held(net: &Devnet) {
    for _ in 0..300 {
        let status = cast_out(&["rpc", "--rpc-url", &net.operator, "plasma_status"]);
        let status: serde_json::Value = serde_json::from_str(&status).unwrap();
        if status["held"].as_u64() > Some(0) {
            return;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    panic!("the operator never read the exit");
}

/// `run`'s output, retried while the watcher has not verified what it needs yet.
fn retry_while_unverified(run: impl Fn() -> Result<String, String>) -> String {
    for _ in 0..300 {
        match run() {
            Ok(out) => return out,
            Err(e) if e.contains("the watcher has no verified answer yet") => {
                std::thread::sleep(std::time::Duration::from_millis(200));
            }
            Err(e) => panic!("{e}"),
        }
    }
    panic!("the watcher never verified it");
}

fn line_starting_in<'a>(lines: &'a [String], prefix: &str) -> &'a str {
    lines.iter().find(|l| l.starts_with(prefix)).unwrap_or_else(|| panic!("no {prefix:?}"))
}

#[test]
fn the_payment_wallet_says_what_it_sent_and_when_exits_mature() {
    let dir = tempfile::tempdir().unwrap();
    let net = start_devnet(dir.path());
    let d = dir.path();
    let says = |args: &[&str]| net.says(d, 1, args, &[]);
    let alice = says(&["address"]).unwrap();
    let bob = net.says(d, 2, &["address"], &[]).unwrap();
    // The devnet names its deployment file by an absolute path, usable from any folder.
    let contracts = line_starting_in(&net.printed, "contracts   ");
    assert!(Path::new(contracts.split_whitespace().nth(1).unwrap()).is_absolute(), "{contracts}");

    // Refused before anything is sent, and not blamed on the operator.
    assert_eq!(
        says(&["deposit", "0"]).unwrap_err(),
        "error: a deposit of 0 creates nothing: give an amount above zero"
    );
    assert_eq!(
        says(&["deposit", " 1"]).unwrap_err(),
        "error: bad amount \" 1\": spaces before or after the number (a quoting slip?)"
    );
    let unknown = format!("0x{}", "ab".repeat(32));
    let err = says(&["verify", &unknown]).unwrap_err();
    assert_eq!(
        err,
        format!(
            "error: not verified: {unknown} is in no sealed block yet: the operator seals a block every few seconds, so retry shortly (if it never appears, the sender's payment did not reach the operator)"
        )
    );

    // Nothing queued: nothing sent, and it says so.
    let before = sent_on_l1(&net, &alice);
    assert_eq!(
        says(&["process"]).unwrap(),
        "nothing to process: no exit of this token is queued (nothing sent)"
    );
    assert_eq!(sent_on_l1(&net, &alice), before);

    // An exit says when it matures by the L1 clock, to the second.
    says(&["deposit", "1"]).unwrap();
    let utxos = net.eventually(d, 1, &["utxos"], |v| v.as_array().is_some_and(|a| !a.is_empty()));
    let pos = utxos[0]["utxoPos"].as_str().unwrap().to_owned();
    // A payment signed for another EIP-712 domain (here the default one, with a zero
    // verifying contract) is refused with the domain named as a likely cause.
    let err = submit_raw(&net, &pos, &bob, net.key(1), None);
    assert!(err.contains("another EIP-712 domain"), "{err}");

    // The exit data comes from the watcher once it has verified the deposit's block.
    let exit = retry_while_unverified(|| says(&["exit", &pos]));
    let matures = line_starting(&exit, "it matures at ");
    assert!(
        matures.contains(" UTC by the L1 clock, in ")
            && matures.ends_with("; then run `plasma wallet process`")
            && !matures.contains("about"),
        "{exit}"
    );

    // Not mature yet: nothing sent, and the wallet says when.
    let before = sent_on_l1(&net, &alice);
    let early = says(&["process"]).unwrap();
    assert!(
        early.starts_with(
            "nothing to process yet (nothing sent): the first exit in the queue matures at "
        ) && early.contains(" UTC by the L1 clock, in "),
        "{early}"
    );
    assert_eq!(sent_on_l1(&net, &alice), before);

    // The exiting output cannot be spent: the wallet says why it has nothing to spend, and
    // the operator, sent a spend anyway, says the output is exiting.
    wait_until_held(&net);
    assert_eq!(
        says(&["send", &bob, "0.1"]).unwrap_err(),
        "error: insufficient funds: you can spend 0 ETH, the payment needs 0.1001 ETH (outputs exiting on L1 are not spendable)"
    );
    let framework = deployment_framework(d);
    let err = submit_raw(&net, &pos, &bob, net.key(1), Some(&framework));
    assert!(err.contains(&format!("output {pos} is exiting on L1")), "{err}");

    // Once the L1 clock has passed maturity, processing pays and says how much it did.
    advance_l1_clock(&net, 1300);
    let done = says(&["process"]).unwrap();
    assert!(done.starts_with("processed the mature exits: 1 paid out (L1 tx 0x"), "{done}");
}

/// The framework's address from the devnet's deployment file in `dir`.
fn deployment_framework(dir: &Path) -> String {
    let file = std::fs::read(dir.join("deployment.json")).unwrap();
    let deployment: serde_json::Value = serde_json::from_slice(&file).unwrap();
    deployment["framework"].as_str().unwrap().to_owned()
}

/// A payment of `pos` to `to` signed with `key` (for the chain's domain, given its framework
/// address, or for the default one) and sent straight to the operator: its refusal.
fn submit_raw(net: &Devnet, pos: &str, to: &str, key: &str, framework: Option<&str>) -> String {
    let json = format!(
        r#"{{"inputs":["{pos}"],"outputs":[{{"owner":"{to}","token":"0x0000000000000000000000000000000000000000","amount":"1000"}}]}}"#
    );
    let unsigned = crate::ok(&["tx", "encode", &json]);
    let mut sign = vec!["tx", "sign", &unsigned, "--key", key];
    if let Some(framework) = framework {
        sign.extend(["--verifying-contract", framework]);
    }
    let signed = crate::ok(&sign);
    let out = std::process::Command::new(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../contracts/node_modules/.bin/cast"),
    )
    .args(["rpc", "--rpc-url", &net.operator, "plasma_submitTx", &signed])
    .output()
    .unwrap();
    assert!(!out.status.success(), "the operator took the payment");
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn the_cash_wallet_and_piggybacks_say_what_happened() {
    let dir = tempfile::tempdir().unwrap();
    let net = start_devnet(dir.path());
    let d = dir.path();
    let says = |who: usize, args: &[&str]| net.says(d, who, args, &[]);
    let alice = says(1, &["address"]).unwrap();
    let bob = says(2, &["address"]).unwrap();

    // A coin is listed, exits, cannot be withdrawn early (a sentence with the time, by the L1
    // clock), then is withdrawn, and verify says it has left.
    let deposited = says(1, &["cash", "deposit", "0.25"]).unwrap();
    let slot = line_starting(&deposited, "deposited coin ")["deposited coin ".len()..].to_owned();
    let listed =
        net.eventually(d, 1, &["cash", "coins"], |v| v.as_array().is_some_and(|a| !a.is_empty()));
    assert_eq!(listed[0]["slot"], slot.as_str());
    let coins = says(1, &["cash", "coins"]).unwrap();
    assert!(
        coins.starts_with(&format!("coin {slot} ")) && coins.ends_with("on the child chain"),
        "{coins}"
    );
    let exit = says(1, &["cash", "exit", &slot]).unwrap();
    assert!(line_starting(&exit, "it matures at ").contains(" UTC by the L1 clock, in "), "{exit}");
    let early = says(1, &["cash", "withdraw", &slot]).unwrap_err();
    assert!(
        early.starts_with("error: reverted: the exit is not mature yet: it can be processed from ")
            && early.contains(" UTC (ExitNotMature); that is in ")
            && early.ends_with(" by the L1 clock"),
        "{early}"
    );
    advance_l1_clock(&net, 700);
    assert_eq!(
        says(1, &["cash", "withdraw", &slot]).unwrap(),
        format!("coin {slot} is back on L1")
    );
    let verified = says(1, &["cash", "verify", &slot]).unwrap();
    assert!(
        verified.starts_with(&format!(
            "coin {slot}: withdrawn to L1: it has left the child chain; its last owner on the child chain was {alice}"
        )),
        "{verified}"
    );

    // An in-flight exit piggybacks Alice's change; piggybacking it again sends nothing.
    says(1, &["deposit", "1"]).unwrap();
    net.eventually(d, 1, &["balance"], |v| v[0]["amount"] == "1000000000000000000");
    let sent = net.wallet(d, 1, &["send", &bob, "0.5"]).unwrap();
    let tx_hash = sent["txHash"].as_str().unwrap().to_owned();
    // Once the devnet's watcher has verified the payment's block, the exit data is there.
    net.eventually(d, 2, &["verify", &tx_hash], |_| true);
    let ife = says(1, &["in-flight-exit", &tx_hash]).unwrap();
    assert!(ife.contains(": piggybacked Output(1) (a bond sent for each)"), "{ife}");
    let history = net.wallet(d, 1, &["history"]).unwrap();
    let signed = history.as_array().unwrap().iter().find_map(|e| e["signed_tx"].as_str()).unwrap();
    let before = sent_on_l1(&net, &alice);
    assert_eq!(
        says(1, &["piggyback", signed, "--output", "1"]).unwrap(),
        "Output(1) was already piggybacked: nothing sent"
    );
    assert_eq!(sent_on_l1(&net, &alice), before);

    // A watcher that waits for 50 confirmations has not seen Bob's payment (which the
    // devnet's own watcher verified): verify says why.
    let (mut watcher, url) = spawn_watcher(&net, d);
    let lagging = net.says(d, 2, &["verify", &tx_hash], &[("PLASMA_WATCHER_RPC", &url)]);
    let _ = watcher.kill();
    let _ = watcher.wait();
    let lagging = lagging.unwrap_err();
    assert!(
        lagging.starts_with("error: not verified: block ")
            && lagging.contains("it acts only on L1 blocks with 50 confirmations on top")
            && lagging.ends_with("retry after about 50 more L1 blocks"),
        "{lagging}"
    );
}

/// `plasma watch` on the devnet's chain, 50 confirmations behind its head.
fn spawn_watcher(net: &Devnet, dir: &Path) -> (std::process::Child, String) {
    use std::io::{BufRead, BufReader};
    let contracts = dir.join("deployment.json");
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_plasma"))
        .args(["watch", "--l1.rpc", &net.l1, "--operator.rpc", &net.operator])
        .args(["--l1.confirmations", "50", "--rpc.addr", "127.0.0.1:0", "--contracts"])
        .arg(&contracts)
        .env("RUST_LOG", "off")
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let url = loop {
        let line = lines.next().expect("the watcher prints its address").unwrap();
        if let Some(url) = line.strip_prefix("rpc: ") {
            break url.to_owned();
        }
    };
    std::thread::spawn(move || lines.for_each(drop));
    (child, url)
}

/// Errors that need no chain: each said once, with the value at fault and what to do.
#[test]
fn offline_errors_are_said_once_and_name_the_fix() {
    let omg_tx = "0xf8a601e1a0000000000000000000000000000000000000000000000000000001d1a94a2001f85fed01eb94f86b5b1c2c8de1ea4dc737c849272340fa3561c59400000000000000000000000000000000000000007bf001ee94f86b5b1c2c8de1ea4dc737c849272340fa3561c59400000000000000000000000000000000000000008354c46c80a00000000000000000000000000000000000000000000000000000000000000000";
    let truncated = crate::fails(&["tx", "decode", &omg_tx[..14]]);
    assert_eq!(truncated.matches("item needs").count(), 1, "{truncated}");
    let key = "11".repeat(32);
    assert_eq!(
        crate::fails(&["tx", "sign", omg_tx, "--key", &format!("{key},{key}")]),
        "error: the transaction has 1 input: give 1 key, not 2"
    );
    let missing = crate::plasma(&["wallet", "address", "--keystore", "/nonexistent/key.json"]);
    assert_eq!(
        String::from_utf8_lossy(&missing.stderr).trim(),
        "error: no keystore file at /nonexistent/key.json"
    );
    let inf = crate::plasma(&["cost", "--eth-usd", "1e999"]);
    let inf = String::from_utf8_lossy(&inf.stderr);
    assert!(inf.contains("\"1e999\" is inf: give a finite number above zero"), "{inf}");
}

/// `wallet new` writes a keystore only its owner can read, at the cost asked for, and
/// refuses an empty password unless asked.
#[test]
fn a_new_keystore_is_private_and_needs_a_password() {
    let dir = tempfile::tempdir().unwrap();
    let new = |password: &str, extra: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_plasma"))
            .args(["wallet", "new", "--json", "--scrypt-cost", "10", "--dir"])
            .arg(dir.path())
            .args(extra)
            .env("PLASMA_PASSWORD", password)
            .output()
            .unwrap()
    };
    let empty = new("", &[]);
    assert!(String::from_utf8_lossy(&empty.stderr).contains("refusing an empty password"));
    let made = new("correct horse", &[]);
    assert!(made.status.success(), "{}", String::from_utf8_lossy(&made.stderr));
    let made: serde_json::Value = serde_json::from_slice(&made.stdout).unwrap();
    let path = made["keystore"].as_str().unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600, "mode {mode:o}");
    }
    let file: serde_json::Value = serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
    assert_eq!(file["crypto"]["kdfparams"]["n"], 1024);
    let address = std::process::Command::new(env!("CARGO_BIN_EXE_plasma"))
        .args(["wallet", "address", "--keystore", path])
        .env("PLASMA_PASSWORD", "correct horse")
        .output()
        .unwrap();
    let address = String::from_utf8_lossy(&address.stdout);
    assert!(address.trim().eq_ignore_ascii_case(made["address"].as_str().unwrap()), "{address}");
}

/// `plasma cost --erc20 --plot` draws the ERC20 case with the fill marked, and its log,
/// written to a file (a pipe here), has no colour codes.
#[test]
fn the_cost_plot_follows_the_token_and_logs_stay_plain() {
    let dir = tempfile::tempdir().unwrap();
    let plot = dir.path().join("cost.svg");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_plasma"))
        .args(["cost", "--erc20", "--per-cycle", "120", "--fill", "329", "--plot"])
        .arg(&plot)
        .env("RUST_LOG", "debug")
        .output()
        .unwrap();
    let log = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{log}");
    assert!(log.contains("DEBUG") && !log.contains('\x1b'), "{log}");
    let svg = std::fs::read_to_string(&plot).unwrap();
    assert!(svg.contains("L1 gas per ERC20 transfer") && svg.contains("fill 329 : "), "{svg}");
    let total = String::from_utf8_lossy(&out.stdout);
    let plasma_total = total
        .lines()
        .find(|l| l.trim_start().starts_with("gas per transfer, Plasma total"))
        .unwrap_or_else(|| panic!("no total in {total}"))
        .split_whitespace()
        .last()
        .unwrap()
        .to_owned();
    assert!(svg.contains(&format!("fill 329 : {plasma_total} gas")), "{plasma_total}\n{svg}");
}
