// Fuzzy links no longer supported by the scores (a reviewer's rejections stay).
UNWIND $rows AS row
MATCH (:Identifier {key: row.a})-[l:LINKED {rule: 'fuzzy'}]->(:Identifier {key: row.b})
WHERE NOT coalesce(l.rejected, false)
DELETE l
