//! Integration tests: the real `agentlab` binary, the real terraform, local servers on loopback.

mod terraform;
