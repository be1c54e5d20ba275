-- The transparency view: scrubber findings per entity type per day, counts only, for the events zone
-- and the quarantine zone.
WITH rows_with_findings AS (
  SELECT 'events' AS zone, dt, findings FROM events WHERE findings IS NOT NULL
  UNION ALL
  SELECT 'quarantine' AS zone, dt, findings FROM quarantine WHERE findings IS NOT NULL
)
SELECT
  r.dt,
  r.zone,
  t.entity_type,
  sum(CAST(json_extract_scalar(r.findings, '$.' || t.entity_type) AS bigint)) AS findings,
  count(*) AS rows_with_findings
FROM rows_with_findings r
CROSS JOIN (VALUES {{entity_types}}) AS t (entity_type)
WHERE json_extract_scalar(r.findings, '$.' || t.entity_type) IS NOT NULL
GROUP BY r.dt, r.zone, t.entity_type
