//! Embeds every file under `data/` so the catalog needs no I/O at run time. The TOML files are
//! converted to JSON here, once, because reading JSON at start-up is several times faster than
//! reading TOML, and `stackdex scan` starts the catalog on every run. If any file is not valid
//! TOML, everything is embedded as TOML and the catalog's own loader reports the problem with
//! the file's name.
use std::{env, fs, path::Path};

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("data");
    println!("cargo:rerun-if-changed=data");
    let mut files = Vec::new();
    collect(&root, &root, &mut files);
    files.sort();
    let texts: Vec<String> = files.iter().map(|rel| fs::read_to_string(root.join(rel)).unwrap()).collect();
    let json: Option<Vec<String>> = texts
        .iter()
        .map(|t| toml::from_str::<toml::Value>(t).ok().and_then(|v| serde_json::to_string(&v).ok()))
        .collect();
    let out_dir = env::var("OUT_DIR").unwrap();
    let mut out = format!(
        "pub(crate) static DATA_FORMAT: crate::Format = crate::Format::{};\n",
        if json.is_some() { "Json" } else { "Toml" }
    );
    out.push_str("pub(crate) static DATA_FILES: &[(&str, &str)] = &[\n");
    for (i, rel) in files.iter().enumerate() {
        let text = json.as_ref().map_or(&texts[i], |j| &j[i]);
        let name = format!("data_{i}.txt");
        fs::write(Path::new(&out_dir).join(&name), text).unwrap();
        out.push_str(&format!("    ({rel:?}, include_str!(concat!(env!(\"OUT_DIR\"), \"/{name}\"))),\n"));
    }
    out.push_str("];\n");
    // The TOML texts themselves, for tests that mix the shipped data with their own files.
    out.push_str("#[cfg(test)]\n#[allow(dead_code)]\npub(crate) static DATA_FILES_TOML: &[(&str, &str)] = &[\n");
    for rel in &files {
        let abs = root.join(rel).display().to_string();
        out.push_str(&format!("    ({rel:?}, include_str!({abs:?})),\n"));
    }
    out.push_str("];\n");
    fs::write(Path::new(&out_dir).join("data_files.rs"), out).unwrap();
    embed_logos(&root.join("logos"), &out_dir);
}

fn collect(root: &Path, dir: &Path, files: &mut Vec<String>) {
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        println!("cargo:rerun-if-changed={}", path.display());
        if path.is_dir() {
            collect(root, &path, files);
        } else if path.extension().is_some_and(|e| e == "toml") {
            let rel = path.strip_prefix(root).unwrap().to_string_lossy().replace('\\', "/");
            files.push(rel);
        }
    }
}

// --- Tool logos --------------------------------------------------------------------------------
// Kept apart from the TOML embedding above: `data/logos/{slug}.svg`, written by
// `scripts/logos/generate.mjs`, become `LOGO_FILES` in `logo_files.rs`, read by `src/logos.rs`.

/// Writes `LOGO_FILES`: `(slug, SVG text)` for every `*.svg` in `dir`, sorted by slug so that a
/// lookup is a binary search. No folder means no logos.
fn embed_logos(dir: &Path, out_dir: &str) {
    println!("cargo:rerun-if-changed={}", dir.display());
    let mut slugs: Vec<String> = fs::read_dir(dir)
        .into_iter()
        .flatten()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|e| e == "svg"))
        .map(|path| path.file_stem().unwrap().to_string_lossy().into_owned())
        .collect();
    slugs.sort();
    let mut out = String::from("pub(crate) static LOGO_FILES: &[(&str, &str)] = &[\n");
    for slug in &slugs {
        let abs = dir.join(format!("{slug}.svg")).display().to_string();
        out.push_str(&format!("    ({slug:?}, include_str!({abs:?})),\n"));
    }
    out.push_str("];\n");
    fs::write(Path::new(out_dir).join("logo_files.rs"), out).unwrap();
}
