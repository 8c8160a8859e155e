package storage

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"gocloud.dev/blob"
	"gocloud.dev/gcerrors"
)

// ErrExist is returned (wrapped) by WriteFileNew when the key exists.
var ErrExist = fs.ErrExist

// exclusiveBackend is implemented by backends that can write an object only
// if it does not exist yet, atomically (an O_EXCL link, a conditional put).
type exclusiveBackend interface {
	writeNew(ctx context.Context, key string, data []byte) error
}

// WriteFileNew writes a whole object only if key does not exist, in one
// atomic step: of two callers racing for the same key exactly one wins and
// the other gets an error wrapping ErrExist. Locks are made of it. Stores
// that cannot do it (HTTP, embedded) return an error.
func (s *Store) WriteFileNew(ctx context.Context, key string, data []byte) error {
	eb, ok := s.b.(exclusiveBackend)
	if !ok {
		return fmt.Errorf("storage: %s cannot be written exclusively", s.URL(key))
	}
	if err := eb.writeNew(ctx, key, data); err != nil {
		return fmt.Errorf("storage: create %s: %w", s.URL(key), err)
	}
	return nil
}

// writeNew writes a temporary file in full, then links it under its name:
// link fails if the name exists, so no reader ever sees a partial file.
func (b *localBackend) writeNew(_ context.Context, key string, data []byte) error {
	p, err := b.path(key)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return err
	}
	var rnd [6]byte
	rand.Read(rnd[:])
	tmp := filepath.Join(filepath.Dir(p), "."+filepath.Base(p)+tmpMarker+hex.EncodeToString(rnd[:]))
	f, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return err
	}
	defer os.Remove(tmp)
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	if err := os.Link(tmp, p); err != nil {
		if errors.Is(err, fs.ErrExist) {
			return ErrExist
		}
		return err
	}
	return nil
}

// writeNew is a conditional put (S3 If-None-Match, GCS ifGenerationMatch=0).
func (b *blobBackend) writeNew(ctx context.Context, key string, data []byte) error {
	err := b.bucket.WriteAll(ctx, b.prefix+key, data, &blob.WriterOptions{IfNotExist: true})
	if gcerrors.Code(err) == gcerrors.FailedPrecondition {
		return ErrExist
	}
	return err
}
