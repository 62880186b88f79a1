// Added by GovCERT's FerretDB build (tools/ferretdb/patches.json), not part of upstream FerretDB.

package sqlite

import (
	"fmt"
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
