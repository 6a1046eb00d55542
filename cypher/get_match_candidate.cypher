// One match candidate by id, locked for a decision.
MATCH (m:MatchCandidate {id: $id})
SET m.lockedAt = $now
RETURN m {.*} AS candidate
