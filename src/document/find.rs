//! Where the document is in the picture: its four corners, found from its
//! sides around the text read on it.
//!
//! A card or passport page photographed on a table or held in a hand is a
//! quadrilateral whose sides are long straight edges, and the text the OCR
//! read lies inside it. The picture is shrunk to [`WORK_SIDE`], smoothed and
//! its edges found (Canny); straight lines among the edges are found with a
//! Hough transform. Lines running along the text (within
//! [`MAX_SIDE_TURN_DEG`]) above and below all of it are candidates for the
//! top and bottom sides, lines across it left and right of all of it for
//! the left and right sides; the picture's own borders are candidates too
//! (a document running off the picture, or a flat scan that is all
//! document). Every combination of the nearest candidates makes a
//! quadrilateral; each real side is scored by the share of it that lies on
//! edges ([`MIN_SIDE_SUPPORT`]), and the quadrilateral with the most, best
//! supported real sides wins (the tighter one on a tie). The winning sides
//! are refined by a least-squares fit to the edge pixels along them.
//!
//! Clutter (a table's edge, a keyboard, a cup) makes lines too, but rarely
//! four that enclose the text and meet in a document's shape.
//!
//! Pure: an RGB picture and the text boxes in, corners out. Measured in
//! docs/documents.md.

use image::{GrayImage, RgbImage};
use imageproc::distance_transform::Norm;
use imageproc::hough::{detect_lines, LineDetectionOptions};

/// The picture is searched at this longest side (pixels): a card's side is
/// a hundred pixels long even when the card is small, and the search costs
/// a few milliseconds.
pub const WORK_SIDE: u32 = 640;
/// Smoothing before edges (Gaussian sigma, work pixels): removes the fine
/// texture of wood, cloth and guilloche print, keeps a card's sides.
const SMOOTH_SIGMA: f32 = 1.5;
/// Canny hysteresis thresholds on the smoothed grey picture (gradient
/// magnitude).
const CANNY_LOW: f32 = 20.0;
const CANNY_HIGH: f32 = 50.0;
/// Edge pixels within this many pixels of a side count for it.
const SUPPORT_RADIUS: u8 = 2;
/// Hough votes (edge pixels on a line) a line needs, as a share of the
/// work picture's shorter side.
const MIN_VOTES_SHARE: f32 = 0.12;
/// Hough peaks closer than this (pixels and degrees) are one line.
const SUPPRESSION: u32 = 6;
/// A side runs within this many degrees of the text's direction (or of its
/// perpendicular): perspective turns a card's sides by less.
pub const MAX_SIDE_TURN_DEG: f32 = 25.0;
/// Per side, only this many candidate lines nearest the text are combined.
const LINES_PER_SIDE: usize = 7;
/// A real side must lie on edges over at least this share of its length.
pub const MIN_SIDE_SUPPORT: f64 = 0.55;
/// A picture's border as a side scores as a real side with this support
/// (less than a seen side: a side seen is better evidence than none).
const BORDER_SIDE_SCORE: f64 = 0.35;
/// Opposite sides of a document differ by at most this factor even under
/// strong perspective.
const MAX_SIDE_RATIO: f64 = 2.5;
/// Candidates longer than this aspect are strips, not documents (ID-1 is
/// 1.59, a passport page 1.42, a licence 1.59).
const MAX_ASPECT: f64 = 3.2;

/// A document outline found in the picture.
#[derive(Clone, Debug, PartialEq)]
pub struct Outline {
    /// Corners clockwise from the top left, in picture pixels (may lie
    /// outside the picture when the document is cut off).
    pub corners: [[f32; 2]; 4],
    /// Mean edge support of the sides seen (0-1).
    pub support: f64,
    /// How many of the four sides are the picture's border (the document
    /// goes on beyond it, or the picture is a scan of it).
    pub border_sides: usize,
    /// The outline runs along the picture's border over this share of its
    /// perimeter.
    pub on_border: f64,
}

