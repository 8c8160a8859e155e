package service

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/tokenmill/tokenmill/pipeline"
	"github.com/tokenmill/tokenmill/pipeline/report"
	"github.com/tokenmill/tokenmill/pipeline/storage"
)

// httpError carries the status code an error is answered with.
type httpError struct {
	code int
	err  error
}

func (e *httpError) Error() string { return e.err.Error() }
func (e *httpError) Unwrap() error { return e.err }

func badRequest(err error) error { return &httpError{http.StatusBadRequest, err} }
func forbidden(err error) error  { return &httpError{http.StatusForbidden, err} }

func isConfined(err error) bool { return errors.Is(err, ErrConfined) }

// maxLogChunk bounds one GET of a build's log.
const maxLogChunk = 4 << 20

// Handler returns the server's HTTP handler:
//
//	GET  /healthz                  no token needed
//	GET  /metrics                  Prometheus text format
//	POST /v1/builds                submit a BuildRequest → 201 Status
//	GET  /v1/builds                list → {builds, queue_depth, running, max_builds}
//	GET  /v1/builds/{id}           Status
//	POST /v1/builds/{id}/cancel    cancel a queued or running build
//	GET  /v1/builds/{id}/logs      the build's log (?offset=N: from byte N)
//	GET  /v1/builds/{id}/stats     the output's stats.json
//	GET  /v1/builds/{id}/report    the build report (tokenmill report's page), made on request
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, map[string]any{"ok": true})
	})
	mux.Handle("GET /metrics", s.authed(promhttp.HandlerFor(s.met.reg, promhttp.HandlerOpts{})))
	mux.Handle("POST /v1/builds", s.authed(http.HandlerFunc(s.submit)))
	mux.Handle("GET /v1/builds", s.authed(http.HandlerFunc(s.list)))
	mux.Handle("GET /v1/builds/{id}", s.authed(http.HandlerFunc(s.get)))
	mux.Handle("POST /v1/builds/{id}/cancel", s.authed(http.HandlerFunc(s.cancelBuild)))
	mux.Handle("GET /v1/builds/{id}/logs", s.authed(http.HandlerFunc(s.logs)))
	mux.Handle("GET /v1/builds/{id}/stats", s.authed(http.HandlerFunc(s.statsFile)))
	mux.Handle("GET /v1/builds/{id}/report", s.authed(http.HandlerFunc(s.reportPage)))
	mux.Handle("/", s.authed(http.NotFoundHandler()))
	return s.instrument(mux)
}

// statusWriter remembers the status code for the metrics and the log.
type statusWriter struct {
	http.ResponseWriter
	code int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.code == 0 {
		w.code = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(p []byte) (int, error) {
	if w.code == 0 {
		w.code = http.StatusOK
	}
	return w.ResponseWriter.Write(p)
}

// instrument limits bodies, times requests and logs them.
func (s *Server) instrument(next *http.ServeMux) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		r.Body = http.MaxBytesReader(w, r.Body, s.cfg.MaxBodyBytes)
		sw := &statusWriter{ResponseWriter: w}
		next.ServeHTTP(sw, r)
		if sw.code == 0 {
			sw.code = http.StatusOK
		}
		_, route := next.Handler(r)
		if route == "" || route == "/" {
			route = "other"
		}
		el := time.Since(start)
		s.met.http.WithLabelValues(route, r.Method, strconv.Itoa(sw.code)).Observe(el.Seconds())
		if sw.code >= 500 {
			s.met.errors.WithLabelValues("http").Inc()
		}
		if route != "GET /healthz" && route != "GET /metrics" {
			s.log.Debug("http", "method", r.Method, "path", r.URL.Path, "code", sw.code, "ms", float64(el.Microseconds())/1000)
		}
	})
}

func (s *Server) authed(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !s.auth.ok(r) {
			w.Header().Set("WWW-Authenticate", `Bearer realm="tokenmill"`)
			writeError(w, http.StatusUnauthorized, errors.New("a valid bearer token is required"))
			return
		}
		h.ServeHTTP(w, r)
	})
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.Encode(v)
}

func writeError(w http.ResponseWriter, code int, err error) {
	writeJSON(w, code, map[string]string{"error": err.Error()})
}

func (s *Server) fail(w http.ResponseWriter, err error) {
	var he *httpError
	var mb *http.MaxBytesError
	switch {
	case errors.As(err, &mb):
		writeError(w, http.StatusRequestEntityTooLarge, fmt.Errorf("request body larger than %d bytes", mb.Limit))
	case errors.As(err, &he):
		writeError(w, he.code, he.err)
	case isConfined(err):
		writeError(w, http.StatusForbidden, err)
	default:
		writeError(w, http.StatusInternalServerError, err)
	}
}

// Status is a build as GET /v1/builds/{id} shows it.
type Status struct {
	Record
	// QueuePosition is 1 for the next build to start, 0 when not queued.
	QueuePosition  int            `json:"queue_position,omitempty"`
	ElapsedSeconds float64        `json:"elapsed_seconds,omitempty"`
	ETASeconds     *float64       `json:"eta_seconds,omitempty"`
	Sources        []SourceStatus `json:"sources,omitempty"`
}

