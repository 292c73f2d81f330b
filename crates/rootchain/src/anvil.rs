//! A real Ethereum node for tests and devnets: anvil from the pinned npm package, on a free
//! loopback port, stopped when dropped.

use crate::RootChainError;
use std::{
    io::{BufRead, BufReader},
    path::PathBuf,
    process::{Child, Command, Stdio},
    sync::mpsc,
    time::Duration,
};

/// A running anvil process.
pub struct Anvil {
    child: Child,
    url: String,
}

impl Anvil {
    /// Where the anvil binary is: `$PLASMA_ANVIL`, else the project's pinned npm install.
    pub fn binary() -> PathBuf {
        std::env::var_os("PLASMA_ANVIL").map(PathBuf::from).unwrap_or_else(|| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR"))
                .join("../../contracts/node_modules/.bin/anvil")
        })
    }

    /// Starts anvil with `chain_id` on a free port, plus any extra arguments.
    pub fn spawn(chain_id: u64, extra_args: &[&str]) -> Result<Self, RootChainError> {
        let binary = Self::binary();
        let mut child = Command::new(&binary)
            .args(["--port", "0", "--host", "127.0.0.1", "--chain-id", &chain_id.to_string()])
            .args(extra_args)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .stdin(Stdio::null())
            .spawn()
            .map_err(|e| {
                RootChainError::Other(format!(
                    "cannot start anvil at {} ({e}); run scripts/install-contracts-toolchain",
                    binary.display()
                ))
            })?;
        let stdout = child.stdout.take().expect("stdout is piped");
        let (tx, rx) = mpsc::channel();
        // Read until anvil says where it listens, then keep draining so it never blocks.
        std::thread::spawn(move || {
            let mut sent = false;
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if !sent && let Some(addr) = line.strip_prefix("Listening on ") {
                    let _ = tx.send(addr.trim().to_owned());
                    sent = true;
                }
            }
        });
        match rx.recv_timeout(Duration::from_secs(30)) {
            Ok(addr) => Ok(Self { child, url: format!("http://{addr}") }),
            Err(_) => {
                let _ = child.kill();
                Err(RootChainError::Timeout {
                    what: "anvil to listen".into(),
                    after: Duration::from_secs(30),
                })
            }
        }
    }

    /// The JSON-RPC endpoint.
    pub fn url(&self) -> &str {
        &self.url
    }
}

impl Drop for Anvil {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
