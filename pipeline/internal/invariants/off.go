//go:build !invariants

package invariants

// Enabled is false in ordinary builds.
const Enabled = false
