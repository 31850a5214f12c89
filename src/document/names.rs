//! The name a person plans to type, compared with the document's.
//!
//! A KYC form's name must match the document's as the check reads it: the
//! MRZ's primary identifier (surname) and secondary identifier (given
//! names), in Latin capitals, with letters outside A-Z transliterated by
//! ICAO Doc 9303-3 section 6 (Ä as AE or A, ß as SS, Ø as OE, ...).
//! [`compare`] says what differs: the order, a letter (which one), a
//! missing middle name, accents the document writes another way, case and
//! spacing, another script.

use serde::Serialize;

/// ICAO 9303-3 6.A transliterations of one upper-case letter; several when
/// the standard allows several (the German umlauts, Å). `None` for A-Z and
/// letters it has no entry for.
fn icao(c: char) -> Option<&'static [&'static str]> {
    Some(match c {
        'Á' | 'À' | 'Â' | 'Ã' | 'Ā' | 'Ă' | 'Ą' => &["A"],
        'Ä' => &["AE", "A"],
        'Å' => &["AA", "A"],
        'Æ' => &["AE"],
        'Ç' | 'Ć' | 'Ĉ' | 'Ċ' | 'Č' => &["C"],
        'Ď' | 'Đ' | 'Ð' => &["D"],
        'É' | 'È' | 'Ê' | 'Ë' | 'Ē' | 'Ĕ' | 'Ė' | 'Ę' | 'Ě' => &["E"],
        'Ĝ' | 'Ğ' | 'Ġ' | 'Ģ' => &["G"],
        'Ĥ' | 'Ħ' => &["H"],
        'Í' | 'Ì' | 'Î' | 'Ï' | 'Ĩ' | 'Ī' | 'Ĭ' | 'Į' | 'İ' | 'I' => &["I"],
        'Ĳ' => &["IJ"],
        'Ĵ' => &["J"],
        'Ķ' => &["K"],
        'Ĺ' | 'Ļ' | 'Ľ' | 'Ŀ' | 'Ł' => &["L"],
        'Ñ' | 'Ń' | 'Ņ' | 'Ň' | 'Ŋ' => &["N"],
        'Ó' | 'Ò' | 'Ô' | 'Õ' | 'Ō' | 'Ŏ' | 'Ő' => &["O"],
        'Ö' => &["OE", "O"],
        'Ø' | 'Œ' => &["OE"],
        'Ŕ' | 'Ŗ' | 'Ř' => &["R"],
        'Ś' | 'Ŝ' | 'Ş' | 'Š' | 'Ș' => &["S"],
        'ẞ' => &["SS"],
        'Ţ' | 'Ť' | 'Ŧ' | 'Ț' => &["T"],
        'Þ' => &["TH"],
        'Ú' | 'Ù' | 'Û' | 'Ũ' | 'Ū' | 'Ŭ' | 'Ů' | 'Ű' | 'Ų' => &["U"],
        'Ü' => &["UE", "U"],
        'Ŵ' => &["W"],
        'Ý' | 'Ÿ' | 'Ŷ' => &["Y"],
        'Ź' | 'Ż' | 'Ž' => &["Z"],
        _ => return None,
    })
}

/// At most this many spellings of one typed word are tried (a word with
/// five umlauts has 32).
const MAX_VARIANTS: usize = 16;

/// The spellings a typed word can have in an MRZ.
fn variants(word: &str) -> Vec<String> {
    let mut out = vec![String::new()];
    for c in word.chars() {
        // ß is lower case only; its upper case is "SS".
        let ups: Vec<char> = if c == 'ß' {
            vec!['ẞ']
        } else {
            c.to_uppercase().collect()
        };
        for u in ups {
            let opts: Vec<String> = match icao(u) {
                Some(o) => o.iter().map(|s| s.to_string()).collect(),
                None => vec![u.to_string()],
            };
            let mut next = Vec::new();
            for base in &out {
                for o in &opts {
                    if next.len() < MAX_VARIANTS {
                        next.push(format!("{base}{o}"));
                    }
                }
            }
            out = next;
        }
    }
    out
}

