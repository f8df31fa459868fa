//! Redaction: what of a secret may be shown.

/// The most characters shown at each end of a secret.
pub const SHOWN_AT_EACH_END: usize = 4;

/// The most `*` written for the hidden middle; a longer secret still shows this many, so a
/// private key does not fill a report line with stars.
pub const MAX_MASK: usize = 32;

/// The matched text with its secret part masked.
///
/// `matched` is the whole match and `secret` the byte range of the secret part inside it. The
/// secret keeps at most its first and last [`SHOWN_AT_EACH_END`] characters, and never more than
/// a third of it in total (`n / 6` at each end); the rest becomes `*`. Control characters shown
/// (the newlines around and inside a private key) become spaces, and invalid UTF-8 becomes `�`.
pub fn redact(matched: &[u8], secret: std::ops::Range<usize>) -> String {
    let before = printable(&matched[..secret.start]);
    let hidden = String::from_utf8_lossy(&matched[secret.clone()]);
    let after = printable(&matched[secret.end..]);

    let characters: Vec<char> = hidden.chars().collect();
    let shown = (characters.len() / 6).min(SHOWN_AT_EACH_END);
    let masked = (characters.len() - 2 * shown).min(MAX_MASK);
    let head = printable_characters(&characters[..shown]);
    let tail = printable_characters(&characters[characters.len() - shown..]);

    format!("{before}{head}{}{tail}{after}", "*".repeat(masked))
}

/// Shannon entropy of `bytes`, in bits per byte (0 for an empty slice).
pub fn entropy(bytes: &[u8]) -> f64 {
    if bytes.is_empty() {
        return 0.0;
    }
    let mut counts = [0u32; 256];
    for byte in bytes {
        counts[usize::from(*byte)] += 1;
    }
    let total = bytes.len() as f64;
    counts
        .iter()
        .filter(|count| **count > 0)
        .map(|count| {
            let share = f64::from(*count) / total;
            -share * share.log2()
        })
        .sum()
}

fn printable(bytes: &[u8]) -> String {
    let characters: Vec<char> = String::from_utf8_lossy(bytes).chars().collect();
    printable_characters(&characters)
}

/// The characters with each control character (a newline inside a key block) as a space.
fn printable_characters(characters: &[char]) -> String {
    characters
        .iter()
        .map(|character| {
            if character.is_control() {
                ' '
            } else {
                *character
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_secret_shows_four_characters_at_each_end() {
        let text = b"key=ghp_abcdefghijklmnopqrstuvwxyz0123456789";
        assert_eq!(
            redact(text, 4..text.len()),
            "key=ghp_********************************6789"
        );
    }

    #[test]
    fn a_short_secret_shows_at_most_a_third() {
        assert_eq!(
            redact(b"AKIAABCDEFGHIJKLMNOP", 0..20),
            "AKI**************NOP"
        );
        assert_eq!(redact(b"p=hunter2", 2..9), "p=h*****2");
        assert_eq!(redact(b"p=abc", 2..5), "p=***");
    }

    #[test]
    fn newlines_around_the_secret_become_spaces() {
        let text = b"-----BEGIN-----\nAAAABBBBCCCCDDDD\n-----END-----";
        assert_eq!(
            redact(text, 16..32),
            "-----BEGIN----- AA************DD -----END-----"
        );
    }

    #[test]
    fn a_newline_at_either_end_of_the_shown_secret_becomes_a_space() {
        let text = b"k=AAAAAAAAAAAAAAA\nBBBBBBBBBBBBBBB\nC";
        assert_eq!(
            redact(text, 2..text.len()),
            format!("k=AAAA{}BB C", "*".repeat(25))
        );
    }

    #[test]
    fn entropy_of_uniform_and_constant_text() {
        assert_eq!(entropy(b"aaaa"), 0.0);
        assert!((entropy(b"abcd") - 2.0).abs() < 1e-9);
        assert_eq!(entropy(b""), 0.0);
    }
}
