-- Step-transition counts per app, k-anonymous: a (app, from, to) group is published only when at least
-- {{k}} distinct pseudonymous users contributed to it.
WITH transitions AS (
  SELECT
    a.app_id,
    lag(a.action_type) OVER (PARTITION BY a.episode_id ORDER BY a.step_index) AS from_action,
    a.action_type AS to_action,
    a.user_pseudonym
  FROM actions a
  JOIN training_trajectories t ON t.episode_id = a.episode_id
  WHERE a.step_index IS NOT NULL
)
SELECT
  app_id,
  from_action,
  to_action,
  count(*) AS transitions,
  count(DISTINCT user_pseudonym) AS users
FROM transitions
WHERE from_action IS NOT NULL AND app_id IS NOT NULL
GROUP BY app_id, from_action, to_action
HAVING count(DISTINCT user_pseudonym) >= {{k}}
