// Identifiers written or resolved since a time, or without a customer (an incremental job's seeds).
MATCH (i:Identifier)
WHERE coalesce(i.status, 'ok') <> 'invalid' AND (i.lockedAt >= $since OR NOT (i)-[:BELONGS_TO]->(:Customer))
RETURN i.key AS key, i.kind AS kind, i.value AS value
