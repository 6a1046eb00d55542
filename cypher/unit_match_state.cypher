// What matching keeps on the identifiers of a unit: traits seen with each, and on record
// anchors the stored record and its blocking keys.
UNWIND $keys AS key
MATCH (i:Identifier {key: key})
RETURN collect([i.key, coalesce(i.traits, []), i.matchRecord, coalesce(i.blockingKeys, [])]) AS rows
