//! The machine-readable zone among the lines OCR read: which lines it is,
//! their characters made MRZ characters, and the zone parsed.
//!
//! MRZ lines are recognised by their look alone (ICAO 9303-3: characters
//! `0-9 A-Z <`, 30, 36 or 44 a line, two or three lines one under the other
//! at the bottom of the page), never by what the page says elsewhere. OCR
//! miscounts long runs of the filler `<` more than anything else: a line a
//! few characters off its length gets its longest filler run evened out,
//! and the check digits then say whether the result is right.

use super::ctc::Steps;
use super::date::Date;
use super::mrz::{self, Mrz};
use super::ocr::{Ocr, TextBox, TextLine};

/// MRZ line lengths (ICAO 9303: TD1 30, TD2 and MRV-B 36, TD3 and MRV-A 44).
pub const MRZ_LENGTHS: [usize; 3] = [30, 36, 44];
/// A line read up to this many characters short or long of an MRZ length
/// still counts as one (its filler run is evened out; see module text).
pub const LENGTH_SLACK: usize = 3;
/// A line is MRZ-like when it is at least this long in MRZ characters and
/// has a filler `<` (a shorter line of capitals is ordinary text). Such a
/// line with no complete zone around it makes the zone `mrz_unreadable`.
pub const MRZ_LIKE_MIN_CHARS: usize = 20;
/// A name line (TD3 and MRV line 1, TD1 line 3: names, then filler to the
/// end) read short but ending in at least this many fillers is padded with
/// fillers to its zone's length: the text detector often stops where the
/// faint `<<<` run begins (the Czech specimen's 27 of 44 characters), and
/// names never hold three fillers in a row (ICAO 9303-3: `<<` between
/// surname and given names, `<` between their parts), so the read had
/// reached the final filler and nothing of the name is lost.
pub const NAME_LINE_MIN_FILL: usize = 3;

/// Boxes side by side are one line when their centres are within this share
/// of the taller box's height vertically.
const SAME_ROW_SHARE: f32 = 0.5;
/// ...and when the shorter box is at least this share of the taller one's
/// height: the parts of one printed line have its height, while a word
/// printed vertically beside the zone (the UK visa specimen's serial, 75
/// pixels tall beside a 16-pixel MRZ line) is no part of it.
const SAME_ROW_MIN_HEIGHT_RATIO: f32 = 0.6;

/// What the lines hold.
#[derive(Clone, Debug, PartialEq)]
pub enum Zone {
    /// A zone of a known format, parsed (its check digits may still fail).
    Read(Box<Mrz>),
    /// Lines that look like a zone, but no complete one: the lines as read.
    Unreadable(Vec<String>),
    /// No MRZ-like line.
    Absent,
}

/// MRZ characters of one OCR line, or `None` when it has anything else.
/// Beyond [`mrz::normalize_line`]: the recogniser's Chinese dictionary
/// gives `《` and `く` shapes for the filler.
pub fn mrz_chars(text: &str) -> Option<String> {
    let t: String = text
        .chars()
        .map(|c| if FILLER_SHAPES.contains(&c) { '<' } else { c })
        .collect();
    mrz::normalize_line(&t)
}

/// The recogniser's dictionary's shapes read as the filler `<`.
pub const FILLER_SHAPES: [char; 5] = ['《', '〈', '‹', '＜', 'く'];

/// One row of text: its boxes joined left to right, the centre height and
/// the height of its first box, and its extent left to right.
#[derive(Clone, Debug, PartialEq)]
pub struct Row {
    pub text: String,
    pub y: f32,
    pub height: f32,
    pub x: (f32, f32),
}

/// The lines of one zone are printed one under the other, left-aligned and
/// as wide as each other: a row overlapping another by at least this share
/// of the narrower one's width can be the next line of its zone (a caption
/// beside the zone, "Machine Readable Zone (MRZ)" on the Canadian specimen,
/// between its two lines in height, cannot).
const ZONE_MIN_OVERLAP: f32 = 0.5;

