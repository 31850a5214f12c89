//! What the practice window shows, drawn from a [`View`]: the mirrored
//! preview, the oval guide with the prompt's time ring, the prompt, the
//! countdown, live hints, a prompt's verdict and the result screen.
//!
//! A pure function of the view and the frame into a pixel buffer, so every
//! screen can be rendered and checked without a display.

use super::draw::{blit_mirrored, Canvas, Placement};
use super::text::Text;
use crate::coach::Coach;
use crate::frame::Frame;
use crate::hints::framing;
use crate::i18n::{Lang, Msg};
use crate::record::EventKind;
use crate::record::HintCode;
use crate::session::{compare, Phase, PromptResult, Try};

/// Which screen the session is on.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Screen {
    #[default]
    GetReady,
    Centre,
    Hold,
    Prompt,
    /// The notice before the colour flash, and the flash itself.
    FlashNotice,
    Flash,
    Between,
    Result,
}

/// Everything the window needs to draw one update.
#[derive(Clone, Debug, Default)]
pub struct View {
    pub screen: Screen,
    /// The prompt asked: number (1-based), count, kind.
    pub prompt: Option<(usize, usize, EventKind)>,
    /// Fraction of the prompt's time (or the countdown) used.
    pub progress: Option<f32>,
    pub countdown: Option<u32>,
    /// The last verdict of this attempt.
    pub last: Option<PromptResult>,
    /// The last try of the prompt being asked that missed the bar.
    pub last_try: Option<Try>,
    /// This attempt's verdicts and its number.
    pub results: Vec<PromptResult>,
    pub attempt: u32,
    /// What changed across attempts, in the session's language.
    pub comparison: Vec<String>,
    /// How real services limit retries, and a cause to fix first.
    pub retry_advice: Vec<String>,
    /// Hints showing, most important first.
    pub hints: Vec<HintCode>,
    /// The parts of the face a hand covers, while `hand_over_face` shows.
    pub hand_parts: Vec<crate::measure::hands::FacePart>,
    /// Every hint that showed during this attempt (for the result screen).
    pub seen: Vec<HintCode>,
    pub face_in_oval: bool,
    /// The frame these landmarks belong to (width, height), and the mesh
    /// and eye outlines in frame pixels.
    pub frame_size: (u32, u32),
    pub landmarks: Vec<[f32; 3]>,
    pub eye_outlines: Vec<[f32; 2]>,
    /// Analysed frames per second, as measured by the live loop.
    pub analysed_fps: f32,
    /// The stream ended or failed; the message to show.
    pub stopped: Option<String>,
    /// The colour the whole screen shows, during the colour flash.
    pub flash_colour: Option<[u8; 3]>,
    /// This attempt's colour flash, once done (for the result screen).
    pub flash: Option<crate::session::flash::FlashResult>,
    /// The oval's size against the usual one (`Session::oval_scale`).
    pub oval_scale: f32,
}

