//! Answer equivalence (twin of `scoring/answer/equivalence.ts`).

use crate::budget::{Budget, Exceeded};
use crate::complex::{complex_equal, eval_complex};
use crate::expression::*;
use crate::normalize::decimal_comma;
use crate::text::*;

type R = Result<bool, Exceeded>;

pub struct ParsedNumber {
    canonical: Vec<u8>,
    digits: Vec<u8>,
    exp: i64,
    neg: bool,
    is_int: bool,
    percent: bool,
    value: f64,
    /// The power of ten of the last digit written.
    place: i64,
}

fn at(s: &[u8], i: usize) -> u8 {
    if i < s.len() {
        s[i]
    } else {
        0
    }
}

fn canonical_of(neg: bool, digits: &[u8], e: i64) -> Vec<u8> {
    let mut c = Vec::new();
    if neg {
        c.push(b'-');
    }
    c.extend_from_slice(digits);
    c.push(b'e');
    c.extend_from_slice(e.to_string().as_bytes());
    c
}

fn is_group_of_three(s: &[u8], at: usize) -> bool {
    let d = |k: usize| is_digit(code_at(s, (at + k) as isize));
    d(0) && d(1) && d(2) && !d(3)
}

pub fn parse_number(s: &[u8]) -> Option<ParsedNumber> {
    let mut i = 0;
    let mut neg = false;
    if at(s, 0) == b'-' || at(s, 0) == b'+' {
        neg = at(s, 0) == b'-';
        i += 1;
    }
    let mut int_part = Vec::new();
    while i < s.len() {
        let c = s[i] as i32;
        if is_digit(c) {
            int_part.push(s[i]);
        } else if c == 44 && !int_part.is_empty() && is_group_of_three(s, i + 1) {
        } else {
            break;
        }
        i += 1;
    }
    let mut frac_part = Vec::new();
    let mut is_int = true;
    if at(s, i) == b'.' {
        is_int = false;
        i += 1;
        while i < s.len() && is_digit(s[i] as i32) {
            frac_part.push(s[i]);
            i += 1;
        }
    }
    if int_part.is_empty() && frac_part.is_empty() {
        return None;
    }
    let mut exp: i64 = 0;
    if (at(s, i) == b'e' || at(s, i) == b'E') && i + 1 < s.len() {
        let mut j = i + 1;
        let mut eneg = false;
        if s[j] == b'-' || s[j] == b'+' {
            eneg = s[j] == b'-';
            j += 1;
        }
        let start = j;
        while j < s.len() && is_digit(s[j] as i32) {
            j += 1;
        }
        if j == start || j - start > 6 {
            return None;
        }
        let v: i64 = std::str::from_utf8(&s[start..j]).unwrap().parse().unwrap();
        exp = if eneg { -v } else { v };
        is_int = false;
        i = j;
    }
    let mut percent = false;
    if at(s, i) == b'%' && i < s.len() {
        percent = true;
        is_int = false;
        i += 1;
    }
    if i != s.len() {
        return None;
    }
    let mut digits = int_part.clone();
    digits.extend_from_slice(&frac_part);
    let mut e = exp - frac_part.len() as i64 - if percent { 2 } else { 0 };
    let place = e;
    let mut z = 0;
    while z < digits.len() && digits[z] == b'0' {
        z += 1;
    }
    let mut digits = digits[z..].to_vec();
    let mut t = digits.len();
    while t > 0 && digits[t - 1] == b'0' {
        t -= 1;
    }
    e += (digits.len() - t) as i64;
    digits.truncate(t);
    if digits.is_empty() {
        e = 0;
        neg = false;
    }
    let text = format!(
        "{}.{}e{}",
        if int_part.is_empty() {
            "0"
        } else {
            std::str::from_utf8(&int_part).unwrap()
        },
        if frac_part.is_empty() {
            "0"
        } else {
            std::str::from_utf8(&frac_part).unwrap()
        },
        exp
    );
    let mut value: f64 = text.parse().unwrap_or(f64::NAN);
    if percent {
        value /= 100.0;
    }
    if neg {
        value = -value;
    }
    Some(ParsedNumber {
        canonical: canonical_of(neg, &digits, e),
        digits,
        exp: e,
        neg,
        is_int,
        percent,
        value,
        place,
    })
}

pub fn is_close(a: f64, b: f64, tol: f64) -> bool {
    if a == b {
        return true;
    }
    if !a.is_finite() || !b.is_finite() {
        return false;
    }
    (a - b).abs() <= tol * a.abs().max(b.abs())
}

