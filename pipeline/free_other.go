//go:build !linux && !darwin

package pipeline

// freeBytes is unknown on this system.
func freeBytes(dir string) int64 { return 0 }
