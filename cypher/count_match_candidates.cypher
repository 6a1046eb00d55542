// How many match candidates have a status.
MATCH (m:MatchCandidate)
WHERE m.status = $status
RETURN count(m) AS total
