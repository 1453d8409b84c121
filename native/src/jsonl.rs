//! The `grade` command's hot path: JSONL lines in, result lines out, without
//! a round trip through JavaScript strings. Each input line gives one record:
//! `B\n` (blank line), `O<result JSON>\n` (graded here), or
//! `J<start>,<end>\n` (the byte range of a line JavaScript must handle: code
//! lines, invalid lines, and anything this parser is not sure to treat
//! exactly like `JSON.parse` plus the zod schema of `cli/grade.ts`).

use crate::grade::{grade_item, Format, Item, Score, Verdict};
use crate::json::{parse_json, J};
use crate::rules::verdict_name;

/// JSON.stringify of a UTF-8 string.
fn json_string(out: &mut Vec<u8>, s: &[u8]) {
    out.push(b'"');
    for &c in s {
        match c {
            b'"' => out.extend_from_slice(b"\\\""),
            b'\\' => out.extend_from_slice(b"\\\\"),
            8 => out.extend_from_slice(b"\\b"),
            12 => out.extend_from_slice(b"\\f"),
            b'\n' => out.extend_from_slice(b"\\n"),
            b'\r' => out.extend_from_slice(b"\\r"),
            b'\t' => out.extend_from_slice(b"\\t"),
            c if c < 0x20 => {
                const HEX: &[u8] = b"0123456789abcdef";
                out.extend_from_slice(b"\\u00");
                out.push(HEX[(c >> 4) as usize]);
                out.push(HEX[(c & 15) as usize]);
            }
            c => out.push(c),
        }
    }
    out.push(b'"');
}

/// An integer literal that JavaScript prints back unchanged (`String(Number(x)) === x`).
fn is_plain_integer(n: &[u8]) -> bool {
    let d = if n.first() == Some(&b'-') { &n[1..] } else { n };
    !d.is_empty()
        && d.len() <= 15
        && d.iter().all(|c| c.is_ascii_digit())
        && (d[0] != b'0' || d.len() == 1)
        && n != b"-0"
}

fn field<'a>(fields: &'a [(Vec<u8>, J)], name: &[u8]) -> Option<&'a J> {
    fields
        .iter()
        .rev()
        .find(|(k, _)| &k[..] == name)
        .map(|(_, v)| v)
}

fn contains(h: &[u8], n: &[u8]) -> bool {
    h.windows(n.len()).any(|w| w == n)
}

