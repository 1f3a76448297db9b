//! `kam products` end to end on files whose figures were worked out by hand.

use crate::common::*;

// tests/data/products_orders.csv, period 2024-01-01 .. 2024-03-31 (31 + 29 + 31 = 91 days):
//   P1 Widget: 1000.00 (10 units, cost 600.00) + 500.00 (5, 300.00)   -> sales 1500.00, qty 15, cost 900.00
//   P2 Gadget: 400.00 (8, 320.00) + a return -100.00 (-2, -80.00)    -> sales  300.00, qty  6, cost 240.00
//   P3 Gizmo : 200.00 (4, 150.00), and no inventory at all            -> sales  200.00, qty  4, cost 150.00
//   P4       : inventory only, no order lines                         -> sales    0.00, qty  0, cost   0.00
//   Outside the period (ignored): P1 2024-04-05, P2 2023-12-20.
// gross_profit: P1 600.00, P2 60.00, P3 50.00, P4 0.00.
// gross_margin_rate: P1 600/1500 = .4, P2 60/300 = .2, P3 50/200 = .25, P4 empty (no sales).
// share of 2000.00: P1 .75, P2 .15, P3 .10, P4 0; cum_share .75, .90, 1, 1.
// ABC (a = .75, b = .20): P1 before 0 -> A; P2 before .75 (not < .75) -> B; P3 before .90 -> B; P4 sales 0 -> C.
//
// tests/data/products_inventory.csv (summed over warehouses W1, W2 and the stock customer C1 holds):
//   P1 opening = last snapshot on or before 2024-01-01 = 2023-12-31 (2023-11-30 is older):
//        W1 20 + W2 10 + C1 5 = 35 units, 1200 + 600 + 300 = 2100.00
//      closing = last on or before 2024-03-31 = 2024-03-31 (2024-04-30 is after):
//        W1 15 + C1 3 = 18 units, 930 + 180 = 1110.00
//      avg = (35 + 18) / 2 = 26.5 units, (2100 + 1110) / 2 = 1605.000
//   P2 opening 2023-12-15 (a different date): 10 units, 400.00; closing 2024-03-20: 6 units, 252.00
//      avg = 8 units, (400 + 252) / 2 = 326.000
//   P4 opening 2023-12-31: 12 units, 240.00; closing 2024-03-31: 8 units, 160.00; avg 10 units, 200.000
// turnover, cost basis (the default: the inventory has value) = cost / avg value:
//   P1 900 / 1605 = 0.560748   P2 240 / 326 = 0.736196   P3 empty (no inventory)   P4 0 / 200 = 0
// days_of_inventory = 91 / turnover:
//   P1 91 × 1605 / 900 = 162.283333   P2 91 × 326 / 240 = 123.608333   P3 empty   P4 empty (turnover 0)
// cross_ratio = margin × turnover: P1 .4 × 900/1605 = 360/1605 = 0.224299; P2 .2 × 240/326 = 48/326 = 0.147239
// contribution_ratio = cross × share: P1 .75 × 360/1605 = 0.168224; P2 .15 × 48/326 = 0.022086
// Default sort: contribution_ratio descending, empty last, ties by product: P1, P2, P3, P4.

const PERIOD: [&str; 4] = ["--from", "2024-01-01", "--to", "2024-03-31"];

fn products(extra: &[&str]) -> Run {
    let orders = data("products_orders.csv");
    let inventory = data("products_inventory.csv");
    let mut args = vec!["products", orders.as_str(), "--inventory", inventory.as_str(), "--format", "csv"];
    args.extend(PERIOD);
    args.extend(extra);
    let run = kam(&args);
    assert_eq!(run.code, 0, "{}", run.stderr);
    run
}

