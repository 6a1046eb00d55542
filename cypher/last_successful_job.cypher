// When the last successful job started (an incremental job covers what came after).
MATCH (j:ResolutionJob {status: 'succeeded'})
RETURN j.startedAt AS startedAt
ORDER BY j.startedAt DESC
LIMIT 1
