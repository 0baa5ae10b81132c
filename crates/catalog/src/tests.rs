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

/// Tools whose source is on a code host but that no package, image, action, file or extension
/// can reveal in a repository, each with the reason. Everything else with a repository must have
/// a detection rule (`rules_cover_every_published_tool`).
const UNDETECTABLE: &[(&str, &str)] = &[
    // Desktop applications and editors: installed on a machine, never declared by a project.
    ("arduino-ide", "desktop IDE; sketches are found as Arduino"),
    ("atom", "desktop editor, archived; leaves no project file"),
    ("brackets", "desktop editor, archived; leaves no project file"),
    ("brave", "web browser"),
    ("heidisql", "desktop database client"),
    ("iterm2", "terminal emulator"),
    ("kite", "editor plug-in service, discontinued"),
    ("mongodb-compass", "desktop database client"),
    ("notepad-plus-plus", "desktop editor"),
    ("pycharm", "its .idea folder is shared by all JetBrains IDEs and counts as IntelliJ IDEA"),
    ("robo-3t", "desktop database client"),
    ("sequel-pro", "desktop database client"),
    ("textmate", "desktop editor"),
    ("windows-terminal", "terminal emulator"),
    ("docker-machine", "command-line tool, archived, used on a workstation"),
    ("boot2docker", "virtual-machine image, archived"),
    ("hub", "command-line tool used on a workstation"),
    ("oh-my-zsh", "shell configuration installed in a home folder"),
    // Operating systems without an official image of their own.
    ("coreos", "operating system, discontinued"),
    ("linux-mint", "desktop operating system"),
    ("raspbian", "operating system for Raspberry Pi boards"),
    ("rancheros", "operating system, discontinued"),
    // Specifications, language versions and standard libraries: found through their language.
    ("es6", "a version of the JavaScript specification"),
    ("java-8", "a version of Java"),
    ("webgl", "a browser API"),
    ("asyncio", "part of Python's standard library"),
    ("unittest", "part of Python's standard library"),
    // Boilerplates and stacks: copied into a project, not depended on.
    ("mean", "a stack of MongoDB, Express, Angular and Node.js, each detected on its own"),
    ("php-mvc", "a boilerplate copied into a project"),
    ("react-boilerplate", "a boilerplate copied into a project"),
    ("web-starter-kit", "a boilerplate copied into a project"),
    ("material-design-for-angular", "the same project as angular-material, whose rule names its packages"),
    // Hosted services and self-hosted applications run beside a project, not built into it.
    ("cacti", "self-hosted monitoring application"),
    ("cockpit", "self-hosted CMS application, installed from its release archive"),
    ("dcos", "cluster platform, discontinued"),
    ("devdocs", "documentation browser, used as a website"),
    ("expressionengine", "self-hosted CMS application, installed from its release archive"),
    ("gitbucket", "self-hosted Git server"),
    ("gitlab-pages", "hosting feature of GitLab, configured inside .gitlab-ci.yml jobs"),
    ("gitter", "hosted chat service"),
    ("google-fonts", "hosted font service, linked from pages"),
    ("koding", "hosted development environment, discontinued"),
    ("mesos", "cluster manager, retired to the Apache Attic"),
    ("opencart", "self-hosted shop application, installed from its release archive"),
    ("openstreetmap", "map data and website; clients are detected as their own libraries"),
    ("poli", "self-hosted BI application"),
    ("spinnaker", "self-hosted delivery platform configured outside the repository"),
    ("blue-ocean", "a Jenkins user interface plug-in"),
    ("lxc", "system containers managed on the host"),
    ("opm", "self-hosted PostgreSQL monitoring application"),
    // Never published, or no longer developed.
    ("effe", "never published as a package"),
    ("mentat", "never published as a package, archived"),
];

#[test]
fn rules_cover_every_published_tool() {
    const CODE_HOSTS: [&str; 6] = [
        "https://github.com/",
        "https://gitlab.com/",
        "https://bitbucket.org/",
        "https://codeberg.org/",
        "https://git.sr.ht/",
        "https://gitee.com/",
    ];
    let catalog = Catalog::builtin();
    let detectable: std::collections::HashSet<&str> = catalog
        .rules()
        .rules()
        .iter()
        .filter(|r| !r.dependencies.is_empty() || !r.files.is_empty() || !r.extensions.is_empty())
        .map(|r| r.tool.as_str())
        .collect();
    let exceptions: std::collections::HashSet<&str> = UNDETECTABLE.iter().map(|(slug, _)| *slug).collect();
    assert_eq!(exceptions.len(), UNDETECTABLE.len(), "an exception is listed twice");
    let mut missing: std::collections::BTreeMap<String, Vec<&str>> = std::collections::BTreeMap::new();
    for tool in catalog.tools() {
        let hosted = CODE_HOSTS.iter().any(|host| tool.repository.starts_with(host));
        if hosted && !detectable.contains(tool.slug.as_str()) && !exceptions.contains(tool.slug.as_str()) {
            let place = catalog.place(tool);
            let group = format!("{} > {} > {}", place.layer.name, place.category.name, place.subcategory.name);
            missing.entry(group).or_default().push(&tool.slug);
        }
    }
    let stale: Vec<&str> = UNDETECTABLE
        .iter()
        .map(|(slug, _)| *slug)
        .filter(|slug| catalog.tool(slug).is_none_or(|t| detectable.contains(t.slug.as_str())))
        .collect();
    let report: String = missing.iter().map(|(group, slugs)| format!("\n  {group}: {}", slugs.join(", "))).collect();
    let count: usize = missing.values().map(Vec::len).sum();
    assert!(
        missing.is_empty(),
        "{count} tools have a repository but no package, image, file or extension matcher in data/rules \
         (add one with scripts/catalog/add_rules.py, or list the tool in UNDETECTABLE with the reason):{report}"
    );
    assert!(stale.is_empty(), "UNDETECTABLE names tools that are unknown or now have a matcher: {stale:?}");
}
