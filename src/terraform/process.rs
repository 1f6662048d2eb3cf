//! One Terraform process: spawn it, stream its output line by line, and stop it gracefully when asked.
//!
//! Terraform must be interrupted, not killed: on SIGINT it stops starting new operations, lets running ones finish,
//! writes the state and releases the state lock. A killed Terraform leaves the lock held, which someone then has to
//! `force-unlock` by hand. So the first cancellation request (SIGINT or SIGTERM to agentlab) is forwarded to
//! Terraform as SIGINT, and only a second one kills it. Terraform runs in its own process group and the SIGINT
//! goes to that group, as a terminal's Ctrl-C would; a Ctrl-C in agentlab's terminal thus reaches Terraform once
//! (through agentlab) rather than twice, which Terraform would take as "abort now".

use std::process::{ExitStatus, Stdio};
use std::sync::Arc;

use tokio::io::{AsyncBufReadExt, AsyncRead, BufReader};
use tokio::process::{Child, ChildStdout, Command};
use tokio::sync::watch;

/// Counts cancellation requests: the first asks Terraform to stop gracefully, the second kills it.
#[derive(Debug, Clone)]
pub struct Cancellation {
    requests: Arc<watch::Sender<u32>>,
}

impl Default for Cancellation {
    fn default() -> Self {
        Self::new()
    }
}

impl Cancellation {
    pub fn new() -> Self {
        Self {
            requests: Arc::new(watch::Sender::new(0)),
        }
    }

    /// Records one cancellation request, as one SIGINT or SIGTERM does.
    pub fn request(&self) {
        self.requests
            .send_modify(|count| *count = count.saturating_add(1));
    }

    /// How many cancellations were requested so far.
    pub fn requests(&self) -> u32 {
        *self.requests.borrow()
    }

    pub fn is_requested(&self) -> bool {
        self.requests() > 0
    }

    /// Resolves once a cancellation is requested (at once when one already was): what a wait selects on, so a
    /// SIGTERM ends it at once.
    pub async fn requested(&self) {
        let mut requests = self.subscribe();
        // The sender lives in `self`, so the wait can only end with a request.
        let _ = requests.wait_for(|count| *count > 0).await;
    }

    pub(super) fn subscribe(&self) -> watch::Receiver<u32> {
        self.requests.subscribe()
    }

    /// Turns every SIGINT and SIGTERM this process receives into a cancellation request, for as long as the
    /// process lives. Must be called inside a tokio runtime.
    pub fn forward_process_signals(&self) -> std::io::Result<()> {
        use tokio::signal::unix::{SignalKind, signal};
        for kind in [SignalKind::interrupt(), SignalKind::terminate()] {
            let mut stream = signal(kind)?;
            let cancellation = self.clone();
            tokio::spawn(async move {
                while stream.recv().await.is_some() {
                    tracing::warn!(
                        requests = cancellation.requests() + 1,
                        "signal received: asking terraform to stop (a second signal kills it)"
                    );
                    cancellation.request();
                }
            });
        }
        Ok(())
    }
}

/// How a Terraform process ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProcessEnd {
    /// The exit code; `None` when a signal ended the process.
    pub exit_code: Option<i32>,
    /// True when a cancellation request arrived while the process ran.
    pub cancelled: bool,
    /// True when it took a second request, and Terraform was killed rather than stopped.
    pub killed: bool,
}

/// How long one line of stdout may be. stderr lines are always cut at [`MAX_STREAM_LINE_BYTES`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineLength {
    /// Kept whole: stdout that is one JSON document (`show -json`), which can be large.
    Whole,
    /// Cut after this many bytes; the rest of the line is read and dropped, so a binary that prints megabytes
    /// without a newline cannot make agentlab hold them.
    AtMost(usize),
}

/// The longest line kept from a stream that is not one document: far longer than any Terraform UI event.
pub const MAX_STREAM_LINE_BYTES: usize = 1024 * 1024;

/// Which stream a line came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutputStream {
    Stdout,
    Stderr,
}

