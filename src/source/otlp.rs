//! `ringside export --otlp`: the only network code in ringside, run only when asked.
//!
//! OTLP/HTTP with JSON bodies (`POST <endpoint>/v1/logs`, `/v1/metrics`), configured by the
//! standard variables: `OTEL_EXPORTER_OTLP_ENDPOINT` (a base URL; `/v1/logs` and `/v1/metrics`
//! are added), `OTEL_EXPORTER_OTLP_LOGS_ENDPOINT` and `..._METRICS_ENDPOINT` (used as they
//! are), `OTEL_EXPORTER_OTLP_HEADERS` and the per-signal `..._HEADERS` (`key=value,…`,
//! percent-encoded values), `OTEL_EXPORTER_OTLP_TIMEOUT` and per-signal `..._TIMEOUT`
//! (milliseconds, 10000 by default), `OTEL_RESOURCE_ATTRIBUTES` and `OTEL_SERVICE_NAME`. A URL
//! given to `--otlp` is the base endpoint and wins over the endpoint variables. Only
//! `http/json` is spoken: another `OTEL_EXPORTER_OTLP_PROTOCOL` is noted and ignored, and
//! bodies go uncompressed. https works (rustls, webpki roots); proxies come from `HTTPS_PROXY`,
//! `HTTP_PROXY`, `ALL_PROXY` and `NO_PROXY`.
//!
//! Delivery: every payload is first written to the destination's spool as a batch file
//! (`spool/<seq>-<id>.json`, written whole and renamed); the export's state is stored after the
//! batches (the commit point: a batch newer than the state's `committed_seq` was made by an
//! export that died before committing, and is deleted, its records made again by the next
//! export). Batches are then posted oldest first. A 2xx appends the batch id to `sent.log`,
//! then deletes the file; a batch whose id is in `sent.log` is never posted again. 429, 502,
//! 503, 504 and transport errors are retried with bounded exponential backoff (honouring a
//! short `Retry-After`); when retries run out, the rest stay in the spool for the next export.
//! Any other answer is permanent: the batch moves to `rejected/` (kept, never lost) and the
//! reason is shown.

use std::fs::OpenOptions;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::atomic::{self, Durability};

/// Where and how to post one signal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoint {
    pub url: String,
    pub headers: Vec<(String, String)>,
    pub timeout: Duration,
}

/// The OTLP settings of one export.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    pub logs: Endpoint,
    pub metrics: Endpoint,
    /// `OTEL_RESOURCE_ATTRIBUTES`, with `service.name` (`OTEL_SERVICE_NAME`, else `ringside`)
    /// and `service.version`.
    pub resource: Vec<(String, String)>,
    /// What was noted and ignored (another protocol, compression, a malformed entry).
    pub notes: Vec<String>,
}

/// The default base endpoint (a collector on this machine).
pub const DEFAULT_ENDPOINT: &str = "http://localhost:4318";
const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);

fn check_url(url: &str, from: &str) -> Result<(), String> {
    let lower = url.to_ascii_lowercase();
    let rest = lower
        .strip_prefix("http://")
        .or_else(|| lower.strip_prefix("https://"));
    match rest {
        Some(r) if !r.is_empty() && !r.starts_with('/') => Ok(()),
        _ => Err(format!(
            "{from} '{url}' is not an http:// or https:// URL. ringside sends OTLP over HTTP \
             with JSON bodies (a collector's otlp receiver, port 4318 by default); gRPC (4317) \
             is not supported"
        )),
    }
}

/// A base URL without a trailing `/`, and without a signal path a user may have pasted.
fn base(url: &str) -> &str {
    let u = url.trim().trim_end_matches('/');
    u.strip_suffix("/v1/logs")
        .or_else(|| u.strip_suffix("/v1/metrics"))
        .unwrap_or(u)
}

/// `key=value,key2=value2` with percent-encoded values (the W3C baggage form the OTLP
/// variables use); malformed entries are noted and skipped.
fn pairs(text: &str, var: &str, notes: &mut Vec<String>) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for item in text.split(',').map(str::trim).filter(|i| !i.is_empty()) {
        match item.split_once('=') {
            Some((k, v)) if !k.trim().is_empty() => {
                out.push((decode(k.trim()), decode(v.trim())));
            }
            _ => notes.push(format!("{var}: ignored '{item}' (not key=value)")),
        }
    }
    out
}

