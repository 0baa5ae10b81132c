use super::*;

#[test]
fn builtin_catalog_is_valid() {
    assert_eq!(DATA_FORMAT, Format::Json, "every data file is valid TOML (converted at build time)");
    let catalog = Catalog::from_sources(DATA_FILES, DATA_FORMAT).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(catalog.layers().len(), 4);
    assert!(catalog.tools().len() >= 1500, "only {} tools", catalog.tools().len());
}

#[test]
fn every_tool_is_described_and_placed() {
    let catalog = Catalog::builtin();
    let missing: Vec<String> = catalog
        .tools()
        .iter()
        .filter(|t| t.description.trim().is_empty() || t.website.is_empty())
        .map(|t| format!("{}: {}", t.file, t.slug))
        .collect();
    assert!(
        missing.is_empty(),
        "{} tools lack a description or website: {:?}",
        missing.len(),
        &missing[..missing.len().min(20)]
    );
    for tool in catalog.tools() {
        let place = catalog.place(tool);
        assert_eq!(place.subcategory.slug, tool.subcategory);
    }
}

#[test]
fn lookup_by_slug_and_alias() {
    let catalog = Catalog::builtin();
    assert_eq!(catalog.tool("django").unwrap().name, "Django");
    let with_alias = catalog.tools().iter().find(|t| !t.aliases.is_empty()).unwrap();
    assert_eq!(catalog.tool(&with_alias.aliases[0].to_uppercase()).unwrap().slug, with_alias.slug);
    assert!(catalog.tool("no-such-tool").is_none());
}

#[test]
fn errors_name_the_file_and_the_entry() {
    let taxonomy = r#"
[[layer]]
slug = "devops"
name = "DevOps"
[[layer.category]]
slug = "monitoring"
name = "Monitoring"
subcategories = [{ slug = "apm", name = "APM" }]
"#;
    let tools = r#"
[[tool]]
slug = "alpha"
name = "Alpha"
subcategory = "apm"
website = "not a url"
alternatives = ["ghost"]
aliases = ["beta"]

[[tool]]
slug = "beta"
name = "Beta"
subcategory = "nowhere"

[[tool]]
slug = "alpha"
name = "Alpha again"
subcategory = "apm"
"#;
    let files = [("taxonomy.toml", taxonomy), ("tools/devops/monitoring.toml", tools)];
    let errors = Catalog::from_files(&files).unwrap_err().0;
    let text: Vec<String> = errors.iter().map(ToString::to_string).collect();
    let has = |needle: &str| text.iter().any(|t| t.contains(needle));
    assert!(has("tools/devops/monitoring.toml: beta: unknown subcategory"), "{text:#?}");
    assert!(has("tools/devops/monitoring.toml: alpha: duplicate slug"), "{text:#?}");
    assert!(has("alpha: website is not an http(s) URL"), "{text:#?}");
    assert!(has("alpha: alternatives names unknown tool \"ghost\""), "{text:#?}");
    assert!(has("alpha: alias \"beta\" is another tool's slug"), "{text:#?}");
}

#[test]
fn malformed_toml_is_reported_with_its_file() {
    let files = [("taxonomy.toml", "[[layer]\nslug ="), ("tools/x/y.toml", "")];
    let errors = Catalog::from_files(&files).unwrap_err().0;
    assert!(errors.iter().any(|e| e.file == "taxonomy.toml"), "{errors:?}");
}
