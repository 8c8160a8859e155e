//go:build unix

package loop

import (
	"errors"
	"fmt"
	"os"
	"strings"
	"syscall"
)

// lockOut makes this process the only trainer writing ckpt: it holds an
// exclusive flock on ckpt+".lock" until unlock. The lock file holds the
// holder's host and pid, so that the error a second trainer gets says who
// has it. The kernel drops a flock when its holder dies, so a killed
// trainer never leaves a folder locked; the file itself stays (deleting it
// would race with a trainer opening it).
//
// On a file system without flock (some NFS and parallel file systems
// answer ENOLCK or ENOTSUP) it returns locked false and no error: training
// must not depend on a lock the storage cannot give.
func lockOut(ckpt string) (unlock func(), locked bool, err error) {
	name := ckpt + ".lock"
	f, err := os.OpenFile(name, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, false, fmt.Errorf("train: lock %s: %w", name, err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		holder, _ := os.ReadFile(name)
		f.Close()
		switch {
		case errors.Is(err, syscall.EWOULDBLOCK):
			who := strings.TrimSpace(string(holder))
			if who == "" {
				who = "another process"
			}
			return nil, false, fmt.Errorf("train: %s is in use by another trainer (%s): give each run its own --out", ckpt, who)
		case errors.Is(err, syscall.ENOLCK), errors.Is(err, syscall.ENOTSUP), errors.Is(err, syscall.EOPNOTSUPP):
			return func() {}, false, nil
		}
		return nil, false, fmt.Errorf("train: lock %s: %w", name, err)
	}
	host, _ := os.Hostname()
	f.Truncate(0)
	f.WriteAt([]byte(fmt.Sprintf("host %s pid %d\n", host, os.Getpid())), 0)
	return func() { f.Close() }, true, nil
}
