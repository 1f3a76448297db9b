//! Column roles: what a column means to kam, and the header names ERPs use for it.
//!
//! Every table kam reads (orders, inventory, ...) is described by a list of roles;
//! which of them a command needs is its `Request`'s business (the one notion of
//! "required"). How a role is found in a file's headers is in `resolve`.

use std::borrow::Cow;

use crate::error::bad_input;

/// How a role's text is turned into a typed value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// An identifier or label, kept as text (trimmed).
    Text,
    /// A calendar date.
    Date,
    /// Money, parsed exactly as a decimal.
    Money,
    /// A quantity, parsed as a float.
    Number,
    /// A calendar month (a plan's period), as the date of its first day.
    Month,
}

#[derive(Clone, Debug)]
pub struct Role {
    /// The role's name; an extra column (`abc --by region2`) is named by its header.
    pub name: Cow<'static, str>,
    pub kind: Kind,
    /// Negative values are an input error (e.g. stock on hand, a credit limit).
    pub non_negative: bool,
    pub aliases: &'static [&'static str],
}

const fn role(name: &'static str, kind: Kind, aliases: &'static [&'static str]) -> Role {
    Role { name: Cow::Borrowed(name), kind, non_negative: false, aliases }
}

impl Role {
    /// A column kept as text under its own header (e.g. `abc --by region2`).
    /// The name of a role of a table (not an extra column), for `Request`s.
    pub fn static_name(&self) -> Option<&'static str> {
        match self.name {
            Cow::Borrowed(name) => Some(name),
            Cow::Owned(_) => None,
        }
    }

    pub fn extra(header: &str) -> Role {
        Role { name: Cow::Owned(header.to_string()), kind: Kind::Text, non_negative: false, aliases: &[] }
    }
}

const fn non_negative(mut r: Role) -> Role {
    r.non_negative = true;
    r
}

const CUSTOMER_ALIASES: &[&str] = &[
    "customer", "customer id", "customer code", "customer no", "client", "client id", "account",
    "客户", "客户编码", "客户编号", "客户代码", "客户id",
];
const PRODUCT_ALIASES: &[&str] = &[
    "product", "product id", "product code", "sku", "item", "item code", "material",
    "产品", "产品编码", "产品编号", "存货编码", "物料编码", "商品编码", "货号",
];
const CURRENCY_ALIASES: &[&str] = &["curr", "currency code", "币种", "币别", "货币"];
const QUANTITY_ALIASES: &[&str] = &["qty", "quantity", "units", "数量", "销售数量", "库存数量", "结存数量"];

pub const ORDERS: &[Role] = &[
    role("order_date", Kind::Date, &[
        "date", "order date", "invoice date", "posting date",
        "日期", "单据日期", "订单日期", "销售日期", "开票日期",
    ]),
    role("customer_id", Kind::Text, CUSTOMER_ALIASES),
    role("product_id", Kind::Text, PRODUCT_ALIASES),
    role("amount", Kind::Money, &[
        "net amount", "sales", "net sales", "revenue", "value", "line amount", "untaxed amount",
        "金额", "销售额", "销售金额", "无税金额", "不含税金额", "本币无税金额",
    ]),
    role("order_id", Kind::Text, &[
        "order", "order no", "order number", "document", "doc no",
        "订单号", "单据号", "单据编号", "订单编号",
    ]),
    role("quantity", Kind::Number, QUANTITY_ALIASES),
    role("cost", Kind::Money, &["cogs", "cost amount", "成本", "成本金额", "销售成本"]),
    role("customer_name", Kind::Text, &["客户名称", "客户名"]),
    role("product_name", Kind::Text, &["产品名称", "存货名称", "商品名称", "物料名称"]),
    role("region", Kind::Text, &["area", "地区", "区域"]),
    role("channel", Kind::Text, &["渠道"]),
    role("salesperson", Kind::Text, &["sales rep", "rep", "业务员", "销售员"]),
    role("currency", Kind::Text, CURRENCY_ALIASES),
];

pub const INVENTORY: &[Role] = &[
    role("snapshot_date", Kind::Date, &["date", "stock date", "日期", "盘点日期", "库存日期"]),
    role("product_id", Kind::Text, PRODUCT_ALIASES),
    non_negative(role("quantity", Kind::Number, QUANTITY_ALIASES)),
    non_negative(role("value", Kind::Money, &[
        "stock value", "inventory value", "value at cost", "库存金额", "结存金额", "金额",
    ])),
    role("customer_id", Kind::Text, CUSTOMER_ALIASES),
    role("warehouse", Kind::Text, &["仓库"]),
];

