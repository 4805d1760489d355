//! Helpers shared by the fuzz targets.
//!
//! Everything here is written independently of the core on purpose: a target
//! compares the core's answer with these reference implementations, so a bug
//! copied from the core would hide itself.

pub mod reference;

use libfuzzer_sys::arbitrary::Unstructured;

/// Reads structured values out of the fuzzer's bytes. Every read succeeds
/// (running out of bytes yields zeros and empty strings), so a target never
/// needs to bail out early and short inputs still exercise the code.
pub struct Input<'a> {
    u: Unstructured<'a>,
}

impl<'a> Input<'a> {
    /// Wraps the fuzzer's data.
    pub fn new(data: &'a [u8]) -> Self {
        Input {
            u: Unstructured::new(data),
        }
    }

    /// One byte, 0 when exhausted.
    pub fn byte(&mut self) -> u8 {
        self.u.arbitrary().unwrap_or(0)
    }

    /// A little-endian u16, 0 when exhausted.
    pub fn u16(&mut self) -> u16 {
        self.u.arbitrary().unwrap_or(0)
    }

    /// A little-endian u64, 0 when exhausted.
    pub fn u64(&mut self) -> u64 {
        self.u.arbitrary().unwrap_or(0)
    }

    /// A boolean from the low bit of one byte.
    pub fn bool(&mut self) -> bool {
        self.byte() & 1 == 1
    }

    /// Up to `max` raw bytes (length from the data).
    pub fn bytes(&mut self, max: usize) -> &'a [u8] {
        let len = self.u.int_in_range(0..=max).unwrap_or(0);
        self.u.bytes(len).unwrap_or(&[])
    }

    /// A string of up to `max` bytes: invalid UTF-8 is replaced, so every
    /// byte pattern (including NUL and control characters) can appear.
    pub fn string(&mut self, max: usize) -> String {
        String::from_utf8_lossy(self.bytes(max)).into_owned()
    }

    /// Either `None` or a string (one byte decides).
    pub fn opt_string(&mut self, max: usize) -> Option<String> {
        if self.bool() {
            Some(self.string(max))
        } else {
            None
        }
    }

    /// One element of `choices`, picked by one byte.
    pub fn pick<T: Copy>(&mut self, choices: &[T]) -> T {
        choices[self.byte() as usize % choices.len()]
    }

    /// Whatever data is left, as raw bytes.
    pub fn rest(self) -> &'a [u8] {
        self.u.take_rest()
    }
}
