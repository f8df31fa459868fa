//! Compiles every analyzer's file requests into one matcher.
//!
//! For each tar entry the engine asks [`RequestMatcher::select`] which analyzers want the file
//! and how. Exact paths, file names and plain extensions are hash lookups; the remaining
//! suffixes are few and compared directly; all globs are compiled into a single `GlobSet`. The
//! cost per entry therefore does not grow with the number of exact paths, names or extensions
//! requested.

use std::collections::HashMap;

use globset::{GlobBuilder, GlobSet, GlobSetBuilder};
use purser_plugin_api::FileRequest;

/// A request that could not be compiled.
#[derive(Debug, thiserror::Error)]
#[error("analyzer {analyzer} requested an invalid glob {glob:?}: {reason}")]
pub struct MatcherError {
    /// The analyzer's name.
    pub analyzer: String,
    /// The glob.
    pub glob: String,
    /// What is wrong with it.
    pub reason: String,
}

/// One request, reduced to the conditions checked after a path selector matched.
#[derive(Debug, Clone)]
struct Conditions {
    analyzer: usize,
    max_size: Option<u64>,
    mode_any: Option<u32>,
    text_only: bool,
    contents: bool,
}

/// What one analyzer wants of one file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Selection {
    /// Index of the analyzer, in the order given to [`RequestMatcher::new`].
    pub analyzer: usize,
    /// Whether it needs the contents.
    pub contents: bool,
    /// Whether it wants the file only if the contents look like text.
    pub text_only: bool,
}

/// A file a request matched by path but excluded by size.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TooLarge {
    /// Index of the analyzer.
    pub analyzer: usize,
    /// The request's limit.
    pub max_size: u64,
}

/// Every analyzer's file requests, compiled.
#[derive(Debug, Default)]
pub struct RequestMatcher {
    conditions: Vec<Conditions>,
    exact_paths: HashMap<String, Vec<usize>>,
    file_names: HashMap<String, Vec<usize>>,
    /// Suffixes of the form `.ext` (one dot, nothing else), keyed by `ext`.
    extensions: HashMap<String, Vec<usize>>,
    /// Every other suffix, compared with `ends_with`.
    other_suffixes: Vec<(String, usize)>,
    globs: GlobSet,
    glob_requests: Vec<usize>,
    all_files: Vec<usize>,
}

impl RequestMatcher {
    /// Compiles the requests; `requests[i]` are the requests of analyzer `i`, named `names[i]`.
    ///
    /// # Errors
    ///
    /// When a glob is invalid.
    pub fn new(names: &[&str], requests: &[&[FileRequest]]) -> Result<Self, MatcherError> {
        let mut matcher = RequestMatcher::default();
        let mut globs = GlobSetBuilder::new();
        for (analyzer, analyzer_requests) in requests.iter().enumerate() {
            for request in analyzer_requests.iter() {
                let id = matcher.conditions.len();
                matcher.conditions.push(Conditions {
                    analyzer,
                    max_size: request.max_size,
                    mode_any: request.mode_any,
                    text_only: request.text_only,
                    contents: request.contents,
                });
                matcher.index_selectors(id, request);
                for pattern in &request.globs {
                    let glob = GlobBuilder::new(pattern.trim_start_matches('/'))
                        .literal_separator(true)
                        .build()
                        .map_err(|error| MatcherError {
                            analyzer: names.get(analyzer).copied().unwrap_or("?").to_owned(),
                            glob: pattern.clone(),
                            reason: error.kind().to_string(),
                        })?;
                    globs.add(glob);
                    matcher.glob_requests.push(id);
                }
            }
        }
        matcher.globs = globs.build().map_err(|error| MatcherError {
            analyzer: "(all)".to_owned(),
            glob: String::new(),
            reason: error.to_string(),
        })?;
        Ok(matcher)
    }

    fn index_selectors(&mut self, id: usize, request: &FileRequest) {
        for path in &request.exact_paths {
            let path = path.trim_start_matches('/').to_owned();
            self.exact_paths.entry(path).or_default().push(id);
        }
        for name in &request.file_names {
            self.file_names.entry(name.clone()).or_default().push(id);
        }
        for suffix in &request.suffixes {
            match suffix.strip_prefix('.') {
                Some(extension) if !extension.is_empty() && !extension.contains(['.', '/']) => {
                    self.extensions
                        .entry(extension.to_owned())
                        .or_default()
                        .push(id);
                }
                _ => self.other_suffixes.push((suffix.clone(), id)),
            }
        }
        if request.all_files {
            self.all_files.push(id);
        }
    }

    /// Whether any request exists at all; when not, layers need no dispatching.
    pub fn is_empty(&self) -> bool {
        self.conditions.is_empty()
    }

    /// Which analyzers want the regular file at `path`, merged per analyzer into `selected`
    /// (cleared first). Requests whose path matched but whose size limit excluded the file are
    /// put in `too_large`, so the report can say what was not looked at.
    pub fn select(
        &self,
        path: &str,
        size: u64,
        mode: u32,
        candidates: &mut Vec<usize>,
        selected: &mut Vec<Selection>,
        too_large: &mut Vec<TooLarge>,
    ) {
        selected.clear();
        too_large.clear();
        self.candidates(path, candidates);
        for &id in candidates.iter() {
            let conditions = &self.conditions[id];
            if let Some(mask) = conditions.mode_any {
                if mode & mask == 0 {
                    continue;
                }
            }
            if let Some(max_size) = conditions.max_size {
                if size > max_size {
                    too_large.push(TooLarge {
                        analyzer: conditions.analyzer,
                        max_size,
                    });
                    continue;
                }
            }
            merge_selection(selected, conditions);
        }
        // A file another request of the same analyzer took is not "too large" for it.
        too_large.retain(|skip| !selected.iter().any(|taken| taken.analyzer == skip.analyzer));
        too_large.dedup_by_key(|skip| skip.analyzer);
    }

