//! From `prometheus-client`'s OpenMetrics text to the classic Prometheus text format (version 0.0.4).
//!
//! The Pushgateway 1.5, promtool 2.42 and node_exporter's textfile collector all parse the classic format. Fed
//! OpenMetrics, they accept it but lose meaning: the counter family `x` declared by `# TYPE x counter` has samples
//! named `x_total`, which the classic parser files under a new, untyped family without help (and promtool's lint
//! then complains). The conversion renames counter families to their `_total` sample name, drops the
//! OpenMetrics-only `# UNIT` and `# EOF` lines and `_created` samples, and refuses metric types the classic format
//! has no word for. Label values and numbers are written the same way in both formats.

use prometheus_client::registry::Registry;
use std::collections::HashSet;

use super::MetricsError;

/// The registry in the classic Prometheus text format, the format the Pushgateway and node_exporter read.
pub fn encode_prometheus_text(registry: &Registry) -> Result<String, MetricsError> {
    let mut openmetrics = String::new();
    prometheus_client::encoding::text::encode(&mut openmetrics, registry)?;
    openmetrics_to_prometheus_text(&openmetrics)
}

/// Converts OpenMetrics text as `prometheus-client` writes it (HELP, TYPE, optional UNIT, then samples, one family
/// after the other) into the classic text format.
pub fn openmetrics_to_prometheus_text(openmetrics: &str) -> Result<String, MetricsError> {
    let counter_families: HashSet<&str> = openmetrics
        .lines()
        .filter_map(|line| line.strip_prefix("# TYPE "))
        .filter_map(|rest| rest.split_once(' '))
        .filter(|(_, metric_type)| *metric_type == "counter")
        .map(|(name, _)| name)
        .collect();
    let mut classic = String::with_capacity(openmetrics.len());
    for line in openmetrics.lines() {
        if line == "# EOF" || line.starts_with("# UNIT ") {
            continue;
        }
        if let Some(rest) = line.strip_prefix("# HELP ") {
            let (name, help) = rest.split_once(' ').unwrap_or((rest, ""));
            classic.push_str("# HELP ");
            classic.push_str(&classic_family_name(name, &counter_families));
            classic.push(' ');
            classic.push_str(help);
        } else if let Some(rest) = line.strip_prefix("# TYPE ") {
            let (name, metric_type) = rest.split_once(' ').unwrap_or((rest, ""));
            let classic_type = match metric_type {
                "counter" | "gauge" | "histogram" | "summary" => metric_type,
                "unknown" => "untyped",
                other => {
                    return Err(MetricsError::UnsupportedMetricType {
                        name: name.to_owned(),
                        metric_type: other.to_owned(),
                    });
                }
            };
            classic.push_str("# TYPE ");
            classic.push_str(&classic_family_name(name, &counter_families));
            classic.push(' ');
            classic.push_str(classic_type);
        } else if line.starts_with('#') || line.is_empty() {
            continue;
        } else {
            let sample_name = sample_name(line);
            let is_counter_created = sample_name
                .strip_suffix("_created")
                .is_some_and(|family| counter_families.contains(family));
            if is_counter_created {
                continue;
            }
            // An exemplar (` # {...} value`) exists only in OpenMetrics.
            let labels_end = label_set_end(line).unwrap_or(0);
            let sample = match line[labels_end..].find(" # ") {
                Some(exemplar_start) => &line[..labels_end + exemplar_start],
                None => line,
            };
            classic.push_str(sample);
        }
        classic.push('\n');
    }
    Ok(classic)
}

fn classic_family_name(name: &str, counter_families: &HashSet<&str>) -> String {
    if counter_families.contains(name) {
        format!("{name}_total")
    } else {
        name.to_owned()
    }
}

fn sample_name(line: &str) -> &str {
    let end = line.find(['{', ' ']).unwrap_or(line.len());
    &line[..end]
}

/// Byte index of the `}` closing the label set of a sample line, skipping escaped characters in quoted values.
fn label_set_end(line: &str) -> Option<usize> {
    let start = line.find('{')?;
    let mut in_quotes = false;
    let mut escaped = false;
    for (index, character) in line[start..].char_indices() {
        match character {
            _ if escaped => escaped = false,
            '\\' if in_quotes => escaped = true,
            '"' => in_quotes = !in_quotes,
            '}' if !in_quotes => return Some(start + index),
            _ => {}
        }
    }
    None
}

/// Every value the label `label_name` takes in the samples of a text exposition, unescaped.
pub fn label_values(exposition: &str, label_name: &str) -> Vec<String> {
    exposition
        .lines()
        .filter(|line| !line.starts_with('#'))
        .flat_map(sample_labels)
        .filter(|(name, _)| name == label_name)
        .map(|(_, value)| value)
        .collect()
}