fn shifted(n: &ParsedNumber, by: i64) -> Vec<u8> {
    if n.digits.is_empty() {
        n.canonical.clone()
    } else {
        canonical_of(n.neg, &n.digits, n.exp + by)
    }
}

/// Exact equality of written numbers, or the same percentage (twin of `numbersEqual`).
pub fn numbers_equal(p: &ParsedNumber, r: &ParsedNumber) -> bool {
    if p.canonical == r.canonical {
        return true;
    }
    if p.percent != r.percent {
        return p.canonical == shifted(r, 2) || p.canonical == shifted(r, -2);
    }
    false
}

/// The precision rule (twin of `roundsTo`).
pub fn rounds_to(decimal: &ParsedNumber, exact: f64) -> bool {
    if !exact.is_finite() {
        return false;
    }
    let half: f64 = format!("5e{}", decimal.place - 1)
        .parse()
        .unwrap_or(f64::NAN);
    (exact - decimal.value).abs() <= half * (1.0 + 1e-9) + exact.abs() * 1e-15
}

fn is_written_decimal(n: &ParsedNumber) -> bool {
    !n.is_int && !n.percent && n.place < 0
}

fn parse_decimal_comma(s: &[u8]) -> Option<ParsedNumber> {
    parse_number(&decimal_comma(s)?)
}

fn numeric_value(s: &[u8], budget: &mut Budget) -> Result<Option<f64>, Exceeded> {
    let e = match parse_expression(s, budget)? {
        None => return Ok(None),
        Some(e) => e,
    };
    if has_variable(&e) {
        return Ok(None);
    }
    let v = eval_float(&e, &Env::new(), budget)?;
    Ok(if v.is_nan() { None } else { Some(v) })
}

fn last_choice_letter(s: &[u8]) -> Vec<u8> {
    let u = ascii_upper(s);
    let mut i = u.len() as isize - 1;
    while i >= 0 {
        let c = u[i as usize] as i32;
        if (65..=69).contains(&c) && !is_alnum(code_at(&u, i - 1)) && !is_alnum(code_at(&u, i + 1))
        {
            return vec![u[i as usize]];
        }
        i -= 1;
    }
    s.to_vec()
}

struct Bracketed<'a> {
    open: u8,
    close: u8,
    items: Vec<&'a [u8]>,
}

fn closes(s: &[u8], open: usize) -> isize {
    let mut depth: i64 = 0;
    for (i, &ch) in s.iter().enumerate().skip(open) {
        if ch == b'(' || ch == b'[' || ch == b'{' {
            depth += 1;
        } else if ch == b')' || ch == b']' || ch == b'}' {
            depth -= 1;
            if depth == 0 {
                return i as isize;
            }
        }
    }
    -1
}

fn bracketed(s: &[u8]) -> Bracketed<'_> {
    if s.len() >= 2 {
        let first = s[0];
        let last = s[s.len() - 1];
        if (first == b'(' || first == b'[' || first == b'{')
            && (last == b')' || last == b']' || last == b'}')
            && closes(s, 0) == s.len() as isize - 1
        {
            return Bracketed {
                open: first,
                close: last,
                items: split_items(&s[1..s.len() - 1]),
            };
        }
    }
    Bracketed {
        open: 0,
        close: 0,
        items: split_items(s),
    }
}

/// Items separated by `,`, or by `;` when there is no top-level comma.
fn split_items(s: &[u8]) -> Vec<&[u8]> {
    let items = split_top_level(s, b',');
    if items.len() == 1 {
        split_top_level(s, b';')
    } else {
        items
    }
}

fn all_pairs_equal(a: &[&[u8]], b: &[&[u8]], budget: &mut Budget, depth: u32) -> R {
    for i in 0..a.len() {
        if !math_equal(a[i], b[i], budget, depth)? {
            return Ok(false);
        }
    }
    Ok(true)
}

fn unordered_equal(a: &[&[u8]], b: &[&[u8]], budget: &mut Budget, depth: u32) -> R {
    let mut used = vec![false; b.len()];
    for x in a {
        let mut found = false;
        for j in 0..b.len() {
            if !used[j] && math_equal(x, b[j], budget, depth)? {
                used[j] = true;
                found = true;
                break;
            }
        }
        if !found {
            return Ok(false);
        }
    }
    Ok(true)
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum RelOp {
    Le,
    Lt,
    Ne,
    Eq,
}

const RELATIONS: [(&[u8], RelOp, bool); 8] = [
    (b"\\le", RelOp::Le, false),
    (b"\\ge", RelOp::Le, true),
    (b"\\lt", RelOp::Lt, false),
    (b"\\gt", RelOp::Lt, true),
    (b"\\ne", RelOp::Ne, false),
    (b"<", RelOp::Lt, false),
    (b">", RelOp::Lt, true),
    (b"=", RelOp::Eq, false),
];

struct Relation<'a> {
    op: RelOp,
    left: &'a [u8],
    right: &'a [u8],
}

