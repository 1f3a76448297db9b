//! What a command asks of the input layer: `InputOptions` (how to read, from the
//! command line and kam.toml) and `Request` (which table, which roles).

use std::collections::HashMap;
use std::path::PathBuf;

use super::roles::{self, Role};
use super::sources::ReadSettings;
use super::values::ParseSettings;

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
    /// The table's name when it is not the command's main input: messages then suggest
    /// the table-scoped form of an option (`--col receivables:invoice_id=HEADER`).
    pub scope: Option<&'static str>,
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

    /// This request and `other`'s (of the same table) as one, for a pass that serves
    /// both: a role either requires is required.
    pub fn and(mut self, other: &Request) -> Request {
        self = self.require(&other.required).optional(&other.optional);
        self.extra.extend(other.extra.iter().filter(|h| !self.extra.contains(h)).cloned().collect::<Vec<_>>());
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
