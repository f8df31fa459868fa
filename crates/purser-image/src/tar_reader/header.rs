//! One 512-byte tar header block: field layout, numeric fields and checksum.
//!
//! Layouts from POSIX.1-2001 `ustar` (pax) and GNU tar's `tar.h`; numeric fields are octal text
//! or, with the high bit of the first byte set, GNU's big-endian base-256. The parsing rules
//! follow Go's `archive/tar` (used by Docker and containerd), so this reader sees the same
//! entries a container runtime extracts.

/// Size of a tar block.
pub(crate) const BLOCK_SIZE: usize = 512;

/// A header block.
pub(crate) struct Header<'a> {
    bytes: &'a [u8; BLOCK_SIZE],
}

impl<'a> Header<'a> {
    /// Views `bytes` as a header.
    pub(crate) fn new(bytes: &'a [u8; BLOCK_SIZE]) -> Header<'a> {
        Header { bytes }
    }

    /// True for the all-zero block that marks the end of an archive.
    pub(crate) fn is_zero(&self) -> bool {
        self.bytes.iter().all(|&byte| byte == 0)
    }

    /// Whether the stored checksum matches the block, counting the checksum field as spaces.
    /// Both the unsigned sum (POSIX) and the signed sum (some historic tars) are accepted.
    pub(crate) fn checksum_matches(&self) -> bool {
        let Some(stored) = parse_numeric(&self.bytes[148..156]) else {
            return false;
        };
        let mut unsigned: u64 = 0;
        let mut signed: i64 = 0;
        for (index, &byte) in self.bytes.iter().enumerate() {
            let byte = if (148..156).contains(&index) {
                b' '
            } else {
                byte
            };
            unsigned += u64::from(byte);
            signed += i64::from(byte as i8);
        }
        stored == unsigned || i64::try_from(stored) == Ok(signed)
    }

    /// The type flag byte.
    pub(crate) fn typeflag(&self) -> u8 {
        self.bytes[156]
    }

    /// True for POSIX ustar/pax headers, the only ones with a name prefix field.
    fn is_ustar(&self) -> bool {
        &self.bytes[257..263] == b"ustar\0"
    }

    /// True for GNU headers (`ustar  \0` magic), which carry the old sparse map.
    pub(crate) fn is_gnu(&self) -> bool {
        &self.bytes[257..263] == b"ustar " && &self.bytes[263..265] == b" \0"
    }

    /// The name, joined with the ustar prefix when present.
    pub(crate) fn name(&self) -> Vec<u8> {
        let name = until_nul(&self.bytes[0..100]);
        if self.is_ustar() {
            let prefix = until_nul(&self.bytes[345..500]);
            if !prefix.is_empty() {
                let mut joined = Vec::with_capacity(prefix.len() + 1 + name.len());
                joined.extend_from_slice(prefix);
                joined.push(b'/');
                joined.extend_from_slice(name);
                return joined;
            }
        }
        name.to_vec()
    }

    /// The link target field.
    pub(crate) fn link_name(&self) -> &'a [u8] {
        until_nul(&self.bytes[157..257])
    }

    /// The mode field.
    pub(crate) fn mode(&self) -> Option<u64> {
        parse_numeric(&self.bytes[100..108])
    }

    /// The owner's user ID.
    pub(crate) fn uid(&self) -> Option<u64> {
        parse_numeric(&self.bytes[108..116])
    }

    /// The owner's group ID.
    pub(crate) fn gid(&self) -> Option<u64> {
        parse_numeric(&self.bytes[116..124])
    }

    /// The size field: bytes of data following the header.
    pub(crate) fn size(&self) -> Option<u64> {
        parse_numeric(&self.bytes[124..136])
    }

    /// Device major and minor numbers (ustar and GNU headers).
    pub(crate) fn device(&self) -> (u64, u64) {
        let major = parse_numeric(&self.bytes[329..337]).unwrap_or(0);
        let minor = parse_numeric(&self.bytes[337..345]).unwrap_or(0);
        (major, minor)
    }

    /// GNU sparse header: the file's real (expanded) size.
    pub(crate) fn gnu_real_size(&self) -> Option<u64> {
        parse_numeric(&self.bytes[483..495])
    }

    /// GNU sparse header: whether extension blocks with more sparse map entries follow.
    pub(crate) fn gnu_sparse_is_extended(&self) -> bool {
        self.bytes[482] != 0
    }
}

