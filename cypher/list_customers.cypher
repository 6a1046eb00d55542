// A page of current customers in id order, after a cursor; one extra row says more follow.
MATCH (c:Customer)
WHERE c.mergedInto IS NULL AND ($after IS NULL OR c.id > $after)
RETURN c.id AS id
ORDER BY c.id
LIMIT $limit
