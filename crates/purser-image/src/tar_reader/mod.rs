//! A small streaming tar reader built for hostile input.
//!
//! Why not the `tar` crate: its `Entries` iterator reads GNU long names and PAX headers with
//! `read_all`, so a header claiming a 10 GiB long name allocates as much as the (decompressed)
//! stream delivers; its raw mode avoids that but drops PAX `size`/`uid`/`gid` handling. It also
//! honours the size field of symlinks, directories and devices, where Go's `archive/tar` (what
//! Docker and containerd extract layers with) treats those types as header-only; a reader that
//! disagrees with the runtime on where the next header starts can be shown a different file
//! tree than the container gets. This reader:
//! - bounds every allocation: long names and link targets over the path limit are skipped
//!   unread and reported as too long, PAX headers over [`MAX_PAX_HEADER_BYTES`] are an error;
//! - follows Go's rules: header-only types carry no data, GNU long names override PAX paths,
//!   PAX `size`/`uid`/`gid` override the header, both checksum sums are accepted;
//! - stops at the first all-zero block (the caller drains what follows, for hashing);
//! - never loops without consuming input.

mod header;
mod input;
mod pax;

use std::io;

use self::header::{sparse_extension_is_extended, until_nul, Header, BLOCK_SIZE};
use self::input::read_exact_or_end;
pub(crate) use self::input::{SliceInput, StreamInput, TarInput};
use self::pax::PaxRecords;

/// Largest PAX extended header accepted. Real ones hold a path, a link target and a few
/// attributes; a larger one is treated as corrupt input.
pub(crate) const MAX_PAX_HEADER_BYTES: u64 = 1024 * 1024;

/// Longest name or link target ever read, whatever limit the caller sets: a GNU long-name
/// header is read into memory, so its size must stay small.
pub(crate) const MAX_NAME_BYTES: usize = 1024 * 1024;

/// What an entry is, from its type flag.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum RawKind {
    /// `0`, `7`, NUL without a trailing slash, GNU sparse `S`.
    Regular,
    /// `5`, GNU dump directory `D`, NUL with a trailing slash.
    Directory,
    /// `2`.
    Symlink,
    /// `1`.
    Hardlink,
    /// `3`.
    CharDevice,
    /// `4`.
    BlockDevice,
    /// `6`.
    Fifo,
    /// Anything else (volume labels, multi-volume continuations, vendor types).
    Other(u8),
}

/// A name or link target as stored, unless it was over the length limit.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Name {
    /// The bytes, up to the first NUL.
    Bytes(Vec<u8>),
    /// Longer than the limit: not read.
    TooLong {
        /// Its length in bytes.
        length: u64,
    },
}

impl Name {
    fn limited(bytes: Vec<u8>, max: u64) -> Name {
        if bytes.len() as u64 > max {
            Name::TooLong {
                length: bytes.len() as u64,
            }
        } else {
            Name::Bytes(bytes)
        }
    }
}

/// One logical entry, extension headers applied.
#[derive(Clone, Debug)]
pub(crate) struct RawEntry {
    /// Offset of the entry's data.
    pub data_offset: u64,
    /// What the entry is.
    pub kind: RawKind,
    /// Its path.
    pub path: Name,
    /// Its link target (empty for entries that are not links).
    pub link: Name,
    /// Permission bits, `0o7777` part.
    pub mode: u32,
    /// Owner.
    pub uid: u64,
    /// Group.
    pub gid: u64,
    /// Bytes of data stored after the header (0 for header-only types).
    pub size: u64,
    /// For sparse files, the expanded size; their stored data is not the file's contents.
    pub sparse_real_size: Option<u64>,
    /// Device major and minor numbers.
    pub device: (u64, u64),
}

/// A read or format error and where in the stream it happened.
#[derive(Debug)]
pub(crate) struct TarError {
    /// Offset reached in the tar stream (for format errors: the offending header's offset).
    pub offset: u64,
    /// What went wrong.
    pub cause: io::Error,
}

