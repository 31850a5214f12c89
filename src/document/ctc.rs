//! Turning the text recogniser's per-step class probabilities into text
//! (CTC decoding): the best class at each step, or the most probable
//! reading of an exact length over a given alphabet.
//!
//! The recogniser emits, for each step along the line, a probability for
//! the blank (class 0) and for each character. A reading is a path of one
//! class per step; repeats are merged and blanks dropped. Greedy decoding
//! takes the best class at each step. It loses a character where two equal
//! ones run together without a blank between them (`<<` read as `<`, `11`
//! as `1`), or where a thin character's steps go to the blank (the `I` of
//! `I<MCO` on Monaco's small specimen): for text of a known length, such as
//! a machine-readable zone's lines (30, 36 or 44 characters, ICAO 9303),
//! [`fixed_length`] finds the most probable path that reads exactly that
//! many characters of the zone's alphabet.

/// One line's recogniser output: `steps` rows of `classes` probabilities.
#[derive(Clone, Debug, PartialEq)]
pub struct Steps {
    pub probs: Vec<f32>,
    pub classes: usize,
}

impl Steps {
    fn steps(&self) -> impl Iterator<Item = &[f32]> {
        self.probs.chunks_exact(self.classes.max(1))
    }
}

/// Greedy decoding: the best class per step, repeats merged, blanks
/// dropped; confidence is the mean best probability of the kept steps.
/// `chars[i]` is class `i`'s text (class 0, the blank, has none).
pub fn greedy(steps: &Steps, chars: &[String]) -> (String, f32) {
    let mut text = String::new();
    let (mut sum, mut n) = (0.0f32, 0usize);
    let mut prev = usize::MAX;
    for step in steps.steps() {
        let (best, p) =
            step.iter().enumerate().fold(
                (0usize, f32::MIN),
                |acc, (i, &v)| if v > acc.1 { (i, v) } else { acc },
            );
        if best != 0 && best != prev {
            if let Some(c) = chars.get(best) {
                text.push_str(c);
                sum += p;
                n += 1;
            }
        }
        prev = best;
    }
    (text, if n == 0 { 0.0 } else { sum / n as f32 })
}

/// Probabilities below this count as this (their logarithm stays finite).
const MIN_PROB: f32 = 1e-12;

/// The most probable reading of exactly `len` symbols, each symbol being
/// one of `symbols` (a symbol's probability at a step is the best of the
/// classes given for it: `A` and `a` both read as `A`), or `None` when the
/// line has too few steps. Confidence as for [`greedy`].
///
/// A Viterbi search over (step, symbols read so far, class at this step):
/// a step either stays blank, continues the symbol of the step before, or
/// starts the next symbol (after a blank, or after a different symbol: two
/// equal symbols in a row need a blank between them, as in CTC).
pub fn fixed_length(
    steps: &Steps,
    symbols: &[(char, Vec<usize>)],
    len: usize,
) -> Option<(String, f32)> {
    fixed_pattern(steps, symbols, len, |_, _| true).map(|r| (r.text, r.confidence))
}

/// A reading of a fixed length ([`fixed_pattern`]).
#[derive(Clone, Debug, PartialEq)]
pub struct Fixed {
    pub text: String,
    /// As for [`greedy`].
    pub confidence: f32,
}

