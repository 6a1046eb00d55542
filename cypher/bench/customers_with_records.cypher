// The customers that hold a match record (on their anchor identifier).
MATCH (i:Identifier)-[:BELONGS_TO]->(c:Customer)
WHERE i.matchRecord IS NOT NULL
RETURN DISTINCT c.id AS customer