/// Whether `b` can be a line of the zone whose line `a` is: the same
/// height ([`similar_height`]) and under it ([`ZONE_MIN_OVERLAP`]).
fn same_zone(a: &Row, b: &Row) -> bool {
    let overlap = a.x.1.min(b.x.1) - a.x.0.max(b.x.0);
    let narrower = (a.x.1 - a.x.0).min(b.x.1 - b.x.0);
    similar_height(a.height, b.height) && overlap >= ZONE_MIN_OVERLAP * narrower
}

/// Whether boxes of heights `a` and `b` can be parts of one printed line
/// ([`SAME_ROW_MIN_HEIGHT_RATIO`]).
fn similar_height(a: f32, b: f32) -> bool {
    a.min(b) >= SAME_ROW_MIN_HEIGHT_RATIO * a.max(b)
}

/// Rows of text, top to bottom: boxes on the same row joined left to right
/// (the detector sometimes splits an MRZ line at a long filler run).
pub fn rows(lines: &[TextLine]) -> Vec<Row> {
    let mut rows: Vec<Vec<&TextLine>> = Vec::new();
    for l in lines {
        let (_, cy) = l.region.centre();
        let (_, h) = l.region.size();
        let found = rows.iter_mut().find(|r| {
            let (_, ry) = r[0].region.centre();
            let (_, rh) = r[0].region.size();
            (cy - ry).abs() < SAME_ROW_SHARE * h.max(rh) && similar_height(h, rh)
        });
        match found {
            Some(r) => r.push(l),
            None => rows.push(vec![l]),
        }
    }
    let mut out: Vec<Row> = rows
        .iter_mut()
        .map(|r| {
            r.sort_by(|a, b| a.region.corners[0].0.total_cmp(&b.region.corners[0].0));
            let xs = r.iter().flat_map(|l| l.region.corners.iter().map(|c| c.0));
            let x = xs.fold((f32::INFINITY, f32::NEG_INFINITY), |(a, b), v| {
                (a.min(v), b.max(v))
            });
            Row {
                text: r
                    .iter()
                    .map(|l| l.text.as_str())
                    .collect::<Vec<_>>()
                    .join(""),
                y: r[0].region.centre().1,
                height: r[0].region.size().1,
                x,
            }
        })
        .collect();
    out.sort_by(|a, b| a.y.total_cmp(&b.y));
    out
}

/// `line` brought to `len` characters by lengthening or shortening its
/// longest run of `<` (or its end, when it has none); `None` when it is
/// further than [`LENGTH_SLACK`] away.
pub fn fit_length(line: &str, len: usize) -> Option<String> {
    let chars: Vec<char> = line.chars().collect();
    let n = chars.len();
    if n == len {
        return Some(line.to_string());
    }
    if n.abs_diff(len) > LENGTH_SLACK {
        return None;
    }
    // The longest run of fillers (the last one on a tie: names end in one).
    let (mut best, mut best_len) = (None, 0usize);
    let mut i = 0;
    while i < n {
        if chars[i] == '<' {
            let s = i;
            while i < n && chars[i] == '<' {
                i += 1;
            }
            if i - s >= best_len {
                best = Some((s, i));
                best_len = i - s;
            }
        } else {
            i += 1;
        }
    }
    let mut out = chars.clone();
    match best {
        Some((s, e)) if n > len => {
            if e - s < n - len {
                return None;
            }
            out.drain(s..s + (n - len));
        }
        Some((_, e)) => {
            for _ in 0..(len - n) {
                out.insert(e, '<');
            }
        }
        None if n > len => return None,
        None => out.extend(std::iter::repeat_n('<', len - n)),
    }
    Some(out.into_iter().collect())
}

/// `line` as the name line of a `len`-character zone: [`fit_length`], or
/// padded with fillers when it ends in [`NAME_LINE_MIN_FILL`] of them.
pub fn fit_name_line(line: &str, len: usize) -> Option<String> {
    if let Some(l) = fit_length(line, len) {
        return Some(l);
    }
    let n = line.chars().count();
    let trailing = line.chars().rev().take_while(|&c| c == '<').count();
    (n < len && trailing >= NAME_LINE_MIN_FILL && n >= MRZ_LIKE_MIN_CHARS)
        .then(|| format!("{line}{}", "<".repeat(len - n)))
}

