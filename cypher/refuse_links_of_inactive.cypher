// Links touching a blocked or hub identifier never merge: mark them with the rule.
UNWIND $keys AS key
MATCH (i:Identifier {key: key})-[l:LINKED]-(n:Identifier)
WHERE i.status <> 'ok' OR n.status <> 'ok'
WITH DISTINCT l, CASE WHEN coalesce(l.revoked, false) THEN 'revoked'
                      WHEN i.status = 'blocked' OR n.status = 'blocked' THEN 'blocked'
                      ELSE 'hub' END AS rule
WHERE l.active OR l.refusedBy IS NULL OR l.refusedBy <> rule
SET l.active = false, l.refusedBy = rule
