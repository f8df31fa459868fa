//! The public decompressed-layer reader: a [`LayerStream`] that checks the blob digest and the
//! diff ID when it reaches the end, and turns failures into [`ImageError`]s inside
//! `io::Error`s.

use std::io::{self, Read};

use crate::descriptor::LayerDescriptor;
use crate::error::{ImageError, LayerName};
use crate::layer_stream::LayerStream;
use crate::walk::{verify_blob, verify_diff_id};

/// Reads a layer's decompressed bytes; the last read fails if the layer does not verify.
pub(crate) struct VerifyingReader<'a> {
    stream: Option<LayerStream<'a>>,
    descriptor: LayerDescriptor,
    name: LayerName,
    limit: u64,
}

impl<'a> VerifyingReader<'a> {
    /// Wraps `stream` of the layer `descriptor`; `limit` is `max_layer_uncompressed_bytes`.
    pub(crate) fn new(stream: LayerStream<'a>, descriptor: LayerDescriptor, limit: u64) -> Self {
        let name = descriptor.name();
        VerifyingReader {
            stream: Some(stream),
            descriptor,
            name,
            limit,
        }
    }

    fn fail(&self, kind: io::ErrorKind, error: ImageError) -> io::Error {
        io::Error::new(kind, error)
    }
}

impl Read for VerifyingReader<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let Some(stream) = self.stream.as_mut() else {
            return Ok(0);
        };
        if buf.is_empty() {
            return Ok(0);
        }

        match stream.read(buf) {
            Ok(0) => {}
            Ok(count) => return Ok(count),
            Err(cause) => {
                let error = if stream.limit_exceeded() {
                    ImageError::LayerLimit {
                        layer: self.name.clone(),
                        limit: "max_layer_uncompressed_bytes",
                        value: self.limit,
                    }
                } else {
                    ImageError::LayerRead {
                        layer: self.name.clone(),
                        offset: stream.offset(),
                        cause: io::Error::new(cause.kind(), cause.to_string()),
                    }
                };
                return Err(self.fail(cause.kind(), error));
            }
        }

        // End of the stream: verify once, then stay at the end.
        let Some(stream) = self.stream.take() else {
            return Ok(0);
        };
        let digests = stream.finish();
        verify_blob(&self.descriptor, &self.name, &digests.blob)
            .and_then(|()| verify_diff_id(&self.descriptor, &self.name, &digests.diff))
            .map_err(|error| self.fail(io::ErrorKind::InvalidData, error))?;
        Ok(0)
    }
}
