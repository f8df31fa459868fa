//! The part of an advisory shown for a finding, stored as JSON and decoded only for a hit.

use purser_advisory::{Advisory, Reference, Score};
use serde::{Deserialize, Serialize};

/// Display data of one advisory.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub(crate) struct AdvisoryDisplay {
    pub(crate) id: String,
    pub(crate) aliases: Vec<String>,
    pub(crate) summary: Option<String>,
    pub(crate) published: Option<String>,
    pub(crate) modified: Option<String>,
    pub(crate) scores: Vec<Score>,
    pub(crate) references: Vec<Reference>,
    pub(crate) source: String,
}

impl AdvisoryDisplay {
    /// The display data of `advisory`, read from source `source`.
    pub(crate) fn new(advisory: &Advisory, source: &str) -> Self {
        Self {
            id: advisory.id.clone(),
            aliases: advisory.aliases.clone(),
            summary: advisory.summary.clone(),
            published: advisory.published.clone(),
            modified: advisory.modified.clone(),
            scores: advisory.scores.clone(),
            references: advisory.references.clone(),
            source: source.to_owned(),
        }
    }
}
