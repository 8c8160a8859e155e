package storage

import (
	"context"
	"fmt"
	"io"
	"net/url"
	"os"
	"strings"
	"sync/atomic"
	"time"

	"gocloud.dev/blob"
	"gocloud.dev/blob/gcsblob"
	"gocloud.dev/blob/s3blob"
	"gocloud.dev/gcerrors"
)

// blobBackend is an S3 or GCS bucket through gocloud. Every request is
// bounded in time and retried as Retry says (on top of the SDKs' own
// retries), and a broken download resumes with a range read.
type blobBackend struct {
	bucket *blob.Bucket
	prefix string // "" or ends with "/"
	url    string
	retry  Retry
	th     *throttle
}

// openBlob opens "bucket/prefix?query" of an s3 or gs URL.
func openBlob(ctx context.Context, scheme, rest string, p Retry) (*blobBackend, error) {
	loc, rawQuery, _ := strings.Cut(rest, "?")
	bucketName, prefix, _ := strings.Cut(loc, "/")
	if bucketName == "" {
		return nil, fmt.Errorf("storage: %s:// URL without a bucket", scheme)
	}
	q, err := url.ParseQuery(rawQuery)
	if err != nil {
		return nil, fmt.Errorf("storage: %s://%s: %w", scheme, rest, err)
	}
	if scheme == "s3" && q.Get("endpoint") == "" {
		if ep := os.Getenv("AWS_ENDPOINT_URL"); ep != "" {
			// A custom endpoint is an S3-compatible server: those rarely
			// resolve virtual-host bucket names, so use path style.
			q.Set("endpoint", ep)
			if q.Get("use_path_style") == "" {
				q.Set("use_path_style", "true")
			}
			if strings.HasPrefix(ep, "http://") && q.Get("disable_https") == "" {
				q.Set("disable_https", "true")
			}
		}
		if q.Get("region") == "" && os.Getenv("AWS_REGION") == "" && os.Getenv("AWS_DEFAULT_REGION") == "" {
			q.Set("region", "us-east-1")
		}
	}
	u := scheme + "://" + bucketName
	if len(q) > 0 {
		u += "?" + q.Encode()
	}
	b, err := blob.OpenBucket(ctx, u)
	if err != nil {
		return nil, fmt.Errorf("storage: open %s: %w", u, err)
	}
	if prefix != "" {
		prefix = strings.TrimSuffix(prefix, "/") + "/"
	}
	return &blobBackend{bucket: b, prefix: prefix, url: scheme + "://" + bucketName + "/", retry: p, th: &throttle{}}, nil
}

// The drivers register their URL schemes with gocloud's default mux.
var (
	_ = s3blob.Scheme
	_ = gcsblob.Scheme
)

func mapErr(err error) error {
	if err != nil && gcerrors.Code(err) == gcerrors.NotFound {
		return fmt.Errorf("%w: %v", ErrNotExist, err)
	}
	return err
}

func (b *blobBackend) newReader(ctx context.Context, key string) (io.ReadCloser, error) {
	k := b.prefix + key
	return b.retry.openResumable(ctx, b.th, "read "+b.url+k, func(ctx context.Context, off int64) (io.ReadCloser, int64, string, error) {
		r, err := b.bucket.NewRangeReader(ctx, k, off, -1, nil)
		if err != nil {
			return nil, 0, "", mapErr(err)
		}
		return r, r.Size(), r.ModTime().String(), nil
	})
}

type blobReaderAt struct {
	ctx  context.Context
	bb   *blobBackend
	b    *blob.Bucket
	key  string
	size int64
}

func (r *blobReaderAt) ReadAt(p []byte, off int64) (int, error) {
	if off >= r.size {
		return 0, io.EOF
	}
	n := int64(len(p))
	if off+n > r.size {
		n = r.size - off
	}
	var got int
	err := r.bb.retry.do(r.ctx, r.bb.th, "read "+r.bb.url+r.key, func(ctx context.Context) error {
		rr, err := r.b.NewRangeReader(ctx, r.key, off, n, nil)
		if err != nil {
			return mapErr(err)
		}
		defer rr.Close()
		got, err = io.ReadFull(rr, p[:n])
		return err
	})
	if err == nil && got < len(p) {
		err = io.EOF
	}
	return got, err
}
func (r *blobReaderAt) Size() int64  { return r.size }
func (r *blobReaderAt) Close() error { return nil }

