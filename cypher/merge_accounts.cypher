// Accounts (Segment's group): (:Interaction)-[:FOR_ACCOUNT]->(:Account {id}); an account is not identity evidence.
UNWIND $rows AS row
MATCH (e:Interaction {id: row.id})
MERGE (a:Account {id: row.account})
  ON CREATE SET a.firstSeen = row.at, a.lastSeen = row.at, a.traits = '{}'
SET a.firstSeen = CASE WHEN row.at < a.firstSeen THEN row.at ELSE a.firstSeen END,
    a.traits = CASE WHEN row.traits IS NOT NULL AND row.at >= a.lastSeen THEN row.traits ELSE a.traits END,
    a.lastSeen = CASE WHEN row.at > a.lastSeen THEN row.at ELSE a.lastSeen END
MERGE (e)-[:FOR_ACCOUNT]->(a)
