//! agentlab library.
