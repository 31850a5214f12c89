//! Machine-readable zones (ICAO Doc 9303 parts 4-7, and two national
//! formats printed like one): the lines, the fields, every check digit.
//!
//! | format | lines | document |
//! |---|---|---|
//! | TD1 | 3 x 30 | ID cards, residence permits (ICAO 9303-5) |
//! | TD2 | 2 x 36 | older ID cards (9303-6) |
//! | TD3 | 2 x 44 | passports (9303-4) |
//! | MRV-A / MRV-B | 2 x 44 / 2 x 36 | visas (9303-7): no composite check digit |
//! | French ID | 2 x 36 | the French card issued 1988-2021: its own layout, no expiry date |
//! | EU driving licence | 1 x 30 | ISO/IEC 18013-3's optional MRZ (`D1NLD1...`): one check digit over the line |
//!
//! Check digits: ICAO 9303-3 4.9, weights 7, 3, 1 repeating over the
//! character values (digits 0-9, `A`-`Z` 10-35, `<` 0), modulo 10.
//!
//! OCR misreads a few shapes (O and 0, I and 1, S and 5, B and 8, Z and 2,
//! G and 6): [`parse`] repairs one only where a check digit proves it, and
//! lists every repair; a line it cannot prove is left as read and the
//! failing check digit says so.

use super::date::{parse_yymmdd, Date, DateKind};
use serde::Serialize;
use std::fmt;

/// The characters a machine-readable zone is printed in (ICAO 9303-3 4.3:
/// upper-case letters, digits and the filler).
pub const ALPHABET: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789<";

/// The layout of a machine-readable zone.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum MrzFormat {
    #[serde(rename = "TD1")]
    Td1,
    #[serde(rename = "TD2")]
    Td2,
    #[serde(rename = "TD3")]
    Td3,
    #[serde(rename = "MRV-A")]
    MrvA,
    #[serde(rename = "MRV-B")]
    MrvB,
    #[serde(rename = "FR-ID")]
    FrenchId,
    #[serde(rename = "EU-DL")]
    DrivingLicence,
}

impl MrzFormat {
    /// Lines and characters per line.
    pub fn shape(self) -> (usize, usize) {
        match self {
            MrzFormat::Td1 => (3, 30),
            MrzFormat::Td2 | MrzFormat::MrvB | MrzFormat::FrenchId => (2, 36),
            MrzFormat::Td3 | MrzFormat::MrvA => (2, 44),
            MrzFormat::DrivingLicence => (1, 30),
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            MrzFormat::Td1 => "TD1",
            MrzFormat::Td2 => "TD2",
            MrzFormat::Td3 => "TD3",
            MrzFormat::MrvA => "MRV-A",
            MrzFormat::MrvB => "MRV-B",
            MrzFormat::FrenchId => "FR-ID",
            MrzFormat::DrivingLicence => "EU-DL",
        }
    }
}

/// What kind of document the zone says it is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DocumentKind {
    Passport,
    IdCard,
    Visa,
    Licence,
    Other,
}

/// The value of one MRZ character, `None` outside `0-9 A-Z <`.
pub fn char_value(c: char) -> Option<u32> {
    match c {
        '0'..='9' => Some(c as u32 - '0' as u32),
        'A'..='Z' => Some(c as u32 - 'A' as u32 + 10),
        '<' => Some(0),
        _ => None,
    }
}

/// ICAO 9303 check digit (weights 7-3-1) of `data`; `None` if it holds a
/// character outside the MRZ set.
pub fn check_digit(data: &str) -> Option<u32> {
    const W: [u32; 3] = [7, 3, 1];
    let mut sum = 0;
    for (i, c) in data.chars().enumerate() {
        sum += char_value(c)? * W[i % 3];
    }
    Some(sum % 10)
}

/// One check digit of a zone: what the data computes to and what is printed.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Check {
    /// `document_number`, `birth_date`, `expiry_date`, `personal_number`,
    /// `line` (driving licence) or `composite`.
    pub field: &'static str,
    /// The digit the data computes to.
    pub computed: u32,
    /// The character printed in the check position.
    pub printed: char,
    pub valid: bool,
}

/// A character changed from what was read, proven by a check digit.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Repair {
    /// 0-based line and column in the zone.
    pub line: usize,
    pub column: usize,
    pub read: char,
    pub corrected: char,
    /// The check that proves it.
    pub proven_by: &'static str,
}

/// A parsed zone.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Mrz {
    pub format: MrzFormat,
    pub kind: DocumentKind,
    /// The lines after repairs (the same as read when there were none).
    pub lines: Vec<String>,
    /// The lines as given.
    pub lines_read: Vec<String>,
    pub document_code: String,
    pub issuing_state: String,
    pub document_number: String,
    pub nationality: Option<String>,
    pub birth_date: Option<Date>,
    /// `M`, `F` or `X` (unspecified, also written `<`).
    pub sex: Option<char>,
    /// `None` for the French ID card, whose zone has no expiry date.
    pub expiry: Option<Date>,
    /// Year and month of issue, where the zone has them (French ID: the
    /// first four digits of the number).
    pub issued: Option<(i32, u32)>,
    pub surname: String,
    /// Given names separated by single spaces, in the zone's order.
    pub given_names: String,
    /// The name field is full to its last character: the name may be cut
    /// short (ICAO 9303-3 4.6 truncates long names).
    pub name_truncated: bool,
    /// Optional data fields, fillers trimmed (empty ones left out).
    pub optional_data: Vec<String>,
    pub checks: Vec<Check>,
    pub repairs: Vec<Repair>,
    /// Field values that cannot be right (a birth date that is not a day).
    pub problems: Vec<String>,
}

impl Mrz {
    /// Every check digit right and every field well formed.
    pub fn valid(&self) -> bool {
        self.checks.iter().all(|c| c.valid) && self.problems.is_empty()
    }

    /// The checks that fail.
    pub fn failed_checks(&self) -> Vec<&'static str> {
        self.checks
            .iter()
            .filter(|c| !c.valid)
            .map(|c| c.field)
            .collect()
    }
}

/// Why lines are not a zone at all.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum MrzError {
    /// No format has this many lines of these lengths.
    Shape(Vec<usize>),
    /// A character outside `0-9 A-Z <` (line, column, character).
    Character(usize, usize, char),
}

