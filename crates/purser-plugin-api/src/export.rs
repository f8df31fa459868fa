//! The glue [`crate::export_analyzer!`] expands to: one `extern "C"` function per table entry,
//! each running the author's code under a panic guard.
//!
//! Plugin authors never call these directly.

#![allow(unsafe_code)]

use std::cell::{Cell, RefCell};
use std::ffi::c_void;
use std::panic::{self, AssertUnwindSafe};
use std::sync::Once;

use crate::abi::{
    file_flags, AnalyzerVTable, BytesView, CallStatus, FileView, ImageView, OwnedBuffer,
};
use crate::{Analyzer, Attachment, Diagnostic, FileInput, Finding, ImageContext, ImageInput};

thread_local! {
    /// Whether this thread is inside a guarded call, so the hook should capture, not print.
    static INSIDE_GUARD: Cell<bool> = const { Cell::new(false) };
    /// The message and location of the last panic caught on this thread.
    static LAST_PANIC: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// Installs, once per library, a panic hook that records the message and location of panics
/// raised inside guarded calls instead of printing them. Each `cdylib` has its own copy of the
/// standard library, so the engine's hook never sees a plugin's panics: the plugin needs its own.
/// Panics outside guarded calls still go to the previous hook.
fn install_panic_hook() {
    static INSTALL: Once = Once::new();
    INSTALL.call_once(|| {
        let previous = panic::take_hook();
        panic::set_hook(Box::new(move |info| {
            let guarded = INSIDE_GUARD.try_with(Cell::get).unwrap_or(false);
            if !guarded {
                previous(info);
                return;
            }
            let location = info
                .location()
                .map(|location| format!(" at {}:{}", location.file(), location.line()))
                .unwrap_or_default();
            let message = format!("{}{location}", payload_text(info.payload()));
            let _ = LAST_PANIC.try_with(|last| *last.borrow_mut() = Some(message));
        }));
    });
}

fn payload_text(payload: &(dyn std::any::Any + Send)) -> String {
    if let Some(text) = payload.downcast_ref::<&str>() {
        (*text).to_owned()
    } else if let Some(text) = payload.downcast_ref::<String>() {
        text.clone()
    } else {
        "panic with a non-text payload".to_owned()
    }
}

/// Runs `work`, turning a panic into `Err(message)`.
pub fn guarded<T>(work: impl FnOnce() -> T) -> Result<T, String> {
    install_panic_hook();
    let was_inside = INSIDE_GUARD.with(|inside| inside.replace(true));
    let result = panic::catch_unwind(AssertUnwindSafe(work));
    INSIDE_GUARD.with(|inside| inside.set(was_inside));
    result.map_err(|payload| {
        LAST_PANIC
            .with(|last| last.borrow_mut().take())
            .unwrap_or_else(|| payload_text(payload.as_ref()))
    })
}

/// Runs a table entry: guards it, and writes its result or message to `out`.
///
/// # Safety
///
/// `out` must be null or point to a writable [`OwnedBuffer`] that owns nothing.
unsafe fn run_entry(
    out: *mut OwnedBuffer,
    work: impl FnOnce() -> Result<Vec<u8>, String>,
) -> CallStatus {
    let (status, bytes) = match guarded(work) {
        Ok(Ok(bytes)) => (CallStatus::OK, bytes),
        Ok(Err(message)) => (CallStatus::ERROR, message.into_bytes()),
        Err(panic_message) => (
            CallStatus::PANIC,
            format!("panicked: {panic_message}").into_bytes(),
        ),
    };
    if !out.is_null() {
        // SAFETY: the caller passes a valid, writable buffer slot that owns nothing.
        unsafe { out.write(OwnedBuffer::from_vec(bytes)) };
    }
    status
}

fn to_json<T: serde::Serialize>(value: &T) -> Result<Vec<u8>, String> {
    serde_json::to_vec(value).map_err(|error| format!("cannot encode the result as JSON: {error}"))
}

unsafe extern "C" fn describe<A: Analyzer>(out: *mut OwnedBuffer) -> CallStatus {
    // SAFETY: forwarded contract of `AnalyzerVTable::describe`.
    unsafe { run_entry(out, || to_json(&A::info())) }
}

unsafe extern "C" fn create<A: Analyzer>(
    options_json: BytesView,
    instance: *mut *mut c_void,
    out: *mut OwnedBuffer,
) -> CallStatus {
    let work = || {
        // SAFETY: the engine passes a view valid for the call.
        let options_bytes = unsafe { options_json.as_slice() };
        let options: serde_json::Value = if options_bytes.is_empty() {
            serde_json::Value::Null
        } else {
            serde_json::from_slice(options_bytes)
                .map_err(|error| format!("the analyzer options are not valid JSON: {error}"))?
        };
        let analyzer = A::new(&options).map_err(|error| error.to_string())?;
        let requests = to_json(&analyzer.requests())?;
        if instance.is_null() {
            return Err("the engine passed no place for the instance".to_owned());
        }
        // SAFETY: checked non-null; the engine passes a writable slot.
        unsafe { instance.write(Box::into_raw(Box::new(analyzer)).cast()) };
        Ok(requests)
    };
    // SAFETY: forwarded contract of `AnalyzerVTable::create`.
    unsafe { run_entry(out, work) }
}

unsafe extern "C" fn destroy<A: Analyzer>(instance: *mut c_void) {
    if instance.is_null() {
        return;
    }
    // SAFETY: `instance` came from `create::<A>` and is destroyed exactly once.
    let analyzer = unsafe { Box::from_raw(instance.cast::<A>()) };
    // A panic in a destructor must not unwind into the engine either; there is nobody to tell.
    let _ = guarded(move || drop(analyzer));
}

unsafe extern "C" fn start_layer<A: Analyzer>(
    instance: *mut c_void,
    layer_json: BytesView,
    session: *mut *mut c_void,
    out: *mut OwnedBuffer,
) -> CallStatus {
    let work = || {
        // SAFETY: `instance` came from `create::<A>` and outlives every session.
        let analyzer = unsafe { &*instance.cast::<A>() };
        // SAFETY: the engine passes a view valid for the call.
        let layer = serde_json::from_slice(unsafe { layer_json.as_slice() })
            .map_err(|error| format!("the layer context is not valid JSON: {error}"))?;
        let state = analyzer
            .start_layer(&layer)
            .map_err(|error| error.to_string())?;
        if session.is_null() {
            return Err("the engine passed no place for the session".to_owned());
        }
        // SAFETY: checked non-null; the engine passes a writable slot.
        unsafe { session.write(Box::into_raw(Box::new(state)).cast()) };
        Ok(Vec::new())
    };
    // SAFETY: forwarded contract of `AnalyzerVTable::start_layer`.
    unsafe { run_entry(out, work) }
}

unsafe extern "C" fn analyze_files<A: Analyzer>(
    instance: *mut c_void,
    session: *mut c_void,
    files: *const FileView,
    count: usize,
    out: *mut OwnedBuffer,
) -> CallStatus {
    let work = || {
        // SAFETY: `instance` came from `create::<A>`, `session` from `start_layer::<A>`, and the
        // engine never uses one session from two threads at once.
        let analyzer = unsafe { &*instance.cast::<A>() };
        let state = unsafe { &mut *session.cast::<A::Layer>() };
        let files: &[FileView] = if count == 0 {
            &[]
        } else {
            // SAFETY: the engine passes `count` views valid for the call.
            unsafe { std::slice::from_raw_parts(files, count) }
        };
        let mut findings = Vec::new();
        let name = A::info().name;
        for view in files {
            analyze_one_file(&name, analyzer, state, view, &mut findings);
        }
        to_json(&findings)
    };
    // SAFETY: forwarded contract of `AnalyzerVTable::analyze_files`.
    unsafe { run_entry(out, work) }
}

/// Runs the analyzer on one file, turning its error or panic into a diagnostic for that file.
fn analyze_one_file<A: Analyzer>(
    name: &str,
    analyzer: &A,
    state: &mut A::Layer,
    view: &FileView,
    findings: &mut Vec<Finding>,
) {
    // SAFETY: the engine passes views valid for the call.
    let path_bytes = unsafe { view.path.as_slice() };
    let Ok(path) = std::str::from_utf8(path_bytes) else {
        let shown = String::from_utf8_lossy(path_bytes).into_owned();
        findings.push(Finding::Diagnostic(Diagnostic::error(
            shown,
            "the path is not valid UTF-8",
        )));
        return;
    };
    let input = FileInput {
        path,
        size: view.size,
        mode: view.mode,
        // SAFETY: as above.
        contents: unsafe { view.contents.as_slice() },
        truncated: view.flags & file_flags::TRUNCATED != 0,
    };
    match guarded(|| analyzer.analyze_file(state, &input, findings)) {
        Ok(Ok(())) => {}
        Ok(Err(error)) => findings.push(Finding::Diagnostic(Diagnostic::error(
            path,
            format!("analyzer {name} failed on this file: {error}"),
        ))),
        Err(panic_message) => findings.push(Finding::Diagnostic(Diagnostic::error(
            path,
            format!("analyzer {name} panicked on this file: {panic_message}"),
        ))),
    }
}

unsafe extern "C" fn finish_layer<A: Analyzer>(
    instance: *mut c_void,
    session: *mut c_void,
    out: *mut OwnedBuffer,
) -> CallStatus {
    if session.is_null() {
        // SAFETY: forwarded contract of `AnalyzerVTable::finish_layer`.
        return unsafe { run_entry(out, || Err("the engine passed no session".to_owned())) };
    }
    // SAFETY: `session` came from `start_layer::<A>` and is finished exactly once.
    let state = unsafe { Box::from_raw(session.cast::<A::Layer>()) };
    let work = move || {
        // SAFETY: `instance` came from `create::<A>` and outlives every session.
        let analyzer = unsafe { &*instance.cast::<A>() };
        let mut findings = Vec::new();
        analyzer
            .finish_layer(*state, &mut findings)
            .map_err(|error| error.to_string())?;
        to_json(&findings)
    };
    // SAFETY: forwarded contract of `AnalyzerVTable::finish_layer`.
    unsafe { run_entry(out, work) }
}

unsafe extern "C" fn analyze_image<A: Analyzer>(
    instance: *mut c_void,
    image: *const ImageView,
    out: *mut OwnedBuffer,
) -> CallStatus {
    let work = || {
        // SAFETY: `instance` came from `create::<A>`; `image` and everything it points to are
        // valid for the call.
        let analyzer = unsafe { &*instance.cast::<A>() };
        let view = unsafe { image.as_ref() }.ok_or("the engine passed no image")?;
        let input = image_input(view)?;
        let mut findings = Vec::new();
        analyzer
            .analyze_image(&input, &mut findings)
            .map_err(|error| error.to_string())?;
        to_json(&findings)
    };
    // SAFETY: forwarded contract of `AnalyzerVTable::analyze_image`.
    unsafe { run_entry(out, work) }
}

fn image_input(view: &ImageView) -> Result<ImageInput<'_>, String> {
    // SAFETY (for every `as_slice` below): the engine passes views valid for the call.
    let context: ImageContext = serde_json::from_slice(unsafe { view.context_json.as_slice() })
        .map_err(|error| format!("the image context is not valid JSON: {error}"))?;
    let attachment_views: &[crate::abi::AttachmentView] =
        if view.attachment_count == 0 || view.attachments.is_null() {
            &[]
        } else {
            // SAFETY: the engine passes `attachment_count` views valid for the call.
            unsafe { std::slice::from_raw_parts(view.attachments, view.attachment_count) }
        };
    let mut attachments = Vec::with_capacity(attachment_views.len());
    for attachment in attachment_views {
        attachments.push(Attachment {
            media_type: std::str::from_utf8(unsafe { attachment.media_type.as_slice() })
                .map_err(|_| "an attachment's media type is not UTF-8")?,
            digest: std::str::from_utf8(unsafe { attachment.digest.as_slice() })
                .map_err(|_| "an attachment's digest is not UTF-8")?,
            annotations_json: unsafe { attachment.annotations_json.as_slice() },
            data: unsafe { attachment.data.as_slice() },
        });
    }
    Ok(ImageInput {
        context,
        config_json: unsafe { view.config_json.as_slice() },
        manifest_json: unsafe { view.manifest_json.as_slice() },
        index_json: unsafe { view.index_json.as_slice() },
        attachments,
    })
}

