package service

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"runtime/debug"
	"slices"
	"sync"
	"time"

	"github.com/tokenmill/tokenmill/pipeline"
	"github.com/tokenmill/tokenmill/pipeline/storage"
)

// Job is one run of a build, as the RunFunc gets it.
type Job struct {
	ID      string
	Request BuildRequest
	// RecipeFile is the recipe to run ("" for the embedded one).
	RecipeFile string
	// Workers is the worker count to use (the request's, or the server's
	// default; 0 means all cores).
	Workers int
	// Log receives the build's log; it is the file GET /v1/builds/ID/logs
	// serves.
	Log io.Writer
	// Attempt is 1 for the first run, more for a resumed build.
	Attempt int
}

// Progress is what a RunFunc may report while it runs, per source; zero
// fields are left to what the server reads from the output.
type Progress struct {
	Source   string
	Done     int
	Total    int
	DocsIn   int64
	BytesIn  int64
	DocsOut  int64
	BytesOut int64
	Tokens   int64
	Drops    map[string]int64
}

// Result is what a finished run returns.
type Result struct {
	// Manifest is the URL of the manifest the build wrote, if known.
	Manifest string
}

// RunFunc runs one build to the end or until ctx is canceled. It must
// write into job.Request.Output and resume from the task markers found
// there, as `tokenmill build` does. progress may be called from any
// goroutine.
type RunFunc func(ctx context.Context, job Job, progress func(Progress)) (*Result, error)

// Config configures a Server.
type Config struct {
	// StateDir holds the builds' state, logs and submitted recipes.
	StateDir string
	// MaxBuilds is the number of builds run at once (at least 1); the rest
	// wait in a FIFO queue.
	MaxBuilds int
	// Workers is a build's worker count when the request names none.
	Workers int
	// Tokens are the accepted bearer tokens; at least one is required.
	Tokens []string
	// Roots and Buckets are where requests may read and write.
	Roots   []string
	Buckets []string
	// URLs are http(s) prefixes requests may read (never write).
	URLs []string
	// MaxBodyBytes bounds a request's body (default 1 MiB).
	MaxBodyBytes int64
	// Registry checks recipes and resolves inputs.
	Registry *pipeline.Registry
	// EmbeddedRecipe is the recipe run when a request names none.
	EmbeddedRecipe []byte
	// Run runs a build.
	Run RunFunc
	// Logger receives the server's structured logs (default: discarded).
	Logger *slog.Logger
	// PollInterval is how often a running build's output is read for
	// progress (default 2s).
	PollInterval time.Duration
}

// Server is the build server. Create it with New, serve Handler, stop it
// with Close.
type Server struct {
	cfg   Config
	conf  *Confiner
	state stateDir
	auth  *authenticator
	met   *metrics
	log   *slog.Logger

	ctx    context.Context // canceled by Close: running builds stop, stay "running"
	cancel context.CancelFunc
	wg     sync.WaitGroup

	mu      sync.Mutex
	seq     int64
	builds  map[string]*Record
	queue   []string
	running map[string]*live
	stats   map[string]*pipeline.Stats // finished builds' stats.json, read once
	closed  bool
}

