//! Placeholder until the benchmark work lands; replaced by the criterion suite.
fn main() {}