fn decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%'
            && let Some(v) = s
                .get(i + 1..i + 3)
                .and_then(|h| u8::from_str_radix(h, 16).ok())
        {
            out.push(v);
            i += 3;
            continue;
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn merge(into: &mut Vec<(String, String)>, more: Vec<(String, String)>) {
    for (k, v) in more {
        if let Some(e) = into.iter_mut().find(|(x, _)| x.eq_ignore_ascii_case(&k)) {
            e.1 = v;
        } else {
            into.push((k, v));
        }
    }
}

impl Config {
    /// The settings for `--otlp [URL]`, read from the variables through `env`.
    ///
    /// # Errors
    /// A URL that is not http(s).
    pub fn new(
        explicit: Option<&str>,
        env: &dyn Fn(&str) -> Option<String>,
    ) -> Result<Self, String> {
        let var = |k: &str| env(k).filter(|v| !v.trim().is_empty());
        let mut notes = Vec::new();
        let generic = var("OTEL_EXPORTER_OTLP_ENDPOINT");
        let root = match (explicit, &generic) {
            (Some(u), _) => {
                check_url(u.trim(), "--otlp")?;
                base(u).to_owned()
            }
            (None, Some(u)) => {
                check_url(u.trim(), "OTEL_EXPORTER_OTLP_ENDPOINT")?;
                base(u).to_owned()
            }
            (None, None) => DEFAULT_ENDPOINT.to_owned(),
        };
        for p in [
            "OTEL_EXPORTER_OTLP_PROTOCOL",
            "OTEL_EXPORTER_OTLP_LOGS_PROTOCOL",
            "OTEL_EXPORTER_OTLP_METRICS_PROTOCOL",
        ] {
            if let Some(v) = var(p).filter(|v| v.trim() != "http/json") {
                notes.push(format!(
                    "{p}={} ignored: ringside sends http/json",
                    v.trim()
                ));
            }
        }
        for c in [
            "OTEL_EXPORTER_OTLP_COMPRESSION",
            "OTEL_EXPORTER_OTLP_LOGS_COMPRESSION",
            "OTEL_EXPORTER_OTLP_METRICS_COMPRESSION",
        ] {
            if let Some(v) = var(c).filter(|v| v.trim() != "none") {
                notes.push(format!(
                    "{c}={} ignored: ringside sends uncompressed bodies",
                    v.trim()
                ));
            }
        }
        let mut headers = var("OTEL_EXPORTER_OTLP_HEADERS")
            .map(|h| pairs(&h, "OTEL_EXPORTER_OTLP_HEADERS", &mut notes))
            .unwrap_or_default();
        headers.retain(|(k, _)| !k.eq_ignore_ascii_case("content-type"));
        let timeout = |name: &str, fallback: Duration, notes: &mut Vec<String>| match var(name) {
            Some(v) => match v.trim().parse::<u64>() {
                Ok(ms) if ms > 0 => Duration::from_millis(ms),
                _ => {
                    notes.push(format!(
                        "{name}={v} ignored: not a number of milliseconds above 0"
                    ));
                    fallback
                }
            },
            None => fallback,
        };
        let all_timeout = timeout("OTEL_EXPORTER_OTLP_TIMEOUT", DEFAULT_TIMEOUT, &mut notes);
        let mut signal = |sig: &str, path: &str| -> Result<Endpoint, String> {
            let upper = sig.to_ascii_uppercase();
            let ep_var = format!("OTEL_EXPORTER_OTLP_{upper}_ENDPOINT");
            let url = match (explicit, var(&ep_var)) {
                (None, Some(u)) => {
                    check_url(u.trim(), &ep_var)?;
                    u.trim().to_owned()
                }
                _ => format!("{root}{path}"),
            };
            let mut h = headers.clone();
            let hv = format!("OTEL_EXPORTER_OTLP_{upper}_HEADERS");
            if let Some(more) = var(&hv) {
                merge(&mut h, pairs(&more, &hv, &mut notes));
            }
            h.retain(|(k, _)| !k.eq_ignore_ascii_case("content-type"));
            let t = timeout(
                &format!("OTEL_EXPORTER_OTLP_{upper}_TIMEOUT"),
                all_timeout,
                &mut notes,
            );
            Ok(Endpoint {
                url,
                headers: h,
                timeout: t,
            })
        };
        let logs = signal("logs", "/v1/logs")?;
        let metrics = signal("metrics", "/v1/metrics")?;
        let mut resource = vec![("service.name".to_owned(), "ringside".to_owned())];
        if let Some(attrs) = var("OTEL_RESOURCE_ATTRIBUTES") {
            merge(
                &mut resource,
                pairs(&attrs, "OTEL_RESOURCE_ATTRIBUTES", &mut notes),
            );
        }
        if let Some(name) = var("OTEL_SERVICE_NAME") {
            merge(
                &mut resource,
                vec![("service.name".into(), name.trim().to_owned())],
            );
        }
        merge(
            &mut resource,
            vec![(
                "service.version".into(),
                env!("CARGO_PKG_VERSION").to_owned(),
            )],
        );
        Ok(Self {
            logs,
            metrics,
            resource,
            notes,
        })
    }
}

/// Which signal a batch carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Signal {
    Logs,
    Metrics,
}

