// A page of every identifier (key order, after a key) with its status inputs and customer:
// the batch job's read, as one record of compact rows per page.
MATCH (i:Identifier)
WHERE i.key > $after AND coalesce(i.status, 'ok') <> 'invalid'
WITH i ORDER BY i.key LIMIT $limit
OPTIONAL MATCH (i)-[:BELONGS_TO]->(c:Customer)
RETURN collect([i.key, i.kind, i.value, i.firstSeen.epochMillis, i.status, c.id,
                coalesce(i.names, [])]) AS rows
