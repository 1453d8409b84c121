//! Multiple-choice letter extraction (twin of `scoring/answer/choice.ts`).

use crate::extract::{answer_phrase, last_boxed, last_line};
use crate::text::*;
use crate::text_answer::option_gold;

const WRAPPER_PREFIXES: [&[u8]; 12] = [
    b"\\textbf{",
    b"\\text{",
    b"\\mathrm{",
    b"\\mathbf{",
    b"\\(",
    b"$",
    b"*",
    b"(",
    b"[",
    b"{",
    b"#",
    b">",
];

fn strip_wrappers(s: &[u8]) -> &[u8] {
    let mut t = trim_ascii(s);
    let mut changed = true;
    let mut round = 0;
    while changed && round < 16 {
        changed = false;
        for p in WRAPPER_PREFIXES {
            if t.starts_with(p) {
                t = trim_ascii(&t[p.len()..]);
                changed = true;
            }
        }
        for w in [&b"option"[..], b"choice"] {
            if t.len() >= w.len()
                && t[..w.len()].eq_ignore_ascii_case(w)
                && !is_alpha(code_at(t, w.len() as isize))
            {
                t = trim_ascii(&t[w.len()..]);
                changed = true;
            }
        }
        round += 1;
    }
    t
}

fn is_article(s: &[u8], i: usize) -> bool {
    let c = s[i];
    if c != b'A' && c != b'I' {
        return false;
    }
    let next = code_at(s, i as isize + 2);
    code_at(s, i as isize + 1) == 32 && (97..=122).contains(&next)
}

fn option_key(s: &[u8]) -> Vec<u8> {
    s.iter()
        .map(|c| c.to_ascii_lowercase())
        .filter(|&c| is_alnum(c as i32) || c >= 128)
        .collect()
}

fn match_option(s: &[u8], choices: &[&[u8]]) -> Option<u8> {
    if choices.is_empty() {
        return None;
    }
    let mut t = trim_ascii(s);
    while t.ends_with(b"}") {
        t = &t[..t.len() - 1];
    }
    let key = option_key(t);
    if key.is_empty() {
        return None;
    }
    let mut found: isize = -1;
    for (k, c) in choices.iter().enumerate().take(16) {
        if option_key(c) == key {
            if found >= 0 {
                return None;
            }
            found = k as isize;
        }
    }
    if found >= 0 {
        Some(b'A' + found as u8)
    } else {
        None
    }
}

fn letter_of(s: &[u8], count: i32, choices: &[&[u8]], strict_follow: bool) -> Option<u8> {
    let t = strip_wrappers(s);
    if !t.is_empty() {
        let c = t[0] as i32;
        let next = code_at(t, 1);
        if c >= 65 && c < 65 + count && !is_alnum(next) && next != 39 && !is_article(t, 0) {
            if !strict_follow || next == -1 || (!is_space(next) && next != 39) {
                return Some(t[0]);
            }
        }
        if c >= 97 && c < 97 + count && (next == 41 || (next == -1 && t.len() == 1)) {
            return Some((c - 32) as u8);
        }
    }
    match_option(t, choices)
}

const NEGATIONS: [&[u8]; 8] = [
    b"not",
    b"n't",
    b"cannot",
    b"never",
    b"rule out",
    b"ruled out",
    b"eliminate",
    b"except",
];
const MAX_CLAUSE: usize = 80;

/// Twin of `isNegated`.
fn is_negated(text: &[u8], at: usize) -> bool {
    let mut start = at;
    while start > 0 && at - start < MAX_CLAUSE {
        let c = text[start - 1];
        if c >= 128 || b",.;:!?\n".contains(&c) {
            break;
        }
        start -= 1;
    }
    let clause = ascii_lower(&text[start..at]);
    NEGATIONS.iter().any(|w| contains(&clause, w))
}

fn last_standalone_letter(text: &[u8], count: i32) -> Option<u8> {
    let mut i = text.len() as isize - 1;
    while i >= 0 {
        let c = text[i as usize] as i32;
        if c >= 65 && c < 65 + count {
            let prev = code_at(text, i - 1);
            let next = code_at(text, i + 1);
            if !(is_alnum(prev) || prev == 92 || prev == 39 || is_alnum(next) || next == 39)
                && !is_article(text, i as usize)
                && !is_negated(text, i as usize)
            {
                return Some(c as u8);
            }
        }
        i -= 1;
    }
    None
}

/// The chosen letter of a multiple-choice response, or None.
pub fn extract_choice(text: &[u8], count: i32, choices: &[&[u8]], strong_only: bool) -> Option<u8> {
    if let Some(b) = last_boxed(text) {
        if let Some(l) = letter_of(&b, count, choices, false) {
            return Some(l);
        }
    }
    if let Some(p) = answer_phrase(text, &[b"answer", b"choice", b"option"]) {
        if let Some(l) = letter_of(&p, count, choices, false) {
            return Some(l);
        }
    }
    if strong_only {
        return None;
    }
    if let Some(l) = letter_of(last_line(text), count, choices, true) {
        return Some(l);
    }
    last_standalone_letter(text, count)
}

/// The gold letter in canonical form.
pub fn clean_gold_letter(gold: &[u8]) -> Vec<u8> {
    if let Some(option) = option_gold(gold) {
        return vec![option.letter];
    }
    let mut g = trim_ascii(gold);
    if g.starts_with(b"(") && g.ends_with(b")") && g.len() >= 2 {
        g = &g[1..g.len() - 1];
    }
    if g.ends_with(b".") {
        g = &g[..g.len() - 1];
    }
    let g = trim_ascii(g);
    if g.len() == 1 && g[0].is_ascii_lowercase() {
        return vec![g[0] - 32];
    }
    g.to_vec()
}
