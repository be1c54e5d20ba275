-- One row per (episode, step): the previous {{context_steps}} steps rendered as compact text, and the
-- next action as JSON. Imitation-learning pairs over the episodes training_trajectories publishes.
WITH steps AS (
  SELECT
    a.episode_id,
    a.step_index,
    a.app_id,
    a.action_type
      || COALESCE(' ' || a.keys, '')
      || COALESCE(' "' || a.text || '"', '')
      || COALESCE(' ' || a.scroll_direction, '')
      || COALESCE(' on ' || a.element_role || COALESCE(' "' || a.element_name || '"', ''), '')
      || COALESCE(' in ' || a.app_id, '') AS step_text,
    '{"action":"' || a.action_type || '"'
      || COALESCE(',"x":' || CAST(round(a.x, 4) AS varchar), '')
      || COALESCE(',"y":' || CAST(round(a.y, 4) AS varchar), '')
      || COALESCE(',"to_x":' || CAST(round(a.to_x, 4) AS varchar), '')
      || COALESCE(',"to_y":' || CAST(round(a.to_y, 4) AS varchar), '')
      || COALESCE(',"button":"' || a.button || '"', '')
      || COALESCE(',"direction":"' || a.scroll_direction || '"', '')
      || COALESCE(',"amount":' || CAST(a.scroll_amount AS varchar), '')
      || COALESCE(',"keys":"' || a.keys || '"', '')
      || COALESCE(',"repeat":' || CAST(a.repeat AS varchar), '')
      || COALESCE(',"text":"' || replace(replace(replace(replace(a.text, '\', '\\'), '"', '\"'), chr(10), '\n'), chr(9), '\t') || '"', '')
      || '}' AS action_json
  FROM actions a
  JOIN training_trajectories t ON t.episode_id = a.episode_id
  WHERE a.step_index IS NOT NULL
)
SELECT
  episode_id,
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
