// A merged customer points to its survivor; its old id keeps resolving there.
UNWIND $rows AS row
MATCH (gone:Customer {id: row.merged})
MATCH (survivor:Customer {id: row.survivor})
CREATE (gone)-[:MERGED_INTO {at: $now, reason: $reason, jobId: $jobId}]->(survivor)
SET gone.mergedInto = survivor.id, gone.updatedAt = $now, survivor.updatedAt = $now
