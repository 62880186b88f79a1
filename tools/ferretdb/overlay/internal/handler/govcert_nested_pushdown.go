// Added by GovCERT's FerretDB build (tools/ferretdb/patches.json), not part of upstream FerretDB.

package handler

import (
	"regexp"
)

// govcertNonEmptyArrayKey matches "field.0" for a top-level field: the key of `{"f.0": {$exists: true}}`.
var govcertNonEmptyArrayKey = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9]*\.0$`)

// govcertKeepsNestedKey tells find which dotted filter keys to hand to the backend although nested
// pushdown is off: only "field.0", which the SQLite backend narrows through SQLite's JSON functions
// (govcertFieldWhereClause) as a superset of the matches. The handler still applies the whole filter.
func govcertKeepsNestedKey(key string) bool {
	return govcertNonEmptyArrayKey.MatchString(key)
}
