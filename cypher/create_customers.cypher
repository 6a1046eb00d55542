// New customers; a part split off an existing customer remembers where it came from.
UNWIND $rows AS row
CREATE (c:Customer {id: row.id, createdAt: $now, updatedAt: $now})
WITH c, row
OPTIONAL MATCH (old:Customer {id: row.splitFrom})
FOREACH (_ IN CASE WHEN old IS NULL THEN [] ELSE [1] END |
  CREATE (c)-[:SPLIT_FROM {at: $now, reason: $reason, jobId: $jobId}]->(old))
