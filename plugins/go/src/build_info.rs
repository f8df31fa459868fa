//! The build-information blob the Go linker embeds in every executable since Go 1.13, as
//! `debug/buildinfo` reads it (<https://pkg.go.dev/debug/buildinfo>,
//! `src/debug/buildinfo/buildinfo.go` in the Go tree).
//!
//! The blob starts, 16-byte aligned, with a 32-byte header: the 14-byte magic
//! `"\xff Go buildinf:"`, the pointer size (4 or 8) and a flags byte. With flag bit 2 (Go 1.18
//! and later) the Go version and the module information follow the header as strings prefixed by
//! their length in unsigned LEB128. Without it (Go 1.13 to 1.17) the header holds, from byte 16,
//! two pointers to Go string headers (data pointer, length), in the byte order flag bit 1 names,
//! that must be followed through the file's segments. The module information is framed by two
//! 16-byte sentinels, stripped here.

use crate::error::BuildInfoError;
use crate::executable::{Executable, DATA_SEARCH_WINDOW};

/// The magic that starts the blob.
pub const BUILD_INFO_MAGIC: &[u8; 14] = b"\xff Go buildinf:";

/// The blob's alignment in its section.
const ALIGNMENT: usize = 16;

/// The size of the blob's fixed header.
const HEADER_SIZE: usize = 32;

/// Flag bit: the strings follow the header inline (Go 1.18 and later).
const FLAG_INLINE_STRINGS: u8 = 2;

/// Flag bit: pointers are big-endian (pointer format only).
const FLAG_BIG_ENDIAN: u8 = 1;

/// Longest string followed through a pointer (the module list of the largest binaries seen is a
/// few hundred KiB); a longer claim is treated as a lie.
const MAX_POINTED_STRING: u64 = 16 << 20;

/// The first string of the blob, for messages.
const GO_VERSION: &str = "Go version";

/// The second string of the blob, for messages.
const MODULE_INFO: &str = "module information";

/// The two strings the blob carries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawBuildInfo {
    /// The toolchain version, as `runtime.Version()` gives it (`go1.21.5`,
    /// `go1.22.1 X:boringcrypto`).
    pub go_version: String,
    /// The module information without its sentinels; empty for binaries built outside a module
    /// or with module information stripped.
    pub module_info: String,
}

/// Reads the build information of `executable`, `Ok(None)` when it has none.
///
/// # Errors
///
/// When a blob is found but is malformed: an impossible pointer size, a length that runs past
/// the data, an address no segment maps, text that is not UTF-8.
pub fn read_build_info(
    executable: &Executable<'_>,
) -> Result<Option<RawBuildInfo>, BuildInfoError> {
    let Some(region) = executable.build_info_region()? else {
        return Ok(None);
    };
    let Some(blob) = find_blob(region.bytes) else {
        return Ok(None);
    };
    let pointer_size = blob[14];
    let flags = blob[15];

    let (go_version, module_info) = if flags & FLAG_INLINE_STRINGS != 0 {
        let inline = |bytes, string| length_prefixed(bytes, string, region.name);
        let (version, rest) = inline(&blob[HEADER_SIZE..], GO_VERSION)?;
        let (module_info, _) = inline(rest, MODULE_INFO)?;
        (version, module_info)
    } else {
        let pointers = Pointers::new(pointer_size, flags & FLAG_BIG_ENDIAN != 0)?;
        let version = pointers.follow_string(executable, &blob[16..], GO_VERSION)?;
        let module_info =
            pointers.follow_string(executable, &blob[16 + pointers.size..], MODULE_INFO)?;
        (version, module_info)
    };

    if go_version.is_empty() {
        return Err(BuildInfoError::NoVersion);
    }
    let go_version = std::str::from_utf8(go_version).map_err(|_| BuildInfoError::NotUtf8)?;
    let module_info =
        std::str::from_utf8(strip_sentinels(module_info)).map_err(|_| BuildInfoError::NotUtf8)?;
    Ok(Some(RawBuildInfo {
        go_version: go_version.to_owned(),
        module_info: module_info.to_owned(),
    }))
}

/// The blob, from its magic to the end of `region`: the first occurrence of the magic at a
/// 16-byte aligned offset in the first [`DATA_SEARCH_WINDOW`] bytes, with a whole header after
/// it. Only the search is bounded by the window: a blob found in it keeps the rest of the
/// region, which the module information of a large program can fill well past the window.
fn find_blob(region: &[u8]) -> Option<&[u8]> {
    (0..region.len().min(DATA_SEARCH_WINDOW))
        .step_by(ALIGNMENT)
        .map(|offset| &region[offset..])
        .find(|rest| rest.len() >= HEADER_SIZE && rest.starts_with(BUILD_INFO_MAGIC))
}

/// Splits the `string` prefixed by its unsigned LEB128 length off `bytes`, which lie in
/// `region`. The claimed length is checked against the bytes left before anything is sliced or
/// allocated, so a lying prefix costs nothing.
fn length_prefixed<'data>(
    bytes: &'data [u8],
    string: &'static str,
    region: &'static str,
) -> Result<(&'data [u8], &'data [u8]), BuildInfoError> {
    let (length, used) = read_uvarint(bytes).ok_or(BuildInfoError::Varint(string))?;
    let rest = &bytes[used..];
    let length_usize = usize::try_from(length)
        .ok()
        .filter(|length| *length <= rest.len());
    let Some(length) = length_usize else {
        return Err(BuildInfoError::StringLength {
            string,
            claimed: length,
            available: rest.len(),
            region,
        });
    };
    Ok(rest.split_at(length))
}

