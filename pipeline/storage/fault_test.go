package storage

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// fastRetry keeps fault tests short: the same logic with small timeouts.
var fastRetry = Retry{Attempts: 4, Base: 5 * time.Millisecond, Max: 50 * time.Millisecond,
	OpTimeout: 300 * time.Millisecond, IdleTimeout: 300 * time.Millisecond}

// faultServer serves one file and misbehaves as fault says, request by
// request (the request number starts at 1).
type faultServer struct {
	data    []byte
	fault   func(n int, w http.ResponseWriter, r *http.Request) bool // true: handled
	n       atomic.Int32
	mu      sync.Mutex
	ranges  []string
	release chan struct{}
}

func (f *faultServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	n := int(f.n.Add(1))
	f.mu.Lock()
	f.ranges = append(f.ranges, r.Header.Get("Range"))
	f.mu.Unlock()
	if f.fault != nil && f.fault(n, w, r) {
		return
	}
	w.Header().Set("ETag", `"v1"`)
	http.ServeContent(w, r, "f", time.Time{}, bytes.NewReader(f.data))
}

func newFault(t *testing.T, fault func(n int, w http.ResponseWriter, r *http.Request) bool) (*faultServer, *Store) {
	data := bytes.Repeat([]byte("0123456789abcdef"), 64<<10) // 1 MiB
	f := &faultServer{data: data, fault: fault, release: make(chan struct{})}
	srv := httptest.NewServer(f)
	t.Cleanup(func() { close(f.release); srv.CloseClientConnections(); srv.Close() })
	st, err := OpenRetry(context.Background(), srv.URL, fastRetry)
	if err != nil {
		t.Fatal(err)
	}
	return f, st
}

func readAllKey(st *Store) ([]byte, error) {
	r, err := st.NewReader(context.Background(), "f")
	if err != nil {
		return nil, err
	}
	defer r.Close()
	return io.ReadAll(r)
}

// halfThenCut writes half the body and then kills the connection.
func halfThenCut(f *faultServer, w http.ResponseWriter) {
	w.Header().Set("Content-Length", fmt.Sprint(len(f.data)))
	w.Header().Set("ETag", `"v1"`)
	w.WriteHeader(200)
	w.Write(f.data[:len(f.data)/2])
	w.(http.Flusher).Flush()
	conn, _, err := w.(http.Hijacker).Hijack()
	if err == nil {
		conn.Close()
	}
}

func TestHTTPFaults(t *testing.T) {
	cases := []struct {
		name     string
		fault    func(f *faultServer) func(n int, w http.ResponseWriter, r *http.Request) bool
		requests int
		resumed  bool
	}{
		{"503-then-ok", func(f *faultServer) func(int, http.ResponseWriter, *http.Request) bool {
			return func(n int, w http.ResponseWriter, r *http.Request) bool {
				if n <= 2 {
					http.Error(w, "busy", 503)
					return true
				}
				return false
			}
		}, 3, false},
		{"throttled-429", func(f *faultServer) func(int, http.ResponseWriter, *http.Request) bool {
			return func(n int, w http.ResponseWriter, r *http.Request) bool {
				if n == 1 {
					w.Header().Set("Retry-After", "0")
					http.Error(w, "SlowDown", 429)
					return true
				}
				return false
			}
		}, 2, false},
		{"reset-mid-body", func(f *faultServer) func(int, http.ResponseWriter, *http.Request) bool {
			return func(n int, w http.ResponseWriter, r *http.Request) bool {
				if n == 1 {
					halfThenCut(f, w)
					return true
				}
				return false
			}
		}, 2, true},
		{"stall-mid-body", func(f *faultServer) func(int, http.ResponseWriter, *http.Request) bool {
			return func(n int, w http.ResponseWriter, r *http.Request) bool {
				if n == 1 {
					w.Header().Set("Content-Length", fmt.Sprint(len(f.data)))
					w.Header().Set("ETag", `"v1"`)
					w.WriteHeader(200)
					w.Write(f.data[:len(f.data)/3])
					w.(http.Flusher).Flush()
					<-f.release
					return true
				}
				return false
			}
		}, 2, true},
		{"no-answer-then-ok", func(f *faultServer) func(int, http.ResponseWriter, *http.Request) bool {
			return func(n int, w http.ResponseWriter, r *http.Request) bool {
				if n == 1 {
					select {
					case <-f.release:
					case <-r.Context().Done():
					}
					return true
				}
				return false
			}
		}, 2, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var f *faultServer
			f, st := newFault(t, func(n int, w http.ResponseWriter, r *http.Request) bool { return c.fault(f)(n, w, r) })
			got, err := readAllKey(st)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, f.data) {
				t.Fatalf("read %d bytes, want the %d of the file", len(got), len(f.data))
			}
			if n := int(f.n.Load()); n != c.requests {
				t.Errorf("%d requests, want %d (ranges %q)", n, c.requests, f.ranges)
			}
			if resumed := strings.HasPrefix(f.ranges[len(f.ranges)-1], "bytes="); resumed != c.resumed {
				t.Errorf("last request's range %q, resumed want %v", f.ranges[len(f.ranges)-1], c.resumed)
			}
		})
	}
}

