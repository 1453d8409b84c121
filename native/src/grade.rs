//! Grading one item (twin of `scoring/answer/grade.ts`).

use crate::budget::Budget;
use crate::choice::{clean_gold_letter, extract_choice};
use crate::equivalence::{math_equal, numbers_equal, parse_number};
use crate::extract::{
    clean_raw, extract_raw_answer, last_boxed, last_number, strip_thinking, unwrap_math,
};
use crate::normalize::normalize_answer;
use crate::text::*;
use crate::text_answer::{matches_option, option_gold, text_gold, text_key};

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Verdict {
    Correct = 0,
    Incorrect = 1,
    NoAnswer = 2,
    Truncated = 3,
    GraderError = 4,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Detail {
    None = 0,
    Budget = 1,
    GoldTooLong = 2,
    Internal = 3,
}

pub struct Score {
    pub verdict: Verdict,
    pub extracted: Option<Vec<u8>>,
    pub detail: Detail,
}

#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Math,
    Gsm8k,
    Choice,
    MmluPro,
    Arc,
}

pub struct Item<'a> {
    pub response: &'a [u8],
    pub gold: &'a [u8],
    pub format: Format,
    pub choices: Vec<&'a [u8]>,
    pub truncated: bool,
}

pub const MAX_ANSWER_BYTES: usize = 4096;

fn score(verdict: Verdict, extracted: Option<Vec<u8>>) -> Score {
    Score {
        verdict,
        extracted,
        detail: Detail::None,
    }
}

fn missing(truncated: bool) -> Score {
    score(
        if truncated {
            Verdict::Truncated
        } else {
            Verdict::NoAnswer
        },
        None,
    )
}

fn verdict_of(correct: bool) -> Verdict {
    if correct {
        Verdict::Correct
    } else {
        Verdict::Incorrect
    }
}

fn grade_math(text: &[u8], gold: &[u8], truncated: bool) -> Score {
    let raw = match extract_raw_answer(text, truncated, true) {
        Some(r) if r.len() <= MAX_ANSWER_BYTES => r,
        _ => return missing(truncated),
    };
    let pred = normalize_answer(&clean_raw(&raw));
    if pred.is_empty() {
        return missing(truncated);
    }
    let boxed = if contains(gold, b"boxed") {
        last_boxed(gold).unwrap_or_else(|| gold.to_vec())
    } else {
        gold.to_vec()
    };
    let g = unwrap_math(&boxed);
    if g.len() > MAX_ANSWER_BYTES {
        return Score {
            verdict: Verdict::GraderError,
            extracted: Some(pred),
            detail: Detail::GoldTooLong,
        };
    }
    if let Some(words) = text_gold(g) {
        let ok = text_key(&pred) == words;
        return score(verdict_of(ok), Some(pred));
    }
    if let Some(option) = option_gold(g) {
        let ok = matches_option(&pred, &option);
        return score(verdict_of(ok), Some(pred));
    }
    let rf = normalize_answer(&clean_raw(g));
    let mut budget = Budget::new();
    match math_equal(&pred, &rf, &mut budget, 0) {
        Ok(true) => score(Verdict::Correct, Some(pred)),
        Ok(false) => score(Verdict::Incorrect, Some(pred)),
        Err(_) => Score {
            verdict: Verdict::GraderError,
            extracted: Some(pred),
            detail: Detail::Budget,
        },
    }
}

fn gold_number(gold: &[u8]) -> Option<Vec<u8>> {
    let tail = match rfind_le(gold, b"####", gold.len() as isize) {
        Some(h) => &gold[h + 4..],
        None => gold,
    };
    last_number(&replace_all(tail, b"$", b""))
}

fn grade_gsm8k(text: &[u8], gold: &[u8], truncated: bool) -> Score {
    let raw = match extract_raw_answer(text, truncated, false) {
        Some(r) if r.len() <= MAX_ANSWER_BYTES => r,
        _ => return missing(truncated),
    };
    let pred = match last_number(&replace_all(&raw, b"$", b"")) {
        None => return missing(truncated),
        Some(p) => p,
    };
    let g = gold_number(gold);
    let pn = parse_number(&pred);
    let gn = g.as_deref().and_then(parse_number);
    let ok = match (pn, gn) {
        (Some(a), Some(b)) => numbers_equal(&a, &b),
        _ => false,
    };
    score(
        if ok {
            Verdict::Correct
        } else {
            Verdict::Incorrect
        },
        Some(pred),
    )
}

fn grade_choice(item: &Item, text: &[u8], truncated: bool) -> Score {
    let given = item.choices.len() as i32;
    let default = match item.format {
        Format::MmluPro => 10,
        Format::Arc => 5,
        _ => 4,
    };
    let count = (if given > 0 { given } else { default }).clamp(2, 16);
    match extract_choice(text, count, &item.choices, truncated) {
        None => missing(truncated),
        Some(letter) => {
            let ok = clean_gold_letter(item.gold) == [letter];
            score(
                if ok {
                    Verdict::Correct
                } else {
                    Verdict::Incorrect
                },
                Some(vec![letter]),
            )
        }
    }
}

/// Grades one item.
pub fn grade_item(item: &Item) -> Score {
    let text = strip_thinking(item.response);
    match item.format {
        Format::Math => grade_math(&text, item.gold, item.truncated),
        Format::Gsm8k => grade_gsm8k(&text, item.gold, item.truncated),
        _ => grade_choice(item, &text, item.truncated),
    }
}