/// As [`fixed_length`], with the symbol at each position limited to those
/// `allowed(position, symbol)` (a format's field layout: digits where a
/// date is printed, letters where a name is).
pub fn fixed_pattern(
    steps: &Steps,
    symbols: &[(char, Vec<usize>)],
    len: usize,
    allowed: impl Fn(usize, char) -> bool,
) -> Option<Fixed> {
    let rows: Vec<&[f32]> = steps.steps().collect();
    let t_max = rows.len();
    let s_n = symbols.len();
    // The shortest path to `len` symbols takes `len` steps (2 len - 1 with repeats).
    if len == 0 || s_n == 0 || t_max < len {
        return None;
    }
    let ln = |p: f32| p.max(MIN_PROB).ln();
    // Per step: the blank's and each symbol's log probability, and which
    // class gave the symbol's.
    let blank: Vec<f32> = rows
        .iter()
        .map(|r| ln(r.first().copied().unwrap_or(0.0)))
        .collect();
    let sym: Vec<Vec<f32>> = rows
        .iter()
        .map(|r| {
            symbols
                .iter()
                .map(|(_, cls)| {
                    ln(cls
                        .iter()
                        .filter_map(|&c| r.get(c).copied())
                        .fold(0.0f32, f32::max))
                })
                .collect()
        })
        .collect();
    // ok[k * s_n + j]: symbol j may be the (k + 1)-th.
    let ok: Vec<bool> = (0..len)
        .flat_map(|k| symbols.iter().map(move |(c, _)| (k, *c)))
        .map(|(k, c)| allowed(k, c))
        .collect();
    // State index: (k symbols read, class s), s = 0 blank, 1 + j symbol j.
    let width = s_n + 1;
    let at = |k: usize, s: usize| k * width + s;
    let neg = f32::NEG_INFINITY;
    let mut score = vec![neg; (len + 1) * width];
    // back[t][state] = the previous step's state.
    let mut back: Vec<Vec<u32>> = Vec::with_capacity(t_max);
    // Step 0: blank with none read, or the first symbol.
    score[at(0, 0)] = blank[0];
    for j in 0..s_n {
        if ok[j] {
            score[at(1, 1 + j)] = sym[0][j];
        }
    }
    back.push(vec![u32::MAX; score.len()]);
    for t in 1..t_max {
        let mut next = vec![neg; score.len()];
        let mut from = vec![u32::MAX; score.len()];
        for k in 0..=len {
            // Blank: from anything with k read.
            let (mut best, mut arg) = (neg, u32::MAX);
            for s in 0..width {
                if score[at(k, s)] > best {
                    best = score[at(k, s)];
                    arg = at(k, s) as u32;
                }
            }
            if best > neg {
                next[at(k, 0)] = best + blank[t];
                from[at(k, 0)] = arg;
            }
            if k == 0 {
                continue;
            }
            // The best and second best of the states with k - 1 read, for
            // starting symbol j (which must not come from symbol j itself).
            let (mut b1, mut a1, mut b2, mut a2) = (neg, usize::MAX, neg, usize::MAX);
            for s in 0..width {
                let v = score[at(k - 1, s)];
                if v > b1 {
                    (b2, a2) = (b1, a1);
                    (b1, a1) = (v, s);
                } else if v > b2 {
                    (b2, a2) = (v, s);
                }
            }
            for (j, &here) in sym[t].iter().enumerate() {
                let s = 1 + j;
                let stay = score[at(k, s)];
                let (start, start_s) = if !ok[(k - 1) * s_n + j] {
                    (neg, usize::MAX)
                } else if a1 != s {
                    (b1, a1)
                } else {
                    (b2, a2)
                };
                let (v, arg) = if stay >= start {
                    (stay, at(k, s))
                } else {
                    (start, at(k - 1, start_s.min(width - 1)))
                };
                if v > neg {
                    next[at(k, s)] = v + here;
                    from[at(k, s)] = arg as u32;
                }
            }
        }
        score = next;
        back.push(from);
    }
    // The best end with `len` read, then back along the path.
    let (mut state, mut best) = (usize::MAX, neg);
    for s in 0..width {
        if score[at(len, s)] > best {
            best = score[at(len, s)];
            state = at(len, s);
        }
    }
    if state == usize::MAX {
        return None;
    }
    let mut path = vec![0usize; t_max];
    for t in (0..t_max).rev() {
        path[t] = state;
        if t > 0 {
            state = back[t][state] as usize;
            if state == u32::MAX as usize {
                return None;
            }
        }
    }
    // Read the path: a symbol where k grows.
    let mut text = String::with_capacity(len);
    let (mut sum, mut prev_k) = (0.0f32, 0usize);
    for (t, &st) in path.iter().enumerate() {
        let (k, s) = (st / width, st % width);
        if k > prev_k && s > 0 {
            text.push(symbols[s - 1].0);
            sum += sym[t][s - 1].exp();
        }
        prev_k = k;
    }
    (text.chars().count() == len).then(|| Fixed {
        text,
        confidence: sum / len as f32,
    })
}

