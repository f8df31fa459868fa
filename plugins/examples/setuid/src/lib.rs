//! # An example analyzer: files with the setuid or setgid bit
//!
//! This crate is the smallest useful Purser analyzer, written to be read. It reports every file
//! of an image that runs with someone else's privileges: a **setuid** file (mode bit `0o4000`)
//! runs as its owner, usually root, whoever starts it; a **setgid** file (`0o2000`) runs with its
//! group. Such files are normal in small numbers (`passwd` must write `/etc/shadow`), but each
//! one is attack surface, and an unexpected one deserves a look.
//!
//! Read it top to bottom; `docs/writing-an-analyzer.md` walks through it too. The steps are:
//!
//! 1. a type that implements [`Analyzer`] ([`SetuidAnalyzer`]);
//! 2. [`Analyzer::info`]: the name the user sees and the version that keys the result cache;
//! 3. [`Analyzer::new`]: read the user's options, or refuse them;
//! 4. [`Analyzer::requests`]: say which files you want, as data, so that the engine can skip
//!    everything else without calling you;
//! 5. [`Analyzer::analyze_file`]: look at one file and push findings;
//! 6. [`purser_plugin_api::export_analyzer!`] at the end of the file, which makes the crate a
//!    loadable plugin.
//!
//! # Options
//!
//! ```json
//! { "allowed_paths": ["usr/local/bin/my-helper"] }
//! ```
//!
//! `allowed_paths` lists setuid files you know about; they are reported with low severity like
//! the standard ones.
//!
//! # Limitations
//!
//! - Limitation: the engine does not pass file owners to analyzers, so every setuid file is
//!   treated as if root owned it; a setuid file owned by an unprivileged user is reported with
//!   the same severity as a root one.

#![deny(missing_docs)]

use purser_plugin_api::{
    Analyzer, AnalyzerError, AnalyzerInfo, AnalyzerRequests, FileInput, FileRequest, Finding,
    LayerContext, Observation, Severity,
};

// Step 1: the analyzer type.
//
// The engine creates one value of it per scan (in `new`) and may call it from several threads
// at once, one layer per thread; that is why `Analyzer` requires `Sync`. Anything a scan needs
// to remember goes in here; this analyzer only remembers the user's allowed paths.

/// Reports files with the setuid or setgid bit as [`Observation`]s.
#[derive(Debug, Clone, Default)]
pub struct SetuidAnalyzer {
    allowed_paths: Vec<String>,
}

/// The setuid bit: the file runs as its owner.
const SETUID: u32 = 0o4000;
/// The setgid bit: the file runs with its group.
const SETGID: u32 = 0o2000;

/// Programs that distributions install setuid root on purpose, in the directories below.
/// Finding them is expected, so they are reported with low severity.
const STANDARD_PROGRAMS: &[&str] = &[
    "chfn",
    "chsh",
    "fusermount",
    "fusermount3",
    "gpasswd",
    "mount",
    "newgrp",
    "passwd",
    "ping",
    "pkexec",
    "su",
    "sudo",
    "umount",
];

/// Where the standard programs live.
const STANDARD_DIRECTORIES: &[&str] = &["bin", "sbin", "usr/bin", "usr/sbin"];

/// Helpers that distributions install setuid root outside the program directories.
const STANDARD_HELPERS: &[&str] = &[
    "usr/lib/dbus-1.0/dbus-daemon-launch-helper",
    "usr/lib/openssh/ssh-keysign",
    "usr/lib/polkit-1/polkit-agent-helper-1",
    "usr/libexec/openssh/ssh-keysign",
];

impl Analyzer for SetuidAnalyzer {
    // Per-layer state. Analyzers that correlate several files of a layer keep them here until
    // `finish_layer`; this one judges each file alone, so it needs none.
    type Layer = ();

    // Step 2: who we are. `name` must be unique among loaded plugins; `version` is part of the
    // cache key of per-layer results, so bump it whenever the output for the same input may
    // change (a new standard program, a different severity).
    fn info() -> AnalyzerInfo {
        AnalyzerInfo {
            name: "setuid-files".into(),
            version: env!("CARGO_PKG_VERSION").into(),
            description: "Reports files with the setuid or setgid bit".into(),
        }
    }