/// A failure remembered so later calls report it again instead of reading on.
struct StoredFailure {
    offset: u64,
    kind: io::ErrorKind,
    message: String,
}

impl StoredFailure {
    fn to_error(&self) -> TarError {
        TarError {
            offset: self.offset,
            cause: io::Error::new(self.kind, self.message.clone()),
        }
    }
}

/// Extension headers seen before the entry they describe.
#[derive(Default)]
struct Pending {
    long_name: Option<Name>,
    long_link: Option<Name>,
    pax: Option<PaxRecords>,
}

impl Pending {
    fn is_empty(&self) -> bool {
        self.long_name.is_none() && self.long_link.is_none() && self.pax.is_none()
    }
}

/// Reads entries one after another; data left unread is skipped on the next call.
pub(crate) struct TarReader<I> {
    input: I,
    remaining: u64,
    padding: u64,
    finished: bool,
    failure: Option<StoredFailure>,
    max_name_bytes: u64,
}

impl<I: TarInput> TarReader<I> {
    /// Reads from `input`; names and link targets longer than `max_name_bytes` (at most
    /// [`MAX_NAME_BYTES`]) are reported as [`Name::TooLong`].
    pub(crate) fn new(input: I, max_name_bytes: usize) -> TarReader<I> {
        TarReader {
            input,
            remaining: 0,
            padding: 0,
            finished: false,
            failure: None,
            max_name_bytes: max_name_bytes.min(MAX_NAME_BYTES) as u64,
        }
    }

    /// Gives the input back, positioned after the end marker once entries are exhausted.
    pub(crate) fn into_input(self) -> I {
        self.input
    }

    /// The first error met, if any; after one, the reader reports it again on every call.
    pub(crate) fn failure(&self) -> Option<TarError> {
        self.failure.as_ref().map(StoredFailure::to_error)
    }

    /// The next entry, or `None` at the end marker or the end of the input.
    pub(crate) fn next_entry(&mut self) -> Result<Option<RawEntry>, TarError> {
        if let Some(failure) = &self.failure {
            return Err(failure.to_error());
        }
        if self.finished {
            return Ok(None);
        }
        let result = self.read_next_entry();
        self.remember(result)
    }

    /// Reads data of the current entry; 0 once it is all read.
    pub(crate) fn read_data(&mut self, buf: &mut [u8]) -> Result<usize, TarError> {
        if let Some(failure) = &self.failure {
            return Err(failure.to_error());
        }
        let wanted = self.remaining.min(buf.len() as u64) as usize;
        if wanted == 0 {
            return Ok(0);
        }
        let result = match self.input.read_some(&mut buf[..wanted]) {
            Ok(0) => Err(self.io_error(io::ErrorKind::UnexpectedEof.into())),
            Ok(count) => {
                self.remaining -= count as u64;
                Ok(count)
            }
            Err(cause) => Err(self.io_error(cause)),
        };
        self.remember(result)
    }

    fn remember<T>(&mut self, result: Result<T, TarError>) -> Result<T, TarError> {
        if let Err(error) = &result {
            self.failure = Some(StoredFailure {
                offset: error.offset,
                kind: error.cause.kind(),
                message: error.cause.to_string(),
            });
        }
        result
    }

