//! Expression parsing and evaluation (twin of `scoring/answer/expression.ts`).

use crate::bignum::BigInt;
use crate::budget::{Budget, Exceeded};
use crate::text::*;
use std::collections::{BTreeMap, BTreeSet};

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Op {
    Add,
    Sub,
    Mul,
    Div,
    Pow,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Un {
    Neg,
    Fact,
    Abs,
    Pct,
}

#[derive(Clone, Debug)]
pub enum Expr {
    Num(Vec<u8>),
    Var(Vec<u8>),
    Pi,
    E,
    Bin(Op, Box<Expr>, Box<Expr>),
    Unary(Un, Box<Expr>),
    Func(Vec<u8>, Box<Expr>),
    Root(Box<Expr>, Box<Expr>),
}

#[derive(Clone)]
enum Tok {
    Num(Vec<u8>),
    Var(Vec<u8>),
    Cmd(Vec<u8>),
    Sym(u8),
}

const FUNCTIONS: [&[u8]; 15] = [
    b"sin", b"cos", b"tan", b"cot", b"sec", b"csc", b"ln", b"log", b"exp", b"arcsin", b"arccos",
    b"arctan", b"sinh", b"cosh", b"tanh",
];

const GREEK: [&[u8]; 23] = [
    b"alpha",
    b"beta",
    b"gamma",
    b"delta",
    b"epsilon",
    b"varepsilon",
    b"zeta",
    b"eta",
    b"theta",
    b"vartheta",
    b"kappa",
    b"lambda",
    b"mu",
    b"nu",
    b"xi",
    b"rho",
    b"sigma",
    b"tau",
    b"phi",
    b"varphi",
    b"chi",
    b"psi",
    b"omega",
];

const SYMBOLS: &[u8] = b"+-*/^()[]{}|!%";
const MAX_DEPTH: u32 = 64;
const MAX_NODES: u32 = 2000;

fn is_function(name: &[u8]) -> bool {
    FUNCTIONS.contains(&name)
}
fn is_greek(name: &[u8]) -> bool {
    GREEK.contains(&name)
}

const PLAIN_WORDS: [&[u8]; 8] = [
    b"sqrt", b"exp", b"ln", b"log", b"sin", b"cos", b"tan", b"pi",
];

/// A function name or `pi` written as a whole word without a backslash.
fn plain_word_at(s: &[u8], i: usize) -> Option<&[u8]> {
    if !is_alpha(s[i] as i32) {
        return None;
    }
    let mut j = i;
    while j < s.len() && j - i < 5 && is_alpha(s[j] as i32) {
        j += 1;
    }
    if j - i < 2 || j - i > 4 || (i > 0 && s[i - 1] == b'\\') {
        return None;
    }
    let word = &s[i..j];
    if PLAIN_WORDS.contains(&word) {
        Some(word)
    } else {
        None
    }
}

fn tokenize(s: &[u8], budget: &mut Budget) -> Result<Option<Vec<Tok>>, Exceeded> {
    let mut out = Vec::new();
    let mut i = 0usize;
    while i < s.len() {
        budget.spend(1)?;
        let c = s[i] as i32;
        if is_digit(c) || (c == 46 && is_digit(code_at(s, i as isize + 1))) {
            let mut j = i;
            while j < s.len() && is_digit(s[j] as i32) {
                j += 1;
            }
            if j < s.len() && s[j] == b'.' && is_digit(code_at(s, j as isize + 1)) {
                j += 1;
                while j < s.len() && is_digit(s[j] as i32) {
                    j += 1;
                }
            }
            out.push(Tok::Num(s[i..j].to_vec()));
            i = j;
        } else if let Some(word) = plain_word_at(s, i) {
            out.push(Tok::Cmd(word.to_vec()));
            i += word.len();
        } else if is_alpha(c) {
            let mut name = vec![s[i]];
            i += 1;
            if i < s.len() && s[i] == b'_' {
                if code_at(s, i as isize + 1) == b'{' as i32 {
                    let end = match find(s, b"}", i + 2) {
                        None => return Ok(None),
                        Some(e) => e,
                    };
                    name.push(b'_');
                    name.extend_from_slice(&s[i + 2..end]);
                    i = end + 1;
                } else if i + 1 < s.len()
                    && (is_alpha(s[i + 1] as i32) || is_digit(s[i + 1] as i32))
                {
                    name.push(b'_');
                    name.push(s[i + 1]);
                    i += 2;
                } else {
                    return Ok(None);
                }
            } else if name != b"e" {
                // `k1` is one name, so `2k1` is not `2k` by implicit multiplication
                while i < s.len() && is_digit(s[i] as i32) {
                    name.push(s[i]);
                    i += 1;
                }
            }
            out.push(Tok::Var(name));
        } else if c == 92 {
            let mut j = i + 1;
            while j < s.len() && is_alpha(s[j] as i32) {
                j += 1;
            }
            if j == i + 1 {
                return Ok(None);
            }
            out.push(Tok::Cmd(s[i + 1..j].to_vec()));
            i = j;
        } else if SYMBOLS.contains(&s[i]) {
            out.push(Tok::Sym(s[i]));
            i += 1;
        } else if c == 32 {
            i += 1;
        } else {
            return Ok(None);
        }
    }
    Ok(Some(out))
}

enum PErr {
    Fail,
    Budget,
}

impl From<Exceeded> for PErr {
    fn from(_: Exceeded) -> PErr {
        PErr::Budget
    }
}

type PR<T> = Result<T, PErr>;

struct Parser<'a> {
    toks: Vec<Tok>,
    pos: usize,
    abs_depth: u32,
    depth: u32,
    nodes: u32,
    budget: &'a mut Budget,
}

