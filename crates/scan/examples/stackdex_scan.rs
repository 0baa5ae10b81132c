//! The `stackdex scan` command as a standalone program, built from the CLI's own module, so the
//! command can be tried before it is wired into the `stackdex` binary:
//! `cargo run -p stackdex-scan --example stackdex_scan -- PATH --format json`.

#[path = "../../cli/src/scan_cmd.rs"]
mod scan_cmd;

use clap::Parser;

#[derive(Parser)]
#[command(name = "stackdex-scan")]
struct Cli {
    #[command(flatten)]
    args: scan_cmd::ScanArgs,
}

fn main() -> std::process::ExitCode {
    match scan_cmd::run(&Cli::parse().args) {
        Ok(code) => code,
        Err(error) => {
            eprintln!("error: {error:#}");
            std::process::ExitCode::from(2)
        }
    }
}