/// One spooled payload.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Batch {
    pub id: String,
    pub seq: u64,
    pub signal: Signal,
    /// Log records or data points in it (for the progress line and the summary).
    pub items: u64,
    /// The request body, exactly as posted.
    pub body: String,
}

/// A destination's spool folder.
#[derive(Debug, Clone)]
pub struct Spool {
    dir: PathBuf,
}

/// What a spool folder held when opened.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Reconciled {
    /// Batches sent before whose files were still there (deleted now).
    pub already_sent: usize,
    /// Batches an interrupted export made but never committed (deleted now; their records are
    /// made again).
    pub uncommitted: usize,
    /// Files that are not batches (damaged): moved to `rejected/`.
    pub damaged: usize,
}

fn fs_err(what: &str, p: &Path, e: &std::io::Error) -> String {
    format!("{what} {}: {e}", p.display())
}

impl Spool {
    /// The spool of the destination whose state folder is `dest_dir`.
    #[must_use]
    pub fn new(dest_dir: &Path) -> Self {
        Self {
            dir: dest_dir.to_path_buf(),
        }
    }

    fn batches_dir(&self) -> PathBuf {
        self.dir.join("spool")
    }

    /// Where rejected batches are kept.
    #[must_use]
    pub fn rejected_dir(&self) -> PathBuf {
        self.dir.join("rejected")
    }

    fn sent_log(&self) -> PathBuf {
        self.dir.join("sent.log")
    }

    fn sent_ids(&self) -> std::collections::HashSet<String> {
        std::fs::read_to_string(self.sent_log())
            .unwrap_or_default()
            .lines()
            .map(|l| l.trim().to_owned())
            .filter(|l| !l.is_empty())
            .collect()
    }

    /// Spooled batch files, oldest first, with the number and id their names give.
    fn files(&self) -> Vec<(u64, String, PathBuf)> {
        let Ok(rd) = std::fs::read_dir(self.batches_dir()) else {
            return Vec::new();
        };
        let mut out: Vec<(u64, String, PathBuf)> = rd
            .flatten()
            .filter_map(|e| {
                let name = e.file_name().to_string_lossy().into_owned();
                let stem = name.strip_suffix(".json")?;
                let (seq, id) = stem.split_once('-')?;
                Some((seq.parse().ok()?, id.to_owned(), e.path()))
            })
            .collect();
        out.sort();
        out
    }

    /// Brings the spool in line with the state: deletes what was sent and what was never
    /// committed; forgets sent ids no file needs any more.
    ///
    /// # Errors
    /// When a file cannot be removed or moved.
    pub fn reconcile(&self, committed_seq: u64) -> Result<Reconciled, String> {
        let sent = self.sent_ids();
        let mut r = Reconciled::default();
        for (seq, id, path) in self.files() {
            if sent.contains(&id) {
                std::fs::remove_file(&path).map_err(|e| fs_err("cannot remove", &path, &e))?;
                r.already_sent += 1;
            } else if seq > committed_seq {
                std::fs::remove_file(&path).map_err(|e| fs_err("cannot remove", &path, &e))?;
                r.uncommitted += 1;
            }
        }
        // Stray files (a temporary file of a crashed write, something else) leave the spool.
        if let Ok(rd) = std::fs::read_dir(self.batches_dir()) {
            for e in rd.flatten() {
                let name = e.file_name().to_string_lossy().into_owned();
                let batch = name
                    .strip_suffix(".json")
                    .and_then(|s| s.split_once('-'))
                    .is_some_and(|(seq, _)| seq.parse::<u64>().is_ok());
                if batch {
                    continue;
                }
                if name.starts_with('.') && name.ends_with(atomic::TMP_SUFFIX) {
                    let _ = std::fs::remove_file(e.path());
                } else {
                    self.reject(&e.path())?;
                    r.damaged += 1;
                }
            }
        }
        if self.sent_log().exists() {
            std::fs::remove_file(self.sent_log())
                .map_err(|e| fs_err("cannot remove", &self.sent_log(), &e))?;
        }
        Ok(r)
    }

