//! Ingest benchmark (placeholder until the readers land).
fn main() {}
