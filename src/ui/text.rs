//! Text for the practice window: the built-in UI font (Latin and Simplified
//! Chinese, see `assets/fonts/README.md`) rasterised with `ab_glyph` and blended
//! into a minifb frame buffer (`0x00RRGGBB` pixels, row-major).
//!
//! Each character is rasterised once per pixel size and cached, so drawing the
//! same strings every frame does not allocate. Layout is a single line: no
//! wrapping, no shaping; kerning comes from the font's `kern` table. Pixel sizes
//! are rounded to whole pixels and clamped to `1..=MAX_PX`.

use std::collections::HashMap;

use ab_glyph::{Font, FontRef, GlyphId, PxScale, ScaleFont};
use anyhow::Context;

/// The subset font built by `scripts/subset-font.sh`.
pub const FONT_BYTES: &[u8] = include_bytes!("../../assets/fonts/ui-subset.ttf");

/// Largest pixel size drawn; larger requests are drawn at this size.
pub const MAX_PX: u32 = 512;

/// One rasterised character at one pixel size.
#[derive(Debug, Clone)]
struct CachedGlyph {
    /// The font's glyph for the character (0 when the font has none).
    id: GlyphId,
    /// Coverage, `width * height` bytes row by row, 0 (none) to 255 (full).
    coverage: Vec<u8>,
    width: u32,
    height: u32,
    /// Offset of the bitmap's left column from the pen position.
    left: i32,
    /// Offset of the bitmap's top row from the baseline (negative above it).
    top: i32,
    /// Horizontal advance in pixels, without kerning.
    advance: f32,
}

/// The UI font and its glyph cache.
pub struct Text {
    font: FontRef<'static>,
    cache: HashMap<(char, u32), CachedGlyph>,
}

impl std::fmt::Debug for Text {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Text")
            .field("cached_glyphs", &self.cache.len())
            .finish_non_exhaustive()
    }
}

/// The whole pixel size used for `px`: rounded, clamped to `1..=MAX_PX`
/// (1 for NaN).
fn px_key(px: f32) -> u32 {
    if px.is_nan() {
        return 1;
    }
    // The clamp keeps the value inside u32, so the cast is exact.
    px.round().clamp(1.0, MAX_PX as f32) as u32
}

/// Characters that take no room and draw nothing on a single line.
fn skipped(c: char) -> bool {
    c.is_control()
}

impl Text {
    /// Parses the built-in font. Fails only if the embedded file is not a
    /// usable font (a broken `assets/fonts/ui-subset.ttf`).
    pub fn new() -> anyhow::Result<Text> {
        let font = FontRef::try_from_slice(FONT_BYTES).context(
            "the built-in UI font (assets/fonts/ui-subset.ttf) is not a valid font; \
             regenerate it with scripts/subset-font.sh",
        )?;
        Ok(Text {
            font,
            cache: HashMap::new(),
        })
    }

    /// Size of `s` laid out on one line at `px`: the width (sum of advances
    /// with kerning, rounded up) and the line height (ascent - descent + line
    /// gap, rounded up), both in pixels. Control characters take no room.
    pub fn measure(&mut self, s: &str, px: f32) -> (u32, u32) {
        let key = px_key(px);
        let line_height = self.line_height(key);
        let mut pen = 0.0f32;
        let mut prev: Option<GlyphId> = None;
        for c in s.chars().filter(|&c| !skipped(c)) {
            let (id, advance) = {
                let glyph = self.glyph(c, key);
                (glyph.id, glyph.advance)
            };
            if let Some(p) = prev {
                pen += self.font.as_scaled(PxScale::from(key as f32)).kern(p, id);
            }
            pen += advance;
            prev = Some(id);
        }
        // Non-negative and far below u32::MAX for any real string.
        (pen.max(0.0).ceil() as u32, line_height)
    }

    /// `s` broken into lines no wider than `max_w` pixels at `px`: at the
    /// last space that fits, or between any two characters where there is
    /// none (Chinese has no spaces). A word wider than a line stays whole.
    pub fn wrap(&mut self, s: &str, px: f32, max_w: f32) -> Vec<String> {
        let mut lines = Vec::new();
        let mut line = String::new();
        for c in s.chars() {
            line.push(c);
            if (self.measure(&line, px).0 as f32) <= max_w || line.chars().count() == 1 {
                continue;
            }
            line.pop();
            let rest = match line.rfind(' ') {
                Some(i) if !c.is_whitespace() => {
                    let rest = line[i + 1..].to_string();
                    line.truncate(i);
                    rest
                }
                _ => String::new(),
            };
            lines.push(std::mem::take(&mut line).trim_end().to_string());
            line = rest;
            if !c.is_whitespace() {
                line.push(c);
            }
        }
        if !line.trim().is_empty() {
            lines.push(line);
        }
        lines
    }

