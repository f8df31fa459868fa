//! A raw tar writer for tests: writes header bytes verbatim, so it can produce what well-behaved
//! writers refuse (`../` and absolute names, lying size fields, huge long-name claims).
//!
//! Shared by the crate's unit tests (included with `#[path]`) and its integration tests.
#![allow(dead_code)]

/// Size of a tar block.
pub const BLOCK: usize = 512;

/// The fields of one header.
#[derive(Clone, Debug)]
pub struct Fields {
    /// Name bytes, at most 100 (longer names need [`TarWriter::long_name`] or pax).
    pub name: Vec<u8>,
    /// Type flag.
    pub typeflag: u8,
    /// Mode bits.
    pub mode: u32,
    /// Owner.
    pub uid: u64,
    /// Group.
    pub gid: u64,
    /// Size field; written in base-256 when it does not fit in octal.
    pub size: u64,
    /// Link target, at most 100 bytes.
    pub link: Vec<u8>,
    /// Device numbers.
    pub device: (u32, u32),
}

impl Fields {
    /// Fields for `name` of type `typeflag`, mode 0644, root-owned, size 0.
    pub fn new(name: &[u8], typeflag: u8) -> Fields {
        Fields {
            name: name.to_vec(),
            typeflag,
            mode: 0o644,
            uid: 0,
            gid: 0,
            size: 0,
            link: Vec::new(),
            device: (0, 0),
        }
    }
}

/// Builds a tar archive in memory.
#[derive(Default)]
pub struct TarWriter {
    bytes: Vec<u8>,
}

impl TarWriter {
    /// An empty archive.
    pub fn new() -> TarWriter {
        TarWriter::default()
    }

    /// A regular file.
    pub fn file(&mut self, path: &str, mode: u32, contents: &[u8]) -> &mut TarWriter {
        let mut fields = Fields::new(path.as_bytes(), b'0');
        fields.mode = mode;
        fields.size = contents.len() as u64;
        self.entry(&fields, contents)
    }

    /// A directory.
    pub fn dir(&mut self, path: &str, mode: u32) -> &mut TarWriter {
        let mut fields = Fields::new(path.as_bytes(), b'5');
        fields.mode = mode;
        self.entry(&fields, b"")
    }

    /// A symbolic link.
    pub fn symlink(&mut self, path: &str, target: &str) -> &mut TarWriter {
        let mut fields = Fields::new(path.as_bytes(), b'2');
        fields.mode = 0o777;
        fields.link = target.as_bytes().to_vec();
        self.entry(&fields, b"")
    }

    /// A hard link.
    pub fn hardlink(&mut self, path: &str, target: &str) -> &mut TarWriter {
        let mut fields = Fields::new(path.as_bytes(), b'1');
        fields.link = target.as_bytes().to_vec();
        self.entry(&fields, b"")
    }

    /// A character device.
    pub fn char_device(&mut self, path: &str, major: u32, minor: u32) -> &mut TarWriter {
        let mut fields = Fields::new(path.as_bytes(), b'3');
        fields.device = (major, minor);
        self.entry(&fields, b"")
    }

    /// A fifo.
    pub fn fifo(&mut self, path: &str) -> &mut TarWriter {
        self.entry(&Fields::new(path.as_bytes(), b'6'), b"")
    }

    /// A whiteout deleting `deleted` (`DIR/.wh.NAME`).
    pub fn whiteout(&mut self, deleted: &str) -> &mut TarWriter {
        let path = match deleted.rsplit_once('/') {
            Some((dir, name)) => format!("{dir}/.wh.{name}"),
            None => format!(".wh.{deleted}"),
        };
        self.file(&path, 0o644, b"")
    }

    /// An opaque-directory marker for `dir`.
    pub fn opaque(&mut self, dir: &str) -> &mut TarWriter {
        self.file(&format!("{dir}/.wh..wh..opq"), 0o644, b"")
    }

