// A running job's heartbeat and progress.
MATCH (j:ResolutionJob {id: $id})
SET j.heartbeatAt = $now, j.progress = $progress
