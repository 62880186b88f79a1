// Added by GovCERT's FerretDB build (tools/ferretdb/patches.json), not part of upstream FerretDB.

package sqlite

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/FerretDB/FerretDB/internal/backends/sqlite/metadata"
	"github.com/FerretDB/FerretDB/internal/handler/sjson"
	"github.com/FerretDB/FerretDB/internal/types"
	"github.com/FerretDB/FerretDB/internal/util/must"
)

// govcertIDWhereClause returns the WHERE clause that narrows a query to the _id values its filter names,
// through the unique _id index, or "" when the filter does not pin _id. Upstream pushed down only a
// filter that is exactly {_id: value}; here {_id: value, other: ...} and {_id: {$in: [values]}} are
// narrowed too. The handler still applies the whole filter to what comes back, so the clause only has
// to be a superset of the matches, never exact.
func govcertIDWhereClause(filter *types.Document) (string, []any) {
	if filter.Len() == 0 {
		return "", nil
	}

	v, _ := filter.Get("_id")
	if v == nil {
		return govcertFieldWhereClause(filter)
	}

	switch v := v.(type) {
	case string, types.ObjectID:
		return fmt.Sprintf(` WHERE %s = ?`, metadata.IDColumn), []any{string(must.NotFail(sjson.MarshalSingleValue(v)))}
	case *types.Document:
		if v.Len() != 1 {
			return "", nil
		}

		in, _ := v.Get("$in")
		values, ok := in.(*types.Array)
		if !ok || values.Len() == 0 || values.Len() > 500 {
			return "", nil
		}

		args := make([]any, 0, values.Len())
		for i := 0; i < values.Len(); i++ {
			switch value := must.NotFail(values.Get(i)).(type) {
			case string, types.ObjectID:
				args = append(args, string(must.NotFail(sjson.MarshalSingleValue(value))))
			default:
				return "", nil
			}
		}

		marks := strings.TrimSuffix(strings.Repeat("?, ", len(args)), ", ")

		return fmt.Sprintf(` WHERE %s IN (%s)`, metadata.IDColumn, marks), args
	}

	return "", nil
}

// govcertPlainField is a top-level field name that can be written into a JSON path as it is.
var govcertPlainField = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9]*$`)

// govcertFieldWhereClause narrows a filter that does not pin _id by one of its conditions that SQLite's
// JSON functions can test on the stored text, so the rows that cannot match are never decoded by the
// handler (which decodes every row of the table otherwise: the relay's outbox sweeps and the
// reconcilers read whole collections of 10-16 KB documents for the few that match). Two shapes:
//
//   - {"f.0": {$exists: true}} (a non-empty array; also an object, which could have a key "0");
//   - {f: true} (also an array, whose elements could hold true);
//   - {"f.g": "text"}: f an object whose g is (or is an array holding) the text, or an array with such an
//     object among its elements (the dispatcher's `{"notifications.status": "pending"}`).
//
// Any one condition of the filter's implicit AND is enough; the clause keeps a superset of the matches
// and the handler still applies the whole filter. A top-level $or is narrowed when each of its branches
// is (the relay's sweep asks for documents with either outbox non-empty in one query); other top-level
// operators ($and, $nor, ...) are skipped.
func govcertFieldWhereClause(filter *types.Document) (string, []any) {
	for _, key := range filter.Keys() {
		value, _ := filter.Get(key)

		if key == "$or" {
			if clause, args := govcertOrWhereClause(value); clause != "" {
				return clause, args
			}

			continue
		}

		if field, ok := strings.CutSuffix(key, ".0"); ok && govcertPlainField.MatchString(field) {
			cond, isDoc := value.(*types.Document)
			if !isDoc || cond.Len() != 1 {
				continue
			}

			exists, _ := cond.Get("$exists")
			if exists != true {
				continue
			}

			path := `'$."` + field + `"'`

			return fmt.Sprintf(
				` WHERE (json_array_length(%[1]s, %[2]s) > 0 OR json_type(%[1]s, %[2]s) = 'object')`,
				metadata.DefaultColumn, path,
			), nil
		}

		if field, sub, ok := strings.Cut(key, "."); ok && govcertPlainField.MatchString(field) &&
			govcertPlainField.MatchString(sub) {
			text, isString := value.(string)
			if !isString {
				continue
			}

			// MongoDB matches f.g against f itself when f is an object, and against each element of f when
			// f is an array; g may hold the text or an array containing it. Any of these keeps the row.
			fieldPath := `'$."` + field + `"'`
			subPath := `'$."` + field + `"."` + sub + `"'`
			elemPath := `'$."` + sub + `"'`

			return fmt.Sprintf(
				` WHERE (json_extract(%[1]s, %[3]s) = ? OR json_type(%[1]s, %[3]s) = 'array' OR EXISTS (`+
					`SELECT 1 FROM json_each(%[1]s, %[2]s) AS govcert_e WHERE govcert_e.type = 'object' AND `+
					`(json_extract(govcert_e.value, %[4]s) = ? OR json_type(govcert_e.value, %[4]s) = 'array')))`,
				metadata.DefaultColumn, fieldPath, subPath, elemPath,
			), []any{text, text}
		}

		if govcertPlainField.MatchString(key) && value == true {
			path := `'$."` + key + `"'`

			return fmt.Sprintf(
				` WHERE (json_type(%[1]s, %[2]s) IN ('true', 'array'))`,
				metadata.DefaultColumn, path,
			), nil
		}
	}

	return "", nil
}

// govcertOrWhereClause is the WHERE clause for the branches of a $or: the OR of each branch's own clause,
// or "" when any branch narrows nothing (that branch could match any row, so the $or could too).
func govcertOrWhereClause(value any) (string, []any) {
	branches, ok := value.(*types.Array)
	if !ok || branches.Len() == 0 {
		return "", nil
	}

	clauses := make([]string, 0, branches.Len())
	var args []any

	for i := 0; i < branches.Len(); i++ {
		branch, isDoc := must.NotFail(branches.Get(i)).(*types.Document)
		if !isDoc {
			return "", nil
		}

		clause, branchArgs := govcertFieldWhereClause(branch)
		if clause == "" {
			return "", nil
		}

		clauses = append(clauses, "("+strings.TrimPrefix(clause, " WHERE ")+")")
		args = append(args, branchArgs...)
	}

	return " WHERE " + strings.Join(clauses, " OR "), args
}
