package lint

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite testdata/*.out from the linter's findings")

// TestGolden lints each testdata/NAME.yaml or NAME.json and compares the
// findings with NAME.out. The kind comes from the name's prefix (cc-,
// bs-, pl-); files named valid-* must produce no findings.
func TestGolden(t *testing.T) {
	inputs, err := filepath.Glob("testdata/*.*")
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, in := range inputs {
		ext := filepath.Ext(in)
		if ext != ".yaml" && ext != ".json" && ext != ".yml" {
			continue
		}
		n++
		name := strings.TrimSuffix(filepath.Base(in), ext)
		t.Run(name, func(t *testing.T) {
			src, err := os.ReadFile(in)
			if err != nil {
				t.Fatal(err)
			}
			kind := kindOf(name)
			if kind == Unknown {
				t.Fatalf("cannot tell the kind of %s: start its name with cc-, bs-, pl- or valid-cc-, valid-bs-, valid-pl-", in)
			}
			l := Bytes(filepath.Base(in), src, kind)
			var got bytes.Buffer
			if err := l.WriteText(&got); err != nil {
				t.Fatal(err)
			}
			outFile := strings.TrimSuffix(in, ext) + ".out"
			if *update {
				if err := os.WriteFile(outFile, got.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(outFile)
			if err != nil {
				t.Fatalf("%v (run go test ./internal/lint -update)", err)
			}
			if got.String() != string(want) {
				t.Errorf("findings for %s differ\n--- got\n%s--- want\n%s", in, got.String(), want)
			}
			if strings.HasPrefix(name, "valid-") && len(l) > 0 {
				t.Errorf("%s must lint clean, got\n%s", in, got.String())
			}
			if !strings.HasPrefix(name, "valid-") && len(l) == 0 {
				t.Errorf("%s produced no findings", in)
			}
			rule := strings.SplitN(name, "--", 2)[0]
			if !strings.HasPrefix(name, "valid-") && !strings.Contains(got.String(), "["+rule+"]") {
				t.Errorf("%s is the case for rule %s but does not report it:\n%s", in, rule, got.String())
			}
		})
	}
	if n == 0 {
		t.Fatal("no golden inputs in testdata")
	}
}

func kindOf(name string) Kind {
	name = strings.TrimPrefix(name, "valid-")
	switch {
	case strings.HasPrefix(name, "cc-"):
		return CodeCatalyst
	case strings.HasPrefix(name, "bs-"):
		return Buildspec
	case strings.HasPrefix(name, "pl-"):
		return Pipeline
	}
	return Unknown
}
