//! Column roles: what a column means to kam, and the header names ERPs use for it.
//!
//! Every table kam reads (orders, inventory, ...) is described by a list of roles.
//! A role is found in a file by, in order: an explicit `--col role=header` mapping,
//! a `[columns]` entry in kam.toml, the role's own name, then its known aliases
//! (English and Chinese). Matching ignores case, spaces, `_` and `-`.

use std::collections::HashMap;

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
}

#[derive(Clone, Copy, Debug)]
pub struct Role {
    pub name: &'static str,
    pub kind: Kind,
    pub required: bool,
    /// Negative values are an input error (e.g. stock on hand, a credit limit).
    pub non_negative: bool,
    pub aliases: &'static [&'static str],
}

const fn role(
    name: &'static str,
    kind: Kind,
    required: bool,
    aliases: &'static [&'static str],
) -> Role {
    Role { name, kind, required, non_negative: false, aliases }
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
const QUANTITY_ALIASES: &[&str] = &["qty", "quantity", "units", "数量", "销售数量", "库存数量", "结存数量"];

pub const ORDERS: &[Role] = &[
    role("order_date", Kind::Date, true, &[
        "date", "order date", "invoice date", "posting date",
        "日期", "单据日期", "订单日期", "销售日期", "开票日期",
    ]),
    role("customer_id", Kind::Text, true, CUSTOMER_ALIASES),
    role("product_id", Kind::Text, true, PRODUCT_ALIASES),
    role("amount", Kind::Money, true, &[
        "net amount", "sales", "net sales", "revenue", "value", "line amount",
        "金额", "销售额", "销售金额", "无税金额", "不含税金额", "本币无税金额",
    ]),
    role("order_id", Kind::Text, false, &[
        "order", "order no", "order number", "document", "doc no",
        "订单号", "单据号", "单据编号", "订单编号",
    ]),
    role("quantity", Kind::Number, false, QUANTITY_ALIASES),
    role("cost", Kind::Money, false, &["cogs", "cost amount", "成本", "成本金额", "销售成本"]),
    role("customer_name", Kind::Text, false, &["客户名称", "客户名"]),
    role("product_name", Kind::Text, false, &["产品名称", "存货名称", "商品名称", "物料名称"]),
    role("region", Kind::Text, false, &["area", "地区", "区域"]),
    role("channel", Kind::Text, false, &["渠道"]),
    role("salesperson", Kind::Text, false, &["sales rep", "rep", "业务员", "销售员"]),
];

pub const INVENTORY: &[Role] = &[
    role("snapshot_date", Kind::Date, true, &["date", "stock date", "日期", "盘点日期", "库存日期"]),
    role("product_id", Kind::Text, true, PRODUCT_ALIASES),
    non_negative(role("quantity", Kind::Number, false, QUANTITY_ALIASES)),
    non_negative(role("value", Kind::Money, false, &[
        "stock value", "inventory value", "value at cost", "库存金额", "结存金额", "金额",
    ])),
    role("customer_id", Kind::Text, false, CUSTOMER_ALIASES),
    role("warehouse", Kind::Text, false, &["仓库"]),
];

pub const RECEIVABLES: &[Role] = &[
    role("customer_id", Kind::Text, true, CUSTOMER_ALIASES),
    role("invoice_id", Kind::Text, true, &["invoice", "invoice no", "发票号", "单据号"]),
    role("invoice_date", Kind::Date, true, &["date", "开票日期", "单据日期"]),
    role("due_date", Kind::Date, true, &["due", "到期日", "到期日期"]),
    role("amount", Kind::Money, true, &["invoice amount", "金额", "应收金额"]),
    role("paid_amount", Kind::Money, false, &["paid", "已收金额", "回款金额"]),
    role("open_amount", Kind::Money, false, &["open", "balance", "未收金额", "余额"]),
    role("paid_date", Kind::Date, false, &["payment date", "回款日期", "收款日期"]),
];

pub const CUSTOMERS: &[Role] = &[
    role("customer_id", Kind::Text, true, CUSTOMER_ALIASES),
    non_negative(role("credit_limit", Kind::Money, false, &["limit", "credit", "信用额度", "授信额度"])),
    role("name", Kind::Text, false, &["customer name", "客户名称"]),
    role("segment", Kind::Text, false, &["type", "customer type", "客户类型", "客户分类"]),
    role("since", Kind::Date, false, &["start date", "建档日期"]),
];

pub const PLAN: &[Role] = &[
    role("customer_id", Kind::Text, true, CUSTOMER_ALIASES),
    role("period", Kind::Text, true, &["month", "期间", "月份"]),
    role("planned_amount", Kind::Money, true, &["plan", "target", "budget", "计划金额", "目标", "计划"]),
    role("product_id", Kind::Text, false, PRODUCT_ALIASES),
];

pub const EXPENSES: &[Role] = &[
    role("period", Kind::Text, true, &["month", "期间", "月份"]),
    role("amount", Kind::Money, true, &["spend", "expense", "expenses", "费用", "费用金额"]),
    role("budget", Kind::Money, true, &["budget amount", "预算", "预算金额"]),
    role("customer_id", Kind::Text, false, CUSTOMER_ALIASES),
    role("salesperson", Kind::Text, false, &["sales rep", "rep", "业务员", "销售员"]),
    role("region", Kind::Text, false, &["area", "地区", "区域"]),
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

/// Map each role to the header that carries it. `explicit` holds user mappings
/// (role name -> header) which win over names and aliases.
/// Returns the mapping and the required roles that were not found.
pub fn resolve(
    roles: &[Role],
    headers: &[String],
    explicit: &HashMap<String, String>,
) -> (Vec<(Role, String)>, Vec<Role>) {
    let folded: Vec<String> = headers.iter().map(|h| fold(h)).collect();
    let find = |wanted: &str| {
        let w = fold(wanted);
        folded.iter().position(|f| *f == w).map(|i| headers[i].clone())
    };
    let mut taken: Vec<String> = Vec::new();
    let mut found = Vec::new();
    let mut missing = Vec::new();
    // Explicit mappings first, so an alias never steals a column the user assigned.
    let mut order: Vec<&Role> = roles.iter().filter(|r| explicit.contains_key(r.name)).collect();
    order.extend(roles.iter().filter(|r| !explicit.contains_key(r.name)));
    for r in order {
        let hit = match explicit.get(r.name) {
            Some(h) => find(h),
            None => std::iter::once(r.name)
                .chain(r.aliases.iter().copied())
                .filter_map(find)
                .find(|h| !taken.contains(h)),
        };
        match hit {
            Some(h) => {
                taken.push(h.clone());
                found.push((*r, h));
            }
            None if r.required || explicit.contains_key(r.name) => missing.push(*r),
            None => {}
        }
    }
    // Keep the table's own role order for stable output.
    found.sort_by_key(|(r, _)| roles.iter().position(|x| x.name == r.name));
    (found, missing)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(hs: &[&str]) -> Vec<String> {
        hs.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn chinese_and_english_aliases_are_recognised() {
        let h = headers(&["单据日期", "客户编码", "存货编码", "金额", "成本", "Qty"]);
        let (found, missing) = resolve(ORDERS, &h, &HashMap::new());
        assert!(missing.is_empty());
        let names: Vec<_> = found.iter().map(|(r, h)| (r.name, h.as_str())).collect();
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
        let (found, missing) = resolve(ORDERS, &h, &explicit);
        assert!(found.iter().any(|(r, h)| r.name == "amount" && h == "Amount2"));
        assert_eq!(missing.iter().map(|r| r.name).collect::<Vec<_>>(), vec!["customer_id"]);
    }
}
