// Every identifier with its status inputs and current customer (the batch job's read).
MATCH (i:Identifier)
OPTIONAL MATCH (i)-[:BELONGS_TO]->(c:Customer)
RETURN i.key AS key, i.kind AS kind, i.value AS value, i.firstSeen.epochMillis AS firstSeen,
       i.status AS status, i.blockedReason AS blocked, i.degree AS degree,
       c.id AS customer, c.createdAt.epochMillis AS customerCreatedAt,
       coalesce(i.names, []) AS names
