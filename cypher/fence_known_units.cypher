// The full job's fence for units it writes from its read: take each member's write lock, then
// compare the member with what the job read. A unit fails when a member is gone or invalid,
// counts other links than the job read, would get another status from the links it counts
// now (as update_identifier_status computes it), or has another customer than the job read
// (or one where it read none). Returns the failed units' positions.
UNWIND $rows AS row
OPTIONAL MATCH (i:Identifier {key: row.key})
SET i.lockedAt = $now
WITH row, i
OPTIONAL MATCH (i)-[:BELONGS_TO]->(c:Customer)
WITH row, i, c,
     CASE WHEN i IS NULL THEN -1 ELSE COUNT { (i)-[:LINKED]-() } END AS degree
WITH row, i, c, degree,
     CASE WHEN row.blocked IS NOT NULL THEN 'blocked'
          WHEN degree > row.threshold THEN 'hub'
          ELSE 'ok' END AS status
WHERE i IS NULL OR i.status = 'invalid' OR degree <> row.degree OR status <> row.status
   OR coalesce(c.id, '') <> coalesce(row.customer, '')
RETURN DISTINCT row.unit AS unit