fn bx(e: Expr) -> Box<Expr> {
    Box::new(e)
}

impl<'a> Parser<'a> {
    fn is_sym(&self, v: u8) -> bool {
        matches!(self.toks.get(self.pos), Some(Tok::Sym(c)) if *c == v)
    }
    fn is_cmd(&self, v: &[u8]) -> bool {
        matches!(self.toks.get(self.pos), Some(Tok::Cmd(c)) if &c[..] == v)
    }
    fn expect(&mut self, v: u8) -> PR<()> {
        if !self.is_sym(v) {
            return Err(PErr::Fail);
        }
        self.pos += 1;
        Ok(())
    }
    fn node(&mut self, e: Expr) -> PR<Expr> {
        self.budget.spend(1)?;
        self.nodes += 1;
        if self.nodes > MAX_NODES {
            return Err(PErr::Fail);
        }
        Ok(e)
    }
    fn expr(&mut self) -> PR<Expr> {
        let mut left = self.term()?;
        while self.is_sym(b'+') || self.is_sym(b'-') {
            let op = if self.is_sym(b'+') { Op::Add } else { Op::Sub };
            self.pos += 1;
            let right = self.term()?;
            left = self.node(Expr::Bin(op, bx(left), bx(right)))?;
        }
        Ok(left)
    }
    fn starts_primary(&self) -> bool {
        match self.toks.get(self.pos) {
            None => false,
            Some(Tok::Num(_)) | Some(Tok::Var(_)) => true,
            Some(Tok::Cmd(v)) => {
                &v[..] == b"frac"
                    || &v[..] == b"sqrt"
                    || &v[..] == b"pi"
                    || is_function(v)
                    || is_greek(v)
            }
            Some(Tok::Sym(c)) => {
                *c == b'(' || *c == b'{' || *c == b'[' || (*c == b'|' && self.abs_depth == 0)
            }
        }
    }
    fn term(&mut self) -> PR<Expr> {
        let mut left = self.factor()?;
        loop {
            if self.is_sym(b'*') || self.is_cmd(b"cdot") || self.is_cmd(b"times") {
                self.pos += 1;
                let f = self.factor()?;
                left = self.node(Expr::Bin(Op::Mul, bx(left), bx(f)))?;
            } else if self.is_sym(b'/') || self.is_cmd(b"div") {
                self.pos += 1;
                let f = self.factor()?;
                left = self.node(Expr::Bin(Op::Div, bx(left), bx(f)))?;
            } else if self.starts_primary() {
                let f = self.power()?;
                left = self.node(Expr::Bin(Op::Mul, bx(left), bx(f)))?;
            } else {
                return Ok(left);
            }
        }
    }
    fn factor(&mut self) -> PR<Expr> {
        let mut negate = false;
        while self.is_sym(b'-') || self.is_sym(b'+') {
            if self.is_sym(b'-') {
                negate = !negate;
            }
            self.pos += 1;
        }
        let e = self.power()?;
        if negate {
            self.node(Expr::Unary(Un::Neg, bx(e)))
        } else {
            Ok(e)
        }
    }
    fn exponent(&mut self) -> PR<Expr> {
        if self.is_sym(b'{') {
            self.pos += 1;
            let e = self.expr()?;
            self.expect(b'}')?;
            return Ok(e);
        }
        if self.is_sym(b'-') {
            self.pos += 1;
            let p = self.primary()?;
            return self.node(Expr::Unary(Un::Neg, bx(p)));
        }
        if let Some(Tok::Num(v)) = self.toks.get(self.pos) {
            if v.len() > 1 && !v.contains(&b'.') {
                let first = vec![v[0]];
                let rest = v[1..].to_vec();
                self.toks[self.pos] = Tok::Num(rest);
                return self.node(Expr::Num(first));
            }
        }
        self.primary()
    }
    fn power(&mut self) -> PR<Expr> {
        let p = self.primary()?;
        let mut base = self.postfix(p)?;
        if self.is_sym(b'^') {
            self.pos += 1;
            let e = self.exponent()?;
            let n = self.node(Expr::Bin(Op::Pow, bx(base), bx(e)))?;
            base = self.postfix(n)?;
        }
        Ok(base)
    }
    fn postfix(&mut self, e: Expr) -> PR<Expr> {
        let mut out = e;
        while self.is_sym(b'!') || self.is_sym(b'%') {
            let op = if self.is_sym(b'!') { Un::Fact } else { Un::Pct };
            out = self.node(Expr::Unary(op, bx(out)))?;
            self.pos += 1;
        }
        Ok(out)
    }
    fn group(&mut self) -> PR<Expr> {
        if self.is_sym(b'{') {
            self.pos += 1;
            let e = self.expr()?;
            self.expect(b'}')?;
            return Ok(e);
        }
        self.primary()
    }
    fn primary(&mut self) -> PR<Expr> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(PErr::Fail);
        }
        let e = self.primary_inner()?;
        self.depth -= 1;
        Ok(e)
    }
    fn primary_inner(&mut self) -> PR<Expr> {
        let t = match self.toks.get(self.pos) {
            None => return Err(PErr::Fail),
            Some(t) => t.clone(),
        };
        self.pos += 1;
        match t {
            Tok::Num(v) => {
                let n = self.node(Expr::Num(v.clone()))?;
                if !v.contains(&b'.') && self.is_cmd(b"frac") {
                    let save = self.pos;
                    self.pos += 1;
                    let frac = self.frac_body()?;
                    let mixed = match &frac {
                        Expr::Bin(Op::Div, a, b) => {
                            matches!(**a, Expr::Num(_)) && matches!(**b, Expr::Num(_))
                        }
                        _ => false,
                    };
                    if mixed {
                        return self.node(Expr::Bin(Op::Add, bx(n), bx(frac)));
                    }
                    self.pos = save;
                }
                Ok(n)
            }
            Tok::Var(v) => {
                if &v[..] == b"e" {
                    self.node(Expr::E)
                } else {
                    self.node(Expr::Var(v))
                }
            }
            Tok::Cmd(v) => {
                if &v[..] == b"frac" {
                    return self.frac_body();
                }
                if &v[..] == b"pi" {
                    return self.node(Expr::Pi);
                }
                if is_greek(&v) {
                    let mut name = b"\\".to_vec();
                    name.extend_from_slice(&v);
                    return self.node(Expr::Var(name));
                }
                if &v[..] == b"sqrt" {
                    let mut n = Expr::Num(b"2".to_vec());
                    if self.is_sym(b'[') {
                        self.pos += 1;
                        n = self.expr()?;
                        self.expect(b']')?;
                    }
                    let a = self.group()?;
                    return self.node(Expr::Root(bx(n), bx(a)));
                }
                if is_function(&v) {
                    return self.func(v);
                }
                Err(PErr::Fail)
            }
            Tok::Sym(c) => {
                if c == b'(' || c == b'[' || c == b'{' {
                    let close = if c == b'(' {
                        b')'
                    } else if c == b'[' {
                        b']'
                    } else {
                        b'}'
                    };
                    let e = self.expr()?;
                    self.expect(close)?;
                    return Ok(e);
                }
                if c == b'|' {
                    self.abs_depth += 1;
                    let e = self.expr()?;
                    self.abs_depth -= 1;
                    self.expect(b'|')?;
                    return self.node(Expr::Unary(Un::Abs, bx(e)));
                }
                Err(PErr::Fail)
            }
        }
    }
    fn frac_body(&mut self) -> PR<Expr> {
        let num = self.group()?;
        let den = self.group()?;
        self.node(Expr::Bin(Op::Div, bx(num), bx(den)))
    }
    fn func(&mut self, name: Vec<u8>) -> PR<Expr> {
        let mut power = None;
        if self.is_sym(b'^') {
            self.pos += 1;
            power = Some(self.exponent()?);
        }
        let arg = if self.is_sym(b'(') || self.is_sym(b'{') {
            self.primary()?
        } else {
            self.power()?
        };
        let e = self.node(Expr::Func(name, bx(arg)))?;
        match power {
            None => Ok(e),
            Some(p) => self.node(Expr::Bin(Op::Pow, bx(e), bx(p))),
        }
    }
}

