// A record anchor keeps its record and is KEYED to the block keys the matcher puts it in,
// so a write finds its neighbours by index.
UNWIND $rows AS row
MATCH (i:Identifier {key: row.key})
SET i.matchRecord = row.record, i.blockingKeys = row.blockingKeys
WITH i, row
UNWIND row.blockingKeys AS blockKey
MERGE (b:BlockKey {key: blockKey})
MERGE (i)-[:KEYED]->(b)
