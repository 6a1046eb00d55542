// The identifiers of a resolution unit with their current customer.
UNWIND $keys AS key
MATCH (i:Identifier {key: key})
OPTIONAL MATCH (i)-[:BELONGS_TO]->(c:Customer)
RETURN i.key AS key, i.kind AS kind, i.value AS value, i.firstSeen AS firstSeen,
       i.status AS status, c.id AS customer, c.createdAt AS customerCreatedAt
