//! Expected stacks of the fixture repositories under tests/fixtures, one or more per ecosystem.

use crate::common;

use common::*;

#[test]
fn pyproject_extras_and_compatible_release_constraints() {
    let report = scan_fixture("python-app");
    let django = tool(&report, "django");
    assert_eq!(django.versions, ["4.2"]);
    assert!(from_file(django, "pyproject.toml"));
    assert_eq!(django.layer, "Application & Data");
    // `psycopg[binary] >=3.1 ; marker` is PostgreSQL (via its driver, so no server version).
    let postgres = tool(&report, "postgresql");
    assert!(postgres.versions.is_empty());
    assert_eq!(postgres.sources[0].version.as_deref(), Some("3.1"));
    assert_eq!(tool(&report, "celery").versions, ["5.3"]);
    assert!(from_file(tool(&report, "pytest"), "pyproject.toml"));
}

#[test]
fn requirements_follow_includes_and_continuations() {
    let report = scan_fixture("python-app");
    let gunicorn = tool(&report, "gunicorn");
    assert_eq!(gunicorn.versions, ["21.2.0"]);
    // requirements.txt -> -r requirements/base.txt (a continued line) -> -r ../requirements-extra.in
    let redis = tool(&report, "redis");
    assert!(from_file(redis, "requirements/base.txt"));
    assert!(from_file(tool(&report, "sentry"), "requirements-extra.in"));
    // the requirements/ folder is not a component of its own
    assert_eq!(report.components.len(), 1, "{:?}", report.components);
}

#[test]
fn env_example_names_are_weaker_evidence() {
    let report = scan_fixture("python-app");
    let stripe = tool(&report, "stripe");
    assert!(from_file(stripe, ".env.example"));
    assert!(stripe.confidence < 0.75, "{}", stripe.confidence);
    assert_eq!(stripe.sources[0].rule, "dotenv:STRIPE_");
    assert!((tool(&report, "django").confidence - 1.0).abs() < f32::EPSILON);
}

#[test]
fn poetry_constraints_resolve_from_poetry_lock() {
    let report = scan_fixture("poetry-app");
    assert_eq!(tool(&report, "fastapi").versions, ["0.110.1"]);
    // lock names are normalised (SQLAlchemy == sqlalchemy)
    assert_eq!(tool(&report, "sqlalchemy").versions, ["2.0.29"]);
    assert_eq!(component(&report, ".").name, "api");
    // python = "^3.11" is not a package
    assert!(tool(&report, "pytest").versions == ["8.0"]);
}

#[test]
fn npm_workspaces_components_and_yarn_lock_versions() {
    let report = scan_fixture("node-monorepo");
    let react = tool(&report, "react");
    assert_eq!(react.versions, ["18.2.0"], "resolved from yarn.lock, not ^18.0.0");
    assert!(from_file(react, "packages/web/package.json"));
    assert_eq!(tool(&report, "next-js").versions, ["14.1.0"]);
    assert_eq!(tool(&report, "typescript").versions, ["5.3.3"]);
    let web = component(&report, "packages/web");
    assert_eq!(web.name, "web");
    assert_eq!(web.workspace.as_deref(), Some("."));
    assert!(web.tools.contains(&"react".to_owned()));
    assert!(!web.tools.contains(&"expressjs".to_owned()));
    let api = component(&report, "packages/api");
    assert!(api.tools.contains(&"expressjs".to_owned()));
    assert!(api.tools.contains(&"postgresql".to_owned()));
}

#[test]
fn components_with_the_same_name_are_not_merged() {
    let report = scan_fixture("node-monorepo");
    let webs: Vec<_> = report.components.iter().filter(|c| c.name == "web").collect();
    assert_eq!(webs.len(), 2);
    let tools_web = component(&report, "tools/web");
    assert!(tools_web.workspace.is_none(), "not a member of packages/*");
    assert!(tools_web.tools.contains(&"jquery".to_owned()));
    assert!(!component(&report, "packages/web").tools.contains(&"jquery".to_owned()));
}

#[test]
fn languages_have_byte_shares() {
    let report = scan_fixture("node-monorepo");
    let total: f64 = report.languages.iter().map(|l| l.share).sum();
    assert!((total - 1.0).abs() < 1e-9);
    let ts = report.languages.iter().find(|l| l.slug == "typescript").unwrap();
    assert_eq!(ts.files, 1);
    assert_eq!(ts.bytes, std::fs::metadata(fixture("node-monorepo/packages/web/pages/index.tsx")).unwrap().len());
}

#[test]
fn cargo_workspace_renames_and_target_tables() {
    let report = scan_fixture("rust-workspace");
    // `pg = { package = "tokio-postgres" }` is tokio-postgres
    let postgres = tool(&report, "postgresql");
    assert!(from_file(postgres, "crates/api/Cargo.toml"));
    assert_eq!(postgres.sources[0].version.as_deref(), Some("0.7.10"));
    // `redis = { workspace = true }` resolves from the root Cargo.lock; a client's version is
    // not Redis's
    let redis = tool(&report, "redis");
    assert!(redis.versions.is_empty(), "{:?}", redis.versions);
    assert_eq!(redis.sources[0].version.as_deref(), Some("0.25.3"));
    assert!(has(&report, "sqlite"), "target.'cfg(unix)'.dependencies");
    assert_eq!(component(&report, "crates/cli").workspace.as_deref(), Some("."));
    assert!(has(&report, "rust"));
}