func (b *blobBackend) newReaderAt(ctx context.Context, key string) (ReaderAt, error) {
	o, err := b.stat(ctx, key)
	if err != nil {
		return nil, err
	}
	return &blobReaderAt{ctx: ctx, bb: b, b: b.bucket, key: b.prefix + key, size: o.Size}, nil
}

type blobWriter struct {
	w      *blob.Writer
	cancel context.CancelFunc
	done   bool
	limit  time.Duration
	what   string
}

// watch bounds one Write or Commit: an upload that makes no progress for
// limit (a stalled server) is abandoned instead of hanging the build. The
// SDKs retry parts themselves.
func (w *blobWriter) watch(op func() error) error {
	var fired atomic.Bool
	tm := time.AfterFunc(w.limit, func() { fired.Store(true); w.cancel() })
	err := op()
	if !tm.Stop() && fired.Load() {
		return fmt.Errorf("%s: %w (%v)", w.what, errNoAnswer, w.limit)
	}
	return err
}

func (b *blobBackend) create(ctx context.Context, key string) (Writer, error) {
	// Cancelling the writer's context before Close is gocloud's way to
	// abandon an upload: the object never appears.
	wctx, cancel := context.WithCancel(ctx)
	w, err := b.bucket.NewWriter(wctx, b.prefix+key, &blob.WriterOptions{BufferSize: 8 << 20})
	if err != nil {
		cancel()
		return nil, err
	}
	return &blobWriter{w: w, cancel: cancel, limit: 2 * b.retry.OpTimeout, what: "write " + b.url + b.prefix + key}, nil
}

func (w *blobWriter) Write(p []byte) (n int, err error) {
	err = w.watch(func() error { n, err = w.w.Write(p); return err })
	return n, err
}

func (w *blobWriter) Commit() error {
	if w.done {
		return nil
	}
	w.done = true
	err := w.watch(w.w.Close)
	w.cancel()
	return err
}

func (w *blobWriter) Abort() error {
	if w.done {
		return nil
	}
	w.done = true
	w.cancel()
	w.w.Close() // returns the cancellation; nothing was written
	return nil
}

func (b *blobBackend) list(ctx context.Context, prefix string) ([]Object, error) {
	var out []Object
	opts := &blob.ListOptions{Prefix: b.prefix + prefix}
	token := blob.FirstPageToken
	for {
		var page []*blob.ListObject
		var next []byte
		err := b.retry.do(ctx, b.th, "list "+b.url+opts.Prefix, func(ctx context.Context) error {
			var err error
			page, next, err = b.bucket.ListPage(ctx, token, 1000, opts)
			return mapErr(err)
		})
		if err != nil {
			return nil, err
		}
		for _, o := range page {
			if !o.IsDir {
				out = append(out, Object{Key: strings.TrimPrefix(o.Key, b.prefix), Size: o.Size, ETag: fmt.Sprintf("%x", o.MD5)})
			}
		}
		if len(next) == 0 {
			return out, nil
		}
		token = next
	}
}

func (b *blobBackend) stat(ctx context.Context, key string) (Object, error) {
	var o Object
	err := b.retry.do(ctx, b.th, "stat "+b.url+b.prefix+key, func(ctx context.Context) error {
		a, err := b.bucket.Attributes(ctx, b.prefix+key)
		if err != nil {
			return mapErr(err)
		}
		o = Object{Key: key, Size: a.Size, ETag: strings.Trim(a.ETag, `"`)}
		return nil
	})
	return o, err
}

func (b *blobBackend) remove(ctx context.Context, key string) error {
	return b.retry.do(ctx, b.th, "delete "+b.url+b.prefix+key, func(ctx context.Context) error {
		return mapErr(b.bucket.Delete(ctx, b.prefix+key))
	})
}

func (b *blobBackend) close() error { return b.bucket.Close() }
