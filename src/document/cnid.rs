//! The Chinese resident identity card (居民身份证): the 18-character
//! citizen number (GB 11643-1999) with its ISO 7064 MOD 11-2 check
//! character, the birth date and sex it holds, the name on the front and the
//! validity dates on the back (有效期限).

use super::date::Date;
use serde::Serialize;

/// ISO 7064 MOD 11-2 weights of the first 17 digits: 2^(17-i) mod 11.
const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
/// The check character for each remainder of the weighted sum mod 11.
const CHECK: [char; 11] = ['1', '0', 'X', '9', '8', '7', '6', '5', '4', '3', '2'];

/// The check character of the first 17 digits; `None` unless 17 digits.
pub fn check_char(first17: &str) -> Option<char> {
    let b = first17.as_bytes();
    if b.len() != 17 || !b.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let sum: u32 = b
        .iter()
        .zip(WEIGHTS)
        .map(|(d, w)| (d - b'0') as u32 * w)
        .sum();
    Some(CHECK[(sum % 11) as usize])
}

/// A citizen number read off a card.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CnIdNumber {
    pub number: String,
    /// The administrative division code (first six digits).
    pub region: String,
    /// Digits 7-14; `None` when they are not a day.
    pub birth_date: Option<Date>,
    /// `M` when the 17th digit is odd, `F` when even.
    pub sex: char,
    pub check_computed: char,
    pub check_printed: char,
    pub valid: bool,
}

/// Parses an 18-character number (a lower-case `x` is taken as `X`);
/// `None` unless 17 digits and a digit or X.
pub fn parse_number(s: &str) -> Option<CnIdNumber> {
    let s: String = s.trim().to_ascii_uppercase();
    let b = s.as_bytes();
    if b.len() != 18 || !(b[17].is_ascii_digit() || b[17] == b'X') {
        return None;
    }
    let computed = check_char(&s[..17])?;
    let printed = b[17] as char;
    let n = |r: std::ops::Range<usize>| s[r].parse::<u32>().ok();
    let birth_date = match (n(6..10), n(10..12), n(12..14)) {
        (Some(y), Some(m), Some(d)) => Date::new(y as i32, m, d),
        _ => None,
    };
    let sex = if (b[16] - b'0') % 2 == 1 { 'M' } else { 'F' };
    Some(CnIdNumber {
        number: s.clone(),
        region: s[..6].to_string(),
        birth_date,
        sex,
        check_computed: computed,
        check_printed: printed,
        valid: computed == printed && birth_date.is_some(),
    })
}

/// Finds an 18-character citizen number in a line of OCR text (spaces
/// ignored).
pub fn find_number(text: &str) -> Option<CnIdNumber> {
    let compact: Vec<char> = text.chars().filter(|c| !c.is_whitespace()).collect();
    (0..compact.len().saturating_sub(17))
        .filter_map(|i| {
            // Not part of a longer run of digits.
            let before = i.checked_sub(1).map(|j| compact[j].is_ascii_digit());
            let after = compact.get(i + 18).map(|c| c.is_ascii_digit());
            if before == Some(true) || after == Some(true) {
                return None;
            }
            let s: String = compact[i..i + 18].iter().collect();
            parse_number(&s)
        })
        .next()
}

/// The validity period printed on the back.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Validity {
    pub from: Date,
    /// `None` for 长期 (long term: cards issued to people over 46).
    pub until: Option<Date>,
}

fn parse_dotted(s: &str) -> Option<Date> {
    let parts: Vec<&str> = s.split(['.', '．', '-', '/']).collect();
    match parts.as_slice() {
        [y, m, d] => Date::new(y.parse().ok()?, m.parse().ok()?, d.parse().ok()?),
        [ymd] if ymd.len() == 8 => Date::new(
            ymd[..4].parse().ok()?,
            ymd[4..6].parse().ok()?,
            ymd[6..].parse().ok()?,
        ),
        _ => None,
    }
}

