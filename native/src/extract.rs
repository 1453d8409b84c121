//! Final-answer extraction (twin of `scoring/answer/extract.ts`).

use crate::text::*;
use std::borrow::Cow;

const THINK_ENDS: [&[u8]; 2] = [b"</think>", b"<|end_of_thought|>"];

/// The part of a response after its reasoning block, without NULs and PRM step tags.
pub fn strip_thinking(text: &[u8]) -> Cow<'_, [u8]> {
    let mut s: Cow<[u8]> = Cow::Borrowed(text);
    if s.contains(&0) {
        s = Cow::Owned(s.iter().copied().filter(|&b| b != 0).collect());
    }
    let ki = "ки".as_bytes();
    if contains(&s, ki) {
        s = Cow::Owned(replace_all(&s, ki, b""));
    }
    let mut cut: isize = -1;
    for end in THINK_ENDS {
        if let Some(i) = rfind_le(&s, end, s.len() as isize) {
            let c = (i + end.len()) as isize;
            if c > cut {
                cut = c;
            }
        }
    }
    if cut < 0 {
        return s;
    }
    match s {
        Cow::Borrowed(b) => Cow::Borrowed(&b[cut as usize..]),
        Cow::Owned(v) => Cow::Owned(v[cut as usize..].to_vec()),
    }
}

struct Span {
    start: usize,
    end: usize,
    content: Vec<u8>,
}

fn box_at(text: &[u8], at: usize) -> Option<Span> {
    let after = at + 5;
    let start = if code_at(text, at as isize - 1) == 92 {
        at - 1
    } else {
        at
    };
    let c = code_at(text, after as isize);
    if c == 123 {
        return Some(match match_brace(text, after) {
            None => Span {
                start,
                end: text.len(),
                content: text[after + 1..].to_vec(),
            },
            Some(end) => Span {
                start,
                end,
                content: text[after + 1..end - 1].to_vec(),
            },
        });
    }
    if c == 32 {
        let mut end = after + 1;
        while end < text.len() && text[end] != b'$' && text[end] != b'\n' {
            end += 1;
        }
        return Some(Span {
            start,
            end,
            content: text[after + 1..end].to_vec(),
        });
    }
    None
}

fn box_before(text: &[u8], before: usize) -> Option<Span> {
    let mut limit = before;
    while limit > 0 {
        let b = rfind_le(text, b"boxed", limit as isize - 1)
            .map(|x| x as isize)
            .unwrap_or(-1);
        let f = rfind_le(text, b"\\fbox", limit as isize - 1)
            .map(|x| x as isize)
            .unwrap_or(-1);
        let at = b.max(f);
        if at < 0 {
            return None;
        }
        if let Some(span) = box_at(text, at as usize) {
            return Some(span);
        }
        limit = at as usize;
    }
    None
}

fn is_joiner(gap: &[u8]) -> bool {
    if gap.len() > 64 {
        return false;
    }
    let mut g = remove_spaces(gap);
    for t in [&b"$"[..], b"\\(", b"\\)", b"\\[", b"\\]"] {
        if contains(&g, t) {
            g = replace_all(&g, t, b"");
        }
    }
    matches!(
        &g[..],
        b"" | b"," | b"and" | b"or" | b",and" | b"\\text{and}" | b"\\text{or}" | b"\\quad"
    )
}

/// The content of the last box, joined with adjacent boxes separated only by "and"/","/"or".
pub fn last_boxed(text: &[u8]) -> Option<Vec<u8>> {
    let mut span = box_before(text, text.len())?;
    let mut parts: Vec<Vec<u8>> = vec![span.content.clone()];
    loop {
        let prev = match box_before(text, span.start) {
            None => break,
            Some(p) => p,
        };
        if prev.end > span.start {
            break;
        }
        if !is_joiner(&text[prev.end..span.start]) {
            break;
        }
        if prev.content != parts[0] {
            parts.insert(0, prev.content.clone());
        }
        span = prev;
    }
    Some(parts.join(&b","[..]))
}

fn math_span(s: &[u8]) -> Option<Vec<u8>> {
    for (open, close) in [
        (&b"$$"[..], &b"$$"[..]),
        (b"\\[", b"\\]"),
        (b"\\(", b"\\)"),
        (b"$", b"$"),
    ] {
        if s.starts_with(open) {
            return find(s, close, open.len()).map(|end| s[open.len()..end].to_vec());
        }
    }
    None
}

