// Every fuzzy link a reviewer did not reject, with its weight: what the full job's matching step
// compares its plan with when it has no read of the graph (no identifier holds traits).
MATCH (a:Identifier)-[l:LINKED {rule: 'fuzzy'}]->(b:Identifier)
WHERE NOT coalesce(l.rejected, false)
RETURN collect([a.key, b.key, l.weight]) AS rows