fn relation_of(s: &[u8]) -> Option<Relation<'_>> {
    let mut found: Option<Relation> = None;
    let mut depth: i64 = 0;
    let mut i = 0;
    while i < s.len() {
        let ch = s[i];
        if ch == b'(' || ch == b'[' || ch == b'{' {
            depth += 1;
        } else if ch == b')' || ch == b']' || ch == b'}' {
            depth -= 1;
        }
        if depth != 0 {
            i += 1;
            continue;
        }
        for (token, op, flip) in RELATIONS {
            if !starts_at(s, i, token) {
                continue;
            }
            if token[0] == b'\\' && is_alpha(code_at(s, (i + token.len()) as isize)) {
                continue;
            }
            if found.is_some() {
                return None;
            }
            let left = &s[..i];
            let right = &s[i + token.len()..];
            found = Some(if flip {
                Relation {
                    op,
                    left: right,
                    right: left,
                }
            } else {
                Relation { op, left, right }
            });
            i += token.len() - 1;
            break;
        }
        i += 1;
    }
    found
}

const POINTS: usize = 4;
const MAX_NESTING: u32 = 16;

fn sample_value(var_index: usize, point: usize) -> f64 {
    let x = (var_index + 1) as f64 * 0.6180339887498949 + (point + 1) as f64 * 0.41421356237309503;
    0.3 + (x - x.floor()) * 1.9
}

fn env_at(vars: &[Vec<u8>], point: usize) -> Env {
    let mut env = Env::new();
    for (v, name) in vars.iter().enumerate() {
        env.insert(name.clone(), sample_value(v, point));
    }
    env
}

fn expressions_equal(a: &Expr, b: &Expr, budget: &mut Budget) -> R {
    let vars = union_vars(a, b);
    if vars.is_empty() {
        if let Some(ea) = eval_exact(a, budget)? {
            if let Some(eb) = eval_exact(b, budget)? {
                return Ok(rational_equal(&ea, &eb));
            }
        }
        let env = Env::new();
        let fa = eval_float(a, &env, budget)?;
        let fb = eval_float(b, &env, budget)?;
        if fa.is_nan() || fb.is_nan() {
            return Ok(false);
        }
        return Ok(is_close(fa, fb, 1e-9));
    }
    if vars.len() == 1 && &vars[0][..] == b"i" {
        if let Some(ca) = eval_complex(a, budget)? {
            if let Some(cb) = eval_complex(b, budget)? {
                return Ok(complex_equal(ca, cb));
            }
        }
    }
    let mut valid = 0;
    for k in 0..POINTS {
        let env = env_at(&vars, k);
        let fa = eval_float(a, &env, budget)?;
        let fb = eval_float(b, &env, budget)?;
        if fa.is_nan() && fb.is_nan() {
            continue;
        }
        if !is_close(fa, fb, 1e-6) {
            return Ok(false);
        }
        valid += 1;
    }
    Ok(valid >= 2)
}

fn difference_expr(r: &Relation, budget: &mut Budget) -> Result<Option<Expr>, Exceeded> {
    let l = match parse_expression(r.left, budget)? {
        None => return Ok(None),
        Some(l) => l,
    };
    let rr = match parse_expression(r.right, budget)? {
        None => return Ok(None),
        Some(x) => x,
    };
    Ok(Some(Expr::Bin(Op::Sub, Box::new(l), Box::new(rr))))
}

