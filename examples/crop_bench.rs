//! Probe: time of the crops the networks take from a 640x480 frame.
//! `cargo run --release --example crop_bench [-- RUNS]`

use liveness_coach::frame::Frame;
use liveness_coach::vision::roi::Roi;
use liveness_coach::vision::warp::{crop_to_tensor, UNIT};
use std::time::Instant;

fn main() {
    let runs: usize = std::env::args()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(3000);
    let (w, h) = (640u32, 480u32);
    let rgb: Vec<u8> = (0..w * h * 3).map(|i| (i * 7 % 251) as u8).collect();
    let Some(frame) = Frame::from_rgb(w, h, rgb) else {
        eprintln!("frame");
        return;
    };
    let cases = [
        (
            "mesh 192, inside",
            192,
            Roi {
                cx: 320.0,
                cy: 240.0,
                size: 300.0,
                angle: 0.1,
            },
        ),
        (
            "mesh 192, half outside",
            192,
            Roi {
                cx: 600.0,
                cy: 240.0,
                size: 300.0,
                angle: 0.1,
            },
        ),
        (
            "iris 64",
            64,
            Roi {
                cx: 280.0,
                cy: 200.0,
                size: 60.0,
                angle: 0.1,
            },
        ),
    ];
    for (name, n, roi) in cases {
        let mut out = vec![0.0f32; 3 * n * n];
        let mut v = Vec::with_capacity(runs);
        for _ in 0..runs {
            let t = Instant::now();
            crop_to_tensor(&frame, &roi, n, UNIT, false, &mut out);
            v.push(t.elapsed().as_secs_f64() * 1e6);
        }
        v.sort_by(f64::total_cmp);
        println!(
            "{name:<24} median {:7.1} us  p95 {:7.1}",
            v[runs / 2],
            v[runs * 95 / 100]
        );
    }
}
