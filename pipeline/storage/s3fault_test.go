package storage_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tokenmill/tokenmill/internal/testserver"
	"github.com/tokenmill/tokenmill/pipeline/storage"
)

// faultProxy sits between the S3 client and a real S3 server (versitygw)
// and misbehaves on the requests plan says, by request number (from 1)
// among GETs of objects.
type faultProxy struct {
	mu   sync.Mutex
	gets int
	log  []string
	plan map[int]string // "503", "slowdown", "reset", "stall"
	rp   *httputil.ReverseProxy
	stop chan struct{}
}

func (p *faultProxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	fault := ""
	if r.Method == http.MethodGet && strings.Count(strings.Trim(r.URL.Path, "/"), "/") >= 1 {
		p.mu.Lock()
		p.gets++
		fault = p.plan[p.gets]
		p.log = append(p.log, fmt.Sprintf("%d %s %s", p.gets, fault, r.Header.Get("Range")))
		p.mu.Unlock()
	}
	switch fault {
	case "503":
		http.Error(w, "<Error><Code>ServiceUnavailable</Code></Error>", 503)
	case "slowdown":
		w.Header().Set("Content-Type", "application/xml")
		w.WriteHeader(503)
		io.WriteString(w, "<Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message></Error>")
	case "stall":
		select {
		case <-r.Context().Done():
		case <-p.stop:
		}
	case "reset":
		// Pass the answer on, but cut the connection halfway through the body.
		rec := &cutWriter{ResponseWriter: w, limit: 100 << 10}
		p.rp.ServeHTTP(rec, r)
	default:
		p.rp.ServeHTTP(w, r)
	}
}

type cutWriter struct {
	http.ResponseWriter
	limit, n int
}

func (c *cutWriter) Write(b []byte) (int, error) {
	if c.n+len(b) > c.limit {
		c.ResponseWriter.Write(b[:c.limit-c.n])
		c.ResponseWriter.(http.Flusher).Flush()
		if conn, _, err := c.ResponseWriter.(http.Hijacker).Hijack(); err == nil {
			conn.Close()
		}
		return 0, fmt.Errorf("cut")
	}
	c.n += len(b)
	return c.ResponseWriter.Write(b)
}

// TestS3Faults reads an object through a proxy that answers 503, SlowDown,
// stalls and resets mid-body: every read returns the object's exact bytes.
func TestS3Faults(t *testing.T) {
	root := t.TempDir()
	os.MkdirAll(filepath.Join(root, "bucket"), 0o755)
	data := bytes.Repeat([]byte("tokenmill "), 100<<10) // 1000 KiB
	os.WriteFile(filepath.Join(root, "bucket", "obj"), data, 0o644)
	endpoint := testserver.S3(t, root)
	target, _ := url.Parse(endpoint)
	p := &faultProxy{rp: httputil.NewSingleHostReverseProxy(target), stop: make(chan struct{}),
		plan: map[int]string{1: "503", 2: "slowdown", 3: "reset", 4: "stall"}}
	proxy := httptestServer(t, p)
	defer close(p.stop)
	retry := storage.Retry{Attempts: 6, Base: 10 * time.Millisecond, Max: 100 * time.Millisecond,
		OpTimeout: 2 * time.Second, IdleTimeout: 2 * time.Second}
	ctx := context.Background()
	st, err := storage.OpenRetry(ctx, "s3://bucket?endpoint="+proxy+"&use_path_style=true&disable_https=true&region=us-east-1", retry)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	r, err := st.NewReader(ctx, "obj")
	if err != nil {
		t.Fatal(err)
	}
	got, err := io.ReadAll(r)
	r.Close()
	if err != nil || !bytes.Equal(got, data) {
		t.Fatalf("read %d bytes (want %d), err %v; requests %q", len(got), len(data), err, p.log)
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	t.Logf("object GETs: %q", p.log)
	// The resumed request asked for the rest of the object.
	resumed := false
	for _, l := range p.log {
		if strings.Contains(l, "bytes=") && !strings.HasPrefix(l, "1 ") {
			resumed = true
		}
	}
	if !resumed {
		t.Errorf("no ranged request after the reset: %q", p.log)
	}
}

func httptestServer(t *testing.T, h http.Handler) string {
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv.URL
}
