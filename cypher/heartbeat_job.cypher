// A running job's owner is alive: its heartbeat, every few seconds while the job runs.
MATCH (j:ResolutionJob {id: $id, status: 'running'})
SET j.heartbeatAt = $now
