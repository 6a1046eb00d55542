// Bench only: how many identifiers and links the graph holds (to reuse a loaded raw graph).
CALL () { MATCH (i:Identifier) RETURN count(i) AS identifiers }
CALL () { MATCH ()-[l:LINKED]->() RETURN count(l) AS links }
RETURN identifiers, links
