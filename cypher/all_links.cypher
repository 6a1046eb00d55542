// Every link (the batch job's read).
MATCH (a:Identifier)-[l:LINKED]->(b:Identifier)
RETURN a.key AS a, b.key AS b, l.count AS count, l.firstSeen.epochMillis AS firstSeen,
       l.active AS active, l.refusedBy AS refusedBy, coalesce(l.revoked, false) AS revoked
