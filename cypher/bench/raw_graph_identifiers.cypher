// Bench setup for the 1M-identifier batch job: identifier nodes written directly, each with its
// degree, as a write that defers resolution leaves it (it refreshes the degrees it touched).
UNWIND $rows AS row
WITH row, datetime(row.at) AS at
CREATE (i:Identifier {key: row.key, kind: row.kind, value: row.value, status: 'ok',
                      firstSeen: at, lastSeen: at, degree: row.degree})
SET i:$(row.label)