impl fmt::Display for MrzError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            MrzError::Shape(l) => write!(
                f,
                "{} line(s) of {:?} characters is no MRZ format (TD1 3x30, TD2 2x36, TD3 2x44, \
                 driving licence 1x30)",
                l.len(),
                l
            ),
            MrzError::Character(l, c, ch) => write!(
                f,
                "line {} column {}: `{ch}` is not an MRZ character (0-9, A-Z, <)",
                l + 1,
                c + 1
            ),
        }
    }
}

impl std::error::Error for MrzError {}

/// Which format lines of these lengths are, from their shape and first
/// characters.
pub fn detect_format(lines: &[&str]) -> Option<MrzFormat> {
    let lens: Vec<usize> = lines.iter().map(|l| l.chars().count()).collect();
    let first = lines.first().copied().unwrap_or("");
    match lens.as_slice() {
        [30] if first.starts_with('D') => Some(MrzFormat::DrivingLicence),
        [30, 30, 30] => Some(MrzFormat::Td1),
        [36, 36] if first.starts_with("IDFRA") => Some(MrzFormat::FrenchId),
        [36, 36] if first.starts_with('V') => Some(MrzFormat::MrvB),
        [36, 36] => Some(MrzFormat::Td2),
        [44, 44] if first.starts_with('V') => Some(MrzFormat::MrvA),
        [44, 44] => Some(MrzFormat::Td3),
        _ => None,
    }
}

/// What a position must hold.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Class {
    /// Dates and check digits: a letter there is a misread digit.
    Digit,
    /// Anything (document numbers, optional data).
    Any,
}

/// A check digit: the data ranges it covers (line, start, end) and where it
/// is printed.
#[derive(Clone, Debug)]
struct CheckSpec {
    field: &'static str,
    data: Vec<(usize, usize, usize)>,
    at: (usize, usize),
    class: Class,
    /// A field of fillers may have `<` as its check digit (TD3 personal number).
    filler_ok: bool,
}

fn spec(
    field: &'static str,
    data: &[(usize, usize, usize)],
    at: (usize, usize),
    class: Class,
) -> CheckSpec {
    CheckSpec {
        field,
        data: data.to_vec(),
        at,
        class,
        filler_ok: false,
    }
}

type Grid = Vec<Vec<char>>;

fn segment(g: &Grid, (l, s, e): (usize, usize, usize)) -> String {
    g[l][s..e].iter().collect()
}

/// The document number's check, with ICAO's long-number rule for TD1 and
/// TD2: a `<` in the check position means the number goes on in the
/// optional data up to the first `<`, whose last character is the check
/// digit.
fn number_spec(g: &Grid, number: (usize, usize, usize), opt_end: usize) -> CheckSpec {
    let (l, s, e) = number;
    if g[l][e] == '<' && g[l].get(e + 1).is_some_and(|c| *c != '<') {
        let ext_end = (e + 1..opt_end)
            .find(|&i| g[l][i] == '<')
            .unwrap_or(opt_end);
        if ext_end > e + 2 {
            return spec(
                "document_number",
                &[(l, s, e), (l, e + 1, ext_end - 1)],
                (l, ext_end - 1),
                Class::Any,
            );
        }
    }
    spec("document_number", &[number], (l, e), Class::Any)
}

fn specs(format: MrzFormat, g: &Grid) -> Vec<CheckSpec> {
    use Class::*;
    match format {
        MrzFormat::Td1 => {
            let num = number_spec(g, (0, 5, 14), 30);
            vec![
                num,
                spec("birth_date", &[(1, 0, 6)], (1, 6), Digit),
                spec("expiry_date", &[(1, 8, 14)], (1, 14), Digit),
                spec(
                    "composite",
                    &[(0, 5, 30), (1, 0, 7), (1, 8, 15), (1, 18, 29)],
                    (1, 29),
                    Any,
                ),
            ]
        }
        MrzFormat::Td2 => {
            let num = number_spec(g, (1, 0, 9), 35);
            vec![
                num,
                spec("birth_date", &[(1, 13, 19)], (1, 19), Digit),
                spec("expiry_date", &[(1, 21, 27)], (1, 27), Digit),
                spec(
                    "composite",
                    &[(1, 0, 10), (1, 13, 20), (1, 21, 35)],
                    (1, 35),
                    Any,
                ),
            ]
        }
        MrzFormat::Td3 => vec![
            spec("document_number", &[(1, 0, 9)], (1, 9), Any),
            spec("birth_date", &[(1, 13, 19)], (1, 19), Digit),
            spec("expiry_date", &[(1, 21, 27)], (1, 27), Digit),
            CheckSpec {
                filler_ok: true,
                ..spec("personal_number", &[(1, 28, 42)], (1, 42), Any)
            },
            spec(
                "composite",
                &[(1, 0, 10), (1, 13, 20), (1, 21, 43)],
                (1, 43),
                Any,
            ),
        ],
        MrzFormat::MrvA | MrzFormat::MrvB => vec![
            spec("document_number", &[(1, 0, 9)], (1, 9), Any),
            spec("birth_date", &[(1, 13, 19)], (1, 19), Digit),
            spec("expiry_date", &[(1, 21, 27)], (1, 27), Digit),
        ],
        MrzFormat::FrenchId => vec![
            spec("document_number", &[(1, 0, 12)], (1, 12), Any),
            spec("birth_date", &[(1, 27, 33)], (1, 33), Digit),
            spec("composite", &[(0, 0, 36), (1, 0, 35)], (1, 35), Any),
        ],
        MrzFormat::DrivingLicence => vec![spec("line", &[(0, 0, 29)], (0, 29), Any)],
    }
}

/// Ranges (line, start, end) that hold only digits in a format: dates and
/// check digits. A letter read there is a misread digit.
fn digit_ranges(format: MrzFormat) -> &'static [(usize, usize, usize)] {
    match format {
        MrzFormat::Td1 => &[(1, 0, 7), (1, 8, 15), (1, 29, 30)],
        MrzFormat::Td2 => &[(1, 13, 20), (1, 21, 28), (1, 35, 36)],
        MrzFormat::Td3 => &[(1, 9, 10), (1, 13, 20), (1, 21, 28), (1, 43, 44)],
        MrzFormat::MrvA | MrzFormat::MrvB => &[(1, 9, 10), (1, 13, 20), (1, 21, 28)],
        MrzFormat::FrenchId => &[(1, 0, 13), (1, 27, 34), (1, 35, 36)],
        MrzFormat::DrivingLicence => &[(0, 29, 30)],
    }
}