    fn read_next_entry(&mut self) -> Result<Option<RawEntry>, TarError> {
        self.skip(self.remaining.saturating_add(self.padding))?;
        self.remaining = 0;
        self.padding = 0;

        let mut pending = Pending::default();
        let mut block = [0u8; BLOCK_SIZE];
        // Every iteration consumes at least one 512-byte block, so the loop is bounded by the
        // input's length.
        loop {
            let header_offset = self.input.position();
            let more = read_exact_or_end(&mut self.input, &mut block)
                .map_err(|cause| self.io_error(cause))?;
            if !more {
                if pending.is_empty() {
                    self.finished = true;
                    return Ok(None);
                }
                return Err(corrupt(
                    header_offset,
                    "archive ends after an extension header",
                ));
            }

            let header = Header::new(&block);
            if header.is_zero() {
                self.finished = true;
                return Ok(None);
            }
            if !header.checksum_matches() {
                return Err(corrupt(
                    header_offset,
                    "invalid tar header: checksum mismatch",
                ));
            }
            let size = header
                .size()
                .ok_or_else(|| corrupt(header_offset, "invalid tar header: bad size field"))?;

            match header.typeflag() {
                b'L' => pending.long_name = Some(self.read_name_extension(size)?),
                b'K' => pending.long_link = Some(self.read_name_extension(size)?),
                b'x' | b'X' => {
                    let data = self.read_pax_data(size, header_offset)?;
                    let records = PaxRecords::parse(&data).map_err(|reason| {
                        corrupt(header_offset, &format!("bad pax header: {reason}"))
                    })?;
                    pending.pax = Some(records);
                }
                b'g' => {
                    // Global records would apply to every later entry; container layer
                    // writers do not emit them, so they are read (bounded) and ignored.
                    self.read_pax_data(size, header_offset)?;
                    tracing::debug!(offset = header_offset, "ignoring a global pax header");
                }
                flag => {
                    let entry = self.build_entry(&header, flag, header_offset, size, pending)?;
                    return Ok(Some(entry));
                }
            }
        }
    }

    fn build_entry(
        &mut self,
        header: &Header<'_>,
        flag: u8,
        header_offset: u64,
        header_size: u64,
        pending: Pending,
    ) -> Result<RawEntry, TarError> {
        let pax = pending.pax.unwrap_or_default();
        let bad_field = |field: &str| {
            corrupt(
                header_offset,
                &format!("invalid tar header: bad {field} field"),
            )
        };

        let path = pending.long_name.unwrap_or_else(|| {
            let name = pax
                .sparse_name
                .clone()
                .or(pax.path.clone())
                .unwrap_or_else(|| header.name());
            Name::limited(name, self.max_name_bytes)
        });
        let link = pending.long_link.unwrap_or_else(|| {
            let link = pax
                .link_path
                .clone()
                .unwrap_or_else(|| header.link_name().to_vec());
            Name::limited(link, self.max_name_bytes)
        });

        let kind = kind_from_flag(flag, &path);
        let mode = header.mode().ok_or_else(|| bad_field("mode"))?;
        let uid = match pax.uid {
            Some(uid) => uid,
            None => header.uid().ok_or_else(|| bad_field("uid"))?,
        };
        let gid = match pax.gid {
            Some(gid) => gid,
            None => header.gid().ok_or_else(|| bad_field("gid"))?,
        };

        let mut sparse_real_size = None;
        if flag == b'S' && header.is_gnu() {
            sparse_real_size = Some(
                header
                    .gnu_real_size()
                    .ok_or_else(|| bad_field("sparse size"))?,
            );
            if header.gnu_sparse_is_extended() {
                self.skip_sparse_extensions()?;
            }
        } else if pax.sparse {
            sparse_real_size = Some(pax.sparse_real_size.unwrap_or(header_size));
        }

        let size = if is_header_only(flag, kind) {
            0
        } else {
            pax.size.unwrap_or(header_size)
        };
        self.remaining = size;
        self.padding = padding_after(size);

        Ok(RawEntry {
            data_offset: self.input.position(),
            kind,
            path,
            link,
            mode: (mode & 0o7777) as u32,
            uid,
            gid,
            size,
            sparse_real_size,
            device: header.device(),
        })
    }

    /// GNU sparse extension blocks: each says whether another follows.
    fn skip_sparse_extensions(&mut self) -> Result<(), TarError> {
        let mut block = [0u8; BLOCK_SIZE];
        loop {
            let more = read_exact_or_end(&mut self.input, &mut block)
                .map_err(|cause| self.io_error(cause))?;
            if !more {
                return Err(self.io_error(io::ErrorKind::UnexpectedEof.into()));
            }
            if !sparse_extension_is_extended(&block) {
                return Ok(());
            }
        }
    }

