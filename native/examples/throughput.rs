//! Times the Rust grader alone (no FFI) on a `grade` JSONL file:
//! `cargo run --release --offline --example throughput -- FILE.jsonl [threads]`.

use std::time::Instant;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let path = args.get(1).expect("usage: throughput FILE.jsonl [threads]");
    let threads: usize = args
        .get(2)
        .map(|t| t.parse().expect("threads"))
        .unwrap_or(1);
    let data = std::fs::read(path).expect("cannot read the input file");
    let lines = data.iter().filter(|&&b| b == b'\n').count();
    for round in 0..3 {
        let t = Instant::now();
        let out = skyeval_native::jsonl::grade_jsonl(&data, threads);
        let s = t.elapsed().as_secs_f64();
        println!(
            "round {round}: {lines} lines in {:.3} s = {:.0} lines/s ({} output bytes)",
            s,
            lines as f64 / s,
            out.len()
        );
    }
}