/// Every layout, for decoding a line to each in turn (`zone::rereadings`).
pub const FORMATS: [MrzFormat; 7] = [
    MrzFormat::Td1,
    MrzFormat::DrivingLicence,
    MrzFormat::Td2,
    MrzFormat::MrvB,
    MrzFormat::FrenchId,
    MrzFormat::Td3,
    MrzFormat::MrvA,
];

/// Ranges (line, start, end) of names: letters and fillers only (ICAO
/// 9303-3 4.6; the French card's surname and given names likewise).
fn name_ranges(format: MrzFormat) -> &'static [(usize, usize, usize)] {
    match format {
        MrzFormat::Td1 => &[(2, 0, 30)],
        MrzFormat::Td2 | MrzFormat::MrvB => &[(0, 5, 36)],
        MrzFormat::Td3 | MrzFormat::MrvA => &[(0, 5, 44)],
        MrzFormat::FrenchId => &[(0, 5, 30), (1, 13, 27)],
        MrzFormat::DrivingLicence => &[],
    }
}

/// Where a format prints the holder's sex (line, column).
fn sex_position(format: MrzFormat) -> Option<(usize, usize)> {
    match format {
        MrzFormat::Td1 => Some((1, 7)),
        MrzFormat::FrenchId => Some((1, 34)),
        MrzFormat::DrivingLicence => None,
        _ => Some((1, 20)),
    }
}

/// Whether `c` may stand at column `col` of line `line` of a `format`
/// zone, by the format's field layout: a digit (or the filler of an
/// unknown date) in dates and check digits, a letter or filler in names,
/// document codes and states, `M`, `F`, `X` or `<` for sex, any character
/// of [`ALPHABET`] elsewhere (document numbers, optional data).
pub fn allows(format: MrzFormat, line: usize, col: usize, c: char) -> bool {
    let within = |r: &[(usize, usize, usize)]| {
        r.iter()
            .any(|&(l, s, e)| l == line && (s..e).contains(&col))
    };
    if sex_position(format) == Some((line, col)) {
        matches!(c, 'M' | 'F' | 'X' | '<')
    } else if within(digit_ranges(format)) {
        c.is_ascii_digit() || c == '<'
    } else if within(letter_fields(format)) || within(name_ranges(format)) {
        c.is_ascii_uppercase() || c == '<'
    } else {
        ALPHABET.contains(c)
    }
}

/// The digit a letter is most often a misread of.
fn digit_for(c: char) -> Option<char> {
    Some(match c {
        'O' | 'Q' | 'D' | 'U' => '0',
        'I' | 'L' | 'T' | 'J' => '1',
        'Z' => '2',
        'A' => '4',
        'S' => '5',
        'G' => '6',
        'B' => '8',
        _ => return None,
    })
}

/// The other reading of a character OCR confuses both ways.
fn confusable(c: char) -> Option<char> {
    Some(match c {
        '0' => 'O',
        'O' => '0',
        '1' => 'I',
        'I' => '1',
        '2' => 'Z',
        'Z' => '2',
        '5' => 'S',
        'S' => '5',
        '8' => 'B',
        'B' => '8',
        '6' => 'G',
        'G' => '6',
        _ => return None,
    })
}

/// The letter a digit is most often a misread of.
fn letter_for(c: char) -> Option<char> {
    Some(match c {
        '0' => 'O',
        '1' => 'I',
        '2' => 'Z',
        '5' => 'S',
        '6' => 'G',
        '8' => 'B',
        _ => return None,
    })
}

/// The fields of letters or fillers only (line, start, end) of a format:
/// the document code (ICAO 9303-3 4.2.2: a letter, then a letter or the
/// filler; Spain's specimen read `1DESP` for `IDESP`), the issuing state
/// and the nationality (three letters or fillers each, 9303-4/-5/-6). Not
/// the EU driving licence's `D1`, whose second character is a digit.
fn letter_fields(format: MrzFormat) -> &'static [(usize, usize, usize)] {
    match format {
        MrzFormat::Td1 => &[(0, 0, 2), (0, 2, 5), (1, 15, 18)],
        MrzFormat::FrenchId => &[(0, 0, 2), (0, 2, 5)],
        MrzFormat::DrivingLicence => &[(0, 2, 5)],
        _ => &[(0, 0, 2), (0, 2, 5), (1, 10, 13)],
    }
}

/// Digits in the letter-only fields made the letters they are misread for.
fn letters_only(g: &mut Grid, format: MrzFormat) -> Vec<Repair> {
    let mut out = Vec::new();
    for &(l, start, end) in letter_fields(format) {
        for c in start..end {
            let Some(ch) = g.get(l).and_then(|row| row.get(c)).copied() else {
                continue;
            };
            if let Some(letter) = letter_for(ch) {
                g[l][c] = letter;
                out.push(Repair {
                    line: l,
                    column: c,
                    read: ch,
                    corrected: letter,
                    proven_by: "letters_only",
                });
            }
        }
    }
    out
}

/// Codes ICAO 9303-3 (section 5) uses besides ISO 3166-1's: Germany's `D`,
/// the British nationality classes, the United Nations, the EU, the
/// organisations that issue travel documents, stateless persons and
/// refugees, Kosovo as its documents print it, and the specimens' Utopia.
const ICAO_STATE_CODES: [&str; 27] = [
    "D<<", "GBD", "GBN", "GBO", "GBP", "GBS", "UNO", "UNA", "UNK", "EUE", "XBA", "XIM", "XCC",
    "XCE", "XCO", "XEC", "XPO", "XES", "XMP", "XOM", "XDC", "XXA", "XXB", "XXC", "XXX", "RKS",
    "UTO",
];

