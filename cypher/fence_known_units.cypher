// The full job's fence for units it writes from its read: take each member's write lock, then
// compare the member with what the job read. A unit fails when a member is gone or invalid,
// touches another number of links than the job read (of any rule: COUNT is the node's degree,
// no link is read), would get another status from the observed links the job counted (as
// update_identifier_status computes it), or has another customer than the job read (or one
// where it read none). Returns the failed units' positions.
UNWIND $rows AS row
OPTIONAL MATCH (i:Identifier {key: row.key})
SET i.lockedAt = $now
WITH row, i
OPTIONAL MATCH (i)-[:BELONGS_TO]->(c:Customer)
WITH row, i, c,
     CASE WHEN i IS NULL THEN -1 ELSE COUNT { (i)-[:LINKED]-() } END AS links,
     CASE WHEN row.blocked IS NOT NULL THEN 'blocked'
          WHEN row.degree > row.threshold THEN 'hub'
          ELSE 'ok' END AS status
WHERE i IS NULL OR i.status = 'invalid' OR links <> row.links OR status <> row.status
   OR coalesce(c.id, '') <> coalesce(row.customer, '')
RETURN DISTINCT row.unit AS unit
