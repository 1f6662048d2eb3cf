//! An error and its sources on one line, so that the cause a person can act on is never hidden behind a wrapper's
//! message. Every place that prints or records an error chain uses this one function.

/// `error: cause: cause of the cause`, skipping a cause whose text the line already holds (wrappers that repeat
/// their source's message with `{0}`).
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

    #[derive(Debug, thiserror::Error)]
    #[error("cannot post the comment")]
    struct Outer(#[source] std::io::Error);

    #[derive(Debug, thiserror::Error)]
    #[error("cannot post: {0}")]
    struct Repeating(#[source] std::io::Error);

    #[test]
    fn causes_are_joined_once() {
        let refused =
            || std::io::Error::new(std::io::ErrorKind::ConnectionRefused, "connection refused");
        assert_eq!(
            error_chain(&Outer(refused())),
            "cannot post the comment: connection refused"
        );
        assert_eq!(
            error_chain(&Repeating(refused())),
            "cannot post: connection refused"
        );
    }
}
