// Invariant: every identifier belongs to exactly one customer, and not to a merged one.
MATCH (i:Identifier) WHERE i.status <> 'invalid'
WITH i, COUNT { (i)-[:BELONGS_TO]->(:Customer) } AS n,
     COUNT { (i)-[:BELONGS_TO]->(c:Customer) WHERE c.mergedInto IS NOT NULL } AS merged
WHERE n <> 1 OR merged > 0
RETURN i.key AS key, n AS customers, merged
LIMIT $limit
