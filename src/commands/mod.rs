//! One module per subcommand: read inputs, call metrics, write outputs.

mod abc;
mod schema;

use crate::cli::{Cli, Command};

pub fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Command::Abc(args) => abc::run(args),
        Command::Schema(args) => schema::run(args),
        Command::Generate(_args) => anyhow::bail!("generate: not wired yet"),
    }
}