    /// The highest batch number spooled or rejected (the next gets one more).
    #[must_use]
    pub fn last_seq(&self) -> u64 {
        self.files().last().map_or(0, |(s, _, _)| *s)
    }

    /// Writes a batch (whole, then renamed into place).
    ///
    /// # Errors
    /// When it cannot be written.
    pub fn put(&self, batch: &Batch) -> Result<(), String> {
        let path = self
            .batches_dir()
            .join(format!("{:08}-{}.json", batch.seq, batch.id));
        let bytes = serde_json::to_vec(batch).map_err(|e| e.to_string())?;
        atomic::write(&path, &bytes, Durability::Synced)
            .map_err(|e| fs_err("cannot spool a batch to", &path, &e))
    }

    /// Batches waiting, oldest first; a file that does not parse moves to `rejected/`.
    #[must_use]
    pub fn pending(&self) -> (Vec<Batch>, usize) {
        let mut damaged = 0;
        let mut out = Vec::new();
        for (_, _, path) in self.files() {
            match std::fs::read(&path)
                .ok()
                .and_then(|b| serde_json::from_slice::<Batch>(&b).ok())
            {
                Some(b) => out.push(b),
                None => {
                    if self.reject(&path).is_ok() {
                        damaged += 1;
                    }
                }
            }
        }
        (out, damaged)
    }

    fn reject(&self, path: &Path) -> Result<(), String> {
        let dir = self.rejected_dir();
        std::fs::create_dir_all(&dir).map_err(|e| fs_err("cannot create", &dir, &e))?;
        let to = dir.join(path.file_name().unwrap_or_default());
        std::fs::rename(path, &to).map_err(|e| fs_err("cannot move", path, &e))
    }

    /// Records a batch as delivered: its id goes to `sent.log` (flushed to disk) before its
    /// file is deleted, so it is never posted twice.
    ///
    /// # Errors
    /// When the log cannot be written or the file removed.
    pub fn sent(&self, batch: &Batch) -> Result<(), String> {
        let log = self.sent_log();
        let mut f = OpenOptions::new()
            .create(true)
            .append(true)
            .open(&log)
            .map_err(|e| fs_err("cannot open", &log, &e))?;
        f.write_all(format!("{}\n", batch.id).as_bytes())
            .and_then(|()| f.sync_data())
            .map_err(|e| fs_err("cannot write", &log, &e))?;
        let path = self
            .batches_dir()
            .join(format!("{:08}-{}.json", batch.seq, batch.id));
        std::fs::remove_file(&path).map_err(|e| fs_err("cannot remove", &path, &e))
    }

    /// Moves a batch the collector refused for good to `rejected/`, with the answer beside it.
    ///
    /// # Errors
    /// When it cannot be moved.
    pub fn refused(&self, batch: &Batch, why: &str) -> Result<PathBuf, String> {
        let name = format!("{:08}-{}.json", batch.seq, batch.id);
        self.reject(&self.batches_dir().join(&name))?;
        let note = self.rejected_dir().join(format!("{name}.reason"));
        let _ = std::fs::write(&note, why);
        Ok(self.rejected_dir().join(name))
    }
}

/// How one post went.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Answer {
    /// A 2xx.
    Delivered,
    /// Worth trying again (429, 502, 503, 504, or no answer), after the server's `Retry-After`
    /// when it gave one.
    Retry {
        why: String,
        after: Option<Duration>,
    },
    /// Any other answer: trying again would not help.
    Refused(String),
}

