//! The `#[repr(C)]` types that cross the library boundary.
//!
//! Only the engine's loader and the [`crate::export_analyzer!`] macro use these directly.
//!
//! Ownership rules, which every function below follows:
//! - A [`BytesView`] is borrowed: valid only during the call it is passed to, never freed by the
//!   receiver.
//! - An [`OwnedBuffer`] written by the plugin belongs to the plugin's allocator: the engine reads
//!   it and hands it back through [`AnalyzerVTable::release_buffer`] exactly once.
//! - An instance or session pointer is opaque to the engine; it is released by
//!   [`AnalyzerVTable::destroy`] or [`AnalyzerVTable::finish_layer`] respectively, and never
//!   used afterwards. Every session of an instance is finished before the instance is destroyed.

use std::ffi::c_void;

use crate::InterfaceVersion;

/// Name of the symbol every plugin exports: a function of type [`EntryFunction`].
pub const ENTRY_SYMBOL: &[u8] = b"purser_analyzer_entry\0";

/// The first bytes of every [`PluginHeader`]; anything else is not a Purser plugin.
pub const HEADER_MAGIC: [u8; 8] = *b"PURSER\x00\x01";

/// Signature of [`ENTRY_SYMBOL`]: returns the plugin's static header.
pub type EntryFunction = unsafe extern "C" fn() -> *const PluginHeader;

/// [`PluginHeader::panic_strategy`] of a plugin whose panics unwind and can be caught.
pub const PANIC_UNWIND: u32 = 1;
/// [`PluginHeader::panic_strategy`] of a plugin built with `panic = "abort"`: refused at load.
pub const PANIC_ABORT: u32 = 2;

/// The plugin's self-description. Its layout is frozen for every interface version, so that an
/// engine can read the version of any plugin before it trusts anything else in it.
#[repr(C)]
pub struct PluginHeader {
    /// Must equal [`HEADER_MAGIC`].
    pub magic: [u8; 8],
    /// The interface version the plugin was built against.
    pub interface_version: InterfaceVersion,
    /// [`PANIC_UNWIND`] or [`PANIC_ABORT`].
    pub panic_strategy: u32,
    /// The function table; its layout is that of `interface_version`.
    pub vtable: &'static AnalyzerVTable,
}

/// Status returned by every fallible call.
#[repr(transparent)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CallStatus(pub u32);

impl CallStatus {
    /// The call succeeded; the output buffer holds its result.
    pub const OK: CallStatus = CallStatus(0);
    /// The call failed; the output buffer holds a UTF-8 message.
    pub const ERROR: CallStatus = CallStatus(1);
    /// The analyzer panicked; the output buffer holds a UTF-8 message with the panic's text.
    pub const PANIC: CallStatus = CallStatus(2);
}

/// Bytes borrowed for the duration of one call.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct BytesView {
    /// Start of the bytes; may dangle when `len` is 0.
    pub ptr: *const u8,
    /// Number of bytes.
    pub len: usize,
}

impl BytesView {
    /// A view of `bytes`.
    pub fn new(bytes: &[u8]) -> Self {
        BytesView {
            ptr: bytes.as_ptr(),
            len: bytes.len(),
        }
    }

    /// An empty view.
    pub fn empty() -> Self {
        BytesView::new(&[])
    }

    /// The bytes.
    ///
    /// # Safety
    ///
    /// `ptr` must point to `len` initialised bytes that stay valid and unmodified for `'a`.
    pub unsafe fn as_slice<'a>(self) -> &'a [u8] {
        if self.len == 0 {
            return &[];
        }
        // SAFETY: the caller guarantees `ptr` points to `len` valid bytes for `'a`.
        unsafe { std::slice::from_raw_parts(self.ptr, self.len) }
    }
}

/// Bytes allocated by the plugin and handed to the engine, which returns them through
/// [`AnalyzerVTable::release_buffer`].
#[repr(C)]
#[derive(Debug)]
pub struct OwnedBuffer {
    /// Start of the allocation (from a `Vec<u8>`), or null for an empty buffer.
    pub ptr: *mut u8,
    /// Number of initialised bytes.
    pub len: usize,
    /// Capacity of the allocation.
    pub capacity: usize,
}

impl OwnedBuffer {
    /// An empty buffer that owns nothing.
    pub fn empty() -> Self {
        OwnedBuffer {
            ptr: std::ptr::null_mut(),
            len: 0,
            capacity: 0,
        }
    }

    /// Gives up a vector's allocation into a buffer.
    pub fn from_vec(bytes: Vec<u8>) -> Self {
        let mut bytes = std::mem::ManuallyDrop::new(bytes);
        OwnedBuffer {
            ptr: bytes.as_mut_ptr(),
            len: bytes.len(),
            capacity: bytes.capacity(),
        }
    }