/// Grades one line; None means JavaScript must handle it.
fn grade_line(line: &[u8]) -> Option<Vec<u8>> {
    std::str::from_utf8(line).ok()?;
    let fields = match parse_json(line)? {
        J::Obj(f) => f,
        _ => return None,
    };
    let mut out = b"{\"id\":".to_vec();
    match field(&fields, b"id")? {
        J::Str(s, false) => json_string(&mut out, s),
        J::Num(n) if is_plain_integer(n) => out.extend_from_slice(n),
        _ => return None,
    }
    let response = match field(&fields, b"response")? {
        J::Str(s, false) => s,
        _ => return None,
    };
    let kind = match field(&fields, b"kind")? {
        J::Str(k, _) if &k[..] == b"math" => Format::Math,
        J::Str(k, _) if &k[..] == b"mcq" => Format::Choice,
        _ => return None,
    };
    let gold: Vec<u8> = match field(&fields, b"gold")? {
        J::Str(s, false) => s.iter().copied().filter(|&b| b != 0).collect(),
        J::Num(n) if is_plain_integer(n) => n.clone(),
        _ => return None,
    };
    let task: Vec<u8> = match field(&fields, b"task") {
        None => Vec::new(),
        Some(J::Str(t, false)) if t.is_ascii() => t.to_ascii_lowercase(),
        _ => return None,
    };
    let format_override = match field(&fields, b"format") {
        None => None,
        Some(J::Str(f, _)) => Some(match &f[..] {
            b"math" => Format::Math,
            b"gsm8k" => Format::Gsm8k,
            b"choice" => Format::Choice,
            b"mmlu_pro" => Format::MmluPro,
            b"arc" => Format::Arc,
            _ => return None,
        }),
        _ => return None,
    };
    let mut owned: Vec<Vec<u8>> = Vec::new();
    match field(&fields, b"choices") {
        None => {}
        Some(J::Arr(a)) => {
            for c in a {
                match c {
                    J::Str(s, false) => owned.push(s.iter().copied().filter(|&b| b != 0).collect()),
                    _ => return None,
                }
            }
        }
        _ => return None,
    }
    let choices: Vec<&[u8]> = owned.iter().map(|c| &c[..]).collect();
    let reason = |name: &[u8]| -> Option<Option<Vec<u8>>> {
        match field(&fields, name) {
            None | Some(J::Null) => Some(None),
            Some(J::Str(s, _)) => Some(Some(s.clone())),
            _ => None,
        }
    };
    let snake = reason(b"finish_reason")?;
    let camel = reason(b"finishReason")?;
    let truncated = snake.or(camel).as_deref() == Some(b"length");
    let is_math = kind == Format::Math;
    let format = match format_override {
        Some(f) => {
            let fits = if is_math {
                f == Format::Math || f == Format::Gsm8k
            } else {
                f != Format::Math && f != Format::Gsm8k
            };
            if !fits {
                return None;
            }
            f
        }
        None if is_math => {
            if contains(&task, b"gsm8k") {
                Format::Gsm8k
            } else {
                Format::Math
            }
        }
        None => {
            if contains(&task, b"mmlu_pro") || contains(&task, b"mmlu-pro") {
                Format::MmluPro
            } else if task.starts_with(b"arc") {
                Format::Arc
            } else {
                Format::Choice
            }
        }
    };
    let item = Item {
        response,
        gold: &gold,
        format,
        choices,
        truncated,
    };
    let score: Score =
        match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| grade_item(&item))) {
            Ok(s) => s,
            Err(_) => return None,
        };
    out.extend_from_slice(b",\"correct\":");
    out.extend_from_slice(match score.verdict {
        Verdict::Correct => b"true",
        Verdict::GraderError => b"null",
        _ => b"false",
    });
    out.extend_from_slice(b",\"verdict\":\"");
    out.extend_from_slice(verdict_name(score.verdict));
    out.extend_from_slice(b"\",\"extracted\":");
    match &score.extracted {
        None => out.extend_from_slice(b"null"),
        Some(e) => json_string(&mut out, e),
    }
    out.push(b'}');
    Some(out)
}

fn is_blank(line: &[u8]) -> bool {
    line.iter().all(|&c| c == b' ' || (9..=13).contains(&c))
}

fn process(lines: &[(usize, usize)], data: &[u8], out: &mut Vec<u8>) {
    for &(start, end) in lines {
        let line = &data[start..end];
        if is_blank(line) {
            out.extend_from_slice(b"B\n");
            continue;
        }
        match grade_line(line) {
            Some(r) => {
                out.push(b'O');
                out.extend_from_slice(&r);
                out.push(b'\n');
            }
            None => {
                out.push(b'J');
                out.extend_from_slice(format!("{},{}", start, end).as_bytes());
                out.push(b'\n');
            }
        }
    }
}

/// Grades every line of `data` (lines end with `\n`; a final line without one counts; a `\r`
/// before the `\n` is dropped) and returns the records.
pub fn grade_jsonl(data: &[u8], threads: usize) -> Vec<u8> {
    let mut lines = Vec::new();
    let mut start = 0;
    for (i, &c) in data.iter().enumerate() {
        if c == b'\n' {
            let end = if i > start && data[i - 1] == b'\r' {
                i - 1
            } else {
                i
            };
            lines.push((start, end));
            start = i + 1;
        }
    }
    if start < data.len() {
        let end = if data[data.len() - 1] == b'\r' {
            data.len() - 1
        } else {
            data.len()
        };
        lines.push((start, end));
    }
    let mut out = Vec::with_capacity(lines.len() * 80);
    crate::parallel::in_chunks(&lines, threads, 80, &mut out, |slice, buf| {
        process(slice, data, buf)
    });
    out
}
