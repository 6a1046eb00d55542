// Hubs and blocked identifiers: what the rules keep out of merges
// Identifiers with status hub or blocked, why (statusReason), and their degree in links and
// interactions.
MATCH (i:Identifier)
WHERE i.status IN ['hub', 'blocked']
RETURN i.status AS status,
       i.key AS key,
       i.statusReason AS reason,
       COUNT { (i)-[:LINKED]-(:Identifier) } AS links,
       COUNT { (i)-[:LINKED {active: true}]-(:Identifier) } AS activeLinks,
       COUNT { (i)<-[:OBSERVED]-(:Interaction) } AS interactions,
       i AS identifier
ORDER BY links DESC, key
LIMIT 100