/// Runs `command` to the end, handing every output line (without its newline) to `on_line` as it arrives, and
/// forwarding cancellation requests as described in the module documentation.
///
/// Returns `Err` only when the process cannot be started or waited for.
pub async fn run_streaming(
    command: Command,
    cancellation: &Cancellation,
    stdout_lines: LineLength,
    on_line: impl FnMut(OutputStream, String),
) -> std::io::Result<ProcessEnd> {
    let mut child = spawn_piped(command)?;
    let stdout_limit = match stdout_lines {
        LineLength::Whole => None,
        LineLength::AtMost(bytes) => Some(bytes),
    };
    let stdout = child
        .stdout
        .take()
        .map(|reader| LineReader::new(reader, stdout_limit));
    watch_to_end(&mut child, cancellation, stdout, on_line).await
}

/// Spawns `command` with stdin closed and both outputs piped, in a process group of its own (so a signal reaches
/// Terraform's providers too), killed if agentlab drops it.
pub(super) fn spawn_piped(mut command: Command) -> std::io::Result<Child> {
    command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .process_group(0);
    command.spawn()
}

/// Watches `child` to its end: every line of `stdout` (when given) and of its stderr goes to `on_line` as it
/// arrives, and cancellation requests are forwarded as the module documentation describes.
pub(super) async fn watch_to_end(
    child: &mut Child,
    cancellation: &Cancellation,
    mut stdout: Option<LineReader<ChildStdout>>,
    mut on_line: impl FnMut(OutputStream, String),
) -> std::io::Result<ProcessEnd> {
    let pid = child.id();
    let mut stderr = child
        .stderr
        .take()
        .map(|reader| LineReader::new(reader, Some(MAX_STREAM_LINE_BYTES)));
    let mut requests = cancellation.subscribe();
    let mut forwarded = 0u32;
    let mut status: Option<ExitStatus> = None;
    let mut end = ProcessEnd {
        exit_code: None,
        cancelled: false,
        killed: false,
    };

    // A request that came before the process started still counts.
    let already = *requests.borrow_and_update();
    if already > 0 {
        forward(pid, already, &mut forwarded, &mut end);
    }

    while status.is_none() || stdout.is_some() || stderr.is_some() {
        tokio::select! {
            line = next_line(&mut stdout), if stdout.is_some() => match line {
                Some(line) => on_line(OutputStream::Stdout, line),
                None => stdout = None,
            },
            line = next_line(&mut stderr), if stderr.is_some() => match line {
                Some(line) => on_line(OutputStream::Stderr, line),
                None => stderr = None,
            },
            exited = child.wait(), if status.is_none() => status = Some(exited?),
            changed = requests.changed(), if status.is_none() => match changed {
                Ok(()) => {
                    let count = *requests.borrow_and_update();
                    forward(pid, count, &mut forwarded, &mut end);
                }
                // The sender lives as long as any Cancellation clone; gone means nobody can cancel any more.
                Err(_) => requests = watch::channel(0).1,
            },
        }
    }
    end.exit_code = status.and_then(|status| status.code());
    Ok(end)
}

/// Reads lines as bytes, so that output which is not UTF-8 (a provider's log on stderr) is shown with
/// replacement characters instead of ending the stream: a stream nobody reads fills its pipe and blocks Terraform.
/// A line longer than the limit is cut, and marked so.
pub(super) struct LineReader<R> {
    reader: BufReader<R>,
    /// The line so far. Kept across calls, and only ever changed together with consuming what was read, which is
    /// what makes reading cancel-safe inside `select!`.
    pending: Vec<u8>,
    /// Bytes of one line kept; `None`: all.
    limit: Option<usize>,
    /// The current line was longer than `limit`.
    cut: bool,
}

impl<R: AsyncRead + Unpin> LineReader<R> {
    pub(super) fn new(reader: R, limit: Option<usize>) -> Self {
        Self {
            reader: BufReader::new(reader),
            pending: Vec::new(),
            limit,
            cut: false,
        }
    }

