// Every identifier's customer (for accuracy scoring against ground truth).
MATCH (i:Identifier)-[:BELONGS_TO]->(c:Customer)
RETURN i.key AS key, c.id AS customer
