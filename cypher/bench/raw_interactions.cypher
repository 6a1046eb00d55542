// Bench baseline: the same interaction nodes and OBSERVED edges, written plainly.
UNWIND $rows AS row
CREATE (e:Interaction {id: row.id, type: row.type, at: datetime(row.at), properties: row.properties})
WITH e, row
UNWIND row.keys AS key
MATCH (i:Identifier {key: key})
CREATE (e)-[:OBSERVED]->(i)
