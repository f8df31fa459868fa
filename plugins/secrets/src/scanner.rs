//! One pass over a text: keyword automaton first, then only the hit rules' regexes, near the hits.
//!
//! The automaton holds every keyword of every rule (ASCII case-insensitive). Its first hit at or
//! after the current position (found through the [`Prefilter`] when the keywords allow one, see
//! [`crate::prefilter`]) opens a *window*: the hit's line, clipped to [`MAX_BEFORE`] bytes
//! before the hit and to the longest rule span after it. The keywords inside the window pick the
//! rules to run, and each runs only on the window (a multi-line rule runs from the window's start
//! over its `span`). The search then resumes at the end of the window, so a line with several
//! keywords is looked at once. A rule never reports two overlapping matches, and a generic rule's
//! match gives way to a specific rule's match on the same secret.

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, AhoCorasickKind, Input, MatchKind};

use crate::prefilter::Prefilter;
use crate::redact::{entropy, redact};
use crate::rule::Rule;
use crate::rule_set::RuleSet;

/// How far before a keyword a match may start (on the keyword's line), in bytes.
pub const MAX_BEFORE: usize = 256;

/// Compiled rules and the keyword automaton over them.
#[derive(Debug, Clone)]
pub struct Scanner {
    rules: RuleSet,
    automaton: AhoCorasick,
    /// Finds the keywords faster than the automaton; `None` when a keyword is too short for it.
    prefilter: Option<Prefilter>,
    /// For each automaton pattern, the rules that have it as a keyword.
    rules_of_keyword: Vec<Vec<usize>>,
    /// The longest single-line span of any rule.
    max_span: usize,
}

/// One secret found in a text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SecretMatch {
    /// Index of the rule in [`Scanner::rules`].
    pub rule: usize,
    /// Byte range of the whole match in the text.
    pub start: usize,
    /// End of the whole match.
    pub end: usize,
    /// 1-based line of the match's start.
    pub line: u64,
    /// 1-based column of the match's start, in characters.
    pub column: u64,
    /// The whole match with the secret part masked.
    pub redacted: String,
}

/// A match before line numbers and redaction: rule, whole range, secret range.
#[derive(Debug, Clone, Copy)]
struct Candidate {
    rule: usize,
    start: usize,
    end: usize,
    secret_start: usize,
    secret_end: usize,
}

/// Scratch state for one scan.
struct ScanState {
    /// Per rule, where its last reported match ended.
    last_end: Vec<usize>,
    /// Per rule, whether the current window triggers it.
    triggered: Vec<bool>,
    /// The rules the current window triggers.
    triggered_list: Vec<usize>,
    candidates: Vec<Candidate>,
}

impl Scanner {
    /// Builds the automaton over the rules' keywords.
    ///
    /// # Errors
    ///
    /// When the automaton cannot be built (it would exceed the crate's size limits).
    pub fn new(rules: RuleSet) -> Result<Self, aho_corasick::BuildError> {
        let mut keywords: Vec<String> = Vec::new();
        let mut rules_of_keyword: Vec<Vec<usize>> = Vec::new();
        for (index, rule) in rules.rules.iter().enumerate() {
            for keyword in &rule.keywords {
                match keywords.iter().position(|known| known == keyword) {
                    Some(at) => rules_of_keyword[at].push(index),
                    None => {
                        keywords.push(keyword.clone());
                        rules_of_keyword.push(vec![index]);
                    }
                }
            }
        }
        // A full DFA: the built-in keywords make it under 0.5 MB, and on real text it scans
        // about three times as fast as the default contiguous NFA (see BENCHMARKS.md).
        let automaton = AhoCorasickBuilder::new()
            .ascii_case_insensitive(true)
            .match_kind(MatchKind::Standard)
            .kind(Some(AhoCorasickKind::DFA))
            .build(&keywords)?;
        let prefilter = Prefilter::new(&keywords);
        let max_span = rules
            .rules
            .iter()
            .filter(|rule| !rule.multiline)
            .map(|rule| rule.span)
            .max()
            .unwrap_or(crate::rule::DEFAULT_SPAN);

        Ok(Scanner {
            rules,
            automaton,
            prefilter,
            rules_of_keyword,
            max_span,
        })
    }