#[test]
fn go_modules_skip_indirect_and_major_suffixes() {
    let report = scan_fixture("go-service");
    let echo = tool(&report, "echo");
    assert_eq!(echo.versions, ["4.11.4"], "github.com/labstack/echo/v4");
    assert!(has(&report, "redis"));
    assert!(has(&report, "postgresql"), "single-line require of pgx/v5");
    assert!(!has(&report, "gorm"), "indirect requirements are not this module's stack");
    let svc = component(&report, "svc");
    assert_eq!(svc.name, "github.com/acme/svc");
    assert_eq!(svc.workspace.as_deref(), Some("."), "go.work use");
}

#[test]
fn gems_with_and_without_versions() {
    let report = scan_fixture("ruby-app");
    assert_eq!(tool(&report, "rails").versions, ["7.1.3"]);
    assert!(has(&report, "postgresql"), "gem 'pg' has no version in the Gemfile");
    assert_eq!(tool(&report, "sidekiq").versions, ["7.2.1"]);
    assert!(has(&report, "rspec"));
}

#[test]
fn composer_skips_platform_requirements() {
    let report = scan_fixture("php-app");
    assert_eq!(tool(&report, "laravel").versions, ["10.48.2"]);
    assert_eq!(tool(&report, "phpunit").versions, ["10.5.9"]);
    assert_eq!(component(&report, ".").name, "acme/shop");
}

#[test]
fn maven_parent_properties_and_dependency_management() {
    let report = scan_fixture("maven-multi");
    assert_eq!(tool(&report, "spring-boot").versions, ["3.2.1"]);
    let postgres = tool(&report, "postgresql");
    assert!(from_file(postgres, "web/pom.xml"));
    // the module's versionless dependency takes ${postgres.version} from the parent's management
    assert_eq!(postgres.sources[0].version.as_deref(), Some("42.7.1"));
    assert_eq!(tool(&report, "junit").versions, ["4.13.2"]);
    let web = component(&report, "web");
    assert_eq!(web.name, "shop-web");
    assert_eq!(web.workspace.as_deref(), Some("."));
}

#[test]
fn gradle_scripts_settings_and_version_catalogs() {
    let report = scan_fixture("gradle-app");
    assert_eq!(tool(&report, "retrofit").versions, ["2.9.0"], "version.ref in libs.versions.toml");
    // an SDK's version is not the service's
    let sentry = tool(&report, "sentry");
    assert!(sentry.versions.is_empty(), "{:?}", sentry.versions);
    assert!(sentry.sources.iter().any(|s| s.version.as_deref() == Some("7.3.0")));
    assert_eq!(tool(&report, "junit").versions, ["5.10.1"], "named arguments");
    assert!(has(&report, "spring-boot"), "plugins: id(...)");
    assert!(has(&report, "redis") && has(&report, "mongodb"), "Groovy DSL");
    assert_eq!(component(&report, ".").name, "mobile");
    assert_eq!(component(&report, "core").workspace.as_deref(), Some("."));
}

#[test]
fn nuget_central_versions_and_web_sdk() {
    let report = scan_fixture("dotnet-app");
    let postgres = tool(&report, "postgresql");
    assert_eq!(postgres.sources[0].version.as_deref(), Some("8.0.1"), "Directory.Packages.props");
    assert!(has(&report, "asp-net-core"), "Sdk=Microsoft.NET.Sdk.Web");
    assert_eq!(tool(&report, "redis").sources[0].version.as_deref(), Some("2.7.10"));
    assert_eq!(tool(&report, "nunit").versions, ["3.14.0"], "packages.config");
    assert_eq!(component(&report, "src/Api").name, "Acme.Api");
}

#[test]
fn hex_pub_cocoapods_and_swiftpm() {
    let elixir = scan_fixture("elixir-app");
    assert_eq!(tool(&elixir, "phoenix-framework").versions, ["1.7.11"]);
    assert!(has(&elixir, "postgresql"));
    let flutter = scan_fixture("flutter-app");
    assert!(has(&flutter, "flutter"), "sdk: flutter");
    assert!(has(&flutter, "firebase") && has(&flutter, "sqlite"));
    assert_eq!(component(&flutter, ".").name, "shop_app");
    let ios = scan_fixture("ios-app");
    assert_eq!(tool(&ios, "alamofire").versions, ["5.8.1"]);
    let swift = scan_fixture("swift-pkg");
    assert_eq!(tool(&swift, "alamofire").versions, ["5.8.1"], "Package.resolved");
    assert!(has(&swift, "realm"));
    assert_eq!(component(&swift, ".").name, "ShopKit");
}
