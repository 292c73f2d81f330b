//! A real Ethereum node for tests and devnets: anvil from the pinned npm package, on a free
//! loopback port, stopped when dropped, and killed by the kernel if its parent dies without
//! dropping it (`kill -9`, a crash): no anvil outlives the process that started it.

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
    ///
    /// On Linux anvil dies with the thread that started it (the kernel sends it `SIGKILL`,
    /// see [`die_with_parent`]): start it from a thread that lives as long as it is needed
    /// (an async task's worker or the main thread, not a short-lived helper thread).
    pub fn spawn(chain_id: u64, extra_args: &[&str]) -> Result<Self, RootChainError> {
        let binary = Self::binary();
        let mut command = Command::new(&binary);
        command
            .args(["--port", "0", "--host", "127.0.0.1", "--chain-id", &chain_id.to_string()])
            .args(extra_args)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .stdin(Stdio::null());
        die_with_parent(&mut command);
        let mut child = command.spawn().map_err(|e| RootChainError::AnvilNotStarted {
            binary: binary.clone(),
            reason: e.to_string(),
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

/// Has the kernel kill the child (`SIGKILL`) when its parent goes, however it goes: a
/// `kill -9` of the parent leaves no child running. Linux's `PR_SET_PDEATHSIG` fires when the
/// *thread* that forked the child exits, hence the note on [`Anvil::spawn`]. If the parent
/// died between the fork and the `prctl`, no signal would ever come: the child sees that it
/// was re-parented and does not start.
#[cfg(target_os = "linux")]
fn die_with_parent(command: &mut Command) {
    use std::os::unix::process::CommandExt;
    let parent = std::process::id() as libc::pid_t;
    #[allow(unsafe_code, reason = "pre_exec is unsafe: its closure runs between fork and exec")]
    // SAFETY: the closure runs in the forked child before exec, where only async-signal-safe
    // calls are allowed: it calls prctl and getppid (both async-signal-safe system calls),
    // allocates nothing (`from_raw_os_error` and `last_os_error` build an error without
    // allocating) and touches no lock or shared state.
    unsafe {
        command.pre_exec(move || {
            if libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            if libc::getppid() != parent {
                return Err(std::io::Error::from_raw_os_error(libc::ESRCH));
            }
            Ok(())
        });
    }
}

/// Elsewhere the child is stopped only by [`Anvil`]'s drop.
#[cfg(not(target_os = "linux"))]
fn die_with_parent(_command: &mut Command) {}

impl Drop for Anvil {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