fn mrz_like(line: &str) -> bool {
    line.chars().count() >= MRZ_LIKE_MIN_CHARS && line.contains('<')
}

/// The zone among `lines` (in reading order). Dates get their century from
/// `today`.
pub fn find(lines: &[TextLine], today: Date) -> Zone {
    let all = rows(lines);
    let rows: Vec<Option<String>> = all.iter().map(|r| mrz_chars(&r.text)).collect();
    let mut best: Option<(usize, Mrz)> = None;
    let mut consider = |cand: Vec<String>| {
        let refs: Vec<&str> = cand.iter().map(|s| s.as_str()).collect();
        if let Ok(m) = mrz::parse(&refs, today) {
            let failed = m.failed_checks().len() + m.problems.len();
            // Fewer failures wins; on a tie the zone with more lines.
            let key = failed * 10 + (3 - refs.len().min(3));
            if best.as_ref().is_none_or(|(k, _)| key < *k) {
                best = Some((key, m));
            }
        }
    };
    for (i, r) in rows.iter().enumerate() {
        let Some(first) = r else { continue };
        // The zone's next lines: the rows below printed at the same height
        // and under this one (a vertical word or a caption beside the zone
        // is not one of them).
        let below: Vec<usize> = (i + 1..rows.len())
            .filter(|&j| same_zone(&all[i], &all[j]))
            .take(2)
            .collect();
        for &len in &MRZ_LENGTHS {
            let row = |k: usize, fit: fn(&str, usize) -> Option<String>| -> Option<String> {
                below
                    .get(k - 1)
                    .and_then(|&j| rows[j].as_deref())
                    .and_then(|s| fit(s, len))
            };
            match len {
                30 => {
                    let Some(a) = fit_length(first, len) else {
                        continue;
                    };
                    if let (Some(b), Some(c)) = (row(1, fit_length), row(2, fit_name_line)) {
                        consider(vec![a.clone(), b, c]);
                    }
                    if a.starts_with('D') {
                        consider(vec![a.clone()]);
                    }
                }
                _ => {
                    if let (Some(a), Some(b)) = (fit_name_line(first, len), row(1, fit_length)) {
                        consider(vec![a, b]);
                    }
                }
            }
        }
    }
    if let Some((_, m)) = best {
        return Zone::Read(Box::new(m));
    }
    let like: Vec<String> = rows.into_iter().flatten().filter(|r| mrz_like(r)).collect();
    if like.is_empty() {
        Zone::Absent
    } else {
        Zone::Unreadable(like)
    }
}

/// Whether the zone was read with every check digit and field right.
pub fn is_valid(zone: &Zone) -> bool {
    matches!(zone, Zone::Read(m) if m.failed_checks().is_empty() && m.problems.is_empty())
}

/// How good a zone is, lower better: a read zone by its failed checks and
/// problems (then by more lines), before one unreadable, before none.
pub fn score(zone: &Zone) -> usize {
    match zone {
        Zone::Read(m) => {
            (m.failed_checks().len() + m.problems.len()) * 10 + (3 - m.lines.len().min(3))
        }
        Zone::Unreadable(_) => 10_000,
        Zone::Absent => 20_000,
    }
}

/// Re-read boxes reach this share of a line's height beyond the zone's
/// left and right ends: the text detector's box sometimes ends on a line's
/// first or last character and the recogniser then drops it (Monaco's
/// specimen read `<M00...` for `I<MCO...`).
pub const REREAD_PAD_SHARE: f32 = 0.6;
/// A row counts as a part of the zone's line above or below it when it
/// lies within this many line pitches of the zone (a line of which the
/// detector saw only the filler run at its end, Liechtenstein's
/// specimen's `<<<<<`).
const REREAD_MAX_PITCHES: f32 = 1.5;

