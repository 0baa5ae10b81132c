//! One parser per manifest kind. Each takes the file's text and fills [`FileFindings`]; a file it
//! cannot read is an `Err` with a message, which the scanner turns into a warning naming the file.
//! Parsers never panic on any input (each has a fuzz target).

mod config;
mod containers;
mod dotnet;
mod go;
mod infra;
mod jvm;
mod mobile;
mod npm;
mod php;
mod python;
mod ruby;
mod rust;
mod util;
mod xml;

use crate::evidence::FileFindings;

/// The manifest kinds the scanner reads. Anything else is only counted (extension) or matched
/// by name (file rules), never opened.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FileKind {
    /// npm `package.json`.
    PackageJson,
    /// npm `package-lock.json` or `npm-shrinkwrap.json`.
    PackageLock,
    /// `yarn.lock` (classic and Berry).
    YarnLock,
    /// `pnpm-lock.yaml`.
    PnpmLock,
    /// `pnpm-workspace.yaml` (workspace members).
    PnpmWorkspace,
    /// pip `requirements*.txt` (and `.txt` files in a `requirements` folder).
    Requirements,
    /// `pyproject.toml` (PEP 621, Poetry, uv, dependency groups).
    Pyproject,
    /// Pipenv `Pipfile`.
    Pipfile,
    /// Pipenv `Pipfile.lock`.
    PipfileLock,
    /// setuptools `setup.cfg`.
    SetupCfg,
    /// `poetry.lock`.
    PoetryLock,
    /// `uv.lock`.
    UvLock,
    /// Cargo `Cargo.toml`.
    CargoToml,
    /// `Cargo.lock`.
    CargoLock,
    /// `go.mod`.
    GoMod,
    /// `go.work` (workspace members).
    GoWork,
    /// Bundler `Gemfile` or `gems.rb`.
    Gemfile,
    /// `Gemfile.lock` or `gems.locked`.
    GemfileLock,
    /// Composer `composer.json`.
    ComposerJson,
    /// `composer.lock`.
    ComposerLock,
    /// Maven `pom.xml`.
    PomXml,
    /// Gradle `build.gradle` or `build.gradle.kts`.
    Gradle,
    /// Gradle `settings.gradle(.kts)` (root project name and included projects).
    GradleSettings,
    /// Gradle version catalog `*.versions.toml`.
    GradleVersionCatalog,
    /// MSBuild `*.csproj`, `*.fsproj`, `*.vbproj`.
    MsbuildProject,
    /// NuGet `packages.config`.
    PackagesConfig,
    /// NuGet central versions `Directory.Packages.props`.
    DirectoryPackagesProps,
    /// Elixir `mix.exs`.
    MixExs,
    /// `mix.lock`.
    MixLock,
    /// Dart and Flutter `pubspec.yaml`.
    Pubspec,
    /// `pubspec.lock`.
    PubspecLock,
    /// CocoaPods `Podfile`.
    Podfile,
    /// `Podfile.lock`.
    PodfileLock,
    /// SwiftPM `Package.swift`.
    PackageSwift,
    /// SwiftPM `Package.resolved`.
    PackageResolved,
    /// `Dockerfile`, `Containerfile`, `Dockerfile.*`, `*.dockerfile`.
    Dockerfile,
    /// Docker Compose `docker-compose*.yml`, `compose.*.yml`.
    Compose,
    /// A GitHub Actions workflow (`.github/workflows/*.yml`).
    GithubWorkflow,
    /// `.gitlab-ci.yml`.
    GitlabCi,
    /// Terraform `*.tf`.
    Terraform,
    /// Helm `Chart.yaml`.
    HelmChart,
    /// YAML under a Kubernetes-looking folder (`k8s/`, `deploy/`, `charts/`, ...).
    KubernetesYaml,
    /// `.env.example` and its kin (variable names only).
    DotenvExample,
    /// `.nvmrc` or `.node-version`: the Node.js version.
    NodeVersion,
    /// `.python-version`: the Python version.
    PythonVersion,
    /// `.ruby-version`: the Ruby version.
    RubyVersion,
    /// `rust-toolchain.toml` or `rust-toolchain`: the Rust toolchain.
    RustToolchain,
    /// `global.json`: the .NET SDK version.
    GlobalJson,
    /// asdf's `.tool-versions`.
    ToolVersions,
    /// mise's `mise.toml` or `.mise.toml`.
    MiseToml,
    /// `.pre-commit-config.yaml`.
    PreCommit,
    /// `devcontainer.json` or `.devcontainer.json`.
    Devcontainer,
    /// Tilt's `Tiltfile`.
    Tiltfile,
    /// `serverless.yml`.
    Serverless,
    /// App Engine's `app.yaml`.
    AppYaml,
    /// Cloud Build's `cloudbuild.yaml`.
    CloudBuild,
    /// `kustomization.yaml`.
    Kustomization,
    /// `skaffold.yaml`.
    Skaffold,
    /// Rails' `config/importmap.rb`.
    Importmap,
}