    // Step 3: options. The user's JSON object for this analyzer arrives here, or `null` when
    // there is none. Refuse what you do not understand with a message that says what to fix:
    // the engine then runs the scan without this analyzer and tells the user why.
    fn new(options: &serde_json::Value) -> Result<Self, AnalyzerError> {
        if options.is_null() {
            return Ok(SetuidAnalyzer::default());
        }
        let Some(object) = options.as_object() else {
            return Err(AnalyzerError::new(format!(
                "the setuid-files options must be a JSON object, not {options}"
            )));
        };

        let mut analyzer = SetuidAnalyzer::default();
        for (key, value) in object {
            match key.as_str() {
                "allowed_paths" => analyzer.allowed_paths = parse_allowed_paths(value)?,
                other => {
                    return Err(AnalyzerError::new(format!(
                        "unknown setuid-files option `{other}`; the only option is allowed_paths"
                    )))
                }
            }
        }
        Ok(analyzer)
    }

    // Step 4: requests. This is the cheap filter: the engine compiles every analyzer's requests
    // into one matcher and only calls `analyze_file` for files that match. Here: every regular
    // file (`all_files`) with the setuid or setgid bit (`mode_any`), and never its bytes
    // (`contents: false`), so the engine does not even read them.
    fn requests(&self) -> AnalyzerRequests {
        AnalyzerRequests {
            files: vec![FileRequest {
                all_files: true,
                mode_any: Some(SETUID | SETGID),
                contents: false,
                ..FileRequest::default()
            }],
            ..AnalyzerRequests::default()
        }
    }

    // A layer is starting. Return the per-layer state; we have none.
    fn start_layer(&self, _layer: &LayerContext) -> Result<(), AnalyzerError> {
        Ok(())
    }

    // Step 5: one file. Paths are relative to the image root, without a leading `/`. Push what
    // you find to `findings`; each finding names the file, which is how the engine knows to drop
    // it when a later layer deletes that file. Returning an error, or even panicking, only
    // affects this file: the engine records a diagnostic naming it and goes on.
    fn analyze_file(
        &self,
        _layer: &mut (),
        file: &FileInput<'_>,
        findings: &mut Vec<Finding>,
    ) -> Result<(), AnalyzerError> {
        if file.mode & SETUID != 0 {
            findings.push(self.setuid_observation(file));
        }
        if file.mode & SETGID != 0 {
            findings.push(setgid_observation(file));
        }
        Ok(())
    }

    // `finish_layer` and `analyze_image` have default implementations that do nothing; an
    // analyzer that needs the image config or attached attestations overrides `analyze_image`
    // and sets `AnalyzerRequests::image`.
}

impl SetuidAnalyzer {
    fn setuid_observation(&self, file: &FileInput<'_>) -> Finding {
        let expected = is_standard_setuid(file.path)
            || self
                .allowed_paths
                .iter()
                .any(|allowed| allowed == file.path);
        let (severity, why) = if expected {
            (
                Severity::Low,
                "a program distributions install setuid on purpose",
            )
        } else {
            (
                Severity::Medium,
                "not a program distributions install setuid; check that it is meant to be",
            )
        };
        Finding::Observation(Observation {
            rule_id: "setuid-file".into(),
            title: "File runs with its owner's privileges (setuid)".into(),
            severity,
            path: file.path.into(),
            detail: format!("mode {}; {why}", octal_mode(file.mode)),
        })
    }
}

fn setgid_observation(file: &FileInput<'_>) -> Finding {
    Finding::Observation(Observation {
        rule_id: "setgid-file".into(),
        title: "File runs with its group's privileges (setgid)".into(),
        // A setgid program gains a group (`shadow`, `tty`, `mail`), not root: low severity.
        severity: Severity::Low,
        path: file.path.into(),
        detail: format!("mode {}", octal_mode(file.mode)),
    })
}

/// Whether `path` is a standard program in a standard directory, or a standard helper.
fn is_standard_setuid(path: &str) -> bool {
    if STANDARD_HELPERS.contains(&path) {
        return true;
    }
    let (directory, name) = path.rsplit_once('/').unwrap_or(("", path));
    STANDARD_DIRECTORIES.contains(&directory) && STANDARD_PROGRAMS.contains(&name)
}

