//! `kam generate`: a synthetic, deterministic set of ERP exports (orders, inventory,
//! receivables, customers, sales plan) at any scale, for demos, tests and benchmarks.
//!
//! How it works, in three phases:
//! 1. Build a small "world": calendar, products, customers (size, lifecycle, payment
//!    habits) and, per day, how many order lines that day gets. The per-day counts add up
//!    to exactly `order_lines`, so the total is exact while seasonality, weekdays,
//!    new and churned customers still shape the curve.
//! 2. Walk the days in order and stream orders (and their invoices) to disk. Customers are
//!    drawn in proportion to their current order rate; only per-customer, per-product and
//!    per-month aggregates are kept, never the lines themselves.
//! 3. Write inventory, customers and plan from those aggregates.
//!
//! Everything is driven by `StdRng` streams seeded from `GenerateOptions::seed` and only
//! ordered collections are iterated, so the same options give byte-identical files.

use std::collections::HashSet;
use std::fs::{self, File};
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use anyhow::{ensure, Context, Result};
use chrono::{Datelike, Duration, NaiveDate};
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_distr::{Distribution, LogNormal};

// ---------------------------------------------------------------------------------------
// Public API
// ---------------------------------------------------------------------------------------

/// What to generate. See `Default` for the defaults of the optional parts.
#[derive(Debug, Clone)]
pub struct GenerateOptions {
    /// Number of order lines to write (exactly this many).
    pub order_lines: u64,
    /// Default: clamp(order_lines / 15, 30, 200_000).
    pub customers: Option<u64>,
    /// Default: clamp(order_lines / 100, 20, 20_000).
    pub products: Option<u64>,
    pub seed: u64,
    /// First order date.
    pub start: NaiveDate,
    /// Last order date (inclusive).
    pub end: NaiveDate,
    pub out_dir: PathBuf,
}

impl Default for GenerateOptions {
    fn default() -> Self {
        GenerateOptions {
            order_lines: 20_000,
            customers: None,
            products: None,
            seed: 42,
            start: NaiveDate::from_ymd_opt(2023, 1, 1).expect("valid date"),
            end: NaiveDate::from_ymd_opt(2024, 12, 31).expect("valid date"),
            out_dir: PathBuf::from("sample-data"),
        }
    }
}

pub const ORDERS_FILE: &str = "orders.csv";
pub const INVENTORY_FILE: &str = "inventory.csv";
pub const RECEIVABLES_FILE: &str = "receivables.csv";
pub const CUSTOMERS_FILE: &str = "customers.csv";
pub const PLAN_FILE: &str = "plan.csv";

const ORDERS_HEADER: &str = "order_id,order_date,customer_id,customer_name,product_id,product_name,region,channel,salesperson,quantity,amount,cost";
const INVENTORY_HEADER: &str = "snapshot_date,product_id,warehouse,customer_id,quantity,value";
const RECEIVABLES_HEADER: &str =
    "customer_id,invoice_id,invoice_date,due_date,amount,paid_amount,paid_date";
const CUSTOMERS_HEADER: &str = "customer_id,name,segment,region,credit_limit,since";
const PLAN_HEADER: &str = "customer_id,period,planned_amount";

/// Writes orders.csv, inventory.csv, receivables.csv, customers.csv, plan.csv into out_dir
/// (created if missing). Each file is written to a temporary name in out_dir and renamed
/// into place at the end, so an interrupted run never leaves a half-written file.
/// `progress` is called now and then with the number of order lines written so far.
pub fn generate_csv(opts: &GenerateOptions, progress: &mut dyn FnMut(u64)) -> Result<Vec<PathBuf>> {
    let scale = Scale::from_options(opts)?;
    fs::create_dir_all(&opts.out_dir)
        .with_context(|| format!("cannot create output directory {}", opts.out_dir.display()))?;
    let world = World::build(&scale, opts.seed);
    let dir = &opts.out_dir;

    let mut orders = TempCsv::create(dir, ORDERS_FILE, ORDERS_HEADER)?;
    let mut receivables = TempCsv::create(dir, RECEIVABLES_FILE, RECEIVABLES_HEADER)?;
    let sales =
        OrderStream::new(&world, opts.seed, &mut orders, &mut receivables, progress).run()?;

    let mut inventory = TempCsv::create(dir, INVENTORY_FILE, INVENTORY_HEADER)?;
    write_inventory(&world, &sales, opts.seed, &mut inventory)?;
    let mut customers = TempCsv::create(dir, CUSTOMERS_FILE, CUSTOMERS_HEADER)?;
    write_customers(&world, &sales, &mut customers)?;
    let mut plan = TempCsv::create(dir, PLAN_FILE, PLAN_HEADER)?;
    write_plan(&world, &sales, &mut plan)?;

    TempCsv::commit_all(vec![orders, inventory, receivables, customers, plan])
}

// ---------------------------------------------------------------------------------------
// Options, validated
// ---------------------------------------------------------------------------------------

const MAX_CUSTOMERS: u64 = 5_000_000;
const MAX_PRODUCTS: u64 = 500_000;
const MAX_PERIOD_YEARS: i64 = 30;

struct Scale {
    order_lines: u64,
    customers: usize,
    products: usize,
    start: NaiveDate,
    end: NaiveDate,
}

impl Scale {
    fn from_options(opts: &GenerateOptions) -> Result<Scale> {
        ensure!(opts.order_lines >= 1, "order_lines must be at least 1");
        ensure!(
            opts.start <= opts.end,
            "start date {} is after end date {}",
            opts.start,
            opts.end
        );
        ensure!(
            (opts.end - opts.start).num_days() < MAX_PERIOD_YEARS * 366,
            "the period {}..{} is longer than {} years",
            opts.start,
            opts.end,
            MAX_PERIOD_YEARS
        );
        let customers = opts
            .customers
            .unwrap_or((opts.order_lines / 15).clamp(30, 200_000));
        let products = opts
            .products
            .unwrap_or((opts.order_lines / 100).clamp(20, 20_000));
        ensure!(
            (1..=MAX_CUSTOMERS).contains(&customers),
            "customers must be between 1 and {MAX_CUSTOMERS}, got {customers}"
        );
        ensure!(
            (1..=MAX_PRODUCTS).contains(&products),
            "products must be between 1 and {MAX_PRODUCTS}, got {products}"
        );
        Ok(Scale {
            order_lines: opts.order_lines,
            customers: customers as usize,
            products: products as usize,
            start: opts.start,
            end: opts.end,
        })
    }
}

/// Independent random streams per phase, so a change in one phase does not reshuffle
/// the output of the others.
fn rng_stream(seed: u64, phase: u64) -> StdRng {
    StdRng::seed_from_u64(seed ^ phase.wrapping_mul(0x9E37_79B9_7F4A_7C15))
}

// ---------------------------------------------------------------------------------------
// Reference data
// ---------------------------------------------------------------------------------------

const REGIONS: [&str; 7] = ["华东", "华北", "华南", "西南", "华中", "东北", "西北"];
const REGION_WEIGHTS: [u32; 7] = [30, 18, 20, 10, 12, 5, 5];
const REGION_CITIES: [&[&str]; 7] = [
    &[
        "上海", "杭州", "南京", "苏州", "宁波", "合肥", "济南", "福州",
    ],
    &["北京", "天津", "石家庄", "太原", "呼和浩特"],
    &["广州", "深圳", "东莞", "佛山", "南宁", "海口"],
    &["成都", "重庆", "昆明", "贵阳"],
    &["武汉", "长沙", "郑州", "洛阳", "宜昌"],
    &["沈阳", "大连", "哈尔滨", "长春"],
    &["西安", "兰州", "银川", "西宁", "乌鲁木齐"],
];
const SALESPEOPLE: [&str; 8] = [
    "张伟", "王芳", "李强", "刘洋", "陈静", "杨帆", "赵磊", "周敏",
];
/// Indices into SALESPEOPLE covering each region (a few people cover two regions).
const REGION_SALESPEOPLE: [&[usize]; 7] = [&[0, 1, 7], &[2], &[3, 4], &[5], &[6], &[2], &[5]];

const NAME_WORDS: [&str; 40] = [
    "华信", "宏达", "鑫源", "恒通", "金盛", "永安", "瑞丰", "德胜", "嘉禾", "天成", "利民", "兴隆",
    "万家", "佳美", "广源", "盛世", "同创", "博远", "明辉", "荣昌", "富康", "启航", "长青", "信达",
    "海纳", "百顺", "和泰", "安盛", "众诚", "凯达", "联华", "新业", "创展", "汇通", "正源", "聚丰",
    "泰和", "顺发", "九洲", "银河",
];

struct Segment {
    name: &'static str,
    channel: &'static str,
    share: u32,
    /// Relative purchasing volume of a customer of this segment.
    size: f64,
    /// Typical quantity per order line (distributors buy in bulk).
    quantity: f64,
    /// Discount off list price, in basis points (lowest, highest).
    discount_bp: (i64, i64),
    /// Weights for payment terms of 30, 60 and 90 days.
    terms_weights: [u32; 3],
    suffixes: &'static [&'static str],
}

const DISTRIBUTOR: usize = 0;
const END_CUSTOMER: usize = 3;
const SEGMENTS: [Segment; 4] = [
    Segment {
        name: "经销商",
        channel: "经销",
        share: 22,
        size: 2.5,
        quantity: 14.0,
        discount_bp: (800, 1500),
        terms_weights: [2, 5, 3],
        suffixes: &[
            "贸易有限公司",
            "商贸有限公司",
            "电器销售有限公司",
            "供应链有限公司",
        ],
    },
    Segment {
        name: "零售商",
        channel: "零售",
        share: 38,
        size: 1.0,
        quantity: 3.0,
        discount_bp: (200, 800),
        terms_weights: [5, 4, 1],
        suffixes: &["电器行", "家电商场", "电器城", "家电连锁店", "商贸公司"],
    },
    Segment {
        name: "代理商",
        channel: "代理",
        share: 15,
        size: 1.5,
        quantity: 6.0,
        discount_bp: (500, 1200),
        terms_weights: [4, 4, 2],
        suffixes: &["商贸公司", "电器代理有限公司", "实业有限公司"],
    },
    Segment {
        name: "终端客户",
        channel: "直销",
        share: 25,
        size: 0.5,
        quantity: 1.5,
        discount_bp: (0, 500),
        terms_weights: [6, 3, 1],
        suffixes: &[
            "酒店管理有限公司",
            "物业服务有限公司",
            "建设工程有限公司",
            "科技有限公司",
        ],
    },
];
const TERMS_DAYS: [i64; 3] = [30, 60, 90];

struct Category {
    name: &'static str,
    code: &'static str,
    /// List price range in yuan.
    price_range: (f64, f64),
}

const CATEGORIES: [Category; 14] = [
    category("空调", "KFR", 2500.0, 9000.0),
    category("冰箱", "BCD", 1800.0, 8000.0),
    category("洗衣机", "XQG", 1200.0, 5000.0),
    category("电视", "LED", 1500.0, 12000.0),
    category("热水器", "JSQ", 800.0, 4000.0),
    category("油烟机", "CXW", 1200.0, 5000.0),
    category("燃气灶", "JZT", 500.0, 2500.0),
    category("微波炉", "WBL", 300.0, 1200.0),
    category("电饭煲", "DFB", 200.0, 1200.0),
    category("净水器", "JSJ", 800.0, 4500.0),
    category("吸尘器", "XCQ", 400.0, 3000.0),
    category("电风扇", "DFS", 100.0, 600.0),
    category("空气净化器", "KJF", 800.0, 4000.0),
    category("电磁炉", "DCL", 150.0, 600.0),
];

const fn category(name: &'static str, code: &'static str, low: f64, high: f64) -> Category {
    Category {
        name,
        code,
        price_range: (low, high),
    }
}

/// Own warehouses, in the order their rows are written.
const WAREHOUSES: [&str; 3] = ["WH-BJ", "WH-GZ", "WH-SH"];

