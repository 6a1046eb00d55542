// Accounts (Segment's group): (:Interaction)-[:FOR_ACCOUNT]->(:Account {id}); an account is not identity evidence.
UNWIND $rows AS row
WITH row, datetime(row.at) AS at
MATCH (e:Interaction {id: row.id})
MERGE (a:Account {id: row.account})
  ON CREATE SET a.firstSeen = at, a.lastSeen = at, a.traits = '{}'
SET a.firstSeen = CASE WHEN at < a.firstSeen THEN at ELSE a.firstSeen END,
    a.traits = CASE WHEN row.traits IS NOT NULL AND at >= a.lastSeen THEN row.traits ELSE a.traits END,
    a.lastSeen = CASE WHEN at > a.lastSeen THEN at ELSE a.lastSeen END
MERGE (e)-[:FOR_ACCOUNT]->(a)
