// Package version reports the version of the running binary from the build
// information the Go toolchain embeds.
package version

import (
	"runtime/debug"
	"strings"
)

// Devel is the version of a build that has no module version.
const Devel = "(devel)"

// String is the running binary's version; see Format.
func String() string {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return Devel
	}
	return Format(info)
}

// Format renders the main module's version: Main.Version when the build
// recorded one (go install m@v1.2.3, or a build in a version-controlled
// checkout, which Go stamps with a pseudo-version), else "(devel)" followed
// by the vcs.revision and vcs.modified settings when present, as in
// "(devel) revision 0f5416e…, modified".
func Format(info *debug.BuildInfo) string {
	if v := info.Main.Version; v != "" && v != Devel {
		return v
	}
	var revision, modified string
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			revision = s.Value
		case "vcs.modified":
			modified = s.Value
		}
	}
	var b strings.Builder
	b.WriteString(Devel)
	if revision != "" {
		b.WriteString(" revision " + revision)
	}
	if modified == "true" {
		if revision != "" {
			b.WriteString(",")
		}
		b.WriteString(" modified")
	}
	return b.String()
}
