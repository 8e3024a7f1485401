package hardening

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/actionport/actionport/internal/cli"
	"github.com/actionport/actionport/internal/config"
	"github.com/actionport/actionport/internal/diag"
	"github.com/actionport/actionport/internal/emit"
	"github.com/actionport/actionport/internal/emit/codepipeline"
	"github.com/actionport/actionport/internal/ir"
	"github.com/actionport/actionport/internal/translate"
)

// Budgets every hostile case must stay within (per case, per stage).
const (
	hostileTimeout  = 30 * time.Second
	hostileMaxAlloc = 512 << 20 // bytes allocated (TotalAlloc growth)
)

const jobHead = "on: push\njobs:\n"

// job returns a minimal job block named id with extra lines (indented 4).
func job(id string, extra ...string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "  %s:\n    runs-on: ubuntu-latest\n", id)
	for _, e := range extra {
		b.WriteString("    " + e + "\n")
	}
	b.WriteString("    steps:\n      - run: echo hi\n")
	return b.String()
}

// laughs is a "billion laughs" workflow: levels of anchors, each a list of
// nine aliases of the previous one, used where actionlint walks values.
func laughs(levels int) string {
	var b strings.Builder
	b.WriteString("on: push\nenv:\n  L0: &a0 [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n")
	for i := 1; i < levels; i++ {
		fmt.Fprintf(&b, "  L%d: &a%d [%s]\n", i, i, strings.TrimSuffix(strings.Repeat(fmt.Sprintf("*a%d,", i-1), 9), ","))
	}
	fmt.Fprintf(&b, "jobs:\n  a:\n    runs-on: ubuntu-latest\n    strategy:\n      matrix:\n        x: *a%d\n    env:\n      Y: *a%d\n    steps:\n      - run: echo\n", levels-1, levels-1)
	return b.String()
}

type hostileCase struct {
	name string
	src  func() []byte
	// wantRule, when set, is a rule id that must be reported (a limit).
	wantRule string
	// wantOutput: the front end must produce a workflow (no limit hit).
	wantOutput bool
	// wantJobs, when set, is the number of jobs in the IR (after matrix expansion).
	wantJobs int
}

