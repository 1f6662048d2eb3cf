//! The CI fuzz smoke, as ordinary tests: for a few seconds per target, inputs mutated from the committed seeds,
//! regressions and recorded Terraform JSON go through the same property the cargo-fuzz target checks.
//!
//! It replaces running the libFuzzer targets for ten seconds each in CI, which spent about six minutes building
//! the instrumented targets for fifty seconds of fuzzing. This smoke has no coverage guidance and no sanitizer, so
//! it finds less per second; it only has to catch a change that breaks a property on inputs near the known ones.
//! The long, coverage-guided run stays in `scripts/fuzz`.
//!
//! `AGENTLAB_FUZZ_SMOKE_SECONDS` sets the seconds per target (default 10; 0 mutates nothing), and
//! `AGENTLAB_FUZZ_SMOKE_SEED` replays a run (each run prints its seed). A breaking input is written to
//! `target/tmp/fuzz-smoke/TARGET/` and the test fails naming it; once fixed, commit it under
//! `fuzz/regressions/TARGET/`.

use std::path::PathBuf;
use std::time::{Duration, Instant};

/// Inputs longer than this are cut: the properties' cost grows with the input, and nearness to the seeds is the
/// point.
const MAX_INPUT_BYTES: usize = 64 * 1024;

/// Pieces of the formats the targets read, inserted whole: one byte flip rarely makes a new JSON key or a secret.
const TOKENS: &[&[u8]] = &[
    b"\"",
    b"{",
    b"}",
    b"[",
    b"]",
    b":",
    b",",
    b"null",
    b"true",
    b"false",
    b"-0",
    b"1e999",
    b"18446744073709551616",
    b"\\u0000",
    b"\\ud800",
    b"\\\"",
    b"\n",
    b"\r\n",
    b"\xff",
    b"\xc3",
    b"\xe2\x80\x8d",
    b" = ",
    b"[[project]]\nname = \"p\"\ndir = \".\"\n",
    b"[llm]\n",
    b"\"sensitive\":true",
    b"\"sensitive\":false",
    b"\"after_unknown\":{}",
    b"\"type\":\"diagnostic\"",
    b"\"type\":\"outputs\"",
    b"\"@message\":\"",
    b"\"evidence\":[\"E9\"]",
    b"\"confidence\":1.5",
    b"```json\n",
    b"sk-ant-",
    b"ghp_",
    b"PVEAPIToken=",
    b"Authorization: Bearer ",
    b"://user:",
    b"@",
    b"!",
];

/// splitmix64: small, fast and the same on every machine, so a printed seed replays the run.
struct Mutator {
    state: u64,
}

impl Mutator {
    fn new(seed: u64) -> Self {
        Self { state: seed }
    }