fn relations_equal(p: &Relation, r: &Relation, budget: &mut Budget) -> R {
    if p.op != r.op {
        return Ok(false);
    }
    let fp = difference_expr(p, budget)?;
    let fr = difference_expr(r, budget)?;
    let (fp, fr) = match (fp, fr) {
        (Some(a), Some(b)) => (a, b),
        _ => {
            return Ok(p.left.eq_ignore_ascii_case(r.left) && p.right.eq_ignore_ascii_case(r.right));
        }
    };
    let vars = union_vars(&fp, &fr);
    let points = if vars.is_empty() { 1 } else { POINTS };
    let mut ratio = f64::NAN;
    let mut valid = 0;
    for k in 0..points {
        let env = env_at(&vars, k);
        let a = eval_float(&fp, &env, budget)?;
        let b = eval_float(&fr, &env, budget)?;
        if a.is_nan() && b.is_nan() {
            continue;
        }
        if a.is_nan() || b.is_nan() {
            return Ok(false);
        }
        if a == 0.0 && b == 0.0 {
            valid += 1;
            continue;
        }
        if a == 0.0 || b == 0.0 {
            return Ok(false);
        }
        let q = a / b;
        if ratio.is_nan() {
            ratio = q;
        } else if !is_close(q, ratio, 1e-6) {
            return Ok(false);
        }
        valid += 1;
    }
    if valid < points.min(2) {
        return Ok(false);
    }
    if ratio.is_nan() {
        return Ok(true);
    }
    Ok(p.op == RelOp::Eq || p.op == RelOp::Ne || ratio > 0.0)
}

fn is_short_name(s: &[u8]) -> bool {
    !s.is_empty() && s.len() <= 2
}

fn inequality_as_interval(r: &Relation) -> Option<Vec<u8>> {
    let closed = r.op == RelOp::Le;
    if is_short_name(r.left) && is_alpha(r.left[0] as i32) && !r.right.is_empty() {
        let mut v = b"(-\\infty,".to_vec();
        v.extend_from_slice(r.right);
        v.push(if closed { b']' } else { b')' });
        return Some(v);
    }
    if is_short_name(r.right) && is_alpha(r.right[0] as i32) && !r.left.is_empty() {
        let mut v = vec![if closed { b'[' } else { b'(' }];
        v.extend_from_slice(r.left);
        v.extend_from_slice(b",\\infty)");
        return Some(v);
    }
    None
}

const BEGIN: &[u8] = b"\\begin{pmatrix}";
const END: &[u8] = b"\\end{pmatrix}";

const MAX_PLUS_MINUS: usize = 3;

/// Every sign choice of the `\\pm` signs in `s`, or None when there are too many.
fn sign_choices(s: &[u8]) -> Option<Vec<Vec<u8>>> {
    let mut out: Vec<Vec<u8>> = vec![Vec::new()];
    let mut from = 0;
    let mut count = 0;
    while let Some(at) = find(s, b"\\pm", from) {
        if is_alpha(code_at(s, (at + 3) as isize)) {
            break;
        }
        count += 1;
        if count > MAX_PLUS_MINUS {
            return None;
        }
        let head = &s[from..at];
        out = out
            .iter()
            .flat_map(|o| {
                [b'+', b'-'].map(|sign| {
                    let mut v = o.clone();
                    v.extend_from_slice(head);
                    v.push(sign);
                    v
                })
            })
            .collect();
        from = at + 3;
    }
    for o in out.iter_mut() {
        o.extend_from_slice(&s[from..]);
    }
    Some(out)
}

/// Twin of `expandPlusMinus`.
fn expand_plus_minus(s: &[u8]) -> Option<Vec<u8>> {
    let at = find(s, b"\\pm", 0)?;
    if is_alpha(code_at(s, (at + 3) as isize)) || matches!(s.first(), Some(b'(') | Some(b'[')) {
        return None;
    }
    let mut values: Vec<Vec<u8>> = Vec::new();
    for item in split_top_level(s, b',') {
        values.extend(sign_choices(item)?);
    }
    Some(values.join(&b","[..]))
}

