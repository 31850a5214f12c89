//! Drawing primitives on a minifb buffer (`0x00RRGGBB`, row-major), all
//! clipped to the buffer: no coordinate can make them panic.

use crate::frame::Frame;

/// A buffer and its size.
pub struct Canvas<'a> {
    pub buf: &'a mut [u32],
    pub width: usize,
    pub height: usize,
}

pub fn rgb(r: u8, g: u8, b: u8) -> u32 {
    ((r as u32) << 16) | ((g as u32) << 8) | b as u32
}

/// `a` over `b` with opacity `alpha` (0-255).
pub fn blend(b: u32, a: u32, alpha: u32) -> u32 {
    let mix = |s: u32| {
        let (x, y) = ((a >> s) & 0xff, (b >> s) & 0xff);
        ((x * alpha + y * (255 - alpha)) / 255) << s
    };
    mix(16) | mix(8) | mix(0)
}

impl Canvas<'_> {
    fn ok(&self) -> bool {
        self.buf.len() >= self.width * self.height
    }

    /// Blends `color` at (x, y) with opacity `alpha`.
    pub fn put(&mut self, x: i32, y: i32, color: u32, alpha: u32) {
        if x < 0 || y < 0 || !self.ok() {
            return;
        }
        let (x, y) = (x as usize, y as usize);
        if x < self.width && y < self.height {
            let p = &mut self.buf[y * self.width + x];
            *p = if alpha >= 255 {
                color
            } else {
                blend(*p, color, alpha)
            };
        }
    }

    pub fn fill(&mut self, color: u32) {
        self.buf.iter_mut().for_each(|p| *p = color);
    }

    /// Every pixel outside the ellipse at `c` with radii `r` set to `color`.
    pub fn fill_outside_ellipse(&mut self, c: (f32, f32), r: (f32, f32), color: u32) {
        if !self.ok() {
            return;
        }
        let (rx, ry) = (r.0.max(1.0), r.1.max(1.0));
        for y in 0..self.height {
            let dy = (y as f32 + 0.5 - c.1) / ry;
            let row = &mut self.buf[y * self.width..(y + 1) * self.width];
            if dy.abs() >= 1.0 {
                row.iter_mut().for_each(|p| *p = color);
                continue;
            }
            // Inside from x0 to x1 on this row.
            let half = rx * (1.0 - dy * dy).sqrt();
            let x0 = (c.0 - half).round().clamp(0.0, self.width as f32) as usize;
            let x1 = (c.0 + half).round().clamp(0.0, self.width as f32) as usize;
            row[..x0].iter_mut().for_each(|p| *p = color);
            row[x1.max(x0)..].iter_mut().for_each(|p| *p = color);
        }
    }

    /// A rectangle, blended with opacity `alpha`.
    pub fn rect(&mut self, x: i32, y: i32, w: i32, h: i32, color: u32, alpha: u32) {
        if !self.ok() {
            return;
        }
        let x0 = x.clamp(0, self.width as i32) as usize;
        let x1 = x.saturating_add(w).clamp(0, self.width as i32) as usize;
        let y0 = y.clamp(0, self.height as i32) as usize;
        let y1 = y.saturating_add(h).clamp(0, self.height as i32) as usize;
        for row in y0..y1 {
            for p in &mut self.buf[row * self.width + x0..row * self.width + x1] {
                *p = if alpha >= 255 {
                    color
                } else {
                    blend(*p, color, alpha)
                };
            }
        }
    }

    /// A line from `a` to `b`, `width` pixels wide (discs a pixel apart).
    pub fn line(&mut self, a: (f32, f32), b: (f32, f32), width: f32, color: u32, alpha: u32) {
        let (dx, dy) = (b.0 - a.0, b.1 - a.1);
        let len = (dx * dx + dy * dy).sqrt();
        if !len.is_finite() || len > 1e5 {
            return;
        }
        let n = len.ceil().max(1.0) as usize;
        for i in 0..=n {
            let t = i as f32 / n as f32;
            self.disc(a.0 + dx * t, a.1 + dy * t, width / 2.0, color, alpha);
        }
    }

    /// A filled disc.
    pub fn disc(&mut self, cx: f32, cy: f32, r: f32, color: u32, alpha: u32) {
        if !(cx.is_finite() && cy.is_finite() && r.is_finite()) {
            return;
        }
        let ri = r.ceil() as i32;
        let (ix, iy) = (cx.round() as i32, cy.round() as i32);
        for dy in -ri..=ri {
            for dx in -ri..=ri {
                if ((dx * dx + dy * dy) as f32) <= r * r {
                    self.put(ix.saturating_add(dx), iy.saturating_add(dy), color, alpha);
                }
            }
        }
    }

    /// Part of an upright ellipse's outline, `thickness` pixels wide, from
    /// fraction `from` to `to` of the way round, clockwise from the top.
    #[allow(clippy::too_many_arguments)]
    pub fn ellipse_arc(
        &mut self,
        c: (f32, f32),
        r: (f32, f32),
        thickness: f32,
        from: f32,
        to: f32,
        color: u32,
        alpha: u32,
    ) {
        let perimeter = std::f32::consts::TAU * ((r.0 * r.0 + r.1 * r.1) / 2.0).sqrt();
        if !(perimeter.is_finite() && perimeter > 0.0) {
            return;
        }
        let steps = ((perimeter * (to - from).abs()) / (thickness * 0.4).max(1.0))
            .clamp(1.0, 20_000.0) as usize;
        for i in 0..=steps {
            let f = from + (to - from) * i as f32 / steps as f32;
            let a = f * std::f32::consts::TAU;
            let (x, y) = (c.0 + r.0 * a.sin(), c.1 - r.1 * a.cos());
            self.disc(x, y, thickness / 2.0, color, alpha);
        }
    }
}

