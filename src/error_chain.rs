//! One line for an error and its causes, for every message agentlab shows a person.
//!
//! Top-level messages are often generic (reqwest's "error sending request", an IO error's "cannot read") and the
//! cause a person can act on sits further down the `source()` chain. Each cause is appended after `: `, unless
//! the text so far already says it, as wrapping errors often repeat their source's message.

/// The error and its sources on one line, each cause once.
pub fn error_chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        let cause_text = cause.to_string();
        if !text.contains(&cause_text) {
            text.push_str(": ");
            text.push_str(&cause_text);
        }
        source = cause.source();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An error with a message and, perhaps, a source.
    #[derive(Debug)]
    struct Layer {
        message: &'static str,
        source: Option<Box<Layer>>,
    }

    impl std::fmt::Display for Layer {
        fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            formatter.write_str(self.message)
        }
    }

    impl std::error::Error for Layer {
        fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
            self.source
                .as_deref()
                .map(|source| source as &(dyn std::error::Error + 'static))
        }
    }

    fn chain(messages: &[&'static str]) -> Layer {
        messages
            .iter()
            .rev()
            .fold(None, |source, message| {
                Some(Layer {
                    message,
                    source: source.map(Box::new),
                })
            })
            .expect("at least one message")
    }

    #[test]
    fn every_cause_once_in_order() {
        let check = |messages: &[&'static str], expected: &str| {
            assert_eq!(error_chain(&chain(messages)), expected, "{messages:?}");
        };
        check(&["cannot push"], "cannot push");
        check(
            &[
                "error sending request",
                "client error (Connect)",
                "tcp connect error",
            ],
            "error sending request: client error (Connect): tcp connect error",
        );
        check(
            &[
                "error sending request",
                "tcp connect error: Connection refused (os error 111)",
                "Connection refused (os error 111)",
            ],
            "error sending request: tcp connect error: Connection refused (os error 111)",
        );
        check(
            &["invalid config: bad port", "bad port"],
            "invalid config: bad port",
        );
    }
}