/// The best quadrilateral so far.
struct Pick {
    score: f64,
    area: f64,
    corners: [[f32; 2]; 4],
    lines: [Line; 4],
    support: f64,
    border_sides: usize,
}

/// A line `x cos(a) + y sin(a) = r` (work pixels), or a picture border.
#[derive(Clone, Copy, Debug)]
struct Line {
    a: f32,
    r: f32,
    border: bool,
}

impl Line {
    fn dist(&self, p: [f32; 2]) -> f32 {
        p[0] * self.a.cos() + p[1] * self.a.sin() - self.r
    }
    fn meet(&self, o: &Line) -> Option<[f32; 2]> {
        let (c1, s1, c2, s2) = (self.a.cos(), self.a.sin(), o.a.cos(), o.a.sin());
        let det = c1 * s2 - s1 * c2;
        if det.abs() < 1e-3 {
            return None;
        }
        Some([
            (self.r * s2 - o.r * s1) / det,
            (c1 * o.r - c2 * self.r) / det,
        ])
    }
}

/// The document's outline around `text` (the text boxes' corners, picture
/// pixels), or `None` when no quadrilateral with at least one seen side
/// encloses it.
pub fn find(img: &RgbImage, text: &[[f32; 2]]) -> Option<Outline> {
    let (w, h) = img.dimensions();
    if w < 16 || h < 16 || text.is_empty() {
        return None;
    }
    let scale = (WORK_SIDE as f32 / w.max(h) as f32).min(1.0);
    let (sw, sh) = (
        ((w as f32 * scale).round() as u32).max(1),
        ((h as f32 * scale).round() as u32).max(1),
    );
    let grey = image::imageops::grayscale(img);
    let small = if scale < 1.0 {
        image::imageops::resize(&grey, sw, sh, image::imageops::FilterType::Triangle)
    } else {
        grey
    };
    let smooth = imageproc::filter::gaussian_blur_f32(&stretch(&small), SMOOTH_SIGMA);
    let edges = imageproc::edges::canny(&smooth, CANNY_LOW, CANNY_HIGH);
    let near = imageproc::morphology::dilate(&edges, Norm::LInf, SUPPORT_RADIUS);
    let text: Vec<[f32; 2]> = text.iter().map(|p| [p[0] * scale, p[1] * scale]).collect();
    let dir = text_direction(&text);
    let votes = ((sw.min(sh) as f32 * MIN_VOTES_SHARE) as u32).max(12);
    let lines: Vec<Line> = detect_lines(
        &edges,
        LineDetectionOptions {
            vote_threshold: votes,
            suppression_radius: SUPPRESSION,
        },
    )
    .into_iter()
    .map(|l| Line {
        a: (l.angle_in_degrees as f32).to_radians(),
        r: l.r,
        border: false,
    })
    .collect();
    let (fw, fh) = (sw as f32, sh as f32);
    let borders = [
        Line {
            a: std::f32::consts::FRAC_PI_2,
            r: 0.0,
            border: true,
        },
        Line {
            a: 0.0,
            r: fw,
            border: true,
        },
        Line {
            a: std::f32::consts::FRAC_PI_2,
            r: fh,
            border: true,
        },
        Line {
            a: 0.0,
            r: 0.0,
            border: true,
        },
    ];
    // Sides in the text's frame: top, right, bottom, left.
    let (ux, uy) = (dir.cos(), dir.sin());
    let outward = [[uy, -ux], [ux, uy], [-uy, ux], [-ux, -uy]];
    let mut sides: Vec<Vec<(f32, Line)>> = vec![Vec::new(); 4];
    for (k, out) in outward.iter().enumerate() {
        for l in &lines {
            // The line's normal within the turn limit of this side's.
            let (nx, ny) = (l.a.cos(), l.a.sin());
            let cos = nx * out[0] + ny * out[1];
            if cos.abs() < MAX_SIDE_TURN_DEG.to_radians().cos() {
                continue;
            }
            let sign = cos.signum();
            // Every text point on the inner side, by how far.
            let gap = text
                .iter()
                .map(|&p| -sign * l.dist(p))
                .fold(f32::MAX, f32::min);
            if gap > 0.0 {
                sides[k].push((gap, *l));
            }
        }
        sides[k].sort_by(|a, b| a.0.total_cmp(&b.0));
        sides[k].truncate(LINES_PER_SIDE);
        // The picture's border on this side: the one the outward direction
        // points to most.
        let b = borders
            .iter()
            .max_by(|a, b| {
                let da = border_facing(a, fw, fh, out);
                let db = border_facing(b, fw, fh, out);
                da.total_cmp(&db)
            })
            .copied();
        if let Some(b) = b {
            sides[k].push((f32::MAX, b));
        }
    }
    let mut best: Option<Pick> = None;
    for t in &sides[0] {
        for r in &sides[1] {
            for b in &sides[2] {
                for l in &sides[3] {
                    let ls = [t.1, r.1, b.1, l.1];
                    let Some(q) = corners_of(&ls) else { continue };
                    if !plausible(&q) || !text.iter().all(|&p| inside(&q, p)) {
                        continue;
                    }
                    let mut score = 0.0;
                    let mut seen = 0.0;
                    let mut n_seen = 0usize;
                    let mut ok = true;
                    for i in 0..4 {
                        if ls[i].border {
                            score += BORDER_SIDE_SCORE;
                            continue;
                        }
                        let s = support(q[i], q[(i + 1) % 4], &near);
                        if s < MIN_SIDE_SUPPORT {
                            ok = false;
                            break;
                        }
                        score += s;
                        seen += s;
                        n_seen += 1;
                    }
                    if !ok || n_seen == 0 {
                        continue;
                    }
                    let area = quad_area(&q);
                    let better = best.as_ref().is_none_or(|b| {
                        score > b.score + 1e-9 || ((score - b.score).abs() <= 1e-9 && area < b.area)
                    });
                    if better {
                        best = Some(Pick {
                            score,
                            area,
                            corners: q,
                            lines: ls,
                            support: seen / n_seen as f64,
                            border_sides: 4 - n_seen,
                        });
                    }
                }
            }
        }
    }
    let Pick {
        corners: q,
        lines: ls,
        support,
        border_sides,
        ..
    } = best?;
    let refined = refine(&ls, &edges)
        .and_then(|r| corners_of(&r))
        .filter(plausible);
    let q = refined.unwrap_or(q);
    let inv = 1.0 / scale;
    let corners = q.map(|[x, y]| [x * inv, y * inv]);
    Some(Outline {
        corners,
        support,
        border_sides,
        on_border: border_share(&corners, w, h),
    })
}

