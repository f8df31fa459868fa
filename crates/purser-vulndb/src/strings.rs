//! The builder's side of the strings section: each distinct string stored once.

use std::collections::HashMap;

use crate::format::ABSENT;

/// Deduplicated strings, in first-use order (so equal input gives an equal section).
#[derive(Debug, Default)]
pub(crate) struct StringTable {
    bytes: Vec<u8>,
    offsets: HashMap<String, u32>,
}

/// A string that does not fit the strings section's `u32` offsets.
#[derive(Debug)]
pub(crate) struct TooLarge;

impl StringTable {
    /// Appends the 8-byte reference of `text` to `out`, storing `text` on first use.
    pub(crate) fn write_ref(&mut self, text: &str, out: &mut Vec<u8>) -> Result<(), TooLarge> {
        let offset = self.intern(text)?;
        let length = u32::try_from(text.len()).map_err(|_| TooLarge)?;
        out.extend_from_slice(&offset.to_le_bytes());
        out.extend_from_slice(&length.to_le_bytes());
        Ok(())
    }

    /// Appends the reference of an optional string; `None` is the absent marker.
    pub(crate) fn write_optional(
        &mut self,
        text: Option<&str>,
        out: &mut Vec<u8>,
    ) -> Result<(), TooLarge> {
        match text {
            Some(text) => self.write_ref(text, out),
            None => {
                out.extend_from_slice(&ABSENT.to_le_bytes());
                out.extend_from_slice(&0u32.to_le_bytes());
                Ok(())
            }
        }
    }

    fn intern(&mut self, text: &str) -> Result<u32, TooLarge> {
        if let Some(&offset) = self.offsets.get(text) {
            return Ok(offset);
        }
        let offset = u32::try_from(self.bytes.len()).map_err(|_| TooLarge)?;
        let end = self.bytes.len() + text.len();
        // The end must stay below the absent marker so every stored reference is readable.
        if end >= ABSENT as usize {
            return Err(TooLarge);
        }
        self.bytes.extend_from_slice(text.as_bytes());
        self.offsets.insert(text.to_owned(), offset);
        Ok(offset)
    }

    /// The section's bytes.
    pub(crate) fn into_bytes(self) -> Vec<u8> {
        self.bytes
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equal_strings_share_one_copy() {
        let mut table = StringTable::default();
        let mut refs = Vec::new();
        table.write_ref("log4j", &mut refs).expect("fits");
        table.write_ref("1.0", &mut refs).expect("fits");
        table.write_ref("log4j", &mut refs).expect("fits");
        table.write_optional(None, &mut refs).expect("fits");
        assert_eq!(refs[..8], refs[16..24]);
        assert_eq!(&refs[24..28], &[0xff; 4]);
        assert_eq!(table.into_bytes(), b"log4j1.0");
    }
}