/// Words of a typed name: split at spaces, hyphens, commas and fillers
/// (ICAO writes a hyphen as a filler); apostrophes and dots dropped
/// (O'Brien is OBRIEN).
fn words(s: &str) -> Vec<String> {
    s.split(|c: char| c.is_whitespace() || matches!(c, '-' | ',' | '<' | '‐' | '_'))
        .map(|w| {
            w.chars()
                .filter(|c| !matches!(c, '\'' | '’' | '.'))
                .collect::<String>()
        })
        .filter(|w| !w.is_empty())
        .collect()
}

fn is_latin(w: &str) -> bool {
    w.chars().all(|c| {
        c.is_ascii_alphabetic() || icao(c.to_uppercase().next().unwrap_or(c)).is_some() || c == 'ß'
    })
}

/// One letter-level edit turning the typed word into the document's.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum Edit {
    /// The document has `letter` here; it was not typed.
    Missing { at: usize, letter: char },
    /// Typed `letter`, which the document does not have.
    Extra { at: usize, letter: char },
    /// Typed `typed` where the document has `document`.
    Replaced {
        at: usize,
        typed: char,
        document: char,
    },
}

/// Levenshtein edits from `a` (typed) to `b` (document); `at` is the
/// position in the document's word.
pub fn edits(a: &str, b: &str) -> Vec<Edit> {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let (n, m) = (a.len(), b.len());
    let mut d = vec![vec![0usize; m + 1]; n + 1];
    for (i, row) in d.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in d[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=n {
        for j in 1..=m {
            let sub = d[i - 1][j - 1] + usize::from(a[i - 1] != b[j - 1]);
            d[i][j] = sub.min(d[i - 1][j] + 1).min(d[i][j - 1] + 1);
        }
    }
    let (mut i, mut j) = (n, m);
    let mut out = Vec::new();
    while i > 0 || j > 0 {
        if i > 0 && j > 0 && d[i][j] == d[i - 1][j - 1] + usize::from(a[i - 1] != b[j - 1]) {
            if a[i - 1] != b[j - 1] {
                out.push(Edit::Replaced {
                    at: j - 1,
                    typed: a[i - 1],
                    document: b[j - 1],
                });
            }
            i -= 1;
            j -= 1;
        } else if j > 0 && d[i][j] == d[i][j - 1] + 1 {
            out.push(Edit::Missing {
                at: j - 1,
                letter: b[j - 1],
            });
            j -= 1;
        } else {
            out.push(Edit::Extra {
                at: j,
                letter: a[i - 1],
            });
            i -= 1;
        }
    }
    out.reverse();
    out
}

/// Which part of the document's name a word is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Part {
    Surname,
    GivenName,
}

/// One thing that differs.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Difference {
    /// Only upper/lower case or spaces differ (most forms accept that).
    CaseOrSpacing,
    /// The surname was typed before the given names (or the parts are in
    /// another order than the document's).
    OrderSwapped,
    /// A letter with an accent or umlaut, which the document writes as
    /// ICAO's transliteration (`MÜLLER` as `MUELLER`), or a plain letter
    /// typed where the document has that transliteration (`MULLER`).
    Accents { typed: String, document: String },
    /// A word spelled differently: the letters that differ.
    Spelling {
        typed: String,
        document: String,
        part: Part,
        edits: Vec<Edit>,
    },
    /// A document name that was not typed: a middle name when it is a given
    /// name after the first.
    Missing {
        name: String,
        part: Part,
        middle: bool,
    },
    /// A typed word the document does not have.
    Extra { typed: String },
    /// Typed in another script (汉字, Cyrillic): the document's Latin
    /// spelling is what the check compares.
    OtherScript { typed: String },
}

/// The outcome of comparing.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct NameComparison {
    pub typed: String,
    /// `GIVEN NAMES SURNAME` as the document writes them.
    pub document: String,
    /// True when nothing differs but case and spacing.
    pub same: bool,
    pub differences: Vec<Difference>,
}

/// A typed word's best reading of a document word: exact (through a
/// transliteration) or with these edits.
fn best_edits(typed: &str, doc: &str) -> (Vec<Edit>, bool) {
    let vs = variants(typed);
    let mut best: Option<(Vec<Edit>, bool)> = None;
    for v in &vs {
        let e = edits(v, doc);
        let via_translit = v.as_str() != typed.to_uppercase();
        if best.as_ref().is_none_or(|(b, _)| e.len() < b.len()) {
            best = Some((e, via_translit));
        }
    }
    best.unwrap_or_default()
}