/// Sales by calendar month: a dip around Chinese New Year, a peak in Q4.
const MONTH_SEASONALITY: [f64; 12] = [
    0.95, 0.60, 0.95, 1.00, 0.98, 1.05, 0.95, 0.95, 1.05, 1.08, 1.25, 1.35,
];
/// Monday..Sunday: B2B orders are mostly placed on working days.
const WEEKDAY_FACTOR: [f64; 7] = [1.0, 1.0, 1.0, 1.0, 1.0, 0.35, 0.12];
/// Underlying business growth per year.
const YEARLY_GROWTH: f64 = 0.06;

const RETURN_SHARE: f64 = 0.02;
const NEW_CUSTOMER_SHARE: f64 = 0.15;
const CHURNED_CUSTOMER_SHARE: f64 = 0.15;
/// Pareto shape of customer size: about 1.16 gives the classic 80/20.
const CUSTOMER_PARETO_ALPHA: f64 = 1.1;
const PRODUCT_PARETO_ALPHA: f64 = 1.1;
/// Order frequency grows with customer size to this power; the rest of the size shows
/// in lines per order and quantities.
const ORDER_FREQUENCY_EXPONENT: f64 = 0.4;
const CUSTOMER_WEIGHT_CAP: f64 = 250.0;
/// How many recent purchases per customer are remembered as candidates for returns.
const RECENT_PURCHASES: usize = 6;
const MAX_FAVOURITES: usize = 6;
const PROGRESS_EVERY: u64 = 1 << 16;

// ---------------------------------------------------------------------------------------
// Calendar
// ---------------------------------------------------------------------------------------

struct Month {
    year: i32,
    month: u32,
    /// Day index (from `start`) of the month's last day within the period.
    last_day: u32,
}

struct Calendar {
    start: NaiveDate,
    end: NaiveDate,
    days: u32,
    month_of_day: Vec<u32>,
    months: Vec<Month>,
}

impl Calendar {
    fn new(start: NaiveDate, end: NaiveDate) -> Calendar {
        let days = (end - start).num_days() as u32 + 1;
        let mut month_of_day = Vec::with_capacity(days as usize);
        let mut months: Vec<Month> = Vec::new();
        for day in 0..days {
            let date = start + Duration::days(day as i64);
            let is_new_month = months
                .last()
                .is_none_or(|m| m.year != date.year() || m.month != date.month());
            if is_new_month {
                months.push(Month {
                    year: date.year(),
                    month: date.month(),
                    last_day: day,
                });
            }
            let current = months.last_mut().expect("just pushed");
            current.last_day = day;
            month_of_day.push(months.len() as u32 - 1);
        }
        Calendar {
            start,
            end,
            days,
            month_of_day,
            months,
        }
    }

    fn date(&self, day: i64) -> NaiveDate {
        self.start + Duration::days(day)
    }
}

// ---------------------------------------------------------------------------------------
// Products
// ---------------------------------------------------------------------------------------

struct Product {
    id: String,
    name: String,
    /// List price and unit cost in cents.
    price: i64,
    unit_cost: i64,
    /// Cheap products sell in larger quantities per line.
    quantity_factor: f64,
    /// (warehouse index, share of the stock), main warehouse first.
    warehouses: Vec<(usize, f64)>,
    /// Stock kept, in months of sales.
    coverage_months: f64,
}

fn build_products(count: usize, rng: &mut StdRng) -> (Vec<Product>, CumulativePicker) {
    let width = id_width(count as u64, 4);
    let popularity = stratified_pareto(count, PRODUCT_PARETO_ALPHA, 500.0, rng);
    let loss_leaders = pick_some(count, (count as f64 * 0.03).round() as usize, rng);
    let slow_movers = pick_some(count, (count as f64 * 0.05).round().max(1.0) as usize, rng);
    let mut names = HashSet::new();
    let mut products = Vec::with_capacity(count);
    for i in 0..count {
        let category = &CATEGORIES[rng.gen_range(0..CATEGORIES.len())];
        let id = format!("P{:0width$}", i + 1);
        let name = product_name(category, &id, &mut names, rng);
        let price = list_price_cents(category, rng);
        let cost_share = if loss_leaders.contains(&i) {
            rng.gen_range(0.88..1.0) // sold near or below cost after discounts
        } else {
            1.0 - rng.gen_range(0.17..0.49) // 10–45 % margin after the typical discount
        };
        let unit_cost = ((price as f64 * cost_share).round() as i64).max(1);
        let quantity_factor = (100_000.0 / price as f64).powf(0.35).clamp(0.3, 4.0);
        let coverage_months = if slow_movers.contains(&i) {
            rng.gen_range(6.0..18.0)
        } else {
            rng.gen_range(0.5..2.5)
        };
        products.push(Product {
            id,
            name,
            price,
            unit_cost,
            quantity_factor,
            warehouses: product_warehouses(rng),
            coverage_months,
        });
    }
    (products, CumulativePicker::new(&popularity))
}

fn product_name(
    category: &Category,
    id: &str,
    taken: &mut HashSet<String>,
    rng: &mut StdRng,
) -> String {
    for _ in 0..10 {
        let letter = (b'A' + rng.gen_range(0..8u8)) as char;
        let name = format!(
            "{} {}-{}{}",
            category.name,
            category.code,
            rng.gen_range(100..1000),
            letter
        );
        if taken.insert(name.clone()) {
            return name;
        }
    }
    format!("{} {}-{}", category.name, category.code, id) // unique by construction
}

/// Log-uniform within the category's range, as a "psychological" price like 2999.00.
fn list_price_cents(category: &Category, rng: &mut StdRng) -> i64 {
    let (low, high) = category.price_range;
    let yuan = (low.ln() + rng.gen::<f64>() * (high.ln() - low.ln())).exp();
    let yuan = ((yuan / 10.0).round() as i64 * 10 - 1).max(9);
    yuan * 100
}

fn product_warehouses(rng: &mut StdRng) -> Vec<(usize, f64)> {
    // Most stock sits in Shanghai; some products are also kept in a second warehouse.
    let main = *[2usize, 2, 2, 1, 0].choose(rng).expect("non-empty");
    if rng.gen_bool(0.35) {
        let other = (main + rng.gen_range(1..WAREHOUSES.len())) % WAREHOUSES.len();
        let share = rng.gen_range(0.6..0.85);
        vec![(main, share), (other, 1.0 - share)]
    } else {
        vec![(main, 1.0)]
    }
}

// ---------------------------------------------------------------------------------------
// Customers
// ---------------------------------------------------------------------------------------

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Lifecycle {
    /// Orders throughout the period.
    Regular,
    /// First appears after the start of the period.
    New,
    /// Stops ordering for good in the second half of the period.
    Churned { declining: bool, leaves_debt: bool },
    /// A single very large order and nothing else.
    OneOffBulk,
}

#[derive(Clone, Copy, Debug)]
enum Payer {
    /// Pays around the due date (±10 days).
    OnTime,
    /// Typically this many days late (30–150).
    Late { typical_delay: i64 },
    /// Pays part around the due date and the rest later.
    TwoParts,
}

struct Customer {
    id: String,
    name: String,
    segment: usize,
    region: usize,
    salesperson: usize,
    lifecycle: Lifecycle,
    /// First and last day (indices) on which the customer may order.
    active_from: u32,
    active_until: u32,
    /// Relative size (Pareto), and the order rate it implies, in integer units.
    weight: f64,
    rate_units: u64,
    /// Lines per order = 1 + Binomial(4, extra_line_p).
    extra_line_p: f64,
    quantity_scale: f64,
    discount_bp: i64,
    terms_days: i64,
    payer: Payer,
    /// Credit limit as a multiple of monthly purchases × terms; None = no limit recorded.
    credit_factor: Option<f64>,
    since: NaiveDate,
    /// Product indices this customer buys again and again.
    favourites: Vec<u32>,
}

/// Draws everything about the customers except their ids and names, then orders them by
/// `since` (ERP ids grow with account creation) and names them.
fn build_customers(
    count: usize,
    n_lines: u64,
    cal: &Calendar,
    products: &CumulativePicker,
    rng: &mut StdRng,
) -> Vec<Customer> {
    let lifecycles = assign_lifecycles(count, n_lines, rng);
    let weights = stratified_pareto(count, CUSTOMER_PARETO_ALPHA, CUSTOMER_WEIGHT_CAP, rng);
    let mut customers: Vec<Customer> = lifecycles
        .into_iter()
        .zip(weights)
        .map(|(lifecycle, weight)| draw_customer(lifecycle, weight, cal, products, rng))
        .collect();
    customers.sort_by_key(|c| c.since); // stable: ties keep their random order

    let width = id_width(count as u64, 5);
    let mut taken = HashSet::new();
    for (i, customer) in customers.iter_mut().enumerate() {
        customer.id = format!("C{:0width$}", i + 1);
        customer.name = customer_name(customer.region, customer.segment, i, &mut taken, rng);
    }
    customers
}

fn assign_lifecycles(count: usize, n_lines: u64, rng: &mut StdRng) -> Vec<Lifecycle> {
    let bulk = match (n_lines, count) {
        (n, c) if n < 1_000 || c < 20 => 0,
        (n, _) if n < 50_000 => 1,
        _ => 2,
    };
    let new = (count as f64 * NEW_CUSTOMER_SHARE).round() as usize;
    let churned = (count as f64 * CHURNED_CUSTOMER_SHARE).round() as usize;
    let mut lifecycles = Vec::with_capacity(count);
    lifecycles.extend(std::iter::repeat_n(Lifecycle::OneOffBulk, bulk));
    lifecycles.extend(std::iter::repeat_n(Lifecycle::New, new));
    for _ in 0..churned {
        lifecycles.push(Lifecycle::Churned {
            declining: rng.gen_bool(0.35),
            leaves_debt: rng.gen_bool(0.3),
        });
    }
    lifecycles.truncate(count.saturating_sub(1)); // always keep one regular customer
    lifecycles.resize(count, Lifecycle::Regular);
    lifecycles.shuffle(rng);
    lifecycles
}

fn draw_customer(
    lifecycle: Lifecycle,
    weight: f64,
    cal: &Calendar,
    products: &CumulativePicker,
    rng: &mut StdRng,
) -> Customer {
    let last = cal.days - 1;
    let segment = if lifecycle == Lifecycle::OneOffBulk {
        END_CUSTOMER // a project buyer
    } else {
        weighted_index(&SEGMENTS.map(|s| s.share), rng)
    };
    let profile = &SEGMENTS[segment];
    let region = weighted_index(&REGION_WEIGHTS, rng);
    let salesperson = *REGION_SALESPEOPLE[region].choose(rng).expect("non-empty");

    let (active_from, active_until) = match lifecycle {
        Lifecycle::Regular => (0, last),
        Lifecycle::Churned { .. } => {
            let lo = cal.days / 2;
            let hi = last.saturating_sub(cal.days / 12).max(lo);
            (0, rng.gen_range(lo..=hi).min(last))
        }
        Lifecycle::New => {
            let lo = (cal.days / 24).max(1);
            let hi = last.saturating_sub(cal.days / 6).max(lo);
            let day = rng.gen_range(lo..=hi).min(last);
            (day, last)
        }
        Lifecycle::OneOffBulk => {
            let day = rng.gen_range(cal.days / 3..=last);
            (day, day)
        }
    };
    let since = match lifecycle {
        Lifecycle::Regular | Lifecycle::Churned { .. } => {
            cal.start - Duration::days(rng.gen_range(30..=3650))
        }
        Lifecycle::New | Lifecycle::OneOffBulk => cal.date(active_from as i64),
    };

    // Sales ∝ size. A bigger customer orders more often (small ones about quarterly, the
    // largest weekly), with more lines per order and larger quantities per line.
    let size = weight * profile.size;
    let frequency = weight.powf(ORDER_FREQUENCY_EXPONENT);
    let extra_line_p = (0.04 + 0.08 * weight.ln() + rng.gen_range(0.0..0.12)).min(0.7);
    let lines_per_order = 1.0 + 4.0 * extra_line_p;
    let quantity_scale = profile.quantity * (weight / frequency / lines_per_order).max(0.2);
    let rate = size / (quantity_scale * lines_per_order);
    let rate_units = if lifecycle == Lifecycle::OneOffBulk {
        0
    } else {
        ((rate * 10_000.0).round() as u64).max(1)
    };
    let (lo, hi) = profile.discount_bp;
    let discount_bp = (rng.gen_range(lo..=hi) + (weight.ln() * 50.0) as i64).clamp(0, 1500);

    Customer {
        id: String::new(),
        name: String::new(),
        segment,
        region,
        salesperson,
        lifecycle,
        active_from,
        active_until,
        weight,
        rate_units,
        extra_line_p,
        quantity_scale,
        discount_bp,
        terms_days: TERMS_DAYS[weighted_index(&profile.terms_weights, rng)],
        payer: draw_payer(rng),
        credit_factor: draw_credit_factor(rng),
        since,
        favourites: draw_favourites(products, rng),
    }
}

