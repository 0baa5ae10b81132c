//! Package URLs (<https://github.com/package-url/purl-spec>) and registry pages for the
//! packages of a report.
//!
//! ```
//! use stackdex_catalog::rules::Ecosystem;
//! use stackdex_scan::purl;
//!
//! assert_eq!(purl::purl(Ecosystem::Npm, "@apollo/client", Some("3.7.2")).unwrap(), "pkg:npm/%40apollo/client@3.7.2");
//! assert_eq!(
//!     purl::purl(Ecosystem::Maven, "org.slf4j:slf4j-api", Some("2.0.9")).unwrap(),
//!     "pkg:maven/org.slf4j/slf4j-api@2.0.9"
//! );
//! ```

use stackdex_catalog::rules::Ecosystem;

/// The purl `type` of a package registry; `None` for ecosystems whose names are no packages
/// (Docker images, GitHub Actions, Terraform, Helm).
pub fn purl_type(ecosystem: Ecosystem) -> Option<&'static str> {
    Some(match ecosystem {
        Ecosystem::Npm => "npm",
        Ecosystem::Pypi => "pypi",
        Ecosystem::Crates => "cargo",
        Ecosystem::Go => "golang",
        Ecosystem::Rubygems => "gem",
        Ecosystem::Composer => "composer",
        Ecosystem::Maven => "maven",
        Ecosystem::Nuget => "nuget",
        Ecosystem::Hex => "hex",
        Ecosystem::Pub => "pub",
        Ecosystem::Cocoapods => "cocoapods",
        Ecosystem::Swiftpm => "swift",
        _ => return None,
    })
}

/// The package URL of a package, with its version when given; `None` when the ecosystem has
/// no packages or the name cannot be one.
pub fn purl(ecosystem: Ecosystem, name: &str, version: Option<&str>) -> Option<String> {
    let kind = purl_type(ecosystem)?;
    let name = name.trim();
    if name.is_empty() {
        return None;
    }
    // (namespace segments, name, subpath), as each type's rules of the spec say.
    let (namespace, base, subpath): (Vec<String>, String, Option<String>) = match ecosystem {
        Ecosystem::Npm => match name.strip_prefix('@').and_then(|n| n.split_once('/')) {
            Some((scope, rest)) => (vec![format!("@{scope}")], rest.to_owned(), None),
            None => (Vec::new(), name.to_owned(), None),
        },
        // PyPI names are lowercased with `_` as `-` (PEP 503).
        Ecosystem::Pypi => (Vec::new(), name.to_ascii_lowercase().replace(['_', '.'], "-"), None),
        Ecosystem::Composer => match name.split_once('/') {
            Some((vendor, package)) => (vec![vendor.to_ascii_lowercase()], package.to_ascii_lowercase(), None),
            None => (Vec::new(), name.to_ascii_lowercase(), None),
        },
        Ecosystem::Maven => match name.split_once(':') {
            Some((group, artifact)) => (vec![group.to_owned()], artifact.to_owned(), None),
            None => (Vec::new(), name.to_owned(), None),
        },
        Ecosystem::Go | Ecosystem::Swiftpm => {
            let mut parts: Vec<String> = name.split('/').filter(|p| !p.is_empty()).map(str::to_owned).collect();
            let base = parts.pop()?;
            (parts, base, None)
        }
        // `Firebase/Analytics` is the subspec `Analytics` of the pod `Firebase`.
        Ecosystem::Cocoapods => match name.split_once('/') {
            Some((pod, subspec)) => (Vec::new(), pod.to_owned(), Some(subspec.to_owned())),
            None => (Vec::new(), name.to_owned(), None),
        },
        Ecosystem::Hex | Ecosystem::Pub => (Vec::new(), name.to_ascii_lowercase(), None),
        _ => (Vec::new(), name.to_owned(), None),
    };
    let mut out = format!("pkg:{kind}/");
    for segment in &namespace {
        out.push_str(&encode(segment));
        out.push('/');
    }
    out.push_str(&encode(&base));
    if let Some(version) = version.map(str::trim).filter(|v| !v.is_empty()) {
        out.push('@');
        // Go module versions keep their `v` (`v1.9.1`).
        if ecosystem == Ecosystem::Go && version.starts_with(|c: char| c.is_ascii_digit()) {
            out.push('v');
        }
        out.push_str(&encode(version));
    }
    if let Some(subpath) = subpath {
        out.push('#');
        out.push_str(&subpath.split('/').map(encode).collect::<Vec<_>>().join("/"));
    }
    Some(out)
}