/// The grey picture's contrast stretched so that its 1st and 99th
/// percentiles become 0 and 255: a dark room's card has the same edges as
/// a bright one's (the Canny thresholds are absolute).
fn stretch(g: &GrayImage) -> GrayImage {
    let mut hist = [0u64; 256];
    for p in g.pixels() {
        hist[p[0] as usize] += 1;
    }
    let n = g.width() as u64 * g.height() as u64;
    let at = |q: f64| {
        let target = (q * n as f64) as u64;
        let mut acc = 0;
        for (v, &c) in hist.iter().enumerate() {
            acc += c;
            if acc > target {
                return v as f32;
            }
        }
        255.0
    };
    let (lo, hi) = (at(0.01), at(0.99));
    if hi - lo < 8.0 {
        return g.clone();
    }
    let k = 255.0 / (hi - lo);
    GrayImage::from_fn(g.width(), g.height(), |x, y| {
        image::Luma([((g.get_pixel(x, y)[0] as f32 - lo) * k).clamp(0.0, 255.0) as u8])
    })
}

/// How squarely a border faces the outward direction `out` (the larger,
/// the better it is that side's border).
fn border_facing(b: &Line, _w: f32, _h: f32, out: &[f32; 2]) -> f32 {
    // A border's outward normal: top (0,-1), right (1,0), bottom (0,1),
    // left (-1,0); the borders are given in that order with r telling them
    // apart.
    let n = if b.a == 0.0 {
        if b.r > 0.0 {
            [1.0, 0.0]
        } else {
            [-1.0, 0.0]
        }
    } else if b.r > 0.0 {
        [0.0, 1.0]
    } else {
        [0.0, -1.0]
    };
    n[0] * out[0] + n[1] * out[1]
}

