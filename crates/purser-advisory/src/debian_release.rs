//! Debian release codenames and the version numbers OSV uses for them (`Debian:12`).

use crate::model::Ecosystem;

/// The OSV release for a Debian codename: the version number for released codenames
/// (`bookworm` is `12`), and the codename itself for `sid`, `experimental` and codenames this
/// table does not know yet.
///
/// `sid` keeps its name because unstable has no number and OSV has no spelling for it; an image
/// whose os-release says `sid` (or `trixie/sid` before trixie's release) is matched against
/// `Debian:sid`, which only the Debian tracker fills.
pub fn debian_release(codename: &str) -> String {
    let number = match codename.trim().to_ascii_lowercase().as_str() {
        "buzz" => "1.1",
        "rex" => "1.2",
        "bo" => "1.3",
        "hamm" => "2.0",
        "slink" => "2.1",
        "potato" => "2.2",
        "woody" => "3.0",
        "sarge" => "3.1",
        "etch" => "4",
        "lenny" => "5",
        "squeeze" => "6",
        "wheezy" => "7",
        "jessie" => "8",
        "stretch" => "9",
        "buster" => "10",
        "bullseye" => "11",
        "bookworm" => "12",
        "trixie" => "13",
        "forky" => "14",
        "duke" => "15",
        _ => return codename.trim().to_owned(),
    };
    number.to_owned()
}

/// The ecosystem `Debian:<release>` for a codename.
pub fn debian_ecosystem(codename: &str) -> Ecosystem {
    Ecosystem {
        name: "Debian".to_owned(),
        release: Some(debian_release(codename)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codenames_map_to_numbers() {
        assert_eq!(debian_release("bookworm"), "12");
        assert_eq!(debian_release("buster"), "10");
        assert_eq!(debian_release("sarge"), "3.1");
        assert_eq!(debian_release("sid"), "sid");
        assert_eq!(debian_ecosystem("trixie").to_string(), "Debian:13");
    }
}
