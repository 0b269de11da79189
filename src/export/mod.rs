//! Export of normalised SOPs back to standard-format documents (not yet implemented).
