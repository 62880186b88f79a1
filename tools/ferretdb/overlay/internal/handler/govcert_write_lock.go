// Added by GovCERT's FerretDB build (tools/ferretdb/patches.json), not part of upstream FerretDB.

package handler

import "sync"

// govcertWriteLocks holds one mutex per database and collection.
var govcertWriteLocks sync.Map

// govcertLockWrites makes the update, findAndModify or delete it is called from atomic with respect
// to every other writer of the collection in this process, and returns the unlock function.
// Upstream reads the matching documents and writes them back as two steps (FerretDB#3040), so two
// concurrent conditional updates could both match and the later one silently undo the earlier.
// Inserts are atomic already, through the unique _id index. A lock per document was tried as well: it
// let more writes reach SQLite (one writer at a time) together and measured slower here.
func govcertLockWrites(db, collection string) func() {
	v, _ := govcertWriteLocks.LoadOrStore(db+"\x00"+collection, new(sync.Mutex))
	mu := v.(*sync.Mutex)
	mu.Lock()

	return mu.Unlock
}