pub const RECEIVABLES: &[Role] = &[
    role("customer_id", Kind::Text, CUSTOMER_ALIASES),
    role("invoice_id", Kind::Text, &["invoice", "invoice no", "发票号", "单据号"]),
    role("invoice_date", Kind::Date, &["date", "开票日期", "单据日期"]),
    role("due_date", Kind::Date, &["due", "到期日", "到期日期"]),
    role("amount", Kind::Money, &["invoice amount", "金额", "应收金额"]),
    role("paid_amount", Kind::Money, &["paid", "已收金额", "回款金额"]),
    role("open_amount", Kind::Money, &["open", "balance", "未收金额", "余额"]),
    role("paid_date", Kind::Date, &["payment date", "回款日期", "收款日期"]),
    role("currency", Kind::Text, CURRENCY_ALIASES),
];

pub const CUSTOMERS: &[Role] = &[
    role("customer_id", Kind::Text, CUSTOMER_ALIASES),
    non_negative(role("credit_limit", Kind::Money, &["limit", "credit", "信用额度", "授信额度"])),
    role("name", Kind::Text, &["customer name", "客户名称"]),
    role("segment", Kind::Text, &["type", "customer type", "客户类型", "客户分类"]),
    role("since", Kind::Date, &["start date", "建档日期"]),
];

pub const PLAN: &[Role] = &[
    role("customer_id", Kind::Text, CUSTOMER_ALIASES),
    role("period", Kind::Month, &["month", "期间", "月份"]),
    role("planned_amount", Kind::Money, &["plan", "target", "budget", "计划金额", "目标", "计划"]),
    role("product_id", Kind::Text, PRODUCT_ALIASES),
];

pub const EXPENSES: &[Role] = &[
    role("period", Kind::Month, &["month", "期间", "月份"]),
    role("amount", Kind::Money, &["spend", "expense", "expenses", "费用", "费用金额"]),
    role("budget", Kind::Money, &["budget amount", "预算", "预算金额"]),
    role("customer_id", Kind::Text, CUSTOMER_ALIASES),
    role("salesperson", Kind::Text, &["sales rep", "rep", "业务员", "销售员"]),
    role("region", Kind::Text, &["area", "地区", "区域"]),
];

/// Fold a header for comparison: lower case, no spaces, `_` or `-`, no BOM.
pub fn fold(header: &str) -> String {
    header
        .trim_start_matches('\u{feff}')
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '_' && *c != '-')
        .flat_map(char::to_lowercase)
        .collect()
}

/// Every table's name and roles.
pub const TABLES: &[(&str, &[Role])] = &[
    ("orders", ORDERS),
    ("inventory", INVENTORY),
    ("receivables", RECEIVABLES),
    ("customers", CUSTOMERS),
    ("plan", PLAN),
    ("expenses", EXPENSES),
];

/// The roles of a table by its name.
pub fn of_table(table: &str) -> &'static [Role] {
    TABLES.iter().find(|(name, _)| *name == table).map_or(&[], |(_, roles)| roles)
}

/// An error unless `name` (from --col or kam.toml's [columns]) is a role of some table:
/// a typo (`amout`) or a column kam has no use for (`profit`) would be ignored otherwise.
pub fn check_known(name: &str, from: &str) -> anyhow::Result<()> {
    let mut names: Vec<&str> = TABLES.iter().flat_map(|(_, roles)| roles.iter().map(|r| r.name.as_ref())).collect();
    names.sort_unstable();
    names.dedup();
    if names.contains(&name) {
        return Ok(());
    }
    let nearest = names.iter().map(|n| (edit_distance(name, n), *n)).min().filter(|(d, _)| *d <= 2.max(name.len() / 3));
    let hint = nearest.map_or(String::new(), |(_, n)| format!(" Did you mean '{n}'?"));
    Err(bad_input(format!("{from}: '{name}' is not a role kam knows.{hint} Roles: {}", names.join(", "))))
}

/// Levenshtein distance, for did-you-mean.
pub fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut previous = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let current = row[j + 1];
            row[j + 1] = if ca == *cb { previous } else { 1 + previous.min(row[j]).min(row[j + 1]) };
            previous = current;
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_roles_are_refused_with_the_nearest_one() {
        assert!(check_known("amount", "--col").is_ok());
        let err = check_known("amout", "--col").unwrap_err().to_string();
        assert!(err.contains("Did you mean 'amount'?") && err.contains("customer_id"), "{err}");
        let err = check_known("profit", "kam.toml").unwrap_err().to_string();
        assert!(err.contains("'profit' is not a role") && !err.contains("Did you mean"), "{err}");
        assert_eq!(edit_distance("kitten", "sitting"), 3);
    }
}
