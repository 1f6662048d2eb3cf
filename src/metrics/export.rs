//! Getting the metrics out: a PUT to a Prometheus Pushgateway, or a file for node_exporter's textfile collector.
//!
//! Both send the classic text format (see [`super::exposition`]). A Pushgateway group is keyed by job and the
//! grouping labels the caller picks (project, never a run id: a group per run would pile up forever). A PUT
//! replaces the whole group, so a rerun of the same project overwrites its previous numbers. The textfile is
//! written next to its final place and renamed, so a scrape never reads half a file.

use prometheus_client::registry::Registry;
use reqwest::Url;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::time::Duration;

use super::MetricsError;
use super::exposition::{encode_prometheus_text, label_values};
use crate::error_chain::error_chain;

/// How long a push may take before it is given up: a Pushgateway that hangs must not hold up a deployment.
pub const DEFAULT_PUSH_TIMEOUT: Duration = Duration::from_secs(10);

/// The content type of the classic text format, the one the Pushgateway parses.
const PROMETHEUS_TEXT_CONTENT_TYPE: &str = "text/plain; version=0.0.4; charset=utf-8";

/// How much of a refusal's body goes into the error.
const REFUSAL_BODY_LIMIT: usize = 500;

/// Replaces the group `job` + `grouping` on the Pushgateway at `url` with the registry's metrics, giving up after
/// [`DEFAULT_PUSH_TIMEOUT`].
pub async fn push_to_gateway(
    url: &str,
    job: &str,
    grouping: &[(&str, &str)],
    registry: &Registry,
) -> Result<(), MetricsError> {
    push_to_gateway_with_timeout(url, job, grouping, registry, DEFAULT_PUSH_TIMEOUT).await
}

/// [`push_to_gateway`] with a caller-chosen timeout for the whole request.
pub async fn push_to_gateway_with_timeout(
    url: &str,
    job: &str,
    grouping: &[(&str, &str)],
    registry: &Registry,
    timeout: Duration,
) -> Result<(), MetricsError> {
    let push_url = pushgateway_group_url(url, job, grouping)?;
    let shown_url = url_without_credentials(&push_url);
    let body = encode_prometheus_text(registry)?;
    refuse_grouping_conflicts(&body, grouping)?;

    let client = reqwest::Client::builder()
        .timeout(timeout)
        .build()
        .map_err(|source| MetricsError::PushFailed {
            url: shown_url.clone(),
            reason: error_chain(&source),
        })?;
    let failed = |source: reqwest::Error| {
        if source.is_timeout() {
            MetricsError::PushTimedOut {
                url: shown_url.clone(),
                timeout,
            }
        } else {
            MetricsError::PushFailed {
                url: shown_url.clone(),
                reason: error_chain(&source.without_url()),
            }
        }
    };
    let response = client
        .put(push_url)
        .header(reqwest::header::CONTENT_TYPE, PROMETHEUS_TEXT_CONTENT_TYPE)
        .body(body)
        .send()
        .await
        .map_err(failed)?;
    let status = response.status();
    if status.is_success() {
        return Ok(());
    }
    let body = response.text().await.unwrap_or_default();
    Err(MetricsError::PushRejected {
        url: shown_url,
        status: status.as_u16(),
        body: body.trim().chars().take(REFUSAL_BODY_LIMIT).collect(),
    })
}

