// (:Interaction)-[:OBSERVED]->(:Identifier) for each identifier of each new interaction.
UNWIND $rows AS row
MATCH (e:Interaction {id: row.id})
UNWIND row.keys AS key
MATCH (i:Identifier {key: key})
MERGE (e)-[:OBSERVED]->(i)