/// Where a frame is shown: scale and offset, mirrored left-right.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Placement {
    pub scale: f32,
    pub x: f32,
    pub y: f32,
    pub frame_width: u32,
}

impl Placement {
    /// Fits a `fw` x `fh` frame into a `w` x `h` canvas, centred.
    pub fn fit(fw: u32, fh: u32, w: usize, h: usize) -> Placement {
        let scale = (w as f32 / fw.max(1) as f32).min(h as f32 / fh.max(1) as f32);
        Placement {
            scale,
            x: (w as f32 - fw as f32 * scale) / 2.0,
            y: (h as f32 - fh as f32 * scale) / 2.0,
            frame_width: fw,
        }
    }

    /// A frame point on the canvas (mirrored, as every check shows it).
    pub fn map(&self, x: f32, y: f32) -> (f32, f32) {
        (
            self.x + (self.frame_width as f32 - x) * self.scale,
            self.y + y * self.scale,
        )
    }

    /// A frame point on the canvas, not mirrored (a document's text must
    /// read the right way round).
    pub fn map_plain(&self, x: f32, y: f32) -> (f32, f32) {
        (self.x + x * self.scale, self.y + y * self.scale)
    }
}

/// The size of the picture a screen shows: the frame's own, else the last
/// analysed frame's (`known`), else 640x480 before any frame arrived.
pub fn shown_size(frame: Option<&Frame>, known: (u32, u32)) -> (u32, u32) {
    match frame {
        Some(f) if f.width > 0 && f.height > 0 => (f.width, f.height),
        _ if known.0 > 0 => known,
        _ => (640, 480),
    }
}

/// Draws `frame` mirrored into the canvas at `p` (nearest neighbour).
/// `xmap` is scratch space reused between calls, so this does not allocate
/// once the sizes stop changing.
pub fn blit_mirrored(c: &mut Canvas, frame: &Frame, p: &Placement, xmap: &mut Vec<usize>) {
    blit(c, frame, p, xmap, true)
}

