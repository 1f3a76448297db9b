//! Header-to-role resolution: which header of a source holds each role a request
//! wants. A role is found by, in order: an explicit `--col role=header` mapping, a
//! `[columns]` entry in kam.toml, the role's own name, then its known aliases (English
//! and Chinese). Matching ignores case, spaces, `_` and `-`.

use std::collections::HashMap;

use super::request::{InputOptions, Request};
use super::roles::{fold, Role};
use super::sources::Source;
use crate::error::bad_input;

/// Map each role to the header that carries it. `explicit` holds user mappings
/// (role name -> header) which win over names and aliases.
/// Returns the mapping and the roles of `must_have` (or explicitly mapped) not found.
pub fn resolve(roles: &[Role], headers: &[String], explicit: &HashMap<String, String>, must_have: &[&str]) -> (Vec<(Role, String)>, Vec<Role>) {
    let folded: Vec<String> = headers.iter().map(|h| fold(h)).collect();
    let find = |wanted: &str| {
        let w = fold(wanted);
        folded.iter().position(|f| *f == w).map(|i| headers[i].clone())
    };
    let mut taken: Vec<String> = Vec::new();
    let mut found = Vec::new();
    let mut missing = Vec::new();
    // Explicit mappings first, so an alias never steals a column the user assigned.
    let mut order: Vec<&Role> = roles.iter().filter(|r| explicit.contains_key(r.name.as_ref())).collect();
    order.extend(roles.iter().filter(|r| !explicit.contains_key(r.name.as_ref())));
    for r in order {
        let hit = match explicit.get(r.name.as_ref()) {
            Some(h) => find(h),
            None => std::iter::once(r.name.as_ref())
                .chain(r.aliases.iter().copied())
                .filter_map(find)
                .find(|h| !taken.contains(h)),
        };
        match hit {
            Some(h) => {
                taken.push(h.clone());
                found.push((r.clone(), h));
            }
            None if must_have.contains(&r.name.as_ref()) || explicit.contains_key(r.name.as_ref()) => missing.push(r.clone()),
            None => {}
        }
    }
    // Keep the table's own role order for stable output.
    found.sort_by_key(|(r, _)| roles.iter().position(|x| x.name == r.name));
    (found, missing)
}

/// Which header holds each wanted role of this source; a clear error when a role the
/// request needs has no column, or its header is not unique.
pub fn resolve_columns(source: &Source, opts: &InputOptions, req: &Request) -> anyhow::Result<Vec<(Role, String)>> {
    let wanted = req.wanted_roles();
    let mut explicit = opts.columns.clone();
    for header in &req.extra {
        explicit.insert(header.clone(), header.clone());
    }
    explicit.retain(|role, _| wanted.iter().any(|r| r.name == role.as_str()));
    let must_have = req.must_have();
    let (found, missing) = resolve(&wanted, &source.headers, &explicit, &must_have);
    if let Some(role) = missing.first() {
        return Err(bad_input(missing_column_message(source, req.table, opts.scope, role, explicit.get(role.name.as_ref()))));
    }
    check_duplicate_headers(source, &found)?;
    Ok(found)
}

pub fn header_of<'a>(found: &'a [(Role, String)], role: &'a str) -> &'a str {
    found.iter().find(|(r, _)| r.name == role).map_or(role, |(_, h)| h.as_str())
}

fn missing_column_message(source: &Source, table: &str, scope: Option<&str>, role: &Role, explicit: Option<&String>) -> String {
    let columns = source.headers.join(", ");
    // The option as this command takes it for this table (docs/cli.md).
    let prefix = scope.map_or(String::new(), |t| format!("{t}:"));
    let mut msg = match explicit {
        Some(h) => format!(
            "{}: column '{h}' (mapped to {} by --col or kam.toml) is not in the file. Columns in the file: {columns}",
            source.name, role.name
        ),
        None => {
            let tried: Vec<&str> = std::iter::once(role.name.as_ref()).chain(role.aliases.iter().copied()).take(8).collect();
            format!(
                "{}: the {table} file has no column for {} (looked for: {}). Columns in the file: {columns}. \
                 Map one with --col {prefix}{}=HEADER or in kam.toml under [columns.{table}]",
                source.name,
                role.name,
                tried.join(", "),
                role.name
            )
        }
    };
    if let (Some(c), [only]) = (source.csv(), source.headers.as_slice()) {
        let other = [b';', b'\t', b'|', b','].into_iter().find(|&d| d != c.delimiter && only.contains(d as char));
        if let Some(d) = other {
            let shown = if d == b'\t' { "tab".to_string() } else { (d as char).to_string() };
            msg.push_str(&format!(
                ". The header was read as one column using the delimiter '{}': the file seems to use '{shown}': pass --delimiter '{prefix}{shown}'",
                c.delimiter as char
            ));
        }
    }
    msg
}

fn check_duplicate_headers(source: &Source, found: &[(Role, String)]) -> anyhow::Result<()> {
    for (role, header) in found {
        let count = source.headers.iter().filter(|h| *h == header).count();
        if count > 1 {
            return Err(bad_input(format!(
                "{}: the header '{header}' appears {count} times, so kam cannot tell which one is {}; \
                 rename the columns in the export",
                source.name, role.name
            )));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::roles::ORDERS;

    fn headers(hs: &[&str]) -> Vec<String> {
        hs.iter().map(|s| s.to_string()).collect()
    }

    const CORE: &[&str] = &["order_date", "customer_id", "product_id", "amount"];

    #[test]
    fn chinese_and_english_aliases_are_recognised() {
        let h = headers(&["单据日期", "客户编码", "存货编码", "金额", "成本", "Qty"]);
        let (found, missing) = resolve(ORDERS, &h, &HashMap::new(), CORE);
        assert!(missing.is_empty());
        let names: Vec<_> = found.iter().map(|(r, h)| (r.name.as_ref(), h.as_str())).collect();
        assert!(names.contains(&("order_date", "单据日期")));
        assert!(names.contains(&("customer_id", "客户编码")));
        assert!(names.contains(&("amount", "金额")));
        assert!(names.contains(&("cost", "成本")));
        assert!(names.contains(&("quantity", "Qty")));
    }

    #[test]
    fn explicit_mapping_wins_and_missing_roles_are_reported() {
        let h = headers(&["Date", "Cust", "SKU", "Net Amount", "Amount2"]);
        let mut explicit = HashMap::new();
        explicit.insert("amount".to_string(), "Amount2".to_string());
        let (found, missing) = resolve(ORDERS, &h, &explicit, CORE);
        assert!(found.iter().any(|(r, h)| r.name == "amount" && h == "Amount2"));
        assert_eq!(missing.iter().map(|r| r.name.as_ref()).collect::<Vec<_>>(), vec!["customer_id"]);
    }
}
