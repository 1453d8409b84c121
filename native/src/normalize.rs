//! Answer normalization (twin of `scoring/answer/normalize.ts`).

use crate::rules::{rules, Replacements};
use crate::text::*;

fn number_word(s: &[u8]) -> Option<&'static [u8]> {
    rules()
        .number_words
        .iter()
        .find(|(w, _)| w == s)
        .map(|(_, n)| &n[..])
}

fn with_brace(cmd: &[u8]) -> Vec<u8> {
    let mut v = cmd.to_vec();
    v.push(b'{');
    v
}

fn unwrap_command(s: Vec<u8>, cmd: &[u8]) -> Vec<u8> {
    let pat = with_brace(cmd);
    let mut out = s;
    let mut from = 0;
    loop {
        let at = match find(&out, &pat, from) {
            None => return out,
            Some(a) => a,
        };
        let open = at + cmd.len();
        let end = match match_brace(&out, open) {
            None => return out,
            Some(e) => e,
        };
        let mut next = out[..at].to_vec();
        next.extend_from_slice(&out[open + 1..end - 1]);
        next.extend_from_slice(&out[end..]);
        out = next;
        from = at;
    }
}

fn remove_command(s: Vec<u8>, cmd: &[u8]) -> Vec<u8> {
    let pat = with_brace(cmd);
    let mut out = s;
    loop {
        let at = match find(&out, &pat, 0) {
            None => return out,
            Some(a) => a,
        };
        let end = match match_brace(&out, at + cmd.len()) {
            None => return out,
            Some(e) => e,
        };
        let mut next = out[..at].to_vec();
        next.extend_from_slice(&out[end..]);
        out = next;
    }
}

fn drop_exponent_suffix(s: &[u8]) -> &[u8] {
    for e in [&b"^{2}"[..], b"^{3}", b"^2", b"^3"] {
        if s.ends_with(e) {
            return &s[..s.len() - e.len()];
        }
    }
    s
}

fn drop_trailing_text(s: Vec<u8>) -> Vec<u8> {
    let body = drop_exponent_suffix(&s);
    for cmd in [&b"\\text"[..], b"\\mbox", b"\\mathrm", b"\\textrm"] {
        let pat = with_brace(cmd);
        let mut from = body.len() as isize;
        while from >= 0 {
            let at = match rfind_le(body, &pat, from) {
                None => break,
                Some(a) => a,
            };
            from = at as isize - 1;
            if match_brace(body, at + cmd.len()) != Some(body.len()) {
                continue;
            }
            let rest = trim_ascii(&body[..at]);
            if rest.is_empty() || b"=<>,:(".contains(&rest[rest.len() - 1]) {
                return s;
            }
            return rest.to_vec();
        }
    }
    s
}

fn drop_trailing_unit_word(s: Vec<u8>) -> Vec<u8> {
    let body = drop_exponent_suffix(&s);
    let mut i = body.len();
    while i > 0 && is_alpha(body[i - 1] as i32) {
        i -= 1;
    }
    if i == body.len() || i == 0 {
        return s;
    }
    let word = ascii_lower(&body[i..]);
    if word.is_empty() || !rules().unit_words.contains(&word) {
        return s;
    }
    let rest = trim_ascii(&body[..i]);
    if rest.is_empty() || !(is_digit(rest[rest.len() - 1] as i32) || rest[rest.len() - 1] == b'}') {
        return s;
    }
    rest.to_vec()
}

fn simplify_subscripts(s: Vec<u8>) -> Vec<u8> {
    let mut out = s;
    let mut from = 0;
    loop {
        let at = match find(&out, b"_{", from) {
            None => return out,
            Some(a) => a,
        };
        if code_at(&out, at as isize + 3) == b'}' as i32 && is_alnum(code_at(&out, at as isize + 2))
        {
            let mut next = out[..at + 1].to_vec();
            next.push(out[at + 2]);
            next.extend_from_slice(&out[at + 4..]);
            out = next;
        }
        from = at + 1;
    }
}

fn has_variable_letter(s: &[u8]) -> bool {
    let mut in_command = false;
    for &c in s {
        if c == b'\\' {
            in_command = true;
        } else if is_alpha(c as i32) {
            if !in_command {
                return true;
            }
        } else {
            in_command = false;
        }
    }
    false
}

fn strip_variable_prefixes(s: Vec<u8>) -> Vec<u8> {
    let parts = split_bytes(&s, b",");
    let mut out: Vec<Vec<u8>> = Vec::with_capacity(parts.len());
    for p in parts {
        let t = trim_ascii(p);
        if !t.is_empty() && (t[0] == b'x' || t[0] == b'y' || t[0] == b'z') {
            let mut i = 1;
            while i < t.len() && is_space(t[i] as i32) {
                i += 1;
            }
            if i < t.len() && t[i] == b'=' {
                let rest = trim_ascii(&t[i + 1..]);
                if !has_variable_letter(rest) {
                    out.push(rest.to_vec());
                    continue;
                }
            }
        }
        out.push(p.to_vec());
    }
    out.join(&b","[..])
}