/// The text's direction (radians, -45 to 45 degrees from the x axis): the
/// long axis of the text points' spread.
fn text_direction(text: &[[f32; 2]]) -> f32 {
    let n = text.len() as f32;
    let cx = text.iter().map(|p| p[0]).sum::<f32>() / n;
    let cy = text.iter().map(|p| p[1]).sum::<f32>() / n;
    let (mut sxx, mut syy, mut sxy) = (0.0, 0.0, 0.0);
    for p in text {
        let (dx, dy) = (p[0] - cx, p[1] - cy);
        sxx += dx * dx;
        syy += dy * dy;
        sxy += dx * dy;
    }
    let a = 0.5 * (2.0 * sxy).atan2(sxx - syy);
    // Text is read left to right: fold to within 45 degrees of horizontal.
    let q = std::f32::consts::FRAC_PI_2;
    if a > q / 2.0 {
        a - q
    } else if a < -q / 2.0 {
        a + q
    } else {
        a
    }
}

/// Corners of four lines taken as top, right, bottom, left.
fn corners_of(ls: &[Line; 4]) -> Option<[[f32; 2]; 4]> {
    Some([
        ls[0].meet(&ls[3])?,
        ls[0].meet(&ls[1])?,
        ls[2].meet(&ls[1])?,
        ls[2].meet(&ls[3])?,
    ])
}

/// Share of the segment a-b on (dilated) edges; points outside the picture
/// count as unsupported.
fn support(a: [f32; 2], b: [f32; 2], near: &GrayImage) -> f64 {
    let (w, h) = near.dimensions();
    let steps = (dist(a, b) as usize).max(1);
    let mut on = 0;
    for s in 0..steps {
        let t = (s as f32 + 0.5) / steps as f32;
        let x = a[0] + (b[0] - a[0]) * t;
        let y = a[1] + (b[1] - a[1]) * t;
        if x >= 0.0
            && y >= 0.0
            && (x as u32) < w
            && (y as u32) < h
            && near.get_pixel(x as u32, y as u32)[0] > 0
        {
            on += 1;
        }
    }
    on as f64 / steps as f64
}

/// Each seen line fitted again, by least squares, to the edge pixels within
/// the support radius of it between its neighbours.
fn refine(ls: &[Line; 4], edges: &GrayImage) -> Option<[Line; 4]> {
    let q = corners_of(ls)?;
    let mut out = *ls;
    let (w, h) = edges.dimensions();
    for i in 0..4 {
        if ls[i].border {
            continue;
        }
        // Side k runs from corner k to corner k+1 (top, right, bottom,
        // left from the top-left corner).
        let (p0, p1) = (q[i], q[(i + 1) % 4]);
        let (mut pts, r) = (Vec::new(), SUPPORT_RADIUS as f32 + 0.5);
        let steps = (dist(p0, p1) as usize).max(1);
        // Leave the ends out: corners are rounded on cards.
        for s in steps / 10..steps - steps / 10 {
            let t = s as f32 / steps as f32;
            let c = [p0[0] + (p1[0] - p0[0]) * t, p0[1] + (p1[1] - p0[1]) * t];
            let (nx, ny) = (ls[i].a.cos(), ls[i].a.sin());
            let mut k = -r;
            while k <= r {
                let (x, y) = (c[0] + nx * k, c[1] + ny * k);
                if x >= 0.0
                    && y >= 0.0
                    && (x as u32) < w
                    && (y as u32) < h
                    && edges.get_pixel(x as u32, y as u32)[0] > 0
                {
                    pts.push([x.floor() + 0.5, y.floor() + 0.5]);
                }
                k += 1.0;
            }
        }
        if pts.len() < 10 {
            continue;
        }
        // Total least squares: the normal is the spread's minor axis.
        let n = pts.len() as f32;
        let cx = pts.iter().map(|p| p[0]).sum::<f32>() / n;
        let cy = pts.iter().map(|p| p[1]).sum::<f32>() / n;
        let (mut sxx, mut syy, mut sxy) = (0.0, 0.0, 0.0);
        for p in &pts {
            let (dx, dy) = (p[0] - cx, p[1] - cy);
            sxx += dx * dx;
            syy += dy * dy;
            sxy += dx * dy;
        }
        let major = 0.5 * (2.0 * sxy).atan2(sxx - syy);
        let a = major + std::f32::consts::FRAC_PI_2;
        // Keep the normal's sense close to the old one.
        let a = if (a - ls[i].a).cos() < 0.0 {
            a + std::f32::consts::PI
        } else {
            a
        };
        if (a - ls[i].a).cos() < 3f32.to_radians().cos() {
            continue;
        }
        out[i] = Line {
            a,
            r: cx * a.cos() + cy * a.sin(),
            border: false,
        };
    }
    Some(out)
}