/// Boxes for reading the zone's lines again, each spanning the whole zone
/// from its leftmost to its rightmost end ([`REREAD_PAD_SHARE`] beyond),
/// one per row of the zone and per part-seen row next to it: where the
/// detector split or cut a line (the US visa specimen's name line cut
/// after `HAPPY<<`), the recogniser then sees all of it. Empty without an
/// MRZ-like row. Upright boxes: an MRZ is read on a document that is not
/// turned far (more than that is `tilted`).
pub fn reread_boxes(lines: &[TextLine]) -> Vec<TextBox> {
    let all = rows(lines);
    let like: Vec<usize> = (0..all.len())
        .filter(|&i| mrz_chars(&all[i].text).is_some_and(|t| mrz_like(&t)))
        .collect();
    let Some(&first) = like.first() else {
        return Vec::new();
    };
    // The zone: the first MRZ-like row and the rows under it in the zone.
    let mut zone: Vec<usize> = vec![first];
    zone.extend((first + 1..all.len()).filter(|&j| same_zone(&all[first], &all[j])));
    zone.truncate(3);
    let height = {
        let mut h: Vec<f32> = zone.iter().map(|&i| all[i].height).collect();
        h.sort_by(f32::total_cmp);
        h[h.len() / 2]
    };
    let pitch = if zone.len() >= 2 {
        (all[zone[zone.len() - 1]].y - all[zone[0]].y) / (zone.len() - 1) as f32
    } else {
        height * 1.5
    };
    // A TD1 zone (three lines of 30) seen on fewer lines: rows part-seen
    // just above or below it (a fragment of its missing line). Zones of 36
    // and 44 characters have two lines.
    let longest = zone
        .iter()
        .filter_map(|&i| mrz_chars(&all[i].text))
        .map(|t| t.chars().count())
        .max()
        .unwrap_or(0);
    let td1 = longest <= MRZ_LENGTHS[0] + LENGTH_SLACK;
    let (top, bottom) = (all[zone[0]].y, all[zone[zone.len() - 1]].y);
    for (j, r) in all.iter().enumerate() {
        let near = (r.y < top && top - r.y <= REREAD_MAX_PITCHES * pitch)
            || (r.y > bottom && r.y - bottom <= REREAD_MAX_PITCHES * pitch);
        if td1 && near && zone.len() < 3 && !zone.contains(&j) && same_zone(&all[zone[0]], r) {
            zone.push(j);
        }
    }
    // The lines' direction: that of the widest MRZ-like box (a document
    // turned a few degrees turns its lines with it).
    let (sin, cos) = lines
        .iter()
        .filter(|l| mrz_chars(&l.text).is_some_and(|t| mrz_like(&t)))
        .max_by(|a, b| a.region.size().0.total_cmp(&b.region.size().0))
        .map_or((0.0, 1.0), |l| {
            let c = l.region.corners;
            (c[1].1 - c[0].1).atan2(c[1].0 - c[0].0).sin_cos()
        });
    // Each row's centre along (s) and across (t) that direction; the zone
    // spans the union of the rows along it.
    let along = |r: &Row| {
        let cx = (r.x.0 + r.x.1) / 2.0;
        let half = (r.x.1 - r.x.0) / 2.0;
        let s = cx * cos + r.y * sin;
        (s - half, s + half, -cx * sin + r.y * cos)
    };
    let (s0, s1) = zone
        .iter()
        .map(|&i| along(&all[i]))
        .fold((f32::INFINITY, f32::NEG_INFINITY), |(a, b), (l, r, _)| {
            (a.min(l), b.max(r))
        });
    let pad = REREAD_PAD_SHARE * height;
    let (s0, s1) = (s0 - pad, s1 + pad);
    let mut ts: Vec<f32> = zone.iter().map(|&i| along(&all[i]).2).collect();
    ts.sort_by(f32::total_cmp);
    let at = |s: f32, t: f32| (s * cos - t * sin, s * sin + t * cos);
    ts.into_iter()
        .map(|t| {
            let (t0, t1) = (t - height / 2.0, t + height / 2.0);
            super::ocr::TextBox {
                corners: [at(s0, t0), at(s1, t0), at(s1, t1), at(s0, t1)],
                score: 1.0,
            }
        })
        .collect()
}

