// Jobs whose process died (no heartbeat for a while) are marked failed; they can be run again.
MATCH (j:ResolutionJob {status: 'running'})
WHERE j.heartbeat < $before
SET j.status = 'failed', j.finishedAt = $now, j.error = 'interrupted: no heartbeat since ' + toString(j.heartbeat)
RETURN count(j) AS failed