/// For each of `alphabet`'s characters, the dictionary classes that read as
/// it: the character itself and its lower case (the filler `<` also from
/// the shapes [`super::zone::mrz_chars`] takes for it).
pub fn symbol_classes(
    alphabet: &str,
    chars: &[String],
    also: &[(char, &str)],
) -> Vec<(char, Vec<usize>)> {
    alphabet
        .chars()
        .map(|a| {
            let lower = a.to_ascii_lowercase().to_string();
            let upper = a.to_string();
            let cls = chars
                .iter()
                .enumerate()
                .skip(1)
                .filter(|(_, c)| {
                    **c == upper
                        || **c == lower
                        || also
                            .iter()
                            .any(|(to, from)| *to == a && c.as_str() == *from)
                })
                .map(|(i, _)| i)
                .collect();
            (a, cls)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Classes: 0 blank, 1 'A', 2 'B', 3 '<'.
    fn chars() -> Vec<String> {
        ["", "A", "B", "<"].iter().map(|s| s.to_string()).collect()
    }

    fn steps(rows: &[[f32; 4]]) -> Steps {
        Steps {
            probs: rows.iter().flatten().copied().collect(),
            classes: 4,
        }
    }

    fn symbols() -> Vec<(char, Vec<usize>)> {
        symbol_classes("AB<", &chars(), &[])
    }

    #[test]
    fn greedy_merges_repeats_and_drops_blanks() {
        // Steps: A A blank A B B blank
        let seq = [1, 1, 0, 1, 2, 2, 0];
        let mut rows = Vec::new();
        for &c in &seq {
            let mut step = [0.0f32; 4];
            step[c] = 0.8;
            rows.push(step);
        }
        let (text, conf) = greedy(&steps(&rows), &chars());
        assert_eq!(text, "AAB");
        assert!((conf - 0.8).abs() < 1e-6);
    }

    #[test]
    fn two_fillers_run_together_are_recovered_at_their_length() {
        // "A<<" whose two fillers' steps touch without a blank: greedy reads "A<".
        let s = steps(&[
            [0.1, 0.8, 0.05, 0.05],
            [0.6, 0.1, 0.0, 0.3],
            [0.1, 0.0, 0.0, 0.9],
            [0.1, 0.0, 0.0, 0.9],
            [0.2, 0.0, 0.0, 0.8],
        ]);
        assert_eq!(greedy(&s, &chars()).0, "A<");
        let (text, conf) = fixed_length(&s, &symbols(), 3).expect("read");
        assert_eq!(text, "A<<");
        assert!(conf > 0.0 && conf <= 1.0);
        // At the greedy length the same reading as greedy.
        assert_eq!(fixed_length(&s, &symbols(), 2).expect("read").0, "A<");
    }

    #[test]
    fn a_faint_character_is_kept_when_the_length_needs_it() {
        // A 'B' whose step the blank wins, between two 'A's.
        let s = steps(&[
            [0.1, 0.8, 0.05, 0.05],
            [0.55, 0.05, 0.35, 0.05],
            [0.1, 0.8, 0.05, 0.05],
        ]);
        assert_eq!(greedy(&s, &chars()).0, "AA");
        assert_eq!(fixed_length(&s, &symbols(), 3).expect("read").0, "ABA");
    }

    #[test]
    fn a_pattern_takes_the_best_allowed_character_at_each_position() {
        // "AB<" as the steps read it best; position 0 may only be 'B', and
        // position 2 only a letter: the next best allowed classes win there.
        let s = steps(&[
            [0.1, 0.6, 0.3, 0.0],
            [0.9, 0.05, 0.05, 0.0],
            [0.1, 0.0, 0.8, 0.1],
            [0.1, 0.1, 0.2, 0.6],
        ]);
        assert_eq!(fixed_length(&s, &symbols(), 3).expect("read").0, "AB<");
        let only_b_first = |pos: usize, c: char| pos != 0 || c == 'B';
        let r = fixed_pattern(&s, &symbols(), 3, only_b_first).expect("read");
        assert_eq!(r.text, "BB<");
        let letters_last = |pos: usize, c: char| pos != 2 || c != '<';
        let r = fixed_pattern(&s, &symbols(), 3, letters_last).expect("read");
        // (Not "ABB": two equal symbols need a blank step between them.)
        assert_eq!(r.text, "ABA");
        // Nothing allowed somewhere: no reading.
        assert_eq!(fixed_pattern(&s, &symbols(), 3, |pos, _| pos != 1), None);
    }

    #[test]
    fn too_few_steps_read_nothing() {
        let s = steps(&[[0.1, 0.8, 0.05, 0.05]]);
        assert_eq!(fixed_length(&s, &symbols(), 2), None);
        assert_eq!(fixed_length(&s, &symbols(), 0), None);
        // Two equal symbols need a blank between them: "AA" needs 3 steps.
        let two = steps(&[[0.1, 0.8, 0.05, 0.05], [0.1, 0.8, 0.05, 0.05]]);
        assert_ne!(
            fixed_length(&two, &symbols(), 2).map(|r| r.0),
            Some("AA".into())
        );
    }

    #[test]
    fn lower_case_and_other_shapes_read_as_the_symbol() {
        let chars: Vec<String> = ["", "a", "く"].iter().map(|s| s.to_string()).collect();
        let sym = symbol_classes("A<", &chars, &[('<', "く")]);
        assert_eq!(sym, vec![('A', vec![1]), ('<', vec![2])]);
    }
}
