// How many current (not merged) customers there are.
MATCH (c:Customer)
WHERE c.mergedInto IS NULL
RETURN count(c) AS total