fn structural_equal(pred: &[u8], rf: &[u8], budget: &mut Budget, depth: u32) -> R {
    if depth > MAX_NESTING {
        return Ok(false);
    }
    let pe = expand_plus_minus(pred);
    let re = expand_plus_minus(rf);
    if pe.is_some() || re.is_some() {
        let p2 = pe.as_deref().unwrap_or(pred);
        let r2 = re.as_deref().unwrap_or(rf);
        return math_equal(p2, r2, budget, depth + 1);
    }
    let pu = split_top_level_word(pred, b"\\cup");
    let ru = split_top_level_word(rf, b"\\cup");
    if pu.len() > 1 || ru.len() > 1 {
        return Ok(pu.len() == ru.len() && all_pairs_equal(&pu, &ru, budget, depth + 1)?);
    }
    let pm = pred.starts_with(BEGIN) && pred.ends_with(END);
    let rm = rf.starts_with(BEGIN) && rf.ends_with(END);
    if pm || rm {
        if pm != rm {
            // `v = \begin{pmatrix}..` against the matrix alone
            return match relation_of(if pm { rf } else { pred }) {
                Some(r) if r.op == RelOp::Eq && is_short_name(r.left) => {
                    let (a, b) = if pm { (pred, r.right) } else { (r.right, rf) };
                    math_equal(a, b, budget, depth + 1)
                }
                _ => Ok(false),
            };
        }
        let prow = split_top_level_word(&pred[15..pred.len() - 13], b"\\\\");
        let rrow = split_top_level_word(&rf[15..rf.len() - 13], b"\\\\");
        if prow.len() != rrow.len() {
            return Ok(false);
        }
        for i in 0..prow.len() {
            let pc = split_top_level(prow[i], b'&');
            let rc = split_top_level(rrow[i], b'&');
            if pc.len() != rc.len() || !all_pairs_equal(&pc, &rc, budget, depth + 1)? {
                return Ok(false);
            }
        }
        return Ok(true);
    }
    if matches!(pred.first(), Some(b'(') | Some(b'[')) {
        if let Some(gold) = relation_of(rf) {
            if gold.op == RelOp::Lt || gold.op == RelOp::Le {
                if let Some(interval) = inequality_as_interval(&gold) {
                    return math_equal(pred, &interval, budget, depth + 1);
                }
            }
        }
    }
    let pb = bracketed(pred);
    let rb = bracketed(rf);
    if pb.items.len() > 1 || rb.items.len() > 1 {
        if pb.items.len() != rb.items.len() {
            return Ok(false);
        }
        let p_tuple = pb.open == b'(' || pb.open == b'[';
        let r_tuple = rb.open == b'(' || rb.open == b'[';
        if p_tuple && r_tuple {
            if pb.open != rb.open || pb.close != rb.close {
                return Ok(false);
            }
            return all_pairs_equal(&pb.items, &rb.items, budget, depth + 1);
        }
        if p_tuple || r_tuple {
            return all_pairs_equal(&pb.items, &rb.items, budget, depth + 1);
        }
        if all_pairs_equal(&pb.items, &rb.items, budget, depth + 1)? {
            return Ok(true);
        }
        return unordered_equal(&pb.items, &rb.items, budget, depth + 1);
    }
    if pb.open == b'{' && rb.open == b'{' {
        return math_equal(pb.items[0], rb.items[0], budget, depth + 1);
    }
    let pr = relation_of(pred);
    let rr = relation_of(rf);
    match (&pr, &rr) {
        (Some(p), Some(r)) => return relations_equal(p, r, budget),
        (Some(p), None) => {
            return Ok(p.op == RelOp::Eq
                && is_short_name(p.left)
                && math_equal(p.right, rf, budget, depth + 1)?);
        }
        (None, Some(r)) => {
            return Ok(r.op == RelOp::Eq
                && is_short_name(r.left)
                && math_equal(pred, r.right, budget, depth + 1)?);
        }
        (None, None) => {}
    }
    let a = match parse_expression(pred, budget)? {
        None => return Ok(false),
        Some(a) => a,
    };
    let b = match parse_expression(rf, budget)? {
        None => return Ok(false),
        Some(b) => b,
    };
    expressions_equal(&a, &b, budget)
}

/// Whether the normalized prediction equals the normalized reference (twin of `mathEqual`).
pub fn math_equal(pred: &[u8], rf: &[u8], budget: &mut Budget, depth: u32) -> R {
    budget.spend(4 + ((pred.len() + rf.len()) >> 5) as i64)?;
    if pred.eq_ignore_ascii_case(rf) {
        return Ok(true);
    }
    if rf.len() == 1 && (b'A'..=b'E').contains(&rf[0]) {
        return Ok(last_choice_letter(pred) == rf);
    }
    let mut pn = parse_number(pred);
    let mut rn = parse_number(rf);
    if pn.is_none() && rn.as_ref().is_some_and(|r| !r.is_int) {
        pn = parse_decimal_comma(pred);
    }
    if rn.is_none() && pn.as_ref().is_some_and(|p| !p.is_int) {
        rn = parse_decimal_comma(rf);
    }
    if let (Some(p), Some(r)) = (&pn, &rn) {
        return Ok(numbers_equal(p, r));
    }
    if pred.is_empty() {
        return Ok(false);
    }
    if let Some(p) = pn.as_ref().filter(|p| is_written_decimal(p)) {
        if let Some(v) = numeric_value(rf, budget)? {
            return Ok(rounds_to(p, v));
        }
    }
    if let Some(r) = rn.as_ref().filter(|r| is_written_decimal(r)) {
        if let Some(v) = numeric_value(pred, budget)? {
            return Ok(rounds_to(r, v));
        }
    }
    structural_equal(pred, rf, budget, depth)
}