/// The `(name, value)` pairs of one sample line's label set, values unescaped.
pub fn sample_labels(line: &str) -> Vec<(String, String)> {
    let (Some(start), Some(end)) = (line.find('{'), label_set_end(line)) else {
        return Vec::new();
    };
    let mut labels = Vec::new();
    let mut rest = &line[start + 1..end];
    while let Some((name, after_name)) = rest.split_once("=\"") {
        let mut value = String::new();
        let mut characters = after_name.char_indices();
        let mut value_end = after_name.len();
        while let Some((index, character)) = characters.next() {
            match character {
                '\\' => match characters.next() {
                    Some((_, 'n')) => value.push('\n'),
                    Some((_, escaped)) => value.push(escaped),
                    None => {}
                },
                '"' => {
                    value_end = index + 1;
                    break;
                }
                other => value.push(other),
            }
        }
        labels.push((name.trim_start_matches(',').trim().to_owned(), value));
        rest = &after_name[value_end..];
    }
    labels
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counters_take_their_total_name_and_openmetrics_only_lines_go() {
        let openmetrics = "# HELP agentlab_runs Runs.\n\
                           # TYPE agentlab_runs counter\n\
                           agentlab_runs_total{project=\"a\"} 1\n\
                           agentlab_runs_created{project=\"a\"} 1700000000.0\n\
                           # HELP agentlab_terraform_duration_seconds Time.\n\
                           # TYPE agentlab_terraform_duration_seconds histogram\n\
                           # UNIT agentlab_terraform_duration_seconds seconds\n\
                           agentlab_terraform_duration_seconds_sum{project=\"a\"} 1.5\n\
                           agentlab_terraform_duration_seconds_count{project=\"a\"} 1\n\
                           agentlab_terraform_duration_seconds_bucket{le=\"+Inf\",project=\"a\"} 1\n\
                           # HELP agentlab_eval_pass_ratio Ratio.\n\
                           # TYPE agentlab_eval_pass_ratio gauge\n\
                           agentlab_eval_pass_ratio{scenario=\"s\",model=\"m\"} 0.5\n\
                           # EOF\n";
        let expected = "# HELP agentlab_runs_total Runs.\n\
                        # TYPE agentlab_runs_total counter\n\
                        agentlab_runs_total{project=\"a\"} 1\n\
                        # HELP agentlab_terraform_duration_seconds Time.\n\
                        # TYPE agentlab_terraform_duration_seconds histogram\n\
                        agentlab_terraform_duration_seconds_sum{project=\"a\"} 1.5\n\
                        agentlab_terraform_duration_seconds_count{project=\"a\"} 1\n\
                        agentlab_terraform_duration_seconds_bucket{le=\"+Inf\",project=\"a\"} 1\n\
                        # HELP agentlab_eval_pass_ratio Ratio.\n\
                        # TYPE agentlab_eval_pass_ratio gauge\n\
                        agentlab_eval_pass_ratio{scenario=\"s\",model=\"m\"} 0.5\n";
        assert_eq!(
            openmetrics_to_prometheus_text(openmetrics).unwrap(),
            expected
        );
    }

    #[test]
    fn exemplars_are_dropped_but_label_values_that_look_like_them_stay() {
        let openmetrics = "# TYPE c counter\n\
                           c_total{note=\"a # {b}\"} 1 # {trace=\"x\"} 1.0\n";
        assert_eq!(
            openmetrics_to_prometheus_text(openmetrics).unwrap(),
            "# TYPE c_total counter\nc_total{note=\"a # {b}\"} 1\n"
        );
    }

    #[test]
    fn unknown_becomes_untyped_and_types_without_a_classic_name_are_refused() {
        assert_eq!(
            openmetrics_to_prometheus_text("# TYPE x unknown\nx 1\n").unwrap(),
            "# TYPE x untyped\nx 1\n"
        );
        for metric_type in ["info", "stateset", "gaugehistogram"] {
            let error =
                openmetrics_to_prometheus_text(&format!("# TYPE x {metric_type}\n")).unwrap_err();
            assert!(
                matches!(&error, MetricsError::UnsupportedMetricType { metric_type: t, .. } if t == metric_type),
                "{error}"
            );
        }
    }

    #[test]
    fn label_values_are_read_back_unescaped() {
        let exposition = "# TYPE x gauge\n\
                          x{project=\"a\\\"b\\\\c\\nd\",model=\"m,}=\"} 1\n\
                          x{model=\"n\"} 2\n";
        assert_eq!(label_values(exposition, "project"), ["a\"b\\c\nd"]);
        assert_eq!(label_values(exposition, "model"), ["m,}=", "n"]);
        assert!(label_values(exposition, "job").is_empty());
    }
}
