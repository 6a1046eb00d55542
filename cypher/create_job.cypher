// A resolution job, recorded before it starts, with the process that runs it.
CREATE (j:ResolutionJob {
  id: $id, mode: $mode, status: 'running', startedAt: $now, heartbeatAt: $now, owner: $owner
})
RETURN j.id AS id
