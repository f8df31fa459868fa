//! The `Status:` field: which packages count as installed.
//!
//! dpkg writes `Status: WANT FLAG STATE` (dpkg-query(1), "Package states" in dpkg(1)): what the
//! administrator asked for (`install`, `hold`, `deinstall`, `purge`, `unknown`), an error flag
//! (`ok`, `reinstreq`) and the state of the files on disk. Only the state says what is on disk,
//! so it alone decides; a package marked `deinstall` but still `installed` is reported, because
//! its files are still there.

/// Whether a package's files are on disk, according to the third word of its `Status:` field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InstallState {
    /// The package's files are present: it is reported.
    Present,
    /// The package's files are absent or only partly present: it is not reported.
    Absent,
}

/// Reads a `Status:` value. Returns `None` when the value is not three words or the state is not
/// one dpkg knows.
pub fn install_state(status: &str) -> Option<InstallState> {
    let mut words = status.split_whitespace();
    let (Some(_want), Some(_flag), Some(state), None) =
        (words.next(), words.next(), words.next(), words.next())
    else {
        return None;
    };

    match state {
        // `installed`: unpacked and configured. `triggers-pending` and `triggers-awaited`: also
        // unpacked and configured, only trigger processing is outstanding. `unpacked` and
        // `half-configured`: every file is on disk, configuration has not run or failed. A
        // scanner cares about the code on disk, so all five count, as Trivy's and Syft's
        // status-based checks do.
        "installed" | "triggers-pending" | "triggers-awaited" | "unpacked" | "half-configured" => {
            Some(InstallState::Present)
        }
        // `not-installed`: nothing is there. `config-files`: only conffiles remain.
        // `half-installed`: an unpack or a removal was interrupted, so an unknown part of the
        // files is present; dpkg itself marks such a package as needing reinstallation.
        "not-installed" | "config-files" | "half-installed" => Some(InstallState::Absent),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_state_word_decides() {
        let present = [
            "install ok installed",
            "deinstall reinstreq installed",
            "purge ok installed",
            "hold ok installed",
            "install ok unpacked",
            "install ok half-configured",
            "install ok triggers-pending",
            "install ok triggers-awaited",
        ];
        for status in present {
            assert_eq!(
                install_state(status),
                Some(InstallState::Present),
                "{status}"
            );
        }
        let absent = [
            "deinstall ok config-files",
            "install reinstreq half-installed",
            "unknown ok not-installed",
            "purge ok not-installed",
        ];
        for status in absent {
            assert_eq!(
                install_state(status),
                Some(InstallState::Absent),
                "{status}"
            );
        }
    }

    #[test]
    fn malformed_values_are_not_guessed() {
        for status in [
            "",
            "installed",
            "install ok",
            "install ok installed extra",
            "a b c",
        ] {
            assert_eq!(install_state(status), None, "{status}");
        }
    }
}