fn remove_spaces_keeping_commands(s: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(s.len());
    let mut in_command = false;
    let mut i = 0;
    while i < s.len() {
        let c = s[i] as i32;
        if is_space(c) {
            let mut j = i;
            while j < s.len() && is_space(s[j] as i32) {
                j += 1;
            }
            if in_command && is_alpha(code_at(s, j as isize)) {
                out.push(b' ');
            }
            in_command = false;
            i = j;
            continue;
        }
        if c == 92 {
            in_command = true;
        } else if !is_alpha(c) {
            in_command = false;
        }
        out.push(s[i]);
        i += 1;
    }
    out
}

fn replace_array_begin(s: Vec<u8>) -> Vec<u8> {
    let mut out = s;
    loop {
        let at = match find(&out, b"\\begin{array}{", 0) {
            None => return out,
            Some(a) => a,
        };
        let end = match match_brace(&out, at + 13) {
            None => return out,
            Some(e) => e,
        };
        let mut next = out[..at].to_vec();
        next.extend_from_slice(b"\\begin{pmatrix}");
        next.extend_from_slice(&out[end..]);
        out = next;
    }
}

fn remove_sizers(s: Vec<u8>) -> Vec<u8> {
    let mut out = s;
    for cmd in [&b"\\left"[..], b"\\right"] {
        let mut from = 0;
        loop {
            let at = match find(&out, cmd, from) {
                None => break,
                Some(a) => a,
            };
            if is_alpha(code_at(&out, (at + cmd.len()) as isize)) {
                from = at + cmd.len();
                continue;
            }
            let mut next = out[..at].to_vec();
            next.extend_from_slice(&out[at + cmd.len()..]);
            out = next;
            from = at;
        }
    }
    out
}

fn replace_word(s: Vec<u8>, word: &[u8], by: &[u8]) -> Vec<u8> {
    let mut out = s;
    let mut from = 0;
    loop {
        let at = match find(&out, word, from) {
            None => return out,
            Some(a) => a,
        };
        let before = code_at(&out, at as isize - 1);
        if is_alpha(before) || before == 92 || is_alpha(code_at(&out, (at + word.len()) as isize)) {
            from = at + word.len();
            continue;
        }
        let mut next = out[..at].to_vec();
        next.extend_from_slice(by);
        next.extend_from_slice(&out[at + word.len()..]);
        out = next;
        from = at + by.len();
    }
}

fn drop_zero_decimals(s: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(s.len());
    let mut i = 0;
    while i < s.len() {
        if s[i] == b'.' && i > 0 && is_digit(s[i - 1] as i32) {
            let mut j = i + 1;
            while j < s.len() && s[j] == b'0' {
                j += 1;
            }
            if !is_digit(code_at(s, j as isize)) {
                i = j;
                continue;
            }
        }
        out.push(s[i]);
        i += 1;
    }
    out
}

fn fix_sqrt(s: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(s.len() + 8);
    let mut i = 0;
    while i < s.len() {
        if starts_at(s, i, b"\\sqrt") {
            let mut j = i + 5;
            while j < s.len() && (is_alnum(s[j] as i32) || s[j] == b'_') {
                j += 1;
            }
            if j > i + 5 {
                out.extend_from_slice(b"\\sqrt{");
                out.extend_from_slice(&s[i + 5..j]);
                out.push(b'}');
                i = j;
                continue;
            }
            out.extend_from_slice(b"\\sqrt");
            i += 5;
            continue;
        }
        out.push(s[i]);
        i += 1;
    }
    out
}

/// Byte length of the first UTF-8 character of `s` (0 when empty).
fn first_char_len(s: &[u8]) -> usize {
    if s.is_empty() {
        return 0;
    }
    let b = s[0];
    let n = if b < 0x80 {
        1
    } else if b >= 0xf0 {
        4
    } else if b >= 0xe0 {
        3
    } else if b >= 0xc0 {
        2
    } else {
        1
    };
    n.min(s.len())
}

fn fix_fracs(s: &[u8]) -> Vec<u8> {
    let parts = split_bytes(s, b"\\frac");
    let mut out = parts[0].to_vec();
    for sub in &parts[1..] {
        out.extend_from_slice(b"\\frac");
        if !sub.is_empty() && sub[0] == b'{' {
            out.extend_from_slice(sub);
            continue;
        }
        let la = first_char_len(sub);
        let lb = first_char_len(&sub[la..]);
        if la == 0 || lb == 0 {
            return s.to_vec();
        }
        let a = &sub[..la];
        let b = &sub[la..la + lb];
        let rest = &sub[la + lb..];
        out.push(b'{');
        out.extend_from_slice(a);
        if b != b"{" {
            out.extend_from_slice(b"}{");
            out.extend_from_slice(b);
            out.push(b'}');
        } else {
            out.push(b'}');
            out.extend_from_slice(b);
        }
        out.extend_from_slice(rest);
    }
    out
}