/// Up to this share of a word's letters may differ for it to count as a
/// misspelling of the document's word rather than another word (1 in 3:
/// ERIKSON for ERIKSSON, MARTA for MARIA, not ANNA for MARIA).
pub const SPELLING_MAX_SHARE: f64 = 0.34;

/// `MUELLER` vs typed `MULLER`: the document's E after A/O/U is ICAO's
/// umlaut transliteration the person left out.
fn umlaut_dropped(e: &[Edit], doc: &str) -> bool {
    let d: Vec<char> = doc.chars().collect();
    !e.is_empty()
        && e.iter().all(|x| match x {
            Edit::Missing { at, letter: 'E' } => {
                *at > 0 && matches!(d.get(at - 1), Some('A' | 'O' | 'U'))
            }
            _ => false,
        })
}

/// Compares `typed` (anything a person would type: "Anna Maria Eriksson",
/// "eriksson anna", "Anna-Maria Eriksson") with the document's surname and
/// given names (MRZ style: capitals, words separated by spaces).
pub fn compare(typed: &str, surname: &str, given_names: &str) -> NameComparison {
    let doc: Vec<(String, Part)> = given_names
        .split_whitespace()
        .map(|w| (w.to_string(), Part::GivenName))
        .chain(
            surname
                .split_whitespace()
                .map(|w| (w.to_string(), Part::Surname)),
        )
        .collect();
    let document = doc
        .iter()
        .map(|(w, _)| w.as_str())
        .collect::<Vec<_>>()
        .join(" ");
    let tw = words(typed);
    let mut diffs = Vec::new();
    let mut same_letters = false;
    // Whole-name comparisons first: the same letters in either order, only
    // spacing or case apart (ANNAMARIA ERIKSSON).
    let squash = |ws: &[&str]| ws.concat();
    let typed_join: Vec<String> = {
        let vs: Vec<Vec<String>> = tw.iter().map(|w| variants(w)).collect();
        // Join the first variant of each word, and the plain upper case.
        vec![
            vs.iter().map(|v| v[0].clone()).collect::<String>(),
            vs.iter()
                .map(|v| v.last().cloned().unwrap_or_default())
                .collect::<String>(),
        ]
    };
    let gs: Vec<&str> = given_names.split_whitespace().collect();
    let ss: Vec<&str> = surname.split_whitespace().collect();
    let given_first = format!("{}{}", squash(&gs), squash(&ss));
    let surname_first = format!("{}{}", squash(&ss), squash(&gs));
    if !tw.is_empty() && typed_join.contains(&given_first) {
        same_letters = true;
    } else if !tw.is_empty() && !gs.is_empty() && typed_join.contains(&surname_first) {
        same_letters = true;
        diffs.push(Difference::OrderSwapped);
    }
    if same_letters {
        // Accents typed that the document transliterates.
        for w in &tw {
            if !w.is_ascii() {
                let v = variants(w);
                if let Some(d) = doc.iter().find(|(d, _)| v.contains(d)) {
                    diffs.push(Difference::Accents {
                        typed: w.clone(),
                        document: d.0.clone(),
                    });
                }
            }
        }
        let want = if diffs.contains(&Difference::OrderSwapped) {
            ss.iter()
                .chain(gs.iter())
                .copied()
                .collect::<Vec<_>>()
                .join(" ")
        } else {
            document.clone()
        };
        let accents = diffs
            .iter()
            .any(|d| matches!(d, Difference::Accents { .. }));
        if typed != want && !accents {
            diffs.insert(0, Difference::CaseOrSpacing);
        }
        let same = diffs.iter().all(|d| *d == Difference::CaseOrSpacing);
        return NameComparison {
            typed: typed.to_string(),
            document,
            same,
            differences: diffs,
        };
    }
    // Word by word: each typed word to the unused document word it matches
    // best.
    let mut used = vec![false; doc.len()];
    let mut order = Vec::new();
    for w in &tw {
        if !is_latin(w) {
            diffs.push(Difference::OtherScript { typed: w.clone() });
            continue;
        }
        let mut best: Option<(usize, Vec<Edit>, bool)> = None;
        for (i, (d, _)) in doc.iter().enumerate() {
            if used[i] {
                continue;
            }
            let (e, translit) = best_edits(w, d);
            if best.as_ref().is_none_or(|(_, b, _)| e.len() < b.len()) {
                best = Some((i, e, translit));
            }
        }
        match best {
            Some((i, e, translit)) => {
                let (d, part) = &doc[i];
                let len = d.chars().count().max(w.chars().count()) as f64;
                if e.is_empty() {
                    used[i] = true;
                    order.push(i);
                    if translit {
                        diffs.push(Difference::Accents {
                            typed: w.clone(),
                            document: d.clone(),
                        });
                    }
                } else if umlaut_dropped(&e, d) {
                    used[i] = true;
                    order.push(i);
                    diffs.push(Difference::Accents {
                        typed: w.clone(),
                        document: d.clone(),
                    });
                } else if (e.len() as f64) <= (len * SPELLING_MAX_SHARE).max(1.0) {
                    used[i] = true;
                    order.push(i);
                    diffs.push(Difference::Spelling {
                        typed: w.to_uppercase(),
                        document: d.clone(),
                        part: *part,
                        edits: e,
                    });
                } else {
                    diffs.push(Difference::Extra { typed: w.clone() });
                }
            }
            None => diffs.push(Difference::Extra { typed: w.clone() }),
        }
    }
    let first_given = doc.iter().position(|(_, p)| *p == Part::GivenName);
    for (i, (d, part)) in doc.iter().enumerate() {
        if !used[i] {
            diffs.push(Difference::Missing {
                name: d.clone(),
                part: *part,
                middle: *part == Part::GivenName && Some(i) != first_given,
            });
        }
    }
    if order.windows(2).any(|p| p[0] > p[1]) {
        diffs.insert(0, Difference::OrderSwapped);
    }
    let exact_words = diffs.iter().all(|d| matches!(d, Difference::OrderSwapped));
    if exact_words && tw.join(" ") != typed.trim() {
        diffs.push(Difference::CaseOrSpacing);
    }
    NameComparison {
        typed: typed.to_string(),
        document,
        same: diffs.is_empty(),
        differences: diffs,
    }
}

