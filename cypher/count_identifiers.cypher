// How many identifiers there are (how a distributed job sizes its read ranges).
MATCH (i:Identifier)
RETURN count(i) AS total
