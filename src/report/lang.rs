//! The report's language: the words of report.html and the headers and sheet names of
//! report.xlsx. CSV and Parquet keep their English column identifiers in every
//! language, since pipelines read them by name.

/// `--lang` of `kam report`, `[report] lang` in kam.toml, else from the order headers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    En,
    Zh,
}

/// A CJK ideograph (the headers of Chinese ERP exports: 客户编码, 金额 …).
pub fn is_cjk(ch: char) -> bool {
    matches!(ch, '\u{4E00}'..='\u{9FFF}' | '\u{3400}'..='\u{4DBF}' | '\u{F900}'..='\u{FAFF}')
}

impl Lang {
    /// zh when any header has a Chinese character, else en.
    pub fn of_headers(headers: &[String]) -> Lang {
        if headers.iter().any(|h| h.chars().any(is_cjk)) {
            Lang::Zh
        } else {
            Lang::En
        }
    }

    /// kam.toml's `[report] lang` text.
    pub fn parse(text: &str) -> Result<Lang, String> {
        match text.trim().to_ascii_lowercase().as_str() {
            "en" => Ok(Lang::En),
            "zh" => Ok(Lang::Zh),
            _ => Err(format!("'{text}' is not a report language (expected zh or en)")),
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Zh => "zh",
        }
    }

    /// One of the page's words or sentences: `en` as given, or its Chinese.
    pub fn pick<'a>(self, en: &'a str, zh: &'a str) -> &'a str {
        match self {
            Lang::En => en,
            Lang::Zh => zh,
        }
    }

    /// A column's header on the page and in the workbook. English keeps the
    /// identifier (what the CSV says), so a reader can find the column in the CSV.
    pub fn column(self, name: &str) -> String {
        if self == Lang::En {
            return name.to_string();
        }
        if let Some(m) = name.strip_prefix('m').filter(|m| !m.is_empty() && m.chars().all(|c| c.is_ascii_digit())) {
            return format!("第{m}月");
        }
        COLUMNS.iter().find(|(n, _)| *n == name).map_or_else(|| name.to_string(), |(_, zh)| zh.to_string())
    }

    /// A column's header on the page: readable words in English too (the workbook
    /// keeps the identifiers in English, for finding them in the CSV).
    pub fn label(self, name: &str) -> String {
        if self == Lang::Zh {
            return self.column(name);
        }
        if let Some((_, en)) = EN_LABELS.iter().find(|(n, _)| *n == name) {
            return en.to_string();
        }
        // prev_class -> Prev class
        let words = name.replace('_', " ");
        let mut chars = words.chars();
        chars.next().map_or(String::new(), |first| first.to_uppercase().chain(chars).collect())
    }

    /// A sheet's name in the workbook (at most 31 characters, Excel's limit).
    pub fn sheet(self, name: &str) -> String {
        if self == Lang::En {
            return name.to_string();
        }
        SHEETS.iter().find(|(n, _)| *n == name).map_or_else(|| name.to_string(), |(_, zh)| zh.to_string())
    }

    /// The words of a few coded values on the page (alert kinds, severities, statuses).
    pub fn value(self, value: &str) -> String {
        if self == Lang::En {
            return value.to_string();
        }
        VALUES.iter().find(|(n, _)| *n == value).map_or_else(|| value.to_string(), |(_, zh)| zh.to_string())
    }
}

const SHEETS: &[(&str, &str)] = &[
    ("summary", "汇总"),
    ("abc", "客户ABC"),
    ("abc_summary", "ABC汇总"),
    ("products", "产品"),
    ("clv", "客户终身价值"),
    ("churn", "流失与进度"),
    ("receivables", "应收账龄"),
    ("alerts", "预警"),
    ("scorecard", "大客户评分"),
    ("movers", "ABC变动"),
    ("cohorts", "客户群组"),
    ("top_movers", "销售变动"),
    ("at_risk", "流失风险客户"),
];

const VALUES: &[(&str, &str)] = &[
    ("critical", "严重"),
    ("warning", "警告"),
    ("info", "提示"),
    ("churned", "已流失"),
    ("churn_risk", "流失风险"),
    ("at_risk", "有流失风险"),
    ("active", "活跃"),
    ("over_credit_limit", "超信用额度"),
    ("assets_warning_line", "应收超资产警戒线"),
    ("sales_vs_plan", "未达计划"),
    ("sales_vs_previous", "环比下降"),
    ("sales_vs_last_year", "同比下降"),
    ("aging_overdue", "账龄超期"),
    ("sales_expense", "销售费用超预算"),
    ("order_frequency", "下单频次下降"),
    ("up", "升级"),
    ("down", "降级"),
    ("new", "新增"),
    ("lost", "流失"),
    ("key", "核心"),
    ("major", "重要"),
    ("regular", "一般"),
    ("small", "小客户"),
];

/// English headers of the page where the identifier does not read well.
const EN_LABELS: &[(&str, &str)] = &[
    ("customer_id", "Customer"),
    ("customer_name", "Name"),
    ("product_id", "Product"),
    ("product_name", "Name"),
    ("prev_sales", "Previous month"),
    ("sales_change", "Sales change"),
    ("change", "Class change"),
    ("change_pct", "Change %"),
    ("sales_share", "Share of sales"),
    ("gross_margin_rate", "Gross margin"),
    ("cross_ratio", "Cross ratio"),
    ("days_of_inventory", "Days of inventory"),
    ("days_since_last", "Days since last order"),
    ("last_order", "Last order"),
    ("sales_last_year", "Same period last year"),
    ("at_stake", "At stake"),
    ("kind", "Alert"),
    ("sales_12m", "Sales, 12 months"),
    ("prev_class", "Previous class"),
    ("class", "Class"),
];

