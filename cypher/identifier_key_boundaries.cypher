// The first identifier key more than $step keys after $after (key order): how a distributed
// job cuts the identifiers into ranges that its workers read in parallel.
MATCH (i:Identifier)
WHERE i.key > $after
WITH i.key AS key
ORDER BY key
SKIP $step
LIMIT 1
RETURN key
