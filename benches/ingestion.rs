//! Criterion benches of the two parsers on Terraform's output: a `show -json` plan parsed and rendered into the
//! budgeted PR comment (100, 1,000 and 10,000 resources), and the `-json` UI stream parsed line by line (events
//! per second). The inputs are synthesized in Terraform 1.0.3's documented shapes so the bench needs no Terraform;
//! `scripts/bench` measures the same path on plans made by the real Terraform.

#[path = "support/mod.rs"]
mod support;

use std::hint::black_box;
use std::io::BufReader;

use agentlab::terraform::plan::parse_plan_json;
use agentlab::terraform::ui::UiEventReader;
use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};

fn plan_ingestion(criterion: &mut Criterion) {
    let mut group = criterion.benchmark_group("plan_ingestion");
    group.sample_size(10);
    for resources in [100usize, 1_000, 10_000] {
        let json = support::synthetic_plan(resources);
        group.throughput(Throughput::Bytes(json.len() as u64));
        group.bench_with_input(
            BenchmarkId::new("parse", resources),
            &json,
            |bench, json| bench.iter(|| parse_plan_json(black_box(json)).expect("plan parses")),
        );
        group.bench_with_input(
            BenchmarkId::new("parse_and_render", resources),
            &json,
            |bench, json| {
                bench.iter(|| support::ingest_plan(black_box(json)).expect("plan parses"))
            },
        );
    }
    // Every resource with its own secret: what the sensitive-value bookkeeping and the redactor cost. (Not 10,000:
    // the redactor compares every string with every known secret, so that size takes minutes; see BENCHMARKS.md.)
    for resources in [100usize, 1_000] {
        let json = support::synthetic_plan_with_secrets(resources);
        group.throughput(Throughput::Bytes(json.len() as u64));
        group.bench_with_input(
            BenchmarkId::new("parse_and_render_with_secrets", resources),
            &json,
            |bench, json| {
                bench.iter(|| support::ingest_plan(black_box(json)).expect("plan parses"))
            },
        );
    }
    group.finish();
}

fn ui_stream(criterion: &mut Criterion) {
    let mut group = criterion.benchmark_group("ui_stream");
    let resources = 10_000;
    let stream = support::ui_stream(resources);
    let events = stream.lines().count() as u64;
    group.throughput(Throughput::Elements(events));
    group.bench_function(BenchmarkId::new("events", events), |bench| {
        bench.iter(|| {
            let reader = UiEventReader::new(BufReader::new(black_box(stream.as_bytes())));
            reader.fold(0usize, |events, event| {
                black_box(event.expect("event parses"));
                events + 1
            })
        })
    });
    group.finish();
}

criterion_group!(benches, plan_ingestion, ui_stream);
criterion_main!(benches);