unsafe extern "C" fn release_buffer(buffer: OwnedBuffer) {
    // SAFETY: the engine hands back, once, a buffer this library made with `from_vec`.
    drop(unsafe { buffer.into_vec() });
}

/// The function table for analyzer `A`.
pub const fn vtable<A: Analyzer>() -> AnalyzerVTable {
    AnalyzerVTable {
        describe: describe::<A>,
        create: create::<A>,
        destroy: destroy::<A>,
        start_layer: start_layer::<A>,
        analyze_files: analyze_files::<A>,
        finish_layer: finish_layer::<A>,
        analyze_image: analyze_image::<A>,
        release_buffer,
    }
}

/// Exports a type implementing [`crate::Analyzer`] as a Purser plugin.
///
/// Put it once in the plugin crate's `lib.rs`, which must be built as a `cdylib`:
///
/// ```ignore
/// purser_plugin_api::export_analyzer!(MyAnalyzer);
/// ```
///
/// It defines the entry symbol the engine looks for, a static header with the interface version
/// and the build's panic strategy, and the function table whose every entry runs under a panic
/// guard.
#[macro_export]
macro_rules! export_analyzer {
    ($analyzer:ty) => {
        /// Entry point the Purser engine resolves when it loads this library.
        #[doc(hidden)]
        #[allow(unsafe_code)]
        #[no_mangle]
        pub extern "C" fn purser_analyzer_entry() -> *const $crate::abi::PluginHeader {
            static VTABLE: $crate::abi::AnalyzerVTable = $crate::export::vtable::<$analyzer>();
            static HEADER: $crate::abi::PluginHeader = $crate::abi::PluginHeader {
                magic: $crate::abi::HEADER_MAGIC,
                interface_version: $crate::INTERFACE_VERSION,
                panic_strategy: if cfg!(panic = "unwind") {
                    $crate::abi::PANIC_UNWIND
                } else {
                    $crate::abi::PANIC_ABORT
                },
                vtable: &VTABLE,
            };
            &HEADER
        }
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn guarded_turns_a_panic_into_its_message_and_location() {
        let result: Result<(), String> = guarded(|| panic!("boom {}", 7));
        let message = result.expect_err("the panic is caught");
        assert!(message.starts_with("boom 7 at "), "{message}");
        assert!(message.contains("export.rs"), "{message}");
    }

    #[test]
    fn guarded_passes_values_through() {
        assert_eq!(guarded(|| 41 + 1), Ok(42));
    }
}
