//! The export's records as OTLP/HTTP JSON payloads (`ExportLogsServiceRequest`,
//! `ExportMetricsServiceRequest`, opentelemetry-proto's JSON mapping: lowerCamelCase keys,
//! 64-bit integers as decimal strings, enums as integers). Pure: sending is the edge's
//! (`source::otlp`).
//!
//! Logs: one event per session (`ringside.session`) and per prompt (`ringside.prompt`). Each
//! carries `session.id` and `gen_ai.conversation.id` (the record's `session_id`: a pseudonym
//! unless the export is `--with-names`, when it is Claude Code's own session id and so joins
//! Claude Code's telemetry), `gen_ai.agent.name`, `gen_ai.provider.name`, the session's
//! `gen_ai.request.model`, the batch id `ringside.batch.id`, and every field of the record as
//! `ringside.<field>` (nested objects joined with `.`: `ringside.hard_signals.commit`); the body
//! is the record's JSON line, exactly as in the files.
//!
//! Metrics, low-cardinality (no session id on any point), delta sums over the sessions and
//! prompts exported for the first time: `ringside.session.count` by `agent` and `outcome`,
//! `ringside.stall.count` by `agent` and `signal`, and the histogram `ringside.prompt.actions`
//! by `agent` (the review's buckets).

use serde_json::{Map, Value, json};

use super::{PromptRecord, SessionRecord, provider_of};
use crate::core::Millis;
use crate::core::review::BUCKETS;

/// Severity INFO (opentelemetry-proto `SeverityNumber`).
const SEVERITY_INFO: u8 = 9;
/// `AggregationTemporality` DELTA.
const DELTA: u8 = 1;

/// Event names.
pub const SESSION_EVENT: &str = "ringside.session";
pub const PROMPT_EVENT: &str = "ringside.prompt";

/// Who is sending: the resource's attributes (`service.name`, `service.version`, and those of
/// `OTEL_RESOURCE_ATTRIBUTES`) and the instrumentation scope's version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sender {
    pub resource: Vec<(String, String)>,
    pub version: String,
}

fn nanos(m: Millis) -> String {
    u64::try_from(m.0)
        .unwrap_or(0)
        .saturating_mul(1_000_000)
        .to_string()
}

fn string(s: &str) -> Value {
    json!({ "stringValue": s })
}

/// A JSON value as an OTLP `AnyValue`; `None` for null.
fn any(v: &Value) -> Option<Value> {
    Some(match v {
        Value::Null => return None,
        Value::Bool(b) => json!({ "boolValue": b }),
        Value::Number(n) => match (n.as_i64(), n.as_u64()) {
            (Some(i), _) => json!({ "intValue": i.to_string() }),
            (None, Some(u)) => {
                json!({ "intValue": i64::try_from(u).unwrap_or(i64::MAX).to_string() })
            }
            _ => json!({ "doubleValue": n.as_f64().unwrap_or(0.0) }),
        },
        Value::String(s) => string(s),
        Value::Array(a) => {
            json!({ "arrayValue": { "values": a.iter().filter_map(any).collect::<Vec<_>>() } })
        }
        Value::Object(o) => json!({ "kvlistValue": { "values": o
            .iter()
            .filter_map(|(k, v)| Some(json!({ "key": k, "value": any(v)? })))
            .collect::<Vec<_>>() } }),
    })
}

fn kv(key: &str, value: Value) -> Value {
    json!({ "key": key, "value": value })
}

/// `ringside.<field>` attributes of a record, nested objects flattened with `.`.
fn flatten(prefix: &str, o: &Map<String, Value>, out: &mut Vec<Value>) {
    for (k, v) in o {
        let key = format!("{prefix}.{k}");
        match v {
            Value::Object(inner) => flatten(&key, inner, out),
            other => {
                if let Some(a) = any(other) {
                    out.push(kv(&key, a));
                }
            }
        }
    }
}

fn log_record(
    event: &str,
    record: &Value,
    at: Option<&str>,
    model: Option<&str>,
    batch: &str,
    now: Millis,
) -> Value {
    let o = record.as_object().cloned().unwrap_or_default();
    let sid = o.get("session_id").and_then(Value::as_str).unwrap_or("");
    let agent = o.get("agent").and_then(Value::as_str).unwrap_or("");
    let mut attributes = vec![
        kv("event.name", string(event)),
        kv("session.id", string(sid)),
        kv("gen_ai.conversation.id", string(sid)),
        kv("gen_ai.agent.name", string(agent)),
    ];
    if let Some(p) = provider_of(agent) {
        attributes.push(kv("gen_ai.provider.name", string(p)));
    }
    if let Some(m) = model {
        attributes.push(kv("gen_ai.request.model", string(m)));
    }
    attributes.push(kv("ringside.batch.id", string(batch)));
    flatten("ringside", &o, &mut attributes);
    let time = at.and_then(Millis::parse).unwrap_or(now);
    json!({
        "timeUnixNano": nanos(time),
        "observedTimeUnixNano": nanos(now),
        "severityNumber": SEVERITY_INFO,
        "severityText": "INFO",
        "eventName": event,
        "body": string(&record.to_string()),
        "attributes": attributes,
    })
}

fn resource(sender: &Sender) -> Value {
    json!({ "attributes": sender
        .resource
        .iter()
        .map(|(k, v)| kv(k, string(v)))
        .collect::<Vec<_>>() })
}

fn scope(sender: &Sender) -> Value {
    json!({ "name": "ringside", "version": sender.version })
}

