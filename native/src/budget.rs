//! The deterministic work budget (twin of `scoring/answer/budget.ts`).

pub const GRADE_BUDGET: i64 = 10_000;

#[derive(Debug)]
pub struct Exceeded;

pub struct Budget {
    pub left: i64,
}

impl Budget {
    pub fn new() -> Budget {
        Budget { left: GRADE_BUDGET }
    }
    pub fn spend(&mut self, units: i64) -> Result<(), Exceeded> {
        self.left -= units;
        if self.left < 0 {
            Err(Exceeded)
        } else {
            Ok(())
        }
    }
}
