//go:build !unix

package pipeline

// processAlive cannot tell on this system: every lock is presumed held.
func processAlive(pid int) bool { return true }