func TestHTTPFailures(t *testing.T) {
	t.Run("404", func(t *testing.T) {
		_, st := newFault(t, func(n int, w http.ResponseWriter, r *http.Request) bool { http.NotFound(w, r); return true })
		_, err := readAllKey(st)
		if !errors.Is(err, ErrNotExist) || !strings.Contains(err.Error(), "404") {
			t.Fatalf("got %v", err)
		}
	})
	t.Run("always-503", func(t *testing.T) {
		f, st := newFault(t, func(n int, w http.ResponseWriter, r *http.Request) bool { http.Error(w, "busy", 503); return true })
		_, err := readAllKey(st)
		if err == nil || !strings.Contains(err.Error(), "503") || !strings.Contains(err.Error(), "gave up after 4 attempts") {
			t.Fatalf("got %v", err)
		}
		if f.n.Load() != 4 {
			t.Errorf("%d requests, want 4", f.n.Load())
		}
	})
	t.Run("never-answers", func(t *testing.T) {
		f, st := newFault(t, nil)
		f.fault = func(n int, w http.ResponseWriter, r *http.Request) bool {
			select {
			case <-f.release:
			case <-r.Context().Done():
			}
			return true
		}
		start := time.Now()
		_, err := readAllKey(st)
		if err == nil || !strings.Contains(err.Error(), "no answer") {
			t.Fatalf("got %v", err)
		}
		if d := time.Since(start); d > 10*time.Second {
			t.Fatalf("took %v", d)
		}
	})
	t.Run("changed-while-reading", func(t *testing.T) {
		var f *faultServer
		f, st := newFault(t, func(n int, w http.ResponseWriter, r *http.Request) bool {
			if n == 1 {
				halfThenCut(f, w)
				return true
			}
			w.Header().Set("ETag", `"v2"`)
			http.ServeContent(w, r, "f", time.Time{}, bytes.NewReader(f.data))
			return true
		})
		_, err := readAllKey(st)
		if err == nil || !strings.Contains(err.Error(), "changed") {
			t.Fatalf("got %v", err)
		}
	})
	t.Run("refused", func(t *testing.T) {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		addr := l.Addr().String()
		l.Close()
		st, _ := OpenRetry(context.Background(), "http://"+addr, fastRetry)
		_, err = readAllKey(st)
		if err == nil || !strings.Contains(err.Error(), "connection refused") {
			t.Fatalf("got %v", err)
		}
	})
}

// silentListener accepts connections and never answers, as a hung S3 or
// GCS endpoint does.
func silentListener(t *testing.T) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var conns []net.Conn
	var mu sync.Mutex
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
		}
	}()
	t.Cleanup(func() {
		l.Close()
		mu.Lock()
		for _, c := range conns {
			c.Close()
		}
		mu.Unlock()
	})
	return l.Addr().String()
}

// TestObjectStoreTimeouts: an S3 endpoint that never answers, and a GCS
// emulator host that is down, fail with an error instead of hanging.
func TestObjectStoreTimeouts(t *testing.T) {
	t.Setenv("AWS_ACCESS_KEY_ID", "x")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "y")
	addr := silentListener(t)
	ctx := context.Background()
	start := time.Now()
	st, err := OpenRetry(ctx, "s3://bucket/prefix?endpoint=http://"+addr+"&use_path_style=true&disable_https=true&region=us-east-1", fastRetry)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.Stat(ctx, "key"); err == nil || !strings.Contains(err.Error(), "no answer") {
		t.Fatalf("s3 stat: got %v", err)
	}
	if _, err := st.NewReader(ctx, "key"); err == nil {
		t.Fatal("s3 read of a silent endpoint succeeded")
	}
	if d := time.Since(start); d > 20*time.Second {
		t.Fatalf("took %v", d)
	}

	l, _ := net.Listen("tcp", "127.0.0.1:0")
	down := l.Addr().String()
	l.Close()
	t.Setenv("STORAGE_EMULATOR_HOST", down)
	gs, err := OpenRetry(ctx, "gs://bucket/prefix", fastRetry)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := gs.Stat(ctx, "key"); err == nil || !strings.Contains(err.Error(), "refused") {
		t.Fatalf("gcs stat with the emulator down: got %v", err)
	}
}