fn is_canonical_int(s: &[u8]) -> bool {
    let mut i = if s.starts_with(b"-") { 1 } else { 0 };
    if i >= s.len() {
        return false;
    }
    if s[i] == b'0' && s.len() > i + 1 {
        return false;
    }
    while i < s.len() {
        if !is_digit(s[i] as i32) {
            return false;
        }
        i += 1;
    }
    true
}

fn fix_slash(s: Vec<u8>) -> Vec<u8> {
    let parts = split_bytes(&s, b"/");
    if parts.len() != 2 || !is_canonical_int(parts[0]) || !is_canonical_int(parts[1]) {
        return s;
    }
    let mut out = b"\\frac{".to_vec();
    out.extend_from_slice(parts[0]);
    out.extend_from_slice(b"}{");
    out.extend_from_slice(parts[1]);
    out.push(b'}');
    out
}

fn is_plain_int(s: &[u8]) -> bool {
    let start = if s.starts_with(b"-") { 1 } else { 0 };
    start < s.len() && s[start..].iter().all(|&c| is_digit(c as i32))
}

fn canonical_int(s: &[u8]) -> Vec<u8> {
    let neg = s.starts_with(b"-");
    let d = if neg { &s[1..] } else { s };
    let mut z = 0;
    while z + 1 < d.len() && d[z] == b'0' {
        z += 1;
    }
    let d = &d[z..];
    let mut out = Vec::new();
    if neg && d != b"0" {
        out.push(b'-');
    }
    out.extend_from_slice(d);
    out
}

fn compare_ints(a: &[u8], b: &[u8]) -> std::cmp::Ordering {
    use std::cmp::Ordering;
    let na = a.starts_with(b"-");
    let nb = b.starts_with(b"-");
    if na != nb {
        return if na {
            Ordering::Less
        } else {
            Ordering::Greater
        };
    }
    let da = if na { &a[1..] } else { a };
    let db = if nb { &b[1..] } else { b };
    let c = da.len().cmp(&db.len()).then_with(|| da.cmp(db));
    if na {
        c.reverse()
    } else {
        c
    }
}

fn is_thousands_grouped(parts: &[&[u8]]) -> bool {
    let first = if parts[0].starts_with(b"-") {
        &parts[0][1..]
    } else {
        parts[0]
    };
    if first.is_empty() || first.len() > 3 || first[0] == b'0' {
        return false;
    }
    if !first.iter().all(|&c| is_digit(c as i32)) {
        return false;
    }
    parts[1..]
        .iter()
        .all(|p| p.len() == 3 && p.iter().all(|&c| is_digit(c as i32)))
}

fn sort_int_list(s: Vec<u8>) -> Vec<u8> {
    if !s.contains(&b',') {
        return s;
    }
    let parts = split_bytes(&s, b",");
    if is_thousands_grouped(&parts) {
        return parts.concat();
    }
    if decimal_comma(&s).is_some() {
        return s;
    }
    if !parts.iter().all(|p| is_plain_int(p)) {
        return s;
    }
    let mut ints: Vec<Vec<u8>> = parts.iter().map(|p| canonical_int(p)).collect();
    ints.sort_by(|a, b| compare_ints(a, b));
    ints.join(&b","[..])
}

fn collapse_commas(s: Vec<u8>) -> Vec<u8> {
    let mut out = s;
    while contains(&out, b",,") {
        out = replace_all(&out, b",,", b",");
    }
    if out.starts_with(b",") {
        out.remove(0);
    }
    if out.ends_with(b",") {
        out.pop();
    }
    out
}

fn strip_quotes(s: &[u8]) -> Vec<u8> {
    if s.len() >= 2 {
        let q = s[0];
        if (q == b'"' || q == b'\'') && s[s.len() - 1] == q {
            return s[1..s.len() - 1].to_vec();
        }
    }
    s.to_vec()
}

fn replace_many(s: Vec<u8>, pairs: &Replacements) -> Vec<u8> {
    let mut out = s;
    for (from, to) in pairs {
        if contains(&out, from) {
            out = replace_all(&out, from, to);
        }
    }
    out
}

