// Bench baseline for profileByIdentifier: an identifier key to its customer and that customer's identifiers.
MATCH (:Identifier {key: $key})-[:BELONGS_TO]->(c:Customer)
MATCH (i:Identifier)-[:BELONGS_TO]->(c)
RETURN c.id AS id, collect(i {.kind, .value}) AS identifiers
