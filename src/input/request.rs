//! What a command asks of the input layer: `InputOptions` (how to read, from the
//! command line and kam.toml) and `Request` (which table, which roles).

use std::collections::HashMap;
use std::path::PathBuf;

use super::roles::{self, Role};
use super::sources::{self, ReadSettings};
use super::values::{DateOrder, ParseSettings};
use crate::cli::{Encoding, InputArgs};
use crate::config::Config;
use crate::error::bad_input;

/// Everything that decides how input is read, from options and kam.toml.
pub struct InputOptions {
    pub inputs: Vec<String>,
    pub read: ReadSettings,
    pub parse: ParseSettings,
    /// ',' is the decimal separator in every file (--decimal-comma); else detected in
    /// files with ';' between fields.
    pub decimal_comma: bool,
    /// role name -> header, from --col and kam.toml
    pub columns: HashMap<String, String>,
    pub skip_bad_rows: bool,
    /// Drop order lines that are exact copies of lines in an earlier input file.
    pub dedupe: bool,
    /// Keep only the lines in this currency (when the file has a currency column).
    pub currency: Option<String>,
    /// Convert amounts with these rates (currency, rate[, date]) to the reporting currency.
    pub fx: Option<PathBuf>,
    pub quiet: bool,
}

impl InputOptions {
    /// Combine command-line options with kam.toml; the command line wins.
    pub fn new(args: &InputArgs, config: &Config, table: &str, quiet: bool) -> anyhow::Result<InputOptions> {
        let mut columns = config.columns_for(table);
        for role in columns.keys() {
            roles::check_known(role, "kam.toml [columns]")?;
        }
        for mapping in &args.columns {
            let (role, header) = mapping
                .split_once('=')
                .ok_or_else(|| bad_input(format!("--col takes ROLE=HEADER (e.g. amount=金额), not '{mapping}'")))?;
            roles::check_known(role.trim(), &format!("--col {mapping}"))?;
            columns.insert(role.trim().to_string(), header.trim().to_string());
        }
        let delimiter = match args.delimiter.as_deref().or(config.input.delimiter.as_deref()) {
            Some(d) => Some(sources::csv::parse_delimiter(d)?),
            None => None,
        };
        let encoding = match (args.encoding, config.input.encoding.as_deref()) {
            (Some(e), _) => e,
            (None, Some(e)) if e.eq_ignore_ascii_case("gbk") || e.eq_ignore_ascii_case("gb18030") => Encoding::Gbk,
            (None, Some(e)) if e.to_ascii_lowercase().replace('-', "") == "utf8" => Encoding::Utf8,
            (None, Some(e)) => return Err(bad_input(format!("kam.toml: unknown encoding '{e}' (utf8 or gbk)"))),
            (None, None) => Encoding::Utf8,
        };
        let money_scale = args.money_scale.or(config.input.money_scale).unwrap_or(2);
        if money_scale > 12 {
            return Err(bad_input("--money-scale must be between 0 and 12"));
        }
        let date_order = match args.date_order.as_deref().map(str::to_ascii_lowercase).as_deref() {
            None => None,
            Some("dmy") => Some(DateOrder::Dmy),
            Some("mdy") => Some(DateOrder::Mdy),
            Some(other) => return Err(bad_input(format!("--date-order takes dmy or mdy, not '{other}'"))),
        };
        if let Some(code) = &args.currency {
            if code.trim().is_empty() {
                return Err(bad_input("--currency takes a currency code, e.g. --currency CNY"));
            }
        }
        Ok(InputOptions {
            inputs: args.inputs.clone(),
            read: ReadSettings {
                format: args.input_format,
                delimiter,
                encoding,
                sheet: args.sheet.clone(),
                header_row: args.header_row.map(|n| n as usize),
            },
            parse: ParseSettings {
                money_scale,
                date_format: args.date_format.clone().or(config.input.date_format.clone()),
                date_order,
                decimal_comma: args.decimal_comma,
            },
            decimal_comma: args.decimal_comma,
            columns,
            skip_bad_rows: args.skip_bad_rows,
            dedupe: args.dedupe,
            currency: args.currency.as_ref().map(|c| c.trim().to_uppercase()),
            fx: args.fx.clone(),
            quiet,
        })
    }
}

