//! Where the analysis and the reports read SOPs from.
//!
//! A run over an archive of tens of thousands of files must not hold every SOP in memory:
//! the analysis reads the SOPs once to keep what the cross-file checks need (signatures for
//! duplicates, numbers for collisions, counts per agency), and the writers read them again,
//! one at a time, to stream the outputs. A [`SopSource`] is anything that can hand out the
//! SOPs in id order as often as asked: the run's state store, or a slice in memory.

use std::collections::HashMap;
use std::io;

use super::agencies::agency_name;
use crate::sop::record::Sop;

/// A callback that receives one SOP; its error stops the walk.
pub type Visit<'a> = dyn FnMut(Sop) -> io::Result<()> + 'a;

/// SOPs that can be walked again and again without being held in memory at once.
pub trait SopSource {
    /// Calls `f` with every SOP, in id order (the order the source keeps).
    fn each(&self, f: &mut Visit<'_>) -> io::Result<()>;

    /// Calls `f` with every SOP whose report agency ([`agency_name`]) is `agency`, in the
    /// same order as [`each`](Self::each).
    fn each_of_agency(&self, agency: &str, f: &mut Visit<'_>) -> io::Result<()>;

    /// The SOP with this id, if the source has it.
    fn get(&self, id: &str) -> io::Result<Option<Sop>>;
}

/// SOPs already in memory, walked in slice order.
pub struct SliceSource<'a> {
    sops: &'a [Sop],
    by_id: HashMap<&'a str, usize>,
}

impl<'a> SliceSource<'a> {
    /// A source over `sops`.
    pub fn new(sops: &'a [Sop]) -> Self {
        let mut by_id = HashMap::with_capacity(sops.len());
        for (i, s) in sops.iter().enumerate() {
            by_id.entry(s.id.as_str()).or_insert(i);
        }
        SliceSource { sops, by_id }
    }
}

impl SopSource for SliceSource<'_> {
    fn each(&self, f: &mut Visit<'_>) -> io::Result<()> {
        self.sops.iter().try_for_each(|s| f(s.clone()))
    }

    fn each_of_agency(&self, agency: &str, f: &mut Visit<'_>) -> io::Result<()> {
        self.sops
            .iter()
            .filter(|s| agency_name(s) == agency)
            .try_for_each(|s| f(s.clone()))
    }

    fn get(&self, id: &str) -> io::Result<Option<Sop>> {
        Ok(self.by_id.get(id).and_then(|&i| self.sops.get(i)).cloned())
    }
}