    /// The next line without its line ending; `None` at the end of the stream or when reading fails (the exit
    /// status then tells what happened).
    async fn next_line(&mut self) -> Option<String> {
        loop {
            let available = match self.reader.fill_buf().await {
                Ok(available) => available,
                Err(error) if error.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(_) => return None,
            };
            if available.is_empty() {
                // The end of the stream: the unterminated last line, if any.
                if self.pending.is_empty() && !self.cut {
                    return None;
                }
                return Some(self.take_line());
            }
            let (content, used, ends_line) = match available.iter().position(|byte| *byte == b'\n')
            {
                Some(newline) => (&available[..newline], newline + 1, true),
                None => (available, available.len(), false),
            };
            let room = self.limit.map_or(content.len(), |limit| {
                limit.saturating_sub(self.pending.len())
            });
            if content.len() > room {
                self.cut = true;
            }
            self.pending
                .extend_from_slice(&content[..content.len().min(room)]);
            self.reader.consume(used);
            if ends_line {
                return Some(self.take_line());
            }
        }
    }

    fn take_line(&mut self) -> String {
        let mut line = std::mem::take(&mut self.pending);
        while line.last() == Some(&b'\r') {
            line.pop();
        }
        // Valid UTF-8 (all of Terraform's JSON) becomes the String without a copy; anything else is read lossily.
        let mut text = String::from_utf8(line)
            .unwrap_or_else(|invalid| String::from_utf8_lossy(invalid.as_bytes()).into_owned());
        if std::mem::take(&mut self.cut) {
            text.push_str(" [… line cut by agentlab]");
        }
        text
    }
}

async fn next_line<R: AsyncRead + Unpin>(reader: &mut Option<LineReader<R>>) -> Option<String> {
    match reader {
        Some(reader) => reader.next_line().await,
        None => None,
    }
}