impl FileKind {
    /// Classifies a file by its relative path (`/`-separated).
    pub fn of(rel_path: &str) -> Option<FileKind> {
        let name = rel_path.rsplit('/').next().unwrap_or(rel_path);
        let lower = name.to_ascii_lowercase();
        let parent = rel_path.rsplit_once('/').map(|(dir, _)| dir).unwrap_or_default();
        let kind = match lower.as_str() {
            "package.json" => FileKind::PackageJson,
            "package-lock.json" | "npm-shrinkwrap.json" => FileKind::PackageLock,
            "yarn.lock" => FileKind::YarnLock,
            "pnpm-lock.yaml" => FileKind::PnpmLock,
            "pnpm-workspace.yaml" => FileKind::PnpmWorkspace,
            "pyproject.toml" => FileKind::Pyproject,
            "pipfile" => FileKind::Pipfile,
            "pipfile.lock" => FileKind::PipfileLock,
            "setup.cfg" => FileKind::SetupCfg,
            "poetry.lock" => FileKind::PoetryLock,
            "uv.lock" => FileKind::UvLock,
            "cargo.toml" => FileKind::CargoToml,
            "cargo.lock" => FileKind::CargoLock,
            "go.mod" => FileKind::GoMod,
            "go.work" => FileKind::GoWork,
            "gemfile" | "gems.rb" => FileKind::Gemfile,
            "gemfile.lock" | "gems.locked" => FileKind::GemfileLock,
            "composer.json" => FileKind::ComposerJson,
            "composer.lock" => FileKind::ComposerLock,
            "pom.xml" => FileKind::PomXml,
            "build.gradle" | "build.gradle.kts" => FileKind::Gradle,
            "settings.gradle" | "settings.gradle.kts" => FileKind::GradleSettings,
            "packages.config" => FileKind::PackagesConfig,
            "directory.packages.props" => FileKind::DirectoryPackagesProps,
            "mix.exs" => FileKind::MixExs,
            "mix.lock" => FileKind::MixLock,
            "pubspec.yaml" => FileKind::Pubspec,
            "pubspec.lock" => FileKind::PubspecLock,
            "podfile" => FileKind::Podfile,
            "podfile.lock" => FileKind::PodfileLock,
            "package.swift" => FileKind::PackageSwift,
            "package.resolved" => FileKind::PackageResolved,
            "dockerfile" | "containerfile" => FileKind::Dockerfile,
            ".gitlab-ci.yml" | ".gitlab-ci.yaml" => FileKind::GitlabCi,
            "chart.yaml" => FileKind::HelmChart,
            ".env.example"
            | ".env.sample"
            | ".env.template"
            | ".env.dist"
            | ".env.defaults"
            | "env.example"
            | "example.env"
            | "sample.env"
            | ".env.local.example"
            | ".env.development.example" => FileKind::DotenvExample,
            ".nvmrc" | ".node-version" => FileKind::NodeVersion,
            ".python-version" => FileKind::PythonVersion,
            ".ruby-version" => FileKind::RubyVersion,
            "rust-toolchain.toml" | "rust-toolchain" => FileKind::RustToolchain,
            "global.json" => FileKind::GlobalJson,
            ".tool-versions" => FileKind::ToolVersions,
            "mise.toml" | ".mise.toml" => FileKind::MiseToml,
            ".pre-commit-config.yaml" | ".pre-commit-config.yml" => FileKind::PreCommit,
            "devcontainer.json" | ".devcontainer.json" => FileKind::Devcontainer,
            "tiltfile" => FileKind::Tiltfile,
            "serverless.yml" | "serverless.yaml" => FileKind::Serverless,
            "app.yaml" | "app.yml" => FileKind::AppYaml,
            "cloudbuild.yaml" | "cloudbuild.yml" => FileKind::CloudBuild,
            "kustomization.yaml" | "kustomization.yml" | "kustomization" => FileKind::Kustomization,
            "skaffold.yaml" | "skaffold.yml" => FileKind::Skaffold,
            "importmap.rb" => FileKind::Importmap,
            _ => return Self::by_pattern(&lower, parent),
        };
        Some(kind)
    }

