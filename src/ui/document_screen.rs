//! The `document --camera` window: the camera's picture (not mirrored: the
//! document's text reads the right way round), a card-shaped guide, the
//! document's outline as last found, and what to change.

use super::draw::{blit, Canvas, Placement};
use super::text::Text;
use crate::document::guide::Say;
use crate::frame::Frame;
use crate::i18n::{Lang, Msg};

/// The guide's width over the picture's (ID-1 card proportions, 85.6 x
/// 54.0 mm, ISO/IEC 7810): a card filling it covers about half the picture,
/// well above the `too_small` level.
pub const CARD_GUIDE_WIDTH: f32 = 0.8;
/// ID-1's height over its width.
pub const CARD_ASPECT: f32 = 54.0 / 85.6;

const WHITE: u32 = 0xffffff;
const AMBER: u32 = 0xffb020;
const GREEN: u32 = 0x3ad46a;
const RED: u32 = 0xff5050;

/// What the window shows, made by the looking thread.
#[derive(Clone, Debug, Default)]
pub struct DocView {
    pub say: Option<Say>,
    /// The first line and the advice under it, in the person's language.
    pub title: String,
    pub sub: String,
    /// The document's corners in the last look (frame pixels).
    pub corners: Option<[[f32; 2]; 4]>,
    pub frame_size: (u32, u32),
    pub looks_per_s: f32,
    /// The picture taken, shown frozen with the result.
    pub taken: Option<Frame>,
    /// The result's lines (verdict, then each issue), once taken.
    pub result: Vec<(String, bool)>,
    /// Why the stream stopped, when it did.
    pub stopped: Option<String>,
}

/// The card guide's rectangle in frame pixels: (x0, y0, x1, y1).
pub fn card_guide(fw: u32, fh: u32) -> (f32, f32, f32, f32) {
    let (w, h) = (fw as f32, fh as f32);
    let gw = (w * CARD_GUIDE_WIDTH).min(h * 0.8 / CARD_ASPECT);
    let gh = gw * CARD_ASPECT;
    (
        (w - gw) / 2.0,
        (h - gh) / 2.0,
        (w + gw) / 2.0,
        (h + gh) / 2.0,
    )
}