fn draw_payer(rng: &mut StdRng) -> Payer {
    match rng.gen_range(0..100) {
        0..=79 => Payer::OnTime,
        80..=94 => Payer::Late {
            typical_delay: rng.gen_range(40..=120),
        },
        _ => Payer::TwoParts,
    }
}

fn draw_credit_factor(rng: &mut StdRng) -> Option<f64> {
    match rng.gen_range(0..100) {
        0..=3 => None,                           // no limit on file
        4..=13 => Some(rng.gen_range(0.3..0.7)), // set too low: they exceed it
        _ => Some(rng.gen_range(1.2..2.0)),
    }
}

fn draw_favourites(products: &CumulativePicker, rng: &mut StdRng) -> Vec<u32> {
    let wanted = rng.gen_range(2..=MAX_FAVOURITES).min(products.len());
    let mut favourites: Vec<u32> = Vec::with_capacity(wanted);
    for _ in 0..wanted * 4 {
        if favourites.len() == wanted {
            break;
        }
        let p = products.pick(rng) as u32;
        if !favourites.contains(&p) {
            favourites.push(p);
        }
    }
    favourites
}

fn customer_name(
    region: usize,
    segment: usize,
    index: usize,
    taken: &mut HashSet<String>,
    rng: &mut StdRng,
) -> String {
    let city = *REGION_CITIES[region].choose(rng).expect("non-empty");
    let suffix = *SEGMENTS[segment].suffixes.choose(rng).expect("non-empty");
    for attempt in 0..12 {
        let word = NAME_WORDS.choose(rng).expect("non-empty");
        let name = if attempt < 4 {
            format!("{city}{word}{suffix}")
        } else {
            let second = NAME_WORDS.choose(rng).expect("non-empty");
            format!("{city}{word}{second}{suffix}")
        };
        if taken.insert(name.clone()) {
            return name;
        }
    }
    let word = NAME_WORDS[index % NAME_WORDS.len()];
    format!("{city}{word}{suffix}第{}分公司", index + 1) // unique by construction
}

// ---------------------------------------------------------------------------------------
// Order rates over time and the daily line counts
// ---------------------------------------------------------------------------------------

/// From `day` on, customer `customer` orders at `rate_units`.
struct RateEvent {
    day: u32,
    customer: u32,
    rate_units: u64,
}

fn rate_events(customers: &[Customer], days: u32) -> Vec<RateEvent> {
    let mut events = Vec::new();
    for (i, c) in customers.iter().enumerate() {
        let customer = i as u32;
        if c.rate_units == 0 {
            continue;
        }
        events.push(RateEvent {
            day: c.active_from,
            customer,
            rate_units: c.rate_units,
        });
        if let Lifecycle::Churned {
            declining: true, ..
        } = c.lifecycle
        {
            // Orders thin out over the last three months before the customer is lost.
            for (before, divisor) in [(90, 2), (45, 4)] {
                if c.active_until > c.active_from + before {
                    let rate_units = (c.rate_units / divisor).max(1);
                    events.push(RateEvent {
                        day: c.active_until - before,
                        customer,
                        rate_units,
                    });
                }
            }
        }
        if c.active_until + 1 < days {
            events.push(RateEvent {
                day: c.active_until + 1,
                customer,
                rate_units: 0,
            });
        }
    }
    events.sort_by_key(|e| (e.day, e.customer)); // stable, and each customer's days differ
    events
}

/// Exact number of order lines per day, and how many of them should be returns by then.
struct DayPlan {
    lines: Vec<u64>,
    returns_by_day: Vec<u64>,
    /// Sum of the active customers' rate units, averaged over the days.
    mean_active_units: f64,
}

fn plan_days(
    cal: &Calendar,
    customers: &[Customer],
    events: &[RateEvent],
    n_lines: u64,
    rng: &mut StdRng,
) -> DayPlan {
    let noise = LogNormal::new(0.0, 0.25).expect("valid parameters");
    let mut rates = vec![0u64; customers.len()];
    let mut active_units: u64 = 0;
    let mut next_event = 0;
    let mut intensity = Vec::with_capacity(cal.days as usize);
    let mut units_sum = 0.0;
    for day in 0..cal.days {
        while next_event < events.len() && events[next_event].day == day {
            let e = &events[next_event];
            active_units = active_units - rates[e.customer as usize] + e.rate_units;
            rates[e.customer as usize] = e.rate_units;
            next_event += 1;
        }
        let date = cal.date(day as i64);
        let seasonal = MONTH_SEASONALITY[date.month0() as usize]
            * WEEKDAY_FACTOR[date.weekday().num_days_from_monday() as usize]
            * (1.0 + YEARLY_GROWTH * day as f64 / 365.0);
        intensity.push(active_units as f64 * seasonal * noise.sample(rng));
        units_sum += active_units as f64;
    }
    let n_returns = (n_lines as f64 * RETURN_SHARE).round() as u64;
    DayPlan {
        lines: allocate_exactly(&intensity, n_lines),
        returns_by_day: cumulative_targets(&intensity, n_returns),
        mean_active_units: units_sum / cal.days as f64,
    }
}

/// Cumulative share of `total` reached by the end of each day, rounded; the last is exact.
fn cumulative_targets(weights: &[f64], total: u64) -> Vec<u64> {
    let sum: f64 = weights.iter().sum();
    let mut acc = 0.0;
    let mut targets: Vec<u64> = weights
        .iter()
        .map(|w| {
            acc += w;
            ((acc / sum * total as f64).round() as u64).min(total)
        })
        .collect();
    if let Some(last) = targets.last_mut() {
        *last = total;
    }
    targets
}

/// Splits `total` over the days in proportion to `weights`, summing to exactly `total`.
fn allocate_exactly(weights: &[f64], total: u64) -> Vec<u64> {
    let mut previous = 0;
    cumulative_targets(weights, total)
        .into_iter()
        .map(|target| {
            let today = target - previous; // targets never decrease
            previous = target;
            today
        })
        .collect()
}

// ---------------------------------------------------------------------------------------
// The world: everything decided before the first order is written
// ---------------------------------------------------------------------------------------

struct World {
    cal: Calendar,
    n_lines: u64,
    products: Vec<Product>,
    product_picker: CumulativePicker,
    customers: Vec<Customer>,
    events: Vec<RateEvent>,
    day_plan: DayPlan,
    /// Large distributors whose own stock is reported in inventory.csv.
    key_accounts: Vec<usize>,
    order_no_width: usize,
    /// Expected days between two orders of a customer with one rate unit.
    days_between_orders_per_unit: f64,
}

impl World {
    fn build(scale: &Scale, seed: u64) -> World {
        let cal = Calendar::new(scale.start, scale.end);
        let (products, product_picker) = build_products(scale.products, &mut rng_stream(seed, 1));
        let customers = build_customers(
            scale.customers,
            scale.order_lines,
            &cal,
            &product_picker,
            &mut rng_stream(seed, 2),
        );
        let events = rate_events(&customers, cal.days);
        let day_plan = plan_days(
            &cal,
            &customers,
            &events,
            scale.order_lines,
            &mut rng_stream(seed, 3),
        );
        let key_accounts = pick_key_accounts(&customers);
        let days_between_orders_per_unit =
            mean_order_interval_per_unit(&customers, &day_plan, scale.order_lines, cal.days);
        World {
            cal,
            n_lines: scale.order_lines,
            products,
            product_picker,
            customers,
            events,
            day_plan,
            key_accounts,
            order_no_width: id_width(scale.order_lines, 7),
            days_between_orders_per_unit,
        }
    }
}

/// A customer with `u` rate units orders on average every `result / u` days: the total
/// number of orders per day is shared out in proportion to the rates.
fn mean_order_interval_per_unit(
    customers: &[Customer],
    plan: &DayPlan,
    n_lines: u64,
    days: u32,
) -> f64 {
    let (rate_sum, weighted_lines) = customers.iter().fold((0.0, 0.0), |(r, l), c| {
        let rate = c.rate_units as f64;
        (r + rate, l + rate * (1.0 + 4.0 * c.extra_line_p))
    });
    let lines_per_order = if rate_sum > 0.0 {
        weighted_lines / rate_sum
    } else {
        1.0
    };
    let orders_per_day = (n_lines as f64 / lines_per_order / days as f64).max(1e-9);
    plan.mean_active_units / orders_per_day
}

/// The largest distributors that order throughout the period.
fn pick_key_accounts(customers: &[Customer]) -> Vec<usize> {
    let mut candidates: Vec<usize> = (0..customers.len())
        .filter(|&i| {
            customers[i].segment == DISTRIBUTOR && customers[i].lifecycle == Lifecycle::Regular
        })
        .collect();
    candidates.sort_by(|&a, &b| {
        customers[b]
            .weight
            .total_cmp(&customers[a].weight)
            .then(a.cmp(&b))
    });
    candidates.truncate((customers.len() / 300).clamp(2, 5));
    candidates.sort_unstable();
    candidates
}

// ---------------------------------------------------------------------------------------
// Aggregates kept while streaming orders
// ---------------------------------------------------------------------------------------

/// Recent purchases of one customer (product, quantity): what a return can refer to.
#[derive(Clone, Copy, Default)]
struct RecentPurchases {
    items: [(u32, u32); RECENT_PURCHASES],
    len: u8,
    next: u8,
}

impl RecentPurchases {
    fn push(&mut self, product: u32, quantity: u32) {
        self.items[self.next as usize] = (product, quantity);
        self.next = (self.next + 1) % RECENT_PURCHASES as u8;
        self.len = (self.len + 1).min(RECENT_PURCHASES as u8);
    }

    /// Removes and returns one remembered purchase, so it is not returned twice.
    fn take_random(&mut self, rng: &mut StdRng) -> Option<(u32, u32)> {
        if self.len == 0 {
            return None;
        }
        let len = self.len as usize;
        // Items live in the ring's first `len` slots while it is not full, else in all.
        let slot = rng.gen_range(0..len);
        let taken = self.items[slot];
        self.items[slot] = self.items[len - 1];
        self.len -= 1;
        self.next = self.len;
        Some(taken)
    }
}

#[derive(Clone, Copy)]
struct CustomerTotals {
    net_sales: i64,
    first_day: u32,
    last_day: u32,
    ordered: bool,
}

/// Per-customer monthly net sales of the year before the last calendar year (for plan.csv).
struct BaseYearSales {
    year: i32,
    monthly: Vec<i64>,
    has_sales: Vec<bool>,
}

struct SalesAggregates {
    customers: Vec<CustomerTotals>,
    /// Net quantity sold per product and month, `product * months + month`.
    product_month_qty: Vec<i64>,
    base_year: Option<BaseYearSales>,
    /// Quantity bought per key account, favourite and month.
    key_account_qty: Vec<i64>,
    lines: u64,
    sale_lines: u64,
    net_sales: i64,
}

