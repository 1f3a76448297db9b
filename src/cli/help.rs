//! The text under each command's options: the input columns it reads (with the header
//! names kam recognises, from input::roles, so help and reader cannot drift apart), the
//! main output columns in a line each, and examples. Every metric's formula is in
//! docs/metrics.md.

use crate::input::roles::{self, Role};

/// One input table of a command: the roles it needs and the ones it uses when present.
struct Input {
    option: &'static str,
    table: &'static [Role],
    required: &'static [&'static str],
    optional: &'static [&'static str],
}

const fn input(option: &'static str, table: &'static [Role], required: &'static [&'static str], optional: &'static [&'static str]) -> Input {
    Input { option, table, required, optional }
}

const ORDER_LINES: Input = input("FILE (orders)", roles::ORDERS, &["order_date", "customer_id", "amount"], &["order_id", "customer_name", "currency"]);
const RECEIVABLES: Input = input(
    "--receivables",
    roles::RECEIVABLES,
    &["customer_id", "invoice_id", "invoice_date", "due_date", "amount"],
    &["paid_amount", "open_amount", "paid_date"],
);
const CUSTOMERS: Input = input("--customers", roles::CUSTOMERS, &["customer_id"], &["name", "credit_limit"]);
const PLAN: Input = input("--plan", roles::PLAN, &["customer_id", "period", "planned_amount"], &[]);

