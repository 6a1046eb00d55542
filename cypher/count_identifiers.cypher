// How many identifiers the graph holds (all of them, whatever their customer).
MATCH (i:Identifier)
RETURN count(i) AS total