impl SalesAggregates {
    fn new(world: &World) -> SalesAggregates {
        let n_customers = world.customers.len();
        let months = world.cal.months.len();
        let first_year = world.cal.start.year();
        let base_year = world.cal.end.year() - 1;
        SalesAggregates {
            customers: vec![
                CustomerTotals {
                    net_sales: 0,
                    first_day: 0,
                    last_day: 0,
                    ordered: false
                };
                n_customers
            ],
            product_month_qty: vec![0; world.products.len() * months],
            base_year: (first_year <= base_year).then(|| BaseYearSales {
                year: base_year,
                monthly: vec![0; n_customers * 12],
                has_sales: vec![false; n_customers],
            }),
            key_account_qty: vec![0; world.key_accounts.len() * MAX_FAVOURITES * months],
            lines: 0,
            sale_lines: 0,
            net_sales: 0,
        }
    }

    fn record_line(
        &mut self,
        world: &World,
        day: u32,
        customer: usize,
        product: usize,
        qty: i64,
        amount: i64,
    ) {
        let month = world.cal.month_of_day[day as usize] as usize;
        let months = world.cal.months.len();
        self.product_month_qty[product * months + month] += qty;

        let totals = &mut self.customers[customer];
        if !totals.ordered {
            totals.ordered = true;
            totals.first_day = day;
        }
        totals.last_day = day;
        totals.net_sales += amount;

        let m = &world.cal.months[month];
        if let Some(base) = self.base_year.as_mut().filter(|b| b.year == m.year) {
            base.monthly[customer * 12 + m.month as usize - 1] += amount;
            base.has_sales[customer] |= qty > 0;
        }
        if let Ok(slot) = world.key_accounts.binary_search(&customer) {
            let favourites = &world.customers[customer].favourites;
            if let Some(f) = favourites.iter().position(|&p| p as usize == product) {
                self.key_account_qty[(slot * MAX_FAVOURITES + f) * months + month] += qty;
            }
        }
        self.lines += 1;
        if qty > 0 {
            self.sale_lines += 1;
        }
        self.net_sales += amount;
    }
}

// ---------------------------------------------------------------------------------------
// Streaming orders and invoices
// ---------------------------------------------------------------------------------------

/// Net line amount in cents: qty × list price × (1 − discount), rounded half away from
/// zero, so a full return exactly cancels its sale.
fn line_amount(qty: i64, price: i64, discount_bp: i64) -> i64 {
    let gross = qty as i128 * price as i128 * (10_000 - discount_bp) as i128;
    let rounded = (gross.abs() + 5_000) / 10_000;
    (gross.signum() * rounded) as i64
}

/// Where a customer is in its ordering cycle. Drawing customers by rate alone gives
/// Poisson timing (random long gaps that look like churn); scaling the rate by the phase
/// makes each customer order at a fairly regular rhythm instead.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Phase {
    JustOrdered,
    Normal,
    Due,
}

impl Phase {
    /// Percent of the customer's rate used as its drawing weight.
    fn weight_percent(self) -> u64 {
        match self {
            Phase::JustOrdered => 10,
            Phase::Normal => 100,
            Phase::Due => 300,
        }
    }
}

/// A phase change scheduled for a later day; stale once the customer orders again.
struct PhaseChange {
    customer: u32,
    version: u32,
    phase: Phase,
}

struct Cadence {
    /// Current rate units (from the lifecycle events).
    rate: Vec<u64>,
    phase: Vec<Phase>,
    version: Vec<u32>,
    /// Phase changes by day; each day's list is dropped once processed.
    scheduled: Vec<Vec<PhaseChange>>,
    days_per_unit: f64,
}

impl Cadence {
    fn new(n_customers: usize, days: u32, days_per_unit: f64) -> Cadence {
        Cadence {
            rate: vec![0; n_customers],
            phase: vec![Phase::Normal; n_customers],
            version: vec![0; n_customers],
            scheduled: (0..days).map(|_| Vec::new()).collect(),
            days_per_unit,
        }
    }

    fn weight(&self, customer: usize) -> u64 {
        self.rate[customer] * self.phase[customer].weight_percent()
    }

    /// Starts a new cycle from an order placed at `last_order` (a day, possibly before
    /// the period): normal again after 40 % of the customer's interval, due after 90 %.
    fn restart(&mut self, customer: usize, last_order: f64, today: u32) {
        self.version[customer] += 1;
        self.phase[customer] = Phase::JustOrdered;
        let rate = self.rate[customer];
        if rate == 0 {
            return;
        }
        let interval = self.days_per_unit / rate as f64;
        for (phase, share) in [(Phase::Normal, 0.4), (Phase::Due, 0.9)] {
            let at = last_order + share * interval;
            if at <= today as f64 {
                self.phase[customer] = phase;
            } else if let Some(list) = self.scheduled.get_mut(at.ceil() as usize) {
                list.push(PhaseChange {
                    customer: customer as u32,
                    version: self.version[customer],
                    phase,
                });
            }
        }
    }

    /// Applies the day's scheduled phase changes; returns the customers whose weight changed.
    fn take_changes(&mut self, day: u32) -> Vec<usize> {
        let changes = std::mem::take(&mut self.scheduled[day as usize]);
        let mut changed = Vec::with_capacity(changes.len());
        for change in changes {
            let c = change.customer as usize;
            if self.version[c] == change.version {
                self.phase[c] = change.phase;
                changed.push(c);
            }
        }
        changed
    }
}

struct OrderStream<'a> {
    world: &'a World,
    rng: StdRng,
    orders: &'a mut TempCsv,
    receivables: &'a mut TempCsv,
    progress: &'a mut dyn FnMut(u64),
    next_progress: u64,
    active: WeightedPicker,
    cadence: Cadence,
    recent: Vec<RecentPurchases>,
    sales: SalesAggregates,
    next_order_no: u64,
    returns_written: u64,
    /// Lines written ahead of the daily plan; the following days write that many fewer.
    lines_ahead: u64,
    /// One-off bulk buyers whose order is still to be placed, by day.
    pending_bulk: Vec<usize>,
    row: Row,
    order_id: Vec<u8>,
    day_text: [u8; 10],
}

