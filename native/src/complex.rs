//! Complex values of constant expressions in `i` (twin of `scoring/answer/complex.ts`).

use crate::budget::{Budget, Exceeded};
use crate::expression::{eval_float, Env, Expr, Op, Un};

/// Real and imaginary parts.
pub type Complex = (f64, f64);

type CR = Result<Option<Complex>, Exceeded>;

const MAX_POWER: f64 = 1_000_000.0;

fn has_i(e: &Expr) -> bool {
    match e {
        Expr::Var(n) => &n[..] == b"i",
        Expr::Num(_) | Expr::Pi | Expr::E => false,
        Expr::Bin(_, a, b) | Expr::Root(a, b) => has_i(a) || has_i(b),
        Expr::Unary(_, a) | Expr::Func(_, a) => has_i(a),
    }
}

fn real(e: &Expr, budget: &mut Budget) -> CR {
    let v = eval_float(e, &Env::new(), budget)?;
    Ok(if v.is_nan() { None } else { Some((v, 0.0)) })
}

fn times(a: Complex, b: Complex) -> Complex {
    (a.0 * b.0 - a.1 * b.1, a.0 * b.1 + a.1 * b.0)
}

fn power(base: Complex, n: f64) -> Option<Complex> {
    if n.fract() != 0.0 || n.abs() > MAX_POWER {
        return if base.1 == 0.0 {
            Some((base.0.powf(n), 0.0))
        } else {
            None
        };
    }
    let mut r = (1.0, 0.0);
    let mut b = base;
    let mut k = n.abs() as u64;
    while k > 0 {
        if k % 2 == 1 {
            r = times(r, b);
        }
        b = times(b, b);
        k /= 2;
    }
    if n >= 0.0 {
        return Some(r);
    }
    let d = r.0 * r.0 + r.1 * r.1;
    if d == 0.0 {
        None
    } else {
        Some((r.0 / d, -r.1 / d))
    }
}

fn eval_node(e: &Expr, budget: &mut Budget) -> CR {
    if !has_i(e) {
        if let Some(r) = real(e, budget)? {
            return Ok(Some(r));
        }
    }
    Ok(match e {
        Expr::Var(_) => Some((0.0, 1.0)),
        Expr::Unary(Un::Neg, a) => eval_complex(a, budget)?.map(|a| (-a.0, -a.1)),
        Expr::Bin(Op::Pow, a, b) => {
            if has_i(b) {
                return Ok(None);
            }
            let base = match eval_complex(a, budget)? {
                None => return Ok(None),
                Some(x) => x,
            };
            let n = eval_float(b, &Env::new(), budget)?;
            if n.is_nan() {
                None
            } else {
                power(base, n)
            }
        }
        Expr::Bin(op, a, b) => {
            let a = match eval_complex(a, budget)? {
                None => return Ok(None),
                Some(x) => x,
            };
            let b = match eval_complex(b, budget)? {
                None => return Ok(None),
                Some(x) => x,
            };
            match op {
                Op::Add => Some((a.0 + b.0, a.1 + b.1)),
                Op::Sub => Some((a.0 - b.0, a.1 - b.1)),
                Op::Mul => Some(times(a, b)),
                _ => {
                    let d = b.0 * b.0 + b.1 * b.1;
                    if d == 0.0 {
                        None
                    } else {
                        Some(((a.0 * b.0 + a.1 * b.1) / d, (a.1 * b.0 - a.0 * b.1) / d))
                    }
                }
            }
        }
        Expr::Root(n, a) => {
            if has_i(n) {
                return Ok(None);
            }
            let n = eval_float(n, &Env::new(), budget)?;
            match eval_complex(a, budget)? {
                Some(x) if x.1 == 0.0 && n == 2.0 => Some(if x.0 < 0.0 {
                    (0.0, (-x.0).sqrt())
                } else {
                    (x.0.sqrt(), 0.0)
                }),
                _ => None,
            }
        }
        _ => None,
    })
}

/// The complex value of an expression whose only variable is `i`, or None.
pub fn eval_complex(e: &Expr, budget: &mut Budget) -> CR {
    budget.spend(1)?;
    Ok(eval_node(e, budget)?.filter(|v| v.0.is_finite() && v.1.is_finite()))
}

fn near(x: f64, y: f64) -> bool {
    (x - y).abs() <= 1e-9 * 1f64.max(x.abs()).max(y.abs())
}

/// Whether two complex values are equal up to rounding.
pub fn complex_equal(a: Complex, b: Complex) -> bool {
    near(a.0, b.0) && near(a.1, b.1)
}
