// After a replay: accepted ones are marked replayed; the others get their new reasons.
UNWIND $rows AS row
MATCH (d:DeadLetter {id: row.id})
SET d.replayed = row.replayed, d.reasons = row.reasons, d.replayedAt = $now
