// Package diagfmt writes a diag.List in the formats actionport's commands
// offer: text, json, sarif (SARIF 2.1.0) and github (workflow commands that
// GitHub Actions turns into annotations).
package diagfmt

import (
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/actionport/actionport/internal/diag"
)

// Format names accepted by Write.
const (
	Text   = "text"
	JSON   = "json"
	SARIF  = "sarif"
	GitHub = "github"
)

// Formats lists every format Write accepts, in the order help texts show them.
var Formats = []string{Text, JSON, SARIF, GitHub}

// Valid reports whether format is one Write accepts.
func Valid(format string) bool {
	for _, f := range Formats {
		if f == format {
			return true
		}
	}
	return false
}

// Auto resolves the format a user asked for. An empty format (no --format
// flag) becomes "github" when the GITHUB_ACTIONS environment variable is
// "true" (inside a GitHub Actions job) and "text" otherwise; any explicit
// format, "text" included, is returned unchanged.
func Auto(format string) string {
	return auto(format, os.Getenv)
}

func auto(format string, getenv func(string) string) string {
	if format != "" {
		return format
	}
	if getenv("GITHUB_ACTIONS") == "true" {
		return GitHub
	}
	return Text
}

// Write writes l to w in the given format (see Formats). The list is written
// in its current order; callers sort it first when they want stable output.
func Write(w io.Writer, format string, l diag.List) error {
	switch format {
	case Text, "":
		return l.WriteText(w)
	case JSON:
		return l.WriteJSON(w)
	case SARIF:
		return writeSARIF(w, l)
	case GitHub:
		return writeGitHub(w, l)
	}
	return fmt.Errorf("unknown output format %q (want %s)", format, strings.Join(Formats, ", "))
}
