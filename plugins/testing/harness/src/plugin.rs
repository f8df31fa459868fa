//! A plugin, its instances and their layer sessions, each releasing what it owns when dropped.

use std::ffi::c_void;

use purser_plugin_api::abi::{
    AnalyzerVTable, BytesView, CallStatus, EntryFunction, OwnedBuffer, PluginHeader, HEADER_MAGIC,
};
use purser_plugin_api::{
    AnalyzerInfo, AnalyzerRequests, FileInput, Finding, ImageInput, LayerContext,
};

use crate::call::{check_status, decode, take_output, CallError};
use crate::header::{check_header, HeaderError};
use crate::views::{file_views, ImageStorage};

/// A plugin whose header was read (and normally checked) and whose table can be called.
#[derive(Clone, Copy)]
pub struct Plugin {
    header: &'static PluginHeader,
}

impl Plugin {
    /// Calls a plugin's entry function and checks the header it returns, as an engine does at
    /// load time.
    ///
    /// # Errors
    ///
    /// When the header is null or refused by [`check_header`].
    pub fn from_entry(entry: EntryFunction) -> Result<Self, HeaderError> {
        let header = Plugin::read_header(entry)?;
        check_header(header)?;
        Ok(Plugin { header })
    }

    /// Calls a plugin's entry function and returns its header after checking only that it is
    /// not null and starts with the magic, for tests that expect the rest to be refused.
    ///
    /// The magic is read through the raw pointer before a reference to the header is formed:
    /// a `&PluginHeader` asserts that its `vtable` field is a valid reference, which only a
    /// Purser plugin's header promises.
    ///
    /// # Errors
    ///
    /// When the entry function returns a null pointer or the magic is wrong.
    pub fn read_header(entry: EntryFunction) -> Result<&'static PluginHeader, HeaderError> {
        // SAFETY: the entry function takes nothing and, per `abi::EntryFunction`, returns a
        // pointer to the plugin's header; the plugin is loaded for the rest of the process.
        let pointer = unsafe { entry() };
        if pointer.is_null() {
            return Err(HeaderError::Null);
        }

        // SAFETY: non-null and pointing into the loaded library; the first eight bytes are the
        // magic in every interface version, and reading them creates no reference.
        let magic = unsafe { std::ptr::addr_of!((*pointer).magic).read_unaligned() };
        if magic != HEADER_MAGIC {
            return Err(HeaderError::BadMagic { found: magic });
        }

        // SAFETY: the magic says this is a Purser header, whose layout is frozen and whose
        // `vtable` is a valid `'static` reference; the library is never unloaded here.
        Ok(unsafe { &*pointer })
    }

    /// Wraps a header without checking it, to show that the table of a deliberately refused
    /// plugin is nevertheless valid. An engine never does this.
    pub fn without_checks(header: &'static PluginHeader) -> Self {
        Plugin { header }
    }

    /// The plugin's header.
    pub fn header(&self) -> &'static PluginHeader {
        self.header
    }

    fn vtable(&self) -> &'static AnalyzerVTable {
        self.header.vtable
    }

    /// Copies a buffer the plugin wrote and releases it.
    fn take(&self, buffer: OwnedBuffer) -> Vec<u8> {
        // SAFETY: every buffer passed here was just written by this plugin's table and is not
        // touched again.
        unsafe { take_output(self.vtable().release_buffer, buffer) }
    }

    /// Calls `describe`.
    ///
    /// # Errors
    ///
    /// When the call fails or its output is not an [`AnalyzerInfo`].
    pub fn describe(&self) -> Result<AnalyzerInfo, CallError> {
        let mut out = OwnedBuffer::empty();
        // SAFETY: `out` is a writable slot holding an empty buffer, as every entry requires.
        let status = unsafe { (self.vtable().describe)(&mut out) };
        let output = check_status("describe", status, self.take(out))?;
        decode("describe", &output)
    }

    /// Calls `create` with `options` encoded as JSON.
    ///
    /// # Errors
    ///
    /// When the plugin refuses the options, panics, or answers with something other than its
    /// requests.
    pub fn create(&self, options: &serde_json::Value) -> Result<Instance<'_>, CallError> {
        let options_json =
            serde_json::to_vec(options).expect("a serde_json::Value always encodes as JSON");
        self.create_raw(&options_json)
    }

    /// Calls `create` with raw option bytes, which need not be valid JSON.
    ///
    /// # Errors
    ///
    /// As [`Plugin::create`].
    pub fn create_raw(&self, options_json: &[u8]) -> Result<Instance<'_>, CallError> {
        let mut pointer: *mut c_void = std::ptr::null_mut();
        let mut out = OwnedBuffer::empty();
        // SAFETY: the options view borrows `options_json` for the call; `pointer` and `out` are
        // writable slots.
        let status =
            unsafe { (self.vtable().create)(BytesView::new(options_json), &mut pointer, &mut out) };
        let output = self.take(out);

        // From here the instance, if any, is owned by an `Instance` so that it is destroyed on
        // every path.
        let instance = (!pointer.is_null()).then_some(Instance {
            plugin: self,
            pointer,
            requests: AnalyzerRequests::default(),
        });
        let output = check_status("create", status, output)?;
        let mut instance = instance.ok_or(CallError::MissingHandle {
            entry: "create",
            what: "instance",
        })?;
        instance.requests = decode("create", &output)?;
        Ok(instance)
    }
}

