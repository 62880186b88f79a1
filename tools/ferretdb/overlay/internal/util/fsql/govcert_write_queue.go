// Added by GovCERT's FerretDB build (tools/ferretdb/patches.json), not part of upstream FerretDB.

package fsql

import "sync"

// govcertWriters holds one mutex per database handle.
var govcertWriters sync.Map

// govcertWriteQueue returns the mutex that InTransaction holds for db. SQLite admits one writer at a
// time and makes the others retry through its busy handler, which sleeps for milliseconds between
// tries; queueing the transactions here instead hands the write lock on at once. Document reads,
// decoding and update operators still run in parallel outside it.
func govcertWriteQueue(db *DB) *sync.Mutex {
	v, _ := govcertWriters.LoadOrStore(db, new(sync.Mutex))
	return v.(*sync.Mutex)
}