func hostileCases() []hostileCase {
	s := func(str string) func() []byte { return func() []byte { return []byte(str) } }
	return []hostileCase{
		{name: "billion-laughs", src: s(laughs(9)), wantRule: "input-limit"},
		{name: "laughs-small", src: s(laughs(3))},
		{name: "deep-flow-seq-20000", src: s("on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    env:\n      X: " + strings.Repeat("[", 20000) + strings.Repeat("]", 20000) + "\n    steps:\n      - run: echo\n"), wantRule: "input-limit"},
		{name: "deep-flow-map-20000", src: s(jobHead + "  a:\n    runs-on: ubuntu-latest\n    strategy:\n      matrix:\n        x: " + strings.Repeat("{a: ", 20000) + "1" + strings.Repeat("}", 20000) + "\n    steps:\n      - run: echo\n"), wantRule: "input-limit"},
		{name: "deep-matrix-9000", src: s(jobHead + "  a:\n    runs-on: ubuntu-latest\n    strategy:\n      matrix:\n        x: [" + strings.Repeat("[", 9000) + strings.Repeat("]", 9000) + "]\n    steps:\n      - run: echo ${{ toJSON(matrix.x) }}\n"), wantOutput: true},
		{name: "deep-block-2000", src: func() []byte {
			var b strings.Builder
			b.WriteString(jobHead + "  a:\n    runs-on: ubuntu-latest\n    strategy:\n      matrix:\n        x:\n")
			for i := range 2000 {
				b.WriteString(strings.Repeat(" ", 10+i) + "- \n")
			}
			b.WriteString("    steps:\n      - run: echo\n")
			return []byte(b.String())
		}},
		{name: "jobs-5000", src: func() []byte {
			var b strings.Builder
			b.WriteString(jobHead)
			for i := range 5000 {
				b.WriteString(job(fmt.Sprintf("j%d", i)))
			}
			return []byte(b.String())
		}},
		{name: "jobs-1000-chain", src: func() []byte {
			var b strings.Builder
			b.WriteString(jobHead)
			for i := range 1000 {
				if i == 0 {
					b.WriteString(job("j0"))
					continue
				}
				b.WriteString(job(fmt.Sprintf("j%d", i), fmt.Sprintf("needs: [j%d]", i-1)))
			}
			return []byte(b.String())
		}, wantOutput: true},
		{name: "steps-20000", src: func() []byte {
			var b strings.Builder
			b.WriteString(jobHead + "  a:\n    runs-on: ubuntu-latest\n    steps:\n")
			for i := range 20000 {
				fmt.Fprintf(&b, "      - run: echo %d ${{ github.sha }}\n", i)
			}
			return []byte(b.String())
		}, wantOutput: true},
		{name: "line-3MiB", src: s(jobHead + "  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo " + strings.Repeat("x", 3<<20) + "\n"), wantOutput: true},
		{name: "input-5MiB", src: s(jobHead + job("a") + "# " + strings.Repeat("x", 5<<20) + "\n"), wantRule: "input-too-large"},
		{name: "invalid-utf8", src: s(jobHead + job("a") + "      - run: echo \xff\xfe\xc3\x28 \xed\xa0\x80\n" + "    env:\n      X: \"\xff\"\n")},
		{name: "random-bytes", src: func() []byte {
			r := rand.New(rand.NewPCG(1, 2))
			b := make([]byte, 64<<10)
			for i := range b {
				b[i] = byte(r.UintN(256))
			}
			return b
		}},
		{name: "random-yamlish", src: func() []byte {
			r := rand.New(rand.NewPCG(3, 4))
			alphabet := "on: jobs steps\n  - run${{}}[]{}&*!|>'\"#\t"
			b := make([]byte, 64<<10)
			for i := range b {
				b[i] = alphabet[r.IntN(len(alphabet))]
			}
			return b
		}},
		{name: "tabs", src: s("on: push\njobs:\n\ta:\n\t\truns-on: ubuntu-latest\n\t\tsteps:\n\t\t\t- run: echo\n")},
		{name: "tabs-in-values", src: s(jobHead + "  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: \"echo\\tx\"\n      - run: |\n          echo\ta\tb\n"), wantOutput: true},
		{name: "duplicate-keys", src: s("on: push\non: pull_request\njobs:\n" + job("a") + job("a") + "  b:\n    runs-on: ubuntu-latest\n    env:\n      X: 1\n      X: 2\n    steps:\n      - run: echo\n")},
		{name: "cyclic-needs", src: s(jobHead + job("a", "needs: [c]") + job("b", "needs: [a]") + job("c", "needs: [b]") + job("d", "needs: [d]"))},
		{name: "sanitize-collisions", src: s("name: \"a b\"\n" + jobHead +
			job("a-b", "name: x.y") + job("a_b", "name: x y") + job("A-B", "name: x/y") + job("a--b", "name: x..y") +
			job("m", "strategy:\n      matrix:\n        v: ['a.b', 'a/b', 'a b', 'a-b', 'a_b']"))},
		{name: "matrix-key-collisions", src: s(jobHead + job("build", "strategy:\n      matrix:\n        v: [1, 2]") + job("build-1") + job("build_1") + job("build-2", "needs: [build, build-1]")), wantOutput: true, wantJobs: 5},
		// Regression (found by FuzzPipeline's seeds): the workflow's AWS_REGION and the
		// one configure-aws-credentials exports were two AWS_REGION keys in one env.
		{name: "duplicate-region-env", src: s("on: push\nenv:\n  AWS_REGION: ${{ secrets.AWS_REGION }}\n" + jobHead[len("on: push\n"):] +
			"  deploy:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: aws-actions/configure-aws-credentials@v4\n        with:\n          role-to-assume: arn:aws:iam::123456789012:role/x\n          aws-region: ${{ env.AWS_REGION }}\n      - uses: aws-actions/amazon-ecr-login@v2\n        env:\n          AWS_REGION: eu-west-1\n"), wantOutput: true},
		{name: "matrix-256", src: s(jobHead + job("m", "strategy:\n      matrix:\n        a: [0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15]\n        b: [0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15]")), wantOutput: true},
		{name: "matrix-400", src: s(jobHead + job("m", "strategy:\n      matrix:\n        a: [0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19]\n        b: [0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19]"))},
		{name: "matrix-10^8", src: s(jobHead + job("m", "strategy:\n      matrix:\n"+strings.Repeat("", 0)+func() string {
			var b strings.Builder
			for i := range 8 {
				fmt.Fprintf(&b, "        k%d: [0,1,2,3,4,5,6,7,8,9]\n", i)
			}
			return strings.TrimSuffix(b.String(), "\n")
		}()))},
		{name: "matrix-include-5000", src: func() []byte {
			var b strings.Builder
			b.WriteString(jobHead + "  m:\n    runs-on: ubuntu-latest\n    strategy:\n      matrix:\n        include:\n")
			for i := range 5000 {
				fmt.Fprintf(&b, "          - v: %d\n", i)
			}
			b.WriteString("    steps:\n      - run: echo ${{ matrix.v }}\n")
			return []byte(b.String())
		}},
		{name: "expr-parens-10000", src: s(jobHead + "  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ " + strings.Repeat("(", 10000) + "github.sha" + strings.Repeat(")", 10000) + " }}\n        if: " + strings.Repeat("(", 10000) + "true" + strings.Repeat(")", 10000) + "\n")},
		// A million nested "(" overflow the stack of actionlint's expression
		// parser: a fatal error, not a panic, unless the limit stops it first.
		{name: "expr-parens-1M", src: s(jobHead + "  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ " + strings.Repeat("(", 1<<20) + "github.sha }}\n        if: " + strings.Repeat("(", 1<<20) + "true\n"), wantRule: "expr-syntax"},
		{name: "expr-calls-1M", src: s(jobHead + "  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ " + strings.Repeat("f(", 1<<20) + " }}\n"), wantRule: "expr-syntax"},
		{name: "expr-or-1M", src: s(jobHead + "  a:\n    runs-on: ubuntu-latest\n    steps:\n      - if: " + strings.Repeat("a||", 1<<19) + "a\n        run: echo ${{ " + strings.Repeat("a.", 1<<20) + "b }}\n"), wantRule: "expr-syntax"},
		{name: "expr-not-3M", src: s(jobHead + "  a:\n    runs-on: ubuntu-latest\n    steps:\n      - if: \"" + strings.Repeat("!", 3<<20) + "true\"\n        run: echo\n"), wantRule: "expr-syntax"},
		{name: "expr-not-100000", src: s(jobHead + "  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ " + strings.Repeat("!", 100000) + "true }}\n")},
		{name: "expr-100k-chars", src: s(jobHead + "  a:\n    runs-on: ubuntu-latest\n    env:\n      X: ${{ " + strings.TrimSuffix(strings.Repeat("github.sha || ", 7200), " || ") + " }}\n    steps:\n      - run: echo \"${{ format('" + strings.Repeat("{0}", 30000) + "', github.ref) }}\"\n")},
		{name: "expr-many-100000", src: s(jobHead + "  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo " + strings.Repeat("${{ github.sha }}", 100000) + "\n")},
		{name: "expr-unterminated", src: s(jobHead + "  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo " + strings.Repeat("${{ ", 50000) + "\n")},
		{name: "long-key-1MiB", src: s(jobHead + "  a:\n    runs-on: ubuntu-latest\n    env:\n      " + strings.Repeat("K", 1<<20) + ": v\n    steps:\n      - run: echo\n")},
		{name: "nul-bytes", src: s(jobHead + job("a") + "\x00\x00\x00")},
		{name: "empty", src: s("")},
		{name: "bom-crlf", src: s("\ufeffon: push\r\njobs:\r\n  a:\r\n    runs-on: ubuntu-latest\r\n    steps:\r\n      - run: echo\r\n"), wantOutput: true},
		{name: "many-documents", src: s(strings.Repeat("---\n"+jobHead+job("a"), 2000))},
	}
}