/// One `ExportLogsServiceRequest` with these records, tagged with the batch id.
#[must_use]
pub fn logs(
    sender: &Sender,
    sessions: &[SessionRecord],
    prompts: &[PromptRecord],
    batch: &str,
    now: Millis,
) -> Value {
    let mut records = Vec::with_capacity(sessions.len() + prompts.len());
    for s in sessions {
        let v = serde_json::to_value(s).unwrap_or(Value::Null);
        let at = s.last_activity.as_deref().or(s.started.as_deref());
        records.push(log_record(
            SESSION_EVENT,
            &v,
            at,
            s.model.as_deref(),
            batch,
            now,
        ));
    }
    for p in prompts {
        let v = serde_json::to_value(p).unwrap_or(Value::Null);
        records.push(log_record(
            PROMPT_EVENT,
            &v,
            p.started.as_deref(),
            None,
            batch,
            now,
        ));
    }
    json!({ "resourceLogs": [{
        "resource": resource(sender),
        "scopeLogs": [{ "scope": scope(sender), "logRecords": records }],
    }] })
}

/// A session's outcome as one low-cardinality label.
#[must_use]
pub fn outcome(s: &SessionRecord) -> &'static str {
    if s.abandoned {
        "abandoned"
    } else if s.recovered {
        "recovered"
    } else if s.trouble {
        "troubled"
    } else if s.hard_signal {
        "hard_signal"
    } else {
        "none"
    }
}

fn attrs(pairs: &[(&str, &str)]) -> Vec<Value> {
    pairs.iter().map(|(k, v)| kv(k, string(v))).collect()
}

/// One `ExportMetricsServiceRequest` over the sessions and prompts exported for the first time
/// (version 1, not deleted), as deltas from `since` to `now`; `None` when there are none.
#[must_use]
pub fn metrics(
    sender: &Sender,
    sessions: &[SessionRecord],
    prompts: &[PromptRecord],
    since: Millis,
    now: Millis,
) -> Option<Value> {
    use std::collections::BTreeMap;
    let new_sessions: Vec<&SessionRecord> = sessions.iter().filter(|s| s.version == 1).collect();
    let new_prompts: Vec<&PromptRecord> = prompts
        .iter()
        .filter(|p| p.version == 1 && !p.deleted && p.source.is_some())
        .collect();
    if new_sessions.is_empty() && new_prompts.is_empty() {
        return None;
    }
    let (start, end) = (nanos(since.min(now)), nanos(now));
    let mut outcomes: BTreeMap<(&str, &str), u64> = BTreeMap::new();
    let mut stalls: BTreeMap<(&str, &str), u64> = BTreeMap::new();
    for s in &new_sessions {
        *outcomes.entry((&s.agent, outcome(s))).or_default() += 1;
        for f in &s.signals {
            *stalls.entry((&s.agent, &f.id)).or_default() += u64::from(f.firings);
        }
    }
    let bounds: Vec<f64> = BUCKETS[..BUCKETS.len() - 1]
        .iter()
        .map(|(hi, _)| f64::from(*hi))
        .collect();
    let mut hist: BTreeMap<&str, (Vec<u64>, u64, u64)> = BTreeMap::new();
    for p in &new_prompts {
        let h = hist
            .entry(&p.agent)
            .or_insert_with(|| (vec![0; BUCKETS.len()], 0, 0));
        let a = p.figures.actions;
        let i = BUCKETS
            .iter()
            .position(|(hi, _)| a <= u64::from(*hi))
            .unwrap_or(BUCKETS.len() - 1);
        if let Some(b) = h.0.get_mut(i) {
            *b += 1;
        }
        h.1 += 1;
        h.2 += a;
    }
    let sum = |points: Vec<Value>| json!({ "aggregationTemporality": DELTA, "isMonotonic": true, "dataPoints": points });
    let point = |a: Vec<Value>, n: u64| json!({ "attributes": a, "startTimeUnixNano": start, "timeUnixNano": end, "asInt": n.to_string() });
    let mut list = Vec::new();
    if !outcomes.is_empty() {
        list.push(json!({
            "name": "ringside.session.count",
            "description": "Sessions exported for the first time, by outcome",
            "unit": "{session}",
            "sum": sum(outcomes.iter().map(|((agent, o), n)| point(attrs(&[("agent", agent), ("outcome", o)]), *n)).collect()),
        }));
    }
    if !stalls.is_empty() {
        list.push(json!({
            "name": "ringside.stall.count",
            "description": "Signal firings in the sessions exported for the first time",
            "unit": "{firing}",
            "sum": sum(stalls.iter().map(|((agent, id), n)| point(attrs(&[("agent", agent), ("signal", id)]), *n)).collect()),
        }));
    }
    if !hist.is_empty() {
        list.push(json!({
            "name": "ringside.prompt.actions",
            "description": "Agent actions per prompt, prompts exported for the first time",
            "unit": "{action}",
            "histogram": {
                "aggregationTemporality": DELTA,
                "dataPoints": hist.iter().map(|(agent, (buckets, count, total))| json!({
                    "attributes": attrs(&[("agent", agent)]),
                    "startTimeUnixNano": start,
                    "timeUnixNano": end,
                    "count": count.to_string(),
                    "sum": *total as f64,
                    "bucketCounts": buckets.iter().map(u64::to_string).collect::<Vec<_>>(),
                    "explicitBounds": bounds,
                })).collect::<Vec<_>>(),
            },
        }));
    }
    Some(json!({ "resourceMetrics": [{
        "resource": resource(sender),
        "scopeMetrics": [{ "scope": scope(sender), "metrics": list }],
    }] }))
}