/// Parses an answer expression; Ok(None) when it is not a single expression.
pub fn parse_expression(s: &[u8], budget: &mut Budget) -> Result<Option<Expr>, Exceeded> {
    let toks = match tokenize(s, budget)? {
        None => return Ok(None),
        Some(t) => t,
    };
    if toks.is_empty() {
        return Ok(None);
    }
    let n = toks.len();
    let mut p = Parser {
        toks,
        pos: 0,
        abs_depth: 0,
        depth: 0,
        nodes: 0,
        budget,
    };
    match p.expr() {
        Ok(e) => Ok(if p.pos == n { Some(e) } else { None }),
        Err(PErr::Fail) => Ok(None),
        Err(PErr::Budget) => Err(Exceeded),
    }
}

fn collect_vars(e: &Expr, out: &mut BTreeSet<Vec<u8>>) {
    match e {
        Expr::Var(n) => {
            out.insert(n.clone());
        }
        Expr::Num(_) | Expr::Pi | Expr::E => {}
        Expr::Bin(_, a, b) | Expr::Root(a, b) => {
            collect_vars(a, out);
            collect_vars(b, out);
        }
        Expr::Unary(_, a) | Expr::Func(_, a) => collect_vars(a, out),
    }
}

/// Sorted union of the variable names of two expressions.
pub fn union_vars(a: &Expr, b: &Expr) -> Vec<Vec<u8>> {
    let mut set = BTreeSet::new();
    collect_vars(a, &mut set);
    collect_vars(b, &mut set);
    set.into_iter().collect()
}

