// Bench only: a page of identifiers (key order, after a key) and their outgoing links back to
// the state the raw graph was written in; returns the page's last key (null at the end).
MATCH (i:Identifier)
WHERE i.key > $after
WITH i ORDER BY i.key LIMIT $limit
SET i.status = 'ok', i.degree = COUNT { (i)-[l:LINKED]-() WHERE coalesce(l.rule, '') <> 'fuzzy' },
    i.blockedReason = null,
    i.statusReason = null, i.lockedAt = null
WITH collect(i) AS page
CALL (page) {
  UNWIND page AS i
  MATCH (i)-[l:LINKED]->(:Identifier)
  SET l.active = true, l.refusedBy = null, l.decidedAt = null
}
RETURN page[-1].key AS last
