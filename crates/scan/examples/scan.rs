//! Try the scanner before the CLI is wired: `cargo run -p stackdex-scan --example scan -- PATH [json]`.
fn main() {
    let mut args = std::env::args().skip(1);
    let path = args.next().unwrap_or_else(|| ".".into());
    let format = args.next().unwrap_or_default();
    let catalog = stackdex_catalog::Catalog::builtin();
    match stackdex_scan::scan(catalog, path.as_ref(), &Default::default()) {
        Ok(report) if format == "json" => print!("{}", stackdex_scan::render::json(&report)),
        Ok(report) => print!("{}", stackdex_scan::render::table(&report)),
        Err(e) => eprintln!("{e}"),
    }
}
