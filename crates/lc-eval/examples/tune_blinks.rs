//! Blink thresholds chosen by leave-people-out evaluation on the ZJU clips.
//!
//! `cargo run --release -p lc-eval --example tune_blinks -- ../shared/eval/zju-dev --replay DIR [--eyes mesh|iris] [--grid FIELD=V,V,...]... [--anchor FIELD=V,...] [--score FIELD=V,...] [--threads N] [--top N]`
//!
//! `DIR` holds the per-clip analyses `eval_blinks --save DIR` wrote; only the
//! blink detector is re-run over their per-frame measures (no inference), for
//! every point of a grid of [`BlinkParams`], at 30 fps and at 15 fps (every
//! second frame, truth scaled). Scoring is `eval_blinks`'s: 2 frames of
//! slack, one to one, predictions in unannotated frames ignored.
//!
//! A choice on a set of people is the grid point with the best F1 averaged
//! over 30 and 15 fps on their clips; ties go to the best neighbour-smoothed
//! score (the mean over the point and its neighbours one grid step away on
//! each axis), then to the smallest change from the current defaults or
//! `--anchor` (grid steps, summed over axes). Reported, overall and per condition:
//! (a) in-sample: chosen on all ten people, scored on them;
//! (b) held out: chosen on people 1-5, scored on 6-10, and the other way;
//! (c) all 126 ways to split the ten people into two halves of five: each
//!     half scored with the choice made on the other half, both halves
//!     pooled (so every clip is scored by thresholds chosen without its
//!     person); mean and minimum over the 126 halvings.
//!
//! The last tie-break looks at the current defaults, which were themselves
//! chosen on all ten people: `--anchor FIELD=V,...` settles ties towards
//! another point instead (for example the values before a retuning), so that
//! the held-out figures owe nothing to the people held out.
//!
//! `--score FIELD=V,...` only scores the defaults with those fields changed
//! (all ten people, then each half), without tuning.
//!
//! `--grid FIELD=V,...` replaces an axis (or adds one) by field name of
//! `BlinkParams`, e.g. `--grid enter_min=0.04,0.05,0.06`.

use anyhow::{bail, Context, Result};
use lc_eval::eval::{blink_spans, keep_every, match_spans, replay_blinks, Counts, ZjuTruth};
use liveness_coach::analysis::EyeSource;
use liveness_coach::events::blink::BlinkParams;
use liveness_coach::record::FrameRecord;
use liveness_coach::report::json::AnalysisDoc;
use std::collections::BTreeMap;
use std::path::PathBuf;

/// The frame rates scored: every frame (30 fps) and every second one (15 fps).
const EVERY: [u64; 2] = [1, 2];

struct Clip {
    person: String,
    cond: String,
    /// Frames and truth at each rate of `EVERY`.
    frames: Vec<Vec<FrameRecord>>,
    truth: Vec<ZjuTruth>,
}

struct Axis {
    name: String,
    values: Vec<f64>,
}

/// Sets the field `name` of `p`.
fn set(p: &mut BlinkParams, name: &str, v: f64) -> Result<()> {
    match name {
        "window_s" => p.window_s = v,
        "open_quantile" => p.open_quantile = v as f32,
        "warmup_s" => p.warmup_s = v,
        "enter_min" => p.enter_min = v as f32,
        "enter_noise_k" => p.enter_noise_k = v as f32,
        "depth_min" => p.depth_min = v as f32,
        "depth_noise_k" => p.depth_noise_k = v as f32,
        "max_duration_s" => p.max_duration_s = v,
        "exit_fraction" => p.exit_fraction = v as f32,
        "recover_of_peak" => p.recover_of_peak = v as f32,
        "max_pitch_change_deg" => p.max_pitch_change_deg = v as f32,
        "max_yaw_change_deg" => p.max_yaw_change_deg = v as f32,
        "pose_lookback_s" => p.pose_lookback_s = v,
        "noise_min_steps" => p.noise_min_steps = v.round().max(0.0) as usize,
        "initial_noise" => p.initial_noise = v as f32,
        _ => bail!("unknown BlinkParams field {name}"),
    }
    Ok(())
}

