//go:build !unix

package loop

// lockOut cannot lock where flock is not available: it reports locked
// false, and Run then removes only temporary files older than itself.
func lockOut(string) (func(), bool, error) { return func() {}, false, nil }
