//go:build invariants

package invariants

// Enabled is true in builds with the invariants tag: the pipeline then
// checks what it guarantees (unique document IDs per source, documents
// leaving a shard in input order, sinks closed once) and panics on a breach.
const Enabled = true