/// Whether `code` (three characters) names a state or organisation.
pub fn known_state(code: &str) -> bool {
    ICAO_STATE_CODES.contains(&code) || isocountry::CountryCode::for_alpha3(code).is_ok()
}

/// The issuing state and the nationality fields (line, start, end) of a
/// format that has both.
fn state_fields(format: MrzFormat) -> Option<[(usize, usize, usize); 2]> {
    match format {
        MrzFormat::Td1 => Some([(0, 2, 5), (1, 15, 18)]),
        MrzFormat::FrenchId | MrzFormat::DrivingLicence => None,
        _ => Some([(0, 2, 5), (1, 10, 13)]),
    }
}

/// Where one of the two state fields is no known code and the other is a
/// known code one character away from it, the unknown one was misread
/// (Monaco's `MCO` read `MOO` in its first line, right in its second):
/// it takes the known code. No check digit covers these fields; the list
/// of codes and the other field are the proof. States that differ more,
/// or both unknown (a specimen's invented state), stay as read.
fn states_agree(g: &mut Grid, format: MrzFormat) -> Vec<Repair> {
    let Some(fields) = state_fields(format) else {
        return Vec::new();
    };
    let code = |g: &Grid, (l, s, e): (usize, usize, usize)| -> Option<String> {
        g.get(l)
            .and_then(|row| row.get(s..e))
            .map(|c| c.iter().collect())
    };
    let (Some(a), Some(b)) = (code(g, fields[0]), code(g, fields[1])) else {
        return Vec::new();
    };
    let differ: Vec<usize> = (0..3)
        .filter(|&i| a.as_bytes()[i] != b.as_bytes()[i])
        .collect();
    if differ.len() != 1 || known_state(&a) == known_state(&b) {
        return Vec::new();
    }
    let (from, to) = if known_state(&a) {
        (fields[0], fields[1])
    } else {
        (fields[1], fields[0])
    };
    let i = differ[0];
    let (read, corrected) = (g[to.0][to.1 + i], g[from.0][from.1 + i]);
    g[to.0][to.1 + i] = corrected;
    vec![Repair {
        line: to.0,
        column: to.1 + i,
        read,
        corrected,
        proven_by: "state_codes",
    }]
}

fn evaluate(g: &Grid, s: &CheckSpec) -> Check {
    let data: String = s.data.iter().map(|r| segment(g, *r)).collect();
    let computed = check_digit(&data).unwrap_or(u32::MAX);
    let printed = g[s.at.0][s.at.1];
    let valid = char::from_digit(computed, 10) == Some(printed)
        || (s.filler_ok && printed == '<' && data.chars().all(|c| c == '<'));
    Check {
        field: s.field,
        computed,
        printed,
        valid,
    }
}

fn positions(s: &CheckSpec) -> Vec<(usize, usize)> {
    let mut v: Vec<(usize, usize)> = s
        .data
        .iter()
        .flat_map(|&(l, a, b)| (a..b).map(move |c| (l, c)))
        .collect();
    v.push(s.at);
    v
}

/// Tries to make a failing check valid by OCR repairs at positions not yet
/// proven by another check. Returns the repairs made (none if unproven).
fn repair(g: &mut Grid, s: &CheckSpec, format: MrzFormat, proven: &[Vec<bool>]) -> Vec<Repair> {
    let digit_at = |l: usize, c: usize| {
        digit_ranges(format)
            .iter()
            .any(|&(dl, a, b)| dl == l && (a..b).contains(&c))
    };
    let pos: Vec<(usize, usize)> = positions(s)
        .into_iter()
        .filter(|&(l, c)| !proven[l][c])
        .collect();
    // 1. Letters where only digits belong: all of them become their digit.
    let mut trial = g.clone();
    let mut forced = Vec::new();
    for &(l, c) in &pos {
        if digit_at(l, c) || s.class == Class::Digit {
            if let Some(d) = digit_for(g[l][c]) {
                trial[l][c] = d;
                forced.push((l, c));
            }
        }
    }
    if !forced.is_empty() && evaluate(&trial, s).valid {
        let out = forced
            .iter()
            .map(|&(l, c)| Repair {
                line: l,
                column: c,
                read: g[l][c],
                corrected: trial[l][c],
                proven_by: s.field,
            })
            .collect();
        *g = trial;
        return out;
    }
    // 2. One confusable character changed, where exactly one such change
    // makes the check valid (a check digit is right by chance one time in
    // ten, so two candidates prove nothing).
    let base = if forced.is_empty() { g.clone() } else { trial };
    let mut found = None;
    let mut count = 0;
    for &(l, c) in &pos {
        let Some(alt) = confusable(base[l][c]) else {
            continue;
        };
        if alt.is_ascii_alphabetic() && digit_at(l, c) {
            continue;
        }
        let mut t = base.clone();
        t[l][c] = alt;
        if evaluate(&t, s).valid {
            count += 1;
            found = Some((t, l, c));
        }
    }
    if let (1, Some((t, l, c))) = (count, found) {
        let mut out: Vec<Repair> = forced
            .iter()
            .map(|&(fl, fc)| Repair {
                line: fl,
                column: fc,
                read: g[fl][fc],
                corrected: t[fl][fc],
                proven_by: s.field,
            })
            .collect();
        out.push(Repair {
            line: l,
            column: c,
            read: g[l][c],
            corrected: t[l][c],
            proven_by: s.field,
        });
        *g = t;
        return out;
    }
    Vec::new()
}

/// Text of a field with its fillers trimmed.
fn text(g: &Grid, r: (usize, usize, usize)) -> String {
    segment(g, r).trim_matches('<').to_string()
}

/// Surname and given names from a name field: the primary identifier before
/// the first `<<`, the secondary after; `<` inside either is a space.
pub fn split_name(field: &str) -> (String, String) {
    let clean = |s: &str| -> String {
        s.split('<')
            .filter(|w| !w.is_empty())
            .collect::<Vec<_>>()
            .join(" ")
    };
    match field.split_once("<<") {
        Some((sur, given)) => (clean(sur), clean(given)),
        None => (clean(field), String::new()),
    }
}

