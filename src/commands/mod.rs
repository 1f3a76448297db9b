//! One module per subcommand: read inputs, call metrics, write outputs.

mod abc;
mod clv;
mod cohorts;
mod products;
mod generate;
mod alerts;
mod churn;
mod credit;
mod receivables;
mod schema;
mod shared;
mod scorecard;
mod report;
mod sql;
mod rfm;
mod profile;

use crate::cli::{Cli, Command};

pub fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Command::Abc(args) => abc::run(args),
        Command::Clv(args) => clv::run(args),
        Command::Products(args) => products::run(args),
        Command::Schema(args) => schema::run(args),
        Command::Generate(args) => generate::run(args),
        Command::Receivables(args) => receivables::run(args),
        Command::Churn(args) => churn::run(args),
        Command::Credit(args) => credit::run(args),
        Command::Alerts(args) => alerts::run(args),
        Command::Scorecard(args) => scorecard::run(args),
        Command::Report(args) => report::run(args),
        Command::Sql(args) => sql::run(args),
        Command::Cohorts(args) => cohorts::run(args),
        Command::Rfm(args) => rfm::run(args),
        Command::Profile(args) => profile::run(args),
    }
}
