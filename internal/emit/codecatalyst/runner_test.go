package codecatalyst

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/actionport/actionport/internal/referee"
	"github.com/actionport/actionport/internal/translate"
)

// runnerWorkflows wraps the steps of every aws/github-actions-runner@v1
// action of a generated workflow into a synthetic GitHub workflow, so that
// actionlint can check them as GitHub would.
func runnerWorkflows(t testing.TB, src []byte) map[string][]byte {
	var doc struct {
		Actions map[string]yaml.Node `yaml:"Actions"`
	}
	if err := yaml.Unmarshal(src, &doc); err != nil {
		t.Fatalf("generated YAML does not parse: %v", err)
	}
	out := map[string][]byte{}
	var visit func(name string, n yaml.Node)
	visit = func(name string, n yaml.Node) {
		var a struct {
			Identifier    string               `yaml:"Identifier"`
			Actions       map[string]yaml.Node `yaml:"Actions"`
			Configuration struct {
				Steps []any `yaml:"Steps"`
			} `yaml:"Configuration"`
			Inputs struct {
				Variables []struct {
					Name  string `yaml:"Name"`
					Value string `yaml:"Value"`
				} `yaml:"Variables"`
			} `yaml:"Inputs"`
		}
		if err := n.Decode(&a); err != nil {
			t.Fatalf("action %s: %v", name, err)
		}
		for k, v := range a.Actions {
			visit(k, v)
		}
		if a.Identifier != "aws/github-actions-runner@v1" {
			return
		}
		// Inputs.Variables are environment variables of the action at run time.
		env := map[string]string{}
		for _, v := range a.Inputs.Variables {
			env[v.Name] = v.Value
		}
		job := map[string]any{"runs-on": "ubuntu-latest", "steps": a.Configuration.Steps}
		if len(env) > 0 {
			job["env"] = env
		}
		wf := map[string]any{"on": "push", "jobs": map[string]any{"j": job}}
		b, err := yaml.Marshal(wf)
		if err != nil {
			t.Fatal(err)
		}
		out[name] = b
	}
	for k, v := range doc.Actions {
		visit(k, v)
	}
	return out
}

// TestCorpusRunnerStepsActionlint re-checks every runner action's steps of the
// corpus outputs with actionlint. Findings the source workflow already had are
// not counted against the converter, nor are actionlint's "constant
// expression" findings: CodeCatalyst substitutes ${WorkflowSource.*} into the
// condition text before the runner evaluates it. A new finding fails the test
// when the converter reported no error for that workflow; otherwise it is
// counted (the output is already known to need work).
func TestCorpusRunnerStepsActionlint(t *testing.T) {
	files := corpusFiles(t)
	checked, introduced, known := 0, 0, 0
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		w, ds := translate.Translate(f, src, translate.Options{})
		if w == nil {
			continue
		}
		before := map[string]bool{}
		for _, m := range referee.Actionlint(t, "src.yml", src) {
			before[kindOf(m)] = true
		}
		out, eds := Emit(w, Options{})
		reported := append(ds, eds...).HasErrors()
		for name, wf := range runnerWorkflows(t, out[0].Data) {
			checked++
			for _, m := range referee.Actionlint(t, name+".yml", wf) {
				if before[kindOf(m)] || strings.HasSuffix(m, "[if-cond]") {
					continue
				}
				if reported {
					known++
					continue
				}
				introduced++
				t.Errorf("%s: action %s: actionlint: %s", filepath.Base(f), name, m)
			}
		}
	}
	t.Logf("actionlint checked %d runner actions: %d new findings in workflows without converter errors, %d in workflows the converter already flagged", checked, introduced, known)
}

// kindOf reduces "file:line:col: message [rule]" to "message [rule]".
func kindOf(m string) string {
	parts := strings.SplitN(m, ": ", 2)
	if len(parts) == 2 {
		return parts[1]
	}
	return fmt.Sprint(m)
}
