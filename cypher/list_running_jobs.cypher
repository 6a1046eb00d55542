// Jobs recorded as running, with their owner and last heartbeat (to fail those whose owner is gone).
MATCH (j:ResolutionJob {status: 'running'})
RETURN j.id AS id, j.owner AS owner, j.heartbeatAt AS heartbeatAt
