//! The cheap "does this look like text" check behind `FileRequest::text_only`.

/// How many leading bytes decide.
const SNIFF_BYTES: usize = 8 * 1024;

/// Whether `contents` looks like text: no NUL byte among its first 8 KiB, as ripgrep and git
/// decide. UTF-16 text is therefore treated as binary.
pub(crate) fn looks_like_text(contents: &[u8]) -> bool {
    let head = &contents[..contents.len().min(SNIFF_BYTES)];
    !head.contains(&0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nul_byte_in_the_head_means_binary() {
        assert!(looks_like_text(b"password=hunter2\n"));
        assert!(looks_like_text(b""));
        assert!(!looks_like_text(b"\x7fELF\x02\x01\x01\x00"));
    }

    #[test]
    fn only_the_head_is_looked_at() {
        let mut contents = vec![b'a'; SNIFF_BYTES];
        contents.push(0);
        assert!(looks_like_text(&contents));
    }
}