/// The permission bits as `ls -l` users know them in octal: `4755`.
fn octal_mode(mode: u32) -> String {
    format!("{:04o}", mode & 0o7777)
}

fn parse_allowed_paths(value: &serde_json::Value) -> Result<Vec<String>, AnalyzerError> {
    let invalid = || {
        AnalyzerError::new(format!(
            "setuid-files option allowed_paths must be a list of paths such as \
             [\"usr/local/bin/tool\"], not {value}"
        ))
    };
    let entries = value.as_array().ok_or_else(invalid)?;
    entries
        .iter()
        .map(|entry| {
            let path = entry.as_str().ok_or_else(invalid)?;
            // Users write absolute paths; files arrive without the leading `/`.
            Ok(path.trim_start_matches('/').to_owned())
        })
        .collect()
}

// Step 6: make the crate a plugin. This defines the `purser_analyzer_entry` symbol the engine
// looks up, a header with the interface version and panic strategy, and the function table
// whose every entry catches panics.
purser_plugin_api::export_analyzer!(SetuidAnalyzer);

#[cfg(test)]
mod tests {
    use purser_plugin_api::abi::PANIC_UNWIND;
    use purser_plugin_api::INTERFACE_VERSION;
    use purser_plugin_harness::Plugin;

    use super::*;

    /// Setuid and setgid files of the Debian 12 machine this example was written on, with their
    /// modes as `find / -perm /6000 -type f` listed them.
    const DEBIAN_12_FILES: &[(&str, u32)] = &[
        ("usr/bin/chage", 0o2755),
        ("usr/bin/chfn", 0o4755),
        ("usr/bin/chsh", 0o4755),
        ("usr/bin/expiry", 0o2755),
        ("usr/bin/gpasswd", 0o4755),
        ("usr/bin/mount", 0o4755),
        ("usr/bin/newgrp", 0o4755),
        ("usr/bin/passwd", 0o4755),
        ("usr/bin/ssh-agent", 0o2755),
        ("usr/bin/su", 0o4755),
        ("usr/bin/umount", 0o4755),
        ("usr/lib/dbus-1.0/dbus-daemon-launch-helper", 0o4754),
        ("usr/lib/openssh/ssh-keysign", 0o4755),
        ("usr/lib/polkit-1/polkit-agent-helper-1", 0o4755),
        ("usr/lib/x86_64-linux-gnu/utempter/utempter", 0o2755),
        ("usr/sbin/unix_chkpwd", 0o2755),
    ];

