// One match candidate by id, locked for a decision.
MATCH (m:MatchCandidate {id: $id})
SET m._lock = true REMOVE m._lock
RETURN m {.*} AS candidate
