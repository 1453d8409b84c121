use skyeval_native::grade::{grade_item, Format, Item, Verdict};

fn math(response: &str, gold: &str) -> Verdict {
    let item = Item {
        response: response.as_bytes(),
        gold: gold.as_bytes(),
        format: Format::Math,
        choices: vec![],
        truncated: false,
    };
    grade_item(&item).verdict
}

#[test]
fn grade_item_grades_boxed_fraction() {
    assert_eq!(math("so \\boxed{\\frac12}", "0.5"), Verdict::Correct);
}

#[test]
fn grade_item_survives_odd_markup() {
    assert_eq!(
        math("**</think>\\infty**\"***\\)\\)\n", "\\frac{1}{2}"),
        Verdict::NoAnswer
    );
}
