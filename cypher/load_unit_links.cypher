// The links leaving each identifier of a locked unit, as compact rows (the caller keeps those
// inside the unit).
UNWIND $keys AS key
MATCH (a:Identifier {key: key})-[l:LINKED]->(b:Identifier)
RETURN collect([a.key, b.key, l.count, l.firstSeen.epochMillis, l.active, l.refusedBy,
                coalesce(l.revoked, false), l.rule, coalesce(l.weight, 0.0),
                coalesce(l.rejected, false)]) AS rows
