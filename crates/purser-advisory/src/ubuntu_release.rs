//! Ubuntu release codenames and the version numbers images and OSV use for them
//! (`focal` is `20.04`).
//!
//! Limitation: the table is fixed in code and ends at 26.04 (`resolute`); a newer codename, an
//! ESM stream (`trusty/esm`, `esm-infra/xenial`), an overlay (`vivid/ubuntu-core`), `devel` and
//! `upstream` have no number, and tracker lines for them are skipped and counted.

/// The version number of an Ubuntu codename, or `None` when the table does not know it.
pub fn ubuntu_release(codename: &str) -> Option<&'static str> {
    let number = match codename.trim().to_ascii_lowercase().as_str() {
        "warty" => "4.10",
        "hoary" => "5.04",
        "breezy" => "5.10",
        "dapper" => "6.06",
        "edgy" => "6.10",
        "feisty" => "7.04",
        "gutsy" => "7.10",
        "hardy" => "8.04",
        "intrepid" => "8.10",
        "jaunty" => "9.04",
        "karmic" => "9.10",
        "lucid" => "10.04",
        "maverick" => "10.10",
        "natty" => "11.04",
        "oneiric" => "11.10",
        "precise" => "12.04",
        "quantal" => "12.10",
        "raring" => "13.04",
        "saucy" => "13.10",
        "trusty" => "14.04",
        "utopic" => "14.10",
        "vivid" => "15.04",
        "wily" => "15.10",
        "xenial" => "16.04",
        "yakkety" => "16.10",
        "zesty" => "17.04",
        "artful" => "17.10",
        "bionic" => "18.04",
        "cosmic" => "18.10",
        "disco" => "19.04",
        "eoan" => "19.10",
        "focal" => "20.04",
        "groovy" => "20.10",
        "hirsute" => "21.04",
        "impish" => "21.10",
        "jammy" => "22.04",
        "kinetic" => "22.10",
        "lunar" => "23.04",
        "mantic" => "23.10",
        "noble" => "24.04",
        "oracular" => "24.10",
        "plucky" => "25.04",
        "questing" => "25.10",
        "resolute" => "26.04",
        _ => return None,
    };
    Some(number)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codenames_map_to_numbers() {
        assert_eq!(ubuntu_release("focal"), Some("20.04"));
        assert_eq!(ubuntu_release("dapper"), Some("6.06"));
        assert_eq!(ubuntu_release("Noble"), Some("24.04"));
        assert_eq!(ubuntu_release("trusty/esm"), None);
        assert_eq!(ubuntu_release("devel"), None);
    }
}
