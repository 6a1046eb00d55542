// Invariant: MERGED_INTO has no cycle, and a merged customer points to exactly one survivor.
MATCH (c:Customer)
WHERE c.mergedInto IS NOT NULL
  AND (COUNT { (c)-[:MERGED_INTO]->() } <> 1 OR EXISTS { (c)-[:MERGED_INTO*1..]->(c) })
WITH c.id AS id ORDER BY id
RETURN count(id) AS total, collect(id)[..$limit] AS examples
