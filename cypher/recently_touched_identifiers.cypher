// Identifiers whose evidence was written since a time, or without a customer (an incremental
// job's seeds). Resolving does not count: a job's own locks would make the next job redo it.
// (lockedAt: what graphs written before writtenAt hold, the time of the last lock or write.)
MATCH (i:Identifier)
WHERE coalesce(i.status, 'ok') <> 'invalid'
  AND (coalesce(i.writtenAt, i.lockedAt) >= $since OR NOT (i)-[:BELONGS_TO]->(:Customer))
RETURN i.key AS key, i.kind AS kind, i.value AS value
