//! `stackdex catalog` run as a process: the whole catalog, a query, and the JSON shape.

use assert_cmd::Command;
use stackdex_catalog::Catalog;

fn stackdex_catalog(args: &[&str]) -> String {
    let assert =
        Command::cargo_bin("stackdex").expect("the stackdex binary is built").arg("catalog").args(args).assert();
    String::from_utf8_lossy(&assert.success().get_output().stdout).into_owned()
}

#[test]
fn json_lists_every_tool_with_its_place_aliases_and_packages() {
    let text = stackdex_catalog(&["--format", "json"]);
    let json: serde_json::Value = serde_json::from_str(&text).unwrap();
    let tools = json["tools"].as_array().unwrap();
    assert_eq!(tools.len(), Catalog::builtin().tools().len());
    let mongoose = tools.iter().find(|t| t["slug"] == "mongoose").unwrap();
    for key in ["slug", "name", "layer", "category", "subcategory", "aliases", "packages"] {
        assert!(!mongoose[key].is_null(), "tools[].{key}");
    }
    assert_eq!(mongoose["packages"]["npm"][0], "mongoose");
    assert_eq!(mongoose["layer"], "Application & Data");
}

#[test]
fn a_query_finds_tools_by_name_alias_or_package() {
    let text = stackdex_catalog(&["apollo/client"]);
    assert!(text.lines().next().unwrap().starts_with("apollo "), "{text}");
    assert!(text.contains("npm: @apollo/client"), "{text}");
    let by_alias = stackdex_catalog(&["GOLANG", "-f", "json"]);
    let json: serde_json::Value = serde_json::from_str(&by_alias).unwrap();
    assert!(json["tools"].as_array().unwrap().iter().any(|t| t["slug"] == "golang"));
    let none = stackdex_catalog(&["no-such-tool-anywhere"]);
    assert_eq!(none.trim(), "0 tools");
}
