"""Reads a `ringside export` with real engines and prints what they found, as JSON on stdout.

Run by tests/team_engines.rs (never on its own in CI):

    python check.py tables SPEC
        SPEC is a JSON list of jobs {"name", "sessions", "prompts" (file globs), "since",
        "until", "bodies" (optional)}. Per job: DuckDB over the files with docs/team/duckdb.sql;
        chDB (ClickHouse in-process) with docs/team/clickhouse-tables.sql and
        docs/team/clickhouse.sql, fed from the files, and, when "bodies" (a file of OTLP log
        request bodies, one per line) is given, fed again from those through the otel_logs
        materialized views; and every record checked against docs/export.schema.json.
    python check.py proto BODIES
        Every body parsed strictly (unknown fields are errors) as an ExportLogsServiceRequest or
        ExportMetricsServiceRequest with opentelemetry-proto's JSON mapping; the log records and
        metrics it holds.

SINCE and UNTIL are RFC 3339 UTC times. Versions are printed under "versions".
"""

import datetime
import decimal
import json
import os
import re
import sys
import tempfile

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")


def queries(path):
    """The named queries of a SQL file: (preamble, [(name, sql)])."""
    text = open(os.path.join(ROOT, path), encoding="utf-8").read()
    parts = re.split(r"^-- query: (\w+)\s*$", text, flags=re.M)
    return parts[0], list(zip(parts[1::2], parts[2::2]))


def plain(v):
    if isinstance(v, decimal.Decimal):
        return float(v)
    if isinstance(v, (datetime.date, datetime.datetime)):
        return v.isoformat()
    return v


def duckdb_figures(job, since, until):
    import duckdb

    con = duckdb.connect()
    for k, v in [("sessions_files", job["sessions"]), ("prompts_files", job["prompts"])]:
        con.execute(f"SET VARIABLE {k} = ?", [v])
    con.execute(f"SET VARIABLE since = TIMESTAMPTZ '{since}'")
    con.execute(f"SET VARIABLE until = TIMESTAMPTZ '{until}'")
    pre, named = queries("docs/team/duckdb.sql")
    con.execute(pre)
    result = {}
    for name, sql in named:
        rel = con.sql(sql)
        cols = rel.columns
        result[name] = [dict(zip(cols, map(plain, row))) for row in rel.fetchall()]
    return result


def ch_statements(sql):
    return [s.strip() for s in re.split(r";\s*\n", sql) if s.strip() and not all(
        l.strip().startswith("--") or not l.strip() for l in s.splitlines())]


def ch_rows(sess, sql):
    text = str(sess.query(sql, "JSONEachRow"))
    return [json.loads(l) for l in text.splitlines() if l.strip()]


def clickhouse_figures(job, since, until, bodies):
    from chdb import session

    work = tempfile.mkdtemp(prefix="ringside-chdb-")
    sess = session.Session(work)
    sess.query("CREATE DATABASE IF NOT EXISTS team")
    sess.query("USE team")
    # The exporter's table, with the columns the views read.
    sess.query(
        "CREATE TABLE otel_logs (Timestamp DateTime64(9), Body String, "
        "LogAttributes Map(LowCardinality(String), String)) ENGINE = MergeTree ORDER BY Timestamp"
    )
    tables = open(os.path.join(ROOT, "docs/team/clickhouse-tables.sql"), encoding="utf-8").read()
    for st in ch_statements(tables):
        sess.query(st)
    pre, named = queries("docs/team/clickhouse.sql")
    ch_since = since.replace("T", " ").replace("Z", "")
    ch_until = until.replace("T", " ").replace("Z", "")

    def run():
        out = {}
        for name, sql in named:
            q = (
                f"SET param_since = '{ch_since}';\nSET param_until = '{ch_until}';\n"
                "SET output_format_json_quote_64bit_integers = 0;\n" + sql.strip().rstrip(";")
            )
            out[name] = ch_rows(sess, q)
        return out

    result = {}
    if bodies is None:
        for t, path in [("ringside_sessions", job["sessions"]), ("ringside_prompts", job["prompts"])]:
            # Twice: a file loaded again changes nothing (the highest version per key wins).
            for _ in range(2):
                sess.query(f"INSERT INTO {t} SELECT * FROM file('{path}', JSONEachRow)")
        result["files"] = run()
    else:
        rows = []
        for line in open(bodies, encoding="utf-8"):
            if not line.strip():
                continue
            req = json.loads(line)
            for rl in req.get("resourceLogs", []):
                for sl in rl.get("scopeLogs", []):
                    for r in sl.get("logRecords", []):
                        attrs = {
                            a["key"]: a["value"]["stringValue"]
                            for a in r.get("attributes", [])
                            if "stringValue" in a["value"]
                        }
                        rows.append(
                            {
                                "Timestamp": int(r["timeUnixNano"]) / 1e9,
                                "Body": r["body"]["stringValue"],
                                "LogAttributes": attrs,
                            }
                        )
        data = "\n".join(json.dumps(r) for r in rows)
        path = os.path.join(work, "otel_logs.jsonl")
        with open(path, "w", encoding="utf-8") as f:
            f.write(data)
        sess.query(
            f"INSERT INTO otel_logs SELECT * FROM file('{path}', JSONEachRow, "
            "'Timestamp Float64, Body String, LogAttributes Map(String, String)')"
        )
        result["otlp"] = run()
        result["otel_logs_rows"] = len(rows)
    sess.close()
    return result