/// `有效期限 2015.01.01-2025.01.01` or `2015.01.01-长期` (the label, spaces
/// and the kind of dash are optional).
pub fn parse_validity(text: &str) -> Option<Validity> {
    let t: String = text
        .chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| match c {
            '－' | '—' | '–' | '~' | '～' | '至' => '-',
            c => c,
        })
        .collect();
    let t = t.strip_prefix("有效期限").unwrap_or(&t);
    let t = t.trim_start_matches([':', '：']);
    // The first date is 10 characters with separators (YYYY.MM.DD); split
    // after it rather than at every dash.
    let (a, b) = if t.len() >= 11 && t.is_char_boundary(10) && t[10..].starts_with('-') {
        (&t[..10], &t[11..])
    } else {
        t.split_once('-')?
    };
    let from = parse_dotted(a)?;
    let until = if b.starts_with("长期") {
        None
    } else {
        Some(parse_dotted(b.get(..10).unwrap_or(b))?)
    };
    Some(Validity { from, until })
}

/// The name after 姓名 on the front, if a line has it.
pub fn find_name(lines: &[String]) -> Option<String> {
    lines.iter().find_map(|l| {
        let compact: String = l.chars().filter(|c| !c.is_whitespace()).collect();
        let rest = compact.split_once("姓名")?.1;
        let name: String = rest
            .chars()
            .take_while(|c| ('\u{4e00}'..='\u{9fff}').contains(c) || *c == '·')
            .collect();
        (!name.is_empty()).then_some(name)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mod_11_2_check_character() {
        // GB 11643-1999's example and a number whose check is X.
        assert_eq!(check_char("11010519491231002"), Some('X'));
        assert_eq!(check_char("44052418800101001"), Some('4'));
        assert_eq!(check_char("1101051949123100"), None);
        let n = parse_number("11010519491231002x").expect("parses");
        assert!(n.valid);
        assert_eq!(n.birth_date, Date::new(1949, 12, 31));
        assert_eq!(n.sex, 'F');
        assert_eq!(n.region, "110105");
        let n = parse_number("440524188001010014").expect("parses");
        assert!(n.valid);
        assert_eq!(n.sex, 'M');
        let bad = parse_number("440524188001010015").expect("parses");
        assert!(!bad.valid);
        assert_eq!((bad.check_computed, bad.check_printed), ('4', '5'));
        // A valid check over a day that does not exist is still invalid.
        let c = check_char("11010519491332002").expect("17 digits");
        let n = parse_number(&format!("11010519491332002{c}")).expect("parses");
        assert!(!n.valid);
        assert!(parse_number("1101051949123100").is_none());
        assert!(parse_number("11010519491231002Y").is_none());
    }

    #[test]
    fn number_found_in_text() {
        let n = find_number("公民身份号码 1101 0519 4912 3100 2X").expect("found");
        assert_eq!(n.number, "11010519491231002X");
        assert!(find_number("电话 1234567").is_none());
        // A 19-digit run is not a citizen number.
        assert!(find_number("4405241880010100141").is_none());
    }

    #[test]
    fn validity_dates() {
        let v = parse_validity("有效期限 2015.01.01-2025.01.01").expect("parses");
        assert_eq!(v.from, Date::new(2015, 1, 1).expect("d"));
        assert_eq!(v.until, Date::new(2025, 1, 1));
        let v = parse_validity("有效期限：2017.06.05－长期").expect("parses");
        assert_eq!(v.until, None);
        assert_eq!(v.from, Date::new(2017, 6, 5).expect("d"));
        let v = parse_validity("2020.02.30-2030.02.28");
        assert!(v.is_none(), "30 February");
        assert!(parse_validity("签发机关 北京市公安局").is_none());
    }

    #[test]
    fn name_on_the_front() {
        let lines = vec!["姓名 张三".to_string(), "性别 男 民族 汉".to_string()];
        assert_eq!(find_name(&lines).as_deref(), Some("张三"));
        assert_eq!(find_name(&["住址 北京".to_string()]), None);
    }
}