/// Draws `frame` into the canvas at `p`, mirrored or not.
pub fn blit(c: &mut Canvas, frame: &Frame, p: &Placement, xmap: &mut Vec<usize>, mirrored: bool) {
    let (fw, fh) = (frame.width as usize, frame.height as usize);
    if fw == 0 || fh == 0 || frame.rgb.len() < fw * fh * 3 || !c.ok() {
        return;
    }
    let x0 = p.x.max(0.0) as usize;
    let x1 = ((p.x + fw as f32 * p.scale) as usize).min(c.width);
    let y0 = p.y.max(0.0) as usize;
    let y1 = ((p.y + fh as f32 * p.scale) as usize).min(c.height);
    if x1 <= x0 {
        return;
    }
    xmap.clear();
    xmap.extend((x0..x1).map(|x| {
        let sx = (((x as f32 + 0.5 - p.x) / p.scale) as usize).min(fw - 1);
        if mirrored {
            fw - 1 - sx
        } else {
            sx
        }
    }));
    for y in y0..y1 {
        let sy = (((y as f32 + 0.5 - p.y) / p.scale) as usize).min(fh - 1);
        let src = &frame.rgb[sy * fw * 3..(sy + 1) * fw * 3];
        let dst = &mut c.buf[y * c.width + x0..y * c.width + x1];
        for (d, &sx) in dst.iter_mut().zip(xmap.iter()) {
            let s = &src[sx * 3..sx * 3 + 3];
            *d = rgb(s[0], s[1], s[2]);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_preview_is_mirrored_and_scaled() {
        // A 4x2 frame: left column red, the rest blue.
        let mut rgbv = vec![0u8; 4 * 2 * 3];
        for y in 0..2 {
            for x in 0..4 {
                let i = (y * 4 + x) * 3;
                if x == 0 {
                    rgbv[i] = 255;
                } else {
                    rgbv[i + 2] = 255;
                }
            }
        }
        let frame = Frame::from_rgb(4, 2, rgbv).expect("frame");
        let mut buf = vec![0u32; 8 * 4];
        let mut c = Canvas {
            buf: &mut buf,
            width: 8,
            height: 4,
        };
        let p = Placement::fit(4, 2, 8, 4);
        assert_eq!(p.scale, 2.0);
        blit_mirrored(&mut c, &frame, &p, &mut Vec::new());
        // Red lands on the right edge, two canvas pixels wide.
        assert_eq!(buf[7], 0xff0000);
        assert_eq!(buf[6], 0xff0000);
        assert_eq!(buf[5], 0x0000ff);
        assert_eq!(buf[0], 0x0000ff);
        assert_eq!(p.map(0.0, 0.0), (8.0, 0.0));
    }

    #[test]
    fn the_flash_colours_all_but_the_oval() {
        let mut buf = vec![0u32; 20 * 10];
        let mut c = Canvas {
            buf: &mut buf,
            width: 20,
            height: 10,
        };
        c.fill_outside_ellipse((10.0, 5.0), (4.0, 4.0), 0x00ff00);
        assert_eq!(buf[5 * 20 + 10], 0, "centre keeps the picture");
        assert_eq!(buf[5 * 20 + 1], 0x00ff00, "left of the oval");
        assert_eq!(buf[0], 0x00ff00, "corner");
        assert_eq!(buf[5 * 20 + 19], 0x00ff00, "right of the oval");
    }

    #[test]
    fn shapes_off_the_canvas_do_not_panic() {
        let mut buf = vec![0u32; 10 * 10];
        let mut c = Canvas {
            buf: &mut buf,
            width: 10,
            height: 10,
        };
        c.rect(-100, -1, 1000, 4, 0xffffff, 255);
        c.rect(
            i32::MAX - 1,
            i32::MAX - 1,
            i32::MAX,
            i32::MAX,
            0xffffff,
            128,
        );
        c.disc(f32::NAN, 3.0, 2.0, 0xffffff, 255);
        c.disc(-1e9, 1e9, 5.0, 0xffffff, 255);
        c.ellipse_arc((5.0, 5.0), (1e9, 1e9), 3.0, 0.0, 1.0, 0xffffff, 255);
        c.ellipse_arc((5.0, 5.0), (0.0, 0.0), 3.0, 0.0, 1.0, 0xffffff, 255);
        c.fill_outside_ellipse((5.0, 5.0), (f32::NAN, 1e9), 0xffffff);
        assert!(buf[..30].iter().all(|&p| p == 0xffffff));
        let mut short = vec![0u32; 3];
        let mut c = Canvas {
            buf: &mut short,
            width: 10,
            height: 10,
        };
        c.rect(0, 0, 10, 10, 1, 255);
        c.put(1, 0, 1, 255);
        assert_eq!(short, vec![0, 0, 0]);
    }
}
