//! Operating system families as vulnerability data names them, from the identifiers the release
//! files use.

/// Identifiers (os-release `ID`, lower-cased lsb-release `DISTRIB_ID`) and the family each
/// stands for. An identifier absent from this table is not a family we know; see
/// [`family_for`].
///
/// Several entries name derivatives whose `ID_LIKE` points at a bigger family (Echo Linux says
/// `debian`, postmarketOS says `alpine`, Hummingbird says `fedora rhel`): they are listed so that
/// their own version numbers are never read as the parent's.
const FAMILIES: &[(&str, &str)] = &[
    ("almalinux", "almalinux"),
    ("alpine", "alpine"),
    ("amzn", "amazon"),
    ("arch", "arch"),
    ("azurelinux", "azurelinux"),
    ("bottlerocket", "bottlerocket"),
    ("centos", "centos"),
    ("chainguard", "chainguard"),
    ("debian", "debian"),
    ("echo", "echo"),
    ("fedora", "fedora"),
    ("gentoo", "gentoo"),
    ("hummingbird", "hummingbird"),
    ("mariner", "mariner"),
    ("minimos", "minimos"),
    ("ol", "oracle"),
    // Leap 42.x and the openSUSE releases before it used the plain `opensuse` identifier.
    ("opensuse", "opensuse.leap"),
    ("opensuse-leap", "opensuse.leap"),
    ("opensuse-tumbleweed", "opensuse.tumbleweed"),
    ("photon", "photon"),
    ("postmarketos", "postmarketos"),
    ("raspbian", "raspbian"),
    ("rhel", "redhat"),
    ("rocky", "rocky"),
    ("scientific", "scientific"),
    ("secureos", "secureos"),
    ("sl-micro", "sle-micro"),
    ("sle-micro", "sle-micro"),
    ("sle-micro-rancher", "sle-micro"),
    ("sled", "sled"),
    ("sles", "sles"),
    ("sles_sap", "sles"),
    ("ubuntu", "ubuntu"),
    ("wolfi", "wolfi"),
];

/// The family an identifier from [`FAMILIES`] stands for, compared without regard to case or
/// surrounding whitespace.
pub(crate) fn known_family(id: &str) -> Option<&'static str> {
    let id = id.trim().to_ascii_lowercase();
    FAMILIES
        .iter()
        .find(|(known, _)| *known == id)
        .map(|(_, family)| *family)
}

/// How a family was chosen from an os-release file's `ID` and `ID_LIKE`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum FamilyChoice {
    /// `ID` is a known identifier.
    FromId(&'static str),
    /// `ID` is absent or unknown and the first known identifier of `ID_LIKE` gave the family.
    FromIdLike {
        /// The family.
        family: &'static str,
        /// The `ID_LIKE` entry it came from.
        like: String,
    },
    /// `ID` is unknown and so is every `ID_LIKE` entry: the family is `ID` itself, lower-cased,
    /// so that the report still names the distribution.
    Unrecognised(String),
    /// Neither field says anything.
    Unknown,
}

impl FamilyChoice {
    /// The family, if any.
    pub(crate) fn family(&self) -> Option<&str> {
        match self {
            FamilyChoice::FromId(family) | FamilyChoice::FromIdLike { family, .. } => Some(family),
            FamilyChoice::Unrecognised(id) => Some(id),
            FamilyChoice::Unknown => None,
        }
    }
}

/// Chooses the family from os-release's `ID` and `ID_LIKE`. os-release(5) tells programs to
/// look at `ID_LIKE`, closest relative first, when they do not recognise `ID`.
pub(crate) fn family_for(id: Option<&str>, id_like: Option<&str>) -> FamilyChoice {
    if let Some(family) = id.and_then(known_family) {
        return FamilyChoice::FromId(family);
    }

    let like = id_like.into_iter().flat_map(str::split_whitespace);
    for entry in like {
        if let Some(family) = known_family(entry) {
            return FamilyChoice::FromIdLike {
                family,
                like: entry.to_owned(),
            };
        }
    }

    match id.map(str::trim).filter(|id| !id.is_empty()) {
        Some(id) => FamilyChoice::Unrecognised(id.to_ascii_lowercase()),
        None => FamilyChoice::Unknown,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers_map_to_vulnerability_data_names() {
        assert_eq!(known_family("rhel"), Some("redhat"));
        assert_eq!(known_family("ol"), Some("oracle"));
        assert_eq!(known_family("amzn"), Some("amazon"));
        assert_eq!(known_family("opensuse-leap"), Some("opensuse.leap"));
        assert_eq!(known_family(" Ubuntu "), Some("ubuntu"));
        assert_eq!(known_family("my-awesome-distro"), None);
    }

    #[test]
    fn the_table_is_sorted_and_has_no_duplicates() {
        let ids: Vec<&str> = FAMILIES.iter().map(|(id, _)| *id).collect();
        let mut sorted = ids.clone();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(ids, sorted);
    }

    #[test]
    fn a_known_id_wins_over_id_like() {
        // Amazon Linux 2 says ID_LIKE="centos rhel fedora" (Grype's testdata os/amazon).
        assert_eq!(
            family_for(Some("amzn"), Some("centos rhel fedora")),
            FamilyChoice::FromId("amazon")
        );
        // Echo Linux says ID_LIKE="debian" but is not Debian (Grype's testdata os/echo).
        assert_eq!(
            family_for(Some("echo"), Some("debian")),
            FamilyChoice::FromId("echo")
        );
    }

    #[test]
    fn id_like_is_the_fallback_in_order() {
        // Grype's testdata partial-fields/unknown-id and missing-id.
        assert_eq!(
            family_for(Some("my-awesome-distro"), Some("debian")),
            FamilyChoice::FromIdLike {
                family: "debian",
                like: "debian".to_owned()
            }
        );
        assert_eq!(family_for(None, Some("debian")).family(), Some("debian"));
        assert_eq!(
            family_for(Some("x"), Some("unheard-of rhel fedora")).family(),
            Some("redhat")
        );
    }

    #[test]
    fn an_unknown_id_is_kept_and_nothing_is_unknown() {
        assert_eq!(
            family_for(Some("Activestate"), Some("buildroot busybox")),
            FamilyChoice::Unrecognised("activestate".to_owned())
        );
        assert_eq!(family_for(None, None), FamilyChoice::Unknown);
        assert_eq!(family_for(Some("  "), Some("")), FamilyChoice::Unknown);
        assert_eq!(FamilyChoice::Unknown.family(), None);
    }
}
