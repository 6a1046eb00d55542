// Bench setup for the 1M-identifier batch job: co-occurrence links written directly.
UNWIND $rows AS row
MATCH (a:Identifier {key: row.a})
MATCH (b:Identifier {key: row.b})
CREATE (a)-[:LINKED {count: row.count, rule: 'co_occurrence', firstSeen: datetime(row.at),
                     lastSeen: datetime(row.at), active: true, sources: []}]->(b)