    /// Draws `s` on one line with the top-left corner of its line box at
    /// (`x`, `y`), blending `color` (`0x00RRGGBB`) over the pixels by glyph
    /// coverage. `buf` holds `width * height` pixels row by row; everything
    /// outside the buffer (or beyond `buf.len()` when it is shorter) is
    /// clipped. Characters the font lacks are drawn as its empty-glyph box.
    #[allow(clippy::too_many_arguments)] // buffer, its size, position, text, size, colour
    pub fn draw(
        &mut self,
        buf: &mut [u32],
        width: usize,
        height: usize,
        x: i32,
        y: i32,
        s: &str,
        px: f32,
        color: u32,
    ) {
        if width == 0 || height == 0 || s.is_empty() {
            return;
        }
        // Rows the buffer really holds.
        let rows = height.min(buf.len() / width);
        if rows == 0 {
            return;
        }
        let key = px_key(px);
        let scale = PxScale::from(key as f32);
        let ascent = self.font.as_scaled(scale).ascent().round() as i64;
        let baseline = i64::from(y) + ascent;
        let mut pen = 0.0f32;
        let mut prev: Option<GlyphId> = None;
        for c in s.chars().filter(|&c| !skipped(c)) {
            let kern = match prev {
                Some(p) => {
                    let id = self.glyph(c, key).id;
                    self.font.as_scaled(scale).kern(p, id)
                }
                None => 0.0,
            };
            pen += kern;
            let glyph = self.glyph(c, key);
            let left = i64::from(x) + pen.round() as i64 + i64::from(glyph.left);
            let top = baseline + i64::from(glyph.top);
            blit(buf, width, rows, left, top, glyph, color);
            pen += glyph.advance;
            prev = Some(glyph.id);
        }
    }

    /// Like [`Text::draw`], with the line centred horizontally on `center_x`
    /// (`y` is still the top of the line box).
    #[allow(clippy::too_many_arguments)] // the same arguments as `draw`
    pub fn draw_centered(
        &mut self,
        buf: &mut [u32],
        width: usize,
        height: usize,
        center_x: i32,
        y: i32,
        s: &str,
        px: f32,
        color: u32,
    ) {
        let (w, _) = self.measure(s, px);
        let x = i64::from(center_x) - i64::from(w / 2);
        // Past i32 the text is off any buffer anyway.
        let x = x.clamp(i64::from(i32::MIN), i64::from(i32::MAX)) as i32;
        self.draw(buf, width, height, x, y, s, px, color);
    }

    /// The characters of `s` the font has no glyph for (glyph id 0), each once,
    /// in order of first appearance; whitespace and control characters are
    /// ignored.
    pub fn missing(&self, s: &str) -> Vec<char> {
        let mut out: Vec<char> = Vec::new();
        for c in s.chars() {
            if c.is_whitespace() || c.is_control() || out.contains(&c) {
                continue;
            }
            if self.font.glyph_id(c).0 == 0 {
                out.push(c);
            }
        }
        out
    }

    /// Line height at pixel size `key`: ascent - descent + line gap, rounded up.
    fn line_height(&self, key: u32) -> u32 {
        let scaled = self.font.as_scaled(PxScale::from(key as f32));
        let h = scaled.ascent() - scaled.descent() + scaled.line_gap();
        h.max(0.0).ceil() as u32
    }

    /// The cached glyph for `c` at pixel size `key`, rasterised on first use.
    fn glyph(&mut self, c: char, key: u32) -> &CachedGlyph {
        let font = &self.font;
        self.cache
            .entry((c, key))
            .or_insert_with(|| rasterise(font, c, key))
    }
}

/// Rasterises `c` at pixel size `key` with the pen at the origin on the baseline.
fn rasterise(font: &FontRef<'static>, c: char, key: u32) -> CachedGlyph {
    let scale = PxScale::from(key as f32);
    let scaled = font.as_scaled(scale);
    let id = font.glyph_id(c);
    let advance = scaled.h_advance(id);
    let glyph = id.with_scale_and_position(scale, ab_glyph::point(0.0, 0.0));
    let Some(outlined) = font.outline_glyph(glyph) else {
        // Spaces and other glyphs without an outline.
        return CachedGlyph {
            id,
            coverage: Vec::new(),
            width: 0,
            height: 0,
            left: 0,
            top: 0,
            advance,
        };
    };
    let bounds = outlined.px_bounds();
    // px_bounds are whole pixels, a glyph at most a few times MAX_PX across.
    let w = (bounds.max.x - bounds.min.x).max(0.0) as u32;
    let h = (bounds.max.y - bounds.min.y).max(0.0) as u32;
    let mut coverage = vec![0u8; w as usize * h as usize];
    outlined.draw(|gx, gy, v| {
        if gx < w && gy < h {
            let i = gy as usize * w as usize + gx as usize;
            coverage[i] = (v.clamp(0.0, 1.0) * 255.0).round() as u8;
        }
    });
    CachedGlyph {
        id,
        coverage,
        width: w,
        height: h,
        left: bounds.min.x as i32,
        top: bounds.min.y as i32,
        advance,
    }
}

