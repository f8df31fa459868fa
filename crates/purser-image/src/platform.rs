//! Image platforms (`os/architecture[/variant]`) and how they match.
//!
//! Names follow the OCI image index spec's `platform` object, whose values are those of Go's
//! `GOOS` and `GOARCH` (`linux`, `amd64`, `arm64`, …); `variant` tells CPU variants apart
//! (`v7` for 32-bit arm, `v8` for arm64).

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::error::ImageError;

/// The platform an image was built for.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Platform {
    /// Operating system, e.g. `linux`; empty when unknown (root filesystem directories).
    pub os: String,
    /// CPU architecture in Go's spelling, e.g. `amd64`, `arm64`; empty when unknown.
    pub architecture: String,
    /// CPU variant, e.g. `v8` for arm64, when stated.
    pub variant: Option<String>,
}

impl Platform {
    /// A platform from its parts; an empty variant counts as none.
    pub fn new(os: &str, architecture: &str, variant: Option<&str>) -> Platform {
        Platform {
            os: os.to_owned(),
            architecture: architecture.to_owned(),
            variant: variant.filter(|v| !v.is_empty()).map(str::to_owned),
        }
    }

    /// Parses `os/arch` or `os/arch/variant`, e.g. `linux/arm64/v8`.
    ///
    /// # Errors
    ///
    /// [`ImageError::InvalidPlatform`] when a part is missing or empty or there are more than
    /// three parts.
    pub fn parse(text: &str) -> Result<Platform, ImageError> {
        let parts: Vec<&str> = text.split('/').collect();
        let invalid = || ImageError::InvalidPlatform {
            input: text.chars().take(80).collect(),
        };

        if parts.iter().any(|part| part.is_empty()) {
            return Err(invalid());
        }
        match parts.as_slice() {
            [os, architecture] => Ok(Platform::new(os, architecture, None)),
            [os, architecture, variant] => Ok(Platform::new(os, architecture, Some(variant))),
            _ => Err(invalid()),
        }
    }

    /// The platform of the running machine, as container tools name it.
    ///
    /// The OS is `linux` on Linux and also on macOS, whose container engines run Linux
    /// images in a virtual machine; elsewhere it is Rust's OS name. Architectures map Rust's
    /// names to Go's (`x86_64` → `amd64`, `aarch64` → `arm64` with variant `v8`, `x86` → `386`,
    /// `arm` → `arm` with variant `v7`, `powerpc64` → `ppc64le`/`ppc64`, `loongarch64` →
    /// `loong64`, `mips64` → `mips64le`/`mips64`); other names pass through.
    pub fn host() -> Platform {
        let os = match std::env::consts::OS {
            "macos" => "linux",
            other => other,
        };
        let little_endian = cfg!(target_endian = "little");
        let (architecture, variant) = match std::env::consts::ARCH {
            "x86_64" => ("amd64", None),
            "aarch64" => ("arm64", Some("v8")),
            "x86" => ("386", None),
            "arm" => ("arm", Some("v7")),
            "powerpc64" if little_endian => ("ppc64le", None),
            "powerpc64" => ("ppc64", None),
            "mips64" if little_endian => ("mips64le", None),
            "loongarch64" => ("loong64", None),
            other => (other, None),
        };
        Platform::new(os, architecture, variant)
    }

    /// Whether an image built for `candidate` satisfies a request for `self`.
    ///
    /// OS and architecture must be equal. A request without a variant accepts any variant; a
    /// request with one needs the same variant after normalisation (arm64 without a variant is
    /// `v8`, amd64 without one is `v1`), as containerd's platform matcher does.
    pub fn matches(&self, candidate: &Platform) -> bool {
        if self.os != candidate.os || self.architecture != candidate.architecture {
            return false;
        }
        match &self.variant {
            None => true,
            Some(_) => self.normalised_variant() == candidate.normalised_variant(),
        }
    }

    /// The variant with the architecture's implied default filled in.
    fn normalised_variant(&self) -> Option<&str> {
        match (self.architecture.as_str(), self.variant.as_deref()) {
            ("arm64", None) => Some("v8"),
            ("amd64", None) => Some("v1"),
            (_, variant) => variant,
        }
    }
}

impl fmt::Display for Platform {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(formatter, "{}/{}", self.os, self.architecture)?;
        if let Some(variant) = &self.variant {
            write!(formatter, "/{variant}")?;
        }
        Ok(())
    }
}

impl FromStr for Platform {
    type Err = ImageError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Platform::parse(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_two_and_three_parts() {
        let amd64 = Platform::parse("linux/amd64").expect("valid");
        assert_eq!(amd64, Platform::new("linux", "amd64", None));
        assert_eq!(amd64.to_string(), "linux/amd64");

        let arm64 = Platform::parse("linux/arm64/v8").expect("valid");
        assert_eq!(arm64.variant.as_deref(), Some("v8"));
        assert_eq!(arm64.to_string(), "linux/arm64/v8");
    }

    #[test]
    fn rejects_malformed() {
        for bad in ["", "linux", "linux/", "/amd64", "linux//v8", "a/b/c/d"] {
            let error = Platform::parse(bad).expect_err(bad);
            assert!(error.to_string().contains("os/arch[/variant]"), "{error}");
        }
    }

    #[test]
    fn host_uses_go_names() {
        let host = Platform::host();
        assert!(!host.os.is_empty());
        assert_ne!(host.architecture, "x86_64");
        assert_ne!(host.architecture, "aarch64");
        if cfg!(target_arch = "x86_64") {
            assert_eq!(host.architecture, "amd64");
        }
        if cfg!(target_arch = "aarch64") {
            assert_eq!(host, Platform::new("linux", "arm64", Some("v8")));
        }
    }

    #[test]
    fn matching_normalises_default_variants() {
        let arm64 = Platform::new("linux", "arm64", None);
        let arm64_v8 = Platform::new("linux", "arm64", Some("v8"));
        let amd64 = Platform::new("linux", "amd64", None);

        assert!(arm64_v8.matches(&arm64));
        assert!(arm64.matches(&arm64_v8));
        assert!(!arm64_v8.matches(&Platform::new("linux", "arm64", Some("v9"))));
        assert!(!arm64.matches(&amd64));
        assert!(!amd64.matches(&Platform::new("windows", "amd64", None)));
        assert!(Platform::new("linux", "amd64", Some("v1")).matches(&amd64));

        let arm_v7 = Platform::new("linux", "arm", Some("v7"));
        assert!(!arm_v7.matches(&Platform::new("linux", "arm", Some("v6"))));
        assert!(Platform::new("linux", "arm", None).matches(&arm_v7));
    }
}
