// How many current (not merged) customers there are: all of them from the count store, less the
// merged ones from their index (customer_merged_into), instead of reading every customer.
CALL () { MATCH (c:Customer) RETURN count(c) AS customers }
CALL () { MATCH (m:Customer) WHERE m.mergedInto IS NOT NULL RETURN count(m) AS merged }
RETURN customers - merged AS total
