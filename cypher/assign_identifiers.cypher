// Move each identifier to its customer (an identifier belongs to exactly one).
UNWIND $rows AS row
MATCH (i:Identifier {key: row.key})
MATCH (c:Customer {id: row.customer})
CALL (i) {
  MATCH (i)-[r:BELONGS_TO]->(:Customer)
  DELETE r
}
CREATE (i)-[:BELONGS_TO]->(c)
SET c.updatedAt = $now
