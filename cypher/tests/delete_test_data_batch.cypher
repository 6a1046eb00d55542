// Tests only: delete up to 20,000 nodes, never the test marker; returns how many went.
MATCH (n)
WHERE NOT n:GraphCdpTestMarker
WITH n LIMIT 20000
DETACH DELETE n
RETURN count(*) AS deleted
