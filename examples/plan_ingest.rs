//! Reads one `terraform show -json PLANFILE` document and renders the budgeted PR comment from it, the way a plan
//! run does: the whole-process figure of `scripts/bench` (wall time with hyperfine, peak memory with
//! `/usr/bin/time -v`, and the peak of the heap from a counting allocator).
//!
//! Usage: `plan_ingest PLAN.json` (or `-` for standard input). The document is read as it streams, as the
//! Terraform agent reads `show -json` from Terraform's stdout pipe: it is never held whole. Prints one line: bytes
//! read, changed resources, comment characters, the milliseconds spent reading, parsing and rendering, and the
//! peak of heap bytes allocated at once.

#[path = "../benches/support/mod.rs"]
mod support;

use std::alloc::{GlobalAlloc, Layout, System};
use std::io::Read;
use std::process::ExitCode;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::time::Instant;

/// The system allocator, counting the bytes allocated now and at most.
struct CountingAllocator;

static ALLOCATED: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

// SAFETY: every call is passed on to the system allocator unchanged; only counters are updated next to it.
unsafe impl GlobalAlloc for CountingAllocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: the caller's contract is the system allocator's.
        let pointer = unsafe { System.alloc(layout) };
        if !pointer.is_null() {
            let now = ALLOCATED.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
            PEAK.fetch_max(now, Ordering::Relaxed);
        }
        pointer
    }

    unsafe fn dealloc(&self, pointer: *mut u8, layout: Layout) {
        // SAFETY: as above.
        unsafe { System.dealloc(pointer, layout) };
        ALLOCATED.fetch_sub(layout.size(), Ordering::Relaxed);
    }

    unsafe fn realloc(&self, pointer: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: as above.
        let moved = unsafe { System.realloc(pointer, layout, new_size) };
        if !moved.is_null() {
            if new_size >= layout.size() {
                let now = ALLOCATED.fetch_add(new_size - layout.size(), Ordering::Relaxed)
                    + (new_size - layout.size());
                PEAK.fetch_max(now, Ordering::Relaxed);
            } else {
                ALLOCATED.fetch_sub(layout.size() - new_size, Ordering::Relaxed);
            }
        }
        moved
    }
}

#[global_allocator]
static GLOBAL: CountingAllocator = CountingAllocator;

/// Counts the bytes that pass through it.
struct CountingReader<R> {
    inner: R,
    bytes: std::sync::Arc<AtomicU64>,
}

impl<R: Read> Read for CountingReader<R> {
    fn read(&mut self, buffer: &mut [u8]) -> std::io::Result<usize> {
        let read = self.inner.read(buffer)?;
        self.bytes.fetch_add(read as u64, Ordering::Relaxed);
        Ok(read)
    }
}

fn main() -> ExitCode {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: plan_ingest PLAN.json|-");
        return ExitCode::from(2);
    };
    let input: Box<dyn Read> = if path == "-" {
        Box::new(std::io::stdin().lock())
    } else {
        match std::fs::File::open(&path) {
            Ok(file) => Box::new(file),
            Err(error) => {
                eprintln!("plan_ingest: cannot read {path}: {error}");
                return ExitCode::from(2);
            }
        }
    };
    let bytes = std::sync::Arc::new(AtomicU64::new(0));
    let reader = CountingReader {
        inner: input,
        bytes: bytes.clone(),
    };
    let heap_before = ALLOCATED.load(Ordering::Relaxed);
    PEAK.store(heap_before, Ordering::Relaxed);
    let started = Instant::now();
    match support::ingest_plan_from_reader(reader) {
        Ok(ingested) => {
            let bytes = bytes.load(Ordering::Relaxed);
            let peak = PEAK.load(Ordering::Relaxed) - heap_before;
            println!(
                "bytes={} changes={} add={} comment_chars={} read_parse_render_ms={:.2} peak_heap_bytes={} peak_heap_per_json_byte={:.2}",
                bytes,
                ingested.changes,
                ingested.counts.add,
                ingested.comment.chars().count(),
                started.elapsed().as_secs_f64() * 1000.0,
                peak,
                peak as f64 / bytes.max(1) as f64
            );
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("plan_ingest: {error}");
            ExitCode::FAILURE
        }
    }
}
