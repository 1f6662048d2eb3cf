use super::*;

fn expect(pattern: &str, count: u32) -> ResourceExpectation {
    ResourceExpectation {
        pattern: pattern.into(),
        count,
    }
}

fn addresses(list: &[&str]) -> Vec<String> {
    list.iter().map(|a| a.to_string()).collect()
}

#[test]
fn resources_pass_when_every_pattern_matches_its_count() {
    let result = resources_check(
        &[expect(
            r"proxmox_virtual_environment_container\.container\[\d+\]",
            2,
        )],
        &addresses(&[
            "proxmox_virtual_environment_container.container[0]",
            "proxmox_virtual_environment_container.container[1]",
            "null_resource.marker",
        ]),
        RunMode::Deploy,
    );
    assert_eq!(result.status, CheckStatus::Pass, "{result:?}");
    assert_eq!(
        result.detail,
        "all 1 expected address patterns found in the state"
    );
}

#[test]
fn a_pattern_that_matches_nothing_lists_the_addresses_that_were_there_instead() {
    // The provider switch that motivated this check: telmate's address is gone, bpg's is there.
    let result = resources_check(
        &[expect(r"proxmox_lxc\.container\[\d+\]", 1)],
        &addresses(&["module.fleet.proxmox_virtual_environment_container.container[0]"]),
        RunMode::Plan,
    );
    assert_eq!(result.status, CheckStatus::Fail);
    assert_eq!(
        result.detail,
        "1 of 1 expected address patterns not as expected in the plan's planned values"
    );
    assert_eq!(
        result.evidence,
        [
            r"pattern `proxmox_lxc\.container\[\d+\]` matched nothing (expected 1) in the plan's planned values; addresses there instead: module.fleet.proxmox_virtual_environment_container.container[0]"
        ]
    );
}

#[test]
fn patterns_name_whole_addresses_and_wrong_counts_or_bad_regexes_fail() {
    let present = addresses(&["a.b[0]", "a.b[1]", "a.b[0]_extra"]);
    let result = resources_check(
        &[
            expect(r"a\.b\[0\]", 1),
            expect(r"a\.b\[\d\]", 3),
            expect("(", 1),
        ],
        &present,
        RunMode::Deploy,
    );
    assert_eq!(result.status, CheckStatus::Fail);
    assert_eq!(result.evidence.len(), 3);
    assert!(
        result.evidence[0].starts_with(r"pattern `a\.b\[\d\]` matched 2, expected 3"),
        "{:?}",
        result.evidence
    );
    assert!(
        result.evidence[1].starts_with("pattern `(` is not a valid regular expression"),
        "{:?}",
        result.evidence
    );
    assert!(
        result.evidence[2].starts_with(r"pattern `a\.b\[0\]`: 1 of 1 expected"),
        "{:?}",
        result.evidence
    );
}

#[test]
fn resources_skip_without_patterns_and_long_address_lists_are_cut() {
    assert_eq!(
        resources_check(&[], &[], RunMode::Deploy).status,
        CheckStatus::Skip
    );
    let many: Vec<String> = (0..30).map(|i| format!("null_resource.n[{i}]")).collect();
    let result = resources_check(&[expect("nothing", 1)], &many, RunMode::Deploy);
    assert!(
        result.evidence[0].ends_with("null_resource.n[24] and 5 more"),
        "{}",
        result.evidence[0]
    );
}

fn findings(
    label: &str,
    status: GuestVerdict,
    ip: GuestVerdict,
    reach: GuestVerdict,
) -> GuestFindings {
    GuestFindings {
        label: label.into(),
        status,
        ip,
        reach,
    }
}

