// The full job's fence for plain units written from its read: take each member's write lock,
// then compare it with what the job read. A unit fails when a member is gone or invalid,
// counts other links than the job read, would be a hub, or has another customer than the
// job read (or one where it read none). Returns the failed units' positions.
UNWIND $rows AS row
OPTIONAL MATCH (i:Identifier {key: row.key})
SET i.lockedAt = $now
WITH row, i
OPTIONAL MATCH (i)-[:BELONGS_TO]->(c:Customer)
WITH row, i, c,
     CASE WHEN i IS NULL THEN -1 ELSE COUNT { (i)-[:LINKED]-() } END AS degree
WITH row, i IS NULL OR i.status = 'invalid' OR degree <> row.degree
          OR degree > row.threshold
          OR coalesce(c.id, '') <> coalesce(row.customer, '') AS stale
WHERE stale
RETURN DISTINCT row.unit AS unit