/// Whether the expression has a variable.
pub fn has_variable(e: &Expr) -> bool {
    match e {
        Expr::Var(_) => true,
        Expr::Num(_) | Expr::Pi | Expr::E => false,
        Expr::Bin(_, a, b) | Expr::Root(a, b) => has_variable(a) || has_variable(b),
        Expr::Unary(_, a) | Expr::Func(_, a) => has_variable(a),
    }
}

fn parse_f64(t: &[u8]) -> f64 {
    std::str::from_utf8(t)
        .ok()
        .and_then(|s| s.parse::<f64>().ok())
        .unwrap_or(f64::NAN)
}

fn factorial_f(n: f64) -> f64 {
    let mut r = 1.0;
    let mut i = 2.0;
    while i <= n {
        r *= i;
        i += 1.0;
    }
    r
}

fn apply_function(name: &[u8], x: f64) -> f64 {
    match name {
        b"sin" => x.sin(),
        b"cos" => x.cos(),
        b"tan" => x.tan(),
        b"cot" => 1.0 / x.tan(),
        b"sec" => 1.0 / x.cos(),
        b"csc" => 1.0 / x.sin(),
        b"ln" | b"log" => x.ln(),
        b"exp" => x.exp(),
        b"arcsin" => x.asin(),
        b"arccos" => x.acos(),
        b"arctan" => x.atan(),
        b"sinh" => x.sinh(),
        b"cosh" => x.cosh(),
        _ => x.tanh(),
    }
}