/// Chinese headers of the report's columns (the CSV identifiers on the left).
const COLUMNS: &[(&str, &str)] = &[
    ("rank", "排名"),
    ("customer_id", "客户编码"),
    ("customer_name", "客户名称"),
    ("product_id", "产品编码"),
    ("product_name", "产品名称"),
    ("sales", "销售额"),
    ("cum_sales", "累计销售额"),
    ("share", "占比"),
    ("cum_share", "累计占比"),
    ("class", "ABC类"),
    ("items", "个数"),
    ("item_share", "数量占比"),
    ("sales_share", "销售额占比"),
    ("kind", "预警类型"),
    ("severity", "级别"),
    ("figure", "数值"),
    ("unit", "单位"),
    ("threshold", "阈值"),
    ("reason", "原因"),
    ("at_stake", "涉及金额"),
    ("first_order", "首次下单"),
    ("last_order", "最近下单"),
    ("orders", "订单数"),
    ("days_since_last", "距上次下单天数"),
    ("typical_gap", "典型间隔天数"),
    ("gap_source", "间隔来源"),
    ("status", "状态"),
    ("sales_prev", "上期销售额"),
    ("sales_last_year", "去年同期销售额"),
    ("change_prev", "环比"),
    ("change_last_year", "同比"),
    ("plan", "计划"),
    ("plan_gap", "计划差距"),
    ("orders_period", "本期订单数"),
    ("orders_avg", "平均订单数"),
    ("drop_vs_prev", "环比下降"),
    ("drop_vs_last_year", "同比下降"),
    ("below_plan", "未达计划"),
    ("frequency_down", "频次下降"),
    ("tenure_days", "合作天数"),
    ("gross_profit", "毛利"),
    ("avg_order_value", "平均订单金额"),
    ("p_alive", "存活概率"),
    ("expected_purchases", "预计购买次数"),
    ("expected_spend", "预计单次金额"),
    ("clv", "客户终身价值"),
    ("cohort", "群组"),
    ("customers", "客户数"),
    ("prev_class", "上月ABC类"),
    ("prev_sales", "上月销售额"),
    ("sales_change", "销售额变化"),
    ("change", "类别变动"),
    ("change_pct", "变化率"),
    ("quantity", "数量"),
    ("cost", "成本"),
    ("gross_margin_rate", "毛利率"),
    ("opening_date", "期初日期"),
    ("opening_qty", "期初数量"),
    ("opening_value", "期初金额"),
    ("closing_date", "期末日期"),
    ("closing_qty", "期末数量"),
    ("closing_value", "期末金额"),
    ("avg_qty", "平均库存数量"),
    ("avg_value", "平均库存金额"),
    ("turnover", "周转率"),
    ("days_of_inventory", "库存天数"),
    ("cross_ratio", "交叉比率"),
    ("contribution_ratio", "贡献比率"),
    ("current", "未到期"),
    ("d1_30", "逾期1-30天"),
    ("d31_60", "逾期31-60天"),
    ("d61_90", "逾期61-90天"),
    ("over_90", "逾期90天以上"),
    ("open_total", "未收合计"),
    ("open_invoices", "未收发票数"),
    ("max_days_past_due", "最长逾期天数"),
    ("credit_limit", "信用额度"),
    ("over_limit", "超额度"),
    ("excess", "超出金额"),
    ("credit_sales", "赊销额"),
    ("dso", "应收周转天数"),
    ("assets_share", "占总资产比"),
    ("over_warning_line", "超警戒线"),
    ("score", "评分"),
    ("tier", "等级"),
    ("sales_12m", "近12月销售额"),
    ("sales_prev_12m", "前12月销售额"),
    ("growth", "增长率"),
    ("gross_profit_12m", "近12月毛利"),
    ("margin_rate", "毛利率"),
    ("active_months", "活跃月数"),
    ("orders_24m", "近24月订单数"),
    ("largest_order_share", "最大订单占比"),
    ("avg_days_late", "平均逾期天数"),
    ("score_sales", "销售得分"),
    ("score_gross_profit", "毛利得分"),
    ("score_growth", "增长得分"),
    ("score_regularity", "规律性得分"),
    ("score_payment", "回款得分"),
    ("score_clv", "终身价值得分"),
    ("false_key_account", "假大户"),
    ("flags", "标记"),
    ("metric", "指标"),
    ("month", "本月"),
    ("previous_month", "上月"),
    ("mom", "环比"),
    ("same_month_last_year", "去年同月"),
    ("yoy", "同比"),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_headers_choose_zh() {
        let zh = ["客户编码".to_string(), "金额".to_string(), "order_date".to_string()];
        assert_eq!(Lang::of_headers(&zh), Lang::Zh);
        assert_eq!(Lang::of_headers(&["customer_id".to_string(), "amount".to_string()]), Lang::En);
        assert_eq!(Lang::Zh.column("m3"), "第3月");
        assert_eq!(Lang::Zh.column("sales"), "销售额");
        assert_eq!(Lang::En.column("sales"), "sales");
        assert_eq!(Lang::En.label("prev_sales"), "Previous month");
        assert_eq!(Lang::En.label("days_since_last"), "Days since last order");
        assert_eq!(Lang::En.label("open_total"), "Open total");
        assert_eq!(Lang::Zh.column("unknown_col"), "unknown_col");
        assert!(Lang::parse("ZH").is_ok() && Lang::parse("fr").is_err());
    }

    #[test]
    fn sheet_names_fit_excel() {
        assert!(SHEETS.iter().all(|(_, zh)| zh.chars().count() <= 31));
    }
}
