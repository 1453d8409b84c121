//! Word answers: `\text{}` golds compare as text, option golds accept the
//! letter or the text (twin of `scoring/answer/text_answer.ts`).

use crate::text::*;

/// Lower-case ASCII letters and digits and every non-ASCII byte.
pub fn text_key(s: &[u8]) -> Vec<u8> {
    s.iter()
        .map(|c| c.to_ascii_lowercase())
        .filter(|&c| is_alnum(c as i32) || c >= 128)
        .collect()
}

/// The text key of a gold that is one `\text{...}` group of words, or None.
pub fn text_gold(gold: &[u8]) -> Option<Vec<u8>> {
    let g = trim_ascii(gold);
    for cmd in [&b"\\text{"[..], b"\\textbf{", b"\\mathrm{"] {
        if !g.starts_with(cmd) || match_brace(g, cmd.len() - 1) != Some(g.len()) {
            continue;
        }
        let inner = &g[cmd.len()..g.len() - 1];
        let mut letters = 0;
        for &c in inner {
            if is_digit(c as i32) || c == b'\\' || c == b'{' {
                return None;
            }
            if is_alpha(c as i32) {
                letters += 1;
            }
        }
        return if letters >= 2 {
            Some(text_key(inner))
        } else {
            None
        };
    }
    None
}

/// A gold naming an option: its letter and text.
pub struct OptionGold<'a> {
    pub letter: u8,
    pub text: &'a [u8],
}

/// `(D) Alina`, `D) Alina`, `C Cecile`, `B. Paris` (twin of `optionGold`).
pub fn option_gold(gold: &[u8]) -> Option<OptionGold<'_>> {
    let mut g = trim_ascii(gold);
    let bracketed = g.starts_with(b"(");
    if bracketed {
        g = &g[1..];
    }
    let c = *g.first()?;
    if !(b'A'..=b'E').contains(&c) {
        return None;
    }
    let mut i = 1;
    let next = code_at(g, 1);
    if next == b')' as i32 || (!bracketed && (next == b'.' as i32 || next == b':' as i32)) {
        i += 1;
    } else if bracketed {
        return None;
    }
    if code_at(g, i as isize) != b' ' as i32 {
        return None;
    }
    let text = trim_ascii(&g[i..]);
    if text.is_empty() || !is_alpha(text[0] as i32) {
        return None;
    }
    Some(OptionGold { letter: c, text })
}

/// Whether a normalized answer picks the option (twin of `matchesOption`).
pub fn matches_option(pred: &[u8], option: &OptionGold) -> bool {
    let key = text_key(pred);
    let letter = option.letter.to_ascii_lowercase();
    let text = text_key(option.text);
    let mut both = vec![letter];
    both.extend_from_slice(&text);
    key == [letter] || key == text || key == both
}