pub type Env = BTreeMap<Vec<u8>, f64>;

/// Float evaluation; NaN when any step leaves the finite reals.
pub fn eval_float(e: &Expr, env: &Env, budget: &mut Budget) -> Result<f64, Exceeded> {
    budget.spend(1)?;
    let v = match e {
        Expr::Num(t) => parse_f64(t),
        Expr::Var(n) => *env.get(n).unwrap_or(&f64::NAN),
        Expr::Pi => std::f64::consts::PI,
        Expr::E => std::f64::consts::E,
        Expr::Bin(op, a, b) => {
            let x = eval_float(a, env, budget)?;
            let y = eval_float(b, env, budget)?;
            match op {
                Op::Add => x + y,
                Op::Sub => x - y,
                Op::Mul => x * y,
                Op::Div => x / y,
                Op::Pow => {
                    if x.is_nan() || y.is_nan() {
                        f64::NAN
                    } else {
                        x.powf(y)
                    }
                }
            }
        }
        Expr::Unary(op, a) => {
            let x = eval_float(a, env, budget)?;
            match op {
                Un::Neg => -x,
                Un::Pct => x / 100.0,
                Un::Abs => x.abs(),
                Un::Fact => {
                    if x >= 0.0 && x <= 170.0 && x.floor() == x {
                        factorial_f(x)
                    } else {
                        f64::NAN
                    }
                }
            }
        }
        Expr::Root(n, a) => {
            let n = eval_float(n, env, budget)?;
            let x = eval_float(a, env, budget)?;
            if n.is_nan() || x.is_nan() {
                f64::NAN
            } else if n == 2.0 {
                x.sqrt()
            } else if x < 0.0 && n.floor() == n && n % 2.0 == 1.0 {
                -(-x).powf(1.0 / n)
            } else {
                x.powf(1.0 / n)
            }
        }
        Expr::Func(name, a) => {
            let x = eval_float(a, env, budget)?;
            apply_function(name, x)
        }
    };
    Ok(if v.is_finite() { v } else { f64::NAN })
}

/// An exact rational num/den with den > 0 (not necessarily reduced).
#[derive(Clone, Debug)]
pub struct Rational {
    pub num: BigInt,
    pub den: BigInt,
}

const MAX_HEX: usize = 1024;

fn checked(r: Rational, budget: &mut Budget) -> Result<Option<Rational>, Exceeded> {
    let hn = r.num.hex_digits();
    let hd = r.den.hex_digits();
    budget.spend(1 + ((hn + hd) >> 3) as i64)?;
    if hn > MAX_HEX || hd > MAX_HEX {
        return Ok(None);
    }
    Ok(Some(r))
}

fn parse_decimal(text: &[u8]) -> Rational {
    match text.iter().position(|&c| c == b'.') {
        None => Rational {
            num: BigInt::parse_digits(text),
            den: BigInt::from_u64(1),
        },
        Some(dot) => {
            let mut digits = text[..dot].to_vec();
            digits.extend_from_slice(&text[dot + 1..]);
            let frac_len = (text.len() - dot - 1) as u64;
            Rational {
                num: BigInt::parse_digits(&digits),
                den: BigInt::from_u64(10).pow(frac_len),
            }
        }
    }
}

