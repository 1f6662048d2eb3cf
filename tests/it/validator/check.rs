//! The machinery of the Validator's table of cases: one validation as data (the world, the guests asked about,
//! the port) and what each check must say, run by [`check`] against the real Validator over HTTP.

use agentlab::contracts::{
    CheckName, CheckStatus, Guest, ResourceExpectation, RunMode, ValidationRequest,
    ValidationResult,
};
use agentlab::stand_in::proxmox::{PveWorld, PveWorldServer};
use agentlab::validator::{ProxmoxValidator, ValidatorSettings};

use super::{ADDRESS, CHECKS, NODE, TOKEN, settings};
use crate::support::{check_named, listening_port, proxmox_validator};

/// The port the `reachable` check connects to.
#[derive(Clone, Copy)]
pub enum Port {
    /// A loopback listener that accepts.
    Listening,
    /// A loopback port nothing listens on any more.
    Refused,
    /// This port, never connected to in the test.
    Fixed(u16),
}

/// One validation: the world (`None`: a Validator without API settings), the settings, the mode, the guests asked
/// about, the port, and any change to the request.
pub struct Input {
    pub world: Option<PveWorld>,
    pub settings: ValidatorSettings,
    pub mode: RunMode,
    pub guests: Vec<Guest>,
    pub port: Port,
    pub adjust: fn(&mut ValidationRequest),
}

impl Input {
    /// A live validation of `guests` in `world`, with a listening port.
    pub fn live(world: PveWorld, guests: Vec<Guest>) -> Self {
        Self {
            world: Some(world),
            settings: settings(),
            mode: RunMode::Deploy,
            guests,
            port: Port::Listening,
            adjust: |_| {},
        }
    }
}

/// A text a check's detail or evidence must show; `{port}` stands for the port of the validation.
pub enum Text {
    Is(&'static str),
    StartsWith(&'static str),
    EndsWith(&'static str),
    Contains(&'static str),
}

impl Text {
    fn matches(&self, text: &str, port: u16) -> bool {
        let with_port = |expected: &str| expected.replace("{port}", &port.to_string());
        match self {
            Text::Is(expected) => text == with_port(expected),
            Text::StartsWith(expected) => text.starts_with(&with_port(expected)),
            Text::EndsWith(expected) => text.ends_with(&with_port(expected)),
            Text::Contains(expected) => text.contains(&with_port(expected)),
        }
    }
}

/// Where in a check the text must be.
pub enum Shows {
    Detail(Text),
    /// The evidence line at this index.
    Evidence(usize, Text),
    /// The evidence, all lines joined by newlines.
    AllEvidence(Text),
}

/// What one check must say.
pub struct Expected {
    pub check: CheckName,
    pub status: CheckStatus,
    pub shows: Vec<Shows>,
}

pub fn expect(check: CheckName, status: CheckStatus, shows: Vec<Shows>) -> Expected {
    Expected {
        check,
        status,
        shows,
    }
}

/// The verdict of the whole validation (`None`: not asked) and what the named checks must say.
pub struct Expect {
    pub ok: Option<bool>,
    pub checks: Vec<Expected>,
}

/// A validation that fails, with what the named checks must say.
pub fn fails(checks: Vec<Expected>) -> Expect {
    Expect {
        ok: Some(false),
        checks,
    }
}

/// A validation that passes, with what the named checks must say.
pub fn passes(checks: Vec<Expected>) -> Expect {
    Expect {
        ok: Some(true),
        checks,
    }
}

/// The world's server (for its recorded requests) and the result.
pub struct Checked {
    pub server: Option<PveWorldServer>,
    pub result: ValidationResult,
}

pub async fn check(input: Input, expect: Expect) -> Checked {
    let (listener, port) = listening_port().await;
    let (_listener, port) = match input.port {
        Port::Listening => (Some(listener), port),
        Port::Refused => {
            drop(listener);
            (None, port)
        }
        Port::Fixed(fixed) => (Some(listener), fixed),
    };
    let mut request = ValidationRequest {
        project: "lxc-fleet".into(),
        mode: input.mode,
        resources: vec![ResourceExpectation {
            pattern: r"proxmox_virtual_environment_container\.container\[\d+\]".into(),
            count: 1,
        }],
        resource_addresses: vec![ADDRESS.into()],
        guests: input.guests,
        guests_problem: None,
        guests_skip_reason: None,
        planned_creates: Vec::new(),
        default_node: NODE.into(),
        port,
        settle_seconds: 0,
    };
    (input.adjust)(&mut request);
    let (server, validator) = match input.world {
        Some(world) => {
            let server = PveWorldServer::start(world).await.unwrap();
            let validator = proxmox_validator(&server, TOKEN, input.settings);
            (Some(server), validator)
        }
        None => (
            None,
            ProxmoxValidator::without_api(
                "PROXMOX_VE_ENDPOINT is not set; the Proxmox VE checks need it",
                input.settings,
            ),
        ),
    };
    let result = validator.check(&request).await;

    let names: Vec<CheckName> = result.checks.iter().map(|check| check.name).collect();
    assert_eq!(names, CHECKS, "{result:#?}");
    if let Some(ok) = expect.ok {
        assert_eq!(result.ok, ok, "{result:#?}");
    }
    for expected in &expect.checks {
        let found = check_named(&result, expected.check);
        assert_eq!(found.status, expected.status, "{found:#?}");
        for shows in &expected.shows {
            let (text, wanted) = match shows {
                Shows::Detail(wanted) => (found.detail.clone(), wanted),
                Shows::Evidence(index, wanted) => (
                    found.evidence.get(*index).cloned().unwrap_or_default(),
                    wanted,
                ),
                Shows::AllEvidence(wanted) => (found.evidence.join("\n"), wanted),
            };
            assert!(
                wanted.matches(&text, port),
                "{:?} shows `{text}`:\n{found:#?}",
                expected.check
            );
        }
    }
    Checked { server, result }
}
