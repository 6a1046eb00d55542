// The links leaving a page of identifiers (key order, after a key, up to an optional last
// key): the batch job's read.
MATCH (a:Identifier)
WHERE a.key > $after AND ($upto IS NULL OR a.key <= $upto)
WITH a ORDER BY a.key LIMIT $limit
WITH collect(a) AS page
CALL (page) {
  UNWIND page AS a
  MATCH (a)-[l:LINKED]->(b:Identifier)
  RETURN collect([a.key, b.key, l.count, l.firstSeen.epochMillis, l.active, l.refusedBy,
                  coalesce(l.revoked, false), l.rule, coalesce(l.weight, 0.0),
                  coalesce(l.rejected, false)]) AS rows
}
RETURN rows, page[-1].key AS last
