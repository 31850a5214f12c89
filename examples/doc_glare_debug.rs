//! Debugging aid: a document scan placed as eval_documents' glare scene,
//! measured. `cargo run --release --example doc_glare_debug -- SCAN`
fn main() -> anyhow::Result<()> {
    let a: Vec<String> = std::env::args().skip(1).collect();
    let doc = image::open(&a[0])?.to_rgb8();
    let table = image::open("tests/fixtures/coffee.png")?.to_rgb8();
    let s = lc_eval::document::Scene {
        glare: Some(((0.5, 0.4), 0.08, 1.1)),
        ..Default::default()
    };
    let c = lc_eval::document::compose(&doc, &table, &s);
    c.picture.save("/tmp/dbg/glare.png")?;
    let m = liveness_coach::document::quality::measure(&c.picture, &c.corners, &[]);
    println!("{m:?}");
    Ok(())
}
