// The customer an identifier belongs to.
MATCH (:Identifier {key: $key})-[:BELONGS_TO]->(c:Customer)
RETURN c.id AS id
