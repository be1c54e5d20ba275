-- One row per (episode, step): the previous {{context_steps}} steps rendered as compact text, and the
-- next action as its canonical JSON, which the sequencer wrote (SQL never formats numbers or JSON here).
-- Imitation-learning pairs over the episodes training_trajectories publishes.
WITH steps AS (
  SELECT
    a.episode_id,
    t.user_pseudonym,
    a.step_index,
    a.app_id,
    a.action_type
      || COALESCE(' ' || a.keys, '')
      || COALESCE(' "' || a.text || '"', '')
      || COALESCE(' ' || a.scroll_direction, '')
      || COALESCE(' on ' || a.element_role || COALESCE(' "' || a.element_name || '"', ''), '')
      || COALESCE(' in ' || a.app_id, '') AS step_text,
    a.action AS action_json
  FROM actions a
  JOIN training_trajectories t ON t.episode_id = a.episode_id
  WHERE a.step_index IS NOT NULL
)
SELECT
  episode_id,
  user_pseudonym,
  step_index,
  app_id,
  COALESCE(
    array_join(
      array_agg(step_text) OVER (
        PARTITION BY episode_id ORDER BY step_index ROWS BETWEEN {{context_steps}} PRECEDING AND 1 PRECEDING
      ),
      ' | '
    ),
    ''
  ) AS context,
  action_json AS next_action
FROM steps
