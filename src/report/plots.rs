//! Timeline plots of one recording, as SVG text (plotters' SVG backend: no
//! fonts, no files; the browser draws the text).
//!
//! Every plot has the same width, margins and time axis, so stacked in the
//! report they line up: a blink in the eye plot sits above the same moment
//! in the head plot and the problem bands. Legends are left to the page
//! (HTML), where the browser lays text out properly in either language.

use super::json::AnalysisDoc;
use super::prompts::Movement;
use crate::events::head::{NOD_MIN_DEG, TURN_MIN_DEG};
use crate::i18n::{Lang, Msg};
use crate::record::EventKind;
use crate::record::FrameRecord;
use crate::record::HintCode;
use plotters::coord::types::RangedCoordf64;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

/// Width of every plot, in SVG units (the page scales it to fit).
pub const WIDTH: u32 = 960;
const LINE_HEIGHT: u32 = 210;
/// Room for the value labels left of the plot and the time axis under it.
const LEFT: u32 = 52;
const BOTTOM: u32 = 34;
const RIGHT: u32 = 14;
/// A gap in the face longer than this breaks a line (no line across it).
const GAP_S: f64 = 0.25;

/// Colours (also used by the page's legends, as CSS).
pub const BLUE: RGBColor = RGBColor(31, 119, 180);
pub const ORANGE: RGBColor = RGBColor(230, 120, 20);
pub const GREEN: RGBColor = RGBColor(44, 160, 44);
pub const RED: RGBColor = RGBColor(214, 39, 40);
pub const PURPLE: RGBColor = RGBColor(130, 80, 180);
pub const GREY: RGBColor = RGBColor(120, 120, 120);
pub const BROWN: RGBColor = RGBColor(160, 100, 40);

pub fn css(c: RGBColor) -> String {
    format!("#{:02x}{:02x}{:02x}", c.0, c.1, c.2)
}

/// How a legend entry is drawn.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mark {
    Line,
    Dashed,
    Band,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Plot {
    pub title: Msg,
    pub svg: String,
    pub legend: Vec<(Mark, String, String)>,
}

type Chart<'a, 'b> = ChartContext<'a, SVGBackend<'b>, Cartesian2d<RangedCoordf64, RangedCoordf64>>;
type Drawn = Result<(), Box<dyn std::error::Error>>;

/// The time axis: from 0 to the last frame (at least a tenth of a second).
fn x_max(doc: &AnalysisDoc) -> f64 {
    let last = doc
        .frames
        .iter()
        .map(|f| f.time_s)
        .filter(|t| t.is_finite())
        .fold(0.0, f64::max);
    let step = doc.input.fps.filter(|f| *f > 0.0).map_or(0.0, |f| 1.0 / f);
    (last + step).max(0.1)
}

