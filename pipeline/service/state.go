package service

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/tokenmill/tokenmill/pipeline/storage/atomicfile"
)

// Build states. queued → running → succeeded | failed | canceled; a build
// running when the server stopped goes back to queued when it starts.
const (
	StateQueued    = "queued"
	StateRunning   = "running"
	StateSucceeded = "succeeded"
	StateFailed    = "failed"
	StateCanceled  = "canceled"
)

// States lists every state, for metrics.
var States = []string{StateQueued, StateRunning, StateSucceeded, StateFailed, StateCanceled}

func terminal(state string) bool {
	return state == StateSucceeded || state == StateFailed || state == StateCanceled
}

// BuildRequest is what a client submits.
type BuildRequest struct {
	// Recipe is the recipe's YAML text. Its relative paths are refused
	// (they would name files in the server's state folder): use absolute
	// paths under a root, bucket URLs or embed://.
	Recipe string `json:"recipe,omitempty"`
	// RecipePath is a recipe file under a root; its relative paths are
	// joined to its folder, as `tokenmill build --recipe` does.
	RecipePath string `json:"recipe_path,omitempty"`
	// Neither: the embedded LLaMA recipe on the embedded sample.

	// Inputs replaces the inputs of the named sources.
	Inputs map[string][]string `json:"inputs,omitempty"`
	// Output is the output folder or bucket URL.
	Output string `json:"output"`
	// Only restricts the build to these sources.
	Only []string `json:"only,omitempty"`
	// Workers is the build's worker count (0: the server's default).
	Workers int `json:"workers,omitempty"`
}

// Record is a build as the state folder keeps it and the API shows it.
type Record struct {
	ID      string       `json:"id"`
	Seq     int64        `json:"seq"`
	State   string       `json:"state"`
	Request BuildRequest `json:"request"`
	// RecipeFile is the recipe the build runs: RecipePath, the copy of
	// Recipe in the state folder, or "" for the embedded one.
	RecipeFile string `json:"recipe_file,omitempty"`
	RecipeSHA  string `json:"recipe_sha256,omitempty"`
	// Inputs is, per selected source, the number of input shards the
	// last check resolved.
	Inputs    map[string]int `json:"inputs,omitempty"`
	Submitted time.Time      `json:"submitted"`
	Started   *time.Time     `json:"started,omitempty"`
	Finished  *time.Time     `json:"finished,omitempty"`
	// Attempts counts runs; more than one means the build was resumed
	// after a server restart.
	Attempts int    `json:"attempts"`
	Error    string `json:"error,omitempty"`
}

var idRE = regexp.MustCompile(`^[0-9]{8}T[0-9]{6}Z-[0-9a-f]{8}$`)

// newID makes a sortable, unguessable build id.
func newID(now time.Time) string {
	var b [4]byte
	rand.Read(b[:])
	return now.UTC().Format("20060102T150405Z") + "-" + hex.EncodeToString(b[:])
}

// stateDir lays out the state folder: builds/ID.json, logs/ID.log,
// recipes/ID/recipe.yaml.
type stateDir string

func (d stateDir) record(id string) string { return filepath.Join(string(d), "builds", id+".json") }
func (d stateDir) log(id string) string    { return filepath.Join(string(d), "logs", id+".log") }
func (d stateDir) recipe(id string) string {
	return filepath.Join(string(d), "recipes", id, "recipe.yaml")
}

func (d stateDir) init() error {
	for _, sub := range []string{"builds", "logs", "recipes"} {
		if err := os.MkdirAll(filepath.Join(string(d), sub), 0o700); err != nil {
			return err
		}
	}
	return nil
}

// save replaces the build's state file atomically.
func (d stateDir) save(r *Record) error {
	data, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return err
	}
	return writeAtomic(d.record(r.ID), append(data, '\n'))
}

func writeAtomic(path string, data []byte) error {
	f, err := atomicfile.Create(path, 0o600)
	if err != nil {
		return fmt.Errorf("state: %w", err)
	}
	if _, err := f.Write(data); err != nil {
		f.Abort()
		return fmt.Errorf("state: write %s: %w", path, err)
	}
	if err := f.Commit(); err != nil {
		return fmt.Errorf("state: commit %s: %w", path, err)
	}
	return nil
}

// load reads every build's state, oldest submission first. A file that
// does not parse is reported and skipped: one damaged file does not keep
// the server from starting.
func (d stateDir) load() ([]*Record, []error) {
	ents, err := os.ReadDir(filepath.Join(string(d), "builds"))
	if err != nil {
		return nil, []error{err}
	}
	var out []*Record
	var errs []error
	for _, e := range ents {
		name := e.Name()
		if !strings.HasSuffix(name, ".json") || atomicfile.IsTemp(name) {
			continue
		}
		data, err := os.ReadFile(filepath.Join(string(d), "builds", name))
		if err != nil {
			errs = append(errs, err)
			continue
		}
		var r Record
		if err := json.Unmarshal(data, &r); err != nil || !idRE.MatchString(r.ID) || r.ID+".json" != name {
			errs = append(errs, fmt.Errorf("state: %s: not a build record (%v)", name, err))
			continue
		}
		out = append(out, &r)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Seq < out[j].Seq })
	return out, errs
}