/// `X \\approx 0.577` is X; after a name (`x \\approx 0.577`) the value (twin of `dropApproxTail`).
fn drop_approx_tail(s: Vec<u8>) -> Vec<u8> {
    let at = match find(&s, b"\\approx", 0) {
        None => return s,
        Some(a) => a,
    };
    if is_alpha(code_at(&s, at as isize + 7)) {
        return s;
    }
    let left = trim_ascii(&s[..at]);
    let right = trim_ascii(&s[at + 7..]);
    let name = left.len() <= 2 && left.iter().all(|&c| is_alpha(c as i32));
    if name && !right.is_empty() {
        right.to_vec()
    } else {
        left.to_vec()
    }
}

fn drop_stray_backslash(s: &[u8]) -> Vec<u8> {
    let mut t = s;
    while t.ends_with(b"\\") && !t.ends_with(b"\\\\") {
        t = trim_ascii(&t[..t.len() - 1]);
    }
    t.to_vec()
}

fn digit_run(s: &[u8], from: usize) -> usize {
    let mut j = from;
    while j < s.len() && is_digit(s[j] as i32) {
        j += 1;
    }
    j
}

/// `1 1/2` as `1\\frac{1}{2}` (twin of `mixedNumber`).
fn mixed_number(s: Vec<u8>) -> Vec<u8> {
    let start = if s.starts_with(b"-") { 1 } else { 0 };
    let whole = digit_run(&s, start);
    if whole == start || !is_space(code_at(&s, whole as isize)) {
        return s;
    }
    let mut i = whole;
    while is_space(code_at(&s, i as isize)) {
        i += 1;
    }
    let num = digit_run(&s, i);
    if num == i || code_at(&s, num as isize) != b'/' as i32 {
        return s;
    }
    let den = digit_run(&s, num + 1);
    if den == num + 1 || den != s.len() {
        return s;
    }
    let mut out = s[..whole].to_vec();
    out.extend_from_slice(b"\\frac{");
    out.extend_from_slice(&s[i..num]);
    out.extend_from_slice(b"}{");
    out.extend_from_slice(&s[num + 1..]);
    out.push(b'}');
    out
}

/// `1,22`: one comma read as a decimal comma, as `1.22` (twin of `decimalComma`).
pub fn decimal_comma(s: &[u8]) -> Option<Vec<u8>> {
    let comma = s.iter().position(|&c| c == b',')?;
    if s[comma + 1..].contains(&b',') {
        return None;
    }
    let start = if s.starts_with(b"-") { 1 } else { 0 };
    if comma == start || digit_run(s, start) != comma {
        return None;
    }
    if digit_run(s, comma + 1) != s.len() || s.len() - comma - 1 == 3 || comma + 1 == s.len() {
        return None;
    }
    let mut out = s.to_vec();
    out[comma] = b'.';
    Some(out)
}

/// Normalizes an answer string (twin of `normalizeAnswer`).
pub fn normalize_answer(input: &[u8]) -> Vec<u8> {
    let r = rules();
    let mut s = trim_ascii(input).to_vec();
    if s.contains(&b'\n') {
        s.retain(|&c| c != b'\n');
    }
    s = drop_stray_backslash(trim_end_chars(&s, b"."));
    s = replace_many(s, &r.spacing);
    s = replace_array_begin(s);
    s = replace_many(s, &r.spelling);
    s = drop_approx_tail(s);
    s = remove_sizers(s);
    s = replace_many(s, &r.braces);
    s = drop_trailing_text(s);
    s = drop_trailing_unit_word(s);
    s = replace_many(s, &r.decorations);
    s = remove_command(s, b"\\mbox");
    for cmd in &r.text_commands {
        s = unwrap_command(s, cmd);
    }
    s = replace_many(trim_ascii(&s).to_vec(), &r.ordinals);
    s = simplify_subscripts(s);
    if let Some(w) = number_word(&ascii_lower(&s)) {
        s = w.to_vec();
    }
    s = replace_word(replace_word(s, b"and", b","), b"or", b",");
    s = strip_variable_prefixes(s);
    s = replace_many(s, &r.sets);
    if !contains(&s, b"\\infty") {
        s = replace_word(s, b"inf", b"\\infty");
    }
    s = strip_quotes(trim_ascii(&s));
    if s.contains(&b'j') && !s.contains(&b'i') {
        s = replace_all(&s, b"j", b"i");
    }
    s = drop_zero_decimals(&s);
    if s.is_empty() {
        return s;
    }
    if s[0] == b'.' {
        s.insert(0, b'0');
    }
    {
        let eq = split_bytes(&s, b"=");
        if eq.len() == 2 && eq[0].len() <= 2 && !has_variable_letter(eq[1]) {
            s = eq[1].to_vec();
        }
    }
    s = fix_sqrt(&mixed_number(s));
    s = remove_spaces_keeping_commands(&s);
    s = replace_many(s, &r.membership);
    s = fix_fracs(&s);
    s = fix_slash(s);
    s = collapse_commas(s);
    sort_int_list(s)
}