/// Blends `glyph` in `color` into `buf` (`width` x `rows`) with its bitmap's
/// top-left at (`left`, `top`), clipped to the buffer.
fn blit(
    buf: &mut [u32],
    width: usize,
    rows: usize,
    left: i64,
    top: i64,
    glyph: &CachedGlyph,
    color: u32,
) {
    let gw = i64::from(glyph.width);
    let gh = i64::from(glyph.height);
    // Visible part of the bitmap, in bitmap coordinates.
    let x0 = (-left).clamp(0, gw);
    let y0 = (-top).clamp(0, gh);
    let x1 = (width as i64 - left).clamp(0, gw);
    let y1 = (rows as i64 - top).clamp(0, gh);
    if x0 >= x1 || y0 >= y1 {
        return;
    }
    for gy in y0..y1 {
        // Inside the buffer after clipping, so non-negative and in range.
        let row = (top + gy) as usize * width;
        let src = &glyph.coverage[(gy * gw) as usize..((gy + 1) * gw) as usize];
        for gx in x0..x1 {
            let a = src[gx as usize];
            if a == 0 {
                continue;
            }
            let i = row + (left + gx) as usize;
            if let Some(p) = buf.get_mut(i) {
                *p = blend(*p, color, a);
            }
        }
    }
}