/// Posts one body.
fn post(agent: &ureq::Agent, ep: &Endpoint, body: &str) -> Answer {
    let mut req = agent
        .post(&ep.url)
        .header("content-type", "application/json");
    for (k, v) in &ep.headers {
        req = req.header(k.as_str(), v.as_str());
    }
    let req = req
        .config()
        .timeout_global(Some(ep.timeout))
        .http_status_as_error(false)
        .build();
    match req.send(body) {
        Ok(mut resp) => {
            let status = resp.status().as_u16();
            let after = resp
                .headers()
                .get("retry-after")
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.trim().parse::<u64>().ok())
                .map(Duration::from_secs);
            let text = resp
                .body_mut()
                .with_config()
                .limit(4096)
                .read_to_string()
                .unwrap_or_default();
            let why = format!(
                "{} answered {status}{}",
                ep.url,
                if text.trim().is_empty() {
                    String::new()
                } else {
                    format!(": {}", crate::core::sanitize::one_line(text.trim(), 300))
                }
            );
            match status {
                200..=299 => Answer::Delivered,
                429 | 502 | 503 | 504 => Answer::Retry { why, after },
                _ => Answer::Refused(why),
            }
        }
        Err(e) => Answer::Retry {
            why: format!("{}: {e}", ep.url),
            after: None,
        },
    }
}

/// What sending the spool did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Delivery {
    pub batches: usize,
    pub items: u64,
    /// Batches still spooled (the collector did not take them this time), and why.
    pub left: usize,
    pub last_error: Option<String>,
    /// Batches refused for good, moved to `rejected/`.
    pub rejected: Vec<(PathBuf, String)>,
    /// Spool files that were damaged (moved to `rejected/`).
    pub damaged: usize,
}

/// The longest wait between two tries, and the longest `Retry-After` waited for (a longer one
/// leaves the batches for the next export).
const MAX_BACKOFF: Duration = Duration::from_secs(8);
const FIRST_BACKOFF: Duration = Duration::from_millis(250);

