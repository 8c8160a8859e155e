package storage

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// httpBackend reads files over HTTP(S), as CommonCrawl serves its dumps
// (https://data.commoncrawl.org/ joined with the paths of wet.paths.gz). It
// is read-only and cannot list: inputs on HTTP are named one by one or
// through a listing file. Every request is bounded in time and retried as
// Retry says; a broken download resumes with a range request.
type httpBackend struct {
	base   string // ends with "/"
	client *http.Client
	retry  Retry
	th     *throttle
}

func newHTTPBackend(base string, p Retry) *httpBackend {
	tr := &http.Transport{
		Proxy:                 http.ProxyFromEnvironment,
		DialContext:           (&net.Dialer{Timeout: 30 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		TLSHandshakeTimeout:   30 * time.Second,
		ResponseHeaderTimeout: p.OpTimeout + time.Second, // the request's own deadline comes first, with a clearer error
		IdleConnTimeout:       90 * time.Second,
		MaxIdleConnsPerHost:   16,
		ForceAttemptHTTP2:     true,
	}
	return &httpBackend{base: base, client: &http.Client{Transport: tr}, retry: p, th: &throttle{}}
}

// do sends one request; a status that is not a success is a *StatusError
// (wrapping ErrNotExist for 404 and 410).
func (b *httpBackend) do(ctx context.Context, method, key, rng string) (*http.Response, error) {
	req, err := http.NewRequestWithContext(ctx, method, b.base+key, nil)
	if err != nil {
		return nil, err
	}
	if rng != "" {
		req.Header.Set("Range", rng)
	}
	resp, err := b.client.Do(req)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode/100 == 2 {
		return resp, nil
	}
	resp.Body.Close()
	se := &StatusError{Op: method, URL: b.base + key, Code: resp.StatusCode, Status: resp.Status}
	if s, err := strconv.Atoi(resp.Header.Get("Retry-After")); err == nil && s >= 0 {
		se.RetryAfter = time.Duration(s) * time.Second
	}
	if resp.StatusCode == http.StatusNotFound || resp.StatusCode == http.StatusGone {
		return nil, fmt.Errorf("%w: %w", ErrNotExist, se)
	}
	return nil, se
}

func (b *httpBackend) newReader(ctx context.Context, key string) (io.ReadCloser, error) {
	return b.retry.openResumable(ctx, b.th, "GET "+b.base+key, func(ctx context.Context, off int64) (io.ReadCloser, int64, string, error) {
		rng := ""
		if off > 0 {
			rng = fmt.Sprintf("bytes=%d-", off)
		}
		resp, err := b.do(ctx, http.MethodGet, key, rng)
		if err != nil {
			return nil, 0, "", err
		}
		size, tag := resp.ContentLength, strings.Trim(resp.Header.Get("ETag"), `"`)
		switch {
		case off > 0 && resp.StatusCode == http.StatusPartialContent:
			size = contentRangeTotal(resp.Header.Get("Content-Range"))
		case off > 0:
			// The server ignored the range: skip what was read already.
			if _, err := io.CopyN(io.Discard, resp.Body, off); err != nil {
				resp.Body.Close()
				return nil, 0, "", err
			}
		}
		return resp.Body, size, tag, nil
	})
}

// contentRangeTotal parses the total of "bytes a-b/total"; -1 if unknown.
func contentRangeTotal(h string) int64 {
	_, total, ok := strings.Cut(h, "/")
	if !ok {
		return -1
	}
	n, err := strconv.ParseInt(total, 10, 64)
	if err != nil {
		return -1
	}
	return n
}

type httpReaderAt struct {
	ctx  context.Context
	b    *httpBackend
	key  string
	size int64
}

func (r *httpReaderAt) ReadAt(p []byte, off int64) (int, error) {
	if off >= r.size {
		return 0, io.EOF
	}
	n := min(int64(len(p)), r.size-off)
	var got int
	err := r.b.retry.do(r.ctx, r.b.th, "GET "+r.b.base+r.key, func(ctx context.Context) error {
		resp, err := r.b.do(ctx, http.MethodGet, r.key, fmt.Sprintf("bytes=%d-%d", off, off+n-1))
		if err != nil {
			return err
		}
		defer resp.Body.Close()
		if resp.StatusCode != http.StatusPartialContent {
			return fmt.Errorf("GET %s: server ignored the range request (%s)", r.b.base+r.key, resp.Status)
		}
		got, err = io.ReadFull(resp.Body, p[:n])
		return err
	})
	if err == nil && got < len(p) {
		err = io.EOF
	}
	return got, err
}
func (r *httpReaderAt) Size() int64  { return r.size }
func (r *httpReaderAt) Close() error { return nil }

func (b *httpBackend) newReaderAt(ctx context.Context, key string) (ReaderAt, error) {
	o, err := b.stat(ctx, key)
	if err != nil {
		return nil, err
	}
	return &httpReaderAt{ctx: ctx, b: b, key: key, size: o.Size}, nil
}

func (b *httpBackend) create(context.Context, string) (Writer, error) {
	return nil, errors.New("http(s) locations are read-only")
}

func (b *httpBackend) list(context.Context, string) ([]Object, error) {
	return nil, errors.New("http(s) locations cannot be listed: name files or use a listing (*.paths.gz)")
}

func (b *httpBackend) stat(ctx context.Context, key string) (Object, error) {
	var o Object
	err := b.retry.do(ctx, b.th, "HEAD "+b.base+key, func(ctx context.Context) error {
		resp, err := b.do(ctx, http.MethodHead, key, "")
		if err != nil {
			return err
		}
		resp.Body.Close()
		o = Object{Key: key, Size: resp.ContentLength, ETag: strings.Trim(resp.Header.Get("ETag"), `"`)}
		return nil
	})
	return o, err
}

func (b *httpBackend) remove(context.Context, string) error {
	return errors.New("http(s) locations are read-only")
}

func (b *httpBackend) close() error {
	b.client.CloseIdleConnections()
	return nil
}
