-- Episodes labelled error_recovery, with the recovery span marked (0-based step indexes, inclusive)
-- and the steps of the span.
SELECT
  t.episode_id,
  t.user_pseudonym,
  t.start_ts,
  t.apps,
  t.step_count,
  e.recovery_start_step,
  e.recovery_end_step,
  slice(t.steps, e.recovery_start_step + 1, e.recovery_end_step - e.recovery_start_step + 1) AS recovery_steps,
  t.steps
FROM training_trajectories t
JOIN episodes e ON e.episode_id = t.episode_id AND e.dt = t.dt
WHERE t.error_recovery AND e.recovery_start_step IS NOT NULL