/// The field `name` of `p` (a known name: checked by `set` first), `f32`
/// fields as their shortest decimal (0.12, not 0.11999999731779099).
fn get(p: &BlinkParams, name: &str) -> f64 {
    let v = get_raw(p, name);
    let short = (v as f32).to_string().parse::<f64>().unwrap_or(v);
    if same(short, v) {
        short
    } else {
        v
    }
}

fn get_raw(p: &BlinkParams, name: &str) -> f64 {
    match name {
        "window_s" => p.window_s,
        "open_quantile" => p.open_quantile as f64,
        "warmup_s" => p.warmup_s,
        "enter_min" => p.enter_min as f64,
        "enter_noise_k" => p.enter_noise_k as f64,
        "depth_min" => p.depth_min as f64,
        "depth_noise_k" => p.depth_noise_k as f64,
        "max_duration_s" => p.max_duration_s,
        "exit_fraction" => p.exit_fraction as f64,
        "recover_of_peak" => p.recover_of_peak as f64,
        "max_pitch_change_deg" => p.max_pitch_change_deg as f64,
        "max_yaw_change_deg" => p.max_yaw_change_deg as f64,
        "pose_lookback_s" => p.pose_lookback_s,
        "noise_min_steps" => p.noise_min_steps as f64,
        "initial_noise" => p.initial_noise as f64,
        _ => f64::NAN,
    }
}

/// Values equal as the detector would see them (`f32` fields).
fn same(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-6 * a.abs().max(b.abs()).max(1.0)
}

/// The grid: axes and every combination, as one index per axis.
struct Grid {
    axes: Vec<Axis>,
    points: Vec<Vec<usize>>,
    /// Index per axis of the defaults.
    default: Vec<usize>,
    /// Index per axis of the point ties are settled towards (`--anchor`;
    /// the defaults unless given).
    anchor: Vec<usize>,
}

impl Grid {
    fn new(mut axes: Vec<Axis>, anchor: &BlinkParams) -> Result<Grid> {
        let d = BlinkParams::default();
        let (mut default, mut anchor_at) = (Vec::new(), Vec::new());
        for a in &mut axes {
            set(&mut BlinkParams::default(), &a.name, 0.0)?;
            // The defaults and the anchor are always on the grid.
            for v in [get(&d, &a.name), get(anchor, &a.name)] {
                if !a.values.iter().any(|x| same(*x, v)) {
                    a.values.push(v);
                }
            }
            a.values.sort_by(f64::total_cmp);
            a.values.dedup_by(|x, y| same(*x, *y));
            let at = |v: f64| a.values.iter().position(|x| same(*x, v)).unwrap_or(0);
            default.push(at(get(&d, &a.name)));
            anchor_at.push(at(get(anchor, &a.name)));
        }
        let mut points = vec![vec![]];
        for a in &axes {
            points = points
                .into_iter()
                .flat_map(|p| {
                    (0..a.values.len()).map(move |i| {
                        let mut q = p.clone();
                        q.push(i);
                        q
                    })
                })
                .collect();
        }
        Ok(Grid {
            axes,
            points,
            default,
            anchor: anchor_at,
        })
    }

    fn params(&self, point: &[usize]) -> BlinkParams {
        let mut p = BlinkParams::default();
        for (a, &i) in self.axes.iter().zip(point) {
            // Names were checked in `new`.
            let _ = set(&mut p, &a.name, a.values[i]);
        }
        p
    }

    fn describe(&self, k: usize) -> String {
        self.axes
            .iter()
            .zip(&self.points[k])
            .map(|(a, &i)| format!("{}={}", a.name, a.values[i]))
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// The grid points one step down and one step up on each axis; past
    /// the edge of an axis, the point itself (so that a point on the edge is
    /// not favoured for having fewer neighbours to be compared with). An
    /// axis of one value has no neighbours.
    fn neighbours(&self, k: usize) -> Vec<usize> {
        let p = &self.points[k];
        let mut out = Vec::new();
        let mut stride = 1;
        // Points are in mixed radix with the last axis fastest.
        for (ax, a) in self.axes.iter().enumerate().rev() {
            if a.values.len() > 1 {
                out.push(if p[ax] > 0 { k - stride } else { k });
                out.push(if p[ax] + 1 < a.values.len() {
                    k + stride
                } else {
                    k
                });
            }
            stride *= a.values.len();
        }
        out
    }

    fn change_from_anchor(&self, k: usize) -> usize {
        self.points[k]
            .iter()
            .zip(&self.anchor)
            .map(|(a, b)| a.abs_diff(*b))
            .sum()
    }
}

/// Counts per grid point, clip and rate.
struct Table {
    counts: Vec<Vec<[Counts; 2]>>,
}

impl Table {
    fn pooled(&self, k: usize, clips: &[usize], rate: usize) -> Counts {
        let mut c = Counts::default();
        for &i in clips {
            c.add(self.counts[k][i][rate]);
        }
        c
    }

