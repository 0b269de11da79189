//! Analysis over parsed SOPs: gap findings and cross-agency duplicates.

pub mod findings;
pub mod policy;

use crate::rules::Rules;
use crate::sop::record::Sop;

/// Adds the findings that need every SOP of the run (`number-collision`) to the SOPs'
/// own findings. STUB: filled by the findings work.
pub fn cross_findings(_sops: &mut [Sop], _rules: &Rules) {}