/// Share of the outline's perimeter within 2 pixels of the picture's
/// border or beyond it.
fn border_share(q: &[[f32; 2]; 4], w: u32, h: u32) -> f64 {
    let (mut n, mut on) = (0usize, 0usize);
    let m = 2.0;
    for i in 0..4 {
        let (a, b) = (q[i], q[(i + 1) % 4]);
        let steps = (dist(a, b) as usize).max(1);
        for s in 0..steps {
            let t = s as f32 / steps as f32;
            let x = a[0] + (b[0] - a[0]) * t;
            let y = a[1] + (b[1] - a[1]) * t;
            n += 1;
            if x <= m || y <= m || x >= w as f32 - m || y >= h as f32 - m {
                on += 1;
            }
        }
    }
    on as f64 / n.max(1) as f64
}

/// Convex, not a strip, opposite sides alike.
fn plausible(q: &[[f32; 2]; 4]) -> bool {
    let side = |i: usize| dist(q[i], q[(i + 1) % 4]);
    let (a, b, c, d) = (side(0), side(1), side(2), side(3));
    if a.min(b).min(c).min(d) < 8.0 {
        return false;
    }
    let ratio = |x: f64, y: f64| x.max(y) / x.min(y);
    if ratio(a, c) > MAX_SIDE_RATIO || ratio(b, d) > MAX_SIDE_RATIO {
        return false;
    }
    if ratio((a + c) / 2.0, (b + d) / 2.0) > MAX_ASPECT {
        return false;
    }
    let cross = |i: usize| {
        let (p, q1, r) = (q[i], q[(i + 1) % 4], q[(i + 2) % 4]);
        (q1[0] - p[0]) as f64 * (r[1] - q1[1]) as f64
            - (q1[1] - p[1]) as f64 * (r[0] - q1[0]) as f64
    };
    (0..4).all(|i| cross(i) > 0.0)
}

/// Inside a convex quadrilateral given clockwise on screen (y down).
pub fn inside(q: &[[f32; 2]; 4], p: [f32; 2]) -> bool {
    (0..4).all(|i| {
        let (a, b) = (q[i], q[(i + 1) % 4]);
        (b[0] - a[0]) * (p[1] - a[1]) - (b[1] - a[1]) * (p[0] - a[0]) >= 0.0
    })
}

fn dist(a: [f32; 2], b: [f32; 2]) -> f64 {
    ((a[0] - b[0]) as f64).hypot((a[1] - b[1]) as f64)
}

/// Area of a quadrilateral (shoelace).
pub fn quad_area(q: &[[f32; 2]; 4]) -> f64 {
    let mut s = 0.0;
    for i in 0..4 {
        let (a, b) = (q[i], q[(i + 1) % 4]);
        s += a[0] as f64 * b[1] as f64 - b[0] as f64 * a[1] as f64;
    }
    (s / 2.0).abs()
}

