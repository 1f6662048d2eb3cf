//! Who agentlab is on GitHub. Markers are plain text that anyone who can comment can write, so a comment or an
//! issue counts as agentlab's only when agentlab's own account wrote it: `github-actions[bot]` for the workflow's
//! token, `APP[bot]` for a GitHub App's installation token. GitHub's authenticated-user endpoint answers 403 to an
//! installation token, so the login comes from configuration (`[github] bot_login`) and is confirmed by what GitHub
//! says about the comments and issues agentlab creates; a login learned that way counts too, and a learned login
//! that differs from the configured one is reported, since the next run would not find what this one posted.

use std::sync::{Arc, Mutex};

use serde::Deserialize;

/// The workflow token's account, the default of `[github] bot_login`.
pub const DEFAULT_BOT_LOGIN: &str = "github-actions[bot]";

/// The `user` of a comment or an issue in GitHub's answers.
#[derive(Debug, Clone, Deserialize)]
pub struct Author {
    pub login: String,
}

/// agentlab's account: the configured login, and the one GitHub named as the author of what agentlab created.
/// Cheap to clone; clones share what was learned.
#[derive(Debug, Clone)]
pub struct OwnIdentity {
    configured: String,
    learned: Arc<Mutex<Option<String>>>,
}

impl Default for OwnIdentity {
    fn default() -> Self {
        Self::new(DEFAULT_BOT_LOGIN)
    }
}

impl OwnIdentity {
    pub fn new(configured: &str) -> Self {
        Self {
            configured: configured.trim().to_string(),
            learned: Arc::new(Mutex::new(None)),
        }
    }

    pub fn configured(&self) -> &str {
        &self.configured
    }

    /// Whether `author` wrote as agentlab. Logins are compared as GitHub does, ignoring case; a missing author (a
    /// deleted account, "ghost") is nobody's.
    pub fn wrote(&self, author: Option<&Author>) -> bool {
        let Some(author) = author else {
            return false;
        };
        author.login.eq_ignore_ascii_case(&self.configured)
            || self
                .learned()
                .is_some_and(|learned| author.login.eq_ignore_ascii_case(&learned))
    }

    /// Records who GitHub says wrote what agentlab just created.
    pub fn learn(&self, author: Option<&Author>) {
        if let (Some(author), Ok(mut learned)) = (author, self.learned.lock()) {
            if !author.login.trim().is_empty() {
                *learned = Some(author.login.clone());
            }
        }
    }

    pub fn learned(&self) -> Option<String> {
        self.learned.lock().ok().and_then(|learned| learned.clone())
    }

    /// The login GitHub showed agentlab posting as, when it is not the configured one.
    pub fn mismatch(&self) -> Option<String> {
        self.learned()
            .filter(|learned| !learned.eq_ignore_ascii_case(&self.configured))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn author(login: &str) -> Author {
        Author {
            login: login.to_string(),
        }
    }

    #[test]
    fn only_the_configured_or_learned_login_counts() {
        let identity = OwnIdentity::default();
        assert!(identity.wrote(Some(&author("github-actions[bot]"))));
        assert!(identity.wrote(Some(&author("GitHub-Actions[bot]"))));
        assert!(!identity.wrote(Some(&author("octocat"))));
        assert!(!identity.wrote(Some(&author("github-actions"))));
        assert!(!identity.wrote(None));
        assert_eq!(identity.mismatch(), None);

        let clone = identity.clone();
        clone.learn(Some(&author("homelab-agent[bot]")));
        assert!(identity.wrote(Some(&author("homelab-agent[bot]"))));
        assert_eq!(identity.mismatch().as_deref(), Some("homelab-agent[bot]"));

        let app = OwnIdentity::new("homelab-agent[bot]");
        app.learn(Some(&author("homelab-agent[bot]")));
        assert!(!app.wrote(Some(&author("github-actions[bot]"))));
        assert_eq!(app.mismatch(), None);
    }
}
