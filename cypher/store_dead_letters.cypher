// Events that failed validation, kept with their reasons (the same payload is kept once).
UNWIND $rows AS row
MERGE (d:DeadLetter {id: row.id})
  ON CREATE SET d.at = $now, d.payload = row.payload, d.messageId = row.messageId,
                d.source = row.source, d.count = 0, d.replayed = false
SET d.count = d.count + 1, d.lastAt = $now, d.reasons = row.reasons
RETURN d.id AS id
