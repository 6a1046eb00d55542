// The links leaving each identifier of a resolution unit (the caller keeps those inside it).
UNWIND $keys AS key
MATCH (a:Identifier {key: key})-[l:LINKED]->(b:Identifier)
RETURN a.key AS a, b.key AS b, l.count AS count, l.firstSeen AS firstSeen,
       l.active AS active, l.refusedBy AS refusedBy, coalesce(l.revoked, false) AS revoked
