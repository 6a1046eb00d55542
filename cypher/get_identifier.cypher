MATCH (i:Identifier {key: $key}) RETURN i.key AS key
