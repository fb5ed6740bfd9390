//! CPU time and memory of the bench process from /proc/self/stat and /proc/self/status (Linux;
//! `None` elsewhere), shared by the bench binaries: wall time alone does not say whether a run
//! was CPU-bound.

#![allow(dead_code)] // each bench binary uses its own subset

use std::time::Duration;

/// User + system CPU time of this process so far.
pub fn cpu_time() -> Option<Duration> {
    stat_ticks(11)
}

/// User + system CPU time of the child processes waited for so far.
pub fn children_cpu_time() -> Option<Duration> {
    stat_ticks(13)
}

/// CPU time used between two readings, in seconds (0 when unknown).
pub fn cpu_seconds_since(start: Option<Duration>) -> f64 {
    start
        .zip(cpu_time())
        .map_or(0.0, |(a, b)| (b.saturating_sub(a)).as_secs_f64())
}

/// Two consecutive tick counters of /proc/self/stat, from field `first` after the name
/// (ticks are 10 ms on Linux).
fn stat_ticks(first: usize) -> Option<Duration> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    let after = stat.rsplit_once(')')?.1;
    let f: Vec<&str> = after.split_whitespace().collect();
    let ticks = f.get(first)?.parse::<u64>().ok()? + f.get(first + 1)?.parse::<u64>().ok()?;
    Some(Duration::from_millis(ticks * 10))
}

/// A memory figure of /proc/self/status in kB, by its name (`VmRSS`, `VmHWM` for the peak).
pub fn status_kb(name: &str) -> Option<u64> {
    status_kb_in("/proc/self/status", name)
}

/// The same from another process's status file (`/proc/<pid>/status`).
pub fn status_kb_in(path: &str, name: &str) -> Option<u64> {
    let status = std::fs::read_to_string(path).ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix(name)?.strip_prefix(':'))?
        .split_whitespace()
        .next()?
        .parse()
        .ok()
}

/// Write the page cache's dirty data out before a timed part (Unix `sync`; nothing elsewhere):
/// the kernel writing back an untimed setup's or an earlier run's hundreds of megabytes would
/// otherwise compete with the run for this machine's two cores.
pub fn settle_disk() {
    #[cfg(unix)]
    let _ = std::process::Command::new("sync").status();
}
