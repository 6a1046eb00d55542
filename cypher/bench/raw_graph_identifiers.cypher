// Bench setup for the 1M-identifier batch job: identifier nodes written directly.
UNWIND $rows AS row
WITH row, datetime(row.at) AS at
CREATE (i:Identifier {key: row.key, kind: row.kind, value: row.value, status: 'ok',
                      firstSeen: at, lastSeen: at, degree: 0})
SET i:$(row.label)
