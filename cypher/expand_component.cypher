// One step of the locked walk over a resolution unit: ok-ok links and same-customer members.
// Setting lockedAt takes each node's write lock, so no concurrent writer can change the unit;
// each node is read after its lock is held.
UNWIND $keys AS key
MATCH (i:Identifier {key: key})
CALL (i) {
  MATCH (i)-[:LINKED]-(n:Identifier)
  WHERE i.status = 'ok' AND n.status = 'ok'
  RETURN n
  UNION
  MATCH (i)-[:BELONGS_TO]->(:Customer)<-[:BELONGS_TO]-(n:Identifier)
  RETURN n
}
WITH DISTINCT n
WHERE NOT n.key IN $seen
SET n.lockedAt = $now
WITH n
OPTIONAL MATCH (n)-[:BELONGS_TO]->(c:Customer)
RETURN [n.key, n.kind, n.value, n.firstSeen.epochMillis, n.status, c.id, c.createdAt.epochMillis,
        coalesce(n.names, [])] AS row