    /// The rules, in the order [`SecretMatch::rule`] indexes.
    pub fn rules(&self) -> &[Rule] {
        &self.rules.rules
    }

    /// The rule set, with its allow rules.
    pub fn rule_set(&self) -> &RuleSet {
        &self.rules
    }

    /// The keyword automaton alone, for comparison benchmarks.
    pub fn automaton(&self) -> &AhoCorasick {
        &self.automaton
    }

    /// The keyword prefilter, for comparison benchmarks; `None` when a keyword is shorter than
    /// [`ANCHOR_LEN`](crate::prefilter::ANCHOR_LEN).
    pub fn prefilter(&self) -> Option<&Prefilter> {
        self.prefilter.as_ref()
    }

    /// Finds every secret in `text`, in order of position.
    pub fn scan(&self, text: &[u8]) -> Vec<SecretMatch> {
        let rule_count = self.rules.rules.len();
        let mut state = ScanState {
            last_end: vec![0; rule_count],
            triggered: vec![false; rule_count],
            triggered_list: Vec::new(),
            candidates: Vec::new(),
        };

        match &self.prefilter {
            Some(prefilter) => self.scan_anchors(prefilter, text, &mut state),
            None => self.scan_every_byte(text, &mut state),
        }

        let kept = drop_generic_overlaps(&self.rules.rules, state.candidates);
        locate(text, &kept)
    }

    /// Runs the automaton over the whole text, opening a window at each first hit after the
    /// previous window.
    fn scan_every_byte(&self, text: &[u8], state: &mut ScanState) {
        let mut position = 0;
        while position < text.len() {
            let Some(hit) = self.automaton.find(Input::new(text).range(position..)) else {
                break;
            };
            position = self.scan_window(text, hit.start(), hit.end(), state);
        }
    }

    /// Runs the automaton only where the prefilter confirmed a keyword, with the same hits as
    /// [`Scanner::scan_every_byte`].
    ///
    /// That one takes the hit K that ends first among the keywords starting at or after
    /// `position`. The prefilter goes through the anchors from `position` on and stops at the
    /// first one with such a keyword, ending at `end`. K's anchor is not before it (K would
    /// have been confirmed first), so K starts at most `max_anchor_offset` bytes before it, and
    /// K ends no later than `end`: the automaton over that range finds K.
    fn scan_anchors(&self, prefilter: &Prefilter, text: &[u8], state: &mut ScanState) {
        let mut position = 0;
        while position < text.len() {
            let mut first = None;
            prefilter.for_each_candidate(text, position, text.len(), |anchor| {
                first = prefilter
                    .keyword_at(text, anchor, position)
                    .map(|keyword| (anchor, keyword));
                first.is_none()
            });
            let Some((anchor, keyword)) = first else {
                break;
            };

            let from = position.max(anchor.saturating_sub(prefilter.max_anchor_offset()));
            let (hit_start, hit_end) = self
                .automaton
                .find(Input::new(text).range(from..keyword.end))
                .map_or((keyword.start, keyword.end), |hit| (hit.start(), hit.end()));
            position = self.scan_window(text, hit_start, hit_end, state);
        }
    }