// status builds a Status. s.mu is held.
func (s *Server) status(r *Record) Status {
	st := Status{Record: copyRecord(r)}
	if i := slices.Index(s.queue, r.ID); i >= 0 {
		st.QueuePosition = i + 1
	}
	if r.Started != nil {
		end := time.Now()
		if r.Finished != nil {
			end = *r.Finished
		}
		st.ElapsedSeconds = end.Sub(*r.Started).Seconds()
	}
	if lv := s.running[r.ID]; lv != nil {
		st.Sources, st.ETASeconds = lv.snapshot()
	} else if stats := s.stats[r.ID]; stats != nil {
		st.Sources = fromStats(stats, r.Inputs)
	}
	return st
}

func (s *Server) submit(w http.ResponseWriter, r *http.Request) {
	var req BuildRequest
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&req); err != nil {
		s.fail(w, badRequest(fmt.Errorf("request: %w", err)))
		return
	}
	if _, err := io.Copy(io.Discard, r.Body); err != nil {
		s.fail(w, err)
		return
	}
	if req.Recipe != "" && req.RecipePath != "" {
		s.fail(w, badRequest(errors.New("give recipe or recipe_path, not both")))
		return
	}
	if req.Workers < 0 || req.Workers > 1024 {
		s.fail(w, badRequest(errors.New("workers: want 0..1024")))
		return
	}
	now := time.Now().UTC()
	rec := &Record{ID: newID(now), State: StateQueued, Request: req, Submitted: now}
	var data []byte
	var dir string
	switch {
	case req.RecipePath != "":
		if err := s.conf.Check(req.RecipePath); err != nil {
			s.fail(w, forbidden(fmt.Errorf("recipe_path: %w", err)))
			return
		}
		rec.RecipeFile = filepath.Clean(req.RecipePath)
		var err error
		if data, dir, err = s.recipeOf(rec); err != nil {
			s.fail(w, err)
			return
		}
	case req.Recipe != "":
		// Kept with the build's state: it is rerun after a restart.
		rec.RecipeFile = s.state.recipe(rec.ID)
		data, dir = []byte(req.Recipe), filepath.Dir(rec.RecipeFile)
		rec.Request.Recipe = "" // the file holds it; the record stays small
	default:
		data, dir = s.cfg.EmbeddedRecipe, recipeFolder("")
	}
	p, err := s.checkRequest(r.Context(), &req, data, dir)
	if err != nil {
		s.fail(w, err)
		return
	}
	rec.RecipeSHA, rec.Inputs = p.digest, p.totals
	if req.Recipe != "" {
		if err := os.MkdirAll(filepath.Dir(rec.RecipeFile), 0o700); err != nil {
			s.fail(w, err)
			return
		}
		if err := writeAtomic(rec.RecipeFile, data); err != nil {
			s.fail(w, err)
			return
		}
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		s.fail(w, &httpError{http.StatusServiceUnavailable, errors.New("the server is shutting down")})
		return
	}
	for _, o := range s.builds {
		if !terminal(o.State) && sameOutput(o.Request.Output, req.Output) {
			s.fail(w, &httpError{http.StatusConflict, fmt.Errorf("build %s (%s) writes to %s already", o.ID, o.State, req.Output)})
			return
		}
	}
	s.seq++
	rec.Seq = s.seq
	if err := s.state.save(rec); err != nil {
		s.met.errors.WithLabelValues("state").Inc()
		s.fail(w, err)
		return
	}
	s.builds[rec.ID] = rec
	s.queue = append(s.queue, rec.ID)
	s.log.Info("build submitted", "build", rec.ID, "output", req.Output, "sources", p.sources, "queue_depth", len(s.queue))
	s.kick()
	writeJSON(w, http.StatusCreated, s.status(rec))
}

// sameOutput reports whether two outputs are the same place or one holds
// the other: two builds writing there would mix their markers and shards.
func sameOutput(a, b string) bool {
	a, b = strings.TrimRight(a, "/"), strings.TrimRight(b, "/")
	a, b = strings.TrimPrefix(a, "file://"), strings.TrimPrefix(b, "file://")
	return a == b || strings.HasPrefix(a, b+"/") || strings.HasPrefix(b, a+"/")
}

// BuildList is GET /v1/builds.
type BuildList struct {
	Builds     []Status `json:"builds"`
	QueueDepth int      `json:"queue_depth"`
	Running    int      `json:"running"`
	MaxBuilds  int      `json:"max_builds"`
}

func (s *Server) list(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	out := BuildList{QueueDepth: len(s.queue), Running: len(s.running), MaxBuilds: s.cfg.MaxBuilds, Builds: []Status{}}
	for _, b := range s.builds {
		st := s.status(b)
		out.Builds = append(out.Builds, st)
	}
	s.mu.Unlock()
	slices.SortFunc(out.Builds, func(a, b Status) int { return int(a.Seq - b.Seq) })
	if st := r.URL.Query().Get("state"); st != "" {
		out.Builds = slices.DeleteFunc(out.Builds, func(b Status) bool { return b.State != st })
	}
	writeJSON(w, http.StatusOK, out)
}

