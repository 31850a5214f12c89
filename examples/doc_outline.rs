//! Debugging aid for the document outline finder: composes a scene (as the
//! tests do) or reads a picture, prints what `document::find` returns and
//! writes the edge map it searched.
//!
//! `cargo run --release --example doc_outline -- PICTURE|--built OUT_DIR`
use liveness_coach::document::find;

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let img = if args.first().map(String::as_str) == Some("--built") {
        let doc = image::open("tests/fixtures/mrz-utopia-td3.png")?.to_rgb8();
        let table = image::open("tests/fixtures/coffee.png")?.to_rgb8();
        let scene = lc_eval::document::Scene {
            doc_width_share: 0.62,
            rotate_deg: 4.0,
            slant: 0.05,
            glare: std::env::var_os("GLARE").map(|_| ((0.45, 0.72), 0.08, 1.2)),
            ..Default::default()
        };
        let c = lc_eval::document::compose(&doc, &table, &scene);
        println!("truth {:?}", c.corners);
        c.picture
    } else {
        image::open(&args[0])?.to_rgb8()
    };
    let out = std::path::Path::new(args.get(1).map_or("/tmp", |s| s.as_str())).to_path_buf();
    img.save(out.join("picture.png"))?;
    let (w, h) = img.dimensions();
    let s = find::WORK_SIDE as f32 / w.max(h) as f32;
    let g = image::imageops::grayscale(&img);
    let g = image::imageops::resize(
        &g,
        (w as f32 * s) as u32,
        (h as f32 * s) as u32,
        image::imageops::FilterType::Triangle,
    );
    let g = imageproc::filter::gaussian_blur_f32(&g, 1.5);
    let e = imageproc::edges::canny(&g, 20.0, 50.0);
    e.save(out.join("edges.png"))?;
    // The text: the middle of the picture when built, else none known.
    let t = [
        [500.0, 380.0],
        [900.0, 380.0],
        [900.0, 560.0],
        [500.0, 560.0],
    ];
    println!("{:?}", find::find(&img, &t));
    Ok(())
}
