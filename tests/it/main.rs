//! The one integration test binary; each topic is a module.

mod validator;
mod validator_in_planner;