fn capture_after(text: &[u8], pos: usize) -> Vec<u8> {
    let mut i = pos;
    while i < text.len() && (is_space(text[i] as i32) || text[i] == b'*' || text[i] == b':') {
        i += 1;
    }
    let rest = &text[i..];
    if let Some(m) = math_span(rest) {
        return trim_ascii(&m).to_vec();
    }
    let end = find(rest, b"\n", 0).unwrap_or(rest.len());
    let mut line = &rest[..end];
    if let Some(stop) = find(line, b". ", 0) {
        line = &line[..stop];
    }
    trim_ascii(trim_end_chars(trim_ascii(line), b"*")).to_vec()
}

/// The text after the last "<head> is" / "<head>:" phrase (any case), or None.
pub fn answer_phrase(text: &[u8], heads: &[&[u8]]) -> Option<Vec<u8>> {
    let lower = text;
    let mut best: isize = -1;
    let mut best_capture = Vec::new();
    for head in heads {
        let mut from = lower.len() as isize;
        while from >= 0 {
            let at = match rfind_le_ci(lower, head, from) {
                None => break,
                Some(a) => a,
            };
            from = at as isize - 1;
            if at as isize <= best {
                break;
            }
            if is_alpha(code_at(lower, at as isize - 1)) {
                continue;
            }
            let mut i = at + head.len();
            while i < lower.len() && (lower[i] == b' ' || lower[i] == b'*') {
                i += 1;
            }
            if i < lower.len() && lower[i] == b':' {
                i += 1;
            } else if starts_at_ci(lower, i, b"is") && !is_alpha(code_at(lower, i as isize + 2)) {
                i += 2;
            } else {
                continue;
            }
            let capture = capture_after(text, i);
            if capture.is_empty() {
                continue;
            }
            best = at as isize;
            best_capture = capture;
            break;
        }
    }
    if best >= 0 {
        Some(best_capture)
    } else {
        None
    }
}

pub fn last_line(text: &[u8]) -> &[u8] {
    let t = trim_ascii(text);
    match rfind_le(t, b"\n", t.len() as isize) {
        Some(nl) => &t[nl + 1..],
        None => t,
    }
}

fn bold_on_last_line(text: &[u8]) -> Option<Vec<u8>> {
    let line = last_line(text);
    let close = rfind_le(line, b"**", line.len() as isize)?;
    if close == 0 {
        return None;
    }
    let open = rfind_le(line, b"**", close as isize - 1)?;
    let mut content = if open + 2 <= close {
        &line[open + 2..close]
    } else {
        &line[..0]
    };
    if let Some(colon) = rfind_le(content, b":", content.len() as isize) {
        content = &content[colon + 1..];
    }
    let content = trim_ascii(content);
    if content.iter().any(|&c| is_digit(c as i32)) {
        Some(content.to_vec())
    } else {
        None
    }
}

/// The last number in `text`, grouping commas dropped.
pub fn last_number(text: &[u8]) -> Option<Vec<u8>> {
    let mut i = text.len() as isize - 1;
    while i >= 0 {
        if !is_digit(text[i as usize] as i32) {
            i -= 1;
            continue;
        }
        let end = (i + 1) as usize;
        let mut start = i;
        let mut saw_dot = false;
        while start > 0 {
            let c = text[(start - 1) as usize] as i32;
            if is_digit(c) {
                start -= 1;
            } else if c == 46 && !saw_dot && is_digit(code_at(text, start - 2)) {
                saw_dot = true;
                start -= 1;
            } else if c == 44
                && is_digit(code_at(text, start - 2))
                && is_digit(code_at(text, start))
                && is_digit(code_at(text, start + 1))
                && is_digit(code_at(text, start + 2))
                && !is_digit(code_at(text, start + 3))
            {
                start -= 1;
            } else {
                break;
            }
        }
        if !saw_dot && code_at(text, start - 1) == 46 && !is_digit(code_at(text, start - 2)) {
            start -= 1;
        }
        if code_at(text, start - 1) == 45 {
            start -= 1;
        }
        return Some(
            text[start as usize..end]
                .iter()
                .copied()
                .filter(|&c| c != b',')
                .collect(),
        );
    }
    None
}

