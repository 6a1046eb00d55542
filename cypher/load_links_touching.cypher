// The links with an end among some identifiers of a locked unit, either way, as compact rows
// (the rows of load_unit_links; the caller keeps those inside the unit): when a unit grows by
// the units its new fuzzy links reach, only the links of what changed are read again.
UNWIND $keys AS key
MATCH (:Identifier {key: key})-[l:LINKED]-(:Identifier)
WITH DISTINCT l
WITH l, startNode(l) AS a, endNode(l) AS b
RETURN collect([a.key, b.key, l.count, l.firstSeen.epochMillis, l.active, l.refusedBy,
                coalesce(l.revoked, false), l.rule, coalesce(l.weight, 0.0),
                coalesce(l.rejected, false)]) AS rows
