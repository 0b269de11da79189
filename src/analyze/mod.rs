//! Analysis over parsed SOPs: gap findings and cross-agency duplicates.

pub mod findings;
pub mod policy;
