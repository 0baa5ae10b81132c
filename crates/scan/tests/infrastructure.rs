//! Images, CI, infrastructure as code and hosting config in the `infra` fixture.

use crate::common;

use common::*;

#[test]
fn dockerfile_stages_args_and_platforms() {
    let report = scan_fixture("infra");
    // ARG default substituted, --platform skipped, `FROM build` is a stage, not an image
    assert_eq!(tool(&report, "nodejs").versions, ["20"]);
    assert_eq!(tool(&report, "nginx").versions, ["1.25"]);
    assert!(from_file(tool(&report, "docker"), "Dockerfile"));
}

#[test]
fn compose_images_match_by_family() {
    let report = scan_fixture("infra");
    let postgres = tool(&report, "postgresql");
    assert!(from_file(postgres, "docker-compose.yml"), "bitnami/postgresql");
    assert!(postgres.versions.contains(&"16.2.0".to_owned()));
    assert_eq!(tool(&report, "redis").versions, ["7"], "redis:7-alpine");
    assert!(has(&report, "rabbitmq"));
    assert_eq!(tool(&report, "elasticsearch").versions, ["8.12.0"], "registry host dropped");
}

#[test]
fn ci_services_and_actions() {
    let report = scan_fixture("infra");
    let postgres = tool(&report, "postgresql");
    assert!(from_file(postgres, ".github/workflows/ci.yml"));
    assert!(postgres.versions.contains(&"15".to_owned()));
    assert!(from_file(tool(&report, "memcached"), ".github/workflows/ci.yml"), "string service");
    assert!(from_file(tool(&report, "amazon-web-services-aws"), ".github/workflows/ci.yml"), "uses: aws-actions/...");
    assert!(has(&report, "github-actions"));
    // GitLab CI: top-level image, services as strings and mappings, job services
    assert_eq!(tool(&report, "mysql").versions, ["8.0"]);
    assert!(tool(&report, "mongodb").versions.contains(&"7".to_owned()));
    assert_eq!(tool(&report, "clickhouse").versions, ["24.1"]);
    assert_eq!(tool(&report, "python").versions, ["3.12"]);
    assert!(has(&report, "gitlab-ci"));
}

#[test]
fn terraform_helm_and_kubernetes() {
    let report = scan_fixture("infra");
    assert!(from_file(tool(&report, "amazon-web-services-aws"), "terraform/main.tf"));
    // resource types: aws_s3_bucket, aws_dynamodb_table (whatever slug the catalog gives them)
    let catalog = stackdex_catalog::Catalog::builtin();
    for alias in ["aws.s3", "aws.dynamodb"] {
        let slug = &catalog.tool(alias).unwrap().slug;
        assert!(from_file(tool(&report, slug), "terraform/main.tf"), "{alias}");
    }
    assert!(from_file(tool(&report, "postgresql"), "charts/app/Chart.yaml"));
    assert!(has(&report, "helm"));
    assert_eq!(tool(&report, "kafka").versions, ["3.6.1"], "values.yaml repository + tag");
    assert!(tool(&report, "mongodb").versions.contains(&"6.0".to_owned()), "k8s manifest");
}

#[test]
fn hosting_and_config_files() {
    let report = scan_fixture("infra");
    for slug in ["heroku", "vercel", "netlify", "flyio", "nginx", "tailwind-css"] {
        assert!(has(&report, slug), "{slug}");
    }
    let fly = tool(&report, "flyio");
    assert_eq!(fly.sources[0].rule, "file:fly.toml");
    assert!(fly.confidence < 1.0);
}