#[test]
fn margin_inventory_turnover_and_ratios_by_hand() {
    let run = products(&[]);
    let out = &run.stdout;
    assert_eq!(column(out, "product_id"), ["P1", "P2", "P3", "P4"]);
    assert_eq!(column(out, "product_name"), ["Widget", "Gadget", "Gizmo", ""]);
    assert_eq!(column(out, "sales"), ["1500.00", "300.00", "200.00", "0.00"]);
    assert_eq!(column(out, "cost"), ["900.00", "240.00", "150.00", "0.00"]);
    assert_eq!(column(out, "gross_profit"), ["600.00", "60.00", "50.00", "0.00"]);
    assert_eq!(column(out, "gross_margin_rate"), ["0.400000", "0.200000", "0.250000", ""]);
    assert_eq!(column(out, "share"), ["0.750000", "0.150000", "0.100000", "0.000000"]);
    assert_eq!(column(out, "cum_share"), ["0.750000", "0.900000", "1.000000", "1.000000"]);
    assert_eq!(column(out, "class"), ["A", "B", "B", "C"]);
    assert_eq!(column(out, "opening_date"), ["2023-12-31", "2023-12-15", "", "2023-12-31"]);
    assert_eq!(column(out, "opening_value"), ["2100.00", "400.00", "", "240.00"]);
    assert_eq!(column(out, "closing_date"), ["2024-03-31", "2024-03-20", "", "2024-03-31"]);
    // Whole quantities are written as integers.
    assert_eq!(column(out, "closing_qty"), ["18", "6", "", "8"]);
    assert_eq!(column(out, "closing_value"), ["1110.00", "252.00", "", "160.00"]);
    assert_eq!(column(out, "avg_qty"), ["26.500000", "8.000000", "", "10.000000"]);
    assert_eq!(column(out, "avg_value"), ["1605.000", "326.000", "", "200.000"]);
    assert_eq!(column(out, "turnover"), ["0.560748", "0.736196", "", "0.000000"]);
    assert_eq!(column(out, "days_of_inventory"), ["162.283333", "123.608333", "", ""]);
    assert_eq!(column(out, "cross_ratio"), ["0.224299", "0.147239", "", ""]);
    assert_eq!(column(out, "contribution_ratio"), ["0.168224", "0.022086", "", ""]);
    // One note per kind of undefined value, with the count.
    let err = &run.stderr;
    assert!(err.contains("91 days"), "{err}");
    assert!(err.contains("cost basis"), "{err}");
    assert!(err.contains("1 product with no net sales"), "{err}");
    assert!(err.contains("1 product with no inventory to average"), "{err}");
    assert!(err.contains("1 product with stock but no sales (turnover 0)"), "{err}");
}

#[test]
fn quantity_and_sales_bases() {
    // quantity basis = quantity sold / average units: P1 15 / 26.5 = 0.566038, P2 6 / 8 = 0.75, P4 0 / 10 = 0.
    // days: P1 91 × 26.5 / 15 = 160.766667, P2 91 / .75 = 121.333333.
    // cross: P1 .4 × 15/26.5 = 0.226415, contribution × .75 = 0.169811; P2 .2 × .75 = .15, × .15 = .0225.
    let run = products(&["--basis", "quantity"]);
    let out = &run.stdout;
    assert_eq!(column(out, "product_id"), ["P1", "P2", "P3", "P4"]);
    assert_eq!(column(out, "turnover"), ["0.566038", "0.750000", "", "0.000000"]);
    assert_eq!(column(out, "days_of_inventory"), ["160.766667", "121.333333", "", ""]);
    assert_eq!(column(out, "cross_ratio"), ["0.226415", "0.150000", "", ""]);
    assert_eq!(column(out, "contribution_ratio"), ["0.169811", "0.022500", "", ""]);
    assert!(run.stderr.contains("quantity basis"), "{}", run.stderr);
    // sales basis = sales / average value: P1 1500 / 1605 = 0.934579, P2 300 / 326 = 0.920245.
    // days: P1 91 × 1605 / 1500 = 97.370000, P2 91 × 326 / 300 = 98.886667.
    let run = products(&["--basis", "sales"]);
    assert_eq!(column(&run.stdout, "turnover"), ["0.934579", "0.920245", "", "0.000000"]);
    assert_eq!(column(&run.stdout, "days_of_inventory"), ["97.370000", "98.886667", "", ""]);
}

