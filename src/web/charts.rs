//! Charts drawn on the server as SVG with plotters: nothing runs in the
//! browser, they print, and they read without JavaScript. The page's
//! stylesheet gives their text the theme's colour.
//!
//! A chart is an image to a screen reader, named by the page's heading above
//! it and described by the table of its figures beside it: `id` is the
//! heading's id, `{id}-figures` the table's (templates/chart.html draws both).

use plotters::prelude::*;

const ACCENT: RGBColor = RGBColor(47, 111, 222);
const GRID: RGBColor = RGBColor(200, 206, 216);
const FONT: &str = "sans-serif";

/// Horizontal bars, one per name, longest first as given; `id` as the module says.
pub fn bars(id: &str, items: &[(String, u64)], width: u32) -> String {
    let mut svg = String::new();
    let rows = items.len().max(1);
    let height = 40 + 30 * rows as u32;
    let max = items.iter().map(|(_, n)| *n).max().unwrap_or(0).max(1);
    {
        let root = SVGBackend::with_string(&mut svg, (width, height)).into_drawing_area();
        let label_width = items.iter().map(|(s, _)| s.chars().count()).max().unwrap_or(4).clamp(4, 22) as u32 * 9 + 12;
        let chart = ChartBuilder::on(&root)
            .margin(8)
            .x_label_area_size(22)
            .y_label_area_size(label_width)
            .build_cartesian_2d(0u64..max + max / 10 + 1, (0usize..rows).into_segmented());
        if let Ok(mut chart) = chart {
            let names: Vec<String> = items.iter().map(|(s, _)| s.chars().take(22).collect()).collect();
            let _ = chart
                .configure_mesh()
                .disable_y_mesh()
                .light_line_style(GRID.mix(0.0))
                .bold_line_style(GRID.mix(0.5))
                .axis_style(GRID)
                .x_labels(5)
                .label_style((FONT, 14))
                .y_label_formatter(&|v| match v {
                    SegmentValue::CenterOf(i) => {
                        (rows - 1).checked_sub(*i).and_then(|at| names.get(at)).cloned().unwrap_or_default()
                    }
                    _ => String::new(),
                })
                .draw();
            // The first item on top.
            let row = |i: usize| rows - 1 - i;
            let _ = chart.draw_series(items.iter().enumerate().map(|(i, (_, n))| {
                Rectangle::new(
                    [(0, SegmentValue::Exact(row(i))), (*n, SegmentValue::Exact(row(i) + 1))],
                    ACCENT.mix(0.85).filled(),
                )
            }));
            let _ = chart.draw_series(items.iter().enumerate().map(|(i, (_, n))| {
                Text::new(format!(" {n}"), (*n, SegmentValue::CenterOf(row(i))), (FONT, 14).into_font())
            }));
        }
        let _ = root.present();
    }
    tidy(svg, id)
}

/// A line over labelled points (months), with the points marked; `id` as the module says.
pub fn line(id: &str, points: &[(String, u64)], width: u32, height: u32) -> String {
    let mut svg = String::new();
    let n = points.len().max(1);
    let max = points.iter().map(|(_, v)| *v).max().unwrap_or(0).max(1);
    {
        let root = SVGBackend::with_string(&mut svg, (width, height)).into_drawing_area();
        let chart = ChartBuilder::on(&root)
            .margin(10)
            .x_label_area_size(26)
            .y_label_area_size(44)
            .build_cartesian_2d((0usize..n).into_segmented(), 0u64..max + max / 8 + 1);
        if let Ok(mut chart) = chart {
            let labels: Vec<String> = points.iter().map(|(l, _)| l.clone()).collect();
            let _ = chart
                .configure_mesh()
                .disable_x_mesh()
                .light_line_style(GRID.mix(0.0))
                .bold_line_style(GRID.mix(0.5))
                .axis_style(GRID)
                .y_labels(5)
                .label_style((FONT, 14))
                .x_label_formatter(&|v| match v {
                    SegmentValue::CenterOf(i) => {
                        labels.get(*i).map(|l| l.chars().skip(2).collect()).unwrap_or_default()
                    }
                    _ => String::new(),
                })
                .draw();
            let series = points.iter().enumerate().map(|(i, (_, v))| (SegmentValue::CenterOf(i), *v));
            let _ = chart.draw_series(LineSeries::new(series.clone(), ACCENT.stroke_width(3)));
            let _ = chart.draw_series(series.map(|p| Circle::new(p, 4, ACCENT.filled())));
        }
        let _ = root.present();
    }
    tidy(svg, id)
}

/// The SVG to put in a page: scalable to its box, an image named by the
/// element `id` and described by `{id}-figures`.
fn tidy(svg: String, id: &str) -> String {
    assert!(id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'), "a chart's id is ours: {id}");
    match svg.find("<svg") {
        Some(at) => {
            let rest = &svg[at..];
            let attributes = format!(
                "<svg preserveAspectRatio=\"xMinYMin meet\" role=\"img\" aria-labelledby=\"{id}\" aria-describedby=\"{id}-figures\" "
            );
            rest.replacen("<svg ", &attributes, 1)
        }
        None => svg,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn charts_are_svg_with_every_label_escaped() {
        let svg = bars("per-branch", &[("Київ <центр>".into(), 12), ("Odesa & co".into(), 3)], 600);
        assert!(svg.starts_with("<svg") && svg.trim_end().ends_with("</svg>"), "{svg}");
        assert!(svg.contains("Київ &lt;центр&gt;") && svg.contains("Odesa &amp; co"), "{svg}");
        assert!(!svg.contains("<script"));
        let opening = &svg[..svg.find('>').unwrap()];
        assert!(
            opening.contains(r#"role="img" aria-labelledby="per-branch" aria-describedby="per-branch-figures""#),
            "an image named by its heading, described by its figures: {opening}"
        );
        let svg = line("per-month", &[("2026-10".into(), 5), ("2026-11".into(), 9)], 600, 240);
        assert!(svg.contains(r#"aria-labelledby="per-month""#));
        assert!(svg.contains("<polyline") || svg.contains("<path"), "{svg}");
        assert!(svg.contains("26-11"));
    }
}