/// GNU sparse extension block: whether yet another extension block follows.
pub(crate) fn sparse_extension_is_extended(block: &[u8; BLOCK_SIZE]) -> bool {
    block[504] != 0
}

/// The bytes of `field` up to its first NUL.
pub(crate) fn until_nul(field: &[u8]) -> &[u8] {
    match field.iter().position(|&byte| byte == 0) {
        Some(end) => &field[..end],
        None => field,
    }
}

/// Parses a numeric field: octal text (leading and trailing spaces and NULs ignored, empty is
/// zero) or GNU base-256. Negative base-256 values and overflow give `None`.
pub(crate) fn parse_numeric(field: &[u8]) -> Option<u64> {
    match field.first() {
        Some(&first) if first & 0x80 != 0 => parse_base256(field),
        _ => parse_octal(field),
    }
}

/// Big-endian base-256 with the marker bit cleared; a set second-highest bit means negative.
fn parse_base256(field: &[u8]) -> Option<u64> {
    if field[0] & 0x40 != 0 {
        return None;
    }
    let mut value = u64::from(field[0] & 0x7f);
    for &byte in &field[1..] {
        if value >> 56 != 0 {
            return None;
        }
        value = (value << 8) | u64::from(byte);
    }
    Some(value)
}

/// Octal digits between optional spaces and NULs.
fn parse_octal(field: &[u8]) -> Option<u64> {
    let is_padding = |byte: &u8| *byte == b' ' || *byte == 0;
    let start = field
        .iter()
        .position(|b| !is_padding(b))
        .unwrap_or(field.len());
    let end = field
        .iter()
        .rposition(|b| !is_padding(b))
        .map_or(start, |last| last + 1);

    let mut value: u64 = 0;
    for &byte in &field[start..end] {
        if !(b'0'..=b'7').contains(&byte) {
            return None;
        }
        value = value.checked_mul(8)?.checked_add(u64::from(byte - b'0'))?;
    }
    Some(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn octal_fields_tolerate_padding() {
        assert_eq!(parse_numeric(b"0000644\0"), Some(0o644));
        assert_eq!(parse_numeric(b"   644 \0"), Some(0o644));
        assert_eq!(parse_numeric(b"\0\0\0\0\0\0\0\0"), Some(0));
        assert_eq!(parse_numeric(b"        "), Some(0));
        assert_eq!(parse_numeric(b"00000000017\0"), Some(15));
    }

    #[test]
    fn octal_fields_reject_garbage() {
        assert_eq!(parse_numeric(b"0000x44\0"), None);
        assert_eq!(parse_numeric(b"12 34\0\0\0"), None);
        assert_eq!(parse_numeric(b"0009\0"), None);
    }

    #[test]
    fn base256_fields_parse_large_values() {
        let mut field = [0u8; 12];
        field[0] = 0x80;
        field[4..12].copy_from_slice(&(10u64 << 30).to_be_bytes());
        assert_eq!(parse_numeric(&field), Some(10 << 30));

        let negative = [0xffu8; 12];
        assert_eq!(parse_numeric(&negative), None);

        let mut overflow = [0u8; 12];
        overflow[0] = 0x80;
        overflow[3] = 1;
        assert_eq!(parse_numeric(&overflow), None);
    }

    #[test]
    fn until_nul_stops_at_the_first_nul() {
        assert_eq!(until_nul(b"abc\0def"), b"abc");
        assert_eq!(until_nul(b"abc"), b"abc");
    }

    #[test]
    fn checksum_accepts_a_correct_header_and_rejects_a_changed_one() {
        let mut block = [0u8; BLOCK_SIZE];
        block[..5].copy_from_slice(b"hello");
        block[100..108].copy_from_slice(b"0000644\0");
        block[156] = b'0';
        block[148..156].fill(b' ');
        let sum: u32 = block.iter().map(|&b| u32::from(b)).sum();
        block[148..156].copy_from_slice(format!("{sum:06o}\0 ").as_bytes());
        assert!(Header::new(&block).checksum_matches());

        block[0] = b'j';
        assert!(!Header::new(&block).checksum_matches());
    }

    #[test]
    fn ustar_prefix_is_joined() {
        let mut block = [0u8; BLOCK_SIZE];
        block[..4].copy_from_slice(b"name");
        block[257..263].copy_from_slice(b"ustar\0");
        block[345..351].copy_from_slice(b"prefix");
        assert_eq!(Header::new(&block).name(), b"prefix/name");

        block[257..263].copy_from_slice(b"ustar ");
        assert_eq!(Header::new(&block).name(), b"name");
    }
}
