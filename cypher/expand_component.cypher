// One step of the locked walk over a resolution unit: ok-ok links and same-customer members.
// Setting and removing _lock takes each node's write lock (held to commit, nothing left to write),
// so no concurrent writer can change the unit; each node is read after its lock is held. A customer's members are read once per customer,
// not once per member (a step from a whole unit of k members would read k^2 rows). The rows come
// in one record (graph_cdp/store/driver.py collected).
// The far end of a link carries no label in the pattern (LINKED joins identifiers only): with
// one, the planner may seek every 'ok' identifier through the status index and test each for a
// link to i (Expand(Into)), which read 660,000 rows for a step of 816 keys.
UNWIND $keys AS key
MATCH (i:Identifier {key: key})
CALL (i) {
  MATCH (i)-[:LINKED]-(n)
  WHERE i.status = 'ok' AND n.status = 'ok'
  RETURN n
  UNION
  MATCH (i)-[:BELONGS_TO]->(n:Customer)
  RETURN n
}
WITH DISTINCT n
CALL (n) {
  WITH n
  WHERE n:Identifier
  RETURN n AS m
  UNION
  WITH n
  MATCH (n:Customer)<-[:BELONGS_TO]-(m:Identifier)
  RETURN m
}
WITH DISTINCT m AS n
WHERE NOT n.key IN $seen
SET n._lock = true REMOVE n._lock
WITH n
OPTIONAL MATCH (n)-[:BELONGS_TO]->(c:Customer)
RETURN collect([n.key, n.kind, n.value, n.firstSeen.epochMillis, n.status, c.id,
                c.createdAt.epochMillis, coalesce(n.names, [])]) AS rows
