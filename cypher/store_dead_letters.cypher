// Events that failed validation, kept with their reasons (the same payload is kept once;
// a payload over the cap is kept as its first bytes, with its whole size and truncated = true).
UNWIND $rows AS row
MERGE (d:DeadLetter {id: row.id})
  ON CREATE SET d.at = $now, d.payload = row.payload, d.payloadBytes = row.payloadBytes,
                d.truncated = row.truncated, d.messageId = row.messageId,
                d.source = row.source, d.count = 0, d.replayed = false
SET d.count = d.count + 1, d.lastAt = $now, d.reasons = row.reasons, d.code = row.code
RETURN d.id AS id
