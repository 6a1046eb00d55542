// Identifiers that are no longer (or not the same) record anchors: drop record and block keys.
UNWIND $keys AS key
MATCH (i:Identifier {key: key})
REMOVE i.matchRecord, i.blockingKeys
WITH i
OPTIONAL MATCH (i)-[k:KEYED]->(:BlockKey)
DELETE k
