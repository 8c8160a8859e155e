// Package invariants switches on the pipeline's expensive self-checks in
// builds tagged "invariants" (CI runs the build tests that way). A breach is
// a bug in tokenmill, never bad input, and panics.
package invariants