/// Posts every spooled batch, oldest first, each tried up to `1 + retries` times with
/// exponential backoff; stops at the first batch that cannot be delivered (the collector is
/// down: the rest would fail alike). `progress` is told each batch done.
#[must_use]
pub fn deliver(config: &Config, spool: &Spool, retries: u32, progress: &dyn Fn(u64)) -> Delivery {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .user_agent(format!("ringside/{}", env!("CARGO_PKG_VERSION")))
        .max_redirects(0)
        .build()
        .into();
    let (batches, damaged) = spool.pending();
    let mut d = Delivery {
        damaged,
        ..Delivery::default()
    };
    let total = batches.len();
    for (i, b) in batches.iter().enumerate() {
        let ep = match b.signal {
            Signal::Logs => &config.logs,
            Signal::Metrics => &config.metrics,
        };
        let mut wait = FIRST_BACKOFF;
        let mut attempt = 0;
        let answer = loop {
            let a = post(&agent, ep, &b.body);
            match &a {
                Answer::Retry { after, .. } if attempt < retries => {
                    let pause = after.unwrap_or(wait);
                    if pause > MAX_BACKOFF {
                        break a;
                    }
                    std::thread::sleep(pause);
                    wait = (wait * 2).min(MAX_BACKOFF);
                    attempt += 1;
                }
                _ => break a,
            }
        };
        match answer {
            Answer::Delivered => {
                if let Err(e) = spool.sent(b) {
                    d.last_error = Some(e);
                    d.left = total - i;
                    return d;
                }
                d.batches += 1;
                d.items += b.items;
                progress(b.items);
            }
            Answer::Refused(why) => match spool.refused(b, &why) {
                Ok(p) => d.rejected.push((p, why)),
                Err(e) => {
                    d.last_error = Some(format!("{why}; {e}"));
                    d.left = total - i;
                    return d;
                }
            },
            Answer::Retry { why, .. } => {
                d.last_error = Some(why);
                d.left = total - i;
                return d;
            }
        }
    }
    d
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env_of<'a>(vars: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<String> + 'a {
        move |k| {
            vars.iter()
                .find(|(n, _)| *n == k)
                .map(|(_, v)| (*v).to_owned())
        }
    }

    #[test]
    fn endpoints_headers_and_timeouts_follow_the_standard_variables() {
        let vars = [
            ("OTEL_EXPORTER_OTLP_ENDPOINT", "https://otel.example:4318/"),
            (
                "OTEL_EXPORTER_OTLP_METRICS_ENDPOINT",
                "http://metrics:9000/m",
            ),
            (
                "OTEL_EXPORTER_OTLP_HEADERS",
                "Authorization=Bearer%20abc,x-team=core,bad",
            ),
            ("OTEL_EXPORTER_OTLP_LOGS_HEADERS", "x-team=logs"),
            ("OTEL_EXPORTER_OTLP_TIMEOUT", "2500"),
            ("OTEL_EXPORTER_OTLP_METRICS_TIMEOUT", "700"),
            ("OTEL_EXPORTER_OTLP_PROTOCOL", "grpc"),
            (
                "OTEL_RESOURCE_ATTRIBUTES",
                "team.id=platform,service.name=x",
            ),
            ("OTEL_SERVICE_NAME", "ringside-laptops"),
        ];
        let c = Config::new(None, &env_of(&vars)).unwrap();
        assert_eq!(c.logs.url, "https://otel.example:4318/v1/logs");
        assert_eq!(c.metrics.url, "http://metrics:9000/m");
        assert_eq!(
            c.logs.headers,
            vec![
                ("Authorization".into(), "Bearer abc".into()),
                ("x-team".into(), "logs".into())
            ]
        );
        assert_eq!(c.metrics.headers[1], ("x-team".into(), "core".into()));
        assert_eq!(c.logs.timeout, Duration::from_millis(2500));
        assert_eq!(c.metrics.timeout, Duration::from_millis(700));
        assert!(c.notes.iter().any(|n| n.contains("'bad'")), "{:?}", c.notes);
        assert!(c.notes.iter().any(|n| n.contains("grpc")), "{:?}", c.notes);
        assert_eq!(
            c.resource[0],
            ("service.name".into(), "ringside-laptops".into())
        );
        assert!(c.resource.contains(&("team.id".into(), "platform".into())));
        // An explicit URL is the base for both signals, a pasted signal path included.
        let c = Config::new(Some("http://127.0.0.1:4318/v1/logs"), &env_of(&vars)).unwrap();
        assert_eq!(c.logs.url, "http://127.0.0.1:4318/v1/logs");
        assert_eq!(c.metrics.url, "http://127.0.0.1:4318/v1/metrics");
        // Nothing set: the local collector.
        let c = Config::new(None, &env_of(&[])).unwrap();
        assert_eq!(c.logs.url, "http://localhost:4318/v1/logs");
        assert_eq!(c.logs.timeout, Duration::from_secs(10));
        assert!(c.notes.is_empty());
        for bad in ["localhost:4317", "grpc://x", "http://", "ftp://x"] {
            let e = Config::new(Some(bad), &env_of(&[])).unwrap_err();
            assert!(e.contains("not an http"), "{e}");
        }
    }

    fn batch(seq: u64, id: &str) -> Batch {
        Batch {
            id: id.into(),
            seq,
            signal: Signal::Logs,
            items: 1,
            body: "{}".into(),
        }
    }

    #[test]
    fn the_spool_keeps_what_was_committed_and_never_what_was_sent() {
        let dir = tempfile::tempdir().unwrap();
        let s = Spool::new(dir.path());
        for (seq, id) in [(1, "a"), (2, "b"), (3, "c")] {
            s.put(&batch(seq, id)).unwrap();
        }
        assert_eq!(s.last_seq(), 3);
        // "a" was delivered, but the export died before deleting its file; "c" was spooled
        // by an export that died before committing its state (committed_seq 2).
        std::fs::write(dir.path().join("sent.log"), "a\n").unwrap();
        let r = s.reconcile(2).unwrap();
        assert_eq!((r.already_sent, r.uncommitted, r.damaged), (1, 1, 0));
        let (left, damaged) = s.pending();
        assert_eq!(damaged, 0);
        assert_eq!(left, vec![batch(2, "b")]);
        s.sent(&left[0]).unwrap();
        assert!(s.pending().0.is_empty());
        assert_eq!(s.sent_ids().len(), 1);
        // A damaged batch file is kept aside, not lost and not posted.
        std::fs::write(s.batches_dir().join("00000009-z.json"), "{torn").unwrap();
        let (left, damaged) = s.pending();
        assert!(left.is_empty());
        assert_eq!(damaged, 1);
        assert!(s.rejected_dir().join("00000009-z.json").exists());
    }
}
