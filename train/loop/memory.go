package loop

import (
	"bufio"
	"bytes"
	"fmt"
	"math"
	"os"
	"runtime/debug"
	"strconv"
	"strings"
)

// memLimit is the memory a run may use and where that number comes from.
type memLimit struct {
	bytes  int64
	source string
}

// memoryLimit is Options.MemoryLimit, or when that is 0 the smallest of
// GOMEMLIMIT, the cgroup's memory.max and the machine's physical memory
// (whichever are known). Zero bytes means no limit is known or the check is
// off.
func (f Options) memoryLimit() memLimit {
	switch {
	case f.MemoryLimit > 0:
		return memLimit{f.MemoryLimit, "memory limit given (--memory-mb)"}
	case f.MemoryLimit < 0:
		return memLimit{}
	}
	var best memLimit
	take := func(b int64, source string) {
		if b > 0 && (best.bytes == 0 || b < best.bytes) {
			best = memLimit{b, source}
		}
	}
	if l := debug.SetMemoryLimit(-1); l < math.MaxInt64 {
		take(l, "GOMEMLIMIT")
	}
	if b, err := os.ReadFile("/sys/fs/cgroup/memory.max"); err == nil {
		if v, err := strconv.ParseInt(string(bytes.TrimSpace(b)), 10, 64); err == nil { // "max" means none
			take(v, "cgroup memory.max")
		}
	}
	if fh, err := os.Open("/proc/meminfo"); err == nil {
		sc := bufio.NewScanner(fh)
		for sc.Scan() {
			// MemTotal:       131891748 kB
			if rest, ok := strings.CutPrefix(sc.Text(), "MemTotal:"); ok {
				if v, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64); err == nil {
					take(v<<10, "machine's memory")
				}
			}
		}
		fh.Close()
	}
	return best
}

// gib renders a byte count for messages.
func gib(b int64) string {
	if b < 1<<30 {
		return fmt.Sprintf("%.1f MiB", float64(b)/(1<<20))
	}
	return fmt.Sprintf("%.1f GiB", float64(b)/(1<<30))
}
