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
	"syscall"

	"github.com/FerretDB/FerretDB/ferretdb"
)

func main() {
	listen := flag.String("listen", "127.0.0.1:27017", "TCP address to listen on")
	sqliteURL := flag.String("sqlite-url", "file:./var/ferretdb/", "SQLite backend directory URL (must end with /)")
	postgresURL := flag.String("postgresql-url", "", "use the PostgreSQL backend at this URL instead of SQLite")
	pprofListen := flag.String("pprof-listen", "", "serve Go's pprof profiles on this address (benchmarks)")
	flag.Parse()

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
