//! Rotated square regions of a frame, and the affine maps that crop them.

/// A rotated square in frame pixels: centre, side length and the angle (radians,
/// clockwise in image coordinates) of its x axis. Cropping it yields an upright
/// face (or eye) for the models.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Roi {
    pub cx: f32,
    pub cy: f32,
    pub size: f32,
    pub angle: f32,
}

impl Roi {
    /// Maps a point given in crop units (0..1 across the square) to frame pixels.
    #[inline]
    pub fn to_frame(&self, s: f32, t: f32) -> [f32; 2] {
        let (sin, cos) = self.angle.sin_cos();
        let (x, y) = ((s - 0.5) * self.size, (t - 0.5) * self.size);
        [self.cx + x * cos - y * sin, self.cy + x * sin + y * cos]
    }

    /// Maps a frame point into crop units (inverse of [`Roi::to_frame`]).
    #[inline]
    pub fn to_crop(&self, x: f32, y: f32) -> [f32; 2] {
        let (sin, cos) = self.angle.sin_cos();
        let (dx, dy) = (x - self.cx, y - self.cy);
        [
            (dx * cos + dy * sin) / self.size + 0.5,
            (-dx * sin + dy * cos) / self.size + 0.5,
        ]
    }

    /// The square that letterboxes a whole `w`x`h` frame.
    pub fn letterbox(w: u32, h: u32) -> Roi {
        Roi {
            cx: w as f32 / 2.0,
            cy: h as f32 / 2.0,
            size: w.max(h) as f32,
            angle: 0.0,
        }
    }

    /// Whether every number is finite and the square has a positive size.
    pub fn is_valid(&self) -> bool {
        self.cx.is_finite()
            && self.cy.is_finite()
            && self.angle.is_finite()
            && self.size.is_finite()
            && self.size > 1.0
    }
}

/// Whether `p` lies inside the polygon `poly` (ray crossing); false for an
/// empty polygon.
pub fn inside(poly: &[[f32; 2]], p: [f32; 2]) -> bool {
    let Some(&last) = poly.last() else {
        return false;
    };
    let (mut c, mut b) = (false, last);
    for &a in poly {
        if (a[1] > p[1]) != (b[1] > p[1])
            && p[0] < (b[0] - a[0]) * (p[1] - a[1]) / (b[1] - a[1]) + a[0]
        {
            c = !c;
        }
        b = a;
    }
    c
}

/// Where the edges of `poly` cross the row at height `y`, for many
/// [`inside`] tests along one row ([`inside_row`]): the same crossings,
/// computed once per row, with the same arithmetic (so the same answers).
pub fn row_crossings(poly: &[[f32; 2]], y: f32, out: &mut Vec<f32>) {
    out.clear();
    let Some(&last) = poly.last() else {
        return;
    };
    let mut b = last;
    for &a in poly {
        if (a[1] > y) != (b[1] > y) {
            out.push((b[0] - a[0]) * (y - a[1]) / (b[1] - a[1]) + a[0]);
        }
        b = a;
    }
}

/// [`inside`] for a point at `x` on the row whose [`row_crossings`] these are.
pub fn inside_row(crossings: &[f32], x: f32) -> bool {
    crossings.iter().filter(|&&c| x < c).count() % 2 == 1
}

/// The axis-aligned bounds (x0, y0, x1, y1) of `points`; `None` when empty.
pub fn bounds(points: impl Iterator<Item = [f32; 2]>) -> Option<[f32; 4]> {
    let b = points.fold([f32::MAX, f32::MAX, f32::MIN, f32::MIN], |b, [x, y]| {
        [b[0].min(x), b[1].min(y), b[2].max(x), b[3].max(y)]
    });
    (b[0] <= b[2]).then_some(b)
}

/// The tightest rotated square around `points`, aligned with `angle`, grown
/// by `scale` (MediaPipe's "square_long" rectangle transformation).
pub fn roi_around(points: impl Iterator<Item = [f32; 2]>, angle: f32, scale: f32) -> Option<Roi> {
    let (sin, cos) = angle.sin_cos();
    // Bounds in the square's own (rotated) axes.
    let [lo_u, lo_v, hi_u, hi_v] =
        bounds(points.map(|[x, y]| [x * cos + y * sin, -x * sin + y * cos]))?;
    let (mu, mv) = ((lo_u + hi_u) / 2.0, (lo_v + hi_v) / 2.0);
    let roi = Roi {
        cx: mu * cos - mv * sin,
        cy: mu * sin + mv * cos,
        size: (hi_u - lo_u).max(hi_v - lo_v) * scale,
        angle,
    };
    roi.is_valid().then_some(roi)
}

/// Angle of the line from `a` to `b` (radians, image coordinates).
#[inline]
pub fn angle_of(a: [f32; 2], b: [f32; 2]) -> f32 {
    (b[1] - a[1]).atan2(b[0] - a[0])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn row_crossings_answer_as_inside_does() {
        // A concave, slanted polygon and points on a fine grid, on its
        // vertices' heights too.
        let poly = [
            [10.0, 5.0],
            [60.0, 12.5],
            [35.0, 30.0],
            [70.0, 55.0],
            [12.0, 48.0],
            [25.0, 30.0],
        ];
        let mut row = Vec::new();
        let mut inside_n = 0;
        for yi in 0..130 {
            let y = yi as f32 * 0.5;
            row_crossings(&poly, y, &mut row);
            for xi in 0..160 {
                let x = xi as f32 * 0.5 + 0.25;
                assert_eq!(inside_row(&row, x), inside(&poly, [x, y]), "({x}, {y})");
                inside_n += usize::from(inside(&poly, [x, y]));
            }
        }
        assert!(inside_n > 1000, "{inside_n}");
        row_crossings(&[], 3.0, &mut row);
        assert!(!inside_row(&row, 1.0));
    }

    #[test]
    fn to_frame_and_back() {
        let roi = Roi {
            cx: 100.0,
            cy: 50.0,
            size: 40.0,
            angle: 0.3,
        };
        let p = roi.to_frame(0.2, 0.9);
        let q = roi.to_crop(p[0], p[1]);
        assert!((q[0] - 0.2).abs() < 1e-5 && (q[1] - 0.9).abs() < 1e-5);
        assert_eq!(roi.to_frame(0.5, 0.5), [100.0, 50.0]);
    }

    #[test]
    fn rotated_square_contains_its_points() {
        let pts = [[10.0, 10.0], [30.0, 14.0], [20.0, 40.0]];
        let roi = roi_around(pts.iter().copied(), 0.2, 1.0).unwrap();
        for p in pts {
            let [s, t] = roi.to_crop(p[0], p[1]);
            assert!(
                (-1e-4..=1.0001).contains(&s) && (-1e-4..=1.0001).contains(&t),
                "{s} {t}"
            );
        }
        assert!(roi_around(std::iter::empty(), 0.0, 1.5).is_none());
    }
}
