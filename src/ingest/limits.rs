//! Limits that keep hostile files from exhausting memory or time.
//!
//! A [`Budget`] travels with one file through its reader: the readers call
//! [`Budget::check_time`] inside their loops, and account inflated bytes and XML
//! elements against the [`Limits`].
//!
//! The time budget counts the CPU time spent on the file — the reading thread's own
//! (`getrusage(RUSAGE_THREAD)`) plus that of the child processes it waited for (an OCR
//! engine, reported through [`Budget::count_children`]) — so a file read on a machine
//! busy with other work is not cut short for the time it spent waiting for a core. A
//! reader that sleeps or blocks spends no CPU: the wall-time ceiling
//! ([`WALL_CEILING_FACTOR`] times the budget) and, in a batch, the worker's wall-time cap
//! stay the hard limits for a hang.

use std::cell::Cell;
use std::time::{Duration, Instant};

use crate::error::IngestError;

/// Caps on what one file may cost to read.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct Limits {
    /// Largest input file, in bytes.
    pub max_file_bytes: u64,
    /// Largest single inflated part of a zip container, in bytes.
    pub max_part_bytes: u64,
    /// Largest sum of inflated parts read from one container, in bytes.
    pub max_total_inflated: u64,
    /// Largest inflate ratio (inflated / compressed) of a part above `ratio_floor` bytes.
    pub max_ratio: u64,
    /// Parts smaller than this are never refused for their ratio.
    pub ratio_floor: u64,
    /// Deepest XML element nesting.
    pub max_xml_depth: usize,
    /// Most XML elements in one part.
    pub max_xml_elements: u64,
    /// CPU time one file may take (its reading thread plus the child processes it
    /// waited for); the wall-clock ceiling is [`WALL_CEILING_FACTOR`] times this.
    pub time_budget: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_file_bytes: 256 << 20,
            max_part_bytes: 256 << 20,
            max_total_inflated: 512 << 20,
            max_ratio: 200,
            ratio_floor: 4 << 20,
            max_xml_depth: 256,
            max_xml_elements: 20_000_000,
            time_budget: Duration::from_secs(30),
        }
    }
}

/// How many times the CPU-time budget a file may take in wall-clock time before its
/// reader gives up: measures how long a reader that waits (sleeps, blocks, or shares a
/// busy machine) may go on; the worker's own wall-time cap normally ends a hang first.
pub const WALL_CEILING_FACTOR: u32 = 3;

/// The running account of one file against its [`Limits`].
#[derive(Debug)]
pub struct Budget {
    /// The limits in force.
    pub limits: Limits,
    /// Wall-clock instant past which the file is given up whatever its CPU time.
    wall_deadline: Instant,
    /// CPU time counted so far: reading threads and waited-for children.
    cpu_spent: Cell<Duration>,
    /// The thread last seen checking the budget and its CPU clock then.
    last_seen: Cell<Option<(libc::pid_t, Duration)>>,
    inflated: Cell<u64>,
}

impl Budget {
    /// A budget starting now, on the calling thread's CPU clock.
    pub fn new(limits: Limits) -> Self {
        let wall_deadline = Instant::now() + limits.time_budget * WALL_CEILING_FACTOR;
        let last_seen = thread_cpu().map(|cpu| (current_thread(), cpu));
        Budget {
            limits,
            wall_deadline,
            cpu_spent: Cell::new(Duration::ZERO),
            last_seen: Cell::new(last_seen),
            inflated: Cell::new(0),
        }
    }

    /// Fails with `timeout` once the file's CPU-time budget (or its wall-clock ceiling)
    /// has run out; `what` names the work in progress for the message.
    pub fn check_time(&self, what: &str) -> Result<(), IngestError> {
        if self.cpu_used() > self.limits.time_budget {
            Err(IngestError::Timeout(format!(
                "{what} (more than {} s of CPU time)",
                self.limits.time_budget.as_secs_f64()
            )))
        } else if Instant::now() > self.wall_deadline {
            Err(IngestError::Timeout(format!(
                "{what} (more than {} s of wall-clock time)",
                (self.limits.time_budget * WALL_CEILING_FACTOR).as_secs_f64()
            )))
        } else {
            Ok(())
        }
    }

    /// CPU time left of the file's budget (zero once it has run out).
    pub fn remaining(&self) -> Duration {
        self.limits.time_budget.saturating_sub(self.cpu_used())
    }

    /// Wall-clock time left before the file's ceiling: the longest a child process
    /// started for the file (an OCR engine) may be waited for.
    pub fn wall_remaining(&self) -> Duration {
        self.wall_deadline.saturating_duration_since(Instant::now())
    }

    /// CPU time the file has cost so far: its reading threads since the budget began
    /// plus the children counted by [`Budget::count_children`] or
    /// [`Budget::add_child_cpu`].
    pub fn cpu_used(&self) -> Duration {
        self.settle_thread();
        self.cpu_spent.get()
    }

    /// Counts `cpu` of a child process the reader waited for (its user plus system
    /// time) against the budget.
    pub fn add_child_cpu(&self, cpu: Duration) {
        self.cpu_spent.set(self.cpu_spent.get().saturating_add(cpu));
    }

