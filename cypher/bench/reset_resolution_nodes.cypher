// Bench only: delete up to 20,000 nodes that a resolution job wrote (customers, change
// records, jobs, the change sequence), so the same raw graph is resolved again from scratch.
MATCH (n)
WHERE n:Customer OR n:Change OR n:ResolutionJob OR n:ChangeSequence
WITH n LIMIT 20000
DETACH DELETE n
RETURN count(*) AS deleted
