package storage

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"strings"

	"gocloud.dev/blob"
	"gocloud.dev/blob/gcsblob"
	"gocloud.dev/blob/s3blob"
	"gocloud.dev/gcerrors"
)

type blobBackend struct {
	bucket *blob.Bucket
	prefix string // "" or ends with "/"
}

// openBlob opens "bucket/prefix?query" of an s3 or gs URL.
func openBlob(ctx context.Context, scheme, rest string) (*blobBackend, error) {
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
	return &blobBackend{bucket: b, prefix: prefix}, nil
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
	r, err := b.bucket.NewReader(ctx, b.prefix+key, nil)
	return r, mapErr(err)
}

type blobReaderAt struct {
	ctx  context.Context
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
	rr, err := r.b.NewRangeReader(r.ctx, r.key, off, n, nil)
	if err != nil {
		return 0, err
	}
	defer rr.Close()
	got, err := io.ReadFull(rr, p[:n])
	if err == nil && got < len(p) {
		err = io.EOF
	}
	return got, err
}
func (r *blobReaderAt) Size() int64  { return r.size }
func (r *blobReaderAt) Close() error { return nil }

func (b *blobBackend) newReaderAt(ctx context.Context, key string) (ReaderAt, error) {
	a, err := b.bucket.Attributes(ctx, b.prefix+key)
	if err != nil {
		return nil, mapErr(err)
	}
	return &blobReaderAt{ctx: ctx, b: b.bucket, key: b.prefix + key, size: a.Size}, nil
}

type blobWriter struct {
	w      *blob.Writer
	cancel context.CancelFunc
	done   bool
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
	return &blobWriter{w: w, cancel: cancel}, nil
}

func (w *blobWriter) Write(p []byte) (int, error) { return w.w.Write(p) }

func (w *blobWriter) Commit() error {
	if w.done {
		return nil
	}
	w.done = true
	err := w.w.Close()
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
	it := b.bucket.List(&blob.ListOptions{Prefix: b.prefix + prefix})
	for {
		o, err := it.Next(ctx)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, err
		}
		if o.IsDir {
			continue
		}
		out = append(out, Object{Key: strings.TrimPrefix(o.Key, b.prefix), Size: o.Size, ETag: fmt.Sprintf("%x", o.MD5)})
	}
	return out, nil
}

func (b *blobBackend) stat(ctx context.Context, key string) (Object, error) {
	a, err := b.bucket.Attributes(ctx, b.prefix+key)
	if err != nil {
		return Object{}, mapErr(err)
	}
	return Object{Key: key, Size: a.Size, ETag: strings.Trim(a.ETag, `"`)}, nil
}

func (b *blobBackend) remove(ctx context.Context, key string) error {
	return mapErr(b.bucket.Delete(ctx, b.prefix+key))
}

func (b *blobBackend) close() error { return b.bucket.Close() }
