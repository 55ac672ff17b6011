-- ringside: the team review in ClickHouse, over the tables of docs/team/clickhouse-tables.sql.
--
--   clickhouse-client --param_since='2026-02-09 00:00:00' --param_until='2026-02-16 00:00:00' \
--     --multiquery < docs/team/clickhouse.sql
--
-- The same figures as docs/team/duckdb.sql. The window follows the review: a session counts
-- when it was active in [since, until) (UTC); headless and SDK sessions are counted apart, in
-- no other figure. FINAL keeps each record's highest version. Per person only where people
-- opted in (`ringside export --person NAME`). Every query ends with prefer_column_name_to_alias, so
-- `countIf(trouble) AS trouble` counts the column, not its own alias.
-- Each query below starts with a `-- query: NAME` line (the test suite runs them by name).

-- query: overview
WITH s AS (
  SELECT * FROM ringside_sessions FINAL
  WHERE coalesce(started, last_activity) < {until:DateTime64(3)}
    AND coalesce(last_activity, started) >= {since:DateTime64(3)}
    AND NOT headless
)
SELECT
  count() AS sessions,
  sum(prompts) AS prompts,
  sum(actions) AS actions,
  (SELECT round(ifNotFinite(exp(avg(log(1 + actions))) - 1, 0), 2) FROM ringside_prompts FINAL
   WHERE deleted = 0 AND source IS NOT NULL AND session_id IN (SELECT session_id FROM s)) AS actions_per_prompt_geomean,
  sum(output_tokens) AS output_tokens,
  sum(lines_added) AS lines_added,
  countIf(trouble) AS trouble,
  countIf(recovered) AS recovered,
  countIf(abandoned) AS abandoned,
  round(countIf(recovered) / nullIf(countIf(trouble), 0), 3) AS recovered_share,
  round(countIf(abandoned) / nullIf(countIf(trouble), 0), 3) AS abandoned_share,
  countIf(hard_signal) AS hard_signal,
  round(countIf(hard_signal) / nullIf(count(), 0), 3) AS hard_signal_share,
  countIf(hard_signals.commit > 0) AS with_commit,
  countIf(hard_signals.pr > 0) AS with_pr,
  countIf(hard_signals.test_passed > 0) AS with_test_passed,
  countIf(hard_signals.affirmation > 0) AS with_affirmation,
  sum(nudges_shown) AS nudges_shown,
  sum(nudges_dismissed) AS nudges_dismissed,
  sum(nudges_helpful) AS nudges_helpful
FROM s
SETTINGS prefer_column_name_to_alias = 1;

-- query: headless
SELECT count() AS sessions, sum(prompts) AS prompts, sum(actions) AS actions
FROM ringside_sessions FINAL
WHERE coalesce(started, last_activity) < {until:DateTime64(3)}
  AND coalesce(last_activity, started) >= {since:DateTime64(3)}
  AND headless
SETTINGS prefer_column_name_to_alias = 1;

-- query: signals
-- The signals that come before abandonment, with the lift (share abandoned after it fired /
-- share abandoned).
WITH s AS (
  SELECT * FROM ringside_sessions FINAL
  WHERE coalesce(started, last_activity) < {until:DateTime64(3)}
    AND coalesce(last_activity, started) >= {since:DateTime64(3)}
    AND NOT headless
),
overall AS (SELECT countIf(abandoned) / nullIf(count(), 0) AS p FROM s)
SELECT
  f.id AS signal,
  count() AS sessions,
  sum(f.firings) AS firings,
  countIf(abandoned) AS abandoned_after,
  countIf(recovered) AS recovered_after,
  round(countIf(abandoned) / count() / nullIf((SELECT p FROM overall), 0), 2) AS lift
FROM s
ARRAY JOIN signals AS f
GROUP BY signal
ORDER BY lift DESC NULLS LAST, sessions DESC, signal
SETTINGS prefer_column_name_to_alias = 1;

-- query: recoveries
WITH s AS (
  SELECT * FROM ringside_sessions FINAL
  WHERE coalesce(started, last_activity) < {until:DateTime64(3)}
    AND coalesce(last_activity, started) >= {since:DateTime64(3)}
    AND NOT headless
)
SELECT
  r.id AS move,
  count() AS used,
  countIf(recovered) AS worked,
  round(countIf(recovered) / count(), 3) AS share