impl<'a> OrderStream<'a> {
    fn new(
        world: &'a World,
        seed: u64,
        orders: &'a mut TempCsv,
        receivables: &'a mut TempCsv,
        progress: &'a mut dyn FnMut(u64),
    ) -> OrderStream<'a> {
        let mut pending_bulk: Vec<usize> = (0..world.customers.len())
            .filter(|&c| world.customers[c].lifecycle == Lifecycle::OneOffBulk)
            .collect();
        pending_bulk.sort_by_key(|&c| (world.customers[c].active_from, c));
        OrderStream {
            world,
            rng: rng_stream(seed, 4),
            orders,
            receivables,
            progress,
            next_progress: PROGRESS_EVERY,
            active: WeightedPicker::new(world.customers.len()),
            cadence: Cadence::new(
                world.customers.len(),
                world.cal.days,
                world.days_between_orders_per_unit,
            ),
            recent: vec![RecentPurchases::default(); world.customers.len()],
            sales: SalesAggregates::new(world),
            next_order_no: 1,
            returns_written: 0,
            lines_ahead: 0,
            pending_bulk,
            row: Row::default(),
            order_id: Vec::new(),
            day_text: [0; 10],
        }
    }

    fn run(mut self) -> Result<SalesAggregates> {
        let world = self.world;
        let mut next_event = 0;
        for day in 0..world.cal.days {
            for customer in self.cadence.take_changes(day) {
                self.active.set(customer, self.cadence.weight(customer));
            }
            while next_event < world.events.len() && world.events[next_event].day == day {
                let e = &world.events[next_event];
                self.change_rate(day, e.customer as usize, e.rate_units);
                next_event += 1;
            }
            self.write_day(day)?;
        }
        ensure!(
            self.sales.lines == world.n_lines,
            "internal error: wrote {} order lines instead of {}",
            self.sales.lines,
            world.n_lines
        );
        (self.progress)(self.sales.lines);
        Ok(self.sales)
    }

    /// A customer starts, slows down or stops ordering.
    fn change_rate(&mut self, day: u32, customer: usize, rate_units: u64) {
        let starting = self.cadence.rate[customer] == 0 && rate_units > 0;
        self.cadence.rate[customer] = rate_units;
        if starting {
            // Existing customers are somewhere in their cycle; new ones are keen to order.
            let interval = self.cadence.days_per_unit / rate_units as f64;
            let elapsed = if self.world.customers[customer].lifecycle == Lifecycle::New {
                interval
            } else {
                self.rng.gen::<f64>() * interval
            };
            self.cadence.restart(customer, day as f64 - elapsed, day);
        }
        self.active.set(customer, self.cadence.weight(customer));
    }

    /// Writes the day's return orders first (their R ids sort before SO ids), then any
    /// one-off bulk order, then regular orders until the day's line count is reached.
    fn write_day(&mut self, day: u32) -> Result<()> {
        let world = self.world;
        // An order may run past the day's plan (a 3-line order on a day planned for 1 line
        // at small scales); later days make up for it, so the total stays exact.
        let planned = world.day_plan.lines[day as usize];
        let mut left = planned.saturating_sub(self.lines_ahead);
        self.lines_ahead = self.lines_ahead.saturating_sub(planned);
        if left == 0 {
            return Ok(());
        }
        self.day_text = date_text(world.cal.date(day as i64));
        ensure!(
            self.active.total() > 0,
            "internal error: no active customer on day {day}"
        );

        let bulk_today = self.bulk_buyers_due(day);
        let reserved_for_bulk = (bulk_today.len() as u64).min(left);
        let backlog =
            world.day_plan.returns_by_day[day as usize].saturating_sub(self.returns_written);
        let returns_today = backlog.min(left - reserved_for_bulk).min((left / 4).max(1));
        for _ in 0..returns_today {
            if !self.write_return(day)? {
                break; // nobody has bought anything yet: try again on a later day
            }
            left -= 1;
        }
        for (k, &customer) in bulk_today.iter().enumerate() {
            if left == 0 {
                // No line to spare today: the rest wait for the next day.
                self.pending_bulk
                    .splice(0..0, bulk_today[k..].iter().copied());
                break;
            }
            let written = self.write_bulk_order(day, customer, self.lines_remaining())?;
            left = self.count_against_plan(left, written);
        }
        while left > 0 {
            let customer = self.active.sample(&mut self.rng);
            let written = self.write_sale_order(day, customer, self.lines_remaining())?;
            left = self.count_against_plan(left, written);
        }
        Ok(())
    }

    /// Order lines still to write in the whole run (never exceeded, so the count is exact).
    fn lines_remaining(&self) -> u64 {
        self.world.n_lines - self.sales.lines
    }

    /// Lines left for today after `written` more; any excess runs ahead of the plan.
    fn count_against_plan(&mut self, left: u64, written: u64) -> u64 {
        if written > left {
            self.lines_ahead += written - left;
        }
        left.saturating_sub(written)
    }

    /// Bulk buyers whose day has come; they are placed on the first day with lines to spare.
    fn bulk_buyers_due(&mut self, day: u32) -> Vec<usize> {
        let customers = &self.world.customers;
        let due = self
            .pending_bulk
            .partition_point(|&c| customers[c].active_from <= day);
        self.pending_bulk.drain(..due).collect()
    }

    fn next_order_id(&mut self, prefix: &str) -> u64 {
        let no = self.next_order_no;
        self.next_order_no += 1;
        self.order_id.clear();
        self.order_id.extend_from_slice(prefix.as_bytes());
        push_zero_padded(&mut self.order_id, no, self.world.order_no_width);
        no
    }

    fn write_sale_order(&mut self, day: u32, customer: usize, max_lines: u64) -> Result<u64> {
        let world = self.world;
        let c = &world.customers[customer];
        let mut n = 1 + (0..4).filter(|_| self.rng.gen_bool(c.extra_line_p)).count() as u64;
        n = n.min(max_lines).min(world.products.len() as u64);
        let order_no = self.next_order_id("SO");
        let mut chosen = [u32::MAX; 5];
        let mut total = 0;
        for i in 0..n as usize {
            let product = self.pick_order_product(customer, &chosen[..i]);
            chosen[i] = product as u32;
            let qty = self.line_quantity(customer, product);
            total += self.write_line(day, customer, product, qty)?;
            self.recent[customer].push(product as u32, qty.min(u32::MAX as i64) as u32);
        }
        self.write_invoice(day, customer, order_no, total)?;
        self.cadence.restart(customer, day as f64, day);
        self.active.set(customer, self.cadence.weight(customer));
        Ok(n)
    }

    /// A single very large order from a one-off buyer: worth about 190 average lines
    /// (some 80 typical orders), but never more than ~3 % of the expected total sales.
    fn write_bulk_order(&mut self, day: u32, customer: usize, max_lines: u64) -> Result<u64> {
        let world = self.world;
        let n = self
            .rng
            .gen_range(3..=5u64)
            .min(max_lines)
            .min(world.products.len() as u64);
        let avg_line = if self.sales.sale_lines > 0 {
            (self.sales.net_sales.max(0) / self.sales.sale_lines as i64).max(100_000)
        } else {
            1_000_000
        };
        let expected_total = avg_line.saturating_mul(world.n_lines.min(i64::MAX as u64) as i64);
        let target_value = (avg_line * 190).min(expected_total / 100 * 3);
        let discount = world.customers[customer].discount_bp;
        let order_no = self.next_order_id("SO");
        let mut chosen = [u32::MAX; 5];
        let mut total = 0;
        for i in 0..n as usize {
            let product =
                self.pick_distinct(&chosen[..i], |s| s.world.product_picker.pick(&mut s.rng));
            chosen[i] = product as u32;
            let net_unit = line_amount(1, world.products[product].price, discount).max(1);
            let qty = (target_value / n as i64 / net_unit).max(1);
            total += self.write_line(day, customer, product, qty)?;
        }
        self.write_invoice(day, customer, order_no, total)?;
        Ok(n)
    }

    /// A one-line return order of something an active customer bought before.
    /// Returns false if no candidate was found.
    fn write_return(&mut self, day: u32) -> Result<bool> {
        for _ in 0..40 {
            let customer = self.active.sample(&mut self.rng);
            let Some((product, bought)) = self.recent[customer].take_random(&mut self.rng) else {
                continue;
            };
            let qty = if self.rng.gen_bool(0.6) {
                bought
            } else {
                self.rng.gen_range(1..=bought)
            };
            let order_no = self.next_order_id("R");
            let amount = self.write_line(day, customer, product as usize, -(qty as i64))?;
            self.write_invoice(day, customer, order_no, amount)?;
            self.returns_written += 1;
            return Ok(true);
        }
        Ok(false)
    }

    /// Mostly one of the customer's favourites, otherwise any product by popularity.
    fn pick_order_product(&mut self, customer: usize, chosen: &[u32]) -> usize {
        let favourites = &self.world.customers[customer].favourites;
        self.pick_distinct(chosen, |s| {
            if !favourites.is_empty() && s.rng.gen_bool(0.6) {
                favourites[s.rng.gen_range(0..favourites.len())] as usize
            } else {
                s.world.product_picker.pick(&mut s.rng)
            }
        })
    }

    /// Draws until the product is not yet in the order; falls back to a scan.
    fn pick_distinct(&mut self, chosen: &[u32], mut draw: impl FnMut(&mut Self) -> usize) -> usize {
        for _ in 0..20 {
            let p = draw(self);
            if !chosen.contains(&(p as u32)) {
                return p;
            }
        }
        let n = self.world.products.len();
        let start = self.rng.gen_range(0..n);
        (0..n)
            .map(|k| (start + k) % n)
            .find(|p| !chosen.contains(&(*p as u32)))
            .expect("orders have fewer lines than there are products")
    }

    fn line_quantity(&mut self, customer: usize, product: usize) -> i64 {
        let base = self.world.customers[customer].quantity_scale
            * self.world.products[product].quantity_factor;
        let noise: f64 = LogNormal::new(0.0, 0.5)
            .expect("valid parameters")
            .sample(&mut self.rng);
        ((base * noise).round() as i64).max(1)
    }

    /// Writes one orders.csv line with the current order id and returns its amount.
    fn write_line(&mut self, day: u32, customer: usize, product: usize, qty: i64) -> Result<i64> {
        let world = self.world;
        let c = &world.customers[customer];
        let p = &world.products[product];
        let amount = line_amount(qty, p.price, c.discount_bp);
        let cost = qty * p.unit_cost;
        let row = &mut self.row;
        row.clear();
        row.raw(&self.order_id)
            .raw(&self.day_text)
            .plain(&c.id)
            .plain(&c.name)
            .plain(&p.id)
            .plain(&p.name)
            .plain(REGIONS[c.region])
            .plain(SEGMENTS[c.segment].channel)
            .plain(SALESPEOPLE[c.salesperson])
            .int(qty)
            .money(amount)
            .money(cost);
        self.orders.write_row(row)?;
        self.sales
            .record_line(world, day, customer, product, qty, amount);
        if self.sales.lines >= self.next_progress {
            (self.progress)(self.sales.lines);
            self.next_progress += PROGRESS_EVERY;
        }
        Ok(amount)
    }

    /// One invoice per order (a credit note for a return), numbered like the order.
    fn write_invoice(
        &mut self,
        day: u32,
        customer: usize,
        order_no: u64,
        amount: i64,
    ) -> Result<()> {
        let world = self.world;
        let c = &world.customers[customer];
        let is_credit_note = amount < 0;
        let due_day = day as i64 + c.terms_days;
        let (paid, paid_day) = if is_credit_note {
            (amount, Some(day as i64)) // settled against the customer's account at once
        } else {
            self.payment(customer, day, amount)
        };
        let row = &mut self.row;
        row.clear();
        row.plain(&c.id);
        row.begin_field();
        row.buf
            .extend_from_slice(if is_credit_note { b"CN" } else { b"INV" });
        push_zero_padded(&mut row.buf, order_no, world.order_no_width);
        row.raw(&self.day_text)
            .date(world.cal.date(due_day))
            .money(amount)
            .money(paid);
        match paid_day {
            Some(d) => row.date(world.cal.date(d)),
            None => row.empty(),
        };
        self.receivables.write_row(row)
    }

    /// What has been paid by the end of the period, and the date of the last payment.
    fn payment(&mut self, customer: usize, day: u32, amount: i64) -> (i64, Option<i64>) {
        let c = &self.world.customers[customer];
        let last_day = self.world.cal.days as i64 - 1;
        let due = day as i64 + c.terms_days;
        let rng = &mut self.rng;
        if let Lifecycle::Churned {
            leaves_debt: true, ..
        } = c.lifecycle
        {
            if day + 75 > c.active_until {
                return (0, None); // the last invoices of a lost customer are never paid
            }
        }
        let payments: Vec<(i64, i64)> = match c.payer {
            Payer::OnTime => vec![(amount, due + rng.gen_range(-10..=10))],
            Payer::Late { typical_delay } => {
                let delay = (typical_delay + rng.gen_range(-25..=25)).clamp(30, 150);
                vec![(amount, due + delay)]
            }
            Payer::TwoParts => {
                let first = amount * rng.gen_range(30..=70) / 100;
                let first_day = due + rng.gen_range(-5..=10);
                vec![
                    (first, first_day),
                    (amount - first, first_day + rng.gen_range(20..=60)),
                ]
            }
        };
        let mut paid = 0;
        let mut paid_day = None;
        for (part, pay_day) in payments {
            let pay_day = pay_day.max(day as i64);
            if pay_day <= last_day {
                paid += part;
                paid_day = Some(pay_day);
            }
        }
        (paid, paid_day)
    }
}

/// `YYYY-MM-DD`, formatted once per day rather than once per line.
fn date_text(date: NaiveDate) -> [u8; 10] {
    let mut buf = Vec::with_capacity(10);
    write_date(&mut buf, date);
    buf.try_into().unwrap_or(*b"0000-00-00")
}

// ---------------------------------------------------------------------------------------
// inventory.csv
// ---------------------------------------------------------------------------------------

fn write_inventory(
    world: &World,
    sales: &SalesAggregates,
    seed: u64,
    out: &mut TempCsv,
) -> Result<()> {
    let rng = &mut rng_stream(seed, 5);
    let cal = &world.cal;
    let months = cal.months.len();
    let noise = LogNormal::new(0.0, 0.25).expect("valid parameters");
    let stockouts = pick_stockouts(world, sales, rng);
    let key_holdings = key_account_holdings(world, sales);
    let average_sold: Vec<f64> = (0..world.products.len())
        .map(|p| average_positive(&sales.product_month_qty[p * months..(p + 1) * months]))
        .collect();

    // Snapshot 0 is the opening stock (day before start), snapshot k the end of month k-1.
    let mut snapshots = vec![cal.start - Duration::days(1)];
    snapshots.extend(cal.months.iter().map(|m| cal.date(m.last_day as i64)));

    let mut row = Row::default();
    for (snapshot, &date) in snapshots.iter().enumerate() {
        for (p, product) in world.products.iter().enumerate() {
            // The month after the snapshot (the last month for the last snapshot).
            let coming_month = snapshot.min(months - 1);
            let coming = sales.product_month_qty[p * months + coming_month].max(0) as f64;
            let qty = if snapshot > 0 && stockouts.contains(&(p, snapshot - 1)) {
                0
            } else {
                own_stock(product, average_sold[p], coming, p, &noise, rng)
            };
            write_own_stock_rows(&mut row, out, date, product, qty)?;
        }
        for holding in &key_holdings {
            let qty = distributor_stock(holding, snapshot, rng);
            let product = &world.products[holding.product];
            row.clear();
            row.date(date)
                .text(&product.id)
                .empty()
                .text(&world.customers[holding.customer].id);
            row.int(qty).money(qty * product.unit_cost);
            out.write_row(&row)?;
        }
    }
    Ok(())
}

/// Company stock for a snapshot: a product-specific number of months of demand, where
/// demand blends the average month with the coming month's sales.
fn own_stock(
    product: &Product,
    average: f64,
    coming: f64,
    index: usize,
    noise: &LogNormal<f64>,
    rng: &mut StdRng,
) -> i64 {
    if average == 0.0 {
        return 5 + (index as i64 * 7) % 40; // never sold: a little dead stock
    }
    let demand = 0.5 * average + 0.5 * coming;
    // At least one unit of anything that sells: zero stock is left to the stock-outs.
    (demand * product.coverage_months * noise.sample(rng))
        .round()
        .max(1.0) as i64
}

/// Splits the stock over the product's warehouses. The main warehouse always gets a row
/// (possibly 0: a stock-out); a second warehouse only while it holds something.
fn write_own_stock_rows(
    row: &mut Row,
    out: &mut TempCsv,
    date: NaiveDate,
    product: &Product,
    qty: i64,
) -> Result<()> {
    let mut parts: Vec<(usize, i64)> = Vec::with_capacity(2);
    let mut left = qty;
    for (k, &(warehouse, share)) in product.warehouses.iter().enumerate() {
        let last = k + 1 == product.warehouses.len();
        let part = if last {
            left
        } else {
            (qty as f64 * share).round() as i64
        };
        left -= part;
        if k == 0 || part > 0 {
            parts.push((warehouse, part));
        }
    }
    parts.sort_by_key(|&(warehouse, _)| warehouse); // rows ordered by warehouse name
    for (warehouse, part) in parts {
        row.clear();
        row.date(date)
            .text(&product.id)
            .text(WAREHOUSES[warehouse])
            .empty();
        row.int(part).money(part * product.unit_cost);
        out.write_row(row)?;
    }
    Ok(())
}

/// A couple of well-selling products run out of stock at one or two month-ends.
fn pick_stockouts(world: &World, sales: &SalesAggregates, rng: &mut StdRng) -> Vec<(usize, usize)> {
    let months = world.cal.months.len();
    let selling: Vec<usize> = (0..world.products.len())
        .filter(|&p| {
            sales.product_month_qty[p * months..(p + 1) * months]
                .iter()
                .any(|&q| q > 0)
        })
        .collect();
    let mut stockouts = Vec::new();
    for &p in selling.choose_multiple(rng, 2.min(selling.len())) {
        for _ in 0..rng.gen_range(1..=2) {
            stockouts.push((p, rng.gen_range(0..months)));
        }
    }
    stockouts
}