/// A series of `value` over time, cut where the value is missing.
fn segments(
    frames: &[FrameRecord],
    value: impl Fn(&FrameRecord) -> Option<f32>,
) -> Vec<Vec<(f64, f64)>> {
    let mut out: Vec<Vec<(f64, f64)>> = Vec::new();
    let mut cur: Vec<(f64, f64)> = Vec::new();
    for f in frames {
        match value(f).filter(|v| v.is_finite()) {
            Some(v) if f.time_s.is_finite() => {
                if cur.last().is_some_and(|(t, _)| f.time_s - t > GAP_S) {
                    out.push(std::mem::take(&mut cur));
                }
                cur.push((f.time_s, v as f64));
            }
            _ => {
                if !cur.is_empty() {
                    out.push(std::mem::take(&mut cur));
                }
            }
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out.into_iter().map(thin).collect()
}

/// At most two points (lowest and highest) per pixel column, so a long
/// recording does not make a huge page; short ones are kept as they are.
fn thin(points: Vec<(f64, f64)>) -> Vec<(f64, f64)> {
    let columns = (WIDTH - LEFT - RIGHT) as usize;
    if points.len() <= 2 * columns {
        return points;
    }
    let (t0, t1) = (points[0].0, points[points.len() - 1].0);
    let span = (t1 - t0).max(1e-9);
    let mut out = Vec::with_capacity(2 * columns + 2);
    let mut i = 0;
    while i < points.len() {
        let col = (((points[i].0 - t0) / span) * columns as f64) as usize;
        let mut j = i;
        let (mut lo, mut hi) = (i, i);
        while j < points.len() && (((points[j].0 - t0) / span) * columns as f64) as usize == col {
            if points[j].1 < points[lo].1 {
                lo = j;
            }
            if points[j].1 > points[hi].1 {
                hi = j;
            }
            j += 1;
        }
        out.push(points[lo.min(hi)]);
        if lo != hi {
            out.push(points[lo.max(hi)]);
        }
        i = j;
    }
    out
}

fn bounds<'a>(series: impl IntoIterator<Item = &'a Vec<(f64, f64)>>) -> Option<(f64, f64)> {
    series
        .into_iter()
        .flatten()
        .map(|p| p.1)
        .fold(None, |acc, v| match acc {
            None => Some((v, v)),
            Some((lo, hi)) => Some((f64::min(lo, v), f64::max(hi, v))),
        })
}

fn padded((lo, hi): (f64, f64)) -> (f64, f64) {
    let pad = ((hi - lo) * 0.08).max(0.5);
    (lo - pad, hi + pad)
}

/// Draws one chart of `height` with a time axis to `x_max` and values in
/// `y`, and returns it as an `<svg>` element for inline use.
fn chart(
    height: u32,
    x_max: f64,
    y: (f64, f64),
    lang: Lang,
    value_label: &dyn Fn(&f64) -> String,
    body: impl FnOnce(&mut Chart) -> Drawn,
) -> Option<String> {
    let mut svg = String::new();
    let drawn = (|| -> Drawn {
        let root = SVGBackend::with_string(&mut svg, (WIDTH, height)).into_drawing_area();
        root.fill(&WHITE)?;
        let (lo, hi) = if y.1 > y.0 { y } else { (y.0 - 1.0, y.0 + 1.0) };
        let mut c = ChartBuilder::on(&root)
            .margin_top(8)
            .margin_right(RIGHT)
            .x_label_area_size(BOTTOM)
            .y_label_area_size(LEFT)
            .build_cartesian_2d(0.0..x_max, lo..hi)?;
        // Whole seconds, or tenths on a clip shorter than ten seconds (the
        // ticks fall on halves there).
        let decimals = if x_max < 10.0 { 1 } else { 0 };
        let seconds = |v: &f64| format!("{v:.decimals$}");
        let label_font = ("sans-serif", 14).into_font().color(&RGBColor(60, 60, 60));
        c.configure_mesh()
            .light_line_style(RGBColor(244, 244, 244))
            .max_light_lines(1)
            .bold_line_style(RGBColor(215, 215, 215))
            .axis_style(RGBColor(150, 150, 150))
            .x_labels(12)
            .y_labels(6)
            .x_label_formatter(&seconds)
            .y_label_formatter(value_label)
            .label_style(label_font.clone())
            .x_desc(lang.text(Msg::Seconds))
            .axis_desc_style(label_font)
            .draw()?;
        body(&mut c)?;
        root.present()?;
        Ok(())
    })();
    drawn.ok()?;
    Some(inline(svg))
}

/// The backend's document made fit for inline HTML: no namespace URL, a
/// `viewBox` the page scales.
fn inline(svg: String) -> String {
    match (svg.find("<svg"), svg.find('>')) {
        (Some(a), Some(b)) if b > a => {
            let head = &svg[a..b];
            let view = head
                .split("viewBox=\"")
                .nth(1)
                .and_then(|r| r.split('"').next())
                .unwrap_or("0 0 960 200");
            format!(
                "<svg viewBox=\"{view}\" class=\"plot\" role=\"img\">{}",
                &svg[b + 1..]
            )
        }
        _ => svg,
    }
}

fn lines(c: &mut Chart, series: &[Vec<(f64, f64)>], style: ShapeStyle) -> Drawn {
    for s in series {
        c.draw_series(LineSeries::new(s.iter().copied(), style))?;
    }
    Ok(())
}

fn dashed(c: &mut Chart, x_max: f64, y: f64, color: RGBColor) -> Drawn {
    c.draw_series(DashedLineSeries::new(
        [(0.0, y), (x_max, y)],
        6,
        5,
        color.stroke_width(2),
    ))?;
    Ok(())
}

fn band(
    c: &mut Chart,
    (a, b): (f64, f64),
    (lo, hi): (f64, f64),
    color: RGBColor,
    alpha: f64,
) -> Drawn {
    let b = if b - a < 0.02 { a + 0.02 } else { b };
    c.draw_series(std::iter::once(Rectangle::new(
        [(a, lo), (b, hi)],
        color.mix(alpha).filled(),
    )))?;
    Ok(())
}

/// About how wide `text` is drawn at the label size, in SVG units.
fn label_width(text: &str) -> f64 {
    text.chars()
        .map(|c| if c.is_ascii() { 7.0 } else { 13.0 })
        .sum::<f64>()
        + 6.0
}

fn label(c: &mut Chart, text: &str, at: (f64, f64), color: RGBColor) -> Drawn {
    let style = ("sans-serif", 13)
        .into_font()
        .color(&color)
        .pos(Pos::new(HPos::Left, VPos::Top));
    c.draw_series(std::iter::once(Text::new(text.to_string(), at, style)))?;
    Ok(())
}

/// Eye openness of each eye, the learned open level, and the blinks.
pub fn eyes(doc: &AnalysisDoc, lang: Lang) -> Option<Plot> {
    let left = segments(&doc.frames, |f| f.eye_open_left);
    let right = segments(&doc.frames, |f| f.eye_open_right);
    let level = segments(&doc.frames, |f| f.eye_open_level);
    let (_, hi) = bounds(left.iter().chain(&right).chain(&level))?;
    let y = (0.0, (hi * 1.15).max(0.05));
    let x = x_max(doc);
    let blinks: Vec<_> = doc
        .events
        .iter()
        .filter(|e| e.kind == EventKind::Blink)
        .collect();
    let svg = chart(LINE_HEIGHT, x, y, lang, &|v| format!("{v:.2}"), |c| {
        for e in &blinks {
            band(c, (e.start_s, e.end_s), y, PURPLE, 0.22)?;
        }
        lines(c, &level, GREY.stroke_width(2))?;
        lines(c, &right, ORANGE.stroke_width(2))?;
        lines(c, &left, BLUE.stroke_width(2))?;
        Ok(())
    })?;
    Some(Plot {
        title: Msg::PlotEyes,
        svg,
        legend: vec![
            (Mark::Line, css(BLUE), lang.text(Msg::LegLeftEye).into()),
            (Mark::Line, css(ORANGE), lang.text(Msg::LegRightEye).into()),
            (Mark::Line, css(GREY), lang.text(Msg::LegOpenLevel).into()),
            (
                Mark::Band,
                css(PURPLE),
                lang.event_name(EventKind::Blink).into(),
            ),
        ],
    })
}

/// Yaw and pitch, the person's neutral pose, the angles a check needs, and
/// every turn and nod found (counted ones in their colour, the ones a check
/// would refuse in red).
pub fn head(doc: &AnalysisDoc, movements: &[Movement], lang: Lang) -> Option<Plot> {
    let yaw = segments(&doc.frames, |f| f.yaw_deg);
    let pitch = segments(&doc.frames, |f| f.pitch_deg);
    let need = |f: &FrameRecord, k: f32| f.neutral_yaw_deg.map(|n| n + k);
    let yaw_left = segments(&doc.frames, |f| need(f, TURN_MIN_DEG));
    let yaw_right = segments(&doc.frames, |f| need(f, -TURN_MIN_DEG));
    let nod = segments(&doc.frames, |f| {
        f.neutral_pitch_deg.map(|n| n - NOD_MIN_DEG)
    });
    let y = padded(bounds(
        yaw.iter()
            .chain(&pitch)
            .chain(&yaw_left)
            .chain(&yaw_right)
            .chain(&nod),
    )?);
    let x = x_max(doc);
    let svg = chart(
        LINE_HEIGHT + 40,
        x,
        y,
        lang,
        &|v| format!("{v:.0}°"),
        |c| {
            // Where the last label on each line ends (a label that would run
            // into the one before goes a line down).
            let mut ends = [f64::NEG_INFINITY; 3];
            for m in movements
                .iter()
                .filter(|m| m.event.kind != EventKind::Blink)
            {
                let e = &m.event;
                let color = match (m.problem, e.kind) {
                    (Some(_), _) => RED,
                    (None, EventKind::Nod) => GREEN,
                    _ => BLUE,
                };
                band(c, (e.start_s, e.end_s), y, color, 0.16)?;
                let name = lang.event_name(e.kind);
                let width = x * label_width(name) / (WIDTH - LEFT - RIGHT) as f64;
                let line = ends.iter().position(|end| *end < e.start_s).unwrap_or(0);
                ends[line] = e.start_s + width;
                let top = y.1 - (y.1 - y.0) * (0.02 + 0.08 * line as f64);
                label(c, name, (e.start_s, top), color)?;
            }
            let thin_red = RED.mix(0.55).stroke_width(1);
            lines(c, &yaw_left, thin_red)?;
            lines(c, &yaw_right, thin_red)?;
            lines(c, &nod, GREEN.mix(0.6).stroke_width(1))?;
            lines(c, &pitch, GREEN.stroke_width(2))?;
            lines(c, &yaw, BLUE.stroke_width(2))?;
            Ok(())
        },
    )?;
    let deg = |v: f32| format!("{v:.0}");
    Some(Plot {
        title: Msg::PlotHead,
        svg,
        legend: vec![
            (Mark::Line, css(BLUE), lang.text(Msg::LegYaw).into()),
            (Mark::Line, css(GREEN), lang.text(Msg::LegPitch).into()),
            (
                Mark::Line,
                css(RED),
                lang.fill(Msg::LegTurnNeeded, &[("deg", &deg(TURN_MIN_DEG))]),
            ),
            (
                Mark::Line,
                css(GREEN),
                lang.fill(Msg::LegNodNeeded, &[("deg", &deg(NOD_MIN_DEG))]),
            ),
            (
                Mark::Band,
                css(BLUE),
                format!(
                    "{} / {}",
                    lang.event_name(EventKind::TurnLeft),
                    lang.event_name(EventKind::TurnRight)
                ),
            ),
            (
                Mark::Band,
                css(GREEN),
                lang.event_name(EventKind::Nod).into(),
            ),
            (Mark::Band, css(RED), lang.text(Msg::PromptFailed).into()),
        ],
    })
}

/// Face and background brightness, with the too-dark line.
pub fn light(doc: &AnalysisDoc, lang: Lang) -> Option<Plot> {
    let face = segments(&doc.frames, |f| f.face_luma);
    let back = segments(&doc.frames, |f| f.background_luma);
    bounds(face.iter().chain(&back))?;
    let x = x_max(doc);
    let dark = crate::hints::light::TOO_DARK_LUMA as f64;
    let svg = chart(
        LINE_HEIGHT,
        x,
        (0.0, 255.0),
        lang,
        &|v| format!("{v:.0}"),
        |c| {
            dashed(c, x, dark, RED)?;
            lines(c, &back, GREY.stroke_width(2))?;
            lines(c, &face, BROWN.stroke_width(2))?;
            Ok(())
        },
    )?;
    Some(Plot {
        title: Msg::PlotLight,
        svg,
        legend: vec![
            (Mark::Line, css(BROWN), lang.text(Msg::LegFace).into()),
            (Mark::Line, css(GREY), lang.text(Msg::LegBackground).into()),
            (Mark::Dashed, css(RED), lang.text(Msg::LegTooDark).into()),
        ],
    })
}

/// Head speed, with the too-fast line.
pub fn speed(doc: &AnalysisDoc, lang: Lang) -> Option<Plot> {
    let s = segments(&doc.frames, |f| f.head_speed_deg_s);
    let (_, hi) = bounds(&s)?;
    let fast = crate::measure::quality::TOO_FAST_DEG_S as f64;
    let x = x_max(doc);
    let svg = chart(
        LINE_HEIGHT - 30,
        x,
        (0.0, (hi.max(fast) * 1.1).max(1.0)),
        lang,
        &|v| format!("{v:.0}"),
        |c| {
            dashed(c, x, fast, RED)?;
            lines(c, &s, PURPLE.stroke_width(2))?;
            Ok(())
        },
    )?;
    Some(Plot {
        title: Msg::PlotSpeed,
        svg,
        legend: vec![
            (Mark::Line, css(PURPLE), lang.text(Msg::LegSpeed).into()),
            (Mark::Dashed, css(RED), lang.text(Msg::LegTooFast).into()),
        ],
    })
}

/// One row per problem raised, a band over each stretch it lasted.
pub fn hints(doc: &AnalysisDoc, lang: Lang) -> Option<Plot> {
    let codes: Vec<HintCode> = HintCode::ALL
        .into_iter()
        .filter(|c| doc.issues.iter().any(|i| i.span.code == *c))
        .collect();
    if codes.is_empty() || doc.frames.is_empty() {
        return None;
    }
    let rows = codes.len() as f64;
    let x = x_max(doc);
    let height = 16 + BOTTOM + 26 * codes.len() as u32;
    let svg = chart(height, x, (0.0, rows), lang, &|_| String::new(), |c| {
        for (i, code) in codes.iter().enumerate() {
            let top = rows - i as f64;
            let color = if super::verdict::blocking(*code) {
                RED
            } else {
                GREY
            };
            band(c, (0.0, x), (top - 0.92, top - 0.08), GREY, 0.07)?;
            for s in doc.issues.iter().filter(|s| s.span.code == *code) {
                let end =
                    s.span.end_s + doc.input.fps.filter(|f| *f > 0.0).map_or(0.0, |f| 1.0 / f);
                band(
                    c,
                    (s.span.start_s, end),
                    (top - 0.92, top - 0.08),
                    color,
                    0.45,
                )?;
            }
            let (m, _) = code.messages();
            label(
                c,
                &format!("{} ({})", lang.text(m), code.code()),
                (x * 0.004, top - 0.22),
                RGBColor(30, 30, 30),
            )?;
        }
        Ok(())
    })?;
    Some(Plot {
        title: Msg::PlotHints,
        svg,
        legend: Vec::new(),
    })
}

/// Every plot there is data for, in page order.
pub fn all(doc: &AnalysisDoc, movements: &[Movement], lang: Lang) -> Vec<Plot> {
    [
        eyes(doc, lang),
        head(doc, movements, lang),
        light(doc, lang),
        speed(doc, lang),
        hints(doc, lang),
    ]
    .into_iter()
    .flatten()
    .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::testdoc::{facing, turning};

    fn points_in(svg: &str) -> usize {
        svg.split("<polyline")
            .skip(1)
            .filter_map(|p| p.split("points=\"").nth(1))
            .filter_map(|p| p.split('"').next())
            .map(|p| p.split_whitespace().count())
            .max()
            .unwrap_or(0)
    }

    #[test]
    fn every_plot_has_real_lines() {
        let mut doc = turning(200, 2.0, 1.5, 12.0);
        doc.issues = vec![crate::report::json::IssueEntry::from(
            &crate::record::HintSpan {
                code: HintCode::TooDark,
                start_frame: 10,
                end_frame: 90,
                start_s: 0.33,
                end_s: 3.0,
                value: 40.0,
                parts: Vec::new(),
            },
        )];
        let r = crate::report::prompts::replay(&doc);
        let plots = all(&doc, &r.movements, Lang::En);
        assert_eq!(plots.len(), 5);
        for p in &plots[..4] {
            assert!(points_in(&p.svg) > 100, "{:?}: {}", p.title, &p.svg[..200]);
            assert!(
                p.svg.starts_with("<svg viewBox=\"0 0 960 "),
                "{}",
                &p.svg[..80]
            );
            assert!(!p.svg.contains("http"), "{:?}", p.title);
            assert!(!p.svg.contains("NaN"), "{:?}", p.title);
        }
        assert!(plots[4].svg.contains("<rect") && plots[4].svg.contains("too_dark"));
        // The turn is drawn as a band with its name.
        assert!(plots[1].svg.contains("turn left"));
        let zh = head(&doc, &r.movements, Lang::Zh).expect("plot");
        assert!(zh.svg.contains("向左转头"));
    }

    #[test]
    fn missing_values_break_lines_and_nothing_is_nan() {
        let mut doc = facing(90);
        for f in &mut doc.frames[30..40] {
            f.face = false;
            f.eye_open_left = None;
            f.yaw_deg = Some(f32::NAN);
        }
        assert_eq!(segments(&doc.frames, |f| f.eye_open_left).len(), 2);
        assert_eq!(segments(&doc.frames, |f| f.yaw_deg).len(), 2);
        for p in all(&doc, &[], Lang::En) {
            assert!(
                !p.svg.contains("NaN") && !p.svg.contains("inf"),
                "{:?}",
                p.title
            );
        }
        // No face at all: no value plots.
        for f in &mut doc.frames {
            *f = FrameRecord {
                index: f.index,
                time_s: f.time_s,
                ..Default::default()
            };
        }
        assert!(all(&doc, &[], Lang::En).is_empty());
        doc.frames.clear();
        assert!(all(&doc, &[], Lang::En).is_empty());
    }

    #[test]
    fn long_recordings_are_thinned_to_the_pixels() {
        let pts: Vec<(f64, f64)> = (0..20_000)
            .map(|i| (i as f64 / 30.0, (i % 17) as f64))
            .collect();
        let t = thin(pts);
        assert!(
            t.len() <= 2 * (WIDTH - LEFT - RIGHT) as usize + 2,
            "{}",
            t.len()
        );
        assert!(t.windows(2).all(|w| w[1].0 >= w[0].0));
        assert!(t.iter().any(|p| p.1 == 16.0) && t.iter().any(|p| p.1 == 0.0));
    }
}
