// What an erasure removes, for its profile.deleted change: identifier keys and old ids.
MATCH (c:Customer {id: $id})
OPTIONAL MATCH (i:Identifier)-[:BELONGS_TO]->(c)
WITH c, collect(i.key) AS keys
OPTIONAL MATCH (old:Customer)-[:MERGED_INTO*1..]->(c)
RETURN keys, collect(DISTINCT old.id) AS merged
