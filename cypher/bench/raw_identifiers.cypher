// Bench baseline: the same identifier nodes, written plainly.
UNWIND $rows AS row
MERGE (i:Identifier {key: row.key})
  ON CREATE SET i.kind = row.kind, i.value = row.value
SET i:$(row.label)