// New checks the configuration, loads the state folder and starts the
// builds found queued or interrupted there.
func New(cfg Config) (*Server, error) {
	if cfg.StateDir == "" {
		return nil, errors.New("service: a state folder is required")
	}
	if cfg.Run == nil || cfg.Registry == nil {
		return nil, errors.New("service: Run and Registry are required")
	}
	if cfg.MaxBuilds < 1 {
		cfg.MaxBuilds = 1
	}
	if cfg.MaxBodyBytes <= 0 {
		cfg.MaxBodyBytes = 1 << 20
	}
	if cfg.PollInterval <= 0 {
		cfg.PollInterval = 2 * time.Second
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	auth, err := newAuthenticator(cfg.Tokens)
	if err != nil {
		return nil, err
	}
	conf, err := NewConfiner(cfg.Roots, cfg.Buckets)
	if err != nil {
		return nil, err
	}
	if err := conf.AllowURLs(cfg.URLs); err != nil {
		return nil, err
	}
	st := stateDir(cfg.StateDir)
	if err := st.init(); err != nil {
		return nil, fmt.Errorf("service: state folder: %w", err)
	}
	if err := conf.Deny(cfg.StateDir); err != nil {
		return nil, err
	}
	s := &Server{cfg: cfg, conf: conf, state: st, auth: auth, log: cfg.Logger,
		builds: map[string]*Record{}, running: map[string]*live{}, stats: map[string]*pipeline.Stats{}}
	s.met = newMetrics(s)
	s.ctx, s.cancel = context.WithCancel(context.Background())

	recs, errs := st.load()
	for _, err := range errs {
		s.log.Error("state file skipped", "err", err)
		s.met.errors.WithLabelValues("state").Inc()
	}
	var resumed []string
	for _, r := range recs {
		s.builds[r.ID] = r
		s.seq = max(s.seq, r.Seq)
		switch r.State {
		case StateRunning:
			// Interrupted by the last shutdown: first in line again, in
			// the order they were submitted.
			r.State = StateQueued
			if err := st.save(r); err != nil {
				return nil, err
			}
			resumed = append(resumed, r.ID)
		case StateQueued:
			s.queue = append(s.queue, r.ID)
		}
	}
	s.queue = append(resumed, s.queue...)
	if len(recs) > 0 {
		s.log.Info("state loaded", "builds", len(recs), "resumed", len(resumed), "queued", len(s.queue)-len(resumed))
	}
	s.mu.Lock()
	s.kick()
	s.mu.Unlock()
	return s, nil
}

// Close stops taking builds, cancels the running ones and waits for them
// to return. They stay "running" on disk, so the next server resumes them.
func (s *Server) Close() {
	s.mu.Lock()
	s.closed = true
	s.mu.Unlock()
	s.cancel()
	s.wg.Wait()
}

// kick starts queued builds while there is room. s.mu is held.
func (s *Server) kick() {
	for !s.closed && len(s.running) < s.cfg.MaxBuilds && len(s.queue) > 0 {
		id := s.queue[0]
		s.queue = s.queue[1:]
		r := s.builds[id]
		ctx, cancel := context.WithCancel(s.ctx)
		lv := &live{cancel: cancel, started: time.Now(), markers: map[string]markerInfo{}, reported: map[string]Progress{}}
		s.running[id] = lv
		now := time.Now().UTC()
		r.State, r.Started, r.Finished, r.Error = StateRunning, &now, nil, ""
		r.Attempts++
		if err := s.state.save(r); err != nil {
			s.log.Error("state write failed", "build", id, "err", err)
			s.met.errors.WithLabelValues("state").Inc()
		}
		s.wg.Add(1)
		go s.run(ctx, r.ID, copyRecord(r), lv)
	}
}

func copyRecord(r *Record) Record {
	c := *r
	c.Request.Inputs = map[string][]string{}
	for k, v := range r.Request.Inputs {
		c.Request.Inputs[k] = slices.Clone(v)
	}
	c.Request.Only = slices.Clone(r.Request.Only)
	return c
}

// run runs one attempt of a build and records how it ended.
func (s *Server) run(ctx context.Context, id string, r Record, lv *live) {
	defer s.wg.Done()
	log := s.log.With("build", id, "attempt", r.Attempts)
	log.Info("build started", "output", r.Request.Output)
	err := s.attempt(ctx, &r, lv, log)
	var stats *pipeline.Stats
	if err == nil {
		stats = s.readStats(&r)
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.running, id)
	rec := s.builds[id]
	now := time.Now().UTC()
	switch {
	case err != nil && lv.userCanceled():
		// (A cancel that came after the build had finished changes nothing.)
		rec.State, rec.Finished = StateCanceled, &now
		log.Info("build canceled")
	case err != nil && s.ctx.Err() != nil:
		// Server shutdown: leave it "running" for the next server.
		log.Info("build interrupted by shutdown; it resumes when the server starts again")
		s.kick()
		return
	case err != nil:
		rec.State, rec.Finished, rec.Error = StateFailed, &now, err.Error()
		log.Error("build failed", "err", err)
		s.met.errors.WithLabelValues("build").Inc()
	default:
		rec.State, rec.Finished = StateSucceeded, &now
		log.Info("build succeeded", "seconds", now.Sub(*rec.Started).Seconds())
	}
	rec.RecipeSHA, rec.Inputs = r.RecipeSHA, r.Inputs
	s.met.finished.WithLabelValues(rec.State).Inc()
	if rec.State == StateSucceeded && stats != nil {
		s.stats[id] = stats
		s.met.addStats(stats)
	}
	if err := s.state.save(rec); err != nil {
		log.Error("state write failed", "err", err)
		s.met.errors.WithLabelValues("state").Inc()
	}
	s.kick()
}

func (s *Server) attempt(ctx context.Context, r *Record, lv *live, log *slog.Logger) (err error) {
	lf, err := os.OpenFile(s.state.log(r.ID), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return err
	}
	defer lf.Close()
	fmt.Fprintf(lf, "# tokenmill serve: build %s attempt %d started %s\n", r.ID, r.Attempts, time.Now().UTC().Format(time.RFC3339))
	defer func() {
		// A build that panics fails alone; the server and the other
		// builds go on.
		if p := recover(); p != nil {
			err = fmt.Errorf("build panicked: %v", p)
			log.Error("build panicked", "panic", p, "stack", string(debug.Stack()))
		}
		if err != nil {
			fmt.Fprintf(lf, "# tokenmill serve: attempt %d ended: %v\n", r.Attempts, err)
		} else {
			fmt.Fprintf(lf, "# tokenmill serve: attempt %d succeeded\n", r.Attempts)
		}
	}()

	data, dir, err := s.recipeOf(r)
	if err != nil {
		return err
	}
	// Confined again: the roots or the files may have changed since the
	// submission (or since the last server).
	p, err := s.checkRequest(ctx, &r.Request, data, dir)
	if err != nil {
		return err
	}
	r.RecipeSHA, r.Inputs = p.digest, p.totals
	lv.setPlan(p)

	out, err := storage.Open(ctx, r.Request.Output)
	if err != nil {
		return err
	}
	defer out.Close()
	lv.poll(ctx, out, p.digest) // what earlier attempts committed
	lv.baseline()
	pollCtx, stopPoll := context.WithCancel(ctx)
	var pw sync.WaitGroup
	pw.Go(func() {
		t := time.NewTicker(s.cfg.PollInterval)
		defer t.Stop()
		for {
			select {
			case <-pollCtx.Done():
				return
			case <-t.C:
				lv.poll(pollCtx, out, p.digest)
			}
		}
	})
	defer func() { stopPoll(); pw.Wait() }()

	workers := r.Request.Workers
	if workers <= 0 {
		workers = s.cfg.Workers
	}
	job := Job{ID: r.ID, Request: r.Request, RecipeFile: r.RecipeFile, Workers: workers, Log: lf, Attempt: r.Attempts}
	res, err := s.cfg.Run(ctx, job, lv.report)
	if err != nil {
		return err
	}
	lv.poll(context.WithoutCancel(ctx), out, p.digest)
	if res != nil && res.Manifest != "" {
		log.Info("manifest written", "url", res.Manifest)
	}
	return nil
}

// recipeOf returns the recipe's bytes and the folder its relative paths
// are joined to.
func (s *Server) recipeOf(r *Record) ([]byte, string, error) {
	if r.RecipeFile == "" {
		return s.cfg.EmbeddedRecipe, recipeFolder(""), nil
	}
	if r.Request.RecipePath != "" {
		if err := s.conf.Check(r.RecipeFile); err != nil {
			return nil, "", forbidden(fmt.Errorf("recipe_path: %w", err))
		}
	}
	data, err := readLimited(r.RecipeFile, s.cfg.MaxBodyBytes)
	if err != nil {
		return nil, "", badRequest(fmt.Errorf("recipe: %w", err))
	}
	return data, filepath.Dir(r.RecipeFile), nil
}

func readLimited(path string, limit int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > limit {
		return nil, fmt.Errorf("%s: larger than %d bytes", path, limit)
	}
	return data, nil
}

// readStats reads a finished build's stats.json; nil if it has none.
func (s *Server) readStats(r *Record) *pipeline.Stats {
	data, err := s.readOutputFile(s.ctx, r, "stats.json")
	if err != nil {
		return nil
	}
	var st pipeline.Stats
	if json.Unmarshal(data, &st) != nil {
		return nil
	}
	return &st
}

func (s *Server) readOutputFile(ctx context.Context, r *Record, key string) ([]byte, error) {
	if err := s.conf.Check(r.Request.Output); err != nil {
		return nil, forbidden(err)
	}
	st, err := storage.Open(ctx, r.Request.Output)
	if err != nil {
		return nil, err
	}
	defer st.Close()
	return st.ReadFile(ctx, key)
}