/// An analyzer instance; destroyed when dropped.
pub struct Instance<'p> {
    plugin: &'p Plugin,
    pointer: *mut c_void,
    requests: AnalyzerRequests,
}

// SAFETY: the abi contract (and the `Sync` bound on `Analyzer`) lets an engine call one instance
// from several threads at once, one layer session per thread; `Instance` only hands `&self`
// access to those calls.
unsafe impl Sync for Instance<'_> {}

impl Instance<'_> {
    /// The requests `create` returned.
    pub fn requests(&self) -> &AnalyzerRequests {
        &self.requests
    }

    /// Calls `start_layer`.
    ///
    /// # Errors
    ///
    /// When the plugin refuses the layer or panics.
    pub fn start_layer(&self, layer: &LayerContext) -> Result<Session<'_>, CallError> {
        let layer_json = serde_json::to_vec(layer).expect("a LayerContext always encodes as JSON");
        let mut pointer: *mut c_void = std::ptr::null_mut();
        let mut out = OwnedBuffer::empty();
        // SAFETY: `self.pointer` is a live instance of this plugin; the layer view borrows
        // `layer_json` for the call; `pointer` and `out` are writable slots.
        let status = unsafe {
            (self.plugin.vtable().start_layer)(
                self.pointer,
                BytesView::new(&layer_json),
                &mut pointer,
                &mut out,
            )
        };
        let output = self.plugin.take(out);

        let session = (!pointer.is_null()).then_some(Session {
            instance: self,
            pointer,
            finished: false,
        });
        check_status("start_layer", status, output)?;
        session.ok_or(CallError::MissingHandle {
            entry: "start_layer",
            what: "session",
        })
    }

    /// Runs one whole layer: `start_layer`, one `analyze_files` call with every file, then
    /// `finish_layer`, and returns the findings of both calls in order.
    ///
    /// # Errors
    ///
    /// The first call that fails.
    pub fn scan_layer(
        &self,
        layer: &LayerContext,
        files: &[FileInput<'_>],
    ) -> Result<Vec<Finding>, CallError> {
        let mut session = self.start_layer(layer)?;
        let mut findings = session.analyze_files(files)?;
        findings.extend(session.finish()?);
        Ok(findings)
    }

    /// Calls `analyze_image`.
    ///
    /// # Errors
    ///
    /// When the call fails or its output is not a list of findings.
    pub fn analyze_image(&self, image: &ImageInput<'_>) -> Result<Vec<Finding>, CallError> {
        let storage = ImageStorage::new(image).expect("an ImageContext always encodes as JSON");
        let view = storage.view(image);
        let mut out = OwnedBuffer::empty();
        // SAFETY: `self.pointer` is a live instance; `view` and everything it points to live in
        // `storage` and `image`, both borrowed for the call; `out` is a writable slot.
        let status = unsafe { (self.plugin.vtable().analyze_image)(self.pointer, &view, &mut out) };
        let output = check_status("analyze_image", status, self.plugin.take(out))?;
        decode("analyze_image", &output)
    }
}

