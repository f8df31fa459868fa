//! Recognising executables by their first bytes and finding, from their headers alone, the bytes
//! that may hold Go build information.
//!
//! Only headers and the one region found are touched: when the engine hands over a memory map,
//! the rest of the file is never paged in.

use object::read::macho::{FatArch, MachOFatFile32, MachOFatFile64};
use object::{FileKind, Object, ObjectSection, ObjectSegment, SegmentFlags};

use crate::error::BuildInfoError;

/// How many bytes of a data segment are searched for the build-information magic when no
/// dedicated section names it. The Go linker places the blob at the start of the data segment;
/// `debug/buildinfo` searches the same 64 KiB.
pub const DATA_SEARCH_WINDOW: usize = 64 << 10;

/// ELF program header flag: writable segment.
const PF_W: u32 = 2;

/// The file bytes that hold the build information, and what they are, for messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Region<'data> {
    /// The bytes of the section or segment.
    pub bytes: &'data [u8],
    /// `section .go.buildinfo`, `the first writable segment`, ...
    pub name: &'static str,
}

/// The object formats this analyzer reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Linux and most Unix executables.
    Elf,
    /// macOS executables, including universal (fat) ones.
    MachO,
    /// Windows executables.
    Pe,
}

impl Format {
    /// The format's usual name, for messages.
    pub fn name(self) -> &'static str {
        match self {
            Format::Elf => "ELF",
            Format::MachO => "Mach-O",
            Format::Pe => "PE",
        }
    }
}

/// The format of `data` judged from its first bytes only, or `None` for anything else (scripts,
/// data files), which callers skip without a word.
pub fn sniff_format(data: &[u8]) -> Option<Format> {
    let magic: [u8; 4] = data.get(..4)?.try_into().ok()?;
    match magic {
        [0x7f, b'E', b'L', b'F'] => Some(Format::Elf),
        [0xfe, 0xed, 0xfa, 0xce | 0xcf]
        | [0xce | 0xcf, 0xfa, 0xed, 0xfe]
        | [0xca, 0xfe, 0xba, 0xbe | 0xbf] => Some(Format::MachO),
        [b'M', b'Z', _, _] => Some(Format::Pe),
        _ => None,
    }
}

/// A parsed executable: its headers, and the bytes they describe.
pub struct Executable<'data> {
    file: object::File<'data>,
    format: Format,
}

impl<'data> Executable<'data> {
    /// Parses the headers of `data`, whose format [`sniff_format`] found. A universal Mach-O
    /// file is read through its first architecture.
    ///
    /// # Errors
    ///
    /// When the headers are truncated or corrupt.
    pub fn parse(data: &'data [u8], format: Format) -> Result<Self, BuildInfoError> {
        let headers = |error: object::Error| BuildInfoError::Headers {
            format: format.name(),
            reason: error.to_string(),
        };
        let image = match FileKind::parse(data).map_err(headers)? {
            FileKind::MachOFat32 => {
                first_fat_arch(MachOFatFile32::parse(data).map(|fat| fat.arches()), data)?
            }
            FileKind::MachOFat64 => {
                first_fat_arch(MachOFatFile64::parse(data).map(|fat| fat.arches()), data)?
            }
            _ => data,
        };
        let file = object::File::parse(image).map_err(headers)?;
        Ok(Executable { file, format })
    }

    /// The format.
    pub fn format(&self) -> Format {
        self.format
    }

