//! Text inside compiled Python files (`.pyc`): the printable runs, like `strings(1)`.

/// The shortest run of printable bytes kept; shorter ones are opcode and length bytes that
/// happen to be printable.
pub const MIN_RUN: usize = 6;

/// The runs of at least [`MIN_RUN`] printable ASCII bytes (including tab, CR and LF, so a string
/// constant holding a private key stays whole), each followed by a newline.
pub fn printable_strings(bytes: &[u8]) -> Vec<u8> {
    let mut text = Vec::with_capacity(bytes.len() / 2);
    let mut run_start = None;
    for (index, byte) in bytes.iter().enumerate() {
        let printable = matches!(byte, 0x20..=0x7e | b'\t' | b'\r' | b'\n');
        match (printable, run_start) {
            (true, None) => run_start = Some(index),
            (false, Some(start)) => {
                keep_run(&mut text, &bytes[start..index]);
                run_start = None;
            }
            _ => {}
        }
    }
    if let Some(start) = run_start {
        keep_run(&mut text, &bytes[start..]);
    }
    text
}

fn keep_run(text: &mut Vec<u8>, run: &[u8]) {
    if run.len() >= MIN_RUN {
        text.extend_from_slice(run);
        text.push(b'\n');
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn printable_runs_are_kept_and_short_ones_dropped() {
        let bytes = b"\xe3\x00\x00\x00z\x05hello\xfa\x28ghp_0123456789\x00ab\x01";
        assert_eq!(printable_strings(bytes), b"(ghp_0123456789\n".to_vec());
        assert!(printable_strings(b"").is_empty());
    }
}