/// `color` over `dst` with coverage `a` (0 to 255), per 8-bit channel.
fn blend(dst: u32, color: u32, a: u8) -> u32 {
    if a == 255 {
        return color & 0x00ff_ffff;
    }
    let a = u32::from(a);
    let mut out = 0;
    for shift in [0, 8, 16] {
        let d = (dst >> shift) & 0xff;
        let s = (color >> shift) & 0xff;
        out |= ((s * a + d * (255 - a) + 127) / 255) << shift;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Msg;

    const WHITE: u32 = 0x00ff_ffff;

    fn text() -> Text {
        Text::new().expect("the built-in font parses")
    }

    #[test]
    fn every_message_can_be_drawn_in_both_languages() {
        let t = text();
        for m in Msg::ALL {
            let (en, zh) = m.texts();
            assert!(t.missing(en).is_empty(), "{m:?} en: {:?}", t.missing(en));
            assert!(t.missing(zh).is_empty(), "{m:?} zh: {:?}", t.missing(zh));
        }
    }

    #[test]
    fn missing_lists_unknown_characters_once() {
        let t = text();
        assert_eq!(t.missing("ok \t\n你好"), Vec::<char>::new());
        // U+E000 is a private-use code point no font subset here maps.
        assert_eq!(t.missing("a\u{e000}b\u{e000}"), vec!['\u{e000}']);
    }

    #[test]
    fn drawing_stays_inside_the_measured_box() {
        let mut t = text();
        let (w, h) = (200usize, 80usize);
        let mut buf = vec![0u32; w * h];
        let s = "Hello 你好";
        let (mw, mh) = t.measure(s, 32.0);
        assert!(mw > 0 && mh >= 32, "measure {mw}x{mh}");
        t.draw(&mut buf, w, h, 10, 10, s, 32.0, WHITE);
        let slack = 2i64;
        let (bx0, by0) = (10 - slack, 10 - slack);
        let (bx1, by1) = (10 + i64::from(mw) + slack, 10 + i64::from(mh) + slack);
        let mut changed = 0;
        for (i, &p) in buf.iter().enumerate() {
            if p != 0 {
                changed += 1;
                let (px, py) = ((i % w) as i64, (i / w) as i64);
                assert!(
                    (bx0..bx1).contains(&px) && (by0..by1).contains(&py),
                    "pixel ({px}, {py}) outside ({bx0}, {by0})-({bx1}, {by1})"
                );
            }
        }
        assert!(changed > 100, "only {changed} pixels drawn");
    }

    #[test]
    fn clipping_never_panics_or_writes_outside() {
        let mut t = text();
        let (w, h) = (64usize, 32usize);
        let fill = 0x0012_3456;
        for (x, y) in [
            (-50, -50),
            (10_000, 10_000),
            (-10_000, 5),
            (5, 10_000),
            (i32::MIN, i32::MIN),
            (i32::MAX, i32::MAX),
        ] {
            let mut buf = vec![fill; w * h];
            t.draw(&mut buf, w, h, x, y, "Hello 你好", 32.0, WHITE);
            t.draw_centered(&mut buf, w, h, x, y, "Hello 你好", 32.0, WHITE);
            assert!(buf.iter().all(|&p| p == fill), "drawn at ({x}, {y})");
        }

        let mut buf = vec![fill; w * h];
        t.draw(&mut buf, w, h, 0, 0, "", 32.0, WHITE);
        t.draw(&mut buf, 0, h, 0, 0, "Hi", 32.0, WHITE);
        t.draw(&mut buf, w, 0, 0, 0, "Hi", 32.0, WHITE);
        assert!(buf.iter().all(|&p| p == fill));
        assert_eq!(t.measure("", 32.0).0, 0);

        // Partly off the buffer: clipped, drawn where visible.
        t.draw(&mut buf, w, h, -8, -8, "Hello", 32.0, WHITE);
        assert!(buf.iter().any(|&p| p != fill));

        // A buffer shorter than width * height: only whole rows it holds are
        // drawn, and the pixels after them stay untouched.
        let mut backing = vec![fill; w * h];
        let short = w * 10 + 7;
        t.draw(&mut backing[..short], w, h, 0, 0, "Hello 你好", 40.0, WHITE);
        assert!(backing[w * 10..].iter().all(|&p| p == fill));
        t.draw(&mut backing[..3], w, h, 0, 0, "Hello", 40.0, WHITE);

        // Odd sizes.
        for px in [0.0, -3.0, f32::NAN, f32::INFINITY, 1e9] {
            t.draw(&mut buf, w, h, 0, 0, "Hi 你", px, WHITE);
            let _ = t.measure("Hi 你", px);
        }
    }

    #[test]
    fn chinese_glyphs_render() {
        let mut t = text();
        let (w, h) = (100usize, 50usize);
        let mut buf = vec![0u32; w * h];
        t.draw(&mut buf, w, h, 2, 2, "你好", 32.0, WHITE);
        let solid = buf.iter().filter(|&&p| p & 0xff >= 128).count();
        assert!(solid > 150, "only {solid} solid pixels for 你好");
    }

    #[test]
    fn steady_state_drawing_reuses_the_cache() {
        let mut t = text();
        let (w, h) = (120usize, 40usize);
        let mut buf = vec![0u32; w * h];
        t.draw(&mut buf, w, h, 0, 0, "Blink 眨眼", 24.0, WHITE);
        let cached = t.cache.len();
        let first = buf.clone();
        buf.fill(0);
        t.draw(&mut buf, w, h, 0, 0, "Blink 眨眼", 24.4, WHITE);
        assert_eq!(t.cache.len(), cached, "24.4 px uses the 24 px glyphs");
        assert_eq!(buf, first);
    }

    #[test]
    fn draw_centered_centres_on_x() {
        let mut t = text();
        let (w, h) = (200usize, 60usize);
        let mut buf = vec![0u32; w * h];
        t.draw_centered(&mut buf, w, h, 100, 5, "nod 点头", 28.0, WHITE);
        let cols: Vec<usize> = (0..w)
            .filter(|&c| (0..h).any(|r| buf[r * w + c] != 0))
            .collect();
        let (lo, hi) = (cols[0] as i64, cols[cols.len() - 1] as i64);
        assert!(((lo + hi) / 2 - 100).abs() <= 3, "ink spans {lo}..={hi}");
    }

    #[test]
    fn blend_is_exact_at_the_ends() {
        assert_eq!(blend(0x0010_2030, WHITE, 0), 0x0010_2030);
        assert_eq!(blend(0x0010_2030, 0xff12_3456, 255), 0x0012_3456);
        assert_eq!(blend(0, WHITE, 128), 0x0080_8080);
    }

    #[test]
    fn long_text_wraps_at_spaces_or_between_chinese_characters() {
        let mut t = Text::new().expect("font");
        let en = "Real checks limit retries: practise here until you pass.";
        let lines = t.wrap(en, 20.0, 200.0);
        assert!(lines.len() > 1, "{lines:?}");
        assert!(
            lines.iter().all(|l| t.measure(l, 20.0).0 <= 200),
            "{lines:?}"
        );
        assert_eq!(lines.join(" "), en);
        let zh = "真实检测会限制重试次数请先在这里练习到通过再去做真实检测";
        let lines = t.wrap(zh, 20.0, 150.0);
        assert!(lines.len() > 1 && lines.iter().all(|l| t.measure(l, 20.0).0 <= 150));
        assert_eq!(lines.concat(), zh);
    }
}
