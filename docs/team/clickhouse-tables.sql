-- ringside: ClickHouse tables for `ringside export` records (schema 1), and the way in.
--
-- Files (each person's export folder):
--   clickhouse-client --query "INSERT INTO ringside_sessions SELECT * FROM file('team/*/sessions.jsonl', JSONEachRow)"
--   clickhouse-client --query "INSERT INTO ringside_prompts SELECT * FROM file('team/*/prompts.jsonl', JSONEachRow)"
--   (or `INSERT INTO ringside_sessions FORMAT JSONEachRow SETTINGS date_time_input_format = 'best_effort'` from stdin)
-- OTLP (the collector's clickhouseexporter writes otel_logs): the materialized views at the end
-- copy ringside's events out of it, from the record each event carries as its body.
--
-- Records are versioned: ReplacingMergeTree keeps the highest version per session (and per
-- prompt; a prompt whose latest version is deleted goes away). Query with FINAL, as
-- docs/team/clickhouse.sql does. Inserting the same file twice is harmless.

CREATE TABLE IF NOT EXISTS ringside_sessions
(
    schema UInt16,
    session_id String,
    version UInt32,
    exported_at DateTime64(3, 'UTC'),
    agent LowCardinality(String),
    entry_point Nullable(String),
    headless Bool,
    project String,
    person Nullable(String),
    model Nullable(String),
    started Nullable(DateTime64(3, 'UTC')),
    last_activity Nullable(DateTime64(3, 'UTC')),
    duration_ms Nullable(UInt64),
    work_mode LowCardinality(String),
    stacks Array(String),
    prompts UInt32,
    actions UInt64,
    tool_calls UInt64,
    tool_errors UInt64,
    failed UInt64,
    interrupts UInt64,
    model_calls UInt64,
    output_tokens UInt64,
    words UInt64,
    lines_added UInt64,
    lines_removed UInt64,
    checks_run UInt64,
    checks_failed UInt64,
    delegated_actions UInt64,
    actions_per_prompt_geomean Float64,
    tier UInt8,
    trouble Bool,
    trouble_prompt Nullable(UInt32),
    recovered Bool,
    abandoned Bool,
    signals Array(Tuple(id String, firings UInt32)),
    recoveries Array(Tuple(id String, count UInt32, after_trouble UInt32)),
    nudges Array(Tuple(signal String, shown UInt32, dismissed UInt32, helpful UInt32)),
    nudges_shown UInt32,
    nudges_dismissed UInt32,
    nudges_helpful UInt32,
    hard_signal Bool,
    hard_signals Tuple(commit UInt32, pr UInt32, test_passed UInt32, affirmation UInt32),
    behaviours Tuple(prompts UInt32, specific UInt32, verification UInt32, corrections UInt32),
    around_model Array(String)
)
ENGINE = ReplacingMergeTree(version)
ORDER BY session_id;

CREATE TABLE IF NOT EXISTS ringside_prompts
(
    schema UInt16,
    session_id String,
    prompt UInt32,
    version UInt32,
    exported_at DateTime64(3, 'UTC'),
    deleted UInt8,
    agent LowCardinality(String),
    entry_point Nullable(String),
    headless Bool,
    project String,
    person Nullable(String),
    work_mode LowCardinality(String),
    stacks Array(String),
    started Nullable(DateTime64(3, 'UTC')),
    duration_ms Nullable(UInt64),
    source Nullable(String),
    prompt_chars UInt32,
    actions UInt64,
    tool_calls UInt64,
    tool_errors UInt64,
    failed UInt64,
    interrupts UInt64,
    model_calls UInt64,
    output_tokens UInt64,
    words UInt64,
    lines_added UInt64,
    lines_removed UInt64,
    checks_run UInt64,
    checks_failed UInt64,
    delegated_actions UInt64,
    tier UInt8,
    peak_tier UInt8,
    trouble Bool,
    signals Array(Tuple(id String, firings UInt32)),
    recoveries Array(Tuple(id String, count UInt32)),
    nudges Array(Tuple(signal String, feedback Nullable(String))),
    hard_signal Bool,
    hard_signals Tuple(commit UInt32, test_passed UInt32, affirmation UInt32),
    behaviours Tuple(specific Bool, verification Bool, correction Bool, plan_mode Bool)
)
ENGINE = ReplacingMergeTree(version, deleted)
ORDER BY (session_id, prompt);

-- The OTLP route: from the collector's otel_logs (clickhouseexporter) into the tables above.
-- Create these after the exporter has made otel_logs (its table name is the exporter's
-- `logs_table_name`, otel_logs by default).

CREATE MATERIALIZED VIEW IF NOT EXISTS ringside_sessions_from_otlp TO ringside_sessions AS
SELECT
    JSONExtract(Body, 'schema', 'UInt16') AS schema,
    JSONExtract(Body, 'session_id', 'String') AS session_id,
    JSONExtract(Body, 'version', 'UInt32') AS version,
    assumeNotNull(parseDateTime64BestEffortOrNull(JSONExtractString(Body, 'exported_at'), 3, 'UTC')) AS exported_at,
    JSONExtract(Body, 'agent', 'LowCardinality(String)') AS agent,
    JSONExtract(Body, 'entry_point', 'Nullable(String)') AS entry_point,
    JSONExtract(Body, 'headless', 'Bool') AS headless,
    JSONExtract(Body, 'project', 'String') AS project,
    JSONExtract(Body, 'person', 'Nullable(String)') AS person,
    JSONExtract(Body, 'model', 'Nullable(String)') AS model,
    parseDateTime64BestEffortOrNull(JSONExtractString(Body, 'started'), 3, 'UTC') AS started,
    parseDateTime64BestEffortOrNull(JSONExtractString(Body, 'last_activity'), 3, 'UTC') AS last_activity,
    JSONExtract(Body, 'duration_ms', 'Nullable(UInt64)') AS duration_ms,
    JSONExtract(Body, 'work_mode', 'LowCardinality(String)') AS work_mode,
    JSONExtract(Body, 'stacks', 'Array(String)') AS stacks,
    JSONExtract(Body, 'prompts', 'UInt32') AS prompts,
    JSONExtract(Body, 'actions', 'UInt64') AS actions,
    JSONExtract(Body, 'tool_calls', 'UInt64') AS tool_calls,
    JSONExtract(Body, 'tool_errors', 'UInt64') AS tool_errors,
    JSONExtract(Body, 'failed', 'UInt64') AS failed,
    JSONExtract(Body, 'interrupts', 'UInt64') AS interrupts,
    JSONExtract(Body, 'model_calls', 'UInt64') AS model_calls,
    JSONExtract(Body, 'output_tokens', 'UInt64') AS output_tokens,
    JSONExtract(Body, 'words', 'UInt64') AS words,
    JSONExtract(Body, 'lines_added', 'UInt64') AS lines_added,
    JSONExtract(Body, 'lines_removed', 'UInt64') AS lines_removed,
    JSONExtract(Body, 'checks_run', 'UInt64') AS checks_run,
    JSONExtract(Body, 'checks_failed', 'UInt64') AS checks_failed,
    JSONExtract(Body, 'delegated_actions', 'UInt64') AS delegated_actions,
    JSONExtract(Body, 'actions_per_prompt_geomean', 'Float64') AS actions_per_prompt_geomean,
    JSONExtract(Body, 'tier', 'UInt8') AS tier,
    JSONExtract(Body, 'trouble', 'Bool') AS trouble,
    JSONExtract(Body, 'trouble_prompt', 'Nullable(UInt32)') AS trouble_prompt,
    JSONExtract(Body, 'recovered', 'Bool') AS recovered,
    JSONExtract(Body, 'abandoned', 'Bool') AS abandoned,
    JSONExtract(Body, 'signals', 'Array(Tuple(id String, firings UInt32))') AS signals,
    JSONExtract(Body, 'recoveries', 'Array(Tuple(id String, count UInt32, after_trouble UInt32))') AS recoveries,
    JSONExtract(Body, 'nudges', 'Array(Tuple(signal String, shown UInt32, dismissed UInt32, helpful UInt32))') AS nudges,
    JSONExtract(Body, 'nudges_shown', 'UInt32') AS nudges_shown,
    JSONExtract(Body, 'nudges_dismissed', 'UInt32') AS nudges_dismissed,
    JSONExtract(Body, 'nudges_helpful', 'UInt32') AS nudges_helpful,
    JSONExtract(Body, 'hard_signal', 'Bool') AS hard_signal,
    JSONExtract(Body, 'hard_signals', 'Tuple(commit UInt32, pr UInt32, test_passed UInt32, affirmation UInt32)') AS hard_signals,
    JSONExtract(Body, 'behaviours', 'Tuple(prompts UInt32, specific UInt32, verification UInt32, corrections UInt32)') AS behaviours,
    JSONExtract(Body, 'around_model', 'Array(String)') AS around_model
FROM otel_logs
WHERE LogAttributes['event.name'] = 'ringside.session';

CREATE MATERIALIZED VIEW IF NOT EXISTS ringside_prompts_from_otlp TO ringside_prompts AS
SELECT
    JSONExtract(Body, 'schema', 'UInt16') AS schema,
    JSONExtract(Body, 'session_id', 'String') AS session_id,
    JSONExtract(Body, 'prompt', 'UInt32') AS prompt,
    JSONExtract(Body, 'version', 'UInt32') AS version,
    assumeNotNull(parseDateTime64BestEffortOrNull(JSONExtractString(Body, 'exported_at'), 3, 'UTC')) AS exported_at,
    JSONExtract(Body, 'deleted', 'UInt8') AS deleted,
    JSONExtract(Body, 'agent', 'LowCardinality(String)') AS agent,
    JSONExtract(Body, 'entry_point', 'Nullable(String)') AS entry_point,
    JSONExtract(Body, 'headless', 'Bool') AS headless,
    JSONExtract(Body, 'project', 'String') AS project,
    JSONExtract(Body, 'person', 'Nullable(String)') AS person,
    JSONExtract(Body, 'work_mode', 'LowCardinality(String)') AS work_mode,
    JSONExtract(Body, 'stacks', 'Array(String)') AS stacks,
    parseDateTime64BestEffortOrNull(JSONExtractString(Body, 'started'), 3, 'UTC') AS started,
    JSONExtract(Body, 'duration_ms', 'Nullable(UInt64)') AS duration_ms,
    JSONExtract(Body, 'source', 'Nullable(String)') AS source,
    JSONExtract(Body, 'prompt_chars', 'UInt32') AS prompt_chars,
    JSONExtract(Body, 'actions', 'UInt64') AS actions,
    JSONExtract(Body, 'tool_calls', 'UInt64') AS tool_calls,
    JSONExtract(Body, 'tool_errors', 'UInt64') AS tool_errors,
    JSONExtract(Body, 'failed', 'UInt64') AS failed,
    JSONExtract(Body, 'interrupts', 'UInt64') AS interrupts,
    JSONExtract(Body, 'model_calls', 'UInt64') AS model_calls,
    JSONExtract(Body, 'output_tokens', 'UInt64') AS output_tokens,
    JSONExtract(Body, 'words', 'UInt64') AS words,
    JSONExtract(Body, 'lines_added', 'UInt64') AS lines_added,
    JSONExtract(Body, 'lines_removed', 'UInt64') AS lines_removed,
    JSONExtract(Body, 'checks_run', 'UInt64') AS checks_run,
    JSONExtract(Body, 'checks_failed', 'UInt64') AS checks_failed,
    JSONExtract(Body, 'delegated_actions', 'UInt64') AS delegated_actions,
    JSONExtract(Body, 'tier', 'UInt8') AS tier,
    JSONExtract(Body, 'peak_tier', 'UInt8') AS peak_tier,
    JSONExtract(Body, 'trouble', 'Bool') AS trouble,
    JSONExtract(Body, 'signals', 'Array(Tuple(id String, firings UInt32))') AS signals,
    JSONExtract(Body, 'recoveries', 'Array(Tuple(id String, count UInt32))') AS recoveries,
    JSONExtract(Body, 'nudges', 'Array(Tuple(signal String, feedback Nullable(String)))') AS nudges,
    JSONExtract(Body, 'hard_signal', 'Bool') AS hard_signal,
    JSONExtract(Body, 'hard_signals', 'Tuple(commit UInt32, test_passed UInt32, affirmation UInt32)') AS hard_signals,
    JSONExtract(Body, 'behaviours', 'Tuple(specific Bool, verification Bool, correction Bool, plan_mode Bool)') AS behaviours
FROM otel_logs
WHERE LogAttributes['event.name'] = 'ringside.prompt';
