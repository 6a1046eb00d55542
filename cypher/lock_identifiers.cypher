// Take the write lock of each identifier (the start of a locked walk) and read it under the lock;
// the rows come in one record. A property set and removed takes the node's write lock, held to
// commit, and leaves nothing to write at commit.
UNWIND $keys AS key
MATCH (i:Identifier {key: key})
SET i._lock = true REMOVE i._lock
WITH i
OPTIONAL MATCH (i)-[:BELONGS_TO]->(c:Customer)
RETURN collect([i.key, i.kind, i.value, i.firstSeen.epochMillis, i.status, c.id,
                c.createdAt.epochMillis, coalesce(i.names, [])]) AS rows
