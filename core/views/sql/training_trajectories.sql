-- One row per episode: ordered steps, labels and apps. Only episodes within retention, with at least
-- {{min_steps}} steps, and not from opted-out subjects.
SELECT
  e.episode_id,
  e.session_id,
  e.user_pseudonym,
  e.start_ts,
  e.end_ts,
  e.duration_ms,
  e.step_count,
  e.apps,
  e.labels,
  e.task_label,
  e.completed,
  e.cut_reason,
  e.error_recovery,
  e.steps,
  e.policy_version,
  e.key_version,
  e.sequencer_version,
  e.dt
FROM episodes e
WHERE e.dt >= CAST(CAST(current_date - INTERVAL '{{retention_days}}' DAY AS date) AS varchar)
  AND e.start_ts >= CAST(current_timestamp - INTERVAL '{{retention_days}}' DAY AS timestamp)
  AND e.step_count >= {{min_steps}}
  AND NOT EXISTS (SELECT 1 FROM opt_outs o WHERE o.user_pseudonym = e.user_pseudonym)
