// A running job's heartbeat and progress.
MATCH (j:ResolutionJob {id: $id})
SET j.heartbeat = $now, j.progress = $progress