/// An unsigned LEB128 number and how many bytes it took; `None` when it is cut off or does not
/// fit 64 bits.
fn read_uvarint(bytes: &[u8]) -> Option<(u64, usize)> {
    let mut value = 0u64;
    for (index, byte) in bytes.iter().take(10).enumerate() {
        let bits = u64::from(byte & 0x7f);
        let shift = 7 * index as u32;
        if index == 9 && *byte > 1 {
            return None;
        }
        value |= bits << shift;
        if byte & 0x80 == 0 {
            return Some((value, index + 1));
        }
    }
    None
}

/// The module information without the sentinels the `go` command frames it with, or an empty
/// slice when the framing is missing (as `debug/buildinfo` treats it).
fn strip_sentinels(module_info: &[u8]) -> &[u8] {
    let framed = module_info.len() >= 33 && module_info[module_info.len() - 17] == b'\n';
    if framed {
        &module_info[16..module_info.len() - 16]
    } else {
        &[]
    }
}

/// How to read the pointers of the older format.
struct Pointers {
    size: usize,
    big_endian: bool,
}

impl Pointers {
    /// The reader for `size`-byte pointers.
    fn new(size: u8, big_endian: bool) -> Result<Self, BuildInfoError> {
        match size {
            4 | 8 => Ok(Pointers {
                size: usize::from(size),
                big_endian,
            }),
            other => Err(BuildInfoError::PointerSize(other)),
        }
    }

    /// The pointer at the start of `bytes`, which holds at least one (the header is 32 bytes).
    fn read(&self, bytes: &[u8]) -> u64 {
        let mut word = [0u8; 8];
        let raw = &bytes[..self.size];
        if self.big_endian {
            word[8 - self.size..].copy_from_slice(raw);
            u64::from_be_bytes(word)
        } else {
            word[..self.size].copy_from_slice(raw);
            u64::from_le_bytes(word)
        }
    }

    /// The Go `string` whose header the pointer at the start of `bytes` addresses.
    fn follow_string<'data>(
        &self,
        executable: &Executable<'data>,
        bytes: &[u8],
        string: &'static str,
    ) -> Result<&'data [u8], BuildInfoError> {
        let header_address = self.read(bytes);
        let header = executable.read_at_address(header_address, 2 * self.size as u64)?;
        let data_address = self.read(header);
        let length = self.read(&header[self.size..]);
        if length > MAX_POINTED_STRING {
            return Err(BuildInfoError::PointedStringTooLong {
                string,
                claimed: length,
                limit: MAX_POINTED_STRING,
            });
        }
        executable.read_at_address(data_address, length)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn varints_decode_and_overlong_ones_fail() {
        assert_eq!(read_uvarint(&[0x05]), Some((5, 1)));
        assert_eq!(read_uvarint(&[0xac, 0x02]), Some((300, 2)));
        let max = [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01];
        assert_eq!(read_uvarint(&max), Some((u64::MAX, 10)));
        assert_eq!(read_uvarint(&[0x80]), None);
        assert_eq!(read_uvarint(&[0xff; 11]), None);
        let mut over = max;
        over[9] = 0x02;
        assert_eq!(read_uvarint(&over), None);
    }

    #[test]
    fn a_length_beyond_the_data_is_refused() {
        assert_eq!(
            length_prefixed(&[0xff, 0xff, 0x03, b'g', b'o'], GO_VERSION, "section x"),
            Err(BuildInfoError::StringLength {
                string: GO_VERSION,
                claimed: 65535,
                available: 2,
                region: "section x",
            })
        );
        assert_eq!(
            length_prefixed(&[2, b'g', b'o', b'!'], GO_VERSION, "section x"),
            Ok((&b"go"[..], &b"!"[..]))
        );
        assert_eq!(
            length_prefixed(&[0x80, 0x80], MODULE_INFO, "section x"),
            Err(BuildInfoError::Varint(MODULE_INFO))
        );
    }

    #[test]
    fn the_magic_counts_only_at_aligned_offsets() {
        let mut region = vec![0u8; 80];
        region[3..17].copy_from_slice(BUILD_INFO_MAGIC);
        assert!(find_blob(&region).is_none());
        region[32..46].copy_from_slice(BUILD_INFO_MAGIC);
        assert_eq!(find_blob(&region).map(<[u8]>::len), Some(48));
    }

    #[test]
    fn the_search_is_bounded_by_the_window_but_the_blob_is_not() {
        let mut region = vec![0u8; DATA_SEARCH_WINDOW + 4096];
        let late = DATA_SEARCH_WINDOW;
        region[late..late + 14].copy_from_slice(BUILD_INFO_MAGIC);
        assert!(find_blob(&region).is_none());
        region[16..30].copy_from_slice(BUILD_INFO_MAGIC);
        assert_eq!(find_blob(&region).map(<[u8]>::len), Some(region.len() - 16));
    }

    #[test]
    fn sentinels_are_stripped_only_when_framed() {
        let framed = [&[0u8; 16][..], b"path\tx\n", &[1u8; 16][..]].concat();
        assert_eq!(strip_sentinels(&framed), b"path\tx\n");
        assert_eq!(strip_sentinels(b"path\tx\n"), b"");
    }
}
