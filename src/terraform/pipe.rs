//! A Terraform process whose stdout is one JSON document (`show -json`), read straight from the pipe.
//!
//! A plan's document is one line of megabytes. Collected into a String before parsing, it costs its whole size on
//! top of what is kept of it; read from the pipe, each resource change is reduced to its compact form as it
//! arrives and the text is never held. The parser is synchronous (serde_json over `std::io::Read`), so it runs on
//! a blocking thread that reads the pipe through the runtime, while this task reads stderr, waits for the process
//! and forwards cancellation exactly as `process::run_streaming` does. Whatever the parser leaves unread (it
//! stopped at an error) is drained, so Terraform never blocks on a full pipe.

use std::io::Read;

use tokio::io::AsyncReadExt;
use tokio::process::{ChildStdout, Command};
use tokio::runtime::Handle;

use super::process::{Cancellation, ProcessEnd, spawn_piped, watch_to_end};

/// The child's stdout as a blocking reader, for a blocking thread only.
struct BlockingPipe {
    stdout: ChildStdout,
    runtime: Handle,
}

impl Read for BlockingPipe {
    fn read(&mut self, buffer: &mut [u8]) -> std::io::Result<usize> {
        self.runtime.block_on(self.stdout.read(buffer))
    }
}

/// Runs `command` to the end: `read` gets its stdout as it streams and returns what it made of it; every stderr
/// line goes to `on_stderr_line`. The result of `read` is `None` when the process had no stdout or the reading
/// thread failed. Returns `Err` only when the process cannot be started or waited for.
pub async fn run_reading_document<T: Send + 'static>(
    command: Command,
    cancellation: &Cancellation,
    read: impl FnOnce(&mut dyn Read) -> T + Send + 'static,
    mut on_stderr_line: impl FnMut(String),
) -> std::io::Result<(ProcessEnd, Option<T>)> {
    let mut child = spawn_piped(command)?;
    let runtime = Handle::current();
    let reading = child.stdout.take().map(|stdout| {
        tokio::task::spawn_blocking(move || {
            let mut pipe = BlockingPipe { stdout, runtime };
            let made = read(&mut pipe);
            // What the reader left (it stopped at an error, or the document has trailing text) is drained.
            let _ = std::io::copy(&mut pipe, &mut std::io::sink());
            made
        })
    });
    // Stdout belongs to the reading thread: only stderr comes back as lines.
    let end = watch_to_end(&mut child, cancellation, None, |_, line| {
        on_stderr_line(line)
    })
    .await?;
    let made = match reading {
        Some(reading) => reading.await.ok(),
        None => None,
    };
    Ok((end, made))
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn run_shell(script: &str) -> (ProcessEnd, Option<String>, Vec<String>) {
        let mut command = Command::new("sh");
        command.args(["-c", script]);
        let mut stderr = Vec::new();
        let (end, read) = run_reading_document(
            command,
            &Cancellation::new(),
            |pipe| {
                // Reads only the first 5 bytes: the rest must be drained, or the writer would block.
                let mut head = [0u8; 5];
                pipe.read_exact(&mut head).ok();
                String::from_utf8_lossy(&head).into_owned()
            },
            |line| stderr.push(line),
        )
        .await
        .expect("sh runs");
        (end, read, stderr)
    }

    #[tokio::test]
    async fn the_reader_gets_stdout_and_what_it_leaves_is_drained() {
        // 4 MiB of stdout, far past a pipe's buffer: the process only ends if the rest is read.
        let (end, read, stderr) = run_shell(
            "printf '{\"a\"'; head -c 4194304 /dev/zero | tr '\\0' x; echo oops >&2; exit 3",
        )
        .await;
        assert_eq!(end.exit_code, Some(3));
        assert_eq!(read.as_deref(), Some("{\"a\"x"));
        assert_eq!(stderr, ["oops"]);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_plan_is_parsed_from_the_pipe() {
        let mut command = Command::new("cat");
        command.arg(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/terraform-json/120_basic.plan.json"
        ));
        let (end, plan) = run_reading_document(
            command,
            &Cancellation::new(),
            |pipe| super::super::plan::read_plan_json(pipe),
            |_| {},
        )
        .await
        .expect("cat runs");
        assert_eq!(end.exit_code, Some(0));
        let from_pipe = plan.expect("read").expect("a plan");
        let from_text = super::super::plan::parse_plan_json(include_str!(
            "../../tests/fixtures/terraform-json/120_basic.plan.json"
        ))
        .expect("a plan");
        assert_eq!(from_pipe, from_text);
    }
}