    fn by_pattern(lower: &str, parent: &str) -> Option<FileKind> {
        let parent_lower = parent.to_ascii_lowercase();
        let is_yaml = lower.ends_with(".yml") || lower.ends_with(".yaml");
        if lower.ends_with(".txt")
            && (lower.starts_with("requirements")
                || parent_lower.ends_with("requirements")
                || lower.ends_with("-requirements.txt"))
        {
            return Some(FileKind::Requirements);
        }
        if lower.ends_with(".versions.toml") {
            return Some(FileKind::GradleVersionCatalog);
        }
        if lower.ends_with(".csproj") || lower.ends_with(".fsproj") || lower.ends_with(".vbproj") {
            return Some(FileKind::MsbuildProject);
        }
        if lower.starts_with("dockerfile.") || lower.ends_with(".dockerfile") {
            return Some(FileKind::Dockerfile);
        }
        if is_yaml && (lower.starts_with("docker-compose") || lower.starts_with("compose.")) {
            return Some(FileKind::Compose);
        }
        if is_yaml && parent_lower.ends_with(".github/workflows") {
            return Some(FileKind::GithubWorkflow);
        }
        if lower.ends_with(".tf") {
            return Some(FileKind::Terraform);
        }
        if lower.starts_with(".env.") && lower.ends_with(".example") {
            return Some(FileKind::DotenvExample);
        }
        if is_yaml && looks_like_kubernetes_folder(&parent_lower) {
            return Some(FileKind::KubernetesYaml);
        }
        None
    }

    /// Whether a folder holding this file is a component with its own stack.
    pub(crate) fn is_component_manifest(self) -> bool {
        matches!(
            self,
            FileKind::PackageJson
                | FileKind::Requirements
                | FileKind::Pyproject
                | FileKind::Pipfile
                | FileKind::SetupCfg
                | FileKind::CargoToml
                | FileKind::GoMod
                | FileKind::Gemfile
                | FileKind::ComposerJson
                | FileKind::PomXml
                | FileKind::Gradle
                | FileKind::MsbuildProject
                | FileKind::MixExs
                | FileKind::Pubspec
                | FileKind::Podfile
                | FileKind::PackageSwift
        )
    }

