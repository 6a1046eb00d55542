// Tests only: the marker the test server's setup writes; a database without it is never wiped.
MATCH (m:GraphCdpTestMarker)
RETURN m.created AS created, m.home AS home
LIMIT 1
