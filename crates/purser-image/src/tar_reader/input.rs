//! Byte sources a tar reader pulls from: a borrowed slice (memory-mapped data, skips are free)
//! or any `Read` (a decompressor, skips read and discard).

use std::io::{self, Read};

/// Where tar bytes come from.
pub(crate) trait TarInput {
    /// Reads some bytes; 0 means the end of the input.
    fn read_some(&mut self, buf: &mut [u8]) -> io::Result<usize>;

    /// Skips `count` bytes; fails with `UnexpectedEof` when the input ends first.
    fn skip(&mut self, count: u64) -> io::Result<()>;

    /// Bytes consumed so far.
    fn position(&self) -> u64;
}

/// Reads exactly `buf.len()` bytes. Returns false when the input was already at its end, and
/// fails with `UnexpectedEof` when it ends part way.
pub(crate) fn read_exact_or_end<I: TarInput + ?Sized>(
    input: &mut I,
    buf: &mut [u8],
) -> io::Result<bool> {
    let mut filled = 0;
    while filled < buf.len() {
        let count = input.read_some(&mut buf[filled..])?;
        if count == 0 {
            if filled == 0 {
                return Ok(false);
            }
            return Err(io::ErrorKind::UnexpectedEof.into());
        }
        filled += count;
    }
    Ok(true)
}

/// Tar bytes in memory.
pub(crate) struct SliceInput<'a> {
    data: &'a [u8],
    position: usize,
}

impl<'a> SliceInput<'a> {
    /// Reads `data` from its start.
    pub(crate) fn new(data: &'a [u8]) -> SliceInput<'a> {
        SliceInput { data, position: 0 }
    }
}

impl TarInput for SliceInput<'_> {
    fn read_some(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let rest = &self.data[self.position..];
        let count = rest.len().min(buf.len());
        buf[..count].copy_from_slice(&rest[..count]);
        self.position += count;
        Ok(count)
    }

    fn skip(&mut self, count: u64) -> io::Result<()> {
        let available = (self.data.len() - self.position) as u64;
        if count > available {
            self.position = self.data.len();
            return Err(io::ErrorKind::UnexpectedEof.into());
        }
        // `count <= available`, which fits in usize.
        self.position += count as usize;
        Ok(())
    }

    fn position(&self) -> u64 {
        self.position as u64
    }
}

/// Size of the scratch buffer used to skip bytes of a stream.
const SKIP_BUFFER_SIZE: usize = 64 * 1024;

/// Tar bytes from a reader.
pub(crate) struct StreamInput<R> {
    inner: R,
    position: u64,
    scratch: Box<[u8]>,
}

impl<R: Read> StreamInput<R> {
    /// Reads from `inner`.
    pub(crate) fn new(inner: R) -> StreamInput<R> {
        StreamInput {
            inner,
            position: 0,
            scratch: vec![0; SKIP_BUFFER_SIZE].into_boxed_slice(),
        }
    }

    /// The reader, e.g. to drain what follows the tar end marker.
    pub(crate) fn inner_mut(&mut self) -> &mut R {
        &mut self.inner
    }

    /// Gives the reader back.
    pub(crate) fn into_inner(self) -> R {
        self.inner
    }
}

impl<R: Read> TarInput for StreamInput<R> {
    fn read_some(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        loop {
            match self.inner.read(buf) {
                Ok(count) => {
                    self.position += count as u64;
                    return Ok(count);
                }
                Err(error) if error.kind() == io::ErrorKind::Interrupted => continue,
                Err(error) => return Err(error),
            }
        }
    }

    fn skip(&mut self, mut count: u64) -> io::Result<()> {
        // Each pass consumes at least one byte or returns, so the loop is bounded by `count`.
        while count > 0 {
            let chunk = count.min(self.scratch.len() as u64) as usize;
            let read = match self.inner.read(&mut self.scratch[..chunk]) {
                Ok(0) => return Err(io::ErrorKind::UnexpectedEof.into()),
                Ok(read) => read,
                Err(error) if error.kind() == io::ErrorKind::Interrupted => continue,
                Err(error) => return Err(error),
            };
            self.position += read as u64;
            count -= read as u64;
        }
        Ok(())
    }

    fn position(&self) -> u64 {
        self.position
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slice_input_reads_skips_and_reports_eof() {
        let mut input = SliceInput::new(b"0123456789");
        let mut buf = [0u8; 4];
        assert!(read_exact_or_end(&mut input, &mut buf).expect("read"));
        assert_eq!(&buf, b"0123");
        input.skip(4).expect("skip");
        assert_eq!(input.position(), 8);

        let error = read_exact_or_end(&mut input, &mut buf).expect_err("partial block");
        assert_eq!(error.kind(), io::ErrorKind::UnexpectedEof);
        assert!(!read_exact_or_end(&mut input, &mut buf).expect("at end"));
        assert_eq!(
            input.skip(1).expect_err("past end").kind(),
            io::ErrorKind::UnexpectedEof
        );
    }

    #[test]
    fn stream_input_skips_by_reading() {
        let data = vec![7u8; 200_000];
        let mut input = StreamInput::new(&data[..]);
        input.skip(150_000).expect("skip");
        assert_eq!(input.position(), 150_000);
        let error = input.skip(60_000).expect_err("past end");
        assert_eq!(error.kind(), io::ErrorKind::UnexpectedEof);
        assert_eq!(input.position(), 200_000);
    }
}