    /// Runs the rules triggered around one keyword hit; returns where the search resumes.
    fn scan_window(
        &self,
        text: &[u8],
        hit_start: usize,
        hit_end: usize,
        state: &mut ScanState,
    ) -> usize {
        let line_start = text[..hit_start]
            .iter()
            .rposition(|byte| *byte == b'\n')
            .map_or(0, |newline| newline + 1);
        let window_start = line_start.max(hit_start.saturating_sub(MAX_BEFORE));
        let limit = text.len().min(hit_end.saturating_add(self.max_span));
        let line_end = text[hit_end..limit]
            .iter()
            .position(|byte| *byte == b'\n')
            .map_or(limit, |newline| hit_end + newline);

        // Which rules have a keyword in this window.
        let mut trigger = |pattern: usize| {
            for rule in &self.rules_of_keyword[pattern] {
                if !state.triggered[*rule] {
                    state.triggered[*rule] = true;
                    state.triggered_list.push(*rule);
                }
            }
        };
        match &self.prefilter {
            Some(prefilter) => prefilter.for_each_keyword(text, window_start, line_end, trigger),
            None => {
                let window = Input::new(text).range(window_start..line_end);
                for found in self.automaton.find_overlapping_iter(window) {
                    trigger(found.pattern().as_usize());
                }
            }
        }

        for index in std::mem::take(&mut state.triggered_list) {
            state.triggered[index] = false;
            let rule = &self.rules.rules[index];
            let region_end = if rule.multiline {
                text.len().min(window_start.saturating_add(rule.span))
            } else {
                line_end.min(hit_end.saturating_add(rule.span))
            };
            self.run_rule(text, index, window_start, region_end, state);
        }

        line_end.max(hit_end)
    }

    /// Runs one rule's regex over `text[start..end]` and keeps the matches that pass its checks.
    fn run_rule(&self, text: &[u8], index: usize, start: usize, end: usize, state: &mut ScanState) {
        let rule = &self.rules.rules[index];
        for captures in rule.regex.captures_iter(&text[start..end]) {
            let Some(whole) = captures.get(0) else {
                continue;
            };
            let match_start = start + whole.start();
            if match_start < state.last_end[index] {
                continue;
            }
            let secret = rule
                .secret_group
                .and_then(|group| captures.get(group))
                .unwrap_or(whole);
            if !self.is_reportable(rule, secret.as_bytes()) {
                continue;
            }
            state.last_end[index] = start + whole.end();
            state.candidates.push(Candidate {
                rule: index,
                start: match_start,
                end: start + whole.end(),
                secret_start: start + secret.start(),
                secret_end: start + secret.end(),
            });
        }
    }

    /// Whether a secret passes its rule's entropy minimum and no allow regex matches it.
    fn is_reportable(&self, rule: &Rule, secret: &[u8]) -> bool {
        if secret.is_empty() {
            return false;
        }
        if let Some(minimum) = rule.entropy {
            if entropy(secret) < minimum {
                return false;
            }
        }
        if rule.allow.iter().any(|allow| allow.is_match(secret)) {
            return false;
        }
        !self
            .rules
            .allowed_secrets
            .iter()
            .any(|(_, allow)| allow.is_match(secret))
    }
}

/// Sorts candidates by position and drops those of generic rules whose secret overlaps the
/// secret of a specific rule, or of a generic rule whose match starts earlier (so one
/// `--password=...` is one finding, not one per generic rule that sees it).
fn drop_generic_overlaps(rules: &[Rule], mut candidates: Vec<Candidate>) -> Vec<Candidate> {
    candidates.sort_by_key(|candidate| (candidate.start, candidate.rule));
    let specific: Vec<(usize, usize)> = candidates
        .iter()
        .filter(|candidate| !rules[candidate.rule].generic)
        .map(|candidate| (candidate.secret_start, candidate.secret_end))
        .collect();
    let overlaps = |spans: &[(usize, usize)], candidate: &Candidate| {
        spans
            .iter()
            .any(|(start, end)| *start < candidate.secret_end && candidate.secret_start < *end)
    };

    let mut generic_kept: Vec<(usize, usize)> = Vec::new();
    candidates.retain(|candidate| {
        if !rules[candidate.rule].generic {
            return true;
        }
        if overlaps(&specific, candidate) || overlaps(&generic_kept, candidate) {
            return false;
        }
        generic_kept.push((candidate.secret_start, candidate.secret_end));
        true
    });
    candidates
}

