// Take the write lock of each identifier (the start of a locked walk).
UNWIND $keys AS key
MATCH (i:Identifier {key: key})
SET i.lockedAt = $now
RETURN i.key AS key
