//! Gap findings per SOP (stub: filled by the findings work).

use crate::rules::Rules;
use crate::sop::record::{Finding, Sop};

/// The findings of one SOP, by the rules' codes, severities and thresholds.
pub fn check(_sop: &Sop, _rules: &Rules) -> Vec<Finding> {
    Vec::new()
}
