package main

import (
	"context"
	"errors"
	"net"
	"net/http"
	"os"
	"os/signal"
	"sort"
	"syscall"
	"time"

	"github.com/spf13/cobra"
	"github.com/tokenmill/tokenmill/pipeline"
	"github.com/tokenmill/tokenmill/pipeline/service"
	"github.com/tokenmill/tokenmill/pipeline/storage"
	"github.com/tokenmill/tokenmill/recipes"
)

type serveFlags struct {
	addr       string
	state      string
	maxBuilds  int
	workers    int
	tokensFile string
	roots      []string
	buckets    []string
	urls       []string
	maxBody    int64
}

func newServeCmd() *cobra.Command {
	var f serveFlags
	c := &cobra.Command{
		Use:   "serve",
		Short: "Run the build server: an HTTP JSON API to submit, watch and cancel builds",
		Long: `Serves the build API (see pipeline/service): POST /v1/builds, GET /v1/builds[/ID],
POST /v1/builds/ID/cancel, GET /v1/builds/ID/logs and /stats, /metrics, /healthz.
Every request but /healthz needs "Authorization: Bearer TOKEN" with a token from
--tokens-file (one per line) or TOKENMILL_TOKENS (comma-separated). Paths a request
names must lie under a --root (local) or a --bucket (s3://, gs://). Builds are kept
in --state and resumed when the server starts again.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error { return runServe(cmd, f, defaultRegistry()) },
	}
	fl := c.Flags()
	fl.StringVar(&f.addr, "addr", "127.0.0.1:8080", "address to listen on")
	fl.StringVar(&f.state, "state", "", "state folder: builds, logs, submitted recipes (required)")
	fl.IntVar(&f.maxBuilds, "max-builds", 1, "builds run at once; the rest are queued")
	fl.IntVar(&f.workers, "workers", 0, "a build's worker goroutines when the request names none (default: all cores)")
	fl.StringVar(&f.tokensFile, "tokens-file", "", "file of bearer tokens, one per line")
	fl.StringArrayVar(&f.roots, "root", nil, "local folder requests may read and write (repeatable)")
	fl.StringArrayVar(&f.buckets, "bucket", nil, "s3://BUCKET[/PREFIX] or gs://BUCKET[/PREFIX] requests may use (repeatable)")
	fl.StringArrayVar(&f.urls, "allow-url", nil, "http(s) URL prefix requests may read, e.g. https://data.commoncrawl.org/ (repeatable)")
	fl.Int64Var(&f.maxBody, "max-body-kb", 1024, "largest request body (and submitted recipe) in KiB")
	return c
}

func runServe(cmd *cobra.Command, f serveFlags, reg *pipeline.Registry) error {
	if f.state == "" {
		return usageError{errors.New("--state DIR is required")}
	}
	log, err := newLogger(cmd, cmd.ErrOrStderr())
	if err != nil {
		return err
	}
	tokens := service.SplitTokens(os.Getenv("TOKENMILL_TOKENS"))
	if f.tokensFile != "" {
		fh, err := os.Open(f.tokensFile)
		if err != nil {
			return usageError{err}
		}
		t, err := service.ReadTokens(fh)
		fh.Close()
		if err != nil {
			return err
		}
		tokens = append(tokens, t...)
	}
	storage.RegisterEmbedded("sample", recipes.Sample())
	srv, err := service.New(service.Config{StateDir: f.state, MaxBuilds: f.maxBuilds, Workers: f.workers, Tokens: tokens,
		Roots: f.roots, Buckets: f.buckets, URLs: f.urls, MaxBodyBytes: f.maxBody << 10, Registry: reg, EmbeddedRecipe: recipes.LLaMA(),
		Run: buildRunner(reg), Logger: log})
	if err != nil {
		return usageError{err}
	}
	ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	ln, err := net.Listen("tcp", f.addr)
	if err != nil {
		srv.Close()
		return err
	}
	hs := &http.Server{Handler: srv.Handler(), ReadHeaderTimeout: 10 * time.Second, ReadTimeout: time.Minute, IdleTimeout: 2 * time.Minute}
	log.Info("serving", "addr", ln.Addr().String(), "state", f.state, "max_builds", f.maxBuilds, "roots", f.roots, "buckets", f.buckets)
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	select {
	case <-ctx.Done():
	case err = <-errc:
	}
	sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	hs.Shutdown(sctx)
	// Running builds stop here and stay "running" in the state folder: the
	// next server resumes them from their task markers.
	srv.Close()
	log.Info("stopped")
	if errors.Is(err, http.ErrServerClosed) {
		return nil
	}
	return err
}

// buildRunner runs a server's build through the same entry point as
// `tokenmill build`: a command whose output (log, progress lines, summary)
// goes to the build's log file, with JSON logs.
func buildRunner(reg *pipeline.Registry) service.RunFunc {
	return func(ctx context.Context, job service.Job, progress func(service.Progress)) (*service.Result, error) {
		c := &cobra.Command{Use: "build"}
		c.Flags().String("log-format", "json", "")
		c.Flags().String("log-level", "info", "")
		c.SetContext(ctx)
		c.SetOut(job.Log)
		c.SetErr(job.Log)
		f := buildFlags{recipe: job.RecipeFile, out: job.Request.Output, only: job.Request.Only, workers: job.Workers, progress: "lines"}
		srcs := make([]string, 0, len(job.Request.Inputs))
		for s := range job.Request.Inputs {
			srcs = append(srcs, s)
		}
		sort.Strings(srcs)
		for _, s := range srcs {
			for _, p := range job.Request.Inputs[s] {
				f.inputs = append(f.inputs, s+"="+p)
			}
		}
		if err := runBuild(c, f, reg); err != nil {
			return nil, err
		}
		st, err := storage.Open(ctx, job.Request.Output)
		if err != nil {
			return &service.Result{}, nil
		}
		defer st.Close()
		return &service.Result{Manifest: st.URL("manifest.json")}, nil
	}
}
