//! The Planner's ports: the three agents it drives, as traits, and the one error an agent may answer with.
//!
//! The driver (`run`) only knows these traits, so tests and the eval harness can swap in scripted agents, and the
//! rooms that implement them (`terraform`, `validator`, `diagnosis`) depend on the planner only through this file.
//! A failed plan, apply or check is data in the agent's result; [`AgentError`] is for an agent that could not do
//! its job at all.

use async_trait::async_trait;

use crate::contracts::{
    Diagnosis, DiagnosisRequest, TerraformRequest, TerraformResult, ValidationRequest,
    ValidationResult,
};

/// A fault of an agent's own (it could not do its job at all), as opposed to a failed plan or check, which is data.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{agent} agent: {message}")]
pub struct AgentError {
    pub agent: &'static str,
    pub message: String,
}

/// Runs Terraform for one request: `init` + `plan` (+ `apply` in deploy mode).
#[async_trait]
pub trait TerraformAgent: Send + Sync {
    async fn run(&self, request: &TerraformRequest) -> Result<TerraformResult, AgentError>;
}

/// Runs the four checks.
#[async_trait]
pub trait Validator: Send + Sync {
    async fn validate(&self, request: &ValidationRequest) -> Result<ValidationResult, AgentError>;
}

/// Explains a failure. It never errs: when it cannot answer it says so with [`Diagnosis::unavailable`].
#[async_trait]
pub trait Diagnoser: Send + Sync {
    async fn diagnose(&self, request: &DiagnosisRequest) -> Diagnosis;
}

/// The three agents one project's run uses.
#[derive(Clone, Copy)]
pub struct Agents<'a> {
    pub terraform: &'a dyn TerraformAgent,
    pub validator: &'a dyn Validator,
    pub diagnoser: &'a dyn Diagnoser,
}