/// The re-read lines decoded each way worth trying.
#[derive(Clone, Debug, PartialEq)]
pub struct Rereadings {
    /// As the recogniser reads them (greedy decoding).
    pub greedy: Vec<TextLine>,
    /// At each zone length in turn, every line exactly that many characters
    /// of [`mrz::ALPHABET`] ([`super::ctc::fixed_length`]).
    pub fixed: Vec<Vec<TextLine>>,
    /// For each format and each run of consecutive lines as many as its
    /// zone has, those lines at its length with each character limited to
    /// what its position holds ([`mrz::allows`]): digits in dates, letters
    /// in names and codes.
    pub laid_out: Vec<Vec<TextLine>>,
}

/// The re-read lines (`boxes`, whose recogniser output is `steps`) as the
/// recogniser reads them, and at each zone length: a zone's lines are all
/// of one length, and greedy decoding drops a character where two equal
/// ones run together (`<<`, `11`) or a thin one fades (Monaco's `I<MCO`
/// read `<M00`). A reading forced to a length can also invent a character
/// where the line has room for one, so it is believed only when every
/// check digit and field then agrees ([`is_valid`]; `cmd::document`).
pub fn rereadings(ocr: &Ocr, boxes: &[TextBox], steps: &[Steps]) -> Rereadings {
    let shapes: Vec<String> = FILLER_SHAPES.iter().map(|c| c.to_string()).collect();
    let also: Vec<(char, &str)> = shapes.iter().map(|s| ('<', s.as_str())).collect();
    let symbols = ocr.symbols(mrz::ALPHABET, &also);
    let greedy: Vec<TextLine> = boxes
        .iter()
        .zip(steps)
        .map(|(b, s)| ocr.greedy_line(b, s))
        .collect();
    let near = |i: usize, len: usize| {
        greedy
            .get(i)
            .is_some_and(|g| may_force(g.text.chars().count(), len))
    };
    let fixed = MRZ_LENGTHS
        .iter()
        .map(|&len| {
            boxes
                .iter()
                .zip(steps)
                .enumerate()
                .filter(|(i, _)| near(*i, len))
                .filter_map(|(_, (b, s))| ocr.line_of_length(b, s, &symbols, len))
                .collect::<Vec<_>>()
        })
        .filter(|lines| !lines.is_empty())
        .collect();
    let mut laid_out = Vec::new();
    for format in mrz::FORMATS {
        let (n, len) = format.shape();
        for first in 0..(boxes.len() + 1).saturating_sub(n) {
            let lines: Option<Vec<TextLine>> = (0..n)
                .map(|l| {
                    if !near(first + l, len) {
                        return None;
                    }
                    let (b, s) = (&boxes[first + l], &steps.get(first + l)?);
                    ocr.line_of_pattern(b, s, &symbols, len, |col, c| {
                        mrz::allows(format, l, col, c)
                    })
                })
                .collect();
            if let Some(lines) = lines {
                laid_out.push(lines);
            }
        }
    }
    Rereadings {
        greedy,
        fixed,
        laid_out,
    }
}

/// Whether a line read `n` characters long may be decoded at `len`: at
/// most [`LENGTH_SLACK`] characters fewer. Greedy decoding drops characters
/// (a filler run merged, a faint letter), it does not add them; forced
/// shorter, a 44-character line lost fillers and letters until a TD2
/// zone's check digits passed (a TD3 specimen read "valid" as
/// `P<UTOERKSSN<<ANNA<MARA...`).
fn may_force(n: usize, len: usize) -> bool {
    n <= len + LENGTH_SLACK
}

