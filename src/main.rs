use clap::Parser;

fn main() {
    let cli = kam::cli::Cli::parse();
    if let Err(err) = kam::commands::run(cli) {
        eprintln!("kam: error: {err:#}");
        std::process::exit(kam::error::exit_code(&err));
    }
}