/// Draws one update.
#[allow(clippy::too_many_arguments)]
pub fn render(
    text: &mut Text,
    xmap: &mut Vec<usize>,
    buf: &mut [u32],
    width: usize,
    height: usize,
    live: Option<&Frame>,
    view: &DocView,
    lang: Lang,
) {
    let mut c = Canvas { buf, width, height };
    c.fill(0x101418);
    let frame = view.taken.as_ref().or(live);
    let (fw, fh) = super::draw::shown_size(frame, view.frame_size);
    let p = Placement::fit(fw, fh, width, height);
    if let Some(f) = frame {
        blit(&mut c, f, &p, xmap, false);
    }
    let colour = match view.say {
        Some(Say::HoldStill | Say::Taken) => GREEN,
        Some(Say::Fix(_)) => AMBER,
        _ => WHITE,
    };
    // The card guide: its corners as brackets.
    let (x0, y0, x1, y1) = card_guide(fw, fh);
    let (a, b) = (p.map_plain(x0, y0), p.map_plain(x1, y1));
    let arm = (b.0 - a.0).min(b.1 - a.1) * 0.18;
    for (cx, cy, sx, sy) in [
        (a.0, a.1, 1.0, 1.0),
        (b.0, a.1, -1.0, 1.0),
        (b.0, b.1, -1.0, -1.0),
        (a.0, b.1, 1.0, -1.0),
    ] {
        c.line((cx, cy), (cx + sx * arm, cy), 5.0, colour, 255);
        c.line((cx, cy), (cx, cy + sy * arm), 5.0, colour, 255);
    }
    if view.frame_size == (fw, fh) {
        if let Some(q) = view.corners {
            for i in 0..4 {
                let (u, v) = (q[i], q[(i + 1) % 4]);
                c.line(
                    p.map_plain(u[0], u[1]),
                    p.map_plain(v[0], v[1]),
                    2.0,
                    colour,
                    255,
                );
            }
        }
    }
    let big = (height as f32 / 16.0).max(16.0);
    let mid = (height as f32 / 28.0).max(11.0);
    let small = (height as f32 / 36.0).max(10.0);
    let w = width as i32;
    if view.result.is_empty() {
        // Top band: what to do now.
        let lines = text.wrap(&view.sub, mid, width as f32 * 0.92);
        let band = (big * 1.5 + mid * 1.3 * lines.len() as f32) as i32;
        c.rect(0, 0, w, band, 0x000000, 160);
        text.draw_centered(
            c.buf,
            width,
            height,
            w / 2,
            (big * 0.2) as i32,
            &view.title,
            big,
            colour,
        );
        for (i, l) in lines.iter().enumerate() {
            let y = (big * 1.35 + mid * 1.3 * i as f32) as i32;
            text.draw_centered(c.buf, width, height, w / 2, y, l, mid, WHITE);
        }
    } else {
        // The result over the frozen picture.
        let mut rows: Vec<(String, u32, f32)> = Vec::new();
        for (i, (line, good)) in view.result.iter().enumerate() {
            let px = if i == 0 { big * 0.8 } else { mid };
            let col = if *good {
                GREEN
            } else if i == 0 {
                RED
            } else {
                WHITE
            };
            for l in text.wrap(line, px, width as f32 * 0.9) {
                rows.push((l, col, px));
            }
        }
        let total: f32 = rows.iter().map(|r| r.2 * 1.3).sum();
        c.rect(0, 0, w, (total + mid) as i32, 0x000000, 180);
        let mut y = mid * 0.5;
        for (l, col, px) in &rows {
            text.draw(
                c.buf,
                width,
                height,
                (width as f32 * 0.05) as i32,
                y as i32,
                l,
                *px,
                *col,
            );
            y += px * 1.3;
        }
    }
    // Bottom band: keys, how often it looks, or why it stopped.
    let bottom = match &view.stopped {
        Some(why) => why.clone(),
        None if !view.result.is_empty() => lang.text(Msg::DocGuideKeys).to_string(),
        None => format!(
            "{}  ·  {}",
            lang.fill(
                Msg::DocGuideLooks,
                &[("n", &format!("{:.1}", view.looks_per_s))]
            ),
            lang.text(Msg::DocGuideKeys)
        ),
    };
    let bh = (small * 1.8) as i32;
    c.rect(0, height as i32 - bh, w, bh, 0x000000, 160);
    text.draw_centered(
        c.buf,
        width,
        height,
        w / 2,
        height as i32 - bh + (small * 0.35) as i32,
        &bottom,
        small,
        WHITE,
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_card_guide_has_id1_proportions_and_fits_the_picture() {
        for (w, h) in [(640, 480), (1280, 720), (480, 640)] {
            let (x0, y0, x1, y1) = card_guide(w, h);
            assert!(x0 >= 0.0 && y0 >= 0.0 && x1 <= w as f32 && y1 <= h as f32);
            let aspect = (y1 - y0) / (x1 - x0);
            assert!((aspect - 54.0 / 85.6).abs() < 1e-3);
        }
    }

    #[test]
    fn drawing_any_view_does_not_panic() {
        let mut text = Text::new().expect("font");
        let mut buf = vec![0u32; 320 * 240];
        let frame = Frame::from_rgb(8, 6, vec![100u8; 8 * 6 * 3]).expect("frame");
        let views = [
            DocView::default(),
            DocView {
                say: Some(Say::Fix(crate::document::check::DocIssue::Glare)),
                title: "glare".into(),
                sub: "a long advice ".repeat(20),
                corners: Some([[f32::NAN, 0.0], [1e9, 1e9], [-1e9, 3.0], [4.0, 4.0]]),
                frame_size: (8, 6),
                ..Default::default()
            },
            DocView {
                result: vec![("fail".into(), false), ("expired".into(), false)],
                taken: Some(frame.clone()),
                stopped: Some("ended".into()),
                ..Default::default()
            },
        ];
        for v in &views {
            render(
                &mut text,
                &mut Vec::new(),
                &mut buf,
                320,
                240,
                Some(&frame),
                v,
                Lang::Zh,
            );
        }
    }
}
