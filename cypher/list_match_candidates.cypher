// A page of match candidates of one status, most probable first (after a cursor).
MATCH (m:MatchCandidate)
WHERE m.status = $status
  AND ($afterId IS NULL OR m.probability < $afterProbability
       OR (m.probability = $afterProbability AND m.id > $afterId))
WITH m ORDER BY m.probability DESC, m.id ASC LIMIT $limit
OPTIONAL MATCH (:Identifier {key: m.a})-[:BELONGS_TO]->(ca:Customer)
OPTIONAL MATCH (:Identifier {key: m.b})-[:BELONGS_TO]->(cb:Customer)
RETURN m {.*} AS candidate, ca.id AS customerA, cb.id AS customerB
ORDER BY m.probability DESC, m.id ASC