/// Twin of `isDollarAmounts`.
fn is_dollar_amounts(raw: &[u8], after: i32) -> bool {
    let last = code_at(raw, raw.len() as isize - 1);
    is_space(last) || last == b'=' as i32 || is_digit(after) || raw.contains(&b'\n')
}

const MATH_DELIMITERS: [(&[u8], &[u8]); 4] = [
    (b"$$", b"$$"),
    (b"\\[", b"\\]"),
    (b"\\(", b"\\)"),
    (b"$", b"$"),
];

/// The content of the last non-empty math span, paired left to right (twin of `lastMathSpan`).
pub fn last_math_span(text: &[u8]) -> Option<Vec<u8>> {
    let mut last: Option<&[u8]> = None;
    let mut i = 0;
    while i < text.len() {
        let c = text[i];
        if c != b'$' && c != b'\\' {
            i += 1;
            continue;
        }
        let next = code_at(text, i as isize + 1);
        if c == b'\\' && next != b'[' as i32 && next != b'(' as i32 {
            i += 2;
            continue;
        }
        let (open, close) = *MATH_DELIMITERS
            .iter()
            .find(|(open, _)| starts_at(text, i, open))
            .expect("a delimiter starts here");
        let mut end = find(text, close, i + open.len());
        while close == b"$" {
            match end {
                Some(e) if text[e - 1] == b'\\' => end = find(text, close, e + 1),
                _ => break,
            }
        }
        let end = match end {
            None => break,
            Some(e) => e,
        };
        let raw = &text[i + open.len()..end];
        if open == b"$" && is_dollar_amounts(raw, code_at(text, end as isize + 1)) {
            i = end;
            continue;
        }
        let content = trim_ascii(raw);
        if !content.is_empty() {
            last = Some(content);
        }
        i = end + close.len();
    }
    last.map(|s| s.to_vec())
}

/// `s` without math delimiters around the whole of it (twin of `unwrapMath`).
pub fn unwrap_math(s: &[u8]) -> &[u8] {
    let t = trim_ascii(s);
    for (open, close) in MATH_DELIMITERS {
        if t.len() > open.len() + close.len() && t.starts_with(open) && t.ends_with(close) {
            let inner = &t[open.len()..t.len() - close.len()];
            if !contains(inner, open) && !contains(inner, close) {
                return trim_ascii(inner);
            }
        }
    }
    t
}

fn after_hashes(text: &[u8]) -> Option<Vec<u8>> {
    let at = rfind_le(text, b"####", text.len() as isize)?;
    let end = find(text, b"\n", at).unwrap_or(text.len());
    let rest = trim_ascii(&text[at + 4..end]);
    if rest.is_empty() {
        None
    } else {
        Some(rest.to_vec())
    }
}

/// The raw final answer, or None; with `strong_only` only a box or an answer phrase counts.
pub fn extract_raw_answer(text: &[u8], strong_only: bool, math_spans: bool) -> Option<Vec<u8>> {
    if let Some(m) = find(text, b"final answer is $", 0) {
        if let Some(end) = find(text, b"$. I hope", m + 17) {
            return Some(trim_ascii(&text[m + 17..end]).to_vec());
        }
    }
    if let Some(b) = last_boxed(text) {
        return Some(b);
    }
    if let Some(p) = answer_phrase(text, &[b"answer"]) {
        return Some(p);
    }
    if let Some(h) = after_hashes(text) {
        return Some(h);
    }
    if strong_only {
        return None;
    }
    if let Some(b) = bold_on_last_line(text) {
        return Some(b);
    }
    if math_spans {
        if let Some(m) = last_math_span(text) {
            return Some(m);
        }
    }
    last_number(text)
}

/// Line breaks (with following whitespace), one leading ":", one trailing "." and "/".
pub fn clean_raw(raw: &[u8]) -> Vec<u8> {
    let mut s = Vec::with_capacity(raw.len());
    let mut i = 0;
    while i < raw.len() {
        if raw[i] == b'\n' {
            while i + 1 < raw.len() && is_space(raw[i + 1] as i32) {
                i += 1;
            }
            i += 1;
            continue;
        }
        s.push(raw[i]);
        i += 1;
    }
    let mut t: &[u8] = trim_ascii(&s);
    if t.starts_with(b":") {
        t = &t[1..];
    }
    if t.ends_with(b".") {
        t = &t[..t.len() - 1];
    }
    if t.ends_with(b"/") {
        t = &t[..t.len() - 1];
    }
    t.to_vec()
}