def schema_errors(job):
    import glob

    import jsonschema

    schema = json.load(open(os.path.join(ROOT, "docs/export.schema.json"), encoding="utf-8"))
    errors = []
    checked = 0
    files = [(f, "session") for f in sorted(glob.glob(job["sessions"]))]
    files += [(f, "prompt") for f in sorted(glob.glob(job["prompts"]))]
    for name, kind in files:
        sub = {"$ref": f"#/$defs/{kind}", "$defs": schema["$defs"]}
        validator = jsonschema.Draft202012Validator(sub, format_checker=jsonschema.FormatChecker())
        for i, line in enumerate(open(name, encoding="utf-8"), 1):
            rec = json.loads(line)
            checked += 1
            for e in validator.iter_errors(rec):
                errors.append(f"{name}:{i}: {e.message}")
                if len(errors) > 20:
                    return checked, errors
    return checked, errors


def versions():
    import chdb
    import duckdb
    import google.protobuf
    import jsonschema  # noqa: F401
    from importlib.metadata import version

    return {
        "duckdb": duckdb.__version__,
        "chdb": chdb.__version__,
        "clickhouse": str(chdb.query("SELECT version()", "CSV")).strip().strip('"'),
        "opentelemetry-proto": version("opentelemetry-proto"),
        "protobuf": google.protobuf.__version__,
        "jsonschema": version("jsonschema"),
    }


def proto(bodies):
    from google.protobuf import json_format
    from opentelemetry.proto.collector.logs.v1 import logs_service_pb2
    from opentelemetry.proto.collector.metrics.v1 import metrics_service_pb2

    out = {"logs": 0, "log_records": 0, "metrics": 0, "metric_names": [], "errors": [],
           "event_names": {}, "batch_ids": [], "bodies": []}
    for i, line in enumerate(open(bodies, encoding="utf-8"), 1):
        if not line.strip():
            continue
        kind, _, body = line.partition(" ")
        try:
            if kind == "logs":
                msg = json_format.Parse(body, logs_service_pb2.ExportLogsServiceRequest())
                out["logs"] += 1
                for rl in msg.resource_logs:
                    for sl in rl.scope_logs:
                        for r in sl.log_records:
                            out["log_records"] += 1
                            out["event_names"][r.event_name] = out["event_names"].get(r.event_name, 0) + 1
                            attrs = {a.key: a.value for a in r.attributes}
                            out["batch_ids"].append(attrs["ringside.batch.id"].string_value)
                            assert attrs["session.id"].string_value, "session.id"
                            assert r.time_unix_nano > 0 and r.observed_time_unix_nano > 0
                            assert r.severity_number == 9
                            out["bodies"].append(r.body.string_value)
            elif kind == "metrics":
                msg = json_format.Parse(body, metrics_service_pb2.ExportMetricsServiceRequest())
                out["metrics"] += 1
                for rm in msg.resource_metrics:
                    for sm in rm.scope_metrics:
                        for m in sm.metrics:
                            out["metric_names"].append(m.name)
                            for p in m.sum.data_points if m.HasField("sum") else []:
                                assert not any(a.key == "session.id" for a in p.attributes)
                            if m.HasField("histogram"):
                                for p in m.histogram.data_points:
                                    assert sum(p.bucket_counts) == p.count
                                    assert len(p.bucket_counts) == len(p.explicit_bounds) + 1
            else:
                out["errors"].append(f"line {i}: unknown kind {kind!r}")
        except Exception as e:  # noqa: BLE001 - reported to the Rust test
            out["errors"].append(f"line {i} ({kind}): {type(e).__name__}: {e}")
    return out


def main():
    mode = sys.argv[1]
    if mode == "tables":
        jobs = json.load(open(sys.argv[2], encoding="utf-8"))
        result = {"versions": versions(), "jobs": {}}
        for job in jobs:
            since, until = job["since"], job["until"]
            checked, errors = schema_errors(job)
            r = {
                "duckdb": duckdb_figures(job, since, until),
                "clickhouse": clickhouse_figures(job, since, until, None)["files"],
                "schema_checked": checked,
                "schema_errors": errors,
            }
            if job.get("bodies"):
                c = clickhouse_figures(job, since, until, job["bodies"])
                r["clickhouse_otlp"] = c["otlp"]
                r["otel_logs_rows"] = c["otel_logs_rows"]
            result["jobs"][job["name"]] = r
    elif mode == "proto":
        result = proto(sys.argv[2])
    else:
        sys.exit(f"unknown mode {mode}")
    json.dump(result, sys.stdout, default=plain)


if __name__ == "__main__":
    main()