    /// The kind's usual file name (or a description), for messages.
    pub fn label(self) -> &'static str {
        match self {
            FileKind::PackageJson => "package.json",
            FileKind::PackageLock => "package-lock.json",
            FileKind::YarnLock => "yarn.lock",
            FileKind::PnpmLock => "pnpm-lock.yaml",
            FileKind::PnpmWorkspace => "pnpm-workspace.yaml",
            FileKind::Requirements => "requirements.txt",
            FileKind::Pyproject => "pyproject.toml",
            FileKind::Pipfile => "Pipfile",
            FileKind::PipfileLock => "Pipfile.lock",
            FileKind::SetupCfg => "setup.cfg",
            FileKind::PoetryLock => "poetry.lock",
            FileKind::UvLock => "uv.lock",
            FileKind::CargoToml => "Cargo.toml",
            FileKind::CargoLock => "Cargo.lock",
            FileKind::GoMod => "go.mod",
            FileKind::GoWork => "go.work",
            FileKind::Gemfile => "Gemfile",
            FileKind::GemfileLock => "Gemfile.lock",
            FileKind::ComposerJson => "composer.json",
            FileKind::ComposerLock => "composer.lock",
            FileKind::PomXml => "pom.xml",
            FileKind::Gradle => "build.gradle",
            FileKind::GradleSettings => "settings.gradle",
            FileKind::GradleVersionCatalog => "libs.versions.toml",
            FileKind::MsbuildProject => "*.csproj",
            FileKind::PackagesConfig => "packages.config",
            FileKind::DirectoryPackagesProps => "Directory.Packages.props",
            FileKind::MixExs => "mix.exs",
            FileKind::MixLock => "mix.lock",
            FileKind::Pubspec => "pubspec.yaml",
            FileKind::PubspecLock => "pubspec.lock",
            FileKind::Podfile => "Podfile",
            FileKind::PodfileLock => "Podfile.lock",
            FileKind::PackageSwift => "Package.swift",
            FileKind::PackageResolved => "Package.resolved",
            FileKind::Dockerfile => "Dockerfile",
            FileKind::Compose => "docker-compose.yml",
            FileKind::GithubWorkflow => "GitHub Actions workflow",
            FileKind::GitlabCi => ".gitlab-ci.yml",
            FileKind::Terraform => "*.tf",
            FileKind::HelmChart => "Chart.yaml",
            FileKind::KubernetesYaml => "Kubernetes manifest",
            FileKind::DotenvExample => ".env.example",
            FileKind::NodeVersion => ".nvmrc",
            FileKind::PythonVersion => ".python-version",
            FileKind::RubyVersion => ".ruby-version",
            FileKind::RustToolchain => "rust-toolchain.toml",
            FileKind::GlobalJson => "global.json",
            FileKind::ToolVersions => ".tool-versions",
            FileKind::MiseToml => "mise.toml",
            FileKind::PreCommit => ".pre-commit-config.yaml",
            FileKind::Devcontainer => "devcontainer.json",
            FileKind::Tiltfile => "Tiltfile",
            FileKind::Serverless => "serverless.yml",
            FileKind::AppYaml => "app.yaml",
            FileKind::CloudBuild => "cloudbuild.yaml",
            FileKind::Kustomization => "kustomization.yaml",
            FileKind::Skaffold => "skaffold.yaml",
            FileKind::Importmap => "config/importmap.rb",
        }
    }
}

fn looks_like_kubernetes_folder(parent: &str) -> bool {
    parent.split('/').any(|part| {
        matches!(
            part,
            "k8s"
                | "kubernetes"
                | "kube"
                | "manifests"
                | "deploy"
                | "deployment"
                | "deployments"
                | "templates"
                | "charts"
                | "helm"
                | "kustomize"
                | "overlays"
                | "base"
                | "istio"
        )
    })
}