/// What a command needs from one table: `Request::orders().require(&["amount"])`.
pub struct Request {
    /// The table's name in messages and kam.toml: "orders", "inventory", ...
    pub table: &'static str,
    pub(super) roles: &'static [Role],
    /// Roles that must be present and filled on every row (the table's date too where
    /// the file has it, see `needs`): the one notion of "required".
    pub(super) required: Vec<&'static str>,
    /// Roles used when the file has them.
    pub(super) optional: Vec<&'static str>,
    /// Other columns kept as text under their own header (e.g. `abc --by region2`).
    pub(super) extra: Vec<String>,
}

impl Request {
    fn of(table: &'static str) -> Request {
        Request { table, roles: roles::of_table(table), required: vec![], optional: vec![], extra: vec![] }
    }

    /// Order lines: every one needs a readable order date, whatever the command.
    pub fn orders() -> Request {
        Request::of("orders")
    }

    pub fn inventory() -> Request {
        Request::of("inventory")
    }

    pub fn receivables() -> Request {
        Request::of("receivables")
    }

    pub fn customers() -> Request {
        Request::of("customers")
    }

    /// The plan table (SPEC §1): customer_id, period (YYYY-MM), planned_amount.
    pub fn plan() -> Request {
        Request::of("plan").require(&["customer_id", "period", "planned_amount"])
    }

    pub fn expenses() -> Request {
        Request::of("expenses")
    }

    /// The request for a table by its name, needing what a complete table of it has
    /// (`kam schema`: which table a file looks like, and what it lacks).
    pub fn complete(table: &'static str) -> Request {
        let core: &[&'static str] = match table {
            "orders" => &["order_date", "customer_id", "product_id", "amount"],
            "inventory" => &["snapshot_date", "product_id"],
            "receivables" => &["customer_id", "invoice_id", "invoice_date", "due_date", "amount"],
            "customers" => &["customer_id"],
            "plan" => &["customer_id", "period", "planned_amount"],
            "expenses" => &["period", "amount", "budget"],
            _ => &[],
        };
        Request::of(table).require(core)
    }

    pub fn require(mut self, roles: &[&'static str]) -> Request {
        for role in roles {
            if !self.required.contains(role) {
                self.required.push(role);
            }
        }
        self
    }

    pub fn optional(mut self, roles: &[&'static str]) -> Request {
        for role in roles {
            if !self.optional.contains(role) {
                self.optional.push(role);
            }
        }
        self
    }

    pub fn extra(mut self, headers: &[String]) -> Request {
        self.extra.extend(headers.iter().cloned());
        self
    }

    /// The date every row of the table is placed by: where the file has the column, a
    /// row without one is not data (a totals row, a footer) or a broken line, in every
    /// command. A file without it (`kam abc x | kam abc - --by class`) is read as before.
    fn dated_by(&self) -> Option<&'static str> {
        match self.table {
            "orders" => Some("order_date"),
            "inventory" => Some("snapshot_date"),
            _ => None,
        }
    }

    /// The roles whose column must be in the file.
    pub fn must_have(&self) -> Vec<&str> {
        let mut names: Vec<&str> = self.required.to_vec();
        names.extend(self.extra.iter().map(String::as_str));
        names
    }

    /// Whether `role`, where the file has it, must be filled on every row.
    pub fn needs(&self, role: &str) -> bool {
        self.must_have().contains(&role) || self.dated_by() == Some(role)
    }

    /// The roles read: required, optional, the table's date and currency, and extra columns.
    pub fn wanted_roles(&self) -> Vec<Role> {
        let mut must = self.must_have();
        must.extend(self.dated_by());
        let mut wanted: Vec<Role> = self
            .roles
            .iter()
            .filter(|r| must.contains(&r.name.as_ref()) || self.optional.contains(&r.name.as_ref()) || r.name == "currency")
            .cloned()
            .collect();
        wanted.extend(self.extra.iter().map(|h| Role::extra(h)));
        wanted
    }
}
