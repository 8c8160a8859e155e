package pipeline

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/tokenmill/tokenmill/pipeline/storage"
)

// LockKey is the output's lock: a small JSON object naming the build that
// holds the output (LockInfo). It exists only while a build runs.
const LockKey = "_lock.json"

// LockInfo says who holds an output.
type LockInfo struct {
	PID     int       `json:"pid"`
	Host    string    `json:"host"`
	Started time.Time `json:"started"`
	// Nonce tells this build's lock from another's with the same pid and host.
	Nonce string `json:"nonce,omitempty"`
}

// LockError is returned when another build holds the output.
type LockError struct {
	URL    string
	Holder LockInfo
	// Raw is the lock's content when it could not be parsed.
	Raw string
}

func (e *LockError) Error() string {
	if e.Holder.PID == 0 {
		return fmt.Sprintf("the output is locked by another build (%s: %q); if no build runs there, remove %s", e.URL, e.Raw, e.URL)
	}
	return fmt.Sprintf("the output is locked by another build: pid %d on %s since %s (%s); if that build is gone, remove %s",
		e.Holder.PID, e.Holder.Host, e.Holder.Started.Format(time.RFC3339), e.URL, e.URL)
}

// lockOutput takes the output's lock with an exclusive create (an O_EXCL
// link locally, a conditional put on object stores), then reads it back: a
// store that ignores the condition (some S3 look-alikes) still loses a
// race only in the moment between two builds' writes, as the lock is looked
// for first. A lock left by a process of this host that no longer runs (a
// killed build) is stale: it is removed and taken. A lock held by a process
// of another host is never presumed stale; the error says how to remove it.
func lockOutput(ctx context.Context, out *storage.Store) (release func(), err error) {
	host, _ := os.Hostname()
	var nonce [8]byte
	rand.Read(nonce[:])
	me := LockInfo{PID: os.Getpid(), Host: host, Started: time.Now().UTC().Truncate(time.Second), Nonce: hex.EncodeToString(nonce[:])}
	data, _ := json.Marshal(me)
	for try := 0; ; try++ {
		err := storage.ErrExist
		if ok, xerr := out.Exists(ctx, LockKey); xerr != nil {
			return nil, fmt.Errorf("lock the output: %w", xerr)
		} else if !ok {
			err = out.WriteFileNew(ctx, LockKey, data)
		}
		if err == nil {
			if back, rerr := out.ReadFile(ctx, LockKey); rerr != nil || string(back) != string(data) {
				err = storage.ErrExist // another build's write replaced ours
			} else {
				return func() { out.Remove(context.WithoutCancel(ctx), LockKey) }, nil
			}
		}
		if !errors.Is(err, storage.ErrExist) {
			return nil, fmt.Errorf("lock the output: %w", err)
		}
		raw, rerr := out.ReadFile(ctx, LockKey)
		if errors.Is(rerr, storage.ErrNotExist) && try < 3 {
			continue // released meanwhile
		}
		if rerr != nil {
			return nil, fmt.Errorf("lock the output: %w", rerr)
		}
		var held LockInfo
		if json.Unmarshal(raw, &held) != nil {
			return nil, &LockError{URL: out.URL(LockKey), Raw: string(raw)}
		}
		if try < 3 && held.Host == host && held.PID > 0 && !processAlive(held.PID) {
			// Remove the stale lock only if it is still the one read.
			if again, err := out.ReadFile(ctx, LockKey); err == nil && string(again) == string(raw) {
				out.Remove(ctx, LockKey)
			}
			continue
		}
		return nil, &LockError{URL: out.URL(LockKey), Holder: held}
	}
}