/// Stock a key distributor holds of one of the products it buys most.
struct KeyHolding {
    customer: usize,
    product: usize,
    bought_per_month: Vec<i64>,
}

fn key_account_holdings(world: &World, sales: &SalesAggregates) -> Vec<KeyHolding> {
    let months = world.cal.months.len();
    let mut holdings = Vec::new();
    for (slot, &customer) in world.key_accounts.iter().enumerate() {
        let mut bought: Vec<KeyHolding> = world.customers[customer]
            .favourites
            .iter()
            .enumerate()
            .map(|(f, &product)| {
                let start = (slot * MAX_FAVOURITES + f) * months;
                KeyHolding {
                    customer,
                    product: product as usize,
                    bought_per_month: sales.key_account_qty[start..start + months].to_vec(),
                }
            })
            .filter(|h| h.bought_per_month.iter().sum::<i64>() > 0)
            .collect();
        bought.sort_by_key(|h| {
            (
                std::cmp::Reverse(h.bought_per_month.iter().sum::<i64>()),
                h.product,
            )
        });
        bought.truncate(3);
        bought.sort_by_key(|h| h.product);
        holdings.extend(bought);
    }
    holdings
}

/// Roughly half a month to two months of what the distributor buys.
fn distributor_stock(holding: &KeyHolding, snapshot: usize, rng: &mut StdRng) -> i64 {
    let bought = &holding.bought_per_month;
    let average = average_positive(bought);
    let recent = if snapshot == 0 {
        average
    } else {
        bought[snapshot - 1].max(0) as f64
    };
    ((0.5 * average + 0.5 * recent) * rng.gen_range(0.5..2.0)).round() as i64
}

// ---------------------------------------------------------------------------------------
// customers.csv and plan.csv
// ---------------------------------------------------------------------------------------

fn write_customers(world: &World, sales: &SalesAggregates, out: &mut TempCsv) -> Result<()> {
    let mut row = Row::default();
    for (c, customer) in world.customers.iter().enumerate() {
        row.clear();
        row.text(&customer.id)
            .text(&customer.name)
            .text(SEGMENTS[customer.segment].name)
            .text(REGIONS[customer.region]);
        match credit_limit(world, customer, &sales.customers[c]) {
            Some(limit) => row.money(limit),
            None => row.empty(),
        };
        row.date(customer.since);
        out.write_row(&row)?;
    }
    Ok(())
}

/// Monthly purchases × payment terms × the customer's factor, rounded to 1,000 yuan.
fn credit_limit(world: &World, customer: &Customer, totals: &CustomerTotals) -> Option<i64> {
    let factor = customer.credit_factor?;
    let monthly = if totals.ordered {
        let first = world.cal.month_of_day[totals.first_day as usize];
        let last = world.cal.month_of_day[totals.last_day as usize];
        totals.net_sales.max(0) as f64 / (last - first + 1) as f64
    } else {
        3_000_000.0 // no purchases yet: a starter limit of about 30,000 yuan
    };
    let limit = monthly * customer.terms_days as f64 / 30.0 * factor;
    Some(((limit / 100_000.0).round() as i64).max(5) * 100_000)
}

fn write_plan(world: &World, sales: &SalesAggregates, out: &mut TempCsv) -> Result<()> {
    let Some(base) = &sales.base_year else {
        return Ok(()); // the period lies within one calendar year: header only
    };
    let mut row = Row::default();
    for (c, customer) in world.customers.iter().enumerate() {
        if !base.has_sales[c] {
            continue;
        }
        for month in 0..12 {
            row.clear();
            row.text(&customer.id);
            row.text(&format!("{}-{:02}", base.year + 1, month + 1));
            row.money(planned_amount(base.monthly[c * 12 + month]));
            out.write_row(&row)?;
        }
    }
    Ok(())
}

/// Last year's month × 1.10, rounded half up to whole hundreds of yuan; never negative.
fn planned_amount(previous_cents: i64) -> i64 {
    if previous_cents <= 0 {
        return 0;
    }
    (previous_cents * 11 + 50_000) / 100_000 * 10_000
}

// ---------------------------------------------------------------------------------------
// Sampling helpers
// ---------------------------------------------------------------------------------------

/// Pareto(1, alpha) values from stratified quantiles in random order: the same heavy
/// tail at every scale, without a single freak draw dominating small data sets.
fn stratified_pareto(n: usize, alpha: f64, cap: f64, rng: &mut StdRng) -> Vec<f64> {
    let mut values: Vec<f64> = (0..n)
        .map(|i| {
            let u = (i as f64 + rng.gen::<f64>()) / n as f64;
            (1.0 - u).max(1e-12).powf(-1.0 / alpha).min(cap)
        })
        .collect();
    values.shuffle(rng);
    values
}

/// Mean of the positive parts (net returns do not count as negative demand).
fn average_positive(values: &[i64]) -> f64 {
    values.iter().map(|&v| v.max(0)).sum::<i64>() as f64 / values.len().max(1) as f64
}

fn weighted_index(weights: &[u32], rng: &mut StdRng) -> usize {
    let total: u32 = weights.iter().sum();
    let mut r = rng.gen_range(0..total);
    for (i, &w) in weights.iter().enumerate() {
        if r < w {
            return i;
        }
        r -= w;
    }
    weights.len() - 1
}

/// `k` distinct indices below `n`, sorted.
fn pick_some(n: usize, k: usize, rng: &mut StdRng) -> Vec<usize> {
    let mut picked = rand::seq::index::sample(rng, n, k.min(n)).into_vec();
    picked.sort_unstable();
    picked
}

/// Draws an index with probability proportional to fixed weights.
struct CumulativePicker {
    cumulative: Vec<u64>,
}

impl CumulativePicker {
    fn new(weights: &[f64]) -> CumulativePicker {
        let mut acc = 0u64;
        let cumulative = weights
            .iter()
            .map(|w| {
                acc += ((w * 1_000.0).round() as u64).max(1);
                acc
            })
            .collect();
        CumulativePicker { cumulative }
    }

    fn len(&self) -> usize {
        self.cumulative.len()
    }

    fn pick(&self, rng: &mut StdRng) -> usize {
        let r = rng.gen_range(0..*self.cumulative.last().expect("at least one product"));
        self.cumulative.partition_point(|&c| c <= r)
    }
}

/// Draws an index with probability proportional to weights that change over time
/// (a Fenwick tree over integer weights: O(log n) updates and draws, exact sums).
struct WeightedPicker {
    tree: Vec<u64>,
    weights: Vec<u64>,
    total: u64,
}

impl WeightedPicker {
    fn new(n: usize) -> WeightedPicker {
        WeightedPicker {
            tree: vec![0; n + 1],
            weights: vec![0; n],
            total: 0,
        }
    }

    fn total(&self) -> u64 {
        self.total
    }

    fn set(&mut self, index: usize, weight: u64) {
        let old = self.weights[index];
        self.weights[index] = weight;
        self.total = self.total - old + weight;
        let mut i = index + 1;
        while i < self.tree.len() {
            self.tree[i] = self.tree[i] - old + weight;
            i += i & i.wrapping_neg();
        }
    }

    fn sample(&self, rng: &mut StdRng) -> usize {
        let mut r = rng.gen_range(0..self.total);
        let mut pos = 0;
        let mut step = (self.tree.len() - 1).next_power_of_two();
        while step > 0 {
            let next = pos + step;
            if next < self.tree.len() && self.tree[next] <= r {
                pos = next;
                r -= self.tree[next];
            }
            step >>= 1;
        }
        pos // 1-based position pos+1, i.e. 0-based index pos
    }
}

// ---------------------------------------------------------------------------------------
// CSV output
// ---------------------------------------------------------------------------------------

/// Number of digits for zero-padded ids: at least `min`, enough for `max_value`.
fn id_width(max_value: u64, min: usize) -> usize {
    max_value.to_string().len().max(min)
}

/// One CSV line being built; fields are written without allocation.
#[derive(Default)]
struct Row {
    buf: Vec<u8>,
    fields: usize,
}

impl Row {
    fn clear(&mut self) {
        self.buf.clear();
        self.fields = 0;
    }

    fn begin_field(&mut self) {
        if self.fields > 0 {
            self.buf.push(b',');
        }
        self.fields += 1;
    }

    /// Bytes known not to need quoting (ids, dates).
    fn raw(&mut self, bytes: &[u8]) -> &mut Self {
        self.begin_field();
        self.buf.extend_from_slice(bytes);
        self
    }

    /// Text this module generated from its own word lists, which never needs quoting
    /// (checked in debug builds); skips the scan on the hot path.
    fn plain(&mut self, s: &str) -> &mut Self {
        debug_assert!(
            !needs_quoting(s),
            "unexpected CSV special character in {s:?}"
        );
        self.raw(s.as_bytes())
    }

    fn text(&mut self, s: &str) -> &mut Self {
        self.begin_field();
        if needs_quoting(s) {
            self.buf.push(b'"');
            self.buf
                .extend_from_slice(s.replace('"', "\"\"").as_bytes());
            self.buf.push(b'"');
        } else {
            self.buf.extend_from_slice(s.as_bytes());
        }
        self
    }

    fn empty(&mut self) -> &mut Self {
        self.begin_field();
        self
    }

    fn int(&mut self, v: i64) -> &mut Self {
        self.begin_field();
        if v < 0 {
            self.buf.push(b'-');
        }
        push_u64(&mut self.buf, v.unsigned_abs());
        self
    }

    /// Cents as `1234.50` / `-12.00`.
    fn money(&mut self, cents: i64) -> &mut Self {
        self.begin_field();
        if cents < 0 {
            self.buf.push(b'-');
        }
        let abs = cents.unsigned_abs();
        push_u64(&mut self.buf, abs / 100);
        self.buf.push(b'.');
        push_zero_padded(&mut self.buf, abs % 100, 2);
        self
    }

    fn date(&mut self, d: NaiveDate) -> &mut Self {
        self.begin_field();
        write_date(&mut self.buf, d);
        self
    }
}

fn needs_quoting(s: &str) -> bool {
    s.bytes().any(|b| matches!(b, b',' | b'"' | b'\n' | b'\r'))
}

fn write_date(buf: &mut Vec<u8>, d: NaiveDate) {
    push_zero_padded(buf, d.year() as u64, 4);
    buf.push(b'-');
    push_zero_padded(buf, d.month() as u64, 2);
    buf.push(b'-');
    push_zero_padded(buf, d.day() as u64, 2);
}

fn push_u64(buf: &mut Vec<u8>, v: u64) {
    push_zero_padded(buf, v, 1);
}

fn push_zero_padded(buf: &mut Vec<u8>, mut v: u64, width: usize) {
    let mut digits = [0u8; 20];
    let mut n = 0;
    while v > 0 || n == 0 {
        digits[n] = b'0' + (v % 10) as u8;
        v /= 10;
        n += 1;
    }
    for _ in n..width {
        buf.push(b'0');
    }
    buf.extend(digits[..n].iter().rev());
}

/// A CSV file written under a temporary name and renamed into place by `commit_all`.
/// Dropping it uncommitted (on any error) removes the temporary file.
struct TempCsv {
    out: BufWriter<File>,
    tmp: PathBuf,
    dest: PathBuf,
    committed: bool,
}

impl TempCsv {
    fn create(dir: &Path, name: &str, header: &str) -> Result<TempCsv> {
        let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
        let file =
            File::create(&tmp).with_context(|| format!("cannot create {}", tmp.display()))?;
        let mut csv = TempCsv {
            out: BufWriter::with_capacity(1 << 20, file),
            tmp,
            dest: dir.join(name),
            committed: false,
        };
        csv.write_line(header.as_bytes())?;
        Ok(csv)
    }

    fn write_row(&mut self, row: &Row) -> Result<()> {
        self.write_line(&row.buf)
    }

    fn write_line(&mut self, line: &[u8]) -> Result<()> {
        self.out
            .write_all(line)
            .and_then(|()| self.out.write_all(b"\n"))
            .with_context(|| format!("cannot write {}", self.tmp.display()))
    }

