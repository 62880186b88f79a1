// Command ferretdb starts an embedded FerretDB (MongoDB wire protocol) server
// with the SQLite backend. The upstream cmd/ferretdb cannot be `go install`ed
// (it panics on a missing generated version file), so this wrapper embeds the
// public github.com/FerretDB/FerretDB/ferretdb package instead.
package main

import (
	"context"
	"flag"
	"fmt"
	"net/http"
	_ "net/http/pprof" // served only with -pprof-listen
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"

	"github.com/FerretDB/FerretDB/ferretdb"
)

func main() {
	listen := flag.String("listen", "127.0.0.1:27017", "TCP address to listen on")
	sqliteURL := flag.String("sqlite-url", "file:./var/ferretdb/", "SQLite backend directory URL (must end with /)")
	postgresURL := flag.String("postgresql-url", "", "use the PostgreSQL backend at this URL instead of SQLite")
	pprofListen := flag.String("pprof-listen", "", "serve Go's pprof profiles on this address (benchmarks)")
	gcPercent := flag.Int("gc-percent", 400, "Go's GOGC for this process (the GOGC variable wins when set)")
	memoryLimitMiB := flag.Int64("memory-limit-mib", 384, "Go's soft memory limit (the GOMEMLIMIT variable wins when set)")
	flag.Parse()

	// Decoding and encoding documents allocates a great deal: with Go's default of 100 the collector
	// took about a quarter of this process's CPU under the intake load profile, and reports were
	// triaged about a fifth slower (docs/benchmarks.md). The soft limit makes the collector work harder
	// again as the heap nears it, so that a larger GOGC does not also mean an unbounded heap: peak
	// RSS under that profile went from 240 MB (100) to 500 MB (400), and is about 410 MB with it.
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(*gcPercent)
	}
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(*memoryLimitMiB << 20)
	}

	if *pprofListen != "" {
		go func() {
			fmt.Fprintln(os.Stderr, "pprof:", http.ListenAndServe(*pprofListen, nil))
		}()
	}

	cfg := &ferretdb.Config{
		Listener: ferretdb.ListenerConfig{TCP: *listen},
	}
	if *postgresURL != "" {
		cfg.Handler = "postgresql"
		cfg.PostgreSQLURL = *postgresURL
	} else {
		cfg.Handler = "sqlite"
		cfg.SQLiteURL = *sqliteURL
	}

	f, err := ferretdb.New(cfg)
	if err != nil {
		fmt.Fprintln(os.Stderr, "ferretdb:", err)
		os.Exit(1)
	}

	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()

	fmt.Println("ferretdb listening on", *listen)
	if err := f.Run(ctx); err != nil && ctx.Err() == nil {
		fmt.Fprintln(os.Stderr, "ferretdb:", err)
		os.Exit(1)
	}
}
