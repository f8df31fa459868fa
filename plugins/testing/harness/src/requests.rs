//! Which image paths an analyzer's requests select, decided by the engine's own matcher, so a
//! plugin's tests check its globs as the engine reads them.

use purser_engine::matcher::RequestMatcher;
use purser_plugin_api::FileRequest;

/// A test of which image paths `requests` select: it answers true when the engine's matcher
/// hands a 100-byte file with mode `0o644` at that path to the analyzer.
///
/// # Panics
///
/// When a request's glob does not compile; the message names the glob and why.
pub fn path_selector(requests: &[FileRequest]) -> impl Fn(&str) -> bool {
    let matcher = RequestMatcher::new(&["analyzer under test"], &[requests])
        .unwrap_or_else(|error| panic!("{error}"));
    move |path| {
        let (mut candidates, mut selected, mut too_large) = (Vec::new(), Vec::new(), Vec::new());
        matcher.select(
            path,
            100,
            0o644,
            &mut candidates,
            &mut selected,
            &mut too_large,
        );
        !selected.is_empty()
    }
}