#[test]
fn guest_checks_fail_naming_the_failing_guests_and_put_their_evidence_first() {
    let pass = |line: &str| GuestVerdict::Pass(line.into());
    let fail = |line: &str| GuestVerdict::Fail(line.into());
    let checks = guest_checks(
        &[
            findings(
                "lxc/101 on n",
                pass("101 running"),
                pass("101 ip"),
                pass("101 ok"),
            ),
            findings(
                "lxc/102 on n",
                fail("102 stopped"),
                fail("102 no ip"),
                fail("102 no address"),
            ),
        ],
        22,
    );
    let names: Vec<CheckName> = checks.iter().map(|check| check.name).collect();
    assert_eq!(
        names,
        [
            CheckName::GuestStatus,
            CheckName::IpAssigned,
            CheckName::Reachable
        ]
    );
    assert!(checks.iter().all(|check| check.status == CheckStatus::Fail));
    assert_eq!(
        checks[0].detail,
        "1 of 2 guests is not running: lxc/102 on n"
    );
    assert_eq!(checks[0].evidence, ["102 stopped", "101 running"]);
    assert_eq!(
        checks[2].detail,
        "1 of 2 guests does not accept TCP connections on port 22: lxc/102 on n"
    );
}

#[test]
fn guests_that_do_not_exist_yet_are_skipped_and_the_rest_still_counts() {
    let skip = GuestVerdict::Skip("lxc/905 on n: runs after apply".into());
    let only_new = guest_checks(
        &[GuestFindings::all("lxc/905 on n".into(), skip.clone())],
        22,
    );
    for check in &only_new {
        assert_eq!(check.status, CheckStatus::Skip);
        assert_eq!(
            check.detail,
            "runs after apply: the guest does not exist yet"
        );
    }
    let mixed = guest_checks(
        &[
            GuestFindings::all(
                "lxc/101 on n".into(),
                GuestVerdict::Pass("lxc/101 on n: fine".into()),
            ),
            GuestFindings::all("lxc/905 on n".into(), skip),
        ],
        22,
    );
    assert_eq!(mixed[0].status, CheckStatus::Pass);
    assert_eq!(
        mixed[0].detail,
        "1 of 2 guests is running; 1 skipped (not created yet, runs after apply)"
    );
}

#[test]
fn a_guests_problem_fails_guest_status_with_the_problem_as_evidence() {
    let checks = guest_checks_without_guests(
        Some("the `guests` output is not a list"),
        None,
        RunMode::Deploy,
        &[],
    );
    assert_eq!(checks[0].name, CheckName::GuestStatus);
    assert_eq!(checks[0].status, CheckStatus::Fail);
    assert_eq!(checks[0].evidence, ["the `guests` output is not a list"]);
    assert_eq!(checks[1].status, CheckStatus::Skip);
    assert_eq!(checks[2].status, CheckStatus::Skip);
}

#[test]
fn unknown_guests_in_plan_mode_skip_and_name_what_the_plan_creates() {
    let reason = "runs after apply: the `guests` output is not known until apply";
    let checks = guest_checks_without_guests(
        None,
        Some(reason),
        RunMode::Plan,
        &addresses(&["lxc.web[0]"]),
    );
    assert_eq!(checks.len(), 3);
    for check in &checks {
        assert_eq!(check.status, CheckStatus::Skip);
        assert_eq!(check.detail, reason);
        assert_eq!(check.evidence, ["the plan creates lxc.web[0]"]);
    }
    let live = guest_checks_without_guests(None, None, RunMode::Deploy, &[]);
    assert!(live.iter().all(|check| check.status == CheckStatus::Skip));
    assert_eq!(live[0].detail, "the guests output lists no guests");
}

#[test]
fn a_project_without_guests_skips_the_three_live_checks_with_the_reason() {
    let reason = "the project has no `guests` output";
    for mode in [RunMode::Plan, RunMode::Deploy, RunMode::Check] {
        let checks =
            guest_checks_without_guests(None, Some(reason), mode, &addresses(&["dns.record"]));
        let names: Vec<CheckName> = checks.iter().map(|check| check.name).collect();
        assert_eq!(
            names,
            [
                CheckName::GuestStatus,
                CheckName::IpAssigned,
                CheckName::Reachable
            ]
        );
        for check in &checks {
            assert_eq!(
                (check.status, check.detail.as_str()),
                (CheckStatus::Skip, reason)
            );
            assert!(check.evidence.is_empty(), "{mode:?}: {:?}", check.evidence);
        }
    }
}
