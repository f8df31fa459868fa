//! The borrowed `#[repr(C)]` views an engine builds from its own data for each call.

use purser_plugin_api::abi::{file_flags, AttachmentView, BytesView, FileView, ImageView};
use purser_plugin_api::{FileInput, ImageInput};

/// Views of `files`, valid while `files` is borrowed.
pub(crate) fn file_views(files: &[FileInput<'_>]) -> Vec<FileView> {
    files
        .iter()
        .map(|file| FileView {
            path: BytesView::new(file.path.as_bytes()),
            contents: BytesView::new(file.contents),
            size: file.size,
            mode: file.mode,
            flags: if file.truncated {
                file_flags::TRUNCATED
            } else {
                0
            },
        })
        .collect()
}

/// What an [`ImageView`] points into besides the input itself: the context encoded as JSON and
/// the array of attachment views.
pub(crate) struct ImageStorage {
    context_json: Vec<u8>,
    attachments: Vec<AttachmentView>,
}

impl ImageStorage {
    /// Encodes the parts of `image` that cross as JSON or as an array.
    pub(crate) fn new(image: &ImageInput<'_>) -> Result<Self, serde_json::Error> {
        let attachments = image
            .attachments
            .iter()
            .map(|attachment| AttachmentView {
                media_type: BytesView::new(attachment.media_type.as_bytes()),
                digest: BytesView::new(attachment.digest.as_bytes()),
                annotations_json: BytesView::new(attachment.annotations_json),
                data: BytesView::new(attachment.data),
            })
            .collect();
        Ok(ImageStorage {
            context_json: serde_json::to_vec(&image.context)?,
            attachments,
        })
    }

    /// The view of `image`, valid while both `self` and `image` are borrowed.
    pub(crate) fn view(&self, image: &ImageInput<'_>) -> ImageView {
        ImageView {
            context_json: BytesView::new(&self.context_json),
            config_json: BytesView::new(image.config_json),
            manifest_json: BytesView::new(image.manifest_json),
            index_json: BytesView::new(image.index_json),
            attachments: if self.attachments.is_empty() {
                std::ptr::null()
            } else {
                self.attachments.as_ptr()
            },
            attachment_count: self.attachments.len(),
        }
    }
}
