// Tests only: mark a database created for the tests (written once, by the test server's setup).
MERGE (m:GraphCdpTestMarker)
ON CREATE SET m.created = $now, m.home = $home
RETURN m.created AS created
