//! ASCII-only byte helpers (twin of `scoring/answer/text.ts`).

pub fn is_digit(c: i32) -> bool {
    (48..=57).contains(&c)
}
pub fn is_alpha(c: i32) -> bool {
    (65..=90).contains(&c) || (97..=122).contains(&c)
}
pub fn is_alnum(c: i32) -> bool {
    is_digit(c) || is_alpha(c)
}
pub fn is_space(c: i32) -> bool {
    c == 32 || (9..=13).contains(&c)
}
/// The byte at `i`, or -1 outside the slice.
pub fn code_at(s: &[u8], i: isize) -> i32 {
    if i >= 0 && (i as usize) < s.len() {
        s[i as usize] as i32
    } else {
        -1
    }
}
pub fn find(h: &[u8], n: &[u8], from: usize) -> Option<usize> {
    if n.is_empty() {
        return if from <= h.len() { Some(from) } else { None };
    }
    if from >= h.len() || h.len() - from < n.len() {
        return None;
    }
    let first = n[0];
    let last_start = h.len() - n.len();
    let mut i = from;
    while i <= last_start {
        match h[i..=last_start].iter().position(|&b| b == first) {
            None => return None,
            Some(p) => {
                let at = i + p;
                if &h[at..at + n.len()] == n {
                    return Some(at);
                }
                i = at + 1;
            }
        }
    }
    None
}
/// Largest index `i <= from` where `n` occurs (JavaScript `lastIndexOf`).
pub fn rfind_le(h: &[u8], n: &[u8], from: isize) -> Option<usize> {
    if n.is_empty() || n.len() > h.len() {
        return if n.is_empty() {
            Some(if from < 0 {
                0
            } else {
                (from as usize).min(h.len())
            })
        } else {
            None
        };
    }
    let max_start = h.len() - n.len();
    let mut end = if from < 0 {
        0
    } else {
        (from as usize).min(max_start)
    } + 1;
    let first = n[0];
    while end > 0 {
        let i = h[..end].iter().rposition(|&b| b == first)?;
        if &h[i..i + n.len()] == n {
            return Some(i);
        }
        end = i;
    }
    None
}

/// `rfind_le` ignoring ASCII case; `n` must be lower-case.
pub fn rfind_le_ci(h: &[u8], n: &[u8], from: isize) -> Option<usize> {
    if n.is_empty() || n.len() > h.len() {
        return None;
    }
    let max_start = h.len() - n.len();
    let mut end = if from < 0 {
        0
    } else {
        (from as usize).min(max_start)
    } + 1;
    let first = n[0];
    let upper = first.to_ascii_uppercase();
    while end > 0 {
        let i = h[..end].iter().rposition(|&b| b == first || b == upper)?;
        if h[i..i + n.len()].eq_ignore_ascii_case(n) {
            return Some(i);
        }
        end = i;
    }
    None
}

/// `starts_at` ignoring ASCII case.
pub fn starts_at_ci(h: &[u8], i: usize, n: &[u8]) -> bool {
    i <= h.len() && h.len() - i >= n.len() && h[i..i + n.len()].eq_ignore_ascii_case(n)
}

pub fn contains(h: &[u8], n: &[u8]) -> bool {
    find(h, n, 0).is_some()
}
pub fn starts_at(h: &[u8], i: usize, n: &[u8]) -> bool {
    i <= h.len() && h.len() - i >= n.len() && &h[i..i + n.len()] == n
}
pub fn replace_all(s: &[u8], from: &[u8], to: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(s.len());
    let mut i = 0;
    while let Some(at) = find(s, from, i) {
        out.extend_from_slice(&s[i..at]);
        out.extend_from_slice(to);
        i = at + from.len();
    }
    out.extend_from_slice(&s[i..]);
    out
}
pub fn ascii_lower(s: &[u8]) -> Vec<u8> {
    s.to_ascii_lowercase()
}
pub fn ascii_upper(s: &[u8]) -> Vec<u8> {
    s.to_ascii_uppercase()
}
pub fn trim_ascii(s: &[u8]) -> &[u8] {
    let mut a = 0;
    let mut b = s.len();
    while a < b && is_space(s[a] as i32) {
        a += 1;
    }
    while b > a && is_space(s[b - 1] as i32) {
        b -= 1;
    }
    &s[a..b]
}
pub fn remove_spaces(s: &[u8]) -> Vec<u8> {
    s.iter().copied().filter(|&c| !is_space(c as i32)).collect()
}
pub fn trim_end_chars<'a>(s: &'a [u8], chars: &[u8]) -> &'a [u8] {
    let mut b = s.len();
    while b > 0 && chars.contains(&s[b - 1]) {
        b -= 1;
    }
    &s[..b]
}
/// Index just past the brace group opening at `open`, or None when it never closes.
pub fn match_brace(s: &[u8], open: usize) -> Option<usize> {
    let mut depth: i64 = 0;
    for (i, &c) in s.iter().enumerate().skip(open) {
        if c == b'{' {
            depth += 1;
        } else if c == b'}' {
            depth -= 1;
            if depth == 0 {
                return Some(i + 1);
            }
        }
    }
    None
}
pub fn split_top_level(s: &[u8], sep: u8) -> Vec<&[u8]> {
    let mut parts = Vec::new();
    let mut depth: i64 = 0;
    let mut start = 0;
    for (i, &ch) in s.iter().enumerate() {
        if ch == b'(' || ch == b'[' || ch == b'{' {
            depth += 1;
        } else if ch == b')' || ch == b']' || ch == b'}' {
            depth -= 1;
        } else if depth == 0 && ch == sep {
            parts.push(&s[start..i]);
            start = i + 1;
        }
    }
    parts.push(&s[start..]);
    parts
}
pub fn split_top_level_word<'a>(s: &'a [u8], sep: &[u8]) -> Vec<&'a [u8]> {
    let mut parts = Vec::new();
    let mut depth: i64 = 0;
    let mut start = 0;
    let mut i = 0;
    while i < s.len() {
        let ch = s[i];
        if ch == b'(' || ch == b'[' || ch == b'{' {
            depth += 1;
        } else if ch == b')' || ch == b']' || ch == b'}' {
            depth -= 1;
        } else if depth == 0 && starts_at(s, i, sep) {
            parts.push(&s[start..i]);
            start = i + sep.len();
            i = start;
            continue;
        }
        i += 1;
    }
    parts.push(&s[start..]);
    parts
}
pub fn split_bytes<'a>(s: &'a [u8], sep: &[u8]) -> Vec<&'a [u8]> {
    let mut parts = Vec::new();
    let mut i = 0;
    while let Some(at) = find(s, sep, i) {
        parts.push(&s[i..at]);
        i = at + sep.len();
    }
    parts.push(&s[i..]);
    parts
}
