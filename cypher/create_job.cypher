// A resolution job, recorded before it starts.
CREATE (j:ResolutionJob {id: $id, mode: $mode, engine: $engine, status: 'running', startedAt: $now,
                         heartbeat: $now})
RETURN j.id AS id
