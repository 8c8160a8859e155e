//go:build linux || darwin

package pipeline

import "syscall"

// freeBytes is the space free to this user on dir's file system, 0 if
// unknown.
func freeBytes(dir string) int64 {
	var st syscall.Statfs_t
	if syscall.Statfs(dir, &st) != nil {
		return 0
	}
	return int64(st.Bavail) * int64(st.Bsize)
}
