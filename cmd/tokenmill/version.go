package main

import (
	"fmt"
	"runtime/debug"
)

// version is the release, set at link time by release builds
// (-ldflags "-X main.version=v1.2.3"); otherwise the module version the
// build recorded ("(devel)" for a checkout).
var version = ""

// versionString is what --version prints and what outputs record: the
// version, the VCS commit (and whether the tree was modified) when the build
// recorded them, and the Go toolchain.
func versionString() string {
	v, commit, dirty, goVer := version, "", false, ""
	if bi, ok := debug.ReadBuildInfo(); ok {
		if v == "" {
			v = bi.Main.Version
		}
		goVer = bi.GoVersion
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				commit = s.Value
			case "vcs.modified":
				dirty = s.Value == "true"
			}
		}
	}
	if v == "" {
		v = "(devel)"
	}
	out := v
	if commit != "" {
		if len(commit) > 12 {
			commit = commit[:12]
		}
		if dirty {
			commit += "+dirty"
		}
		out += " commit " + commit
	} else {
		out += " commit unknown (built without VCS information)"
	}
	return fmt.Sprintf("%s, %s", out, goVer)
}
