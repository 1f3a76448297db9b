//! The report's charts as SVG text, drawn with plotters' SVG backend (no fonts are
//! loaded: text becomes SVG <text> elements that the browser renders).

use anyhow::anyhow;
use plotters::prelude::*;

use super::lang::Lang;

const SIZE: (u32, u32) = (720, 400);

fn err<E: std::fmt::Display>(e: E) -> anyhow::Error {
    anyhow!("cannot draw the chart: {e}")
}

/// The Pareto chart: cumulative share of sales (%) against the share of customers (%),
/// largest first, with horizontal lines at the A and A+B cut-offs.
/// `cum_share` holds the cumulative shares (0..1) in rank order.
pub fn pareto_svg(cum_share: &[f64], a: f64, ab: f64, lang: Lang) -> anyhow::Result<String> {
    let n = cum_share.len().max(1) as f64;
    let mut points = vec![(0.0, 0.0)];
    points.extend(cum_share.iter().enumerate().map(|(i, s)| ((i + 1) as f64 / n * 100.0, s * 100.0)));
    let low = points.iter().map(|p| p.1).fold(0.0_f64, f64::min);
    let high = points.iter().map(|p| p.1).fold(100.0_f64, f64::max);
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, SIZE).into_drawing_area();
        root.fill(&WHITE).map_err(err)?;
        let mut chart = ChartBuilder::on(&root)
            .caption(lang.pick("Pareto: cumulative share of sales", "帕累托：累计销售占比"), ("sans-serif", 20))
            .margin(12)
            .x_label_area_size(45)
            .y_label_area_size(55)
            .build_cartesian_2d(0.0..100.0, low..high)
            .map_err(err)?;
        chart
            .configure_mesh()
            .x_desc(lang.pick("customers, largest first (% of customers)", "客户（按销售额从大到小，占客户数%）"))
            .y_desc(lang.pick("cumulative share of sales (%)", "累计销售占比（%）"))
            .draw()
            .map_err(err)?;
        let cut = |share: f64| vec![(0.0, share * 100.0), (100.0, share * 100.0)];
        chart
            .draw_series(LineSeries::new(points, BLUE.stroke_width(2)))
            .map_err(err)?
            .label(lang.pick("cumulative share", "累计占比"))
            .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], BLUE));
        chart
            .draw_series(LineSeries::new(cut(a), RED))
            .map_err(err)?
            .label(format!("{} {:.0}%", lang.pick("A cut-off", "A类分界"), a * 100.0))
            .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], RED));
        chart
            .draw_series(LineSeries::new(cut(ab), GREEN))
            .map_err(err)?
            .label(format!("{} {:.0}%", lang.pick("B cut-off", "B类分界"), ab * 100.0))
            .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], GREEN));
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::LowerRight)
            .background_style(WHITE.mix(0.9))
            .border_style(BLACK)
            .draw()
            .map_err(err)?;
        root.present().map_err(err)?;
    }
    Ok(svg)
}

/// The aging chart: open amount per past-due bucket, one bar each.
pub fn aging_svg(buckets: &[(String, f64)], lang: Lang) -> anyhow::Result<String> {
    let n = buckets.len().max(1) as i32;
    let low = buckets.iter().map(|b| b.1).fold(0.0_f64, f64::min);
    let mut high = buckets.iter().map(|b| b.1).fold(0.0_f64, f64::max);
    if high <= low {
        high = low + 1.0;
    }
    let labels: Vec<String> = buckets.iter().map(|b| b.0.clone()).collect();
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, SIZE).into_drawing_area();
        root.fill(&WHITE).map_err(err)?;
        let mut chart = ChartBuilder::on(&root)
            .caption(lang.pick("Receivables aging: open amount per bucket", "应收账龄：各区间未收金额"), ("sans-serif", 20))
            .margin(12)
            .x_label_area_size(45)
            .y_label_area_size(80)
            .build_cartesian_2d((0..n - 1).into_segmented(), low..high * 1.05)
            .map_err(err)?;
        let label = |v: &SegmentValue<i32>| match v {
            SegmentValue::CenterOf(i) => labels.get(*i as usize).cloned().unwrap_or_default(),
            _ => String::new(),
        };
        chart
            .configure_mesh()
            .disable_x_mesh()
            .x_labels(buckets.len().max(1))
            .x_label_formatter(&label)
            .y_label_formatter(&|v| crate::output::with_thousands(&format!("{v:.0}")))
            .x_desc(lang.pick("days past due", "逾期天数"))
            .y_desc(lang.pick("open amount", "未收金额"))
            .draw()
            .map_err(err)?;
        chart
            .draw_series(buckets.iter().enumerate().map(|(i, (_, v))| {
                let i = i as i32;
                let mut bar = Rectangle::new(
                    [(SegmentValue::Exact(i), 0.0), (SegmentValue::Exact(i + 1), *v)],
                    RGBColor(70, 110, 180).filled(),
                );
                bar.set_margin(0, 0, 12, 12);
                bar
            }))
            .map_err(err)?;
        root.present().map_err(err)?;
    }
    Ok(svg)
}