impl Drop for Instance<'_> {
    fn drop(&mut self) {
        // SAFETY: the pointer came from this plugin's `create`, every session borrowing this
        // instance has been dropped (and so finished) already, and it is destroyed only here.
        unsafe { (self.plugin.vtable().destroy)(self.pointer) };
    }
}

/// A layer session; finished when dropped if [`Session::finish`] was not called.
pub struct Session<'i> {
    instance: &'i Instance<'i>,
    pointer: *mut c_void,
    finished: bool,
}

impl Session<'_> {
    /// Calls `analyze_files` with one batch.
    ///
    /// # Errors
    ///
    /// When the call fails as a whole or its output is not a list of findings. Per-file errors
    /// and panics are not errors here: they come back as diagnostics among the findings.
    pub fn analyze_files(&mut self, files: &[FileInput<'_>]) -> Result<Vec<Finding>, CallError> {
        let views = file_views(files);
        let plugin = self.instance.plugin;
        let mut out = OwnedBuffer::empty();
        // SAFETY: the instance and session pointers are live and this session is used by one
        // thread (`&mut self`); `views` and the bytes they point to are borrowed for the call.
        let status = unsafe {
            (plugin.vtable().analyze_files)(
                self.instance.pointer,
                self.pointer,
                views.as_ptr(),
                views.len(),
                &mut out,
            )
        };
        let output = check_status("analyze_files", status, plugin.take(out))?;
        decode("analyze_files", &output)
    }

    /// Calls `finish_layer`, which frees the session whatever its status.
    ///
    /// # Errors
    ///
    /// When the call fails or its output is not a list of findings.
    pub fn finish(mut self) -> Result<Vec<Finding>, CallError> {
        let (status, output) = self.finish_once();
        let output = check_status("finish_layer", status, output)?;
        decode("finish_layer", &output)
    }

    fn finish_once(&mut self) -> (CallStatus, Vec<u8>) {
        self.finished = true;
        let plugin = self.instance.plugin;
        let mut out = OwnedBuffer::empty();
        // SAFETY: the session pointer is live and, thanks to `finished`, finished only once;
        // `out` is a writable slot.
        let status = unsafe {
            (plugin.vtable().finish_layer)(self.instance.pointer, self.pointer, &mut out)
        };
        (status, plugin.take(out))
    }
}

impl Drop for Session<'_> {
    fn drop(&mut self) {
        if !self.finished {
            // The abi requires every session to be finished before its instance is destroyed;
            // a test that stopped early still gets that, and its findings are dropped.
            let _ = self.finish_once();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    extern "C" fn null_entry() -> *const PluginHeader {
        std::ptr::null()
    }

    /// Something with a header's size but not a header: its `vtable` field is null, so forming
    /// a `&PluginHeader` to it would already be undefined behaviour.
    #[repr(C)]
    struct NotAHeader {
        magic: [u8; 8],
        version: [u32; 2],
        panic_strategy: u32,
        vtable: usize,
    }

    static NOT_A_HEADER: NotAHeader = NotAHeader {
        magic: *b"ELF\0\0\0\0\0",
        version: [1, 0],
        panic_strategy: 1,
        vtable: 0,
    };

    extern "C" fn foreign_entry() -> *const PluginHeader {
        std::ptr::addr_of!(NOT_A_HEADER).cast()
    }

    #[test]
    fn a_null_header_is_refused() {
        assert!(matches!(
            Plugin::read_header(null_entry),
            Err(HeaderError::Null)
        ));
        assert!(Plugin::from_entry(null_entry).is_err());
    }

    #[test]
    fn a_foreign_header_is_refused_before_it_is_referenced() {
        assert_eq!(
            Plugin::read_header(foreign_entry).err(),
            Some(HeaderError::BadMagic {
                found: *b"ELF\0\0\0\0\0"
            })
        );
    }
}
