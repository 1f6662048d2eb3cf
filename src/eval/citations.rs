//! Scoring a hypothesis's evidence citations: a diagnosis that names the right cause but cites evidence that does
//! not show it has not been checked against the evidence, and loses the point.
//!
//! The evidence is the context the diagnoser saw, rebuilt from the record (`diagnosis::replay`): the same items under
//! the same ids, with the project's files read again from the project's folder when the scorer has it (the scenario
//! eval scores a run before its sandbox is removed; a replay of saved records has no project folder, and neither had
//! its diagnoser). An item supports the hypothesis when it is one of the failure's own items (a Terraform error or a
//! failed check), when it mentions one of the expected root-cause terms, or when it repeats five words in a row of one
//! of the failure's own items (a log tail or a state log quoting the error). The failing-phase item only says which
//! phase failed: citing it is neither right nor wrong. A hypothesis must cite at least one supporting item and nothing
//! that does not support it.

use std::path::PathBuf;

use crate::contracts::RunRecord;
use crate::diagnosis::context::{
    DEFAULT_TOKEN_BUDGET, DiagnosisContext, EvidenceItem, EvidenceKind,
};
use crate::diagnosis::replay::request_for_first_failure;
use crate::redact::Redactor;

use super::terms::mentions;

/// Words in a row that an item must share with one of the failure's own items to quote it.
const QUOTED_WORDS: usize = 5;

/// The evidence items of the run's first diagnosed failure, as its diagnoser was shown them, the project's files
/// read from `project_dir` (an empty path: none); empty when the run was never diagnosed.
pub fn first_failure_evidence(record: &RunRecord, project_dir: PathBuf) -> Vec<EvidenceItem> {
    request_for_first_failure(record, project_dir)
        .map(|request| {
            DiagnosisContext::assemble(&request, &Redactor::new(), DEFAULT_TOKEN_BUDGET).items
        })
        .unwrap_or_default()
}

/// Why the citations of a hypothesis do not hold up, or `None` when they do.
pub fn citation_problem(
    cited: &[String],
    items: &[EvidenceItem],
    terms: &[String],
) -> Option<String> {
    let own: Vec<&EvidenceItem> = items
        .iter()
        .filter(|item| is_failure_item(item.kind))
        .collect();
    let mut supporting = 0usize;
    let mut unsupported: Vec<String> = Vec::new();
    for id in cited {
        match items.iter().find(|item| &item.id == id) {
            Some(item) if item.kind == EvidenceKind::Phase => {}
            Some(item) if supports(item, &own, terms) => supporting += 1,
            Some(item) => unsupported.push(format!("{id} ({})", item.title)),
            None => unsupported.push(format!("{id} (not among the evidence the record rebuilds)")),
        }
    }
    if !unsupported.is_empty() {
        return Some(format!(
            "cites evidence that does not show the failure: {}",
            unsupported.join(", ")
        ));
    }
    (supporting == 0).then(|| {
        format!(
            "cites no evidence that shows the failure (cited: {})",
            if cited.is_empty() {
                "nothing".to_string()
            } else {
                cited.join(", ")
            }
        )
    })
}

fn is_failure_item(kind: EvidenceKind) -> bool {
    matches!(
        kind,
        EvidenceKind::TerraformError | EvidenceKind::FailedCheck
    )
}

fn supports(item: &EvidenceItem, own: &[&EvidenceItem], terms: &[String]) -> bool {
    is_failure_item(item.kind)
        || terms.iter().any(|term| mentions(&item.text, term))
        || own.iter().any(|failure| quotes(&item.text, &failure.text))
}

/// Whether `text` repeats [`QUOTED_WORDS`] words in a row of `source`.
fn quotes(text: &str, source: &str) -> bool {
    let words = |text: &str| -> Vec<String> {
        text.split(|c: char| !(c.is_alphanumeric() || c == '\''))
            .filter(|word| !word.is_empty())
            .map(str::to_lowercase)
            .collect()
    };
    let source = words(source);
    let text = words(text).join(" ");
    source
        .windows(QUOTED_WORDS)
        .any(|window| text.contains(&window.join(" ")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(id: &str, kind: EvidenceKind, text: &str) -> EvidenceItem {
        EvidenceItem {
            id: id.into(),
            kind,
            title: format!("{kind:?}"),
            text: text.into(),
        }
    }

    fn evidence() -> Vec<EvidenceItem> {
        vec![
            item("E1", EvidenceKind::Phase, "terraform apply failed"),
            item(
                "E2",
                EvidenceKind::TerraformError,
                "local-exec provisioner error\nOutput: unable to create CT 901 - CT 901 already exists on node 'pmx-01'",
            ),
            item(
                "E3",
                EvidenceKind::LogTail,
                "null_resource.c[1]: (local-exec): unable to create CT 901 - CT 901 already exists on node 'pmx-01'",
            ),
            item(
                "E4",
                EvidenceKind::LogTail,
                "Initializing the backend...\nTerraform has been successfully initialized!",
            ),
            item(
                "E5",
                EvidenceKind::ProjectFile,
                "resource \"null_resource\" \"c\" {}",
            ),
        ]
    }

    fn ids(cited: &[&str]) -> Vec<String> {
        cited.iter().map(|id| id.to_string()).collect()
    }

    #[test]
    fn the_failure_itself_and_a_log_quoting_it_support_the_hypothesis() {
        let terms = ids(&["901", "exist"]);
        assert_eq!(citation_problem(&ids(&["E2"]), &evidence(), &terms), None);
        assert_eq!(
            citation_problem(&ids(&["E1", "E2", "E3"]), &evidence(), &terms),
            None
        );
        // Without expected terms, a log that quotes five words of the error still supports it.
        assert_eq!(citation_problem(&ids(&["E3"]), &evidence(), &[]), None);
    }

    #[test]
    fn evidence_that_does_not_show_the_failure_loses_the_point() {
        let terms = ids(&["901", "exist"]);
        let problem = citation_problem(&ids(&["E2", "E4"]), &evidence(), &terms).unwrap();
        assert!(problem.contains("E4"), "{problem}");
        assert!(citation_problem(&ids(&["E5"]), &evidence(), &terms).is_some());
        let only_the_phase = citation_problem(&ids(&["E1"]), &evidence(), &terms).unwrap();
        assert!(
            only_the_phase.contains("cites no evidence"),
            "{only_the_phase}"
        );
        assert!(citation_problem(&ids(&["E9"]), &evidence(), &terms).is_some());
        assert!(citation_problem(&[], &evidence(), &terms).is_some());
    }
}
