// Kind, blocked reason and degree of identifiers, to recompute their status.
UNWIND $keys AS key
MATCH (i:Identifier {key: key})
RETURN i.key AS key, i.kind AS kind, i.blockedReason AS blocked
