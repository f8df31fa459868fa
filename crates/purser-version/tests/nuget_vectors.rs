//! NuGet ordering against the real vectors in `../shared/data/version-vectors`, read in place:
//! osv-scalibr's `nuget-versions.txt` and univers' `nuget_version_cmp.json`. Every vector must
//! hold in both directions; there is no allowlist.

mod support;

use std::cmp::Ordering;

use purser_version::Scheme;
use support::Vector;

fn check(name: &str, vectors: &[Vector]) {
    assert!(!vectors.is_empty(), "{name}: no vectors were read");

    let failures: Vec<String> = vectors
        .iter()
        .filter_map(|vector| {
            let forward = Scheme::NuGet.compare(&vector.left, &vector.right);
            let backward = Scheme::NuGet.compare(&vector.right, &vector.left);
            let holds = match (&forward, &backward) {
                (Ok(forward), Ok(backward)) => {
                    vector.expected.holds(*forward) && *backward == forward.reverse()
                }
                _ => false,
            };
            (!holds).then(|| {
                format!(
                    "{}: {} vs {}: expected {:?}, got {forward:?} (reverse {backward:?})",
                    vector.origin, vector.left, vector.right, vector.expected
                )
            })
        })
        .collect();

    eprintln!("{name}: {} vectors, {} fail", vectors.len(), failures.len());
    assert!(failures.is_empty(), "{name}:\n{}", failures.join("\n"));
}

#[test]
fn nuget_matches_osv_scalibr_nuget_vectors() {
    let files = support::read_archive("osv-scalibr-semantic-versions.tar.zst");
    let path = "osv-scalibr-semantic-versions/semantic/testdata/nuget-versions.txt";
    let text = files
        .get(path)
        .unwrap_or_else(|| panic!("the osv-scalibr vectors have no {path}"));
    check(
        "nuget/osv-scalibr",
        &support::parse_comparison_lines(path, text),
    );
}

#[test]
fn nuget_matches_univers_nuget_vectors() {
    let files = support::read_archive("univers-testdata.tar.zst");
    let path = "univers-testdata/tests/data/schema/nuget_version_cmp.json";
    let text = files
        .get(path)
        .unwrap_or_else(|| panic!("the univers vectors have no {path}"));
    let vectors = support::parse_univers_json(path, text);

    // The file's `comparison` cases sort both ways round; make sure some `<` survive parsing.
    let strict = vectors
        .iter()
        .filter(|vector| vector.expected == support::Expectation::Is(Ordering::Less))
        .count();
    assert!(
        strict > 0,
        "univers nuget vectors hold no strict comparison"
    );
    check("nuget/univers", &vectors);
}
