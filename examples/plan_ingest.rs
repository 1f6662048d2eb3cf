//! Reads one `terraform show -json PLANFILE` document and renders the budgeted PR comment from it, the way a plan
//! run does: the whole-process figure of `scripts/bench` (wall time with hyperfine, peak memory with
//! `/usr/bin/time -v`).
//!
//! Usage: `plan_ingest PLAN.json` (or `-` for standard input). Prints one line: bytes read, changed resources,
//! comment characters, and the milliseconds spent parsing and rendering (reading excluded).

#[path = "../benches/support/mod.rs"]
mod support;

use std::io::Read;
use std::process::ExitCode;
use std::time::Instant;

fn main() -> ExitCode {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: plan_ingest PLAN.json|-");
        return ExitCode::from(2);
    };
    // The Terraform agent collects `show -json` into one String before parsing it; so does this.
    let mut json = String::new();
    let read = if path == "-" {
        std::io::stdin().read_to_string(&mut json).map(|_| ())
    } else {
        std::fs::File::open(&path).and_then(|mut file| file.read_to_string(&mut json).map(|_| ()))
    };
    if let Err(error) = read {
        eprintln!("plan_ingest: cannot read {path}: {error}");
        return ExitCode::from(2);
    }
    let started = Instant::now();
    match support::ingest_plan(&json) {
        Ok(ingested) => {
            println!(
                "bytes={} changes={} add={} comment_chars={} parse_render_ms={:.2}",
                json.len(),
                ingested.changes,
                ingested.counts.add,
                ingested.comment.chars().count(),
                started.elapsed().as_secs_f64() * 1000.0
            );
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("plan_ingest: {error}");
            ExitCode::FAILURE
        }
    }
}