    /// Ids of every request whose path selectors match, without duplicates.
    fn candidates(&self, path: &str, out: &mut Vec<usize>) {
        out.clear();
        let name = path.rsplit('/').next().unwrap_or(path);
        if let Some(ids) = self.exact_paths.get(path) {
            out.extend_from_slice(ids);
        }
        if let Some(ids) = self.file_names.get(name) {
            out.extend_from_slice(ids);
        }
        if let Some((_, extension)) = name.rsplit_once('.') {
            if let Some(ids) = self.extensions.get(extension) {
                out.extend_from_slice(ids);
            }
        }
        for (suffix, id) in &self.other_suffixes {
            if name.ends_with(suffix.as_str()) || path.ends_with(suffix.as_str()) {
                out.push(*id);
            }
        }
        if !self.glob_requests.is_empty() {
            for index in self.globs.matches(path) {
                out.push(self.glob_requests[index]);
            }
        }
        out.extend_from_slice(&self.all_files);
        if out.len() > 1 {
            out.sort_unstable();
            out.dedup();
        }
    }
}

/// Adds a matching request to the analyzer's selection: contents if any request wants them,
/// text-only only if every matching request is.
fn merge_selection(selected: &mut Vec<Selection>, conditions: &Conditions) {
    if let Some(existing) = selected
        .iter_mut()
        .find(|s| s.analyzer == conditions.analyzer)
    {
        existing.contents |= conditions.contents;
        existing.text_only &= conditions.text_only;
        return;
    }
    selected.push(Selection {
        analyzer: conditions.analyzer,
        contents: conditions.contents,
        text_only: conditions.text_only,
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn select(
        matcher: &RequestMatcher,
        path: &str,
        size: u64,
        mode: u32,
    ) -> (Vec<Selection>, Vec<TooLarge>) {
        let (mut candidates, mut selected, mut too_large) = (Vec::new(), Vec::new(), Vec::new());
        matcher.select(
            path,
            size,
            mode,
            &mut candidates,
            &mut selected,
            &mut too_large,
        );
        (selected, too_large)
    }

    fn analyzers(path: &str) -> Vec<usize> {
        let matcher = sample();
        select(&matcher, path, 10, 0o644)
            .0
            .iter()
            .map(|s| s.analyzer)
            .collect()
    }

    fn sample() -> RequestMatcher {
        let os = vec![FileRequest::exact_paths([
            "etc/os-release",
            "/usr/lib/os-release",
        ])];
        let java = vec![FileRequest {
            suffixes: vec![".jar".into(), ".tar.gz".into()],
            contents: true,
            max_size: Some(1000),
            ..FileRequest::default()
        }];
        let dpkg = vec![FileRequest {
            file_names: vec!["status".into()],
            globs: vec!["var/lib/dpkg/status.d/*".into()],
            contents: true,
            ..FileRequest::default()
        }];
        let secrets = vec![FileRequest {
            all_files: true,
            text_only: true,
            contents: true,
            max_size: Some(100),
            ..FileRequest::default()
        }];
        let setuid = vec![FileRequest {
            all_files: true,
            mode_any: Some(0o6000),
            ..FileRequest::default()
        }];
        RequestMatcher::new(
            &["os", "java", "dpkg", "secrets", "setuid"],
            &[&os, &java, &dpkg, &secrets, &setuid],
        )
        .expect("valid requests")
    }

    #[test]
    fn each_kind_of_selector_matches() {
        assert_eq!(analyzers("etc/os-release"), vec![0, 3]);
        assert_eq!(analyzers("usr/lib/os-release"), vec![0, 3]);
        assert_eq!(analyzers("app/lib/log4j-core-2.14.1.jar"), vec![1, 3]);
        assert_eq!(analyzers("srv/backup.tar.gz"), vec![1, 3]);
        assert_eq!(analyzers("var/lib/dpkg/status"), vec![2, 3]);
        assert_eq!(analyzers("var/lib/dpkg/status.d/base"), vec![2, 3]);
        assert_eq!(analyzers("etc/hosts"), vec![3]);
    }

    #[test]
    fn globs_star_does_not_cross_directories() {
        assert_eq!(analyzers("var/lib/dpkg/status.d/sub/base"), vec![3]);
    }

    #[test]
    fn mode_and_size_conditions_apply() {
        let matcher = sample();
        let (selected, _) = select(&matcher, "usr/bin/passwd", 50, 0o4755);
        assert_eq!(
            selected.iter().map(|s| s.analyzer).collect::<Vec<_>>(),
            vec![3, 4]
        );
        assert!(!selected[1].contents, "setuid wants metadata only");

        let (selected, too_large) = select(&matcher, "app/big.jar", 5000, 0o644);
        assert!(selected.is_empty());
        assert_eq!(
            too_large,
            vec![
                TooLarge {
                    analyzer: 1,
                    max_size: 1000
                },
                TooLarge {
                    analyzer: 3,
                    max_size: 100
                }
            ]
        );
    }

    #[test]
    fn an_invalid_glob_names_the_analyzer() {
        let bad = vec![FileRequest {
            globs: vec!["a/[".into()],
            ..FileRequest::default()
        }];
        let error = RequestMatcher::new(&["broken"], &[&bad]).expect_err("invalid glob");
        assert!(error.to_string().contains("broken"), "{error}");
    }
}
