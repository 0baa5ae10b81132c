//! NuGet: SDK-style projects (*.csproj, *.fsproj, *.vbproj), Directory.Packages.props (central
//! versions) and packages.config.

use stackdex_catalog::rules::Ecosystem::Nuget;

use super::xml;
use crate::evidence::{FileFindings, Scope};

pub fn msbuild(text: &str, out: &mut FileFindings) -> Result<(), String> {
    let project = xml::parse(text)?;
    if project.name != "Project" {
        return Err(format!("root is <{}>, not <Project>", project.name));
    }
    let descendants = project.descendants();
    let name = descendants.iter().find(|e| e.name == "AssemblyName" || e.name == "PackageId").map(|e| e.text.trim());
    let has_references = descendants.iter().any(|e| e.name == "PackageReference");
    if has_references || project.attribute("Sdk").is_some() {
        out.component(name);
    }
    // `Microsoft.NET.Sdk.Web` is an ASP.NET Core application.
    if let Some(sdk) = project.attribute("Sdk")
        && sdk.eq_ignore_ascii_case("Microsoft.NET.Sdk.Web")
    {
        out.declared_tool(Nuget, "Microsoft.AspNetCore.App", None);
    }
    // A test project (the test SDK, or `<IsTestProject>`): all its packages serve the tests.
    let is_test_project = descendants.iter().any(|e| {
        (e.name == "IsTestProject" && e.text.trim().eq_ignore_ascii_case("true"))
            || (e.name == "PackageReference"
                && e.attribute("Include").is_some_and(|i| i.eq_ignore_ascii_case("Microsoft.NET.Test.Sdk")))
    });
    for element in descendants {
        let version = element
            .attribute("Version")
            .or_else(|| element.attribute("VersionOverride"))
            .map(str::to_owned)
            .or_else(|| element.child_text("Version").map(str::to_owned));
        let Some(id) = element.attribute("Include").or_else(|| element.attribute("Update")) else {
            continue;
        };
        match element.name.as_str() {
            "PackageReference" => {
                // `PrivateAssets="all"`: analyzers and build tasks, not shipped with the project.
                let private = element
                    .attribute("PrivateAssets")
                    .map(str::to_owned)
                    .or_else(|| element.child_text("PrivateAssets").map(str::to_owned))
                    .is_some_and(|p| p.trim().eq_ignore_ascii_case("all"));
                let scope = if is_test_project {
                    Scope::Test
                } else if private {
                    Scope::Dev
                } else {
                    Scope::Runtime
                };
                out.declared_as(Nuget, id, version.as_deref(), scope);
            }
            // Central package management: the version every project of the tree uses.
            "PackageVersion" => {
                if let Some(version) = version {
                    out.locked(Nuget, id, &version);
                }
            }
            _ => {}
        }
    }
    Ok(())
}

pub fn packages_config(text: &str, out: &mut FileFindings) -> Result<(), String> {
    let root = xml::parse(text)?;
    out.component(None);
    for package in root.children_named("package") {
        if let Some(id) = package.attribute("id") {
            out.declared(Nuget, id, package.attribute("version"));
        }
    }
    Ok(())
}
