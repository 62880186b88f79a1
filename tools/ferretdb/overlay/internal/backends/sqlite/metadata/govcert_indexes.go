package metadata

// govcertBuildsIndex reports whether the SQLite backend builds index as an SQLite index.
//
// Unique indexes are built: they enforce uniqueness. A non-unique secondary index is only recorded
// (listIndexes shows it, dropIndexes removes it): this backend answers every query that does not pin
// _id by reading the table, so no query ever uses such an index, while every insert and update
// pays for it by parsing the whole JSON document once per indexed expression.
func govcertBuildsIndex(index IndexInfo) bool {
	return index.Unique
}
