//! A run's stop request: a termination signal (or a caller) asks the run to read no
//! further file; the run keeps what it has read, publishes it as its output set, and
//! says which files it did not reach. A time-limited run (`timeout 15 sopap run ...`)
//! thus leaves every file it finished, not nothing.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

/// Shared flag of one run: 0 while running, the signal's number (or any non-zero code)
/// once a stop is requested.
#[derive(Clone, Debug, Default)]
pub struct StopFlag(Arc<AtomicUsize>);

impl StopFlag {
    /// A flag nobody has raised.
    pub fn new() -> Self {
        StopFlag::default()
    }

    /// The shared cell, for a signal handler that stores the signal's number in it
    /// (`signal_hook::flag::register_usize`).
    pub fn cell(&self) -> Arc<AtomicUsize> {
        Arc::clone(&self.0)
    }

    /// Asks the run to stop, naming why (a signal number).
    pub fn request(&self, code: usize) {
        self.0.store(code.max(1), Ordering::SeqCst);
    }

    /// The code of the stop request, if one was made.
    pub fn requested(&self) -> Option<usize> {
        match self.0.load(Ordering::SeqCst) {
            0 => None,
            code => Some(code),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_request_is_seen_by_every_clone_with_its_code() {
        let flag = StopFlag::new();
        let seen = flag.clone();
        assert_eq!(seen.requested(), None);
        flag.request(15);
        assert_eq!(seen.requested(), Some(15));
        flag.cell().store(2, Ordering::SeqCst);
        assert_eq!(seen.requested(), Some(2));
    }
}
