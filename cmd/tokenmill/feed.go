package main

import (
	"fmt"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/tokenmill/tokenmill/train/feed"
)

type feedFlags struct {
	data, root, addr string
	maxStreams       int
	grace            time.Duration
}

func newFeedCmd() *cobra.Command {
	var f feedFlags
	cmd := &cobra.Command{
		Use:   "feed",
		Short: "Serve a build's mixture-exact token stream to training jobs over Arrow Flight",
		Long: `Serves the batches train/data gives the Go trainer over Arrow Flight (gRPC), one
stream per rank: a DoGet ticket is JSON naming the manifest (relative to --root),
seed, seq_len, global_batch, steps, rank, world and start_step, e.g.

  {"manifest":"manifest.json","seed":1,"seq_len":2048,"global_batch":512,
   "steps":100000,"rank":0,"world":8,"start_step":0}

Each row is one sequence: step, source and tokens (seq_len+1 int32; inputs are
tokens[:L], targets tokens[1:]). GetFlightInfo with the ticket as a CMD descriptor
describes the stream and pins the manifest version and config hash. Only manifests
and shards under --root are read (default: the folder of --data). SIGINT or SIGTERM
stops running streams at a step boundary and exits. See clients/python for a
PyTorch IterableDataset.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return runFeed(cmd, f) },
	}
	fl := cmd.Flags()
	fl.StringVar(&f.data, "data", "", "default manifest.json, for tickets that name none (must lie inside --root)")
	fl.StringVar(&f.root, "root", "", "folder whose manifests tickets may name (default: the folder of --data)")
	fl.StringVar(&f.addr, "addr", "127.0.0.1:8815", "host:port to listen on (port 0 picks a free one)")
	fl.IntVar(&f.maxStreams, "max-streams", feed.DefaultMaxStreams, "concurrent streams; more are refused")
	fl.DurationVar(&f.grace, "grace", feed.DefaultGrace, "on shutdown, how long to wait for streams before cutting them")
	return cmd
}

func runFeed(cmd *cobra.Command, f feedFlags) error {
	if f.data == "" && f.root == "" {
		return usageError{fmt.Errorf("give --data (a manifest.json) or --root (a folder of builds)")}
	}
	root := f.root
	if root == "" {
		root = filepath.Dir(f.data)
	}
	log := slog.New(slog.NewTextHandler(cmd.ErrOrStderr(), &slog.HandlerOptions{Level: slog.LevelInfo}))
	srv, err := feed.New(feed.Options{Root: root, Manifest: f.data, MaxStreams: f.maxStreams, Grace: f.grace, Logger: log})
	if err != nil {
		return usageError{err}
	}
	ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	lis, err := net.Listen("tcp", f.addr)
	if err != nil {
		return usageError{err}
	}
	fmt.Fprintf(cmd.OutOrStdout(), "serving Arrow Flight on grpc://%s (root %s)\n", lis.Addr(), srv.Root())
	if err := srv.Serve(ctx, lis); err != nil {
		return err
	}
	fmt.Fprintln(cmd.OutOrStdout(), "stopped")
	return nil
}