/// `{url}/metrics/job/{job}/{label}/{value}...`, with values that are not plain URL path text base64url-encoded the
/// way the Pushgateway documents (`{label}@base64/{encoded}`).
pub fn pushgateway_group_url(
    url: &str,
    job: &str,
    grouping: &[(&str, &str)],
) -> Result<Url, MetricsError> {
    let invalid_url = |problem: &str| MetricsError::InvalidPushgatewayUrl {
        url: url.to_owned(),
        problem: problem.to_owned(),
    };
    let mut parsed = Url::parse(url).map_err(|error| invalid_url(&error.to_string()))?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err(invalid_url("the scheme must be http or https"));
    }
    if parsed.query().is_some() || parsed.fragment().is_some() {
        return Err(invalid_url("it must not have a query or a fragment"));
    }
    if job.is_empty() {
        return Err(MetricsError::InvalidGrouping {
            problem: "the job name is empty".to_owned(),
        });
    }
    let mut path = parsed.path().trim_end_matches('/').to_owned();
    path.push_str("/metrics");
    push_label_segments(&mut path, "job", job);
    let mut seen = vec!["job"];
    for (name, value) in grouping {
        if !is_label_name(name) {
            return Err(MetricsError::InvalidGrouping {
                problem: format!(
                    "`{name}` is not a label name (letters, digits, underscores; not starting with a digit or `__`)"
                ),
            });
        }
        if seen.contains(name) {
            return Err(MetricsError::InvalidGrouping {
                problem: format!("label `{name}` appears twice (job is always part of the group)"),
            });
        }
        seen.push(name);
        push_label_segments(&mut path, name, value);
    }
    parsed.set_path(&path);
    Ok(parsed)
}

fn push_label_segments(path: &mut String, name: &str, value: &str) {
    let plain = !value.is_empty()
        && value != "."
        && value != ".."
        && value
            .bytes()
            .all(|byte| byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.' | b'~'));
    if plain {
        path.push_str(&format!("/{name}/{value}"));
    } else if value.is_empty() {
        // The Pushgateway's spelling of an empty value: base64 of nothing, written as a lone padding sign.
        path.push_str(&format!("/{name}@base64/="));
    } else {
        path.push_str(&format!("/{name}@base64/{}", base64url(value.as_bytes())));
    }
}

fn is_label_name(name: &str) -> bool {
    let mut bytes = name.bytes();
    let first_ok = bytes
        .next()
        .is_some_and(|first| first.is_ascii_alphabetic() || first == b'_');
    first_ok
        && !name.starts_with("__")
        && bytes.all(|byte| byte.is_ascii_alphanumeric() || byte == b'_')
}

/// RFC 4648 §5 base64url with padding (no crate in the dependency tree is worth adding for twenty lines).
fn base64url(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut encoded = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let group = (u32::from(chunk[0]) << 16)
            | (u32::from(chunk.get(1).copied().unwrap_or(0)) << 8)
            | u32::from(chunk.get(2).copied().unwrap_or(0));
        let symbols = chunk.len() + 1;
        for position in 0..4 {
            if position < symbols {
                let index = (group >> (18 - 6 * position)) & 0x3f;
                encoded.push(char::from(ALPHABET[index as usize]));
            } else {
                encoded.push('=');
            }
        }
    }
    encoded
}

/// The Pushgateway overwrites a pushed metric's label with the grouping value of the same name; metrics of
/// project `a` pushed into group `project=b` would silently become `b`'s. Refuse that instead.
fn refuse_grouping_conflicts(
    exposition: &str,
    grouping: &[(&str, &str)],
) -> Result<(), MetricsError> {
    for (label, grouping_value) in grouping {
        if let Some(metric_value) = label_values(exposition, label)
            .into_iter()
            .find(|value| value != grouping_value)
        {
            return Err(MetricsError::GroupingConflict {
                label: (*label).to_owned(),
                grouping_value: (*grouping_value).to_owned(),
                metric_value,
            });
        }
    }
    Ok(())
}

/// The URL as it may appear in an error or a log: a Pushgateway behind basic auth carries a password in it.
fn url_without_credentials(url: &Url) -> String {
    let mut shown = url.clone();
    // Both setters fail only for URLs that cannot have credentials, which then have none to hide.
    let _ = shown.set_username("");
    let _ = shown.set_password(None);
    shown.to_string()
}

