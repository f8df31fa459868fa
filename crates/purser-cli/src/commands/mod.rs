//! One module per subcommand.

pub mod db;
pub mod db_update;
pub mod inspect;
pub mod plugins;
pub mod scan;
pub mod verify;

use purser_image::{open_image, Image, Limits, OpenOptions, Platform};

use crate::args::ImageArgs;

/// Opens the image the arguments name.
///
/// # Errors
///
/// When the platform is malformed or the image cannot be opened.
pub fn open(args: &ImageArgs) -> anyhow::Result<Image> {
    let mut options = OpenOptions::default();
    if let Some(platform) = &args.platform {
        options.platform = Some(Platform::parse(platform)?);
    }
    if let Some(max) = args.max_layer_size {
        options.limits = Limits {
            max_layer_uncompressed_bytes: max,
            ..options.limits
        };
    }
    Ok(open_image(&args.image, &options)?)
}