#[test]
fn mean_of_all_snapshots_in_the_period() {
    // --avg all: snapshots dated 2024-01-01 .. 2024-03-31 only.
    //   P1 2024-02-29 (40 units, 2400.00) and 2024-03-31 (18, 1110.00): 29 units, 1755.000
    //   P2 2024-03-20 only: 6 units, 252.000;  P4 2024-03-31 only: 8 units, 160.000
    // cost basis: P1 900 / 1755 = 0.512821; P2 240 / 252 = 0.952381.
    let run = products(&["--avg", "all"]);
    let out = &run.stdout;
    assert_eq!(column(out, "product_id"), ["P1", "P2", "P3", "P4"]);
    assert_eq!(column(out, "avg_qty"), ["29.000000", "6.000000", "", "8.000000"]);
    assert_eq!(column(out, "avg_value"), ["1755.000", "252.000", "", "160.000"]);
    assert_eq!(column(out, "turnover"), ["0.512821", "0.952381", "", "0.000000"]);
}

#[test]
fn sort_by_any_column() {
    // Numbers descending, empty last: days P1 162.28, P2 123.61, then P3, P4 (ties by product).
    let run = products(&["--sort", "days_of_inventory", "-q"]);
    assert_eq!(column(&run.stdout, "product_id"), ["P1", "P2", "P3", "P4"]);
    // gross profit (the seed's margin table): 600, 60, 50, 0.
    let run = products(&["--sort", "gross_profit", "-q"]);
    assert_eq!(column(&run.stdout, "gross_profit"), ["600.00", "60.00", "50.00", "0.00"]);
    // gross_margin_rate: .4, .25, .2, empty.
    let run = products(&["--sort", "gross_margin_rate", "-q"]);
    assert_eq!(column(&run.stdout, "product_id"), ["P1", "P3", "P2", "P4"]);
    // Text ascending.
    let run = products(&["--sort", "product_name", "-q"]);
    assert_eq!(column(&run.stdout, "product_name"), ["Gadget", "Gizmo", "Widget", ""]);
    let orders = data("products_orders.csv");
    let bad = kam(&["products", &orders, "--sort", "margin"]);
    assert_bad_input(&bad, &["--sort", "'margin'", "gross_margin_rate"]);
}

#[test]
fn by_customer_and_product_uses_the_customers_stock() {
    // Pairs in the period: C1-P1 1000.00 (cost 600), C2-P1 500.00 (300), C1-P2 400 - 100 = 300.00 (240),
    // C2-P3 200.00 (150). Only C1 holds P1 in stock: 2023-12-31 5 units 300.00, 2024-03-31 3 units 180.00.
    // C1-P1: avg (300 + 180) / 2 = 240.000; turnover 600 / 240 = 2.5; days 91 / 2.5 = 36.4;
    //   margin 400 / 1000 = .4; cross .4 × 2.5 = 1; share 1000 / 2000 = .5; contribution .5.
    // The other pairs have no stock of their own: turnover empty. The 10 own-stock rows are left out.
    let run = products(&["--by", "customer,product"]);
    let out = &run.stdout;
    assert_eq!(column(out, "customer_id"), ["C1", "C1", "C2", "C2"]);
    assert_eq!(column(out, "product_id"), ["P1", "P2", "P1", "P3"]);
    assert_eq!(column(out, "customer_name"), ["Acme", "Acme", "Bolt", "Bolt"]);
    assert_eq!(column(out, "sales"), ["1000.00", "300.00", "500.00", "200.00"]);
    assert_eq!(column(out, "avg_value"), ["240.000", "", "", ""]);
    assert_eq!(column(out, "turnover"), ["2.500000", "", "", ""]);
    assert_eq!(column(out, "days_of_inventory"), ["36.400000", "", "", ""]);
    assert_eq!(column(out, "cross_ratio"), ["1.000000", "", "", ""]);
    assert_eq!(column(out, "contribution_ratio"), ["0.500000", "", "", ""]);
    // ABC over pairs: 1000, 500, 300, 200 -> before 0, .5, .75, .9 -> A, A, B, B.
    assert_eq!(column(out, "class"), ["A", "B", "A", "B"]);
    assert!(run.stderr.contains("10 inventory rows without customer_id"), "{}", run.stderr);
    assert!(run.stderr.contains("3 customer-product pairs with no inventory"), "{}", run.stderr);
}

