// Added by GovCERT's FerretDB build (tools/ferretdb/patches.json), not part of upstream FerretDB.

package handler

import (
	"regexp"
)

// govcertNonEmptyArrayKey matches "field.0" for a top-level field: the key of `{"f.0": {$exists: true}}`.
var govcertNonEmptyArrayKey = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9]*\.0$`)

// govcertTwoLevelKey matches "field.sub" for plain names: the key of `{"notifications.status": "pending"}`.
var govcertTwoLevelKey = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9]*\.[A-Za-z][A-Za-z0-9]*$`)

// govcertKeepsNestedKey tells find which dotted filter keys to hand to the backend although nested
// pushdown is off: "field.0" and "field.sub", which the SQLite backend narrows through SQLite's JSON
// functions (govcertFieldWhereClause) as a superset of the matches, for the values it knows how to; for
// any other value it narrows nothing. The handler still applies the whole filter.
func govcertKeepsNestedKey(key string) bool {
	return govcertNonEmptyArrayKey.MatchString(key) || govcertTwoLevelKey.MatchString(key)
}
