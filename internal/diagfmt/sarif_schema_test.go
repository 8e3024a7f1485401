package diagfmt

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/actionport/actionport/internal/diag"
)

// TestSARIFSchema validates Write's SARIF output against the OASIS SARIF
// 2.1.0 JSON Schema with tools/validate-sarif.mjs (ajv). It needs node and
// tools/node_modules; without them it fails with an install hint.
func TestSARIFSchema(t *testing.T) {
	tools, err := filepath.Abs(filepath.Join("..", "..", "tools"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(tools, "node_modules", "@microsoft", "jest-sarif")); err != nil {
		t.Fatalf("SARIF schema referee not installed (%v): run `npm ci --prefix tools` (scripts/test.sh does)", err)
	}
	node, err := exec.LookPath("node")
	if err != nil {
		t.Fatalf("node not found: install Node.js ≥ 20 to run the SARIF schema referee: %v", err)
	}
	abs, err := filepath.Abs("x.yaml")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		l    diag.List
	}{
		{"empty", nil},
		{"sample", sample()},
		{"absolute path", diag.List{{Rule: "r", Severity: diag.Error, Pos: diag.Pos{File: abs, Line: 1, Col: 1}, Message: "m"}}},
		{"outside working directory", diag.List{{Rule: "r", Severity: diag.Warning, Pos: diag.Pos{File: "/etc/x y.json", Line: 2, Col: 3}, Message: "m"}}},
	}
	dir := t.TempDir()
	var files []string
	for _, tt := range tests {
		var b bytes.Buffer
		if err := Write(&b, SARIF, tt.l); err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		f := filepath.Join(dir, tt.name+".sarif")
		if err := os.WriteFile(f, b.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		files = append(files, f)
	}
	cmd := exec.Command(node, append([]string{filepath.Join(tools, "validate-sarif.mjs")}, files...)...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("SARIF output does not validate against sarif-2.1.0-rtm.5.json: %v\n%s", err, out)
	}
}
