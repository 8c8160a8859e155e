package storage

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
)

// httpBackend reads files over HTTP(S), as CommonCrawl serves its dumps
// (https://data.commoncrawl.org/ joined with the paths of wet.paths.gz). It
// is read-only and cannot list: inputs on HTTP are named one by one or
// through a listing file.
type httpBackend struct {
	base   string // ends with "/"
	client *http.Client
}

func (b *httpBackend) get(ctx context.Context, key string, rng string) (*http.Response, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, b.base+key, nil)
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
	if resp.StatusCode == http.StatusNotFound {
		resp.Body.Close()
		return nil, fmt.Errorf("%w: %s", ErrNotExist, resp.Status)
	}
	if resp.StatusCode/100 != 2 {
		resp.Body.Close()
		return nil, fmt.Errorf("GET %s: %s", b.base+key, resp.Status)
	}
	return resp, nil
}

func (b *httpBackend) newReader(ctx context.Context, key string) (io.ReadCloser, error) {
	resp, err := b.get(ctx, key, "")
	if err != nil {
		return nil, err
	}
	return resp.Body, nil
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
	resp, err := r.b.get(r.ctx, r.key, fmt.Sprintf("bytes=%d-%d", off, off+n-1))
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusPartialContent {
		return 0, fmt.Errorf("GET %s: server ignored the range request (%s)", r.b.base+r.key, resp.Status)
	}
	got, err := io.ReadFull(resp.Body, p[:n])
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
	req, err := http.NewRequestWithContext(ctx, http.MethodHead, b.base+key, nil)
	if err != nil {
		return Object{}, err
	}
	resp, err := b.client.Do(req)
	if err != nil {
		return Object{}, err
	}
	resp.Body.Close()
	if resp.StatusCode == http.StatusNotFound {
		return Object{}, fmt.Errorf("%w: %s", ErrNotExist, resp.Status)
	}
	if resp.StatusCode/100 != 2 {
		return Object{}, fmt.Errorf("HEAD %s: %s", b.base+key, resp.Status)
	}
	size, _ := strconv.ParseInt(resp.Header.Get("Content-Length"), 10, 64)
	return Object{Key: key, Size: size, ETag: strings.Trim(resp.Header.Get("ETag"), `"`)}, nil
}

func (b *httpBackend) remove(context.Context, string) error {
	return errors.New("http(s) locations are read-only")
}

func (b *httpBackend) close() error { return nil }
