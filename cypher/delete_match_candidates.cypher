// Pending review candidates no longer in the review band (decided ones stay).
UNWIND $ids AS id
MATCH (m:MatchCandidate {id: id})
WHERE m.status = 'pending'
DELETE m