    /// F1 averaged over both rates, pooled over `clips`.
    fn score(&self, k: usize, clips: &[usize]) -> f64 {
        (self.pooled(k, clips, 0).f1() + self.pooled(k, clips, 1).f1()) / 2.0
    }

    /// The grid point chosen on `clips`.
    fn choose(&self, grid: &Grid, clips: &[usize]) -> usize {
        let score: Vec<f64> = (0..grid.points.len())
            .map(|k| self.score(k, clips))
            .collect();
        let smooth = |k: usize| smoothed(grid, &score, k);
        let mut best = 0;
        for k in 1..grid.points.len() {
            let better = if score[k] != score[best] {
                score[k] > score[best]
            } else {
                let (a, b) = (smooth(k), smooth(best));
                if (a - b).abs() > 1e-12 {
                    a > b
                } else {
                    grid.change_from_anchor(k) < grid.change_from_anchor(best)
                }
            };
            if better {
                best = k;
            }
        }
        best
    }
}

/// The mean score over `k` and its neighbours (`Grid::neighbours`).
fn smoothed(grid: &Grid, score: &[f64], k: usize) -> f64 {
    let n = grid.neighbours(k);
    (score[k] + n.iter().map(|&j| score[j]).sum::<f64>()) / (1 + n.len()) as f64
}

/// F1 per condition and over all of `clips`, at both rates, with the
/// thresholds chosen per clip by `pick` (the grid point each clip is scored with).
fn f1_rows(
    table: &Table,
    clips: &[Clip],
    which: &[usize],
    pick: impl Fn(usize) -> usize,
) -> BTreeMap<String, [Counts; 2]> {
    let mut out: BTreeMap<String, [Counts; 2]> = BTreeMap::new();
    for &i in which {
        let k = pick(i);
        for r in 0..2 {
            let c = table.counts[k][i][r];
            out.entry(clips[i].cond.clone()).or_default()[r].add(c);
            out.entry("all".into()).or_default()[r].add(c);
        }
    }
    out
}

fn print_rows(title: &str, rows: &BTreeMap<String, [Counts; 2]>) {
    println!("{title}");
    println!(
        "  {:<5} {:>8} {:>8}   (tp/fp/fn at 30 fps | 15 fps)",
        "cond", "F1@30", "F1@15"
    );
    for (cond, [a, b]) in rows {
        println!(
            "  {cond:<5} {:>8.3} {:>8.3}   {}/{}/{} | {}/{}/{}",
            a.f1(),
            b.f1(),
            a.tp,
            a.fp,
            a.fn_,
            b.tp,
            b.fp,
            b.fn_
        );
    }
}

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let usage = "usage: tune_blinks ZJU_DIR --replay DIR [--eyes mesh|iris] [--grid FIELD=V,V,...]... [--threads N]";
    let root = PathBuf::from(args.first().context(usage)?);
    let flag = |name: &str| {
        args.iter()
            .position(|a| a == name)
            .and_then(|i| args.get(i + 1))
            .cloned()
    };
    let replay = PathBuf::from(flag("--replay").context(usage)?);
    let eyes = match flag("--eyes").as_deref() {
        Some("mesh") => EyeSource::Mesh,
        _ => EyeSource::Iris,
    };
    let threads: usize = flag("--threads")
        .and_then(|v| v.parse().ok())
        .unwrap_or(2)
        .max(1);

