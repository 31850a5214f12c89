//! The machine-readable zone among the lines OCR read: which lines it is,
//! their characters made MRZ characters, and the zone parsed.
//!
//! MRZ lines are recognised by their look alone (ICAO 9303-3: characters
//! `0-9 A-Z <`, 30, 36 or 44 a line, two or three lines one under the other
//! at the bottom of the page), never by what the page says elsewhere. OCR
//! miscounts long runs of the filler `<` more than anything else: a line a
//! few characters off its length gets its longest filler run evened out,
//! and the check digits then say whether the result is right.

use super::date::Date;
use super::mrz::{self, Mrz};
use super::ocr::TextLine;

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
        .map(|c| match c {
            '《' | '〈' | '‹' | '＜' | 'く' => '<',
            c => c,
        })
        .collect();
    mrz::normalize_line(&t)
}

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

#[cfg(test)]
mod tests {
    use super::*;
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
}