/// The package's page in its registry, as StackShare's Stack Files give it in `package_url`.
pub fn registry_page(ecosystem: Ecosystem, name: &str) -> Option<String> {
    let name = name.trim();
    Some(match ecosystem {
        Ecosystem::Npm => format!("https://www.npmjs.com/{name}"),
        Ecosystem::Pypi => format!("https://pypi.org/project/{name}"),
        Ecosystem::Crates => format!("https://crates.io/crates/{name}"),
        Ecosystem::Go => format!("https://pkg.go.dev/{name}"),
        Ecosystem::Rubygems => format!("https://rubygems.org/gems/{name}"),
        Ecosystem::Composer => format!("https://packagist.org/{name}"),
        Ecosystem::Maven => format!("https://central.sonatype.com/artifact/{}", name.replacen(':', "/", 1)),
        Ecosystem::Nuget => format!("https://www.nuget.org/packages/{name}"),
        Ecosystem::Hex => format!("https://hex.pm/packages/{name}"),
        Ecosystem::Pub => format!("https://pub.dev/packages/{name}"),
        Ecosystem::Cocoapods => format!("https://cocoapods.org/pods/{}", name.split('/').next().unwrap_or(name)),
        Ecosystem::Swiftpm => format!("https://{name}"),
        _ => return None,
    })
}

/// The registry's display name, for `<registry> Packages` in Stack Files.
pub fn registry_name(ecosystem: Ecosystem) -> &'static str {
    match ecosystem {
        Ecosystem::Npm => "npm",
        Ecosystem::Pypi => "PyPI",
        Ecosystem::Crates => "crates.io",
        Ecosystem::Go => "Go",
        Ecosystem::Rubygems => "RubyGems",
        Ecosystem::Composer => "Packagist",
        Ecosystem::Maven => "Maven",
        Ecosystem::Nuget => "NuGet",
        Ecosystem::Hex => "Hex",
        Ecosystem::Pub => "pub",
        Ecosystem::Cocoapods => "CocoaPods",
        Ecosystem::Swiftpm => "Swift",
        _ => "other",
    }
}

/// The ecosystem of a rule key (`npm`, `pypi`, ...), as [`crate::Package::ecosystem`] holds it.
pub fn ecosystem_of_key(key: &str) -> Option<Ecosystem> {
    Ecosystem::ALL.into_iter().find(|e| e.key() == key)
}

/// Percent-encodes everything but the characters the spec leaves as they are.
fn encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'.' | b'-' | b'_' | b'~') {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn purls_follow_each_types_rules() {
        let p = |e, n, v| purl(e, n, v).unwrap();
        assert_eq!(p(Ecosystem::Npm, "react", Some("18.2.0")), "pkg:npm/react@18.2.0");
        assert_eq!(p(Ecosystem::Pypi, "Django_Rest.Framework", Some("3.14")), "pkg:pypi/django-rest-framework@3.14");
        assert_eq!(p(Ecosystem::Crates, "serde", None), "pkg:cargo/serde");
        assert_eq!(
            p(Ecosystem::Go, "github.com/go-sql-driver/mysql", Some("1.7.1")),
            "pkg:golang/github.com/go-sql-driver/mysql@v1.7.1"
        );
        assert_eq!(p(Ecosystem::Composer, "Laravel/Framework", Some("10.0")), "pkg:composer/laravel/framework@10.0");
        assert_eq!(p(Ecosystem::Rubygems, "rails", Some("7.1.3")), "pkg:gem/rails@7.1.3");
        assert_eq!(p(Ecosystem::Nuget, "Newtonsoft.Json", Some("13.0.3")), "pkg:nuget/Newtonsoft.Json@13.0.3");
        assert_eq!(p(Ecosystem::Cocoapods, "Firebase/Analytics", None), "pkg:cocoapods/Firebase#Analytics");
        assert_eq!(
            p(Ecosystem::Swiftpm, "github.com/alamofire/alamofire", None),
            "pkg:swift/github.com/alamofire/alamofire"
        );
        assert_eq!(p(Ecosystem::Npm, "x", Some("1.0.0+build")), "pkg:npm/x@1.0.0%2Bbuild");
        assert!(purl(Ecosystem::Docker, "postgres", None).is_none());
    }
}