    fn file(path: &str, mode: u32) -> FileInput<'_> {
        FileInput {
            path,
            size: 68_248,
            mode,
            contents: &[],
            truncated: false,
        }
    }

    fn analyze(analyzer: &SetuidAnalyzer, files: &[FileInput<'_>]) -> Vec<Observation> {
        let mut findings = Vec::new();
        for input in files {
            analyzer
                .analyze_file(&mut (), input, &mut findings)
                .expect("never fails");
        }
        findings
            .into_iter()
            .map(|finding| match finding {
                Finding::Observation(observation) => observation,
                other => panic!("expected observations only, got {other:?}"),
            })
            .collect()
    }

    #[test]
    fn a_standard_debian_system_has_only_low_findings() {
        let files: Vec<FileInput<'_>> = DEBIAN_12_FILES
            .iter()
            .map(|(path, mode)| file(path, *mode))
            .collect();
        let observations = analyze(&SetuidAnalyzer::default(), &files);

        assert_eq!(observations.len(), DEBIAN_12_FILES.len());
        let unexpected: Vec<&Observation> = observations
            .iter()
            .filter(|o| o.severity != Severity::Low)
            .collect();
        assert!(unexpected.is_empty(), "{unexpected:?}");
        let setuid = observations.iter().filter(|o| o.rule_id == "setuid-file");
        assert_eq!(setuid.count(), 11);
    }

    #[test]
    fn an_unknown_setuid_file_is_medium_and_says_its_mode() {
        let observations = analyze(
            &SetuidAnalyzer::default(),
            &[file("usr/local/bin/backup", 0o104_755)],
        );
        let [observation] = observations.as_slice() else {
            panic!("expected one observation, got {observations:?}")
        };
        assert_eq!(observation.rule_id, "setuid-file");
        assert_eq!(observation.severity, Severity::Medium);
        assert_eq!(observation.path, "usr/local/bin/backup");
        assert!(
            observation.detail.starts_with("mode 4755;"),
            "{}",
            observation.detail
        );
    }

    #[test]
    fn a_standard_name_in_an_odd_place_is_not_standard() {
        let observations = analyze(&SetuidAnalyzer::default(), &[file("tmp/passwd", 0o4755)]);
        assert_eq!(observations[0].severity, Severity::Medium);
    }

    #[test]
    fn both_bits_give_two_observations() {
        let observations = analyze(&SetuidAnalyzer::default(), &[file("usr/bin/odd", 0o6755)]);
        let rules: Vec<&str> = observations.iter().map(|o| o.rule_id.as_str()).collect();
        assert_eq!(rules, ["setuid-file", "setgid-file"]);
        assert_eq!(observations[1].detail, "mode 6755");
    }

    #[test]
    fn files_without_either_bit_give_nothing() {
        // The engine's `mode_any` filter should never send these; if it does, nothing is said.
        assert!(analyze(&SetuidAnalyzer::default(), &[file("usr/bin/ls", 0o1755)]).is_empty());
    }

    #[test]
    fn allowed_paths_lower_the_severity() {
        let options = serde_json::json!({ "allowed_paths": ["/usr/local/bin/backup"] });
        let analyzer = SetuidAnalyzer::new(&options).expect("valid options");
        let observations = analyze(&analyzer, &[file("usr/local/bin/backup", 0o4755)]);
        assert_eq!(observations[0].severity, Severity::Low);
    }

    #[test]
    fn invalid_options_are_refused_with_a_reason() {
        let cases = [
            (serde_json::json!([]), "must be a JSON object"),
            (
                serde_json::json!({"allowed": []}),
                "unknown setuid-files option `allowed`",
            ),
            (
                serde_json::json!({"allowed_paths": "usr/bin/x"}),
                "must be a list",
            ),
            (serde_json::json!({"allowed_paths": [3]}), "must be a list"),
        ];
        for (options, expected) in cases {
            let error = SetuidAnalyzer::new(&options).expect_err("refused");
            assert!(error.message().contains(expected), "{options}: {error}");
        }
    }

    #[test]
    fn the_request_asks_for_mode_bits_and_no_contents() {
        let requests = SetuidAnalyzer::default().requests();
        let [request] = requests.files.as_slice() else {
            panic!("expected one request")
        };
        assert!(request.all_files);
        assert_eq!(request.mode_any, Some(0o6000));
        assert!(!request.contents);
    }

    #[test]
    fn the_exported_table_works_like_the_trait() {
        let plugin = Plugin::from_entry(purser_analyzer_entry).expect("accepted");
        assert_eq!(plugin.header().interface_version, INTERFACE_VERSION);
        assert_eq!(plugin.header().panic_strategy, PANIC_UNWIND);
        assert_eq!(plugin.describe().expect("described").name, "setuid-files");

        let instance = plugin
            .create(&serde_json::json!({"allowed_paths": ["usr/local/bin/backup"]}))
            .expect("created");
        assert_eq!(instance.requests(), &SetuidAnalyzer::default().requests());

        let files = [
            file("usr/bin/passwd", 0o4755),
            file("usr/local/bin/backup", 0o4755),
            file("opt/tool", 0o4755),
        ];
        let findings = instance
            .scan_layer(&LayerContext::default(), &files)
            .expect("analyzed");
        let severities: Vec<Severity> = findings
            .iter()
            .map(|finding| match finding {
                Finding::Observation(observation) => observation.severity,
                other => panic!("unexpected {other:?}"),
            })
            .collect();
        assert_eq!(severities, [Severity::Low, Severity::Low, Severity::Medium]);

        let refused = plugin
            .create(&serde_json::json!({"nope": 1}))
            .err()
            .expect("refused");
        assert!(refused.message().is_some_and(|m| m.contains("nope")));
    }
}