/// Adds line, column and redaction; `candidates` are sorted by start.
fn locate(text: &[u8], candidates: &[Candidate]) -> Vec<SecretMatch> {
    let mut line = 1u64;
    let mut counted_to = 0usize;
    let mut line_start = 0usize;
    candidates
        .iter()
        .map(|candidate| {
            for (offset, byte) in text[counted_to..candidate.start].iter().enumerate() {
                if *byte == b'\n' {
                    line += 1;
                    line_start = counted_to + offset + 1;
                }
            }
            counted_to = candidate.start;
            let characters_before = text[line_start..candidate.start]
                .iter()
                .filter(|byte| (**byte & 0xC0) != 0x80)
                .count();
            SecretMatch {
                rule: candidate.rule,
                start: candidate.start,
                end: candidate.end,
                line,
                column: characters_before as u64 + 1,
                redacted: redact(
                    &text[candidate.start..candidate.end],
                    candidate.secret_start - candidate.start
                        ..candidate.secret_end - candidate.start,
                ),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One scanner for every test: compiling the rules is the slow part of a debug build.
    fn scanner() -> &'static Scanner {
        static SCANNER: std::sync::OnceLock<Scanner> = std::sync::OnceLock::new();
        SCANNER.get_or_init(|| {
            Scanner::new(RuleSet::builtin().expect("built-in rules")).expect("automaton")
        })
    }

    fn found(scanner: &Scanner, text: &str) -> Vec<(String, u64, u64)> {
        scanner
            .scan(text.as_bytes())
            .into_iter()
            .map(|found| {
                (
                    scanner.rules()[found.rule].id.clone(),
                    found.line,
                    found.column,
                )
            })
            .collect()
    }

    /// The fixture corpus's files, positives and negatives.
    fn fixture_texts() -> Vec<Vec<u8>> {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/secrets");
        let mut pending = vec![root];
        let mut texts = Vec::new();
        while let Some(directory) = pending.pop() {
            let entries = std::fs::read_dir(&directory)
                .unwrap_or_else(|error| panic!("failed to list {}: {error}", directory.display()));
            for entry in entries {
                let path = entry.expect("a directory entry").path();
                if path.is_dir() {
                    pending.push(path);
                } else {
                    texts.push(std::fs::read(&path).expect("a fixture file"));
                }
            }
        }
        assert!(texts.len() > 100, "only {} fixture files", texts.len());
        texts
    }

    /// A text of `pieces` random pieces: keywords in random case (often touching or
    /// overlapping one another), slices of the fixture files, separators and newlines.
    fn keyword_soup(scanner: &Scanner, fixtures: &[Vec<u8>], seed: u64, pieces: usize) -> Vec<u8> {
        let keywords: Vec<&str> = scanner
            .rules()
            .iter()
            .flat_map(|rule| rule.keywords.iter().map(String::as_str))
            .collect();
        let mut state = seed;
        let mut next = move |below: usize| {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            (state >> 33) as usize % below
        };
        let mut text = Vec::new();
        for _ in 0..pieces {
            match next(4) {
                0 | 1 => {
                    let keyword = keywords[next(keywords.len())];
                    for byte in keyword.bytes() {
                        let upper = next(2) == 0;
                        text.push(if upper {
                            byte.to_ascii_uppercase()
                        } else {
                            byte
                        });
                    }
                }
                2 => {
                    let fixture = &fixtures[next(fixtures.len())];
                    let start = next(fixture.len().max(1));
                    let end = fixture.len().min(start + 1 + next(120));
                    text.extend_from_slice(&fixture[start.min(end)..end]);
                }
                _ => text.push(b" \n=:_-\"x"[next(8)]),
            }
        }
        text
    }

    #[test]
    fn the_built_in_keywords_get_a_prefilter() {
        assert!(scanner().prefilter().is_some());
    }

    #[test]
    fn the_prefilter_confirms_exactly_the_automaton_keyword_hits() {
        let scanner = scanner();
        let prefilter = scanner.prefilter().expect("a prefilter");
        let fixtures = fixture_texts();
        for seed in 0..20 {
            let text = keyword_soup(scanner, &fixtures, seed, 400);
            let mut expected: Vec<usize> = scanner
                .automaton()
                .find_overlapping_iter(Input::new(&text))
                .map(|hit| hit.pattern().as_usize())
                .collect();
            let mut confirmed = Vec::new();
            prefilter.for_each_keyword(&text, 0, text.len(), |keyword| confirmed.push(keyword));
            expected.sort_unstable();
            confirmed.sort_unstable();
            assert_eq!(confirmed, expected, "seed {seed}");
        }
    }

    #[test]
    fn the_prefilter_changes_no_finding() {
        let scanner = scanner();
        let mut without_prefilter = scanner.clone();
        without_prefilter.prefilter = None;
        let fixtures = fixture_texts();
        let mut texts = fixtures.clone();
        texts.extend((0..40).map(|seed| keyword_soup(scanner, &fixtures, seed, 300)));
        let mut findings = 0;
        for text in &texts {
            let found = scanner.scan(text);
            findings += found.len();
            assert_eq!(
                found,
                without_prefilter.scan(text),
                "{}",
                String::from_utf8_lossy(text)
            );
        }
        assert!(findings > texts.len() / 2, "only {findings} findings");
    }

    #[test]
    fn the_keyword_automaton_stays_small() {
        let scanner = Scanner::new(RuleSet::builtin().expect("rules")).expect("scanner");
        let bytes = scanner.automaton().memory_usage();
        eprintln!("keyword automaton: {bytes} bytes");
        assert!(bytes < 16 << 20, "{bytes} bytes");
    }

    #[test]
    fn a_token_is_found_at_its_line_and_character_column() {
        let scanner = scanner();
        let text = "first line\n  é token: ghp_0123456789abcdefghijABCDEFGHIJ012345\n";
        assert_eq!(found(scanner, text), vec![("github-pat".to_owned(), 2, 12)]);
    }

    #[test]
    fn several_tokens_on_one_line_are_all_found() {
        let scanner = scanner();
        let text =
            "a=ghp_0123456789abcdefghijABCDEFGHIJ012345 b=npm_0123456789abcdefghijABCDEFGHIJ012345";
        let rules: Vec<String> = found(scanner, text)
            .into_iter()
            .map(|(id, ..)| id)
            .collect();
        assert_eq!(rules, vec!["github-pat", "npm-access-token"]);
    }

    #[test]
    fn a_generic_rule_gives_way_to_the_specific_one() {
        let scanner = scanner();
        let text = "GITHUB_PASSWORD=\"ghp_0123456789abcdefghijABCDEFGHIJ012345\"\n";
        let rules: Vec<String> = found(scanner, text)
            .into_iter()
            .map(|(id, ..)| id)
            .collect();
        assert_eq!(rules, vec!["github-pat"]);
    }

    #[test]
    fn placeholders_and_low_entropy_values_are_not_reported() {
        let scanner = scanner();
        for text in [
            "password = \"changeme\"",
            "password: ${DB_PASSWORD}",
            "password=<password>",
            "password = 'aaaaaaaaaaaa'",
            "password = self.settings.password",
            "AKIAIOSFODNN7EXAMPLE",
        ] {
            assert!(found(scanner, text).is_empty(), "{text}");
        }
    }

    #[test]
    fn an_assignment_is_reported_from_the_start_of_its_name() {
        let scanner = scanner();
        let text = "DB_PASSWORD=\"hWqE4JhGkj5dJw\"\nx = {\n    \"api_key\": \"1hnCFsf2eLs4iN5sYGhSSFjT47PoXk1f\",\n}\n";
        assert_eq!(
            found(scanner, text),
            vec![
                ("generic-password".to_owned(), 1, 1),
                ("generic-secret".to_owned(), 3, 5)
            ]
        );
        assert_eq!(
            found(scanner, "mysql -u root --password=EGlTWwQDEs2N"),
            vec![("cli-password-argument".to_owned(), 1, 15)]
        );
    }

    #[test]
    fn calls_references_paths_names_and_default_passwords_are_not_reported() {
        let scanner = scanner();
        for text in [
            "POSTGRES_PASSWORD_FILE: /run/secrets/postgres_password",
            "passwordFile: ./secrets/smtp-password.txt",
            "existingSecretPasswordKey: postgres-password",
            "passwordSecretName: redis-auth",
            "a.password=a.passwordConfirmation=\"\"",
            "BROKER_URL=amqp://guest:guest@localhost:5672/",
            "passwd = fallback_getpass(prompt, stream)",
            "let secret = &self.client_traffic_secret;",
        ] {
            assert!(found(scanner, text).is_empty(), "{text}");
        }
    }

    #[test]
    fn values_that_only_resemble_paths_or_names_are_still_reported() {
        let scanner = scanner();
        for (text, rule) in [
            ("DB_PASSWORD=/x7Kq9mPzR2w", "generic-password"),
            (
                "ADMIN_PASSWORD=correct-horse-battery-staple",
                "generic-password",
            ),
            ("api_secret: svc-9f8e7d6c5b4a3f2e1d0c", "generic-secret"),
            (
                "BROKER_URL=amqp://app:Zq7xP2mK9w@broker:5672/",
                "url-password",
            ),
            (
                "connect(user, password='hWqE4JhGkj5dJw')",
                "generic-password",
            ),
            ("cb?access_token=Zq7xP2mK9wLr4TbY&state=1", "generic-secret"),
            (
                "MG_API_KEY=key-3ax6xnjp29jd6fds4gc373sgvjxteol0",
                "generic-secret",
            ),
        ] {
            let rules: Vec<String> = found(scanner, text)
                .into_iter()
                .map(|(id, ..)| id)
                .collect();
            assert_eq!(rules, vec![rule], "{text}");
        }
    }

    #[test]
    fn an_encrypted_putty_key_is_found_and_its_private_lines_hidden() {
        let scanner = scanner();
        let private_line = "b3BlbnNzaC1rZXktdjEAAAAACmFlczI1Ni1jdHIAAAAGYmNyeXB0AAAAGAAAABD";
        let text = format!(
            "PuTTY-User-Key-File-3: ssh-ed25519\nEncryption: aes256-cbc\nComment: deploy\n\
             Public-Lines: 2\nAAAAC3NzaC1lZDI1NTE5AAAAIPnAd+W4wEqv+zakt2V/GpsXFgUhm9ppdlqN0RFw\n\
             04O5\nKey-Derivation: Argon2id\nArgon2-Memory: 8192\nArgon2-Passes: 21\n\
             Argon2-Parallelism: 1\nArgon2-Salt: 1f2e3d4c5b6a79881f2e3d4c5b6a7988\n\
             Private-Lines: 1\n{private_line}\nPrivate-MAC: 6fec6385fc22e8fc455c2ec441e3453f\n"
        );
        let matches = scanner.scan(text.as_bytes());
        assert_eq!(matches.len(), 1);
        assert_eq!(scanner.rules()[matches[0].rule].id, "private-key-putty");
        assert!(!matches[0].redacted.contains(&private_line[..5]));
        assert!(!matches[0]
            .redacted
            .contains(&private_line[private_line.len() - 5..]));
        assert!(
            matches[0].redacted.ends_with("AABD Private-MAC:"),
            "{}",
            matches[0].redacted
        );
    }

    #[test]
    fn a_keyword_with_no_match_and_empty_text_give_nothing() {
        let scanner = scanner();
        assert!(found(scanner, "").is_empty());
        assert!(found(scanner, "ghp_ is the prefix of GitHub tokens").is_empty());
    }
}
