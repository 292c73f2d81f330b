//! Where the cores went while a measurement ran (Linux only: read from `/proc`).

use serde::Serialize;
use std::time::Instant;

/// Shares of the cores' time during a measurement.
#[derive(Debug, Clone, Copy, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CpuShares {
    /// Time the process ran, over the cores' time: 1.0 is every core busy.
    pub busy: f64,
    /// Time the node's one serial thread ran (the payment node's sequencer, the Cash node's
    /// journal writer), over the cores' time.
    pub serial_thread: f64,
}

/// A measurement's start: the clock and the CPU time consumed so far.
pub(crate) struct CpuClock {
    thread: &'static str,
    started: Instant,
    ticks: Option<(u64, u64)>,
}

impl CpuClock {
    /// Starts timing; `thread` names the serial thread to account for.
    pub(crate) fn start(thread: &'static str) -> Self {
        Self { thread, started: Instant::now(), ticks: cpu_ticks(thread) }
    }

    /// Seconds since the start, and the cores' shares (`None` where `/proc` is not there).
    pub(crate) fn stop(self) -> (f64, Option<CpuShares>) {
        let elapsed = self.started.elapsed().as_secs_f64();
        let cores_time = elapsed * rayon::current_num_threads() as f64 * TICKS_PER_SEC;
        let shares =
            cpu_ticks(self.thread).zip(self.ticks).map(|((process, serial), before)| CpuShares {
                busy: (process - before.0) as f64 / cores_time,
                serial_thread: (serial - before.1) as f64 / cores_time,
            });
        (elapsed, shares)
    }
}

/// CPU time consumed so far, in clock ticks: by the whole process, and by `thread`.
fn cpu_ticks(thread: &str) -> Option<(u64, u64)> {
    // utime and stime are fields 14 and 15 of a stat line, counted after the `(comm)` field.
    let ticks = |stat: &str| -> Option<u64> {
        let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
        Some(fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?)
    };
    let process = ticks(&std::fs::read_to_string("/proc/self/stat").ok()?)?;
    let serial = std::fs::read_dir("/proc/self/task").ok()?.flatten().find_map(|task| {
        let comm = std::fs::read_to_string(task.path().join("comm")).ok()?;
        if comm.trim() != thread {
            return None;
        }
        ticks(&std::fs::read_to_string(task.path().join("stat")).ok()?)
    })?;
    Some((process, serial))
}

/// Linux counts CPU time in ticks of 10 ms (USER_HZ is 100 on every mainstream build).
const TICKS_PER_SEC: f64 = 100.0;
