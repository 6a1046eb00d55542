// A newly trained match model (m and u per comparison level, term frequencies), as JSON.
CREATE (m:MatchModel {id: $id, trainedAt: $now, json: $json, records: $records})
RETURN m.id AS id