FROM s
ARRAY JOIN recoveries AS r
WHERE trouble AND r.after_trouble > 0
GROUP BY move
ORDER BY worked DESC, share DESC, move
SETTINGS prefer_column_name_to_alias = 1;

-- query: by_stack
WITH s AS (
  SELECT * FROM ringside_sessions FINAL
  WHERE coalesce(started, last_activity) < {until:DateTime64(3)}
    AND coalesce(last_activity, started) >= {since:DateTime64(3)}
    AND NOT headless
)
SELECT
  stack,
  count() AS sessions,
  sum(prompts) AS prompts,
  sum(actions) AS actions,
  countIf(trouble) AS trouble,
  countIf(recovered) AS recovered,
  countIf(abandoned) AS abandoned,
  round(countIf(recovered) / nullIf(countIf(trouble), 0), 3) AS recovered_share,
  round(countIf(abandoned) / nullIf(countIf(trouble), 0), 3) AS abandoned_share,
  countIf(hard_signal) AS hard_signal,
  round(countIf(hard_signal) / count(), 3) AS hard_signal_share
FROM s
ARRAY JOIN stacks AS stack
GROUP BY stack
ORDER BY sessions DESC, stack
SETTINGS prefer_column_name_to_alias = 1;

-- query: work_mix
WITH s AS (
  SELECT * FROM ringside_sessions FINAL
  WHERE coalesce(started, last_activity) < {until:DateTime64(3)}
    AND coalesce(last_activity, started) >= {since:DateTime64(3)}
    AND NOT headless
)
SELECT work_mode AS mode, count() AS sessions, round(count() / (SELECT count() FROM s), 3) AS share
FROM s
GROUP BY mode
ORDER BY sessions DESC, mode
SETTINGS prefer_column_name_to_alias = 1;

-- query: nudges
WITH s AS (
  SELECT * FROM ringside_sessions FINAL
  WHERE coalesce(started, last_activity) < {until:DateTime64(3)}
    AND coalesce(last_activity, started) >= {since:DateTime64(3)}
    AND NOT headless
)
SELECT n.signal AS signal, sum(n.shown) AS shown, sum(n.dismissed) AS dismissed, sum(n.helpful) AS helpful
FROM s
ARRAY JOIN nudges AS n
GROUP BY signal
ORDER BY shown DESC, signal
SETTINGS prefer_column_name_to_alias = 1;

-- query: by_week
-- Weeks start on Monday (UTC), by when the session started.
WITH s AS (
  SELECT * FROM ringside_sessions FINAL
  WHERE coalesce(started, last_activity) < {until:DateTime64(3)}
    AND coalesce(last_activity, started) >= {since:DateTime64(3)}
    AND NOT headless
)
SELECT
  toMonday(coalesce(started, last_activity)) AS week,
  count() AS sessions,
  countIf(trouble) AS trouble,
  round(countIf(recovered) / nullIf(countIf(trouble), 0), 3) AS recovered_share,
  round(countIf(abandoned) / nullIf(countIf(trouble), 0), 3) AS abandoned_share,
  round(countIf(hard_signal) / count(), 3) AS hard_signal_share
FROM s
GROUP BY week
ORDER BY week
SETTINGS prefer_column_name_to_alias = 1;

-- query: by_person
-- Only people who opted in (`--person`); the rest appear in the team's figures only.
WITH s AS (
  SELECT * FROM ringside_sessions FINAL
  WHERE coalesce(started, last_activity) < {until:DateTime64(3)}
    AND coalesce(last_activity, started) >= {since:DateTime64(3)}
    AND NOT headless
)
SELECT
  assumeNotNull(person) AS person,
  count() AS sessions,
  sum(prompts) AS prompts,
  countIf(trouble) AS trouble,
  round(countIf(recovered) / nullIf(countIf(trouble), 0), 3) AS recovered_share,
  round(countIf(abandoned) / nullIf(countIf(trouble), 0), 3) AS abandoned_share
FROM s
WHERE person IS NOT NULL
GROUP BY person
ORDER BY person
SETTINGS prefer_column_name_to_alias = 1;
