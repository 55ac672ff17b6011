-- ringside: the team review in DuckDB, over `ringside export` files (schema 1).
--
--   duckdb < docs/team/duckdb.sql                      (the last 7 days of team/*/…)
--   duckdb -cmd "SET VARIABLE since = TIMESTAMPTZ '2026-02-09'; SET VARIABLE until = TIMESTAMPTZ '2026-02-16'" < docs/team/duckdb.sql
--   (sessions_files and prompts_files name other folders the same way)
--
-- Each person's export folder (one per laptop: `ringside export --out DIR`) synced into one
-- place, e.g. team/<anyone>/sessions.jsonl. Records are versioned: the views below keep the
-- highest version of each session and prompt and drop deleted prompts. The window follows the
-- review: a session counts when it was active in [since, until); headless and SDK sessions
-- (`headless`) are counted apart, in no other figure. Per person only where people opted in
-- (`ringside export --person NAME`); everyone else is in the team's figures only.
-- Each query below starts with a `-- query: NAME` line (the test suite runs them by name).

SET VARIABLE sessions_files = coalesce(getvariable('sessions_files'), 'team/*/sessions.jsonl');
SET VARIABLE prompts_files = coalesce(getvariable('prompts_files'), 'team/*/prompts.jsonl');
SET VARIABLE since = coalesce(getvariable('since'), now() - INTERVAL 7 DAY);
SET VARIABLE until = coalesce(getvariable('until'), now());

CREATE OR REPLACE TEMP VIEW all_sessions AS
SELECT * FROM read_json_auto(getvariable('sessions_files'), union_by_name = true, format = 'newline_delimited')
QUALIFY row_number() OVER (PARTITION BY session_id ORDER BY version DESC) = 1;

CREATE OR REPLACE TEMP VIEW all_prompts AS
SELECT * FROM (
  SELECT * FROM read_json_auto(getvariable('prompts_files'), union_by_name = true, format = 'newline_delimited')
  QUALIFY row_number() OVER (PARTITION BY session_id, prompt ORDER BY version DESC) = 1
) WHERE NOT deleted;

-- Sessions active in the window (interactive ones; headless are counted apart).
CREATE OR REPLACE TEMP VIEW sessions AS
SELECT * FROM all_sessions
WHERE coalesce(started, last_activity) < getvariable('until')
  AND coalesce(last_activity, started) >= getvariable('since')
  AND NOT headless;

CREATE OR REPLACE TEMP VIEW prompts AS
SELECT p.* FROM all_prompts p SEMI JOIN sessions s USING (session_id);

-- query: overview
SELECT
  count(*) AS sessions,
  coalesce(sum(prompts), 0) AS prompts,
  coalesce(sum(actions), 0) AS actions,
  (SELECT coalesce(round(exp(avg(ln(1 + actions))) - 1, 2), 0) FROM prompts WHERE source IS NOT NULL) AS actions_per_prompt_geomean,
  coalesce(sum(output_tokens), 0) AS output_tokens,
  coalesce(sum(lines_added), 0) AS lines_added,
  count(*) FILTER (trouble) AS trouble,
  count(*) FILTER (recovered) AS recovered,
  count(*) FILTER (abandoned) AS abandoned,
  round(count(*) FILTER (recovered) / nullif(count(*) FILTER (trouble), 0), 3) AS recovered_share,
  round(count(*) FILTER (abandoned) / nullif(count(*) FILTER (trouble), 0), 3) AS abandoned_share,
  count(*) FILTER (hard_signal) AS hard_signal,
  round(count(*) FILTER (hard_signal) / nullif(count(*), 0), 3) AS hard_signal_share,
  count(*) FILTER (hard_signals.commit > 0) AS with_commit,
  count(*) FILTER (hard_signals.pr > 0) AS with_pr,
  count(*) FILTER (hard_signals.test_passed > 0) AS with_test_passed,
  count(*) FILTER (hard_signals.affirmation > 0) AS with_affirmation,
  coalesce(sum(nudges_shown), 0) AS nudges_shown,
  coalesce(sum(nudges_dismissed), 0) AS nudges_dismissed,
  coalesce(sum(nudges_helpful), 0) AS nudges_helpful
FROM sessions;

-- query: headless
SELECT count(*) AS sessions, coalesce(sum(prompts), 0) AS prompts, coalesce(sum(actions), 0) AS actions
FROM all_sessions
WHERE coalesce(started, last_activity) < getvariable('until')
  AND coalesce(last_activity, started) >= getvariable('since')
  AND headless;

-- query: signals
-- The signals that come before abandonment: sessions each fired in, how many of those were
-- abandoned or recovered, and the lift (share abandoned after it fired / share abandoned).
WITH fired AS (
  SELECT s.session_id, s.abandoned, s.recovered, f.id, f.firings
  FROM sessions s, unnest(s.signals) AS t(f)
), overall AS (
  SELECT count(*) FILTER (abandoned) / nullif(count(*), 0) AS p FROM sessions
)
SELECT
  id AS signal,
  count(*) AS sessions,
  sum(firings) AS firings,
  count(*) FILTER (abandoned) AS abandoned_after,
  count(*) FILTER (recovered) AS recovered_after,
  round(count(*) FILTER (abandoned) / count(*) / nullif((SELECT p FROM overall), 0), 2) AS lift
FROM fired
GROUP BY id
ORDER BY lift DESC NULLS LAST, sessions DESC, signal;

-- query: recoveries
-- Recovery moves made from the first troubled prompt on, and how often the session recovered.
SELECT
  r.id AS move,
  count(*) AS used,
  count(*) FILTER (s.recovered) AS worked,
  round(count(*) FILTER (s.recovered) / count(*), 3) AS share
FROM sessions s, unnest(s.recoveries) AS t(r)
WHERE s.trouble AND r.after_trouble > 0
GROUP BY r.id
ORDER BY worked DESC, share DESC, move;

-- query: by_stack
SELECT
  stack,
  count(*) AS sessions,
  sum(prompts) AS prompts,
  sum(actions) AS actions,
  count(*) FILTER (trouble) AS trouble,
  count(*) FILTER (recovered) AS recovered,
  count(*) FILTER (abandoned) AS abandoned,
  round(count(*) FILTER (recovered) / nullif(count(*) FILTER (trouble), 0), 3) AS recovered_share,
  round(count(*) FILTER (abandoned) / nullif(count(*) FILTER (trouble), 0), 3) AS abandoned_share,
  count(*) FILTER (hard_signal) AS hard_signal,
  round(count(*) FILTER (hard_signal) / count(*), 3) AS hard_signal_share
FROM sessions, unnest(stacks) AS t(stack)
GROUP BY stack
ORDER BY sessions DESC, stack;

-- query: work_mix
SELECT work_mode AS mode, count(*) AS sessions, round(count(*) / sum(count(*)) OVER (), 3) AS share
FROM sessions
GROUP BY work_mode
ORDER BY sessions DESC, mode;

-- query: nudges
SELECT
  n.signal,
  sum(n.shown) AS shown,
  sum(n.dismissed) AS dismissed,
  sum(n.helpful) AS helpful
FROM sessions, unnest(nudges) AS t(n)
GROUP BY n.signal
ORDER BY shown DESC, n.signal;

-- query: by_week
-- Weeks start on Monday (UTC), by when the session started.
SELECT
  CAST(date_trunc('week', CAST(coalesce(started, last_activity) AS TIMESTAMP)) AS DATE) AS week,
  count(*) AS sessions,
  count(*) FILTER (trouble) AS trouble,
  round(count(*) FILTER (recovered) / nullif(count(*) FILTER (trouble), 0), 3) AS recovered_share,
  round(count(*) FILTER (abandoned) / nullif(count(*) FILTER (trouble), 0), 3) AS abandoned_share,
  round(count(*) FILTER (hard_signal) / count(*), 3) AS hard_signal_share
FROM sessions
GROUP BY week
ORDER BY week;

-- query: by_person
-- Only people who opted in (`--person`); the rest appear in the team's figures only.
SELECT
  CAST(person AS VARCHAR) AS person,
  count(*) AS sessions,
  sum(prompts) AS prompts,
  count(*) FILTER (trouble) AS trouble,
  round(count(*) FILTER (recovered) / nullif(count(*) FILTER (trouble), 0), 3) AS recovered_share,
  round(count(*) FILTER (abandoned) / nullif(count(*) FILTER (trouble), 0), 3) AS abandoned_share
FROM sessions
WHERE person IS NOT NULL
GROUP BY person
ORDER BY person;
