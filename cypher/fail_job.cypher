// A running job whose owner is gone: failed, with the reason; it can be run again.
MATCH (j:ResolutionJob {id: $id, status: 'running'})
SET j.status = 'failed', j.finishedAt = $now, j.error = $error
RETURN j.id AS id
