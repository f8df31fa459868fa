//! Turning a release file's bytes into text, or saying why they cannot be.

use std::borrow::Cow;

use purser_plugin_api::FileInput;

/// The largest release file this analyzer reads, in bytes. Real ones are under 2 KiB; anything
/// near this size is not a release file.
pub const MAX_RELEASE_FILE_SIZE: u64 = 64 * 1024;

/// The text of a release file, and a warning when it had to be repaired.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Text<'a> {
    pub(crate) text: Cow<'a, str>,
    pub(crate) warning: Option<String>,
}

/// Decodes a release file.
///
/// # Errors
///
/// A message (lowercase, without the path) when the file is too large, truncated, binary or
/// blank, so that there is nothing to parse.
pub(crate) fn decode<'a>(file: &FileInput<'a>) -> Result<Text<'a>, String> {
    if file.truncated || file.size > MAX_RELEASE_FILE_SIZE {
        return Err(format!(
            "the file is {} bytes, more than the {MAX_RELEASE_FILE_SIZE} bytes read from a \
             release file; not analyzed",
            file.size
        ));
    }

    if file.contents.contains(&0) {
        return Err(
            "the file holds NUL bytes, so it is not a text release file; not analyzed".to_owned(),
        );
    }

    let decoded = match std::str::from_utf8(file.contents) {
        Ok(text) => Text {
            text: Cow::Borrowed(text),
            warning: None,
        },
        Err(error) => Text {
            text: String::from_utf8_lossy(file.contents),
            warning: Some(format!(
                "the file is not valid UTF-8 (first bad byte at offset {}); bad bytes were \
                 replaced with U+FFFD before reading",
                error.valid_up_to()
            )),
        },
    };

    if decoded.text.trim().is_empty() {
        return Err("the file is empty, so it names no operating system".to_owned());
    }
    Ok(decoded)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(contents: &[u8]) -> FileInput<'_> {
        FileInput {
            path: "etc/os-release",
            size: contents.len() as u64,
            mode: 0o644,
            contents,
            truncated: false,
        }
    }

    #[test]
    fn utf8_text_is_borrowed() {
        let decoded = decode(&file(b"ID=alpine\n")).expect("text");
        assert!(matches!(decoded.text, Cow::Borrowed("ID=alpine\n")));
        assert_eq!(decoded.warning, None);
    }

    #[test]
    fn invalid_utf8_is_repaired_with_a_warning() {
        let decoded = decode(&file(b"NAME=\"Caf\xe9\"\nID=x\n")).expect("repaired");
        assert_eq!(decoded.text, "NAME=\"Caf\u{fffd}\"\nID=x\n");
        let warning = decoded.warning.expect("a warning");
        assert!(warning.contains("offset 9"), "{warning}");
    }

    #[test]
    fn binary_blank_large_and_truncated_files_are_refused() {
        assert!(decode(&file(b"\x7fELF\x02\x01\x01\0\0\0"))
            .expect_err("binary")
            .contains("NUL"));
        assert!(decode(&file(b" \n\n"))
            .expect_err("blank")
            .contains("empty"));

        let mut large = file(b"ID=debian\n");
        large.size = MAX_RELEASE_FILE_SIZE + 1;
        assert!(decode(&large).expect_err("large").contains("65537 bytes"));

        let mut truncated = file(b"ID=debian\n");
        truncated.truncated = true;
        assert!(decode(&truncated).is_err());
    }
}
