// The full job's new customers for the units its fence kept, each created with its members in
// one pass. The fence checked under the members' locks that none has a customer, so there is
// no old membership to remove and no customer to look up by id for each member.
UNWIND $rows AS row
CREATE (c:Customer {id: row.id, createdAt: $now, updatedAt: $now})
WITH c, row
UNWIND row.keys AS key
MATCH (i:Identifier {key: key})
CREATE (i)-[:BELONGS_TO]->(c)