/// Parses the lines of a zone (upper case, `0-9 A-Z <` only; see
/// [`normalize_line`] for OCR output), checking every check digit and
/// repairing what a check digit proves. Dates get their century from
/// `today`.
pub fn parse(lines: &[&str], today: Date) -> Result<Mrz, MrzError> {
    for (li, l) in lines.iter().enumerate() {
        if let Some((ci, ch)) = l
            .chars()
            .enumerate()
            .find(|(_, c)| char_value(*c).is_none())
        {
            return Err(MrzError::Character(li, ci, ch));
        }
    }
    let format = detect_format(lines)
        .ok_or_else(|| MrzError::Shape(lines.iter().map(|l| l.chars().count()).collect()))?;
    let mut g: Grid = lines.iter().map(|l| l.chars().collect()).collect();
    let (rows, cols) = format.shape();
    let mut proven = vec![vec![false; cols]; rows];
    // Fields of letters only (ICAO 9303-3: the state codes): a digit read
    // there is a misread letter, proven by the field's rule.
    let mut repairs = letters_only(&mut g, format);
    repairs.extend(states_agree(&mut g, format));
    let all_specs = specs(format, &g);
    // Field checks first, the composite (which covers them) last.
    for s in &all_specs {
        if !evaluate(&g, s).valid {
            repairs.extend(repair(&mut g, s, format, &proven));
        }
        if evaluate(&g, s).valid && s.field != "composite" {
            for (l, c) in positions(s) {
                proven[l][c] = true;
            }
        }
    }
    // The document number's check may depend on the long-number rule, which
    // a repair can change: recompute the specs on the repaired grid.
    let final_specs = specs(format, &g);
    let checks: Vec<Check> = final_specs.iter().map(|s| evaluate(&g, s)).collect();
    let mut mrz = fields(format, &g, &final_specs, today);
    mrz.checks = checks;
    mrz.repairs = repairs;
    mrz.lines_read = lines.iter().map(|l| l.to_string()).collect();
    Ok(mrz)
}

fn date_field(
    g: &Grid,
    r: (usize, usize, usize),
    kind: DateKind,
    today: Date,
    name: &str,
    problems: &mut Vec<String>,
) -> Option<Date> {
    let s = segment(g, r);
    let d = parse_yymmdd(&s, kind, today);
    if d.is_none() {
        problems.push(format!("{name} `{s}` is not a date"));
    }
    d
}

fn sex_field(c: char, problems: &mut Vec<String>) -> Option<char> {
    match c {
        'M' | 'F' | 'X' => Some(c),
        '<' => Some('X'),
        _ => {
            problems.push(format!("sex `{c}` is not M, F, X or <"));
            None
        }
    }
}

fn kind_of(code: &str, format: MrzFormat) -> DocumentKind {
    match (format, code.chars().next()) {
        (MrzFormat::DrivingLicence, _) => DocumentKind::Licence,
        (MrzFormat::FrenchId, _) => DocumentKind::IdCard,
        (_, Some('P')) => DocumentKind::Passport,
        (_, Some('V')) => DocumentKind::Visa,
        (_, Some('I' | 'A' | 'C')) => DocumentKind::IdCard,
        _ => DocumentKind::Other,
    }
}

fn fields(format: MrzFormat, g: &Grid, specs: &[CheckSpec], today: Date) -> Mrz {
    let mut problems = Vec::new();
    let number_of = |s: &CheckSpec| -> String {
        s.data
            .iter()
            .map(|r| segment(g, *r))
            .collect::<String>()
            .trim_matches('<')
            .to_string()
    };
    let number_spec = specs.iter().find(|s| s.field == "document_number");
    let document_number = number_spec.map(number_of).unwrap_or_default();
    let lines: Vec<String> = g.iter().map(|l| l.iter().collect()).collect();
    let mut m = Mrz {
        format,
        kind: DocumentKind::Other,
        lines,
        lines_read: Vec::new(),
        document_code: String::new(),
        issuing_state: String::new(),
        document_number,
        nationality: None,
        birth_date: None,
        sex: None,
        expiry: None,
        issued: None,
        surname: String::new(),
        given_names: String::new(),
        name_truncated: false,
        optional_data: Vec::new(),
        checks: Vec::new(),
        repairs: Vec::new(),
        problems: Vec::new(),
    };
    let name_from = |m: &mut Mrz, r: (usize, usize, usize)| {
        let field = segment(g, r);
        let (s, gv) = split_name(&field);
        m.surname = s;
        m.given_names = gv;
        m.name_truncated = !field.ends_with('<');
    };
    match format {
        MrzFormat::Td1 => {
            m.document_code = text(g, (0, 0, 2));
            m.issuing_state = text(g, (0, 2, 5));
            // Optional data 1 past the long number's extension.
            let ext_end = number_spec
                .and_then(|s| s.data.get(1))
                .map(|r| r.2 + 1)
                .unwrap_or(15);
            m.optional_data = vec![text(g, (0, ext_end, 30)), text(g, (1, 18, 29))];
            m.birth_date = date_field(
                g,
                (1, 0, 6),
                DateKind::Birth,
                today,
                "birth date",
                &mut problems,
            );
            m.sex = sex_field(g[1][7], &mut problems);
            m.expiry = date_field(
                g,
                (1, 8, 14),
                DateKind::Expiry,
                today,
                "expiry date",
                &mut problems,
            );
            m.nationality = Some(text(g, (1, 15, 18)));
            name_from(&mut m, (2, 0, 30));
        }
        MrzFormat::Td2 | MrzFormat::Td3 | MrzFormat::MrvA | MrzFormat::MrvB => {
            let cols = format.shape().1;
            m.document_code = text(g, (0, 0, 2));
            m.issuing_state = text(g, (0, 2, 5));
            name_from(&mut m, (0, 5, cols));
            m.nationality = Some(text(g, (1, 10, 13)));
            m.birth_date = date_field(
                g,
                (1, 13, 19),
                DateKind::Birth,
                today,
                "birth date",
                &mut problems,
            );
            m.sex = sex_field(g[1][20], &mut problems);
            m.expiry = date_field(
                g,
                (1, 21, 27),
                DateKind::Expiry,
                today,
                "expiry date",
                &mut problems,
            );
            let opt_end = match format {
                MrzFormat::Td2 => 35,
                MrzFormat::Td3 => 42,
                _ => cols,
            };
            let opt_start = number_spec
                .and_then(|s| s.data.get(1))
                .map(|r| r.2 + 1)
                .unwrap_or(28);
            m.optional_data = vec![text(g, (1, opt_start.max(28), opt_end))];
        }
        MrzFormat::FrenchId => {
            m.document_code = text(g, (0, 0, 2));
            m.issuing_state = text(g, (0, 2, 5));
            m.nationality = Some("FRA".into());
            let surname_field = segment(g, (0, 5, 30));
            m.surname = split_name(&surname_field).0;
            // Given names are separated by `<<` in this format.
            let given_field = segment(g, (1, 13, 27));
            m.given_names = given_field
                .split('<')
                .filter(|w| !w.is_empty())
                .collect::<Vec<_>>()
                .join(" ");
            m.name_truncated = !surname_field.ends_with('<') || !given_field.ends_with('<');
            m.birth_date = date_field(
                g,
                (1, 27, 33),
                DateKind::Birth,
                today,
                "birth date",
                &mut problems,
            );
            m.sex = sex_field(g[1][34], &mut problems);
            m.optional_data = vec![text(g, (0, 30, 36))];
            let yymm = segment(g, (1, 0, 4));
            if let Some(d) = parse_yymmdd(&format!("{yymm}01"), DateKind::Birth, today) {
                m.issued = Some((d.year, d.month));
            } else {
                problems.push(format!("issue month `{yymm}` is not a month"));
            }
        }
        MrzFormat::DrivingLicence => {
            m.document_code = "D".into();
            m.issuing_state = text(g, (0, 2, 5));
            m.document_number = text(g, (0, 6, 16));
            m.optional_data = vec![
                format!("configuration {}", g[0][1]),
                format!("version {}", g[0][5]),
                text(g, (0, 16, 29)),
            ];
            // One check digit over the whole line proves little (a line of
            // noise passes one time in ten): the issuing state must be a
            // real one, as every EU licence's is.
            if !known_state(&m.issuing_state) {
                problems.push(format!(
                    "issuing state `{}` is no known state code",
                    m.issuing_state
                ));
            }
        }
    }
    m.optional_data.retain(|s| !s.is_empty());
    m.kind = kind_of(&m.document_code, format);
    m.problems = problems;
    m
}