impl View {
    /// Refreshes the view from the coach after a frame (reusing buffers).
    pub fn update(&mut self, coach: &Coach, face: Option<&crate::vision::Face>, lang: Lang) {
        let s = &coach.session;
        self.screen = match s.phase {
            Phase::GetReady => Screen::GetReady,
            Phase::Centre { .. } => Screen::Centre,
            Phase::Hold { .. } => Screen::Hold,
            Phase::Prompt(_) => Screen::Prompt,
            Phase::FlashNotice => Screen::FlashNotice,
            Phase::Flash(_) => Screen::Flash,
            Phase::Between { .. } => Screen::Between,
            Phase::Finished => Screen::Result,
        };
        self.prompt = s.prompt();
        self.flash_colour = s.flash_colour();
        self.oval_scale = s.oval_scale();
        self.flash = s.current().and_then(|a| a.flash.clone());
        self.progress = s.progress();
        self.countdown = s.countdown();
        self.last = s.last_result().cloned();
        self.last_try = s.last_try().copied();
        let attempt = s.current();
        self.attempt = attempt.map_or(0, |a| a.number);
        self.results.clear();
        if let Some(a) = attempt {
            self.results.extend(a.results.iter().cloned());
        }
        if self.screen == Screen::Result {
            self.comparison = compare::trends(&s.attempts)
                .iter()
                .map(|t| compare::describe(t, lang))
                .collect();
            self.retry_advice = compare::retry_advice(&s.attempts, lang);
        } else {
            self.comparison.clear();
            self.retry_advice.clear();
        }
        self.hints.clear();
        self.hints.extend(coach.hints.showing());
        self.hand_parts = coach.hints.hand_parts();
        self.seen.clear();
        if self.screen == Screen::Result {
            let since = attempt.map_or(0.0, |a| a.start_s);
            let until = attempt.and_then(|a| a.end_s).unwrap_or(f64::INFINITY);
            self.seen.extend(
                coach
                    .hints
                    .spans
                    .iter()
                    .filter(|h| h.end_s >= since && h.start_s <= until)
                    .map(|h| h.code)
                    .chain(self.hints.iter().copied()),
            );
            self.seen.sort();
            self.seen.dedup();
        }
        self.landmarks.clear();
        self.eye_outlines.clear();
        if let Some(f) = face {
            self.landmarks.extend_from_slice(&f.landmarks);
            if let Some(eyes) = &f.eyes {
                for e in eyes {
                    self.eye_outlines
                        .extend(e.outline.iter().map(|p| [p[0], p[1]]));
                }
            }
        }
        self.face_in_oval = !self.hints.iter().any(|h| {
            matches!(
                h,
                HintCode::NoFace
                    | HintCode::FaceCutOff
                    | HintCode::FaceTooSmall
                    | HintCode::FaceTooLarge
                    | HintCode::FaceOffCenter
            )
        });
    }
}

const WHITE: u32 = 0xffffff;
const DIM: u32 = 0xb0b0b0;
const GREEN: u32 = 0x3ddc84;
const RED: u32 = 0xff5a5a;
const AMBER: u32 = 0xffc233;
const CYAN: u32 = 0x33c8ff;

/// Draws views; owns the font and scratch buffers so drawing does not
/// allocate in steady state.
pub struct Renderer {
    pub text: Text,
    xmap: Vec<usize>,
    line: String,
}

impl Renderer {
    pub fn new() -> anyhow::Result<Renderer> {
        Ok(Renderer {
            text: Text::new()?,
            xmap: Vec::new(),
            line: String::new(),
        })
    }