#[test]
fn without_inventory_the_turnover_columns_are_empty() {
    let orders = data("products_orders.csv");
    let mut args = vec!["products", orders.as_str(), "--format", "csv"];
    args.extend(PERIOD);
    let run = kam(&args);
    assert_eq!(run.code, 0, "{}", run.stderr);
    // P4 exists only in the inventory, so it is not listed; order by contribution (all empty) -> by product.
    assert_eq!(column(&run.stdout, "product_id"), ["P1", "P2", "P3"]);
    assert_eq!(column(&run.stdout, "gross_margin_rate"), ["0.400000", "0.200000", "0.250000"]);
    for c in ["opening_value", "closing_value", "avg_value", "turnover", "days_of_inventory", "cross_ratio", "contribution_ratio"] {
        assert_eq!(column(&run.stdout, c), ["", "", ""], "{c}");
    }
    assert!(run.stderr.contains("no --inventory given"), "{}", run.stderr);
}

#[test]
fn period_defaults_to_the_order_dates() {
    // No --from/--to: 2023-12-20 .. 2024-04-05 = 12 + 31 + 29 + 31 + 5 = 108 days.
    // P1 opening is the last snapshot on or before 2023-12-20: 2023-11-30 (99 units, 5940.00).
    // P4's first snapshot (2023-12-31) is after the start: it stands in as the opening, with a note.
    let orders = data("products_orders.csv");
    let inventory = data("products_inventory.csv");
    let run = kam(&["products", &orders, "--inventory", &inventory, "--format", "csv", "--sort", "product_id"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stderr.contains("2023-12-20 to 2024-04-05 (108 days)"), "{}", run.stderr);
    assert_eq!(column(&run.stdout, "opening_value"), ["5940.00", "400.00", "", "240.00"]);
    assert!(run.stderr.contains("1 product without a snapshot on or before 2023-12-20"), "{}", run.stderr);
    // P1 sales now include 2024-04-05: 1600.00.
    assert_eq!(column(&run.stdout, "sales")[0], "1600.00");
}

#[test]
fn negative_inventory_quantity_is_bad_input() {
    let dir = tempdir();
    let inv = write(
        dir.path(),
        "stock.csv",
        b"snapshot_date,product_id,quantity,value\n2023-12-31,P1,5,50.00\n2024-03-31,P1,-3,30.00\n",
    );
    let orders = data("products_orders.csv");
    let run = kam(&["products", &orders, "--inventory", inv.to_str().unwrap()]);
    assert_bad_input(&run, &["stock.csv", "row 2", "line 3", "'quantity'", "-3"]);
    assert!(run.stdout.is_empty());
}

#[test]
fn basis_needs_its_columns() {
    // An inventory with quantity only cannot give a cost-basis turnover.
    let dir = tempdir();
    let inv = write(dir.path(), "units.csv", b"snapshot_date,product_id,quantity\n2023-12-31,P1,5\n");
    let orders = data("products_orders.csv");
    let run = kam(&["products", &orders, "--inventory", inv.to_str().unwrap(), "--basis", "cost"]);
    assert_bad_input(&run, &["cost basis", "value", "units.csv"]);
    // Without --basis the default is quantity for such a file: P1 15 / ((5 + 5) / 2) with 2024-01-01..03-31.
    let mut args = vec!["products", orders.as_str(), "--inventory", inv.to_str().unwrap(), "--format", "csv", "-q"];
    args.extend(PERIOD);
    let run = kam(&args);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(column(&run.stdout, "turnover")[0], "3.000000");
}

// --per customer (2024-01-01 .. 2024-03-31), monthly sales per customer:
//   2024-01: C1 1000 + 400 = 1400.00, C2 200.00 -> company 1600.00; shares .875, .125
//   2024-02: C2 500.00 -> company 500.00; share 1
//   2024-03: C1 -100.00 (the return); company -100.00 -> shares undefined (empty)
// tests/data/products_plan.csv: C1 2024-01 1250.00, C2 2024-02 800.00, C2 2024-03 100.00, C1 2024-04 (outside).
//   C1 2024-01: difference 1400 - 1250 = 150.00, achievement 1400 / 1250 = 1.12
//   C2 2024-02: 500 - 800 = -300.00, 500 / 800 = .625
//   C2 2024-03: no sales: 0.00 - 100 = -100.00, achievement 0
//   C2 2024-01 and C1 2024-03 have no plan: plan, difference and achievement empty.
// Rows by period, then sales descending.

#[test]
fn per_customer_month_against_plan() {
    let orders = data("products_orders.csv");
    let plan = data("products_plan.csv");
    let mut args = vec!["products", orders.as_str(), "--per", "customer", "--plan", plan.as_str(), "--format", "csv"];
    args.extend(PERIOD);
    let run = kam(&args);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let out = &run.stdout;
    assert_eq!(column(out, "customer_id"), ["C1", "C2", "C2", "C2", "C1"]);
    assert_eq!(column(out, "period"), ["2024-01", "2024-01", "2024-02", "2024-03", "2024-03"]);
    assert_eq!(column(out, "sales"), ["1400.00", "200.00", "500.00", "0.00", "-100.00"]);
    assert_eq!(column(out, "period_sales"), ["1600.00", "1600.00", "500.00", "-100.00", "-100.00"]);
    assert_eq!(column(out, "share"), ["0.875000", "0.125000", "1.000000", "", ""]);
    assert_eq!(column(out, "planned_amount"), ["1250.00", "", "800.00", "100.00", ""]);
    assert_eq!(column(out, "difference"), ["150.00", "", "-300.00", "-100.00", ""]);
    assert_eq!(column(out, "achievement_rate"), ["1.120000", "", "0.625000", "0.000000", ""]);
}

#[test]
fn per_customer_year() {
    // 2024: C1 1400 - 100 = 1300.00, C2 700.00, company 2000.00; plan C1 1250.00 (April is outside),
    // C2 800 + 100 = 900.00; achievement 1300 / 1250 = 1.04, 700 / 900 = 0.777778.
    let orders = data("products_orders.csv");
    let plan = data("products_plan.csv");
    let mut args = vec!["products", orders.as_str(), "--per", "customer", "--interval", "year", "--plan", plan.as_str(), "--format", "csv"];
    args.extend(PERIOD);
    let run = kam(&args);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let out = &run.stdout;
    assert_eq!(column(out, "period"), ["2024", "2024"]);
    assert_eq!(column(out, "sales"), ["1300.00", "700.00"]);
    assert_eq!(column(out, "share"), ["0.650000", "0.350000"]);
    assert_eq!(column(out, "planned_amount"), ["1250.00", "900.00"]);
    assert_eq!(column(out, "difference"), ["50.00", "-200.00"]);
    assert_eq!(column(out, "achievement_rate"), ["1.040000", "0.777778"]);
}

#[test]
fn plan_period_must_be_a_month() {
    let dir = tempdir();
    let plan = write(dir.path(), "plan.csv", b"customer_id,period,planned_amount\nC1,2024-01,10.00\nC2,Q1 2024,5.00\n");
    let orders = data("products_orders.csv");
    let run = kam(&["products", &orders, "--per", "customer", "--plan", plan.to_str().unwrap()]);
    assert_bad_input(&run, &["plan.csv", "row 2", "period", "Q1 2024", "YYYY-MM"]);
}
