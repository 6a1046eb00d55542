// Append change records to the log. The first SET takes the write lock of the one
// sequence node before its value is read, and the lock is held until commit: writers of
// changes are serialised from here on, so sequence order is commit order and a rolled
// back transaction gives its numbers back (no gaps).
MERGE (s:ChangeSequence {id: 'changes'})
ON CREATE SET s.next = 0
SET s.locked = true
WITH s
WITH s, s.next AS base
SET s.next = base + size($rows)
WITH base
UNWIND range(0, size($rows) - 1) AS i
WITH base + i + 1 AS seq, $rows[i] AS row
CREATE (:Change {
  seq: seq, type: row.type, profileIds: row.profileIds, data: row.data,
  cause: $cause, jobId: $jobId, at: $now
})
