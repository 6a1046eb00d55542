// A job's end: status, time, statistics (flat properties, refused counts as JSON).
MATCH (j:ResolutionJob {id: $id})
SET j.status = $status, j.finishedAt = $now, j.error = $error, j += $stats
RETURN j.id AS id