/// OCR text of one line as MRZ characters: upper case, spaces dropped, and
/// the shapes recognisers give the filler (`«`, `‹`, `＜`, `く`) made `<`.
/// `None` when something else is left.
pub fn normalize_line(s: &str) -> Option<String> {
    let mut out = String::new();
    for c in s.chars() {
        match c {
            ' ' | '\t' => {}
            '«' => out.push_str("<<"),
            '‹' | '＜' | 'く' | '〈' | '<' => out.push('<'),
            c if c.is_ascii_alphanumeric() => out.push(c.to_ascii_uppercase()),
            _ => return None,
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> Date {
        Date::new(2026, 12, 2).expect("date")
    }

    const UTO_TD3: [&str; 2] = [
        "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<",
        "L898902C36UTO7408122F1204159ZE184226B<<<<<10",
    ];
    const UTO_TD2: [&str; 2] = [
        "I<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<",
        "D231458907UTO7408122F1204159<<<<<<<6",
    ];
    const UTO_TD1: [&str; 3] = [
        "I<UTOD231458907<<<<<<<<<<<<<<<",
        "7408122F1204159UTO<<<<<<<<<<<6",
        "ERIKSSON<<ANNA<MARIA<<<<<<<<<<",
    ];

    #[test]
    fn check_digits_follow_icao() {
        // ICAO 9303-3 4.9's worked example and the specimen's fields.
        assert_eq!(check_digit("520727"), Some(3));
        assert_eq!(check_digit("L898902C3"), Some(6));
        assert_eq!(check_digit("740812"), Some(2));
        assert_eq!(check_digit("120415"), Some(9));
        assert_eq!(check_digit("<<<<<<"), Some(0));
        assert_eq!(check_digit("AB2134<<<"), Some(5));
        assert_eq!(check_digit("a"), None);
    }

    #[test]
    fn utopia_passport() {
        let m = parse(&UTO_TD3, today()).expect("parses");
        assert_eq!(m.format, MrzFormat::Td3);
        assert_eq!(m.kind, DocumentKind::Passport);
        assert_eq!(m.document_code, "P");
        assert_eq!(m.issuing_state, "UTO");
        assert_eq!(m.document_number, "L898902C3");
        assert_eq!(m.nationality.as_deref(), Some("UTO"));
        assert_eq!(m.birth_date, Date::new(1974, 8, 12));
        assert_eq!(m.sex, Some('F'));
        assert_eq!(m.expiry, Date::new(2012, 4, 15));
        assert_eq!(m.surname, "ERIKSSON");
        assert_eq!(m.given_names, "ANNA MARIA");
        assert!(!m.name_truncated);
        assert_eq!(m.optional_data, vec!["ZE184226B".to_string()]);
        let fields: Vec<_> = m.checks.iter().map(|c| c.field).collect();
        assert_eq!(
            fields,
            [
                "document_number",
                "birth_date",
                "expiry_date",
                "personal_number",
                "composite"
            ]
        );
        assert!(m.valid(), "{:?}", m.checks);
        assert!(m.repairs.is_empty());
    }

    #[test]
    fn utopia_td2_and_td1() {
        let m = parse(&UTO_TD2, today()).expect("parses");
        assert_eq!(m.format, MrzFormat::Td2);
        assert_eq!(m.document_number, "D23145890");
        assert_eq!(m.expiry, Date::new(2012, 4, 15));
        assert!(m.valid(), "{:?}", m.checks);
        let m = parse(&UTO_TD1, today()).expect("parses");
        assert_eq!(m.format, MrzFormat::Td1);
        assert_eq!(m.kind, DocumentKind::IdCard);
        assert_eq!(m.document_number, "D23145890");
        assert_eq!(m.nationality.as_deref(), Some("UTO"));
        assert_eq!(
            (m.surname.as_str(), m.given_names.as_str()),
            ("ERIKSSON", "ANNA MARIA")
        );
        assert!(m.valid(), "{:?}", m.checks);
    }

    #[test]
    fn td1_long_document_number() {
        // Latvia's specimen: PA9992921 6 ... and ICAO 9303-5's long-number
        // rule example in TD1 form (D23145890734, check 9).
        let lines = [
            "I<UTOD23145890<7349<<<<<<<<<<<",
            "3407127M9507122UTO<<<<<<<<<<<2",
            "STEVENSON<<PETER<JOHN<<<<<<<<<",
        ];
        let m = parse(&lines, today()).expect("parses");
        assert_eq!(m.document_number, "D23145890734");
        assert!(m.checks[0].valid, "{:?}", m.checks);
        assert!(m.valid(), "{:?}", m.checks);
        assert_eq!(m.surname, "STEVENSON");
        assert_eq!(m.given_names, "PETER JOHN");
    }

    #[test]
    fn one_wrong_character_fails_its_check_and_the_composite() {
        let mut l2 = UTO_TD3[1].to_string();
        l2.replace_range(15..16, "5"); // birth 745812: not a date either
        let m = parse(&[UTO_TD3[0], &l2], today()).expect("parses");
        assert!(!m.valid());
        assert_eq!(m.failed_checks(), ["birth_date", "composite"]);
        assert!(m.birth_date.is_none());
        assert!(m.repairs.is_empty());
    }

    #[test]
    fn a_letter_in_a_date_is_repaired_when_the_check_digit_proves_it() {
        // 7408I2 (I for 1) and 12O415 (O for 0).
        let l2 = "L898902C36UTO7408I22F12O4159ZE184226B<<<<<10";
        let m = parse(&[UTO_TD3[0], l2], today()).expect("parses");
        assert!(m.valid(), "{:?} {:?}", m.checks, m.repairs);
        assert_eq!(m.lines[1], UTO_TD3[1]);
        assert_eq!(m.lines_read[1], l2);
        let r: Vec<_> = m
            .repairs
            .iter()
            .map(|r| (r.column, r.read, r.corrected, r.proven_by))
            .collect();
        assert_eq!(
            r,
            [(17, 'I', '1', "birth_date"), (23, 'O', '0', "expiry_date")]
        );
    }

    #[test]
    fn a_digit_in_the_document_code_is_the_letter_it_looks_like() {
        // Spain's TD1 specimen as the recogniser read it.
        let m = parse(
            &[
                "1DESPBAA000589599999999R<<<<<<",
                "8001014F2501017ESP<<<<<<<<<<<7",
                "ESPANOLA<ESPANOLA<<CARMEN<<<<<",
            ],
            today(),
        )
        .expect("parse");
        assert_eq!(m.lines[0], "IDESPBAA000589599999999R<<<<<<");
        assert!(m.valid(), "{:?}", m.failed_checks());
        assert_eq!(
            m.repairs
                .iter()
                .map(|r| (r.line, r.column, r.read, r.corrected))
                .collect::<Vec<_>>(),
            [(0, 0, '1', 'I')]
        );
        // The EU driving licence's `D1` keeps its digit.
        let dl = parse(&["D1NLD15094962111659VW87ZN22NW2"], today()).expect("parse");
        assert!(dl.lines[0].starts_with("D1NLD"), "{:?}", dl.lines);
    }

    #[test]
    fn a_digit_in_the_nationality_is_the_letter_it_looks_like() {
        let m = parse(
            &[
                "P<UT0ERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<",
                "L898902C36UT07408122F1204159ZE184226B<<<<<10",
            ],
            today(),
        )
        .expect("parse");
        assert_eq!(m.issuing_state, "UTO");
        assert_eq!(m.nationality.as_deref(), Some("UTO"));
        assert!(m.valid());
        assert_eq!(m.repairs.len(), 2);
        assert!(m
            .repairs
            .iter()
            .all(|r| r.proven_by == "letters_only" && r.read == '0'));
    }

    #[test]
    fn a_confused_document_number_is_repaired_only_if_unique() {
        // L898902C3 read as L8989O2C3: O for 0; only one change fixes it.
        let l2 = "L8989O2C36UTO7408122F1204159ZE184226B<<<<<10";
        let m = parse(&[UTO_TD3[0], l2], today()).expect("parses");
        assert!(m.valid(), "{:?}", m.checks);
        assert_eq!(m.document_number, "L898902C3");
        assert_eq!(m.repairs.len(), 1);
        assert_eq!((m.repairs[0].read, m.repairs[0].corrected), ('O', '0'));
        // A digit that is simply wrong (3 for 8) is not "repaired".
        let l2 = "L893902C36UTO7408122F1204159ZE184226B<<<<<10";
        let m = parse(&[UTO_TD3[0], l2], today()).expect("parses");
        assert!(!m.valid());
        assert!(m.repairs.is_empty());
        assert_eq!(m.document_number, "L893902C3");
    }

    #[test]
    fn french_id_card() {
        let lines = [
            "IDFRADOUEL<<<<<<<<<<<<<<<<<<<<932013",
            "0506932020438CHRISTIANE<<NI2906209F3",
        ];
        let m = parse(&lines, today()).expect("parses");
        assert_eq!(m.format, MrzFormat::FrenchId);
        assert_eq!(m.kind, DocumentKind::IdCard);
        assert_eq!(m.surname, "DOUEL");
        assert_eq!(m.given_names, "CHRISTIANE NI");
        assert_eq!(m.document_number, "050693202043");
        assert_eq!(m.birth_date, Date::new(1929, 6, 20));
        assert_eq!(m.sex, Some('F'));
        assert_eq!(m.issued, Some((2005, 6)));
        assert_eq!(m.expiry, None);
        assert!(m.valid(), "{:?}", m.checks);
        assert_eq!(m.checks.len(), 3);
    }

    #[test]
    fn eu_driving_licence_line() {
        let m = parse(&["D1NLD15094962111659VW87Z78NB84"], today()).expect("parses");
        assert_eq!(m.format, MrzFormat::DrivingLicence);
        assert_eq!(m.kind, DocumentKind::Licence);
        assert_eq!(m.issuing_state, "NLD");
        assert_eq!(m.document_number, "5094962111");
        assert!(m.valid(), "{:?}", m.checks);
        let m = parse(&["D1NLD15094962111659VW87Z78NB85"], today()).expect("parses");
        assert!(!m.valid());
        assert_eq!(m.checks[0].computed, 4);
    }

    #[test]
    fn an_unknown_state_code_takes_the_known_one_a_letter_away() {
        // Monaco's specimen: `MCO` read `MOO` in the first line only.
        let lines = [
            "I<MOO029067<<<0<<<<<<<<<<<<<<<",
            "9901018F0903248MCO<<<<<<<<<<<0",
            "SPECIMEN<<SPECIMEN<<<<<<<<<<<<",
        ];
        let m = parse(&lines, today()).expect("parses");
        assert_eq!(m.issuing_state, "MCO");
        assert_eq!(m.lines[0], "I<MCO029067<<<0<<<<<<<<<<<<<<<");
        assert_eq!(
            m.repairs
                .iter()
                .map(|r| (r.line, r.column, r.read, r.corrected, r.proven_by))
                .collect::<Vec<_>>(),
            [(0, 3, 'O', 'C', "state_codes")]
        );
        // Two invented states (a specimen's) stay as read, and so do two
        // real ones a letter apart (France and the Faroe Islands).
        let invented = parse(
            &[
                "I<ASU029067<<<0<<<<<<<<<<<<<<<",
                "9901018F0903248ASV<<<<<<<<<<<0",
                lines[2],
            ],
            today(),
        )
        .expect("parses");
        assert_eq!(
            (
                invented.issuing_state.as_str(),
                invented.nationality.as_deref()
            ),
            ("ASU", Some("ASV"))
        );
        assert!(invented.repairs.is_empty());
        let real = parse(
            &[
                "I<FRA029067<<<0<<<<<<<<<<<<<<<",
                "9901018F0903248FRO<<<<<<<<<<<0",
                lines[2],
            ],
            today(),
        )
        .expect("parses");
        assert_eq!(real.nationality.as_deref(), Some("FRO"));
        assert!(real.repairs.is_empty());
        assert!(known_state("D<<") && known_state("UTO") && !known_state("MOO"));
    }

    #[test]
    fn a_licence_line_of_no_known_state_is_not_valid_whatever_its_check_digit() {
        let body = "D1QJX15094962111659VW87Z78NB8";
        let digit = check_digit(body).expect("digit");
        let m = parse(&[format!("{body}{digit}").as_str()], today()).expect("parses");
        assert!(m.checks.iter().all(|c| c.valid), "{:?}", m.checks);
        assert!(!m.valid());
        assert!(m.problems[0].contains("QJX"), "{:?}", m.problems);
    }

    #[test]
    fn visas_have_no_composite() {
        let a = [
            "V<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<",
            "L8988901C4XXX4009078F96121096ZE184226B<<<<<<",
        ];
        let m = parse(&a, today()).expect("parses");
        assert_eq!(m.format, MrzFormat::MrvA);
        assert_eq!(m.kind, DocumentKind::Visa);
        assert_eq!(m.expiry, Date::new(1996, 12, 10));
        assert!(m.valid(), "{:?}", m.checks);
        assert!(m.checks.iter().all(|c| c.field != "composite"));
    }

    #[test]
    fn shapes_and_characters() {
        assert!(matches!(
            parse(&["P<UTO"], today()),
            Err(MrzError::Shape(_))
        ));
        assert!(matches!(
            parse(
                &["P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<a", UTO_TD3[1]],
                today()
            ),
            Err(MrzError::Character(0, 43, 'a'))
        ));
        assert_eq!(
            normalize_line("p<uto eriksson«anna"),
            Some("P<UTOERIKSSON<<ANNA".into())
        );
        assert_eq!(normalize_line("P<UTO!"), None);
    }

    #[test]
    fn a_full_name_field_may_be_truncated() {
        let lines = [
            "P<UTOVANDERSTEENHOVEN<<JOHANNESPETRUSMARIAAB",
            "L898902C36UTO7408122M1204159ZE184226B<<<<<10",
        ];
        let m = parse(&lines, today()).expect("parses");
        assert!(m.name_truncated);
        assert_eq!(m.surname, "VANDERSTEENHOVEN");
    }

    #[test]
    fn every_character_of_real_zones_fits_its_layout() {
        let zones: [(MrzFormat, &[&str]); 6] = [
            (MrzFormat::Td3, &UTO_TD3),
            (MrzFormat::Td2, &UTO_TD2),
            (MrzFormat::Td1, &UTO_TD1),
            (
                MrzFormat::MrvA,
                &[
                    "V<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<",
                    "L8988901C4XXX4009078F96121096ZE184226B<<<<<<",
                ],
            ),
            (
                MrzFormat::FrenchId,
                &[
                    "IDFRADOUEL<<<<<<<<<<<<<<<<<<<<932013",
                    "0506932020438CHRISTIANE<<NI2906209F3",
                ],
            ),
            (
                MrzFormat::DrivingLicence,
                &["D1NLD15094962111659VW87ZN22NW2"],
            ),
        ];
        for (format, lines) in zones {
            assert_eq!(detect_format(lines), Some(format));
            for (l, line) in lines.iter().enumerate() {
                for (col, c) in line.chars().enumerate() {
                    assert!(
                        allows(format, l, col, c),
                        "{format:?} line {l} col {col} {c}"
                    );
                }
            }
        }
    }

    #[test]
    fn a_layout_keeps_letters_out_of_dates_and_digits_out_of_names() {
        use MrzFormat::Td3;
        // Birth date, its check digit, expiry (TD3 line 2).
        for col in [13, 18, 19, 21, 27] {
            assert!(
                allows(Td3, 1, col, '0') && !allows(Td3, 1, col, 'O'),
                "{col}"
            );
        }
        // Sex.
        assert!(allows(Td3, 1, 20, 'F') && !allows(Td3, 1, 20, 'E'));
        // Names and the issuing state: no digits.
        assert!(allows(Td3, 0, 7, 'I') && !allows(Td3, 0, 7, '1'));
        assert!(!allows(Td3, 0, 3, '0'));
        // The document number takes either.
        assert!(allows(Td3, 1, 3, 'O') && allows(Td3, 1, 3, '0'));
        // Nothing outside the alphabet.
        assert!(!allows(Td3, 1, 3, 'a'));
    }
}
