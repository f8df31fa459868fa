//! SLSA build level judgement: what level a verified provenance from a given builder earns.

use crate::policy::builder_matches;

/// A SLSA v1.0 build level.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum BuildLevel {
    /// No provenance.
    L0,
    /// Provenance exists but is unsigned or did not verify.
    L1,
    /// Signed provenance from a hosted builder.
    L2,
    /// Signed provenance from a hardened builder.
    L3,
}

impl BuildLevel {
    /// `Build L0` … `Build L3`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::L0 => "Build L0",
            Self::L1 => "Build L1",
            Self::L2 => "Build L2",
            Self::L3 => "Build L3",
        }
    }
}

/// Builder id (`name` or `name@ref`, matched as [`builder_matches`] does) → the level its
/// verified provenance earns. Builders not listed earn [`BuildLevel::L1`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BuilderLevels {
    entries: Vec<(String, BuildLevel)>,
}

const GENERATOR: &str =
    "https://github.com/slsa-framework/slsa-github-generator/.github/workflows/";

impl Default for BuilderLevels {
    /// The GitHub SLSA generators and their BYOB builders (Build L3), and Google Cloud Build's
    /// hosted workers (Build L3, as Google documents them).
    fn default() -> Self {
        let mut entries: Vec<(String, BuildLevel)> = [
            "generator_generic_slsa3.yml",
            "generator_container_slsa3.yml",
            "builder_go_slsa3.yml",
            "builder_nodejs_slsa3.yml",
            "builder_container-based_slsa3.yml",
            "builder_maven_slsa3.yml",
            "builder_gradle_slsa3.yml",
        ]
        .iter()
        .map(|workflow| (format!("{GENERATOR}{workflow}"), BuildLevel::L3))
        .collect();
        entries.push((
            "https://cloudbuild.googleapis.com/GoogleHostedWorker".to_owned(),
            BuildLevel::L3,
        ));
        Self { entries }
    }
}

impl BuilderLevels {
    /// An empty map: every verified builder earns [`BuildLevel::L1`] until listed.
    pub fn empty() -> Self {
        Self {
            entries: Vec::new(),
        }
    }

    /// Sets the level for `builder` (replacing an earlier entry with the same text).
    pub fn set(&mut self, builder: &str, level: BuildLevel) {
        self.entries.retain(|(name, _)| name != builder);
        self.entries.push((builder.to_owned(), level));
    }

    /// The level a provenance earns: [`BuildLevel::L1`] when it did not verify, else the
    /// builder's listed level (L1 when unlisted).
    pub fn level(&self, verified: bool, builder_id: Option<&str>) -> BuildLevel {
        let Some(builder) = builder_id.filter(|_| verified) else {
            return BuildLevel::L1;
        };
        let builder = builder.trim();
        self.entries
            .iter()
            .filter(|(name, _)| builder_matches(name, builder) || gcb_matches(name, builder))
            .map(|(_, level)| *level)
            .max()
            .unwrap_or(BuildLevel::L1)
    }
}

/// Cloud Build ids carry their version after `@` without `refs/`: `GoogleHostedWorker@v0.3`.
fn gcb_matches(name: &str, builder: &str) -> bool {
    builder
        .split_once('@')
        .is_some_and(|(base, _)| base == name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_map_knows_generators_and_cloud_build() {
        let levels = BuilderLevels::default();
        let generic = format!("{GENERATOR}generator_generic_slsa3.yml@refs/tags/v2.1.0");
        assert_eq!(levels.level(true, Some(&generic)), BuildLevel::L3);
        assert_eq!(levels.level(false, Some(&generic)), BuildLevel::L1);
        assert_eq!(
            levels.level(
                true,
                Some("https://cloudbuild.googleapis.com/GoogleHostedWorker@v0.3")
            ),
            BuildLevel::L3
        );
        assert_eq!(
            levels.level(true, Some("https://example.com/b")),
            BuildLevel::L1
        );
    }

    #[test]
    fn configured_levels_override() {
        let mut levels = BuilderLevels::empty();
        levels.set("https://example.com/b", BuildLevel::L2);
        assert_eq!(
            levels.level(true, Some("https://example.com/b@v1")),
            BuildLevel::L2
        );
    }
}