/// Sends Terraform what the requests so far call for: SIGINT for the first, SIGKILL to its whole process group
/// (providers and provisioner commands included) from the second on.
fn forward(pid: Option<u32>, requests: u32, forwarded: &mut u32, end: &mut ProcessEnd) {
    if requests <= *forwarded {
        return;
    }
    end.cancelled = true;
    let Some(pid) = pid.and_then(|pid| i32::try_from(pid).ok()) else {
        return;
    };
    if *forwarded == 0 {
        tracing::info!(
            pid,
            "sending SIGINT to terraform so it can stop and release the state lock"
        );
        // To the whole process group, as a terminal's Ctrl-C would: terraform up to 1.1 runs as two processes
        // (a panicwrap parent that ignores SIGINT, and the real terraform as its child), and provider plugins
        // ignore SIGINT by design, so the group is the only address that reaches the process that must stop.
        // SAFETY: kill(2) on the process group our child leads (process_group(0)); no memory involved.
        unsafe {
            libc::kill(-pid, libc::SIGINT);
        }
    }
    if requests >= 2 {
        tracing::warn!(
            pid,
            "second cancellation: killing terraform and its process group"
        );
        end.killed = true;
        // SAFETY: as above.
        unsafe {
            libc::kill(-pid, libc::SIGKILL);
        }
    }
    *forwarded = requests;
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn run_shell(
        script: &str,
        cancellation: &Cancellation,
    ) -> (ProcessEnd, Vec<(OutputStream, String)>) {
        let mut command = Command::new("/bin/sh");
        command.arg("-c").arg(script);
        let mut lines = Vec::new();
        let end = run_streaming(command, cancellation, LineLength::Whole, |stream, line| {
            lines.push((stream, line))
        })
        .await
        .expect("sh runs");
        (end, lines)
    }

    #[tokio::test]
    async fn lines_of_both_streams_and_the_exit_code() {
        let (end, lines) = run_shell(
            "echo one; echo two >&2; echo three; exit 2",
            &Cancellation::new(),
        )
        .await;
        assert_eq!(
            end,
            ProcessEnd {
                exit_code: Some(2),
                cancelled: false,
                killed: false
            }
        );
        let stdout: Vec<&str> = lines
            .iter()
            .filter(|(stream, _)| *stream == OutputStream::Stdout)
            .map(|(_, line)| line.as_str())
            .collect();
        assert_eq!(stdout, ["one", "three"]);
        assert!(lines.contains(&(OutputStream::Stderr, "two".to_owned())));
    }

    /// Runs `script`, making `requests` cancellation requests once it printed `started`.
    async fn run_shell_cancelled(script: &str, requests: u32) -> (ProcessEnd, Vec<String>) {
        let cancellation = Cancellation::new();
        let trigger = cancellation.clone();
        let mut command = Command::new("/bin/sh");
        command.arg("-c").arg(script);
        let mut lines = Vec::new();
        let end = run_streaming(command, &cancellation, LineLength::Whole, |_, line| {
            if line == "started" {
                (0..requests).for_each(|_| trigger.request());
            }
            lines.push(line);
        })
        .await
        .expect("sh runs");
        (end, lines)
    }

    #[tokio::test]
    async fn first_request_interrupts_and_the_process_may_finish_gracefully() {
        // The trap stands for Terraform's own SIGINT handling: finish cleanly, with a status of its choosing.
        let script =
            "trap 'echo interrupted; exit 7' INT; echo started; while :; do sleep 0.05; done";
        let (end, lines) = run_shell_cancelled(script, 1).await;
        assert!(end.cancelled && !end.killed);
        assert_eq!(end.exit_code, Some(7));
        assert!(lines.iter().any(|line| line == "interrupted"));
    }

    #[tokio::test]
    async fn second_request_kills_a_process_that_ignores_the_first() {
        let script = "trap 'echo ignoring' INT; echo started; while :; do sleep 0.05; done";
        let (end, _) = run_shell_cancelled(script, 2).await;
        assert!(end.cancelled && end.killed);
        assert_eq!(end.exit_code, None, "ended by a signal");
    }

    #[tokio::test]
    async fn a_request_before_the_start_still_stops_the_process() {
        let cancellation = Cancellation::new();
        cancellation.request();
        cancellation.request();
        let (end, _) = run_shell("while :; do sleep 0.05; done", &cancellation).await;
        assert!(end.cancelled && end.killed);
    }

    #[tokio::test]
    async fn output_that_is_not_utf8_is_kept_readable_and_the_stream_goes_on() {
        let script = "printf 'bad \\377 byte\\n' >&2; printf 'after\\r\\nlast without newline'";
        let (end, lines) = run_shell(script, &Cancellation::new()).await;
        assert_eq!(end.exit_code, Some(0));
        assert!(
            lines.contains(&(OutputStream::Stderr, "bad \u{fffd} byte".to_owned())),
            "{lines:?}"
        );
        assert!(lines.contains(&(OutputStream::Stdout, "after".to_owned())));
        assert!(lines.contains(&(OutputStream::Stdout, "last without newline".to_owned())));
    }

    #[tokio::test]
    async fn a_line_past_the_limit_is_cut_and_the_next_one_is_whole() {
        let mut command = Command::new("/bin/sh");
        command
            .arg("-c")
            .arg("head -c 100000 /dev/zero | tr '\\0' x; printf '\\nnext\\r\\nlast'; head -c 5000 /dev/zero >&2");
        let mut lines = Vec::new();
        run_streaming(
            command,
            &Cancellation::new(),
            LineLength::AtMost(1000),
            |stream, line| lines.push((stream, line)),
        )
        .await
        .expect("sh runs");
        let stdout: Vec<&str> = lines
            .iter()
            .filter(|(stream, _)| *stream == OutputStream::Stdout)
            .map(|(_, line)| line.as_str())
            .collect();
        assert_eq!(stdout.len(), 3, "{stdout:?}");
        assert_eq!(
            stdout[0],
            format!("{} [… line cut by agentlab]", "x".repeat(1000))
        );
        assert_eq!(&stdout[1..], ["next", "last"]);
        let stderr: Vec<&String> = lines
            .iter()
            .filter(|(stream, _)| *stream == OutputStream::Stderr)
            .map(|(_, line)| line)
            .collect();
        assert_eq!(stderr.len(), 1);
        assert_eq!(stderr[0].len(), 5000, "under the stderr limit: whole");
    }

    #[tokio::test]
    async fn a_missing_binary_is_an_error() {
        let command = Command::new("/nonexistent/terraform");
        let error = run_streaming(command, &Cancellation::new(), LineLength::Whole, |_, _| {})
            .await
            .unwrap_err();
        assert_eq!(error.kind(), std::io::ErrorKind::NotFound);
    }
}
