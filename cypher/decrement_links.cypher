// Evidence that came from deleted interactions: count down, drop links with none left.
UNWIND $rows AS row
MATCH (a:Identifier {key: row.a})-[l:LINKED]->(b:Identifier {key: row.b})
SET l.count = l.count - row.count
WITH l
WHERE l.count <= 0 AND coalesce(l.explicit, 0) <= 0
DELETE l