// within runs f and fails the test when it panics, exceeds the time budget or
// allocates more than the memory budget.
func within(t *testing.T, stage string, f func()) {
	t.Helper()
	var m0, m1 runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&m0)
	start := time.Now()
	done := make(chan any, 1)
	go func() {
		defer func() { done <- recover() }()
		f()
	}()
	select {
	case r := <-done:
		if r != nil {
			t.Fatalf("%s panicked: %v", stage, r)
		}
	case <-time.After(hostileTimeout):
		t.Fatalf("%s did not finish within %v", stage, hostileTimeout)
	}
	runtime.ReadMemStats(&m1)
	alloc := m1.TotalAlloc - m0.TotalAlloc
	t.Logf("%s: %v, %d MiB allocated", stage, time.Since(start).Round(time.Millisecond), alloc>>20)
	if alloc > hostileMaxAlloc {
		t.Errorf("%s allocated %d MiB, budget %d MiB", stage, alloc>>20, hostileMaxAlloc>>20)
	}
}

// checkFiles asserts generated files are complete documents.
func checkFiles(t *testing.T, files []emit.File) {
	t.Helper()
	for _, f := range files {
		if err := validDocument(f.Path, f.Data); err != nil {
			t.Errorf("%s: %v", f.Path, err)
		}
	}
}