// lookup finds the build named in the path; it answers 404 itself.
func (s *Server) lookup(w http.ResponseWriter, r *http.Request) (*Record, bool) {
	id := r.PathValue("id")
	if !idRE.MatchString(id) {
		writeError(w, http.StatusNotFound, fmt.Errorf("no build %q", id))
		return nil, false
	}
	rec := s.builds[id]
	if rec == nil {
		writeError(w, http.StatusNotFound, fmt.Errorf("no build %q", id))
		return nil, false
	}
	return rec, true
}

func (s *Server) get(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	rec, ok := s.lookup(w, r)
	if !ok {
		s.mu.Unlock()
		return
	}
	st := s.status(rec)
	s.mu.Unlock()
	if st.State == StateSucceeded && st.Sources == nil {
		// Finished before this server started: its funnel is read from the
		// output once.
		if stats := s.readStats(&st.Record); stats != nil {
			s.mu.Lock()
			s.stats[st.ID] = stats
			s.mu.Unlock()
			st.Sources = fromStats(stats, st.Inputs)
		}
	}
	writeJSON(w, http.StatusOK, st)
}

func (s *Server) cancelBuild(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	rec, ok := s.lookup(w, r)
	if !ok {
		return
	}
	switch rec.State {
	case StateQueued:
		s.queue = slices.DeleteFunc(s.queue, func(id string) bool { return id == rec.ID })
		now := time.Now().UTC()
		rec.State, rec.Finished = StateCanceled, &now
		s.met.finished.WithLabelValues(StateCanceled).Inc()
		if err := s.state.save(rec); err != nil {
			s.met.errors.WithLabelValues("state").Inc()
		}
		s.log.Info("build canceled while queued", "build", rec.ID)
		writeJSON(w, http.StatusOK, s.status(rec))
	case StateRunning:
		lv := s.running[rec.ID]
		lv.mu.Lock()
		lv.canceled = true
		lv.mu.Unlock()
		lv.cancel()
		// The run records "canceled" when the build has stopped.
		writeJSON(w, http.StatusAccepted, s.status(rec))
	default:
		writeError(w, http.StatusConflict, fmt.Errorf("build %s is %s already", rec.ID, rec.State))
	}
}

func (s *Server) logs(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	rec, ok := s.lookup(w, r)
	s.mu.Unlock()
	if !ok {
		return
	}
	var off int64
	if v := r.URL.Query().Get("offset"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < 0 {
			writeError(w, http.StatusBadRequest, fmt.Errorf("offset %q: want a byte offset", v))
			return
		}
		off = n
	}
	f, err := os.Open(s.state.log(rec.ID))
	if errors.Is(err, os.ErrNotExist) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Header().Set("X-Next-Offset", "0")
		return
	}
	if err != nil {
		s.fail(w, err)
		return
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		s.fail(w, err)
		return
	}
	off = min(off, fi.Size())
	n := min(fi.Size()-off, maxLogChunk)
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("X-Next-Offset", strconv.FormatInt(off+n, 10))
	io.Copy(w, io.NewSectionReader(f, off, n))
}

func (s *Server) statsFile(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	rec, ok := s.lookup(w, r)
	var c Record
	if ok {
		c = copyRecord(rec)
	}
	s.mu.Unlock()
	if !ok {
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), time.Minute)
	defer cancel()
	data, err := s.readOutputFile(ctx, &c, "stats.json")
	if errors.Is(err, storage.ErrNotExist) {
		writeError(w, http.StatusNotFound, fmt.Errorf("build %s has no stats.json yet (%s)", c.ID, c.State))
		return
	}
	if err != nil {
		s.fail(w, err)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Write(data)
}

// reportPage serves the build report of the build's output as it is now:
// the page `tokenmill report` writes, made from the output's manifest,
// stats and text shards at the time of the request.
func (s *Server) reportPage(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	rec, ok := s.lookup(w, r)
	var c Record
	if ok {
		c = copyRecord(rec)
	}
	s.mu.Unlock()
	if !ok {
		return
	}
	if err := s.conf.Check(c.Request.Output); err != nil {
		s.fail(w, forbidden(err))
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), time.Minute)
	defer cancel()
	fs := pipeline.NewStores()
	defer fs.Close()
	d, err := report.Collect(ctx, fs, c.Request.Output, report.Options{SampleRows: 5000})
	if errors.Is(err, storage.ErrNotExist) {
		writeError(w, http.StatusNotFound, fmt.Errorf("build %s has no manifest yet (%s)", c.ID, c.State))
		return
	}
	if err != nil {
		s.fail(w, err)
		return
	}
	var b bytes.Buffer
	if err := report.Render(&b, d); err != nil {
		s.fail(w, err)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Write(b.Bytes())
}
