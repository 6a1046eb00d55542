// Bench baseline: the same LINKED edges with their counts, written plainly.
UNWIND $rows AS row
MATCH (a:Identifier {key: row.a})
MATCH (b:Identifier {key: row.b})
MERGE (a)-[l:LINKED]->(b)
  ON CREATE SET l.count = 0
SET l.count = l.count + row.count