/// Writes the registry to `path` in the textfile collector's format, atomically: into a temporary file in the same
/// folder (a name node_exporter ignores, as it reads only `*.prom`), flushed to disk, then renamed over `path`.
pub fn write_textfile(path: &Path, registry: &Registry) -> Result<(), MetricsError> {
    let text = encode_prometheus_text(registry)?;
    let file_name = path
        .file_name()
        .ok_or_else(|| MetricsError::TextfilePathHasNoFileName {
            path: path.to_owned(),
        })?;
    let folder = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent.to_owned(),
        _ => PathBuf::from("."),
    };
    let mut temporary_name = std::ffi::OsString::from(".");
    temporary_name.push(file_name);
    temporary_name.push(format!(".{}.tmp", std::process::id()));
    let temporary = folder.join(temporary_name);
    let written = write_and_sync(&temporary, text.as_bytes())
        .and_then(|()| std::fs::rename(&temporary, path));
    written.map_err(|source| {
        // Best effort: a leftover temporary file is harmless to the collector, the error below is what matters.
        let _ = std::fs::remove_file(&temporary);
        MetricsError::TextfileWrite {
            path: path.to_owned(),
            source,
        }
    })
}

fn write_and_sync(path: &Path, contents: &[u8]) -> std::io::Result<()> {
    let mut file = std::fs::File::create(path)?;
    file.write_all(contents)?;
    file.sync_all()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64url_matches_rfc_4648_vectors() {
        for (input, expected) in [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
            ("a/b?", "YS9iPw=="),
            ("\u{fb}\u{ff}", "w7vDvw=="),
        ] {
            assert_eq!(base64url(input.as_bytes()), expected, "{input:?}");
        }
    }

    #[test]
    fn group_url_has_plain_and_encoded_segments() {
        let check = |url: &str, grouping: &[(&str, &str)], expected: &str| {
            assert_eq!(
                pushgateway_group_url(url, "agentlab", grouping)
                    .unwrap()
                    .as_str(),
                expected
            );
        };
        check(
            "http://127.0.0.1:9091",
            &[("project", "lxc-fleet")],
            "http://127.0.0.1:9091/metrics/job/agentlab/project/lxc-fleet",
        );
        check(
            "http://gw:9091/prefix/",
            &[("project", "a/b"), ("mode", "")],
            "http://gw:9091/prefix/metrics/job/agentlab/project@base64/YS9i/mode@base64/=",
        );
        check(
            "http://gw",
            &[("project", "..")],
            "http://gw/metrics/job/agentlab/project@base64/Li4=",
        );
    }

    #[test]
    fn bad_urls_and_groupings_are_refused_with_the_reason() {
        let refused = |url: &str, job: &str, grouping: &[(&str, &str)]| {
            pushgateway_group_url(url, job, grouping)
                .unwrap_err()
                .to_string()
        };
        assert!(refused("not a url", "j", &[]).contains("not usable"));
        assert!(refused("ftp://gw", "j", &[]).contains("http or https"));
        assert!(refused("http://gw?x=1", "j", &[]).contains("query"));
        assert!(refused("http://gw", "", &[]).contains("job name is empty"));
        assert!(refused("http://gw", "j", &[("1x", "v")]).contains("not a label name"));
        assert!(refused("http://gw", "j", &[("__x", "v")]).contains("not a label name"));
        assert!(refused("http://gw", "j", &[("job", "v")]).contains("appears twice"));
    }

    #[test]
    fn credentials_never_appear_in_the_shown_url() {
        let url = pushgateway_group_url("http://user:s3cret@gw:9091", "j", &[]).unwrap();
        let shown = url_without_credentials(&url);
        assert!(
            !shown.contains("s3cret") && !shown.contains("user"),
            "{shown}"
        );
    }

    #[test]
    fn a_grouping_label_that_disagrees_with_the_metrics_is_a_conflict() {
        let exposition = "# TYPE agentlab_runs_total counter\n\
                          agentlab_runs_total{project=\"a\",mode=\"plan\"} 1\n";
        assert!(refuse_grouping_conflicts(exposition, &[("project", "a")]).is_ok());
        assert!(refuse_grouping_conflicts(exposition, &[("instance", "x")]).is_ok());
        let error = refuse_grouping_conflicts(exposition, &[("project", "b")]).unwrap_err();
        assert!(
            matches!(&error, MetricsError::GroupingConflict { metric_value, .. } if metric_value == "a"),
            "{error}"
        );
    }
}
