// The links leaving a page of identifiers (key order, after a key, up to an optional last
// key): the batch job's read. The usual values come as null (a co-occurrence link, no weight,
// never revoked or rejected), as in all_identifiers: null is one object to the driver.
MATCH (a:Identifier)
WHERE a.key > $after AND ($upto IS NULL OR a.key <= $upto)
WITH a ORDER BY a.key LIMIT $limit
WITH collect(a) AS page
CALL (page) {
  UNWIND page AS a
  MATCH (a)-[l:LINKED]->(b:Identifier)
  RETURN collect([a.key, b.key, l.count, l.firstSeen.epochMillis, l.active, l.refusedBy,
                  l.revoked, CASE WHEN l.rule <> 'co_occurrence' THEN l.rule END, l.weight,
                  l.rejected]) AS rows
}
RETURN rows, page[-1].key AS last