func validDocument(path string, data []byte) error {
	if strings.HasSuffix(path, ".json") { // JSON cannot carry the header comment
		if !json.Valid(data) {
			return fmt.Errorf("invalid JSON")
		}
		return nil
	}
	var n yaml.Node
	if err := yaml.Unmarshal(data, &n); err != nil {
		return fmt.Errorf("output does not re-parse as YAML: %v", err)
	}
	if !emit.IsGenerated(data) {
		return fmt.Errorf("no generated-file marker in its header")
	}
	if n.Kind != yaml.DocumentNode || len(n.Content) == 0 {
		return fmt.Errorf("output is an empty YAML document")
	}
	return duplicateKeys(&n)
}

// duplicateKeys reports a mapping with a key twice (yaml.v3 accepts it when
// decoding into a Node; the targets do not), e.g. names that collide after
// sanitizing.
func duplicateKeys(n *yaml.Node) error {
	if n.Kind == yaml.MappingNode {
		seen := map[string]bool{}
		for i := 0; i+1 < len(n.Content); i += 2 {
			k := n.Content[i].Value
			if seen[k] {
				return fmt.Errorf("line %d: key %q appears twice in one mapping", n.Content[i].Line, k)
			}
			seen[k] = true
		}
	}
	for _, c := range n.Content {
		if err := duplicateKeys(c); err != nil {
			return err
		}
	}
	return nil
}

func codePipelineEmitter(w *ir.Workflow, cfg *config.Config) ([]emit.File, diag.List) {
	return codepipeline.Emit(w, codepipeline.Options{Config: cfg})
}

