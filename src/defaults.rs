//! Every default of kam's options, in one place. clap shows them in `--help`, the
//! metric types build their `Default` from them, and docs/cli.md lists them (a test
//! in tests/cli/settings.rs holds the list to this file).

/// ABC class A and B shares of cumulative sales (abc, products, credit, scorecard, report).
pub const THRESHOLDS: &str = "0.75,0.20";
/// Upper edges of the past-due buckets in days (receivables, alerts, report).
pub const BUCKETS: &str = "30,60,90";
/// The company warning line: open receivables as a share of total assets (赊销警戒线).
pub const WARNING_LINE: &str = "0.20";
/// Decimal places kept for money; a value with more is an error.
pub const MONEY_SCALE: usize = 2;
/// Days in the DSO period when `--from` is not given (receivables).
pub const DSO_DAYS: i64 = 90;
/// Days of sales behind the monthly average when `--from` is not given (credit).
pub const CREDIT_DAYS: i64 = 365;

// kam churn and kam alerts (and the report's churn section).
pub const GAP_MULTIPLE: &str = "2";
pub const CHURN_DAYS: &str = "180";
pub const DROP: &str = "0.20";
pub const PERIOD_MONTHS: &str = "1";
pub const MIN_P_ALIVE: &str = "0.2";

// kam credit.
pub const B_MONTHS: &str = "2";
pub const C_MONTHS: &str = "0.5";
pub const GRACE_DAYS: &str = "10";
pub const LATE_FACTOR: &str = "0.5";
pub const CASH_DAYS: &str = "60";
pub const REVIEW_DAYS: &str = "90";

// kam clv (and the scorecard's and report's CLV).
pub const HORIZON_MONTHS: &str = "12";
pub const DISCOUNT: &str = "0.10";

// kam products --xyz: the cv limits of classes X and Y.
pub const XYZ_LIMITS: &str = "0.5,1.0";

// kam scorecard.
pub const WEIGHTS: &str = "sales=0.25,gross_profit=0.2,growth=0.15,regularity=0.15,payment=0.1,clv=0.15";
pub const TIERS: &str = "70,50,30";

// kam rfm.
pub const RFM_BINS: &str = "5";

/// (option, default) of every option above, as docs/cli.md lists them.
pub fn all() -> Vec<(&'static str, String)> {
    vec![
        ("--thresholds", THRESHOLDS.into()),
        ("--buckets", BUCKETS.into()),
        ("--warning-line", WARNING_LINE.into()),
        ("--money-scale", MONEY_SCALE.to_string()),
        ("DSO period (receivables --from)", format!("{DSO_DAYS} days")),
        ("sales period (credit --from)", format!("{CREDIT_DAYS} days")),
        ("--gap-multiple", GAP_MULTIPLE.into()),
        ("--churn-days", CHURN_DAYS.into()),
        ("--drop", DROP.into()),
        ("--period-months", PERIOD_MONTHS.into()),
        ("--min-p-alive", MIN_P_ALIVE.into()),
        ("--b-months", B_MONTHS.into()),
        ("--c-months", C_MONTHS.into()),
        ("--grace-days", GRACE_DAYS.into()),
        ("--late-factor", LATE_FACTOR.into()),
        ("--cash-days", CASH_DAYS.into()),
        ("--review-days", REVIEW_DAYS.into()),
        ("--horizon", HORIZON_MONTHS.into()),
        ("--discount", DISCOUNT.into()),
        ("--xyz-limits", XYZ_LIMITS.into()),
        ("--weights", WEIGHTS.into()),
        ("--tiers", TIERS.into()),
        ("--bins", RFM_BINS.into()),
    ]
}
