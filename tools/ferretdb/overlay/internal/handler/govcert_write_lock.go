// Added by GovCERT's FerretDB build (tools/ferretdb/patches.json), not part of upstream FerretDB.

package handler

import (
	"hash/fnv"
	"slices"
	"sync"

	"github.com/FerretDB/FerretDB/internal/handler/common"
	"github.com/FerretDB/FerretDB/internal/types"
)

// govcertStripes is how many document locks each collection has; documents share them by hash.
const govcertStripes = 512

// govcertCollectionLock guards the writers of one collection: a writer whose filters all pin _id
// takes the collection lock shared and the stripes of its documents; any other writer takes the
// collection lock exclusively.
type govcertCollectionLock struct {
	all     sync.RWMutex
	stripes [govcertStripes]sync.Mutex
}

var govcertCollections sync.Map

// govcertLockWrites makes the update, findAndModify or delete it is called from atomic with respect
// to every other writer of the same documents in this process, and returns the unlock function.
// Upstream reads the matching documents and writes them back as two steps (FerretDB#3040), so two
// concurrent conditional updates could both match and the later one silently undo the earlier.
// Inserts are atomic already, through the unique _id index.
func govcertLockWrites(db, collection string, filters ...*types.Document) func() {
	v, _ := govcertCollections.LoadOrStore(db+"\x00"+collection, new(govcertCollectionLock))
	lock := v.(*govcertCollectionLock)

	stripes := make([]int, 0, len(filters))
	for _, filter := range filters {
		key, ok := govcertPinnedID(filter)
		if !ok {
			lock.all.Lock()
			return lock.all.Unlock
		}

		h := fnv.New32a()
		_, _ = h.Write([]byte(key))
		stripes = append(stripes, int(h.Sum32()%govcertStripes))
	}

	// In ascending order, each once: two writers never wait for each other's stripes in a cycle.
	slices.Sort(stripes)
	stripes = slices.Compact(stripes)

	lock.all.RLock()
	for _, s := range stripes {
		lock.stripes[s].Lock()
	}

	return func() {
		for _, s := range stripes {
			lock.stripes[s].Unlock()
		}
		lock.all.RUnlock()
	}
}

// govcertPinnedID returns a key for the single document a filter can match through a scalar _id.
func govcertPinnedID(filter *types.Document) (string, bool) {
	if filter == nil {
		return "", false
	}

	v, err := filter.Get("_id")
	if err != nil {
		return "", false
	}

	switch v := v.(type) {
	case string:
		return "s" + v, true
	case types.ObjectID:
		return "o" + string(v[:]), true
	default:
		return "", false
	}
}

// govcertUpdateFilters returns the filters of an update command's statements.
func govcertUpdateFilters(updates []common.Update) []*types.Document {
	filters := make([]*types.Document, len(updates))
	for i := range updates {
		filters[i] = updates[i].Filter
	}

	return filters
}

// govcertDeleteFilters returns the filters of a delete command's statements.
func govcertDeleteFilters(deletes []common.Delete) []*types.Document {
	filters := make([]*types.Document, len(deletes))
	for i := range deletes {
		filters[i] = deletes[i].Filter
	}

	return filters
}