    let mut axes: Vec<Axis> = [
        ("depth_noise_k", vec![3.0, 4.0, 5.0, 6.0, 7.0]),
        ("depth_min", vec![0.08, 0.10, 0.12, 0.14, 0.16]),
        ("recover_of_peak", vec![0.2, 0.3, 0.4, 0.5]),
        ("max_duration_s", vec![0.6, 0.8, 1.0, 1.2]),
        ("enter_noise_k", vec![2.0, 3.0, 4.0]),
    ]
    .into_iter()
    .map(|(n, v)| Axis {
        name: n.to_string(),
        values: v,
    })
    .collect();
    for (i, a) in args.iter().enumerate() {
        if a != "--grid" {
            continue;
        }
        let spec = args.get(i + 1).context(usage)?;
        let (name, vals) = spec.split_once('=').context("--grid FIELD=V,V,...")?;
        let values = vals
            .split(',')
            .map(|v| v.trim().parse::<f64>())
            .collect::<Result<Vec<_>, _>>()
            .with_context(|| format!("--grid {spec}"))?;
        axes.retain(|a| a.name != name);
        axes.push(Axis {
            name: name.to_string(),
            values,
        });
    }
    let parse_point = |spec: &str| -> Result<BlinkParams> {
        let mut p = BlinkParams::default();
        for kv in spec.split(',') {
            let (name, v) = kv.split_once('=').context("FIELD=V,FIELD=V,...")?;
            let v: f64 = v.trim().parse().with_context(|| kv.to_string())?;
            set(&mut p, name.trim(), v)?;
        }
        Ok(p)
    };
    let anchor = match flag("--anchor") {
        Some(spec) => parse_point(&spec).context("--anchor")?,
        None => BlinkParams::default(),
    };
    let only = match flag("--score") {
        Some(spec) => Some(parse_point(&spec).context("--score")?),
        None => None,
    };
    let grid = Grid::new(axes, &anchor)?;

    let mut names: Vec<String> = std::fs::read_dir(root.join("clips"))
        .with_context(|| format!("reading {}", root.join("clips").display()))?
        .filter_map(|e| e.ok()?.path().file_stem()?.to_str().map(String::from))
        .collect();
    names.sort();
    let mut clips = Vec::new();
    for name in &names {
        let truth = ZjuTruth::load(&root.join("gt"), name)?;
        let path = replay.join(format!("{name}.json"));
        let doc: AnalysisDoc = serde_json::from_slice(
            &std::fs::read(&path).with_context(|| format!("reading {}", path.display()))?,
        )
        .with_context(|| format!("parsing {}", path.display()))?;
        let (person, cond) = name.split_once('_').unwrap_or((name, "?"));
        clips.push(Clip {
            person: person.to_string(),
            cond: cond.to_string(),
            frames: EVERY.iter().map(|&k| keep_every(&doc.frames, k)).collect(),
            truth: EVERY.iter().map(|&k| truth.keep_every(k)).collect(),
        });
    }
    let mut people: Vec<String> = clips.iter().map(|c| c.person.clone()).collect();
    people.sort();
    people.dedup();
    if people.len() != 10 {
        bail!("expected 10 people, found {}", people.len());
    }
    let clips_of = |ps: &[usize]| -> Vec<usize> {
        (0..clips.len())
            .filter(|&i| ps.iter().any(|&p| people[p] == clips[i].person))
            .collect()
    };
    println!(
        "{} clips of {} people, eyelids {}, {} grid points:",
        clips.len(),
        people.len(),
        if eyes == EyeSource::Iris {
            "iris"
        } else {
            "mesh"
        },
        grid.points.len()
    );
    for a in &grid.axes {
        println!("  {}: {:?}", a.name, a.values);
    }

    // `--score`: one point on everybody and on each half, no tuning.
    if let Some(p) = only {
        let counts: Vec<[Counts; 2]> = clips
            .iter()
            .map(|c| {
                let mut out = [Counts::default(); 2];
                for (r, o) in out.iter_mut().enumerate() {
                    let pred = blink_spans(&replay_blinks(&c.frames[r], eyes, p));
                    *o = match_spans(&c.truth[r].known(&pred), &c.truth[r].blinks, 2);
                }
                out
            })
            .collect();
        let table = Table {
            counts: vec![counts],
        };
        println!("\n{p:?}");
        for (title, ps) in [
            ("all 10 people:", (0..10).collect::<Vec<_>>()),
            ("people 1-5:", (0..5).collect()),
            ("people 6-10:", (5..10).collect()),
        ] {
            print_rows(title, &f1_rows(&table, &clips, &clips_of(&ps), |_| 0));
        }
        return Ok(());
    }

