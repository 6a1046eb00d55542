// Invariant: every identifier belongs to exactly one customer, and not to a merged one.
MATCH (i:Identifier) WHERE coalesce(i.status, 'ok') <> 'invalid'
WITH i, COUNT { (i)-[:BELONGS_TO]->(:Customer) } AS n,
     COUNT { (i)-[:BELONGS_TO]->(c:Customer) WHERE c.mergedInto IS NOT NULL } AS merged
WHERE n <> 1 OR merged > 0
WITH i.key AS key ORDER BY key
RETURN count(key) AS total, collect(key)[..$limit] AS examples