/// Parses one file of a known kind.
pub(crate) fn parse(kind: FileKind, text: &str) -> Result<FileFindings, String> {
    let mut out = FileFindings::default();
    match kind {
        FileKind::PackageJson => npm::package_json(text, &mut out)?,
        FileKind::PackageLock => npm::package_lock(text, &mut out)?,
        FileKind::YarnLock => npm::yarn_lock(text, &mut out),
        FileKind::PnpmLock => npm::pnpm_lock(text, &mut out)?,
        FileKind::PnpmWorkspace => npm::pnpm_workspace(text, &mut out)?,
        FileKind::Requirements => python::requirements(text, &mut out),
        FileKind::Pyproject => python::pyproject(text, &mut out)?,
        FileKind::Pipfile => python::pipfile(text, &mut out)?,
        FileKind::PipfileLock => python::pipfile_lock(text, &mut out)?,
        FileKind::SetupCfg => python::setup_cfg(text, &mut out),
        FileKind::PoetryLock | FileKind::UvLock => python::toml_lock(text, &mut out)?,
        FileKind::CargoToml => rust::cargo_toml(text, &mut out)?,
        FileKind::CargoLock => rust::cargo_lock(text, &mut out)?,
        FileKind::GoMod => go::go_mod(text, &mut out),
        FileKind::GoWork => go::go_work(text, &mut out),
        FileKind::Gemfile => ruby::gemfile(text, &mut out),
        FileKind::GemfileLock => ruby::gemfile_lock(text, &mut out),
        FileKind::ComposerJson => php::composer_json(text, &mut out)?,
        FileKind::ComposerLock => php::composer_lock(text, &mut out)?,
        FileKind::PomXml => jvm::pom_xml(text, &mut out)?,
        FileKind::Gradle => jvm::gradle(text, &mut out),
        FileKind::GradleSettings => jvm::gradle_settings(text, &mut out),
        FileKind::GradleVersionCatalog => jvm::version_catalog(text, &mut out)?,
        FileKind::MsbuildProject | FileKind::DirectoryPackagesProps => dotnet::msbuild(text, &mut out)?,
        FileKind::PackagesConfig => dotnet::packages_config(text, &mut out)?,
        FileKind::MixExs => mobile::mix_exs(text, &mut out),
        FileKind::MixLock => mobile::mix_lock(text, &mut out),
        FileKind::Pubspec => mobile::pubspec(text, &mut out)?,
        FileKind::PubspecLock => mobile::pubspec_lock(text, &mut out)?,
        FileKind::Podfile => mobile::podfile(text, &mut out),
        FileKind::PodfileLock => mobile::podfile_lock(text, &mut out),
        FileKind::PackageSwift => mobile::package_swift(text, &mut out),
        FileKind::PackageResolved => mobile::package_resolved(text, &mut out)?,
        FileKind::Dockerfile => containers::dockerfile(text, &mut out),
        FileKind::Compose => containers::compose(text, &mut out)?,
        FileKind::GithubWorkflow => infra::github_workflow(text, &mut out)?,
        FileKind::GitlabCi => infra::gitlab_ci(text, &mut out)?,
        FileKind::Terraform => infra::terraform(text, &mut out),
        FileKind::HelmChart => containers::helm_chart(text, &mut out)?,
        FileKind::KubernetesYaml => containers::image_lines(text, &mut out),
        FileKind::DotenvExample => infra::dotenv(text, &mut out),
        FileKind::NodeVersion => config::single_version("nodejs", ".nvmrc", text, &mut out)?,
        FileKind::PythonVersion => config::single_version("python", ".python-version", text, &mut out)?,
        FileKind::RubyVersion => config::single_version("ruby", ".ruby-version", text, &mut out)?,
        FileKind::RustToolchain => config::rust_toolchain(text, &mut out)?,
        FileKind::GlobalJson => config::global_json(text, &mut out)?,
        FileKind::ToolVersions => config::tool_versions(text, &mut out),
        FileKind::MiseToml => config::mise_toml(text, &mut out)?,
        FileKind::PreCommit => config::pre_commit(text, &mut out)?,
        FileKind::Devcontainer => config::devcontainer(text, &mut out)?,
        FileKind::Tiltfile => config::tiltfile(text, &mut out),
        FileKind::Serverless => config::serverless(text, &mut out)?,
        FileKind::AppYaml => config::app_yaml(text, &mut out)?,
        FileKind::CloudBuild => config::cloudbuild(text, &mut out)?,
        FileKind::Kustomization => config::kustomization(text, &mut out)?,
        FileKind::Skaffold => config::skaffold(text, &mut out)?,
        FileKind::Importmap => config::importmap(text, &mut out),
    }
    Ok(out)
}