    /// Draws one update into `buf` (`width` x `height`).
    #[allow(clippy::too_many_arguments)]
    pub fn render(
        &mut self,
        buf: &mut [u32],
        width: usize,
        height: usize,
        frame: Option<&Frame>,
        view: &View,
        lang: Lang,
        show_landmarks: bool,
    ) {
        let mut c = Canvas { buf, width, height };
        c.fill(0x101418);
        let (fw, fh) = super::draw::shown_size(frame, view.frame_size);
        let p = Placement::fit(fw, fh, width, height);
        if let Some(f) = frame {
            blit_mirrored(&mut c, f, &p, &mut self.xmap);
        }
        if show_landmarks && view.frame_size == (fw, fh) {
            for l in &view.landmarks {
                let (x, y) = p.map(l[0], l[1]);
                c.disc(x, y, 1.2, CYAN, 200);
            }
            for e in &view.eye_outlines {
                let (x, y) = p.map(e[0], e[1]);
                c.disc(x, y, 1.6, GREEN, 255);
            }
        }
        // The oval guide, and the time ring on it (it grows while the
        // person is asked to move closer).
        let ((ox, oy), (rx, ry)) = framing::oval(fw, fh);
        let (cx, cy) = p.map(fw as f32 - ox, oy);
        let k = if view.oval_scale > 0.0 {
            view.oval_scale
        } else {
            1.0
        };
        let r = (rx * p.scale * k, ry * p.scale * k);
        if let (Screen::Flash, Some(col)) = (view.screen, view.flash_colour) {
            // The screen is the light: everything outside the oval in the
            // colour, the face inside it so the person can stay there.
            let rgb = (col[0] as u32) << 16 | (col[1] as u32) << 8 | col[2] as u32;
            c.fill_outside_ellipse((cx, cy), r, rgb);
        }
        let guide = if view.face_in_oval { WHITE } else { AMBER };
        c.ellipse_arc((cx, cy), r, 3.0, 0.0, 1.0, guide, 200);
        if let (Some(f), Screen::Prompt | Screen::Hold | Screen::Flash) =
            (view.progress, view.screen)
        {
            // The ring empties as time runs out.
            c.ellipse_arc((cx, cy), r, 9.0, f, 1.0, CYAN, 255);
        }
        let big = (height as f32 / 14.0).max(18.0);
        let mid = (height as f32 / 24.0).max(12.0);
        let small = (height as f32 / 34.0).max(10.0);
        let w = width as i32;
        let band = (big + mid * 1.9) as i32;
        // Top band: what to do now.
        let (title, sub, title_color): (String, String, u32) = match view.screen {
            Screen::GetReady => (
                lang.text(Msg::GetReady).into(),
                format!(
                    "{}  ·  {}",
                    lang.text(Msg::GetReadyBody),
                    lang.text(Msg::PressSpace)
                ),
                WHITE,
            ),
            Screen::Centre => (lang.text(Msg::FitOval).into(), String::new(), WHITE),
            Screen::Hold => (lang.text(Msg::LookAndHold).into(), String::new(), WHITE),
            Screen::Prompt => match view.prompt {
                // A try that missed the bar: what to change, while the
                // prompt stays open.
                Some((_, _, k)) if view.last_try.is_some() => (
                    lang.prompt(k).into(),
                    view.last_try
                        .map(|t| {
                            lang.fill(Msg::TryAgain, &[("reason", lang.text(t.reason.message()))])
                        })
                        .unwrap_or_default(),
                    WHITE,
                ),
                Some((i, n, k)) => (
                    lang.prompt(k).into(),
                    {
                        let of = lang.fill(
                            Msg::PromptOf,
                            &[("i", &i.to_string()), ("n", &n.to_string())],
                        );
                        if matches!(
                            k,
                            EventKind::Blink | EventKind::OpenMouth | EventKind::MoveCloser
                        ) {
                            of
                        } else {
                            format!("{}  ·  {of}", lang.text(Msg::ThenBack))
                        }
                    },
                    WHITE,
                ),
                None => (String::new(), String::new(), WHITE),
            },
            Screen::Between => match &view.last {
                Some(r) if r.passed => (lang.text(Msg::PromptPassed).into(), String::new(), GREEN),
                Some(r) => (
                    lang.text(Msg::PromptFailed).into(),
                    r.reason
                        .map(|x| lang.text(x.message()).to_string())
                        .unwrap_or_default(),
                    RED,
                ),
                None => (String::new(), String::new(), WHITE),
            },
            Screen::FlashNotice => (
                lang.text(Msg::FlashNoticeTitle).into(),
                lang.text(Msg::FlashNoticeBody).into(),
                AMBER,
            ),
            Screen::Flash => (lang.text(Msg::FlashHold).into(), String::new(), WHITE),
            Screen::Result => (String::new(), String::new(), WHITE),
        };
        if view.screen != Screen::Result {
            c.rect(0, 0, w, band, 0x000000, 150);
            self.text.draw_centered(
                c.buf,
                width,
                height,
                w / 2 + 2,
                (mid * 0.35) as i32 + 2,
                &title,
                big,
                0,
            );
            self.text.draw_centered(
                c.buf,
                width,
                height,
                w / 2,
                (mid * 0.35) as i32,
                &title,
                big,
                title_color,
            );
            if !sub.is_empty() {
                self.text.draw_centered(
                    c.buf,
                    width,
                    height,
                    w / 2,
                    (mid * 0.5 + big * 1.15) as i32,
                    &sub,
                    mid * 0.8,
                    DIM,
                );
            }
        }
        if let (Screen::Hold, Some(n)) = (view.screen, view.countdown) {
            self.line.clear();
            self.line.push_str(&n.to_string());
            let px = height as f32 / 4.0;
            self.text.draw_centered(
                c.buf,
                width,
                height,
                cx as i32 + 4,
                (cy - px / 2.0) as i32 + 4,
                &self.line,
                px,
                0,
            );
            self.text.draw_centered(
                c.buf,
                width,
                height,
                cx as i32,
                (cy - px / 2.0) as i32,
                &self.line,
                px,
                WHITE,
            );
        }
        // Live hints, bottom: most important first, at most three.
        if view.screen != Screen::Result && !view.hints.is_empty() {
            let rows = view.hints.len().min(3) as i32;
            let row_h = (mid * 1.5) as i32;
            let top = height as i32 - rows * row_h - (small * 2.0) as i32;
            c.rect(
                0,
                top - row_h / 4,
                w,
                rows * row_h + row_h / 2,
                0x000000,
                160,
            );
            for (i, h) in view.hints.iter().take(3).enumerate() {
                let y = top + i as i32 * row_h;
                c.disc(mid, y as f32 + mid * 0.55, mid * 0.3, AMBER, 255);
                let (m, _) = crate::i18n::hint_texts(*h, &view.hand_parts, lang);
                self.text
                    .draw(c.buf, width, height, (mid * 1.6) as i32, y, &m, mid, AMBER);
            }
        }
        if view.screen == Screen::Result {
            self.result(&mut c, view, lang, big, mid);
        }
        // Footer: keys, speed, or why the stream stopped.
        let footer_y = height as i32 - (small * 1.5) as i32;
        c.rect(
            0,
            footer_y - 4,
            w,
            height as i32 - footer_y + 4,
            0x000000,
            150,
        );
        let keys = match view.screen {
            Screen::Result => lang.text(Msg::KeysResult),
            Screen::FlashNotice => lang.text(Msg::FlashNoticeKeys),
            _ => lang.text(Msg::KeysRunning),
        };
        self.text
            .draw(c.buf, width, height, 10, footer_y, keys, small, DIM);
        self.line.clear();
        match &view.stopped {
            Some(why) => self.line.push_str(why),
            None if view.analysed_fps > 0.0 => {
                use std::fmt::Write;
                let _ = write!(self.line, "{:.0} fps", view.analysed_fps);
            }
            None => {}
        }
        let (lw, _) = self.text.measure(&self.line, small);
        let color = if view.stopped.is_some() { AMBER } else { DIM };
        self.text.draw(
            c.buf,
            width,
            height,
            w - lw as i32 - 10,
            footer_y,
            &self.line,
            small,
            color,
        );
    }

