// Invariant: no current customer without identifiers.
MATCH (c:Customer)
WHERE c.mergedInto IS NULL AND NOT (c)<-[:BELONGS_TO]-(:Identifier)
WITH c.id AS id ORDER BY id
RETURN count(id) AS total, collect(id)[..$limit] AS examples
