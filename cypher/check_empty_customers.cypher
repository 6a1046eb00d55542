// Invariant: no current customer without identifiers.
MATCH (c:Customer)
WHERE c.mergedInto IS NULL AND NOT (c)<-[:BELONGS_TO]-(:Identifier)
RETURN c.id AS id
LIMIT $limit
