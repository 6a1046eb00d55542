// Degree and status (invalid > blocked > hub > ok; an invalid value stays invalid) of identifiers
// whose links changed; [key, status before, status] of each, in one record. The degree counts
// observed links only: a fuzzy link is derived from traits, and a person's phone that looks like
// several of her records is not a call-centre phone.
UNWIND $rows AS row
MATCH (i:Identifier {key: row.key})
WITH i, row, COUNT { (i)-[l:LINKED]-() WHERE coalesce(l.rule, '') <> 'fuzzy' } AS degree, i.status AS before
WITH i, row, degree, before,
     CASE WHEN before = 'invalid' THEN 'invalid'
          WHEN row.blocked IS NOT NULL THEN 'blocked'
          WHEN degree > row.threshold THEN 'hub'
          ELSE 'ok' END AS status
SET i.degree = degree, i.status = status, i.blockedReason = row.blocked,
    i.statusReason = CASE status
      WHEN 'blocked' THEN row.blocked
      WHEN 'hub' THEN 'linked to ' + toString(degree) + ' identifiers (hub threshold ' + toString(row.threshold) + ')'
      ELSE null END
RETURN collect([i.key, before, status]) AS rows
