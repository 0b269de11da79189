//! Limits that keep hostile files from exhausting memory or time.
//!
//! A [`Budget`] travels with one file through its reader: the readers call
//! [`Budget::check_time`] inside their loops, and account inflated bytes and XML
//! elements against the [`Limits`].

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
    /// Wall-clock time one file may take.
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

/// The running account of one file against its [`Limits`].
#[derive(Debug)]
pub struct Budget {
    /// The limits in force.
    pub limits: Limits,
    deadline: Instant,
    inflated: std::cell::Cell<u64>,
}

impl Budget {
    /// A budget starting now.
    pub fn new(limits: Limits) -> Self {
        let deadline = Instant::now() + limits.time_budget;
        Budget {
            limits,
            deadline,
            inflated: std::cell::Cell::new(0),
        }
    }

    /// Fails with `timeout` once the file's time budget has run out; `what` names the
    /// work in progress for the message.
    pub fn check_time(&self, what: &str) -> Result<(), IngestError> {
        if Instant::now() > self.deadline {
            Err(IngestError::Timeout(what.to_string()))
        } else {
            Ok(())
        }
    }

    /// Time left of the file's budget (zero once it has run out).
    pub fn remaining(&self) -> Duration {
        self.deadline.saturating_duration_since(Instant::now())
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