    /// Takes the allocation back into a vector. Only the library that made the buffer may call
    /// this, since the vector is freed with that library's allocator.
    ///
    /// # Safety
    ///
    /// The buffer must come from [`OwnedBuffer::from_vec`] in this same library (or be empty) and
    /// must not be used again.
    pub unsafe fn into_vec(self) -> Vec<u8> {
        if self.ptr.is_null() {
            return Vec::new();
        }
        // SAFETY: per the contract, ptr/len/capacity come from a Vec<u8> of this allocator.
        unsafe { Vec::from_raw_parts(self.ptr, self.len, self.capacity) }
    }

    /// The bytes, borrowed.
    pub fn as_slice(&self) -> &[u8] {
        if self.ptr.is_null() || self.len == 0 {
            return &[];
        }
        // SAFETY: a non-null buffer always holds `len` initialised bytes (see `from_vec`), and it
        // is not freed while `self` is borrowed.
        unsafe { std::slice::from_raw_parts(self.ptr, self.len) }
    }
}

/// Flags of a [`FileView`].
pub mod file_flags {
    /// The contents hold only the beginning of the file.
    pub const TRUNCATED: u32 = 1;
}

/// One file of a batch handed to [`AnalyzerVTable::analyze_files`].
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct FileView {
    /// UTF-8 path relative to the image root.
    pub path: BytesView,
    /// The bytes (empty when the request did not ask for contents).
    pub contents: BytesView,
    /// Size of the whole file.
    pub size: u64,
    /// Permission bits.
    pub mode: u32,
    /// [`file_flags`].
    pub flags: u32,
}

/// An attached artifact handed to [`AnalyzerVTable::analyze_image`].
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct AttachmentView {
    /// UTF-8 media type.
    pub media_type: BytesView,
    /// UTF-8 digest of `data`.
    pub digest: BytesView,
    /// Annotations as a JSON object.
    pub annotations_json: BytesView,
    /// The artifact's bytes.
    pub data: BytesView,
}

/// Image-level inputs handed to [`AnalyzerVTable::analyze_image`].
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct ImageView {
    /// [`crate::ImageContext`] as JSON.
    pub context_json: BytesView,
    /// Raw config JSON (empty unless requested).
    pub config_json: BytesView,
    /// Raw manifest JSON (empty unless requested).
    pub manifest_json: BytesView,
    /// Raw index JSON (empty unless requested or absent).
    pub index_json: BytesView,
    /// Attached artifacts (null when `attachment_count` is 0).
    pub attachments: *const AttachmentView,
    /// Number of attachments.
    pub attachment_count: usize,
}

/// The plugin's functions. Every function catches panics; none may unwind into the engine.
///
/// On [`CallStatus::OK`] the `out` buffer holds the documented result; otherwise it holds a UTF-8
/// message. The engine passes `out` pointing to an [`OwnedBuffer::empty`] and releases whatever
/// the call left there.
#[repr(C)]
pub struct AnalyzerVTable {
    /// Writes [`crate::AnalyzerInfo`] as JSON to `out`.
    pub describe: unsafe extern "C" fn(out: *mut OwnedBuffer) -> CallStatus,
    /// Creates an instance from the user's options (JSON) and stores it in `instance`; on success
    /// `out` holds the instance's [`crate::AnalyzerRequests`] as JSON.
    pub create: unsafe extern "C" fn(
        options_json: BytesView,
        instance: *mut *mut c_void,
        out: *mut OwnedBuffer,
    ) -> CallStatus,
    /// Destroys an instance. Never fails.
    pub destroy: unsafe extern "C" fn(instance: *mut c_void),
    /// Starts a layer session from [`crate::LayerContext`] as JSON and stores it in `session`.
    pub start_layer: unsafe extern "C" fn(
        instance: *mut c_void,
        layer_json: BytesView,
        session: *mut *mut c_void,
        out: *mut OwnedBuffer,
    ) -> CallStatus,
    /// Analyzes `count` files; `out` holds the findings as a JSON array. Per-file errors and panics
    /// become diagnostics in that array; the call itself fails only when it cannot run at all.
    pub analyze_files: unsafe extern "C" fn(
        instance: *mut c_void,
        session: *mut c_void,
        files: *const FileView,
        count: usize,
        out: *mut OwnedBuffer,
    ) -> CallStatus,
    /// Finishes and frees a session; `out` holds the last findings as a JSON array. The session is
    /// freed whatever the status.
    pub finish_layer: unsafe extern "C" fn(
        instance: *mut c_void,
        session: *mut c_void,
        out: *mut OwnedBuffer,
    ) -> CallStatus,
    /// Analyzes image-level inputs; `out` holds the findings as a JSON array.
    pub analyze_image: unsafe extern "C" fn(
        instance: *mut c_void,
        image: *const ImageView,
        out: *mut OwnedBuffer,
    ) -> CallStatus,
    /// Frees a buffer this plugin wrote.
    pub release_buffer: unsafe extern "C" fn(buffer: OwnedBuffer),
}