    /// A GNU long-name header carrying `name` (applies to the next entry).
    pub fn long_name(&mut self, name: &[u8]) -> &mut TarWriter {
        let mut data = name.to_vec();
        data.push(0);
        let mut fields = Fields::new(b"././@LongLink", b'L');
        fields.size = data.len() as u64;
        self.entry(&fields, &data)
    }

    /// A pax extended header with `records` (applies to the next entry).
    pub fn pax(&mut self, records: &[(&str, &str)]) -> &mut TarWriter {
        let mut data = Vec::new();
        for (keyword, value) in records {
            let body = format!(" {keyword}={value}\n");
            let mut length = body.len() + 1;
            while body.len() + length.to_string().len() != length {
                length = body.len() + length.to_string().len();
            }
            data.extend_from_slice(format!("{length}{body}").as_bytes());
        }
        let mut fields = Fields::new(b"PaxHeaders/x", b'x');
        fields.size = data.len() as u64;
        self.entry(&fields, &data)
    }

    /// A header with arbitrary fields followed by `data` (which need not match `size`).
    pub fn entry(&mut self, fields: &Fields, data: &[u8]) -> &mut TarWriter {
        self.bytes.extend_from_slice(&header_block(fields));
        self.bytes.extend_from_slice(data);
        self.pad();
        self
    }

    /// Appends raw bytes (no padding).
    pub fn raw(&mut self, bytes: &[u8]) -> &mut TarWriter {
        self.bytes.extend_from_slice(bytes);
        self
    }

    /// Pads to the next block boundary.
    pub fn pad(&mut self) -> &mut TarWriter {
        let rest = self.bytes.len() % BLOCK;
        if rest != 0 {
            self.bytes.resize(self.bytes.len() + BLOCK - rest, 0);
        }
        self
    }

    /// The archive with its two-zero-block end marker.
    pub fn finish(&mut self) -> Vec<u8> {
        let mut bytes = std::mem::take(&mut self.bytes);
        bytes.resize(bytes.len() + 2 * BLOCK, 0);
        bytes
    }

    /// The archive so far, without an end marker.
    pub fn unterminated(&mut self) -> Vec<u8> {
        std::mem::take(&mut self.bytes)
    }
}

/// Encodes one ustar header block with a valid checksum.
pub fn header_block(fields: &Fields) -> [u8; BLOCK] {
    assert!(
        fields.name.len() <= 100,
        "use long_name for names over 100 bytes"
    );
    assert!(
        fields.link.len() <= 100,
        "link targets over 100 bytes need pax"
    );

    let mut block = [0u8; BLOCK];
    block[..fields.name.len()].copy_from_slice(&fields.name);
    put_octal(&mut block[100..108], u64::from(fields.mode));
    put_octal(&mut block[108..116], fields.uid);
    put_octal(&mut block[116..124], fields.gid);
    put_numeric(&mut block[124..136], fields.size);
    put_octal(&mut block[136..148], 1_700_000_000);
    block[156] = fields.typeflag;
    block[157..157 + fields.link.len()].copy_from_slice(&fields.link);
    block[257..263].copy_from_slice(b"ustar\0");
    block[263..265].copy_from_slice(b"00");
    put_octal(&mut block[329..337], u64::from(fields.device.0));
    put_octal(&mut block[337..345], u64::from(fields.device.1));

    block[148..156].fill(b' ');
    let sum: u64 = block.iter().map(|&byte| u64::from(byte)).sum();
    block[148..156].copy_from_slice(format!("{sum:06o}\0 ").as_bytes());
    block
}

fn put_octal(field: &mut [u8], value: u64) {
    let digits = field.len() - 1;
    let text = format!("{value:0digits$o}");
    assert!(text.len() <= digits, "{value} does not fit in octal");
    field[..digits].copy_from_slice(text.as_bytes());
    field[digits] = 0;
}

fn put_numeric(field: &mut [u8], value: u64) {
    let digits = field.len() - 1;
    if value < 8u64.pow(digits as u32) {
        put_octal(field, value);
        return;
    }
    field.fill(0);
    field[0] = 0x80;
    let length = field.len();
    field[length - 8..].copy_from_slice(&value.to_be_bytes());
}
