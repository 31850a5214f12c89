//! `"issues"` in the analysis JSON: what would make a check fail, on
//! constructed clips whose truth is known.

mod common;
use common::*;
use serde_json::Value;

fn issues_of(clip: &std::path::Path) -> (Value, Vec<String>) {
    let out = run(&["analyze", clip.to_str().expect("path"), "--json", "-", "-q"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let doc: Value = serde_json::from_slice(&out.stdout).expect("json");
    let codes = doc["issues"]
        .as_array()
        .expect("issues")
        .iter()
        .filter_map(|i| i["code"].as_str().map(str::to_string))
        .collect();
    (doc, codes)
}

#[test]
fn a_well_framed_well_lit_face_raises_no_issue() {
    let clip = tmp("framed.y4m");
    std::fs::write(&clip, y4m_of(&framed_face(), 45, 30)).expect("write");
    let (_, codes) = issues_of(&clip);
    assert!(codes.is_empty(), "{codes:?}");
}

#[test]
fn two_people_in_view_are_named() {
    let face = framed_face();
    let mut two = image::RgbImage::new(face.width() * 2, face.height());
    image::imageops::replace(&mut two, &face, 0, 0);
    image::imageops::replace(
        &mut two,
        &image::imageops::flip_horizontal(&face),
        face.width() as i64,
        0,
    );
    let clip = tmp("two.y4m");
    std::fs::write(&clip, y4m_of(&two, 45, 30)).expect("write");
    let (doc, codes) = issues_of(&clip);
    assert_eq!(doc["frames"][0]["faces_detected"], 2);
    assert!(codes.contains(&"multiple_faces".to_string()), "{codes:?}");
    let i = &doc["issues"][codes
        .iter()
        .position(|c| c == "multiple_faces")
        .expect("code")];
    assert!(i["advice"]["en"]
        .as_str()
        .is_some_and(|s| s.contains("alone")));
    assert!(i["advice"]["zh"]
        .as_str()
        .is_some_and(|s| s.contains("一人")));
    assert_eq!(i["value"], 2.0);
}

#[test]
fn a_clip_with_no_face_has_one_no_face_issue_over_it() {
    let img = image::open(fixture("coffee.png"))
        .expect("fixture")
        .to_rgb8();
    let clip = tmp("cup.y4m");
    std::fs::write(&clip, y4m_of(&img, 45, 30)).expect("write");
    let (doc, codes) = issues_of(&clip);
    assert_eq!(codes, vec!["no_face".to_string()]);
    assert_eq!(doc["issues"][0]["start_frame"], 0);
    assert_eq!(doc["issues"][0]["end_frame"], 44);
}

/// The codes `analyze` raises for one second of the framed face altered
/// with the project's alteration tool (the same alterations docs/hints.md
/// measures on real footage), applied in order; `grey` then takes the
/// colour out (R = G = B), as a greyscale camera gives it: there the pixel
/// rules decide what covers the face, not the cover models
/// (`vision::cover::colourless`).
fn altered_codes(alts: &[&str], grey: bool) -> Vec<String> {
    use lc_eval::alter::{apply, Alteration};
    use liveness_coach::frame::Frame;
    let face = framed_face();
    let (w, h) = face.dimensions();
    let frame = Frame::from_rgb(w, h, face.into_raw()).expect("frame");
    let files = liveness_coach::models::ModelFiles::embedded().expect("models");
    let mut mesh = liveness_coach::vision::Perception::new(&files, false).expect("mesh");
    let marks = mesh
        .process(&frame, &mut ())
        .expect("perception")
        .face
        .expect("a face")
        .landmarks;
    let mut f = frame.clone();
    for alt in alts {
        let a: Alteration = alt.parse().expect("alteration");
        assert!(apply(&a, &mut f, Some(&marks)), "{alt}");
    }
    if grey {
        for p in f.rgb.chunks_exact_mut(3) {
            let y = (0.299 * p[0] as f32 + 0.587 * p[1] as f32 + 0.114 * p[2] as f32).round() as u8;
            p.fill(y);
        }
    }
    let img = image::RgbImage::from_raw(w, h, f.rgb).expect("image");
    let grey_tag = if grey { "-grey" } else { "" };
    let clip = tmp(&format!(
        "altered-{}{grey_tag}.y4m",
        alts.join("+").replace(':', "_")
    ));
    std::fs::write(&clip, y4m_of(&img, 30, 30)).expect("write");
    issues_of(&clip).1
}

/// Each alteration names its code. The drawn brim (a flat dark band over
/// the forehead) is named by the pixel rule, which decides in greyscale
/// pictures; in colour the cover models, learned from real hats, decide,
/// and they do not take the band for a hat (held out on the zju clips: 0 of
/// 20 drawn brims, while real hats on photos are found at 0.82 / 0.52,
/// docs/occlusion.md), so the colour case is not asked of them here.
#[test]
fn altered_faces_name_their_problem() {
    for (alt, code, grey) in [
        ("darken:0.25", "too_dark", false),
        ("overexpose:1.8", "too_bright", false),
        ("sunglasses", "sunglasses", false),
        ("mask", "mask", false),
        ("brim", "hat", true),
        ("darken_side:0.4", "uneven_light", false),
        ("hair_over_eyes", "hair_over_eyes", false),
    ] {
        let codes = altered_codes(&[alt], grey);
        assert!(codes.contains(&code.to_string()), "{alt}: {codes:?}");
    }
}

#[test]
fn a_flickering_lamp_is_named_where_the_frame_rate_shows_it() {
    use lc_eval::alter::{apply, Alteration};
    use liveness_coach::frame::Frame;
    use liveness_coach::source::y4m_write::Y4mWriter;
    let face = framed_face();
    let (w, h) = face.dimensions();
    let still = Frame::from_rgb(w, h, face.into_raw()).expect("frame");
    // A 100 Hz lamp pulsing 5% deep, filmed at 30 fps (seen as 10 Hz) and at
    // 25 fps (invisible between frames: nothing to measure, nothing raised).
    for (fps, expect) in [(30.0, true), (25.0, false)] {
        let path = tmp(&format!("flicker-{fps}.y4m"));
        let file = std::fs::File::create(&path).expect("create");
        let mut out = Y4mWriter::new(std::io::BufWriter::new(file), w, h, fps).expect("y4m");
        for i in 0..(2.0 * fps) as u64 {
            let mut f = still.clone();
            f.index = i;
            f.time_s = i as f64 / fps;
            assert!(apply(&Alteration::Flicker(0.05), &mut f, None));
            out.write(&f).expect("frame");
        }
        out.finish().expect("finish");
        let (_, codes) = issues_of(&path);
        assert_eq!(
            codes.contains(&"flicker".to_string()),
            expect,
            "{fps} fps: {codes:?}"
        );
    }
}
