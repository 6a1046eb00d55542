// Links touching a blocked or hub identifier never merge: mark them refused. The rule named is
// the first of $precedence (the caller's refusal order) among the link's reasons.
UNWIND $keys AS key
MATCH (i:Identifier {key: key})-[l:LINKED]-(n:Identifier)
WHERE i.status <> 'ok' OR n.status <> 'ok'
WITH DISTINCT l, CASE WHEN coalesce(l.revoked, false) THEN ['revoked'] ELSE [] END
                 + [i.status, n.status] AS reasons
WITH l, [r IN $precedence WHERE r IN reasons][0] AS rule
WHERE l.active OR l.refusedBy IS NULL OR l.refusedBy <> rule
SET l.active = false, l.refusedBy = rule