    /// A GNU long name or long link: read if within the limit, else skipped unread.
    fn read_name_extension(&mut self, size: u64) -> Result<Name, TarError> {
        // The stored name usually ends with a NUL, which does not count.
        if size > self.max_name_bytes.saturating_add(1) {
            self.skip(size.saturating_add(padding_after(size)))?;
            return Ok(Name::TooLong { length: size });
        }
        let data = self.read_extension_data(size)?;
        Ok(Name::limited(
            until_nul(&data).to_vec(),
            self.max_name_bytes,
        ))
    }

    fn read_pax_data(&mut self, size: u64, header_offset: u64) -> Result<Vec<u8>, TarError> {
        if size > MAX_PAX_HEADER_BYTES {
            let message =
                format!("pax header of {size} bytes exceeds the limit of {MAX_PAX_HEADER_BYTES}");
            return Err(corrupt(header_offset, &message));
        }
        self.read_extension_data(size)
    }

    /// Reads `size` bytes of extension data (the caller bounded `size`) and its padding.
    fn read_extension_data(&mut self, size: u64) -> Result<Vec<u8>, TarError> {
        let mut data = vec![0u8; size as usize];
        let complete =
            read_exact_or_end(&mut self.input, &mut data).map_err(|cause| self.io_error(cause))?;
        if !complete && size > 0 {
            return Err(self.io_error(io::ErrorKind::UnexpectedEof.into()));
        }
        self.skip(padding_after(size))?;
        Ok(data)
    }

    fn skip(&mut self, count: u64) -> Result<(), TarError> {
        self.input.skip(count).map_err(|cause| self.io_error(cause))
    }

    fn io_error(&self, cause: io::Error) -> TarError {
        TarError {
            offset: self.input.position(),
            cause,
        }
    }
}

impl<R: io::Read> TarReader<StreamInput<R>> {
    /// The reader under the stream input.
    pub(crate) fn stream_mut(&mut self) -> &mut R {
        self.input.inner_mut()
    }
}

/// Whether `data` starts with a non-zero tar header block whose checksum is valid.
pub(crate) fn is_tar_header(data: &[u8]) -> bool {
    let Some(block) = data
        .get(..BLOCK_SIZE)
        .and_then(|block| <&[u8; BLOCK_SIZE]>::try_from(block).ok())
    else {
        return false;
    };
    let header = Header::new(block);
    !header.is_zero() && header.checksum_matches()
}

fn kind_from_flag(flag: u8, path: &Name) -> RawKind {
    match flag {
        b'0' | b'7' | b'S' => RawKind::Regular,
        0 => match path {
            Name::Bytes(bytes) if bytes.ends_with(b"/") => RawKind::Directory,
            _ => RawKind::Regular,
        },
        b'1' => RawKind::Hardlink,
        b'2' => RawKind::Symlink,
        b'3' => RawKind::CharDevice,
        b'4' => RawKind::BlockDevice,
        b'5' | b'D' => RawKind::Directory,
        b'6' => RawKind::Fifo,
        other => RawKind::Other(other),
    }
}

/// Go's `isHeaderOnlyType`: these entries have no data whatever their size field says (the old
/// NUL type with a trailing slash is a directory there too).
fn is_header_only(flag: u8, kind: RawKind) -> bool {
    matches!(flag, b'1' | b'2' | b'3' | b'4' | b'5' | b'6')
        || (flag == 0 && kind == RawKind::Directory)
}

fn padding_after(size: u64) -> u64 {
    (BLOCK_SIZE as u64 - size % BLOCK_SIZE as u64) % BLOCK_SIZE as u64
}

fn corrupt(offset: u64, message: &str) -> TarError {
    TarError {
        offset,
        cause: io::Error::new(io::ErrorKind::InvalidData, message.to_owned()),
    }
}

#[cfg(test)]
mod tests;
