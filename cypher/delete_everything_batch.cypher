// Tests and benchmarks only: delete up to 20,000 nodes; returns how many went.
MATCH (n)
WITH n LIMIT 20000
DETACH DELETE n
RETURN count(*) AS deleted
