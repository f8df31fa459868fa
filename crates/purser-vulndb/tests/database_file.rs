//! The database file as scans meet it: a scan that has a database open keeps reading the file
//! it opened while `db build` or `db update` replaces it (the new file is renamed over the path,
//! so the open mapping stays on the old file and no lock is needed between the writer and the
//! readers), and a file of another schema version is refused with a message saying what to run.

use purser_vulndb::{Database, DatabaseBuilder};

/// A database at `path` whose only source is called `name`.
fn write_database(path: &std::path::Path, name: &str, built_at: &str) {
    DatabaseBuilder::new(built_at)
        .add_source(name, Vec::new())
        .write(path)
        .unwrap_or_else(|error| panic!("writing the {name} database: {error}"));
}

fn source_names(database: &Database) -> Vec<String> {
    let info = database.info().expect("the header reads");
    info.sources.into_iter().map(|source| source.name).collect()
}

#[test]
fn an_open_database_is_untouched_when_the_file_is_replaced() {
    let directory = tempfile::tempdir().expect("temporary directory");
    let path = directory.path().join("vulndb.purser");
    write_database(&path, "before", "2026-12-01T00:00:00Z");
    let open_before = Database::open(&path).expect("the first database opens");

    write_database(&path, "after", "2026-12-02T00:00:00Z");
    let open_after = Database::open(&path).expect("the replacement opens");

    assert_eq!(source_names(&open_before), ["before"]);
    open_before
        .verify()
        .expect("the old mapping still checks out");
    assert_eq!(source_names(&open_after), ["after"]);
    assert_eq!(
        open_after.info().expect("header").built_at,
        "2026-12-02T00:00:00Z"
    );

    // Nothing but the database is left in the folder: the temporary file was renamed.
    let entries = std::fs::read_dir(directory.path())
        .expect("list the folder")
        .count();
    assert_eq!(entries, 1);
}

#[test]
fn a_file_of_another_schema_version_is_refused_saying_which_and_what_to_run() {
    let directory = tempfile::tempdir().expect("temporary directory");
    let path = directory.path().join("vulndb.purser");
    write_database(&path, "current", "2026-12-01T00:00:00Z");
    let current = std::fs::read(&path).expect("read the database");
    let schema = u32::from_le_bytes(current[8..12].try_into().expect("four bytes"));

    for (other, word) in [(schema - 1, "older"), (schema + 1, "newer")] {
        let mut bytes = current.clone();
        bytes[8..12].copy_from_slice(&other.to_le_bytes());
        let changed = directory.path().join(format!("schema-{other}.purser"));
        std::fs::write(&changed, bytes).expect("write the changed copy");

        let message = Database::open(&changed)
            .expect_err("another schema is refused")
            .to_string();
        assert!(
            message.contains(&format!(
                "schema version {other}, {word} than the version {schema}"
            )),
            "{message}"
        );
        assert!(message.contains("purser db update"), "{message}");
    }
}