/// `lines` with every line whose centre lies in one of the re-read lines'
/// boxes replaced by the re-read lines.
pub fn with_reread(lines: &[TextLine], reread: &[TextLine]) -> Vec<TextLine> {
    let covered = |l: &TextLine| {
        let (cx, cy) = l.region.centre();
        reread
            .iter()
            .any(|r| super::find::inside(&r.region.corners.map(|(x, y)| [x, y]), [cx, cy]))
    };
    lines
        .iter()
        .filter(|l| !covered(l))
        .chain(reread)
        .cloned()
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_line_is_forced_longer_but_not_much_shorter() {
        assert!(may_force(44, 44) && !may_force(44, 36) && !may_force(44, 30));
        assert!(may_force(38, 44) && may_force(38, 36) && !may_force(38, 30));
        assert!(may_force(20, 30) && may_force(33, 30) && !may_force(34, 30));
    }
    use crate::document::ocr::TextBox;

    fn line(y: f32, x: f32, text: &str) -> TextLine {
        TextLine {
            region: TextBox {
                corners: [(x, y), (x + 400.0, y), (x + 400.0, y + 30.0), (x, y + 30.0)],
                score: 0.9,
            },
            text: text.to_string(),
            confidence: 0.9,
        }
    }

    fn today() -> Date {
        Date::new(2026, 12, 2).expect("date")
    }

    #[test]
    fn the_filler_run_is_evened_out() {
        let l1 = "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<";
        let short = "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<";
        assert_eq!(fit_length(short, 44).as_deref(), Some(l1));
        let long = "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<<<";
        assert_eq!(fit_length(long, 44).as_deref(), Some(l1));
        assert_eq!(fit_length("ABC", 44), None);
    }

    #[test]
    fn a_td3_zone_under_other_text_is_read_and_checked() {
        let lines = vec![
            line(10.0, 0.0, "PASSPORT UTOPIA"),
            line(60.0, 0.0, "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<"),
            line(100.0, 0.0, "L898902C36UTO7408122F1204159ZE184226B<<<<<10"),
        ];
        let Zone::Read(m) = find(&lines, today()) else {
            panic!("no zone")
        };
        assert!(m.valid(), "{:?}", m.failed_checks());
        assert_eq!(m.surname, "ERIKSSON");
        assert_eq!(m.given_names, "ANNA MARIA");
    }

    #[test]
    fn a_name_line_cut_short_in_its_filler_is_padded_but_not_one_cut_in_the_name() {
        let data = "99003853<1CZE1101018M1207046110101111<<<<<94";
        let z = find(
            &[
                line(50.0, 0.0, "P<CZESPECIMEN<<VZOR<<<<<<<"),
                line(100.0, 0.0, data),
            ],
            today(),
        );
        let Zone::Read(m) = z else {
            panic!("not read: {z:?}")
        };
        assert_eq!(m.lines[0], format!("P<CZESPECIMEN<<VZOR{}", "<".repeat(25)));
        assert_eq!(m.surname, "SPECIMEN");
        assert_eq!(m.given_names, "VZOR");
        // Cut after one filler: a given name may follow, so no zone.
        let z = find(
            &[
                line(50.0, 0.0, "P<CZESPECIMEN<<VZOR<"),
                line(100.0, 0.0, data),
            ],
            today(),
        );
        assert!(!matches!(z, Zone::Read(_)), "{z:?}");
        assert_eq!(
            fit_name_line("P<UTO<<<", 44),
            None,
            "too short to be a line"
        );
    }

    /// The UK visa specimen as the OCR reads it: an MRV-B zone, and a serial
    /// number printed vertically just right of the name line, its box's
    /// centre on the name line's row. It is not part of the line.
    #[test]
    fn a_vertical_word_beside_the_zone_is_not_joined_to_it() {
        let mut serial = line(243.0, 427.0, "109338");
        serial.region.corners = [
            (415.0, 205.5),
            (439.0, 205.5),
            (439.0, 280.5),
            (415.0, 280.5),
        ];
        let lines = [
            line(241.0, 36.0, "VDGBRMUNIR<<FAISAL<<<<<<<<<<<<<<<<<"),
            serial,
            line(267.0, 36.0, "AD07259817PAK7608151M0611165<<<<<<<<"),
        ];
        let Zone::Read(m) = find(&lines, today()) else {
            panic!("no zone in {:?}", rows(&lines));
        };
        assert_eq!(m.format, mrz::MrzFormat::MrvB);
        // The second line lower, and a caption to the right between the
        // two in height, on a row of its own (the Canadian specimen's).
        let lines = [
            line(241.0, 36.0, "VDGBRMUNIR<<FAISAL<<<<<<<<<<<<<<<<<"),
            line(300.0, 36.0, "AD07259817PAK7608151M0611165<<<<<<<<"),
            line(270.0, 512.0, "MACHINE<READABLE<ZONE"),
        ];
        assert_eq!(rows(&lines).len(), 3);
        let Zone::Read(m2) = find(&lines, today()) else {
            panic!("no zone with a caption: {:?}", rows(&lines));
        };
        assert_eq!(m2.lines, m.lines);
        assert!(m.failed_checks().is_empty(), "{:?}", m.failed_checks());
        assert_eq!(m.lines[0], "VDGBRMUNIR<<FAISAL<<<<<<<<<<<<<<<<<<");
    }

    #[test]
    fn a_line_split_in_two_boxes_is_joined() {
        let lines = vec![
            line(60.0, 0.0, "P<UTOERIKSSON<<ANNA<MARIA<<<<<<"),
            line(60.0, 500.0, "<<<<<<<<<<<<<"),
            line(100.0, 0.0, "L898902C36UTO7408122F1204159ZE184226B<<<<<10"),
        ];
        assert!(matches!(find(&lines, today()), Zone::Read(_)));
    }

    #[test]
    fn half_a_zone_is_unreadable_and_plain_text_is_absent() {
        let lines = vec![line(
            60.0,
            0.0,
            "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<",
        )];
        assert!(matches!(find(&lines, today()), Zone::Unreadable(_)));
        let lines = vec![
            line(0.0, 0.0, "DRIVING LICENCE"),
            line(40.0, 0.0, "1. SMITH"),
        ];
        assert_eq!(find(&lines, today()), Zone::Absent);
    }

    fn part(y: f32, x: f32, w: f32, text: &str) -> TextLine {
        TextLine {
            region: TextBox {
                corners: [(x, y), (x + w, y), (x + w, y + 20.0), (x, y + 20.0)],
                score: 0.9,
            },
            text: text.to_string(),
            confidence: 0.9,
        }
    }

    #[test]
    fn a_cut_name_line_is_read_again_across_the_whole_zone() {
        let lines = vec![
            part(10.0, 40.0, 300.0, "UNITED STATES OF AMERICA"),
            // The name line's box ends early; the data line is whole.
            part(100.0, 50.0, 250.0, "VNUSATRAVELER<<HAPPY<<"),
            part(
                125.0,
                50.0,
                480.0,
                "1234567897CAN6612120M1407282B3XLC000FD142955",
            ),
        ];
        let boxes = reread_boxes(&lines);
        assert_eq!(boxes.len(), 2, "{boxes:?}");
        // A line of other text just above a two-line zone is not re-read.
        let mut with_caption = lines.clone();
        with_caption.push(part(75.0, 50.0, 300.0, "MACHINE READABLE ZONE"));
        assert_eq!(reread_boxes(&with_caption).len(), 2);
        let pad = REREAD_PAD_SHARE * 20.0;
        for b in &boxes {
            let (l, r) = (b.corners[0].0, b.corners[1].0);
            assert!(
                (l - (50.0 - pad)).abs() < 0.01 && (r - (530.0 + pad)).abs() < 0.01,
                "{b:?}"
            );
        }
        // Top to bottom, each at its line's height.
        assert!((boxes[0].centre().1 - 110.0).abs() < 0.01, "{boxes:?}");
        assert!((boxes[1].centre().1 - 135.0).abs() < 0.01, "{boxes:?}");
        // The re-read lines take the place of the lines they cover; the
        // heading stays.
        let again: Vec<TextLine> = boxes
            .iter()
            .zip([
                "VNUSATRAVELER<<HAPPY<DAY<<<<<<<<<<<<<<<<<<<<",
                "1234567897CAN6612120M1407282B3XLC000FD142955",
            ])
            .map(|(b, t)| TextLine {
                region: b.clone(),
                text: t.to_string(),
                confidence: 0.9,
            })
            .collect();
        let merged = with_reread(&lines, &again);
        assert_eq!(merged.len(), 3);
        assert_eq!(merged[0].text, "UNITED STATES OF AMERICA");
        assert!(merged[1..].iter().all(|l| l.region.score == 1.0));
    }

    #[test]
    fn a_line_seen_only_by_its_fillers_gets_a_box_of_its_own() {
        // TD1: the first line's box holds only its final `<<<<<`.
        let lines = vec![
            part(100.0, 280.0, 60.0, "<<<<<"),
            part(118.0, 20.0, 320.0, "8205122M1906224LIE<<<<<<<<<<<6"),
            part(136.0, 20.0, 320.0, "OSPELT<BECK<<MARISA<<<<<<<<<<<"),
        ];
        let boxes = reread_boxes(&lines);
        assert_eq!(boxes.len(), 3, "{boxes:?}");
        assert!((boxes[0].centre().1 - 110.0).abs() < 0.01, "{boxes:?}");
        assert!(boxes[0].corners[0].0 < 20.0 && boxes[0].corners[1].0 > 340.0);
    }

    #[test]
    fn a_turned_zone_is_read_again_along_its_lines() {
        // The same zone turned 5 degrees: the boxes turn with it.
        let (sin, cos) = 5f32.to_radians().sin_cos();
        let turned = |y: f32, x: f32, w: f32, text: &str| {
            let at = |u: f32, v: f32| (u * cos - v * sin, u * sin + v * cos);
            TextLine {
                region: TextBox {
                    corners: [at(x, y), at(x + w, y), at(x + w, y + 20.0), at(x, y + 20.0)],
                    score: 0.9,
                },
                text: text.to_string(),
                confidence: 0.9,
            }
        };
        let lines = vec![
            turned(100.0, 50.0, 250.0, "VNUSATRAVELER<<HAPPY<<"),
            turned(
                125.0,
                50.0,
                480.0,
                "1234567897CAN6612120M1407282B3XLC000FD142955",
            ),
        ];
        let boxes = reread_boxes(&lines);
        assert_eq!(boxes.len(), 2);
        let c = boxes[1].corners;
        let angle = (c[1].1 - c[0].1).atan2(c[1].0 - c[0].0).to_degrees();
        assert!((angle - 5.0).abs() < 0.1, "{angle}");
        // The data line's own centre lies in its new box.
        let (cx, cy) = lines[1].region.centre();
        assert!(crate::document::find::inside(
            &c.map(|(x, y)| [x, y]),
            [cx, cy]
        ));
    }

    #[test]
    fn no_mrz_like_line_no_reread_and_zones_rank_by_their_checks() {
        assert!(reread_boxes(&[part(10.0, 0.0, 300.0, "PASSPORT UTOPIA")]).is_empty());
        let good = find(
            &[
                line(60.0, 0.0, "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<"),
                line(100.0, 0.0, "L898902C36UTO7408122F1204159ZE184226B<<<<<10"),
            ],
            today(),
        );
        // One digit of the birth date wrong: its check digit fails.
        let bad = find(
            &[
                line(60.0, 0.0, "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<"),
                line(100.0, 0.0, "L898902C36UTO7408132F1204159ZE184226B<<<<<10"),
            ],
            today(),
        );
        let unreadable = Zone::Unreadable(vec!["P<UTOERIKSSON<<ANNA".into()]);
        assert!(is_valid(&good) && !is_valid(&bad), "{bad:?}");
        assert!(score(&good) < score(&bad), "{bad:?}");
        assert!(score(&bad) < score(&unreadable));
        assert!(score(&unreadable) < score(&Zone::Absent));
    }
}
