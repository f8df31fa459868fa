//! Recognising executables by their first bytes and finding the `.dep-v0` section
//! `cargo auditable` adds, from the headers alone.

use object::read::macho::{FatArch, MachOFatFile32, MachOFatFile64};
use object::{FileKind, Object, ObjectSection};

use crate::error::AuditDataError;

/// The section `cargo auditable` writes, under this name in ELF, PE and Mach-O (`__DATA`).
pub const SECTION_NAME: &str = ".dep-v0";

/// The name of the format of `data` judged from its first four bytes (`ELF`, `Mach-O`, `PE`),
/// or `None` for anything else, which callers skip without a word.
pub fn sniff_format(data: &[u8]) -> Option<&'static str> {
    let magic: [u8; 4] = data.get(..4)?.try_into().ok()?;
    match magic {
        [0x7f, b'E', b'L', b'F'] => Some("ELF"),
        [0xfe, 0xed, 0xfa, 0xce | 0xcf]
        | [0xce | 0xcf, 0xfa, 0xed, 0xfe]
        | [0xca, 0xfe, 0xba, 0xbe | 0xbf] => Some("Mach-O"),
        [b'M', b'Z', _, _] => Some("PE"),
        _ => None,
    }
}

/// The raw (compressed) contents of the `.dep-v0` section of the executable `data`, whose format
/// [`sniff_format`] named, or `Ok(None)` when it has none. A universal Mach-O file is read
/// through its first architecture. Only the headers and the section are touched.
///
/// # Errors
///
/// When the headers are truncated or corrupt, or the section lies outside the file.
pub fn dependency_section<'data>(
    data: &'data [u8],
    format: &'static str,
) -> Result<Option<&'data [u8]>, AuditDataError> {
    let headers = |reason: String| AuditDataError::Headers { format, reason };
    let image = match FileKind::parse(data).map_err(|error| headers(error.to_string()))? {
        FileKind::MachOFat32 => {
            first_fat_arch(MachOFatFile32::parse(data).map(|fat| fat.arches()), data)
                .map_err(headers)?
        }
        FileKind::MachOFat64 => {
            first_fat_arch(MachOFatFile64::parse(data).map(|fat| fat.arches()), data)
                .map_err(headers)?
        }
        _ => data,
    };
    let file = object::File::parse(image).map_err(|error| headers(error.to_string()))?;
    let Some(section) = file.section_by_name(SECTION_NAME) else {
        return Ok(None);
    };
    section
        .data()
        .map(Some)
        .map_err(|error| AuditDataError::SectionOutsideFile(error.to_string()))
}

/// The image of the first architecture of a universal Mach-O file.
fn first_fat_arch<'data, Arch: FatArch>(
    parsed: object::Result<&'data [Arch]>,
    data: &'data [u8],
) -> Result<&'data [u8], String> {
    let arches = parsed.map_err(|error| error.to_string())?;
    let first = arches
        .first()
        .ok_or_else(|| "universal file lists no architecture".to_owned())?;
    first.data(data).map_err(|error| error.to_string())
}
