//! The customers: segment, region, salesperson, size, lifecycle (regular, new,
//! churned, one-off bulk buyer), payment habits, credit factor and favourite products.

use std::collections::HashSet;

use chrono::{Duration, NaiveDate};
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::Rng;

use super::calendar::Calendar;
use super::pickers::{stratified_pareto, weighted_index, CumulativePicker};
use super::rows::id_width;

pub(super) const REGIONS: [&str; 7] = ["华东", "华北", "华南", "西南", "华中", "东北", "西北"];
pub(super) const REGION_WEIGHTS: [u32; 7] = [30, 18, 20, 10, 12, 5, 5];
pub(super) const REGION_CITIES: [&[&str]; 7] = [
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
pub(super) const SALESPEOPLE: [&str; 8] = [
    "张伟", "王芳", "李强", "刘洋", "陈静", "杨帆", "赵磊", "周敏",
];
/// Indices into SALESPEOPLE covering each region (a few people cover two regions).
pub(super) const REGION_SALESPEOPLE: [&[usize]; 7] = [&[0, 1, 7], &[2], &[3, 4], &[5], &[6], &[2], &[5]];

pub(super) const NAME_WORDS: [&str; 40] = [
    "华信", "宏达", "鑫源", "恒通", "金盛", "永安", "瑞丰", "德胜", "嘉禾", "天成", "利民", "兴隆",
    "万家", "佳美", "广源", "盛世", "同创", "博远", "明辉", "荣昌", "富康", "启航", "长青", "信达",
    "海纳", "百顺", "和泰", "安盛", "众诚", "凯达", "联华", "新业", "创展", "汇通", "正源", "聚丰",
    "泰和", "顺发", "九洲", "银河",
];

pub(super) struct Segment {
    pub(super) name: &'static str,
    pub(super) channel: &'static str,
    pub(super) share: u32,
    /// Relative purchasing volume of a customer of this segment.
    pub(super) size: f64,
    /// Typical quantity per order line (distributors buy in bulk).
    pub(super) quantity: f64,
    /// Discount off list price, in basis points (lowest, highest).
    pub(super) discount_bp: (i64, i64),
    /// Weights for payment terms of 30, 60 and 90 days.
    pub(super) terms_weights: [u32; 3],
    pub(super) suffixes: &'static [&'static str],
}

pub(super) const DISTRIBUTOR: usize = 0;
pub(super) const END_CUSTOMER: usize = 3;
pub(super) const SEGMENTS: [Segment; 4] = [
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
pub(super) const TERMS_DAYS: [i64; 3] = [30, 60, 90];

pub(super) const NEW_CUSTOMER_SHARE: f64 = 0.15;
pub(super) const CHURNED_CUSTOMER_SHARE: f64 = 0.15;
/// Pareto shape of customer size: about 1.16 gives the classic 80/20.
pub(super) const CUSTOMER_PARETO_ALPHA: f64 = 1.1;
/// Order frequency grows with customer size to this power; the rest of the size shows
/// in lines per order and quantities.
pub(super) const ORDER_FREQUENCY_EXPONENT: f64 = 0.4;
pub(super) const CUSTOMER_WEIGHT_CAP: f64 = 250.0;
pub(super) const MAX_FAVOURITES: usize = 6;

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(super) enum Lifecycle {
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
pub(super) enum Payer {
    /// Pays around the due date (±10 days).
    OnTime,
    /// Typically this many days late (30–150).
    Late { typical_delay: i64 },
    /// Pays part around the due date and the rest later.
    TwoParts,
}

pub(super) struct Customer {
    pub(super) id: String,
    pub(super) name: String,
    pub(super) segment: usize,
    pub(super) region: usize,
    pub(super) salesperson: usize,
    pub(super) lifecycle: Lifecycle,
    /// First and last day (indices) on which the customer may order.
    pub(super) active_from: u32,
    pub(super) active_until: u32,
    /// Relative size (Pareto), and the order rate it implies, in integer units.
    pub(super) weight: f64,
    pub(super) rate_units: u64,
    /// Lines per order = 1 + Binomial(4, extra_line_p).
    pub(super) extra_line_p: f64,
    pub(super) quantity_scale: f64,
    pub(super) discount_bp: i64,
    pub(super) terms_days: i64,
    pub(super) payer: Payer,
    /// Credit limit as a multiple of monthly purchases × terms; None = no limit recorded.
    pub(super) credit_factor: Option<f64>,
    pub(super) since: NaiveDate,
    /// Product indices this customer buys again and again.
    pub(super) favourites: Vec<u32>,
}

/// Draws everything about the customers except their ids and names, then orders them by
/// `since` (ERP ids grow with account creation) and names them.
pub(super) fn build_customers(
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

pub(super) fn assign_lifecycles(count: usize, n_lines: u64, rng: &mut StdRng) -> Vec<Lifecycle> {
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

pub(super) fn draw_customer(
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

pub(super) fn draw_payer(rng: &mut StdRng) -> Payer {
    match rng.gen_range(0..100) {
        0..=79 => Payer::OnTime,
        80..=94 => Payer::Late {
            typical_delay: rng.gen_range(40..=120),
        },
        _ => Payer::TwoParts,
    }
}

pub(super) fn draw_credit_factor(rng: &mut StdRng) -> Option<f64> {
    match rng.gen_range(0..100) {
        0..=3 => None,                           // no limit on file
        4..=13 => Some(rng.gen_range(0.3..0.7)), // set too low: they exceed it
        _ => Some(rng.gen_range(1.2..2.0)),
    }
}

pub(super) fn draw_favourites(products: &CumulativePicker, rng: &mut StdRng) -> Vec<u32> {
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

pub(super) fn customer_name(
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