    /// The contents of the section named `name`, `Ok(None)` when there is no such section.
    ///
    /// # Errors
    ///
    /// When the section's recorded range lies outside the file.
    pub fn section(&self, name: &str) -> Result<Option<&'data [u8]>, BuildInfoError> {
        let Some(section) = self.file.section_by_name(name) else {
            return Ok(None);
        };
        section
            .data()
            .map(Some)
            .map_err(|error| BuildInfoError::SectionOutsideFile {
                section: name.to_owned(),
                reason: error.to_string(),
            })
    }

    /// The bytes where the Go linker puts the build information: its own section where the
    /// format has one (`.go.buildinfo`, `__go_buildinfo`, PE `.data`), else the first writable
    /// data segment, as `debug/buildinfo` looks for it. The blob starts in the first
    /// [`DATA_SEARCH_WINDOW`] bytes of the region; its strings may run on to the region's end.
    ///
    /// # Errors
    ///
    /// When the section found lies outside the file.
    pub fn build_info_region(&self) -> Result<Option<Region<'data>>, BuildInfoError> {
        let (dedicated, name) = match self.format {
            Format::Elf => (".go.buildinfo", "section .go.buildinfo"),
            Format::MachO => ("__go_buildinfo", "section __go_buildinfo"),
            Format::Pe => (".data", "section .data"),
        };
        if let Some(bytes) = self.section(dedicated)? {
            return Ok(Some(Region { bytes, name }));
        }
        Ok(self.writable_data().map(|bytes| Region {
            bytes,
            name: "the first writable segment",
        }))
    }

    /// The file bytes of the first writable data segment (ELF `PT_LOAD` with `PF_W`, Mach-O
    /// `__DATA`), for files whose section headers are stripped or name no build-info section.
    fn writable_data(&self) -> Option<&'data [u8]> {
        self.file.segments().find_map(|segment| {
            let writable = match segment.flags() {
                SegmentFlags::Elf { p_flags } => p_flags & PF_W != 0,
                SegmentFlags::MachO { .. } => matches!(segment.name(), Ok(Some("__DATA"))),
                _ => false,
            };
            let data = segment.data().ok()?;
            (writable && !data.is_empty()).then_some(data)
        })
    }

    /// `length` bytes at virtual address `address`, read through the segment that maps it.
    ///
    /// # Errors
    ///
    /// When no segment maps the whole range from file bytes.
    pub fn read_at_address(
        &self,
        address: u64,
        length: u64,
    ) -> Result<&'data [u8], BuildInfoError> {
        self.file
            .segments()
            .find_map(|segment| {
                let offset = address.checked_sub(segment.address())?;
                let end = offset.checked_add(length)?;
                let data = segment.data().ok()?;
                let start = usize::try_from(offset).ok()?;
                let end = usize::try_from(end).ok()?;
                data.get(start..end)
            })
            .ok_or(BuildInfoError::Address { address, length })
    }

    /// Whether the headers say the file was linked by the Go toolchain, even though it carries
    /// no build information: a Go build-ID note or section, or a `pclntab` section.
    pub fn has_go_markers(&self) -> bool {
        const GO_SECTIONS: [&str; 4] = [
            ".note.go.buildid",
            ".gopclntab",
            "__gopclntab",
            ".go.buildinfo",
        ];
        if GO_SECTIONS
            .iter()
            .any(|name| self.file.section_by_name(name).is_some())
        {
            return true;
        }
        // Mach-O and PE keep the build ID at the start of the text instead of a note.
        let text = match self.format {
            Format::MachO => "__text",
            _ => ".text",
        };
        self.section(text)
            .ok()
            .flatten()
            .is_some_and(|bytes| contains(&bytes[..bytes.len().min(4096)], b"\xff Go build ID: \""))
    }
}

/// The image of the first architecture of a universal Mach-O file.
fn first_fat_arch<'data, Arch: FatArch>(
    parsed: object::Result<&'data [Arch]>,
    data: &'data [u8],
) -> Result<&'data [u8], BuildInfoError> {
    let headers = |reason: String| BuildInfoError::Headers {
        format: "Mach-O",
        reason,
    };
    let arches = parsed.map_err(|error| headers(error.to_string()))?;
    let first = arches
        .first()
        .ok_or_else(|| headers("universal file lists no architecture".to_owned()))?;
    first.data(data).map_err(|error| headers(error.to_string()))
}

/// Whether `needle` occurs in `haystack`.
fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack
        .windows(needle.len())
        .any(|window| window == needle)
}