    fn next(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..bound` (`bound` > 0).
    fn below(&mut self, bound: usize) -> usize {
        (self.next() % bound as u64) as usize
    }

    /// One input: a corpus entry with one to four mutations stacked.
    fn mutate(&mut self, corpus: &[Vec<u8>]) -> Vec<u8> {
        let mut data = corpus[self.below(corpus.len())].clone();
        for _ in 0..=self.below(4) {
            self.mutate_once(&mut data, corpus);
        }
        data.truncate(MAX_INPUT_BYTES);
        data
    }

    fn mutate_once(&mut self, data: &mut Vec<u8>, corpus: &[Vec<u8>]) {
        let position = self.below(data.len() + 1);
        match self.below(7) {
            0 if !data.is_empty() => {
                let at = position.min(data.len() - 1);
                data[at] ^= 1 << self.below(8);
            }
            1 if !data.is_empty() => {
                let at = position.min(data.len() - 1);
                data[at] = self.next() as u8;
            }
            2 => {
                let token = TOKENS[self.below(TOKENS.len())];
                data.splice(position..position, token.iter().copied());
            }
            3 => {
                let end = (position + 1 + self.below(16)).min(data.len());
                data.drain(position..end);
            }
            4 if !data.is_empty() => {
                let start = self.below(data.len());
                let end = (start + 1 + self.below(64)).min(data.len());
                let copy = data[start..end].to_vec();
                data.splice(position..position, copy);
            }
            5 => {
                // Splice: this input up to `position`, another one from a point of its own.
                let other = &corpus[self.below(corpus.len())];
                let from = self.below(other.len() + 1);
                data.truncate(position);
                data.extend_from_slice(&other[from..]);
            }
            _ => {
                let random: Vec<u8> = (0..=self.below(8)).map(|_| self.next() as u8).collect();
                data.splice(position..position, random);
            }
        }
    }
}

/// `AGENTLAB_FUZZ_SMOKE_SECONDS` (default 10).
fn seconds_per_target() -> u64 {
    match std::env::var("AGENTLAB_FUZZ_SMOKE_SECONDS") {
        Ok(value) => value.trim().parse().unwrap_or_else(|_| {
            panic!("AGENTLAB_FUZZ_SMOKE_SECONDS must be a number of seconds, not {value:?}")
        }),
        Err(_) => 10,
    }
}

/// `AGENTLAB_FUZZ_SMOKE_SEED`, else one from the clock: each CI run explores other inputs.
fn run_seed(target: &str) -> u64 {
    if let Ok(value) = std::env::var("AGENTLAB_FUZZ_SMOKE_SEED") {
        return value.trim().parse().unwrap_or_else(|_| {
            panic!("AGENTLAB_FUZZ_SMOKE_SEED must be a number, not {value:?}")
        });
    }
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|elapsed| elapsed.as_nanos() as u64)
        .unwrap_or_default();
    // Targets started in the same nanosecond still get different streams.
    target
        .bytes()
        .fold(nanos, |seed, byte| seed.rotate_left(5) ^ u64::from(byte))
}

/// What one smoke did.
#[derive(Debug)]
struct SmokeRun {
    inputs: u64,
    /// The first input that broke the property, and where it was saved.
    finding: Option<PathBuf>,
}

/// Mutates `corpus` for `budget` (at most `max_inputs` inputs), checking each input with `check`; stops at the
/// first input that breaks the property and saves it under `findings`.
fn smoke(
    corpus: &[Vec<u8>],
    check: fn(&[u8]),
    seed: u64,
    budget: Duration,
    max_inputs: u64,
    findings: &std::path::Path,
) -> SmokeRun {
    let mut mutator = Mutator::new(seed);
    let started = Instant::now();
    let mut inputs = 0;
    while inputs < max_inputs && started.elapsed() < budget {
        let input = mutator.mutate(corpus);
        inputs += 1;
        if std::panic::catch_unwind(|| check(&input)).is_err() {
            std::fs::create_dir_all(findings).unwrap();
            let path = findings.join(format!("seed-{seed}-input-{inputs}"));
            std::fs::write(&path, &input).unwrap();
            return SmokeRun {
                inputs,
                finding: Some(path),
            };
        }
    }
    SmokeRun {
        inputs,
        finding: None,
    }
}

/// The smoke of one target over its seeds, regressions and `extra_folders`.
fn smoke_target(target: &str, extra_folders: &[&str], check: fn(&[u8])) {
    let corpus: Vec<Vec<u8>> = super::inputs(target, extra_folders)
        .iter()
        .map(|file| std::fs::read(file).unwrap())
        .collect();
    assert!(!corpus.is_empty(), "{target}: no seeds to mutate");
    let seed = run_seed(target);
    let budget = Duration::from_secs(seconds_per_target());
    let findings = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join("fuzz-smoke")
        .join(target);
    let started = Instant::now();
    let run = smoke(&corpus, check, seed, budget, u64::MAX, &findings);
    eprintln!(
        "{target}: {} mutated inputs in {:.1} s (AGENTLAB_FUZZ_SMOKE_SEED={seed})",
        run.inputs,
        started.elapsed().as_secs_f64()
    );
    if let Some(path) = run.finding {
        panic!(
            "{target}: input {} of the smoke breaks the property; it is saved at {} (replay with \
             AGENTLAB_FUZZ_SMOKE_SEED={seed}); once fixed, commit it under fuzz/regressions/{target}/",
            run.inputs,
            path.display()
        );
    }
}

#[test]
fn ui_line_keeps_its_property_on_mutated_inputs() {
    smoke_target(
        "ui_line",
        &["tests/fixtures/terraform-json"],
        super::ui_line::check,
    );
}

#[test]
fn plan_json_keeps_its_property_on_mutated_inputs() {
    smoke_target(
        "plan_json",
        &["tests/fixtures/terraform-json"],
        super::plan_json::check,
    );
}

#[test]
fn config_keeps_its_property_on_mutated_inputs() {
    smoke_target("config", &[], super::config::check);
}

#[test]
fn llm_answer_keeps_its_property_on_mutated_inputs() {
    smoke_target("llm_answer", &[], super::llm_answer::check);
}

#[test]
fn redactor_keeps_its_property_on_mutated_inputs() {
    smoke_target("redactor", &[], super::redactor::check);
}

/// The smoke itself: the same seed gives the same inputs, mutations reach past the seeds, and a property that
/// breaks is reported with its input saved.
#[test]
fn the_smoke_replays_by_seed_and_saves_the_input_that_breaks_a_property() {
    let corpus = vec![b"{\"a\": [1, 2]}".to_vec(), b"plain text".to_vec()];
    let first: Vec<Vec<u8>> = {
        let mut mutator = Mutator::new(7);
        (0..200).map(|_| mutator.mutate(&corpus)).collect()
    };
    let again: Vec<Vec<u8>> = {
        let mut mutator = Mutator::new(7);
        (0..200).map(|_| mutator.mutate(&corpus)).collect()
    };
    assert_eq!(first, again, "a seed replays its inputs");
    assert!(
        first.iter().filter(|input| !corpus.contains(input)).count() > 150,
        "most inputs differ from the seeds"
    );

    fn no_closing_brace_without_an_opening_one(data: &[u8]) {
        assert!(
            !data.contains(&b'}') || data.contains(&b'{'),
            "a brace closes nothing"
        );
    }
    let findings = tempfile::tempdir().unwrap();
    let run = smoke(
        &corpus,
        no_closing_brace_without_an_opening_one,
        7,
        Duration::from_secs(30),
        100_000,
        findings.path(),
    );
    let saved = run.finding.expect("mutations break the toy property");
    let input = std::fs::read(&saved).unwrap();
    assert!(input.contains(&b'}') && !input.contains(&b'{'), "{input:?}");

    let fine = smoke(
        &corpus,
        |_| {},
        7,
        Duration::from_secs(30),
        500,
        findings.path(),
    );
    assert_eq!(fine.inputs, 500);
    assert!(fine.finding.is_none());
}
