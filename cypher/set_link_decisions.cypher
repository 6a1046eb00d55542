// Record what the rules decided for each link: active, or refused and by which rule.
UNWIND $rows AS row
MATCH (a:Identifier {key: row.a})-[l:LINKED]->(b:Identifier {key: row.b})
SET l.active = row.active, l.refusedBy = row.refusedBy, l.decidedAt = $now