/// Mean distance between matching corners (pixels): the finder's error
/// against a known outline.
pub fn corner_error(a: &[[f32; 2]; 4], b: &[[f32; 2]; 4]) -> f64 {
    (0..4).map(|i| dist(a[i], b[i])).sum::<f64>() / 4.0
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::Rgb;

    /// A light card with dark print, rotated, on a dark mottled table.
    /// Print only where the text is (the middle half, see [`text_in`]),
    /// as the OCR would report it.
    fn card_on_table(w: u32, h: u32, q: [[f32; 2]; 4]) -> RgbImage {
        let t = text_in(&q);
        let text = [t[0], t[1], t[2], t[3]];
        let mut img = RgbImage::from_fn(w, h, |x, y| {
            let n = ((x * 7 + y * 13) % 23) as u8;
            Rgb([60 + n, 45 + n, 30 + n])
        });
        for y in 0..h {
            for x in 0..w {
                let p = [x as f32 + 0.5, y as f32 + 0.5];
                if inside(&q, p) {
                    let ink = (y / 9) % 3 == 0 && (x / 5) % 2 == 0 && inside(&text, p);
                    img.put_pixel(
                        x,
                        y,
                        if ink {
                            Rgb([40, 40, 60])
                        } else {
                            Rgb([225, 220, 205])
                        },
                    );
                }
            }
        }
        img
    }

    /// Text corners well inside a card: its middle half.
    fn text_in(q: &[[f32; 2]; 4]) -> Vec<[f32; 2]> {
        let c = [
            q.iter().map(|p| p[0]).sum::<f32>() / 4.0,
            q.iter().map(|p| p[1]).sum::<f32>() / 4.0,
        ];
        q.iter()
            .map(|p| [c[0] + (p[0] - c[0]) * 0.5, c[1] + (p[1] - c[1]) * 0.5])
            .collect()
    }

    #[test]
    fn a_tilted_card_on_a_table_is_found_to_a_few_pixels() {
        let q = [
            [180.0, 120.0],
            [520.0, 160.0],
            [490.0, 380.0],
            [150.0, 340.0],
        ];
        let img = card_on_table(640, 480, q);
        let o = find(&img, &text_in(&q)).expect("found");
        assert!(corner_error(&o.corners, &q) < 3.0, "{:?}", o.corners);
        assert_eq!(o.border_sides, 0);
        assert!(o.on_border < 0.01);
    }

    #[test]
    fn corners_are_found_at_full_resolution_too() {
        // 1280 wide: searched at half size, corners scaled back.
        let q = [
            [300.0, 200.0],
            [1000.0, 260.0],
            [980.0, 700.0],
            [280.0, 660.0],
        ];
        let img = card_on_table(1280, 960, q);
        let o = find(&img, &text_in(&q)).expect("found");
        assert!(corner_error(&o.corners, &q) < 5.0, "{:?}", o.corners);
    }

    #[test]
    fn a_card_running_off_the_picture_touches_the_border() {
        let q = [
            [380.0, 100.0],
            [760.0, 140.0],
            [730.0, 380.0],
            [350.0, 340.0],
        ];
        let img = card_on_table(640, 480, q);
        let o = find(
            &img,
            &text_in(&[q[0], [639.0, 130.0], [639.0, 370.0], q[3]]),
        )
        .expect("found");
        assert_eq!(o.border_sides, 1, "{o:?}");
        assert!(o.on_border > 0.05, "{o:?}");
    }

    #[test]
    fn a_plain_picture_has_no_outline() {
        let img = RgbImage::from_pixel(640, 480, Rgb([128, 128, 128]));
        let text = [
            [300.0, 200.0],
            [340.0, 200.0],
            [340.0, 220.0],
            [300.0, 220.0],
        ];
        assert_eq!(find(&img, &text), None);
        assert_eq!(find(&RgbImage::new(3, 3), &text), None);
        assert_eq!(find(&img, &[]), None);
    }
}
