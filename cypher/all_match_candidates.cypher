// Every match candidate, compact (the full job's reconciliation).
MATCH (m:MatchCandidate)
RETURN collect([m.id, m.a, m.b, m.status, m.weight]) AS rows