type ER = Result<Option<Rational>, Exceeded>;

/// Exact evaluation; Ok(None) when the value is not a (small enough) rational.
pub fn eval_exact(e: &Expr, budget: &mut Budget) -> ER {
    budget.spend(1)?;
    match e {
        Expr::Num(t) => checked(parse_decimal(t), budget),
        Expr::Unary(Un::Neg, a) => Ok(eval_exact(a, budget)?.map(|r| Rational {
            num: r.num.neg(),
            den: r.den,
        })),
        Expr::Unary(Un::Abs, a) => Ok(eval_exact(a, budget)?.map(|r| Rational {
            num: r.num.abs(),
            den: r.den,
        })),
        Expr::Unary(Un::Pct, a) => match eval_exact(a, budget)? {
            None => Ok(None),
            Some(r) => checked(
                Rational {
                    num: r.num,
                    den: r.den.mul(&BigInt::from_u64(100)),
                },
                budget,
            ),
        },
        Expr::Bin(op, a, b) => {
            let x = match eval_exact(a, budget)? {
                None => return Ok(None),
                Some(x) => x,
            };
            let y = match eval_exact(b, budget)? {
                None => return Ok(None),
                Some(y) => y,
            };
            match op {
                Op::Add | Op::Sub => {
                    let bn = if *op == Op::Add {
                        y.num.clone()
                    } else {
                        y.num.neg()
                    };
                    checked(
                        Rational {
                            num: x.num.mul(&y.den).add(&bn.mul(&x.den)),
                            den: x.den.mul(&y.den),
                        },
                        budget,
                    )
                }
                Op::Mul => checked(
                    Rational {
                        num: x.num.mul(&y.num),
                        den: x.den.mul(&y.den),
                    },
                    budget,
                ),
                Op::Div => {
                    if y.num.is_zero() {
                        return Ok(None);
                    }
                    let neg = y.num.is_neg();
                    let num = x.num.mul(&y.den);
                    let den = x.den.mul(&y.num);
                    if neg {
                        checked(
                            Rational {
                                num: num.neg(),
                                den: den.neg(),
                            },
                            budget,
                        )
                    } else {
                        checked(Rational { num, den }, budget)
                    }
                }
                Op::Pow => {
                    if !y.den.is_one() {
                        return Ok(None);
                    }
                    let n = match y.num.abs().to_u64() {
                        Some(n) if n <= 4096 => n,
                        _ => return Ok(None),
                    };
                    let size = x.num.hex_digits().max(x.den.hex_digits()) as u64;
                    if size * n > (MAX_HEX + 1) as u64 {
                        return Ok(None);
                    }
                    if y.num.is_neg() && x.num.is_zero() {
                        return Ok(None);
                    }
                    let mut num = x.num.pow(n);
                    let mut den = x.den.pow(n);
                    if y.num.is_neg() {
                        if num.is_neg() {
                            let t = num;
                            num = den.neg();
                            den = t.neg();
                        } else {
                            std::mem::swap(&mut num, &mut den);
                        }
                    }
                    checked(Rational { num, den }, budget)
                }
            }
        }
        Expr::Unary(Un::Fact, a) => {
            let x = match eval_exact(a, budget)? {
                None => return Ok(None),
                Some(x) => x,
            };
            if !x.den.is_one() || x.num.is_neg() {
                return Ok(None);
            }
            let n = match x.num.to_u64() {
                Some(n) if n <= 300 => n,
                _ => return Ok(None),
            };
            let mut r = BigInt::from_u64(1);
            for i in 2..=n {
                r = r.mul(&BigInt::from_u64(i));
            }
            checked(
                Rational {
                    num: r,
                    den: BigInt::from_u64(1),
                },
                budget,
            )
        }
        _ => Ok(None),
    }
}

pub fn rational_equal(a: &Rational, b: &Rational) -> bool {
    a.num.mul(&b.den) == b.num.mul(&a.den)
}