    fn result(&mut self, c: &mut Canvas, view: &View, lang: Lang, big: f32, mid: f32) {
        let (width, height) = (c.width, c.height);
        let w = width as i32;
        c.rect(0, 0, w, height as i32, 0x000000, 185);
        let failed = view.results.iter().filter(|r| !r.passed).count();
        let (head, color) = if failed == 0 && !view.results.is_empty() {
            (lang.text(Msg::AllPassed).to_string(), GREEN)
        } else {
            (
                lang.fill(
                    Msg::SomeFailed,
                    &[
                        (
                            "n",
                            &failed.max(usize::from(view.results.is_empty())).to_string(),
                        ),
                        ("m", &view.results.len().max(1).to_string()),
                    ],
                ),
                RED,
            )
        };
        let mut y = (big * 0.6) as i32;
        let title = format!(
            "{} · {}",
            lang.text(Msg::ResultTitle),
            lang.fill(Msg::AttemptN, &[("n", &view.attempt.to_string())])
        );
        self.text
            .draw_centered(c.buf, width, height, w / 2, y, &title, mid, DIM);
        y += (mid * 1.6) as i32;
        self.text
            .draw_centered(c.buf, width, height, w / 2, y, &head, big, color);
        y += (big * 1.6) as i32;
        let x = (width as f32 * 0.12) as i32;
        for r in &view.results {
            let col = if r.passed { GREEN } else { RED };
            c.disc(
                x as f32 - mid * 0.6,
                y as f32 + mid * 0.55,
                mid * 0.28,
                col,
                255,
            );
            let reason = match r.reason {
                None => lang.text(Msg::Passed),
                Some(reason) => lang.text(reason.message()),
            };
            let mut line = lang.fill(
                Msg::KindReason,
                &[("kind", lang.event_name(r.kind)), ("reason", reason)],
            );
            if let (Some(d), Some(m)) = (r.movement_s, r.magnitude) {
                if r.kind == EventKind::Blink {
                    line.push_str(&format!("  ({d:.2} {})", lang.text(Msg::Seconds)));
                } else if r.kind == EventKind::OpenMouth {
                    line.push_str(&format!("  ({d:.1} {}, +{m:.2})", lang.text(Msg::Seconds)));
                } else {
                    line.push_str(&format!("  ({d:.1} {}, {m:.0}°)", lang.text(Msg::Seconds)));
                }
            }
            self.text
                .draw(c.buf, width, height, x, y, &line, mid, WHITE);
            y += (mid * 1.45) as i32;
        }
        if let Some(f) = &view.flash {
            let col = match f.verdict {
                crate::session::flash::FlashVerdict::Visible => GREEN,
                crate::session::flash::FlashVerdict::Skipped => DIM,
                _ => RED,
            };
            c.disc(
                x as f32 - mid * 0.6,
                y as f32 + mid * 0.55,
                mid * 0.28,
                col,
                255,
            );
            let max_w = width as f32 - x as f32 * 1.5;
            for (i, l) in self
                .text
                .wrap(&f.describe(lang), mid, max_w)
                .into_iter()
                .enumerate()
            {
                self.text.draw(
                    c.buf,
                    width,
                    height,
                    x,
                    y,
                    &l,
                    mid,
                    if i == 0 { WHITE } else { DIM },
                );
                y += (mid * 1.3) as i32;
            }
            for a in &f.advice {
                for l in self.text.wrap(lang.text(a.message()), mid * 0.8, max_w) {
                    self.text
                        .draw(c.buf, width, height, x, y, &l, mid * 0.8, DIM);
                    y += (mid * 1.05) as i32;
                }
            }
            y += (mid * 0.3) as i32;
        }
        y += (mid * 0.6) as i32;
        for h in &view.seen {
            let (m, a) = h.messages();
            c.disc(
                x as f32 - mid * 0.6,
                y as f32 + mid * 0.45,
                mid * 0.22,
                AMBER,
                255,
            );
            self.text
                .draw(c.buf, width, height, x, y, lang.text(m), mid * 0.8, AMBER);
            y += (mid * 1.05) as i32;
            self.text
                .draw(c.buf, width, height, x, y, lang.text(a), mid * 0.7, DIM);
            y += (mid * 1.3) as i32;
        }
        for s in &view.comparison {
            self.text
                .draw(c.buf, width, height, x, y, s, mid * 0.8, CYAN);
            y += (mid * 1.2) as i32;
        }
        for s in &view.retry_advice {
            for line in self.text.wrap(s, mid * 0.7, width as f32 * 0.8) {
                self.text
                    .draw(c.buf, width, height, x, y, &line, mid * 0.7, WHITE);
                y += (mid * 0.95) as i32;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::session::FailReason;

    const W: usize = 640;
    const H: usize = 480;

    fn grey_frame() -> Frame {
        Frame::from_rgb(320, 240, vec![90; 320 * 240 * 3]).expect("frame")
    }

    fn render(view: &View, lang: Lang) -> Vec<u32> {
        let mut r = Renderer::new().expect("font");
        let mut buf = vec![0u32; W * H];
        let f = grey_frame();
        r.render(&mut buf, W, H, Some(&f), view, lang, false);
        buf
    }

    fn count(buf: &[u32], rows: std::ops::Range<usize>, color: u32) -> usize {
        rows.flat_map(|y| buf[y * W..(y + 1) * W].iter())
            .filter(|&&p| p == color)
            .count()
    }

    fn prompt_view(progress: f32) -> View {
        View {
            screen: Screen::Prompt,
            prompt: Some((1, 4, EventKind::TurnLeft)),
            progress: Some(progress),
            face_in_oval: true,
            frame_size: (320, 240),
            ..Default::default()
        }
    }

    #[test]
    fn the_time_ring_empties_as_the_prompt_runs() {
        let early = count(&render(&prompt_view(0.1), Lang::En), 0..H, CYAN);
        let late = count(&render(&prompt_view(0.8), Lang::En), 0..H, CYAN);
        assert!(early > 3 * late && late > 0, "{early} vs {late}");
    }

    /// A try that missed the bar replaces the "prompt i of n" line with
    /// what to change, in both languages, while the prompt stays open.
    #[test]
    fn a_missed_try_says_what_to_change() {
        let plain = prompt_view(0.5);
        let tried = View {
            last_try: Some(Try {
                reason: FailReason::TooFast,
                start_s: 0.2,
                end_s: 0.4,
                magnitude: 10.0,
            }),
            ..prompt_view(0.5)
        };
        let band = W * 4..W * (H / 5);
        for lang in [Lang::En, Lang::Zh] {
            let a = render(&plain, lang);
            let b = render(&tried, lang);
            assert_ne!(a[band.clone()], b[band.clone()], "{lang:?}");
        }
    }

    #[test]
    fn the_prompt_is_written_at_the_top_in_either_language() {
        let en = render(&prompt_view(0.5), Lang::En);
        let zh = render(&prompt_view(0.5), Lang::Zh);
        let top = 0..H / 8;
        assert!(count(&en, top.clone(), WHITE) > 200);
        assert!(count(&zh, top.clone(), WHITE) > 200);
        assert_ne!(en[..W * H / 8], zh[..W * H / 8]);
    }

    #[test]
    fn hints_show_only_while_they_last() {
        let mut v = prompt_view(0.5);
        let bottom = H * 3 / 4..H - 20;
        assert_eq!(count(&render(&v, Lang::En), bottom.clone(), AMBER), 0);
        v.hints = vec![HintCode::TooDark, HintCode::Backlit];
        assert!(count(&render(&v, Lang::En), bottom, AMBER) > 300);
    }

    #[test]
    fn the_result_screen_lists_failures_and_problems() {
        let failed = PromptResult {
            kind: EventKind::Nod,
            passed: false,
            reason: Some(FailReason::TooFast),
            start_s: 1.0,
            end_s: 2.0,
            start_frame: 30,
            end_frame: 60,
            movement_s: Some(0.2),
            magnitude: Some(12.0),
            tries: Vec::new(),
        };
        let mut v = View {
            screen: Screen::Result,
            results: vec![failed],
            attempt: 1,
            ..Default::default()
        };
        let without = render(&v, Lang::En);
        assert!(
            count(&without, 0..H / 3, RED) > 200,
            "the failed headline and mark"
        );
        v.seen = vec![HintCode::Backlit];
        let with = render(&v, Lang::En);
        assert!(
            count(&with, 0..H, AMBER) > count(&without, 0..H, AMBER) + 50,
            "the problem seen is listed"
        );
    }

    #[test]
    fn the_preview_is_mirrored() {
        // Left half of the camera image red: it shows on the right.
        let mut f = grey_frame();
        for y in 0..240 {
            for x in 0..160 {
                let i = (y * 320 + x) * 3;
                f.rgb[i..i + 3].copy_from_slice(&[255, 0, 0]);
            }
        }
        let mut r = Renderer::new().expect("font");
        let mut buf = vec![0u32; W * H];
        r.render(&mut buf, W, H, Some(&f), &View::default(), Lang::En, false);
        let row = &buf[(H / 2) * W..(H / 2 + 1) * W];
        assert_eq!(row[W - 5], 0xff0000);
        assert_ne!(row[5], 0xff0000);
    }
}