/// Compares a typed name with the name on a Chinese resident ID (汉字):
/// the same characters (spaces ignored), or which differ. A name typed in
/// Latin letters cannot be checked here (the card has no pinyin).
pub fn compare_chinese(typed: &str, card_name: &str) -> NameComparison {
    let t: String = typed.chars().filter(|c| !c.is_whitespace()).collect();
    let mut differences = Vec::new();
    if t != card_name {
        if t.is_ascii() {
            differences.push(Difference::OtherScript {
                typed: typed.to_string(),
            });
        } else {
            differences.push(Difference::Spelling {
                typed: t.clone(),
                document: card_name.to_string(),
                part: Part::Surname,
                edits: edits(&t, card_name),
            });
        }
    } else if t != typed {
        differences.push(Difference::CaseOrSpacing);
    }
    NameComparison {
        typed: typed.to_string(),
        document: card_name.to_string(),
        same: differences.iter().all(|d| *d == Difference::CaseOrSpacing),
        differences,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(c: &NameComparison) -> Vec<&'static str> {
        c.differences
            .iter()
            .map(|d| match d {
                Difference::CaseOrSpacing => "case_or_spacing",
                Difference::OrderSwapped => "order_swapped",
                Difference::Accents { .. } => "accents",
                Difference::Spelling { .. } => "spelling",
                Difference::Missing { .. } => "missing",
                Difference::Extra { .. } => "extra",
                Difference::OtherScript { .. } => "other_script",
            })
            .collect()
    }

    #[test]
    fn exactly_as_the_document() {
        let c = compare("ANNA MARIA ERIKSSON", "ERIKSSON", "ANNA MARIA");
        assert!(c.same, "{c:?}");
        assert!(c.differences.is_empty());
        assert_eq!(c.document, "ANNA MARIA ERIKSSON");
    }

    #[test]
    fn case_and_spacing_only() {
        let c = compare("Anna Maria  Eriksson", "ERIKSSON", "ANNA MARIA");
        assert!(c.same);
        assert_eq!(kinds(&c), ["case_or_spacing"]);
        let c = compare("AnnaMaria Eriksson", "ERIKSSON", "ANNA MARIA");
        assert!(c.same);
        assert_eq!(kinds(&c), ["case_or_spacing"]);
        let c = compare("Anna-Maria Eriksson", "ERIKSSON", "ANNA MARIA");
        assert!(c.same, "{c:?}");
    }

    #[test]
    fn order_swapped() {
        let c = compare("ERIKSSON ANNA MARIA", "ERIKSSON", "ANNA MARIA");
        assert!(!c.same);
        assert_eq!(kinds(&c), ["order_swapped"]);
        // A Chinese name typed surname first, as it is said.
        let c = compare("Zhang Wei", "ZHANG", "WEI");
        assert!(kinds(&c).contains(&"order_swapped"), "{c:?}");
        assert!(!c.same);
    }

    #[test]
    fn spelling_names_the_letters() {
        let c = compare("Anna Maria Erikson", "ERIKSSON", "ANNA MARIA");
        assert!(!c.same);
        assert_eq!(kinds(&c), ["spelling"]);
        match &c.differences[0] {
            Difference::Spelling {
                typed,
                document,
                part,
                edits,
            } => {
                assert_eq!((typed.as_str(), document.as_str()), ("ERIKSON", "ERIKSSON"));
                assert_eq!(*part, Part::Surname);
                assert_eq!(edits.len(), 1);
                assert!(
                    matches!(edits[0], Edit::Missing { letter: 'S', .. }),
                    "{edits:?}"
                );
            }
            d => panic!("{d:?}"),
        }
        let c = compare("Anna Marya Eriksson", "ERIKSSON", "ANNA MARIA");
        match &c.differences[0] {
            Difference::Spelling { edits, .. } => assert_eq!(
                edits,
                &[Edit::Replaced {
                    at: 3,
                    typed: 'Y',
                    document: 'I'
                }]
            ),
            d => panic!("{d:?}"),
        }
    }

    #[test]
    fn missing_middle_name() {
        let c = compare("Anna Eriksson", "ERIKSSON", "ANNA MARIA");
        assert_eq!(kinds(&c), ["missing"]);
        assert_eq!(
            c.differences[0],
            Difference::Missing {
                name: "MARIA".into(),
                part: Part::GivenName,
                middle: true
            }
        );
        let c = compare("Anna Maria", "ERIKSSON", "ANNA MARIA");
        assert!(matches!(
            c.differences[..],
            [Difference::Missing {
                part: Part::Surname,
                middle: false,
                ..
            }]
        ));
    }

    #[test]
    fn accents_and_icao_transliteration() {
        // Ü is UE (or U) in an MRZ; both typed forms are the same name.
        let c = compare("Jürgen Müller", "MUELLER", "JUERGEN");
        assert!(!c.same);
        assert!(kinds(&c).iter().all(|k| *k == "accents"), "{c:?}");
        let c = compare("Jurgen Muller", "MUELLER", "JUERGEN");
        assert_eq!(kinds(&c), ["accents", "accents"], "{c:?}");
        let c = compare("Håkan Øberg", "OEBERG", "HAAKAN");
        assert!(kinds(&c).iter().all(|k| *k == "accents"), "{c:?}");
        let c = compare("José Núñez", "NUNEZ", "JOSE");
        assert!(kinds(&c).iter().all(|k| *k == "accents"), "{c:?}");
        let c = compare("Strauß", "STRAUSS", "");
        assert!(kinds(&c).iter().all(|k| *k == "accents"), "{c:?}");
        // O'Brien is OBRIEN.
        let c = compare("Sean O'Brien", "OBRIEN", "SEAN");
        assert!(c.same, "{c:?}");
    }

    #[test]
    fn another_script_and_extra_words() {
        let c = compare("张伟", "ZHANG", "WEI");
        assert!(kinds(&c).contains(&"other_script"), "{c:?}");
        let c = compare("Anna Maria Eriksson Smith", "ERIKSSON", "ANNA MARIA");
        assert_eq!(kinds(&c), ["extra"]);
    }
}
