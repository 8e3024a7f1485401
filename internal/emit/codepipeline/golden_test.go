package codepipeline

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/actionport/actionport/internal/config"
	"github.com/actionport/actionport/internal/diag"
	"github.com/actionport/actionport/internal/emit"
	"github.com/actionport/actionport/internal/ir"
	"github.com/actionport/actionport/internal/lint"
	"github.com/actionport/actionport/internal/referee"
	"github.com/actionport/actionport/internal/translate"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// testOptions fill pipeline.json the way a user would on the command line.
var testOptions = Options{
	ConnectionARN:   "arn:aws:codeconnections:us-east-1:123456789012:connection/0123abcd-0123-0123-0123-0123456789ab",
	Repository:      "octo/app",
	PipelineRoleARN: "arn:aws:iam::123456789012:role/actionport-pipeline",
	ArtifactBucket:  "actionport-artifacts",
}

func convert(t testing.TB, path string, src []byte, opts Options) ([]emit.File, diag.List, *ir.Workflow) {
	t.Helper()
	if opts.Config == nil {
		opts.Config = config.Default()
	}
	w, fd := translate.Translate(path, src, translate.Options{Config: opts.Config})
	if w == nil {
		return nil, fd, nil
	}
	files, d := Emit(w, opts)
	// The front end's diagnostics belong to the output as on the command line.
	d = append(fd, d...)
	d.Sort()
	return files, d, w
}

// render concatenates files and diagnostics into one readable golden text.
func render(files []emit.File, d diag.List) []byte {
	var b bytes.Buffer
	for _, f := range files {
		b.WriteString("==> " + f.Path + " <==\n")
		b.Write(f.Data)
		if !bytes.HasSuffix(f.Data, []byte("\n")) {
			b.WriteString("\n")
		}
	}
	b.WriteString("==> diagnostics <==\n")
	for _, x := range d {
		b.WriteString(x.String() + "\n")
	}
	return b.Bytes()
}

// TestGolden converts every testdata/NAME.yml (with testdata/NAME.actionport.yml
// as its config when present) and compares with NAME.golden (regenerate with
// go test ./internal/emit/codepipeline -run TestGolden -update). Every
// generated template goes through cfn-lint (one batch), every buildspec file
// and pipeline.json through the linter; Error-level findings fail the test.
func TestGolden(t *testing.T) {
	all, err := filepath.Glob("testdata/*.yml")
	if err != nil || len(all) == 0 {
		t.Fatalf("no golden inputs: %v", err)
	}
	var ins []string
	for _, in := range all {
		if !strings.HasSuffix(in, ".actionport.yml") {
			ins = append(ins, in)
		}
	}
	tmp := t.TempDir()
	var templates []string
	caseOf := map[string]string{}
	for _, in := range ins {
		name := strings.TrimSuffix(filepath.Base(in), ".yml")
		t.Run(name, func(t *testing.T) {
			src, err := os.ReadFile(in)
			if err != nil {
				t.Fatal(err)
			}
			opts := testOptions
			opts.BatchMatrix = strings.Contains(name, "batch")
			opts.InlineBuildspecs = strings.Contains(name, "inline")
			if cp := filepath.Join("testdata", name+".actionport.yml"); fileExists(cp) {
				if opts.Config, err = config.Load(cp, true); err != nil {
					t.Fatalf("%s: %v", cp, err)
				}
			}
			files, d, _ := convert(t, in, src, opts)
			got := render(files, d)
			again, d2, _ := convert(t, in, src, opts)
			if !bytes.Equal(got, render(again, d2)) {
				t.Fatalf("output is not deterministic")
			}
			for _, f := range files {
				var kind lint.Kind
				switch {
				case strings.Contains(f.Path, "/buildspec-"):
					kind = lint.Buildspec
				case strings.HasSuffix(f.Path, "/pipeline.json"):
					kind = lint.Pipeline
				case strings.HasSuffix(f.Path, "/template.yaml"):
					p := filepath.Join(tmp, name+".yaml")
					if err := os.WriteFile(p, f.Data, 0o644); err != nil {
						t.Fatal(err)
					}
					templates = append(templates, p)
					caseOf[p] = name
					continue
				default:
					continue
				}
				for _, x := range lint.Bytes(f.Path, f.Data, kind) {
					if x.Severity == diag.Error {
						t.Errorf("%s: lint: %v", f.Path, x)
					}
				}
			}
			golden := filepath.Join("testdata", name+".golden")
			if *update {
				if err := os.WriteFile(golden, got, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run with -update to create it)", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("output differs from %s (run with -update and review the diff):\n%s", golden, firstDiff(string(want), string(got)))
			}
		})
	}
	// cfn-lint is the referee for every generated template (one process).
	findings := referee.CfnLint(t, templates)
	for _, p := range templates {
		for _, f := range referee.Errors(findings[p]) {
			t.Errorf("%s: cfn-lint: %v", caseOf[p], f)
		}
	}
}

func fileExists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}

func firstDiff(a, b string) string {
	al, bl := strings.Split(a, "\n"), strings.Split(b, "\n")
	for i := 0; i < len(al) || i < len(bl); i++ {
		var x, y string
		if i < len(al) {
			x = al[i]
		}
		if i < len(bl) {
			y = bl[i]
		}
		if x != y {
			return "line " + itoa(i+1) + ":\n  want: " + x + "\n  got:  " + y
		}
	}
	return ""
}

func itoa(i int) string {
	return strings.TrimSpace(strings.Repeat(" ", 0) + fmtInt(i))
}

func fmtInt(i int) string {
	if i == 0 {
		return "0"
	}
	var b []byte
	for ; i > 0; i /= 10 {
		b = append([]byte{byte('0' + i%10)}, b...)
	}
	return string(b)
}
