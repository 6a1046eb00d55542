// A page of identifiers (key order, after a key, up to an optional last key) with their traits
// and stored match record: the full job's matching read.
MATCH (i:Identifier)
WHERE i.key > $after AND ($upto IS NULL OR i.key <= $upto)
WITH i ORDER BY i.key LIMIT $limit
WITH collect(i) AS page
RETURN [i IN page WHERE i.traits IS NOT NULL OR i.matchRecord IS NOT NULL |
        [i.key, coalesce(i.traits, []), i.matchRecord, coalesce(i.blockingKeys, [])]] AS rows,
       page[-1].key AS last
