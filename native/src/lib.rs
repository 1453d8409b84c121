//! skyeval native answer grading: the Rust twin of `scoring/answer/` behind a
//! batched C ABI. One call grades a whole batch packed into one buffer.
//!
//! Input: NUL-separated fields; per item `<format digit><truncated 0|1>`,
//! response, gold, option count (decimal), then that many option texts.
//! Output: per item `<verdict digit><has extracted 0|1><detail digit>` +
//! extracted bytes + NUL.

pub mod bignum;
pub mod budget;
pub mod choice;
pub mod complex;
pub mod equivalence;
pub mod expression;
pub mod extract;
pub mod grade;
pub mod json;
pub mod jsonl;
pub mod normalize;
pub mod parallel;
pub mod rules;
pub mod text;
pub mod text_answer;

use grade::{grade_item, Detail, Format, Item, Score, Verdict};

/// Bumped whenever the wire format or the grading rules change.
pub const ABI_VERSION: u32 = 3;

fn parse_items(data: &[u8], n: usize) -> Option<Vec<Item<'_>>> {
    let mut fields = data.split(|&b| b == 0);
    let mut items = Vec::with_capacity(n);
    for _ in 0..n {
        let head = fields.next()?;
        if head.len() != 2 {
            return None;
        }
        let format = match head[0] {
            b'0' => Format::Math,
            b'1' => Format::Gsm8k,
            b'2' => Format::Choice,
            b'3' => Format::MmluPro,
            b'4' => Format::Arc,
            _ => return None,
        };
        let truncated = head[1] == b'1';
        let response = fields.next()?;
        let gold = fields.next()?;
        let count: usize = std::str::from_utf8(fields.next()?).ok()?.parse().ok()?;
        let mut choices = Vec::with_capacity(count);
        for _ in 0..count {
            choices.push(fields.next()?);
        }
        items.push(Item {
            response,
            gold,
            format,
            choices,
            truncated,
        });
    }
    Some(items)
}

fn grade_safely(item: &Item) -> Score {
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| grade_item(item))) {
        Ok(s) => s,
        Err(_) => Score {
            verdict: Verdict::GraderError,
            extracted: None,
            detail: Detail::Internal,
        },
    }
}

fn encode(scores: &[Score], out: &mut Vec<u8>) {
    for s in scores {
        out.push(b'0' + s.verdict as u8);
        out.push(if s.extracted.is_some() { b'1' } else { b'0' });
        out.push(b'0' + s.detail as u8);
        if let Some(e) = &s.extracted {
            out.extend(e.iter().filter(|&&b| b != 0));
        }
        out.push(0);
    }
}

/// Grades a batch; returns the encoded output.
pub fn grade_batch(data: &[u8], n: usize, threads: usize) -> Option<Vec<u8>> {
    let items = parse_items(data, n)?;
    let mut out = Vec::with_capacity(data.len() / 8 + n * 8);
    parallel::in_chunks(
        &items,
        parallel::resolve_threads(threads),
        16,
        &mut out,
        |slice, buf| {
            let scores: Vec<Score> = slice.iter().map(grade_safely).collect();
            encode(&scores, buf);
        },
    );
    Some(out)
}

/// The shared body of the C entry points: silences panic messages (a panic
/// is reported as `usize::MAX`), views the input, runs `f`, and copies its
/// output to `out` when it fits. Returns the output length.
///
/// # Safety
/// `input` must point to `input_len` readable bytes and `out` to `out_cap`
/// writable bytes.
unsafe fn ffi_call(
    input: *const u8,
    input_len: usize,
    out: *mut u8,
    out_cap: usize,
    f: impl FnOnce(&[u8]) -> Option<Vec<u8>> + std::panic::UnwindSafe,
) -> usize {
    static QUIET: std::sync::Once = std::sync::Once::new();
    QUIET.call_once(|| std::panic::set_hook(Box::new(|_| {})));
    let data: &[u8] = if input_len == 0 {
        &[]
    } else {
        std::slice::from_raw_parts(input, input_len)
    };
    match std::panic::catch_unwind(move || f(data)) {
        Ok(Some(buf)) => {
            if buf.len() <= out_cap {
                std::ptr::copy_nonoverlapping(buf.as_ptr(), out, buf.len());
            }
            buf.len()
        }
        _ => usize::MAX,
    }
}

/// The ABI version of this library.
#[no_mangle]
pub extern "C" fn skyeval_abi_version() -> u32 {
    ABI_VERSION
}

/// Grades `n` packed items from `input[..input_len]` with up to `threads`
/// threads (0 = all cores) and writes the packed results to `out[..out_cap]`.
/// Returns the output length; when that exceeds `out_cap` nothing is written
/// and the caller retries with a larger buffer. Returns `usize::MAX` for a
/// malformed input buffer.
///
/// # Safety
/// `input` must point to `input_len` readable bytes and `out` to `out_cap`
/// writable bytes.
#[no_mangle]
pub unsafe extern "C" fn skyeval_grade_batch(
    input: *const u8,
    input_len: usize,
    n: u32,
    threads: u32,
    out: *mut u8,
    out_cap: usize,
) -> usize {
    ffi_call(input, input_len, out, out_cap, |data| {
        grade_batch(data, n as usize, threads as usize)
    })
}

/// Grades the complete JSONL lines in `input[..input_len]` (see `jsonl.rs` for
/// the record format) and writes the records to `out[..out_cap]`. Returns the
/// records' length; when that exceeds `out_cap` nothing is written and the
/// caller retries with a larger buffer.
///
/// # Safety
/// `input` must point to `input_len` readable bytes and `out` to `out_cap`
/// writable bytes.
#[no_mangle]
pub unsafe extern "C" fn skyeval_grade_jsonl(
    input: *const u8,
    input_len: usize,
    threads: u32,
    out: *mut u8,
    out_cap: usize,
) -> usize {
    ffi_call(input, input_len, out, out_cap, |data| {
        Some(jsonl::grade_jsonl(
            data,
            parallel::resolve_threads(threads as usize),
        ))
    })
}
