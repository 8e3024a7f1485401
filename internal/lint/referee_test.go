package lint

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/actionport/actionport/internal/diag"
	"github.com/actionport/actionport/internal/referee"
)

// TestAgainstCodeCatalystSchema runs every CodeCatalyst golden input through
// AWS's JSON Schema (the referee) too: whatever the schema rejects, lint must
// report as an error, and the valid files must pass both. Files where lint
// finds errors the schema cannot see are listed with -v.
func TestAgainstCodeCatalystSchema(t *testing.T) {
	files, err := filepath.Glob("testdata/*cc-*.yaml")
	if err != nil || len(files) == 0 {
		t.Fatalf("no CodeCatalyst inputs: %v", err)
	}
	verdicts := referee.CodeCatalystSchema(t, files)
	var beyond []string
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		l := Bytes(f, src, CodeCatalyst)
		schemaErrs, ok := verdicts[f]
		if !ok {
			t.Fatalf("referee gave no verdict for %s", f)
		}
		switch {
		case len(schemaErrs) > 0 && !l.HasErrors():
			t.Errorf("%s: the schema rejects it but lint finds no error:\n%s", f, strings.Join(schemaErrs, "\n"))
		case len(schemaErrs) == 0 && l.HasErrors():
			beyond = append(beyond, filepath.Base(f)+": "+firstError(l))
		}
		if strings.HasPrefix(filepath.Base(f), "valid-") && len(schemaErrs) > 0 {
			t.Errorf("%s must pass the schema:\n%s", f, strings.Join(schemaErrs, "\n"))
		}
	}
	slices.Sort(beyond)
	t.Logf("lint errors the schema accepts (%d):\n%s", len(beyond), strings.Join(beyond, "\n"))
}

func firstError(l diag.List) string {
	for _, d := range l {
		if d.Severity == diag.Error {
			return d.Rule
		}
	}
	return ""
}