/// The help text of `command` under its options.
pub fn after_help(command: &str) -> String {
    let (inputs, outputs, examples): (Vec<Input>, &[(&str, &str)], &str) = match command {
        "abc" => (
            vec![input("FILE (orders)", roles::ORDERS, &["customer_id", "amount"], &["order_date", "customer_name", "product_id", "product_name", "currency"])],
            &[
                ("rank", "1 = the largest sales"),
                ("customer_id, customer_name", "the item (or product_id, product_name with --by product)"),
                ("sales, cum_sales", "net sales of the item in the period, and the running total"),
                ("share, cum_share", "the item's share of total sales, and the running share"),
                ("class", "A = the items making the first 75% of sales, B the next 20%, C the rest"),
            ],
            "kam abc orders.csv\n  kam abc orders.csv --by product --thresholds 0.8,0.15\n  kam abc 'exports/*.csv' --from 2024-01-01 --to 2024-06-30 --summary\n  kam abc orders.csv --format csv | kam abc - --by class",
        ),
        "products" => (
            vec![
                input("FILE (orders)", roles::ORDERS, &["product_id", "amount"], &["order_date", "quantity", "cost", "product_name"]),
                input("--inventory", roles::INVENTORY, &["snapshot_date", "product_id"], &["quantity", "value"]),
            ],
            &[
                ("sales, cost, gross_profit", "of the product in the period (money, exact)"),
                ("gross_margin_rate", "gross_profit / sales (毛利率)"),
                ("turnover", "cost of goods sold / average inventory (周转率); days_of_inventory = days / turnover"),
                ("cross_ratio", "gross_margin_rate x turnover (交叉比率)"),
                ("contribution_ratio", "cross_ratio x the product's share of sales (贡献比率)"),
            ],
            "kam products orders.csv --inventory inventory.csv\n  kam products orders.csv --inventory inventory.csv --from 2024-01-01 --to 2024-03-31 --basis quantity\n  kam products orders.csv --inventory inventory.csv --by customer,product --sort turnover\n  kam products orders.csv --per customer --interval month --plan plan.csv",
        ),
        "clv" => (
            vec![input("FILE (orders)", roles::ORDERS, &["order_date", "customer_id", "amount"], &["order_id", "cost", "customer_name"]), CUSTOMERS],
            &[
                ("x, t_x, T", "repeat purchase days, weeks from the first to the last purchase, weeks from the first purchase to --as-of"),
                ("m", "mean spend of the repeat purchases"),
                ("p_alive", "probability that the customer still buys (BG/NBD)"),
                ("expected_purchases", "purchases expected over --horizon months"),
                ("expected_spend, clv", "expected spend per purchase (Gamma-Gamma), and the discounted profit over the horizon, at cents"),
            ],
            "kam clv orders.csv\n  kam clv orders.csv --as-of 2024-12-31 --horizon 24 --discount 0.08 --params-out clv-model.json\n  kam clv orders.csv --margin 0.25 --params clv-model.json -o clv.csv\n  kam clv orders.csv --calibration-end 2024-06-30 --as-of 2024-12-31\n  kam clv --summary rfm.csv --margin 0.3\n\nExit codes: 0 ok, 1 a model could not be fitted, 2 bad input (e.g. no cost column and no --margin).",
        ),
        "churn" => (
            vec![ORDER_LINES, PLAN, CUSTOMERS],
            &[
                ("status", "active, at_risk (silent for more than --gap-multiple x the typical gap) or churned (more than --churn-days)"),
                ("reason", "the rule that decided the status, in words"),
                ("sales, sales_prev, sales_last_year", "the current period, the one before, the same period a year earlier"),
                ("change_prev, change_last_year", "sales against those periods (-0.3 = 30% down)"),
                ("drop_vs_prev, below_plan, frequency_down", "the sales-progress warnings"),
            ],
            "kam churn orders.csv --as-of 2024-06-30\n  kam churn orders.csv --as-of 2024-06-30 --plan plan.csv --drop 0.3\n  kam churn 'exports/*.csv' --as-of 2024-06-30 --period-months 3 --churn-days 120 --gap-multiple 3",
        ),
        "receivables" => (
            vec![input("FILE (receivables)", RECEIVABLES.table, RECEIVABLES.required, RECEIVABLES.optional), CUSTOMERS],
            &[
                ("current, d1_30 .. over_90", "open amounts by days past due (--buckets); the last row is the Total"),
                ("open_total, open_invoices", "what is still owed, and on how many invoices"),
                ("over_limit, excess", "open_total above the credit_limit, and by how much"),
                ("dso", "days sales outstanding: open_total / credit sales x days"),
                ("assets_share, over_warning_line", "open receivables / --total-assets, against --warning-line (赊销警戒线)"),
            ],
            "kam receivables receivables.csv --as-of 2024-06-30\n  kam receivables receivables.csv --customers customers.csv --as-of 2024-06-30 --total-assets 5000000\n  kam receivables 'ar/*.csv' --as-of 2024-06-30 --buckets 15,30,60,90 --orders orders.csv",
        ),
        "credit" => (
            vec![ORDER_LINES, RECEIVABLES, CUSTOMERS],
            &[
                ("class", "the customer's ABC class by sales over the period"),
                ("monthly_sales", "sales / days x 30, at cents"),
                ("avg_days_late, late_factor", "paid invoices' average days after due, and the limit multiplier it earns"),
                ("current_limit, suggested_limit, change", "the limit now, the suggestion (A: unlimited), and the difference"),
                ("policy, reason", "unlimited, months_of_sales or cash_only, and why"),
            ],
            "kam credit orders.csv --receivables receivables.csv\n  kam credit orders.csv --receivables receivables.csv --customers customers.csv --as-of 2024-06-30\n  kam credit orders.csv --receivables ar.csv --b-months 3 --c-months 1 --grace-days 5 --cash-days 90",
        ),
        "alerts" => (
            vec![ORDER_LINES, RECEIVABLES, CUSTOMERS, PLAN, input("--expenses", roles::EXPENSES, &["period", "amount", "budget"], &["customer_id", "salesperson", "region"])],
            &[
                ("kind", "churned, churn_risk, sales_vs_plan, sales_vs_previous, over_credit_limit, aging_overdue, ..."),
                ("severity", "critical, warning or info"),
                ("figure, threshold", "the measured value and the line it crossed"),
                ("reason", "the warning in words"),
            ],
            "kam alerts orders.csv --as-of 2024-06-30\n  kam alerts orders.csv --receivables receivables.csv --customers customers.csv --plan plan.csv --as-of 2024-06-30 --total-assets 5000000\n  kam alerts orders.csv --receivables ar.csv --as-of 2024-06-30 --fail-on critical -o alerts.csv || mail-the-team\n\nExit codes: 0 ok (or no alert at or above --fail-on), 2 bad input, 3 alerts at or above --fail-on.",
        ),
        "scorecard" => (
            vec![input("FILE (orders)", roles::ORDERS, &["order_date", "customer_id", "amount"], &["order_id", "cost", "customer_name"]), RECEIVABLES, CUSTOMERS],
            &[
                ("score", "0-100: the weighted percentiles of the components (2 decimals)"),
                ("tier", "key, major, regular or minor by score (--tiers)"),
                ("sales_12m, growth, margin_rate", "the last 12 months' sales, against the 12 before, and the gross margin"),
                ("score_sales .. score_clv", "each component's percentile"),
                ("false_key_account, flags", "a large buyer with a weak score, and the reasons"),
            ],
            "kam scorecard orders.csv --as-of 2024-12-31\n  kam scorecard orders.csv --receivables receivables.csv --customers customers.csv --as-of 2024-12-31\n  kam scorecard orders.csv --as-of 2024-12-31 --weights sales=0.4,clv=0 --tiers 80,60,40 --format markdown\n\nComponents, weights, tiers and flags: docs/scorecard.md.",
        ),
        "rfm" => (
            vec![input("FILE (orders)", roles::ORDERS, &["order_date", "customer_id", "amount"], &["customer_name"])],
            &[
                ("recency_days, frequency, monetary", "days since the last order, orders and sales in the window"),
                ("r_score, f_score, m_score", "1 (worst) to --bins (best) by quantile"),
                ("rfm, segment", "the three scores, and the segment they fall in (Champions ... Lost)"),
            ],
            "kam rfm orders.csv --as-of 2024-12-31\n  kam rfm orders.csv --as-of 2024-12-31 --window 365 --bins 3 --lang zh\n  kam rfm orders.csv --format csv | grep \",At Risk$\"",
        ),
        "cohorts" => (
            vec![input("FILE (orders)", roles::ORDERS, &["order_date", "customer_id", "amount"], &[])],
            &[
                ("cohort, customers", "the month of the first order, and how many customers it has"),
                ("m0, m1, ...", "the share of the cohort that ordered in the month after (or its sales against m0 with --value sales)"),
            ],
            "kam cohorts orders.csv --as-of 2024-12-31\n  kam cohorts orders.csv --value sales --format markdown",
        ),
        _ => return String::new(),
    };
    let mut text = String::from("Input columns (header names kam recognises; --col ROLE=HEADER maps any other):\n");
    for i in &inputs {
        text.push_str(&format!("  {}\n", i.option));
        for (names, label) in [(i.required, "required"), (i.optional, "if present")] {
            for name in names {
                text.push_str(&format!("    {name} ({label}){}\n", aliases(i.table, name)));
            }
        }
    }
    text.push_str("\nMain output columns (every column and formula: docs/metrics.md):\n");
    for (name, meaning) in outputs {
        text.push_str(&format!("  {name}: {meaning}\n"));
    }
    text.push_str(&format!("\nExamples:\n  {examples}"));
    text
}

/// ": 金额, 销售金额, ..." for the role `name` of `table`.
fn aliases(table: &[Role], name: &str) -> String {
    let role = table.iter().find(|r| r.name == name);
    debug_assert!(role.is_some(), "help names {name}, which is not a role of its table");
    match role {
        Some(role) if !role.aliases.is_empty() => format!(": {}", role.aliases.join(", ")),
        _ => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_role_named_in_help_exists() {
        // `aliases` asserts that each named role exists.
        for command in ["abc", "products", "clv", "churn", "receivables", "credit", "alerts", "scorecard", "rfm", "cohorts"] {
            let text = after_help(command);
            assert!(text.contains("Input columns") && text.contains("docs/metrics.md"), "{command}");
        }
    }
}
