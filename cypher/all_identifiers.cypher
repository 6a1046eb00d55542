// A page of every identifier (key order, after a key, up to an optional last key) with its
// status inputs and customer: the batch job's read, as one record of compact rows per page.
// Kind and value are not read: a valid identifier's key is kind:value (store/records.py splits
// it), and two property reads of eight were a sixth of the page's server time. The usual
// values come as null (status ok, no names): the driver makes a Python object of every value
// it receives, a new one for each string or list, and null is always the same one.
MATCH (i:Identifier)
WHERE i.key > $after AND ($upto IS NULL OR i.key <= $upto) AND coalesce(i.status, 'ok') <> 'invalid'
WITH i ORDER BY i.key LIMIT $limit
OPTIONAL MATCH (i)-[:BELONGS_TO]->(c:Customer)
RETURN collect([i.key, i.firstSeen.epochMillis, CASE WHEN i.status <> 'ok' THEN i.status END, c.id,
                CASE WHEN size(i.names) > 0 THEN i.names END]) AS rows