    // Every grid point on every clip at both rates.
    let score_point = |k: usize| -> Vec<[Counts; 2]> {
        let p = grid.params(&grid.points[k]);
        clips
            .iter()
            .map(|c| {
                let mut out = [Counts::default(); 2];
                for (r, o) in out.iter_mut().enumerate() {
                    let pred = blink_spans(&replay_blinks(&c.frames[r], eyes, p));
                    *o = match_spans(&c.truth[r].known(&pred), &c.truth[r].blinks, 2);
                }
                out
            })
            .collect()
    };
    let n = grid.points.len();
    let counts: Vec<Vec<[Counts; 2]>> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..threads)
            .map(|t| {
                let score_point = &score_point;
                s.spawn(move || {
                    (t..n)
                        .step_by(threads)
                        .map(|k| (k, score_point(k)))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        let mut all: Vec<(usize, Vec<[Counts; 2]>)> = handles
            .into_iter()
            .flat_map(|h| h.join().unwrap_or_default())
            .collect();
        all.sort_by_key(|(k, _)| *k);
        all.into_iter().map(|(_, c)| c).collect()
    });
    if counts.len() != n {
        bail!("a worker failed");
    }
    let table = Table { counts };
    let default_k = grid
        .points
        .iter()
        .position(|p| *p == grid.default)
        .context("defaults not on the grid")?;
    let everyone: Vec<usize> = (0..clips.len()).collect();

    let anchor_k = grid
        .points
        .iter()
        .position(|p| *p == grid.anchor)
        .context("anchor not on the grid")?;
    println!("\ncurrent defaults: {}", grid.describe(default_k));
    println!("ties settled towards: {}", grid.describe(anchor_k));
    print_rows(
        "in-sample, current defaults:",
        &f1_rows(&table, &clips, &everyone, |_| default_k),
    );

    // (a) In-sample.
    let all_k = table.choose(&grid, &everyone);
    println!(
        "\n(a) chosen on all 10 people: {}{}",
        grid.describe(all_k),
        if all_k == default_k {
            "  (= the current defaults)"
        } else {
            ""
        }
    );
    print_rows(
        "in-sample, chosen on all:",
        &f1_rows(&table, &clips, &everyone, |_| all_k),
    );
    let top: usize = flag("--top").and_then(|v| v.parse().ok()).unwrap_or(10);
    let score: Vec<f64> = (0..n).map(|k| table.score(k, &everyone)).collect();
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by(|&a, &b| {
        score[b]
            .total_cmp(&score[a])
            .then(smoothed(&grid, &score, b).total_cmp(&smoothed(&grid, &score, a)))
            .then(grid.change_from_anchor(a).cmp(&grid.change_from_anchor(b)))
    });
    println!(
        "best {top} in-sample (F1 mean of 30 and 15 fps, smoothed, grid steps from the anchor):"
    );
    for &k in order.iter().take(top) {
        println!(
            "  {:.4} {:.4} {:>2}  {}",
            score[k],
            smoothed(&grid, &score, k),
            grid.change_from_anchor(k),
            grid.describe(k)
        );
    }
    println!(
        "  the defaults: {:.4} {:.4}, rank {} of {n}",
        score[default_k],
        smoothed(&grid, &score, default_k),
        order
            .iter()
            .position(|&k| k == default_k)
            .map_or(0, |r| r + 1)
    );

    // (b) People 1-5 against 6-10.
    let first: Vec<usize> = (0..5).collect();
    let second: Vec<usize> = (5..10).collect();
    let (c1, c2) = (clips_of(&first), clips_of(&second));
    let (k1, k2) = (table.choose(&grid, &c1), table.choose(&grid, &c2));
    println!(
        "\n(b) chosen on people 1-5 ({}): {}",
        people[..5].join(","),
        grid.describe(k1)
    );
    println!(
        "    chosen on people 6-10 ({}): {}",
        people[5..].join(","),
        grid.describe(k2)
    );
    print_rows(
        "held out: people 6-10 scored with the choice on 1-5:",
        &f1_rows(&table, &clips, &c2, |_| k1),
    );
    print_rows(
        "held out: people 1-5 scored with the choice on 6-10:",
        &f1_rows(&table, &clips, &c1, |_| k2),
    );
    let c1_set: Vec<bool> = (0..clips.len()).map(|i| c1.contains(&i)).collect();
    print_rows(
        "held out, both directions pooled (all 40 clips):",
        &f1_rows(
            &table,
            &clips,
            &everyone,
            |i| if c1_set[i] { k2 } else { k1 },
        ),
    );

    // (c) All 126 halvings (the first person always in half A).
    println!("\n(c) the 126 halvings: half A, choice on A | choice on B, held-out F1 @30 @15");
    let mut stats: BTreeMap<String, [Vec<f64>; 2]> = BTreeMap::new();
    let mut chosen: BTreeMap<usize, usize> = BTreeMap::new();
    for mask in 0u32..(1 << 10) {
        if mask.count_ones() != 5 || mask & 1 == 0 {
            continue;
        }
        let a: Vec<usize> = (0..10).filter(|p| mask & (1 << p) != 0).collect();
        let b: Vec<usize> = (0..10).filter(|p| mask & (1 << p) == 0).collect();
        let (ca, cb) = (clips_of(&a), clips_of(&b));
        let (ka, kb) = (table.choose(&grid, &ca), table.choose(&grid, &cb));
        *chosen.entry(ka).or_default() += 1;
        *chosen.entry(kb).or_default() += 1;
        let in_a: Vec<bool> = (0..clips.len()).map(|i| ca.contains(&i)).collect();
        let rows = f1_rows(&table, &clips, &everyone, |i| if in_a[i] { kb } else { ka });
        for (cond, [x, y]) in &rows {
            let e = stats.entry(cond.clone()).or_default();
            e[0].push(x.f1());
            e[1].push(y.f1());
        }
        let all = rows.get("all").copied().unwrap_or_default();
        println!(
            "  A {:<34} {} | {}  {:.3} {:.3}",
            a.iter()
                .map(|&p| people[p].as_str())
                .collect::<Vec<_>>()
                .join(","),
            grid.describe(ka),
            grid.describe(kb),
            all[0].f1(),
            all[1].f1()
        );
    }
    println!(
        "\nheld-out F1 over the 126 halvings (each half scored with the other's choice, pooled):"
    );
    println!(
        "  {:<5} {:>9} {:>8} {:>9} {:>8}",
        "cond", "mean@30", "min@30", "mean@15", "min@15"
    );
    for (cond, [x, y]) in &stats {
        let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len().max(1) as f64;
        let min = |v: &[f64]| v.iter().copied().fold(f64::INFINITY, f64::min);
        println!(
            "  {cond:<5} {:>9.3} {:>8.3} {:>9.3} {:>8.3}",
            mean(x),
            min(x),
            mean(y),
            min(y)
        );
    }
    println!("\nvalue chosen on the 252 halves, per axis:");
    for (ax, a) in grid.axes.iter().enumerate() {
        let row: Vec<String> = a
            .values
            .iter()
            .enumerate()
            .map(|(i, v)| {
                let n: usize = chosen
                    .iter()
                    .filter(|(k, _)| grid.points[**k][ax] == i)
                    .map(|(_, n)| n)
                    .sum();
                format!("{v}: {n}")
            })
            .collect();
        println!("  {:<16} {}", a.name, row.join(", "));
    }
    let mut freq: Vec<(usize, usize)> = chosen.into_iter().collect();
    freq.sort_by_key(|(k, n)| (std::cmp::Reverse(*n), *k));
    println!("\nchoices made on the 252 halves, most frequent first:");
    for (k, n) in freq.iter().take(10) {
        println!(
            "  {n:>4}  {}{}",
            grid.describe(*k),
            if *k == all_k {
                "  (the in-sample choice)"
            } else {
                ""
            }
        );
    }
    Ok(())
}
