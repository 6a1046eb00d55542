// A customer id, old or current, to the surviving customer it was merged into.
MATCH (c:Customer {id: $id})
MATCH (c)-[:MERGED_INTO*0..]->(s:Customer)
WHERE s.mergedInto IS NULL
RETURN s.id AS id
LIMIT 1
