//! The grading rule table, read from the same `scoring/answer/rules.json`
//! that the TypeScript grader imports (twin of `scoring/answer/rules.ts`).

use crate::grade::{Detail, Verdict};
use crate::json::{parse_json, J};
use std::sync::OnceLock;

/// `[from, to]` replacements applied in order.
pub type Replacements = Vec<(Vec<u8>, Vec<u8>)>;

pub struct Rules {
    pub verdicts: Vec<Vec<u8>>,
    pub details: Vec<Vec<u8>>,
    pub number_words: Vec<(Vec<u8>, Vec<u8>)>,
    pub unit_words: Vec<Vec<u8>>,
    pub text_commands: Vec<Vec<u8>>,
    pub spacing: Replacements,
    pub spelling: Replacements,
    pub braces: Replacements,
    pub decorations: Replacements,
    pub ordinals: Replacements,
    pub sets: Replacements,
    pub membership: Replacements,
}

/// The table's text, compiled in.
pub const RULES_JSON: &str = include_str!("../../scoring/answer/rules.json");

fn field<'a>(fields: &'a [(Vec<u8>, J)], name: &str) -> &'a J {
    match fields.iter().find(|(k, _)| k == name.as_bytes()) {
        Some((_, v)) => v,
        None => panic!("rules.json: missing \"{name}\""),
    }
}

fn string(v: &J) -> Vec<u8> {
    match v {
        J::Str(s, false) => s.clone(),
        _ => panic!("rules.json: expected a string"),
    }
}

fn strings(v: &J) -> Vec<Vec<u8>> {
    match v {
        J::Arr(items) => items.iter().map(string).collect(),
        _ => panic!("rules.json: expected an array of strings"),
    }
}

fn object(v: &J) -> &[(Vec<u8>, J)] {
    match v {
        J::Obj(fields) => fields,
        _ => panic!("rules.json: expected an object"),
    }
}

fn pairs(v: &J) -> Replacements {
    match v {
        J::Arr(items) => items
            .iter()
            .map(|p| match &strings(p)[..] {
                [from, to] => (from.clone(), to.clone()),
                _ => panic!("rules.json: a replacement is [from, to]"),
            })
            .collect(),
        _ => panic!("rules.json: expected a list of replacements"),
    }
}

/// Parses a rule table; panics on a malformed one (it is compiled in and tested).
pub fn parse_rules(text: &str) -> Rules {
    let root = parse_json(text.as_bytes()).expect("rules.json is valid JSON");
    let top = object(&root);
    let repl = object(field(top, "replacements"));
    Rules {
        verdicts: strings(field(top, "verdicts")),
        details: strings(field(top, "details")),
        number_words: object(field(top, "numberWords"))
            .iter()
            .map(|(k, v)| (k.clone(), string(v)))
            .collect(),
        unit_words: strings(field(top, "unitWords")),
        text_commands: strings(field(top, "textCommands")),
        spacing: pairs(field(repl, "spacing")),
        spelling: pairs(field(repl, "spelling")),
        braces: pairs(field(repl, "braces")),
        decorations: pairs(field(repl, "decorations")),
        ordinals: pairs(field(repl, "ordinals")),
        sets: pairs(field(repl, "sets")),
        membership: pairs(field(repl, "membership")),
    }
}

/// The rule table, parsed once.
pub fn rules() -> &'static Rules {
    static RULES: OnceLock<Rules> = OnceLock::new();
    RULES.get_or_init(|| parse_rules(RULES_JSON))
}

/// The digit-coded verdict's name in the table.
pub fn verdict_name(v: Verdict) -> &'static [u8] {
    &rules().verdicts[v as usize]
}

/// The detail text of a code (empty for none).
pub fn detail_text(d: Detail) -> &'static [u8] {
    &rules().details[d as usize]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_match_the_enums() {
        let r = rules();
        assert_eq!(verdict_name(Verdict::Correct), b"correct");
        assert_eq!(verdict_name(Verdict::Incorrect), b"incorrect");
        assert_eq!(verdict_name(Verdict::NoAnswer), b"no_answer");
        assert_eq!(verdict_name(Verdict::Truncated), b"truncated");
        assert_eq!(verdict_name(Verdict::GraderError), b"grader_error");
        assert_eq!(r.verdicts.len(), 5);
        assert_eq!(detail_text(Detail::None), b"");
        assert_eq!(detail_text(Detail::Budget), b"time bound exceeded");
        assert_eq!(detail_text(Detail::GoldTooLong), b"gold answer too long");
        assert_eq!(detail_text(Detail::Internal), b"internal grader error");
        assert_eq!(r.details.len(), 4);
    }
}