    /// Flushes every file, then renames them all into place.
    fn commit_all(mut files: Vec<TempCsv>) -> Result<Vec<PathBuf>> {
        for f in &mut files {
            f.out
                .flush()
                .with_context(|| format!("cannot write {}", f.tmp.display()))?;
        }
        let mut paths = Vec::with_capacity(files.len());
        for f in &mut files {
            fs::rename(&f.tmp, &f.dest).with_context(|| {
                format!("cannot rename {} to {}", f.tmp.display(), f.dest.display())
            })?;
            f.committed = true;
            paths.push(f.dest.clone());
        }
        Ok(paths)
    }
}

impl Drop for TempCsv {
    fn drop(&mut self) {
        if !self.committed {
            let _ = fs::remove_file(&self.tmp);
        }
    }
}

// ---------------------------------------------------------------------------------------
// Tests: properties that can be checked by hand, not snapshots of the output
// ---------------------------------------------------------------------------------------

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::{BTreeMap, BTreeSet};
    use std::sync::OnceLock;

    fn date(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    /// A fresh, empty directory for one test.
    fn test_dir(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("kam-generate-{}-{name}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        dir
    }

    const ALL_FILES: [&str; 5] = [
        ORDERS_FILE,
        INVENTORY_FILE,
        RECEIVABLES_FILE,
        CUSTOMERS_FILE,
        PLAN_FILE,
    ];

    /// The five files of one run, read into memory (the directory is removed).
    struct Dataset {
        files: BTreeMap<&'static str, String>,
        /// Names in the output directory after the run.
        dir_listing: BTreeSet<String>,
    }

    fn load(dir: &Path) -> Dataset {
        let files = ALL_FILES
            .iter()
            .map(|f| (*f, fs::read_to_string(dir.join(f)).unwrap()))
            .collect();
        let dir_listing = fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        fs::remove_dir_all(dir).unwrap();
        Dataset { files, dir_listing }
    }

    fn generate(name: &str, order_lines: u64, seed: u64) -> Dataset {
        let opts = GenerateOptions {
            order_lines,
            seed,
            out_dir: test_dir(name),
            ..Default::default()
        };
        generate_csv(&opts, &mut |_| {}).unwrap();
        load(&opts.out_dir)
    }

    /// The 20 000-line default data set, generated once and shared by read-only tests.
    fn sample() -> &'static Dataset {
        static SAMPLE: OnceLock<Dataset> = OnceLock::new();
        SAMPLE.get_or_init(|| generate("sample", 20_000, 42))
    }

    struct Table {
        header: Vec<String>,
        rows: Vec<Vec<String>>,
    }

    impl Table {
        fn col(&self, name: &str) -> usize {
            self.header
                .iter()
                .position(|h| h == name)
                .unwrap_or_else(|| panic!("no column {name}"))
        }
    }

    fn read(data: &Dataset, file: &str) -> Table {
        let mut reader = csv::Reader::from_reader(data.files[file].as_bytes());
        let header = reader.headers().unwrap().iter().map(String::from).collect();
        let rows = reader
            .records()
            .map(|r| r.unwrap().iter().map(String::from).collect())
            .collect();
        Table { header, rows }
    }

    fn is_money(s: &str) -> bool {
        let digits = s.strip_prefix('-').unwrap_or(s);
        let Some((whole, cents)) = digits.split_once('.') else {
            return false;
        };
        !whole.is_empty()
            && whole.bytes().all(|b| b.is_ascii_digit())
            && cents.len() == 2
            && cents.bytes().all(|b| b.is_ascii_digit())
    }

    fn cents(s: &str) -> i64 {
        assert!(is_money(s), "not money: {s:?}");
        let negative = s.starts_with('-');
        let (whole, frac) = s.trim_start_matches('-').split_once('.').unwrap();
        let v = whole.parse::<i64>().unwrap() * 100 + frac.parse::<i64>().unwrap();
        if negative {
            -v
        } else {
            v
        }
    }

    /// Invoice and credit-note numbers are the order numbers.
    fn order_number(id: &str) -> u64 {
        id.trim_start_matches(|c: char| c.is_ascii_alphabetic())
            .parse()
            .unwrap()
    }

    #[test]
    fn writes_exactly_the_requested_number_of_order_lines() {
        for (i, n) in [1u64, 2, 7, 100, 1_234].into_iter().enumerate() {
            let data = generate(&format!("count-{i}"), n, 7);
            assert_eq!(
                read(&data, ORDERS_FILE).rows.len() as u64,
                n,
                "order_lines = {n}"
            );
        }
        assert_eq!(read(sample(), ORDERS_FILE).rows.len(), 20_000);
    }

    #[test]
    fn headers_are_exact_and_no_temporary_files_remain() {
        let data = sample();
        for (file, header) in [
            (ORDERS_FILE, ORDERS_HEADER),
            (INVENTORY_FILE, INVENTORY_HEADER),
            (RECEIVABLES_FILE, RECEIVABLES_HEADER),
            (CUSTOMERS_FILE, CUSTOMERS_HEADER),
            (PLAN_FILE, PLAN_HEADER),
        ] {
            let text = &data.files[file];
            assert_eq!(text.lines().next(), Some(header), "{file}");
            assert!(!text.starts_with('\u{feff}'));
            assert!(text.ends_with('\n') && !text.contains('\r'));
        }
        let expected: BTreeSet<String> = ALL_FILES.iter().map(|s| s.to_string()).collect();
        assert_eq!(data.dir_listing, expected);
    }

    #[test]
    fn same_seed_gives_identical_bytes_and_another_seed_differs() {
        let a = generate("det-a", 3_000, 11);
        let b = generate("det-b", 3_000, 11);
        let c = generate("det-c", 3_000, 12);
        for file in ALL_FILES {
            assert!(
                a.files[file] == b.files[file],
                "{file} differs between identical runs"
            );
        }
        assert!(a.files[ORDERS_FILE] != c.files[ORDERS_FILE]);
    }

    #[test]
    fn every_money_field_has_exactly_two_decimals() {
        let money_columns = [
            (ORDERS_FILE, &["amount", "cost"][..]),
            (INVENTORY_FILE, &["value"][..]),
            (RECEIVABLES_FILE, &["amount", "paid_amount"][..]),
            (CUSTOMERS_FILE, &["credit_limit"][..]),
            (PLAN_FILE, &["planned_amount"][..]),
        ];
        for (file, columns) in money_columns {
            let table = read(sample(), file);
            for column in columns {
                let i = table.col(column);
                for row in &table.rows {
                    let optional = *column == "credit_limit";
                    assert!(
                        is_money(&row[i]) || (optional && row[i].is_empty()),
                        "{file}.{column}: {:?}",
                        row[i]
                    );
                }
            }
        }
    }

    #[test]
    fn orders_lie_in_the_period_sorted_by_date_then_id_with_distinct_products() {
        let table = read(sample(), ORDERS_FILE);
        let opts = GenerateOptions::default();
        let (id, day, product) = (
            table.col("order_id"),
            table.col("order_date"),
            table.col("product_id"),
        );
        let mut previous: Option<(String, String)> = None;
        let mut products_of_order: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
        for row in &table.rows {
            let d = date(&row[day]);
            assert!(opts.start <= d && d <= opts.end, "{d} outside the period");
            let key = (row[day].clone(), row[id].clone());
            if let Some(prev) = &previous {
                assert!(prev <= &key, "{prev:?} before {key:?}");
            }
            previous = Some(key);
            assert!(
                products_of_order
                    .entry(&row[id])
                    .or_default()
                    .insert(&row[product]),
                "repeated product"
            );
        }
        assert!(products_of_order
            .values()
            .all(|p| (1..=5).contains(&p.len())));
    }

    #[test]
    fn returns_are_negative_and_refer_to_earlier_purchases() {
        let table = read(sample(), ORDERS_FILE);
        let (id, customer, product) = (
            table.col("order_id"),
            table.col("customer_id"),
            table.col("product_id"),
        );
        let (qty, amount, cost) = (
            table.col("quantity"),
            table.col("amount"),
            table.col("cost"),
        );
        let mut bought: BTreeSet<(&str, &str)> = BTreeSet::new();
        let mut returns = 0;
        for row in &table.rows {
            let q: i64 = row[qty].parse().unwrap();
            if row[id].starts_with('R') {
                returns += 1;
                assert!(
                    q < 0 && cents(&row[amount]) < 0 && cents(&row[cost]) < 0,
                    "{row:?}"
                );
                assert!(
                    bought.contains(&(&row[customer], &row[product])),
                    "return of something never bought: {row:?}"
                );
            } else {
                assert!(row[id].starts_with("SO"));
                assert!(
                    q > 0 && cents(&row[amount]) > 0 && cents(&row[cost]) > 0,
                    "{row:?}"
                );
                bought.insert((&row[customer], &row[product]));
            }
        }
        let share = returns as f64 / table.rows.len() as f64;
        assert!((0.01..=0.03).contains(&share), "return share {share}");
    }

    #[test]
    fn each_invoice_equals_its_order_and_is_consistent() {
        let orders = read(sample(), ORDERS_FILE);
        let (id, customer, amount) = (
            orders.col("order_id"),
            orders.col("customer_id"),
            orders.col("amount"),
        );
        let mut order_totals: BTreeMap<u64, (String, i64, bool)> = BTreeMap::new();
        for row in &orders.rows {
            let entry = order_totals.entry(order_number(&row[id])).or_insert((
                row[customer].clone(),
                0,
                row[id].starts_with('R'),
            ));
            entry.1 += cents(&row[amount]);
        }

        let end = GenerateOptions::default().end;
        let inv = read(sample(), RECEIVABLES_FILE);
        let c = |n: &str| inv.col(n);
        assert_eq!(inv.rows.len(), order_totals.len(), "one invoice per order");
        let mut terms_of_customer: BTreeMap<String, i64> = BTreeMap::new();
        for row in &inv.rows {
            let (cust, total, is_return) = &order_totals[&order_number(&row[c("invoice_id")])];
            assert_eq!(&row[c("customer_id")], cust);
            let amount = cents(&row[c("amount")]);
            let paid = cents(&row[c("paid_amount")]);
            assert_eq!(amount, *total, "invoice {}", row[c("invoice_id")]);
            let invoiced = date(&row[c("invoice_date")]);
            let terms = (date(&row[c("due_date")]) - invoiced).num_days();
            assert!([30, 60, 90].contains(&terms));
            assert_eq!(
                *terms_of_customer.entry(cust.clone()).or_insert(terms),
                terms,
                "terms fixed per customer"
            );
            if *is_return {
                assert!(row[c("invoice_id")].starts_with("CN"));
                assert_eq!(paid, amount, "credit notes are settled");
                assert_eq!(row[c("paid_date")], row[c("invoice_date")]);
            } else {
                assert!(row[c("invoice_id")].starts_with("INV"));
                assert!((0..=amount).contains(&paid));
                // paid_date is the date of the last payment, empty when nothing was paid.
                assert_eq!(row[c("paid_date")].is_empty(), paid == 0, "{row:?}");
                if !row[c("paid_date")].is_empty() {
                    let paid_on = date(&row[c("paid_date")]);
                    assert!(invoiced <= paid_on && paid_on <= end, "{row:?}");
                }
            }
        }
        let open = inv
            .rows
            .iter()
            .filter(|r| r[c("paid_date")].is_empty())
            .count();
        assert!(open > 0, "some invoices are still open at the end");
    }

    #[test]
    fn top_fifth_of_customers_holds_most_of_the_sales() {
        let orders = read(sample(), ORDERS_FILE);
        let (customer, amount) = (orders.col("customer_id"), orders.col("amount"));
        let mut sales: BTreeMap<&str, i64> = BTreeMap::new();
        for row in &orders.rows {
            *sales.entry(&row[customer]).or_default() += cents(&row[amount]);
        }
        let mut values: Vec<i64> = sales.into_values().collect();
        values.sort_unstable_by(|a, b| b.cmp(a));
        let n_customers = read(sample(), CUSTOMERS_FILE).rows.len();
        let top = (n_customers as f64 * 0.2).round() as usize;
        let share = values[..top].iter().sum::<i64>() as f64 / values.iter().sum::<i64>() as f64;
        assert!((0.65..=0.90).contains(&share), "top 20 % share {share}");
    }

    #[test]
    fn plan_is_last_years_month_plus_ten_percent_in_hundreds() {
        let orders = read(sample(), ORDERS_FILE);
        let (id, day, customer, amount) = (
            orders.col("order_id"),
            orders.col("order_date"),
            orders.col("customer_id"),
            orders.col("amount"),
        );
        let mut monthly: BTreeMap<(&str, u32), i64> = BTreeMap::new();
        let mut bought_in_2023: BTreeSet<&str> = BTreeSet::new();
        for row in orders.rows.iter().filter(|r| r[day].starts_with("2023-")) {
            let month = row[day][5..7].parse().unwrap();
            *monthly.entry((&row[customer], month)).or_default() += cents(&row[amount]);
            if !row[id].starts_with('R') {
                bought_in_2023.insert(&row[customer]);
            }
        }
        let plan = read(sample(), PLAN_FILE);
        let planned_customers: BTreeSet<&str> = plan.rows.iter().map(|r| r[0].as_str()).collect();
        assert_eq!(planned_customers, bought_in_2023);
        assert_eq!(plan.rows.len(), 12 * bought_in_2023.len());
        for row in &plan.rows {
            let month: u32 = row[1].strip_prefix("2024-").expect("plan for 2024")[..2]
                .parse()
                .unwrap();
            let previous = monthly
                .get(&(row[0].as_str(), month))
                .copied()
                .unwrap_or(0)
                .max(0);
            // previous × 1.1 = previous × 11 / 10 cents; in hundreds of yuan (10 000 cents),
            // rounded half up: (previous × 11 / 10 + 5 000) / 10 000, done exactly in integers.
            let expected = (previous * 11 + 50_000) / 100_000 * 10_000;
            assert_eq!(cents(&row[2]), expected, "{row:?} from {previous}");
        }
    }

    #[test]
    fn plan_has_only_its_header_within_one_calendar_year() {
        let opts = GenerateOptions {
            order_lines: 500,
            start: date("2024-03-01"),
            end: date("2024-10-31"),
            out_dir: test_dir("one-year"),
            ..Default::default()
        };
        generate_csv(&opts, &mut |_| {}).unwrap();
        let data = load(&opts.out_dir);
        assert_eq!(data.files[PLAN_FILE], format!("{PLAN_HEADER}\n"));
        assert!(
            read(&data, INVENTORY_FILE)
                .rows
                .iter()
                .any(|r| r[0] == "2024-02-29"),
            "opening snapshot"
        );
        assert!(read(&data, INVENTORY_FILE)
            .rows
            .iter()
            .any(|r| r[0] == "2024-10-31"));
    }

    #[test]
    fn odd_periods_plan_the_last_calendar_year_from_the_one_before() {
        let opts = GenerateOptions {
            order_lines: 4_000,
            start: date("2022-02-15"),
            end: date("2024-06-15"),
            out_dir: test_dir("odd-period"),
            ..Default::default()
        };
        generate_csv(&opts, &mut |_| {}).unwrap();
        let data = load(&opts.out_dir);
        let orders = read(&data, ORDERS_FILE);
        assert_eq!(orders.rows.len(), 4_000);
        assert!(orders
            .rows
            .iter()
            .all(|r| ("2022-02-15"..="2024-06-15").contains(&r[1].as_str())));
        let plan = read(&data, PLAN_FILE);
        let periods: BTreeSet<&str> = plan.rows.iter().map(|r| r[1].as_str()).collect();
        let expected: BTreeSet<String> = (1..=12).map(|m| format!("2024-{m:02}")).collect();
        assert_eq!(periods, expected.iter().map(String::as_str).collect());
        let planned: BTreeSet<&str> = plan.rows.iter().map(|r| r[0].as_str()).collect();
        let bought_2023: BTreeSet<&str> = orders
            .rows
            .iter()
            .filter(|r| r[1].starts_with("2023-") && r[0].starts_with("SO"))
            .map(|r| r[2].as_str())
            .collect();
        assert_eq!(
            planned, bought_2023,
            "planned from 2023, the year before the last"
        );
        let inventory = read(&data, INVENTORY_FILE);
        let snapshots: BTreeSet<&str> = inventory.rows.iter().map(|r| r[0].as_str()).collect();
        assert_eq!(snapshots.first(), Some(&"2022-02-14"));
        assert_eq!(
            snapshots.last(),
            Some(&"2024-06-15"),
            "last snapshot on the end date"
        );
        assert!(snapshots.contains("2022-02-28") && snapshots.contains("2024-05-31"));
        assert_eq!(snapshots.len(), 1 + 29);
    }

    #[test]
    fn inventory_has_opening_and_month_end_snapshots_without_negative_stock() {
        let table = read(sample(), INVENTORY_FILE);
        let (day, product, warehouse, customer) = (
            table.col("snapshot_date"),
            table.col("product_id"),
            table.col("warehouse"),
            table.col("customer_id"),
        );
        let (qty, value) = (table.col("quantity"), table.col("value"));
        let n_products = 200; // default for 20 000 lines: 20 000 / 100
        let mut own: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
        let mut unit_cost: BTreeMap<&str, i64> = BTreeMap::new();
        let mut held_by_customers = 0;
        let mut zero_stock = 0;
        for row in &table.rows {
            let q: i64 = row[qty].parse().unwrap();
            assert!(q >= 0, "{row:?}");
            let v = cents(&row[value]);
            if q > 0 {
                let cost = *unit_cost.entry(&row[product]).or_insert(v / q);
                assert_eq!(v, q * cost, "value is quantity × unit cost: {row:?}");
            } else {
                zero_stock += 1;
                assert_eq!(v, 0);
            }
            if row[customer].is_empty() {
                assert!(row[warehouse].starts_with("WH-"));
                own.entry(&row[day]).or_default().insert(&row[product]);
            } else {
                assert!(row[warehouse].is_empty());
                held_by_customers += 1;
            }
        }
        assert!(own.contains_key("2022-12-31"), "opening snapshot");
        let expected_dates: BTreeSet<String> = std::iter::once("2022-12-31".to_string())
            .chain((2023..=2024).flat_map(|y| {
                (1..=12).map(move |m| {
                    let next = if m == 12 {
                        date(&format!("{}-01-01", y + 1))
                    } else {
                        date(&format!("{y}-{:02}-01", m + 1))
                    };
                    (next - Duration::days(1)).to_string()
                })
            }))
            .collect();
        assert_eq!(
            own.keys().map(|d| d.to_string()).collect::<BTreeSet<_>>(),
            expected_dates
        );
        assert!(
            own.values().all(|products| products.len() == n_products),
            "every product in every snapshot"
        );
        assert!(held_by_customers > 0, "stock held at key distributors");
        assert!(zero_stock > 0, "some month-end stock-outs");
    }

    #[test]
    fn customers_since_precedes_their_first_order_and_lifecycles_show() {
        let orders = read(sample(), ORDERS_FILE);
        let (day, customer) = (orders.col("order_date"), orders.col("customer_id"));
        let mut first: BTreeMap<&str, NaiveDate> = BTreeMap::new();
        let mut last: BTreeMap<&str, NaiveDate> = BTreeMap::new();
        for row in &orders.rows {
            first.entry(&row[customer]).or_insert(date(&row[day]));
            last.insert(&row[customer], date(&row[day]));
        }
        let customers = read(sample(), CUSTOMERS_FILE);
        let opts = GenerateOptions::default();
        let mut new = 0;
        for row in &customers.rows {
            let since = date(&row[customers.col("since")]);
            if let Some(f) = first.get(row[0].as_str()) {
                assert!(since <= *f, "{row:?} first ordered on {f}");
            }
            assert!(SEGMENTS
                .iter()
                .any(|s| s.name == row[customers.col("segment")]));
            assert!(REGIONS.contains(&row[customers.col("region")].as_str()));
            new += (since >= opts.start) as usize;
        }
        let n = customers.rows.len() as f64;
        assert!(
            (0.10..=0.20).contains(&(new as f64 / n)),
            "about 15 % new customers, got {new}"
        );
        let quiet_last_half_year =
            last.values().filter(|d| **d < date("2024-07-01")).count() as f64;
        assert!(
            quiet_last_half_year / n > 0.05,
            "some customers stopped ordering"
        );
        let no_limit = customers
            .rows
            .iter()
            .filter(|r| r[customers.col("credit_limit")].is_empty())
            .count();
        assert!(no_limit > 0);
    }

    #[test]
    fn one_off_bulk_buyer_has_a_single_very_large_order() {
        let inv = read(sample(), RECEIVABLES_FILE);
        let mut per_customer: BTreeMap<&str, Vec<i64>> = BTreeMap::new();
        for row in &inv.rows {
            per_customer
                .entry(&row[0])
                .or_default()
                .push(cents(&row[inv.col("amount")]));
        }
        let mut all: Vec<i64> = inv
            .rows
            .iter()
            .map(|r| cents(&r[inv.col("amount")]))
            .collect();
        all.sort_unstable();
        let median = all[all.len() / 2];
        assert!(per_customer
            .values()
            .any(|v| v.len() == 1 && v[0] > 30 * median));
    }

    #[test]
    fn tiny_scales_still_work() {
        let opts = GenerateOptions {
            order_lines: 3,
            customers: Some(1),
            products: Some(1),
            start: date("2024-05-05"),
            end: date("2024-05-05"),
            out_dir: test_dir("tiny"),
            ..Default::default()
        };
        let mut last_progress = 0;
        let files = generate_csv(&opts, &mut |n| last_progress = n).unwrap();
        assert_eq!(files, ALL_FILES.map(|f| opts.out_dir.join(f)).to_vec());
        assert_eq!(last_progress, 3);
        let data = load(&opts.out_dir);
        let orders = read(&data, ORDERS_FILE);
        assert_eq!(orders.rows.len(), 3);
        assert!(orders
            .rows
            .iter()
            .all(|r| r[1] == "2024-05-05" && r[2] == "C00001" && r[4] == "P0001"));
        assert_eq!(
            read(&data, RECEIVABLES_FILE).rows.len(),
            3,
            "three single-line orders"
        );
    }

    #[test]
    fn invalid_options_are_rejected_clearly() {
        let base = GenerateOptions {
            out_dir: test_dir("invalid"),
            ..Default::default()
        };
        let err = |opts: GenerateOptions| generate_csv(&opts, &mut |_| {}).unwrap_err().to_string();
        assert!(err(GenerateOptions {
            order_lines: 0,
            ..base.clone()
        })
        .contains("order_lines"));
        assert!(err(GenerateOptions {
            start: date("2025-01-01"),
            ..base.clone()
        })
        .contains("after end date"));
        assert!(err(GenerateOptions {
            customers: Some(0),
            ..base.clone()
        })
        .contains("customers"));
        assert!(err(GenerateOptions {
            products: Some(0),
            ..base.clone()
        })
        .contains("products"));
        assert!(
            !base.out_dir.exists(),
            "nothing is written for invalid options"
        );
    }

    #[test]
    fn money_helpers_are_exact() {
        let mut row = Row::default();
        row.money(123_450).money(-1_200).money(5).money(0);
        assert_eq!(
            String::from_utf8(row.buf).unwrap(),
            "1234.50,-12.00,0.05,0.00"
        );
        assert_eq!(line_amount(3, 99_900, 1_000), 269_730);
        assert_eq!(line_amount(-3, 99_900, 1_000), -269_730);
        assert_eq!(line_amount(1, 333, 1_500), 283); // 283.05 rounds down
        assert_eq!(planned_amount(1_000_000), 1_100_000);
        assert_eq!(planned_amount(450_000), 500_000); // 4 500 × 1.1 = 4 950 → 5 000
        assert_eq!(planned_amount(454_000), 500_000);
        assert_eq!(planned_amount(-5), 0);
    }
}