    /// Runs `work`, which starts and waits for child processes (an OCR engine), and
    /// counts the CPU time of the children reaped meanwhile against the budget. The
    /// measure is the process's reaped-children clock (`RUSAGE_CHILDREN`): exact in a
    /// worker, which reads one file at a time.
    pub fn count_children<T>(&self, work: impl FnOnce() -> T) -> T {
        let before = children_cpu();
        let out = work();
        if let (Some(before), Some(after)) = (before, children_cpu()) {
            self.add_child_cpu(after.saturating_sub(before));
        }
        out
    }

    /// Adds the calling thread's CPU time since it was last seen; a thread seen for the
    /// first time (the budget moved) starts its count now.
    fn settle_thread(&self) {
        let Some(now) = thread_cpu() else { return };
        let me = current_thread();
        if let Some((tid, then)) = self.last_seen.get()
            && tid == me
        {
            self.add_child_cpu(now.saturating_sub(then));
        }
        self.last_seen.set(Some((me, now)));
    }

    /// Accounts `n` more inflated bytes, failing with `too-large` past the total cap.
    pub fn add_inflated(&self, n: u64, what: &str) -> Result<(), IngestError> {
        let total = self.inflated.get().saturating_add(n);
        self.inflated.set(total);
        if total > self.limits.max_total_inflated {
            return Err(IngestError::TooLarge(format!(
                "{what}: more than {} MiB inflated in total",
                self.limits.max_total_inflated >> 20
            )));
        }
        Ok(())
    }
}

impl Default for Budget {
    fn default() -> Self {
        Budget::new(Limits::default())
    }
}

/// User plus system time of a `getrusage` record.
fn rusage_time(who: libc::c_int) -> Option<Duration> {
    // SAFETY: getrusage only writes the zeroed record it is given.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: `usage` is a valid, writable rusage record.
    if unsafe { libc::getrusage(who, &mut usage) } != 0 {
        return None;
    }
    let tv = |t: libc::timeval| {
        Duration::from_secs(u64::try_from(t.tv_sec).unwrap_or(0))
            + Duration::from_micros(u64::try_from(t.tv_usec).unwrap_or(0))
    };
    Some(tv(usage.ru_utime) + tv(usage.ru_stime))
}

/// CPU time of the calling thread.
fn thread_cpu() -> Option<Duration> {
    rusage_time(libc::RUSAGE_THREAD)
}

/// CPU time of the process's children that have been waited for.
pub fn children_cpu() -> Option<Duration> {
    rusage_time(libc::RUSAGE_CHILDREN)
}

/// The calling thread's kernel id.
fn current_thread() -> libc::pid_t {
    // SAFETY: gettid has no preconditions.
    unsafe { libc::gettid() }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn budget(ms: u64) -> Budget {
        Budget::new(Limits {
            time_budget: Duration::from_millis(ms),
            ..Limits::default()
        })
    }

    #[test]
    fn a_spinning_reader_runs_out_and_a_sleeping_one_does_not() {
        let spin = budget(200);
        let start = Instant::now();
        let mut x = 0u64;
        let err = loop {
            x = x.wrapping_mul(6364136223846793005).wrapping_add(1);
            if let Err(e) = spin.check_time("spinning") {
                break e;
            }
            assert!(start.elapsed() < Duration::from_secs(20), "never ran out");
        };
        assert!(x != 1);
        assert_eq!(err.kind(), crate::error::ErrorKind::Timeout);
        // The error names the limit that ended it, and that limit was passed. (Which one
        // depends on the load: a machine so loaded that the spinning thread got under a
        // third of a core reaches the wall-clock ceiling first, as it must. Asking for
        // the CPU used again after the error would count the time since, so the branch
        // follows the error, not a second reading.)
        if err.to_string().contains("CPU time") {
            assert!(spin.cpu_used() >= Duration::from_millis(200), "{err}");
        } else {
            assert!(err.to_string().contains("wall-clock"), "{err}");
            assert!(start.elapsed() >= Duration::from_millis(600));
        }

        // Sleeping past the CPU budget (but within the wall ceiling) costs no CPU.
        let sleep = budget(300);
        std::thread::sleep(Duration::from_millis(500));
        assert!(sleep.check_time("sleeping").is_ok());
        assert!(
            sleep.cpu_used() < Duration::from_millis(100),
            "{:?}",
            sleep.cpu_used()
        );
        assert!(sleep.remaining() > Duration::from_millis(100));
        // … until the wall-clock ceiling.
        std::thread::sleep(Duration::from_millis(450));
        let err = sleep.check_time("sleeping").unwrap_err();
        assert!(err.to_string().contains("wall-clock"), "{err}");
    }

    #[test]
    fn waited_for_children_count_against_the_budget() {
        let b = budget(60_000);
        let status = b.count_children(|| {
            std::process::Command::new("sh")
                .arg("-c")
                .arg("i=0; while [ $i -lt 200000 ]; do i=$((i+1)); done")
                .status()
        });
        assert!(status.map(|s| s.success()).unwrap_or(false));
        assert!(
            b.cpu_used() >= Duration::from_millis(50),
            "{:?}",
            b.cpu_used()
        );
        b.add_child_cpu(Duration::from_secs(61));
        assert_eq!(
            b.check_time("ocr").map_err(|e| e.kind()),
            Err(crate::error::ErrorKind::Timeout)
        );
    }
}
