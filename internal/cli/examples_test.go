package cli

import (
	"os"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

// TestExamplesUpToDate runs the --check of the project's CI on the committed
// examples (examples/ generated from .github/workflows/ci.yml), so that drift
// fails the test suite too. Regenerate with the commands in examples/README.md.
func TestExamplesUpToDate(t *testing.T) {
	t.Chdir("../..")
	ci, err := os.ReadFile(".github/workflows/ci.yml")
	if err != nil {
		t.Fatal(err)
	}
	var wf struct {
		Env map[string]string `yaml:"env"`
	}
	if err := yaml.Unmarshal(ci, &wf); err != nil {
		t.Fatalf("ci.yml: %v", err)
	}
	cpArgs := strings.Fields(wf.Env["CODEPIPELINE_ARGS"])
	if len(cpArgs) == 0 {
		t.Fatal("ci.yml has no env.CODEPIPELINE_ARGS")
	}
	tests := []struct {
		name string
		args []string
	}{
		{"codecatalyst", []string{"codecatalyst", "--check", "--out", "examples/codecatalyst"}},
		{"codepipeline", append(append([]string{"codepipeline"}, cpArgs...), "--check", "--out", "examples/codepipeline")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := run(t, append(tt.args, ".github/workflows/ci.yml")...)
			if code != ExitOK {
				t.Fatalf("convert %s: exit %d (regenerate examples/ with the commands in examples/README.md)\n%s\n%s", strings.Join(tt.args, " "), code, stdout, stderr)
			}
		})
	}
}
