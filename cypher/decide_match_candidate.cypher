// A reviewer's decision on a match candidate: accepted or rejected, kept for good.
MATCH (m:MatchCandidate {id: $id})
SET m.status = $status, m.decidedAt = $now
RETURN m {.*} AS candidate