func TestHostileInputs(t *testing.T) {
	for _, tc := range hostileCases() {
		t.Run(tc.name, func(t *testing.T) {
			src := tc.src()
			dir := t.TempDir()
			path := filepath.Join(dir, "in", tc.name+".yml")
			if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(path, src, 0o644); err != nil {
				t.Fatal(err)
			}
			t.Logf("input: %d bytes", len(src))

			// The raw front end, without the CLI's recover, so real panics show.
			var w *ir.Workflow
			var ds diag.List
			within(t, "translate", func() { w, ds = translate.Translate(path, src, translate.Options{}) })
			if tc.wantRule != "" && !hasRule(ds, tc.wantRule) {
				t.Errorf("want a %q diagnostic, got %v", tc.wantRule, ds)
			}
			if tc.wantOutput && w == nil {
				t.Errorf("want a workflow, got none: %v", ds)
			}
			if w == nil {
				checkRejected(t, path, ds)
			} else {
				// Every job keeps its own key: a matrix combination ("build-1")
				// must not take the key of a job of that name.
				keys := map[string]bool{}
				for _, j := range w.Jobs {
					if k := strings.ToLower(j.Key); keys[k] {
						t.Errorf("two jobs with the key %q in the IR", j.Key)
					}
					keys[strings.ToLower(j.Key)] = true
				}
				if tc.wantJobs != 0 && len(w.Jobs) != tc.wantJobs {
					t.Errorf("%d jobs in the IR, want %d (a job lost to a key collision?)", len(w.Jobs), tc.wantJobs)
				}
			}
			for _, d := range ds {
				if d.Pos.File != path {
					t.Errorf("diagnostic does not name the file: %.300s", d.String())
				}
				if len(d.Message) > 4096 {
					t.Errorf("diagnostic message of %d bytes: %.300s", len(d.Message), d.Message)
				}
			}
			if len(ds) > 0 {
				t.Logf("%d diagnostics, first: %.300s", len(ds), ds[0].String())
			}
			// Each emitter, raw, on a fresh IR.
			if w != nil {
				for _, tg := range Targets {
					within(t, tg.Name, func() {
						files, _ := Convert(path, src, tg)
						checkFiles(t, files)
					})
				}
			}
			// Through the CLI: ConvertFile recovers; Run writes files.
			for _, em := range []struct {
				name string
				fn   cli.Emitter
			}{{"codecatalyst", cli.CodeCatalyst}, {"codepipeline", codePipelineEmitter}} {
				within(t, "cli.ConvertFile "+em.name, func() {
					res := cli.ConvertFile(path, config.Default(), em.fn)
					if hasRule(res.Diags, "internal") {
						t.Errorf("internal error (a recovered panic): %v", res.Diags)
					}
					if res.Files == nil && res.Err == nil && !res.Diags.HasErrors() {
						t.Errorf("no output and no error diagnostic")
					}
					checkFiles(t, res.Files)
				})
				out := filepath.Join(dir, "out-"+em.name)
				var stdout, stderr bytes.Buffer
				code := -1
				within(t, "cli.Run "+em.name, func() {
					code = cli.Run([]string{em.name, "--out", out, path}, &stdout, &stderr)
				})
				if code == cli.ExitUsage && strings.Contains(stderr.String(), "unknown subcommand") {
					continue
				}
				if code == cli.ExitUsage {
					t.Errorf("cli.Run %s: exit %d: %s", em.name, code, stderr.String())
				}
				if code != cli.ExitOK && !strings.Contains(stderr.String(), path) {
					t.Errorf("cli.Run %s: exit %d without naming the file: %.500s", em.name, code, stderr.String())
				}
				checkOutDir(t, out)
			}
		})
	}
}

func hasRule(ds diag.List, rule string) bool {
	for _, d := range ds {
		if d.Rule == rule {
			return true
		}
	}
	return false
}

// checkRejected asserts a rejected input got an error that names the file.
func checkRejected(t *testing.T, path string, ds diag.List) {
	t.Helper()
	if !ds.HasErrors() {
		t.Errorf("no workflow and no error diagnostic: %v", ds)
	}
	for _, d := range ds {
		if d.Severity == diag.Error && d.Pos.File == path && d.Message != "" {
			return
		}
	}
	t.Errorf("no error diagnostic naming %s: %v", path, ds)
}

// checkOutDir asserts the output directory holds only complete generated
// files: no temporary file left behind, every file a whole document.
func checkOutDir(t *testing.T, out string) {
	t.Helper()
	err := filepath.WalkDir(out, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			if os.IsNotExist(err) {
				return nil
			}
			return err
		}
		if d.IsDir() {
			return nil
		}
		if strings.Contains(d.Name(), ".tmp-") {
			t.Errorf("temporary file left behind: %s", p)
			return nil
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		if err := validDocument(p, data); err != nil {
			t.Errorf("%s: %v", p, err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
