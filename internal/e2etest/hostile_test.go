package e2etest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/actionport/actionport/internal/cli"
	"github.com/actionport/actionport/internal/config"
	"github.com/actionport/actionport/internal/diag"
	"github.com/actionport/actionport/internal/emit"
	"github.com/actionport/actionport/internal/emit/codepipeline"
	"github.com/actionport/actionport/internal/emit/shell"
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
		// format() repeats its argument per placeholder: nested calls of
		// 1,000 each took 1.8 GB and did not finish (a 9 KB workflow).
		{name: "expr-format-nested", src: s(jobHead + "  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo \"${{ " + func() string {
			e := "github.sha"
			for range 3 {
				e = "format('" + strings.Repeat("{0}", 1000) + "', " + e + ")"
			}
			return e
		}() + " }}\"\n        if: format('" + strings.Repeat("{0}{1}", 30000) + "', format('{0}{0}{0}{0}', github.ref), github.sha) == 'x'\n"), wantRule: "expr-syntax"},
		// A 1 MiB matrix value pasted by 1,000 references: a 1 GB output
		// file, 3.9 GB of memory, 28 s.
		{name: "matrix-value-pasted-1000", src: s(jobHead + "  a:\n    runs-on: ubuntu-latest\n    strategy:\n      matrix:\n        x: [\"" + strings.Repeat("A", 1<<20) + "\"]\n    steps:\n      - run: echo \"" + strings.Repeat("${{ matrix.x }}", 1000) + "\"\n"), wantRule: "input-limit"},
		{name: "matrix-include-pasted-1000", src: s(jobHead + "  a:\n    name: \"" + strings.Repeat("${{ matrix.x }}", 500) + "\"\n    runs-on: ubuntu-latest\n    strategy:\n      matrix:\n        include:\n          - x: \"" + strings.Repeat("A", 1<<20) + "\"\n    steps:\n      - run: echo \"" + strings.Repeat("${{ matrix['x'] }}", 500) + "\"\n"), wantRule: "input-limit"},
		{name: "matrix-list-pasted-1000", src: s(jobHead + "  a:\n    runs-on: ubuntu-latest\n    strategy:\n      matrix:\n        x: [[" + strings.TrimSuffix(strings.Repeat("aaaa,", 100000), ",") + "]]\n    steps:\n      - run: echo \"" + strings.Repeat("${{ toJSON(matrix.x) }}", 1000) + "\"\n"), wantRule: "input-limit"},
		{name: "matrix-pasted-under-limit", src: s(jobHead + "  a:\n    runs-on: ubuntu-latest\n    strategy:\n      matrix:\n        x: [\"" + strings.Repeat("A", 20000) + "\", b, c]\n        y: [1, 2, 3, 4]\n    steps:\n      - run: echo \"" + strings.Repeat("${{ matrix.x }}", 30) + "\"\n" + strings.Repeat("      - run: echo ${{ matrix.y }}\n", 3000)), wantOutput: true},
		{name: "expr-unterminated", src: s(jobHead + "  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo " + strings.Repeat("${{ ", 50000) + "\n")},
		{name: "long-key-1MiB", src: s(jobHead + "  a:\n    runs-on: ubuntu-latest\n    env:\n      " + strings.Repeat("K", 1<<20) + ": v\n    steps:\n      - run: echo\n")},
		{name: "nul-bytes", src: s(jobHead + job("a") + "\x00\x00\x00")},
		{name: "empty", src: s("")},
		{name: "bom-crlf", src: s("\ufeffon: push\r\njobs:\r\n  a:\r\n    runs-on: ubuntu-latest\r\n    steps:\r\n      - run: echo\r\n"), wantOutput: true},
		{name: "many-documents", src: s(strings.Repeat("---\n"+jobHead+job("a"), 2000))},
		// Many nodes in few bytes: the parser takes ~400 bytes per node, so
		// these took 400-850 MB and 3-20 s before MaxYAMLNodes.
		{name: "flow-map-nulls-4MiB", src: s(jobHead + job("a", "x: {"+strings.Repeat("a,", (4<<20-200)/2)+"a}")), wantRule: "input-limit"},
		{name: "flow-seq-4MiB", src: s(jobHead + job("a", "x: ["+strings.Repeat("a,", (4<<20-200)/2)+"a]")), wantRule: "input-limit"},
		{name: "block-nulls-4MiB", src: s(jobHead + job("a") + "x:\n" + strings.Repeat("a:\n", (4<<20-200)/3)), wantRule: "input-limit"},
		{name: "block-seq-nulls-4MiB", src: s(jobHead + job("a") + "x:\n" + strings.Repeat("-\n", (4<<20-200)/2)), wantRule: "input-limit"},
		// A block scalar header, then lines broken by CR or LS: the parser
		// sees 1.4 million keys (830 MB, 20 s) where a scan by LF saw one line.
		{name: "cr-only-nulls-4MiB", src: s(strings.ReplaceAll(jobHead+job("a"), "\n", "\r") + "x: |\r" + strings.Repeat("a:\r", (4<<20-300)/3)), wantRule: "input-limit"},
		{name: "ls-nulls-4MiB", src: s(jobHead + job("a") + "x: |\u2028" + strings.Repeat("a:\u2028", (4<<20-300)/5)), wantRule: "input-limit"},
		{name: "nested-seq-lines", src: s(jobHead + job("a") + "x:\n" + strings.Repeat("  - "+strings.Repeat("- ", 5000)+"a\n", 100)), wantRule: "input-limit"},
		// 120,000 nodes: under the limit, converted.
		{name: "nodes-under-limit", src: func() []byte {
			var b strings.Builder
			b.WriteString(jobHead + "  a:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: some/action@v1\n        with:\n")
			for i := range 60000 {
				fmt.Fprintf(&b, "          i%d: v\n", i)
			}
			return []byte(b.String())
		}, wantOutput: true},
		// YAML features and wrong types.
		{name: "merge-keys", src: s("on: push\nx-defaults: &d\n  runs-on: ubuntu-latest\n  steps:\n    - run: echo\njobs:\n  a:\n    <<: *d\n  b:\n    <<: [*d]\n    needs: a\n")},
		{name: "tags", src: s(jobHead + "  a: !job\n    runs-on: !os ubuntu-latest\n    env:\n      B: !!binary aGVsbG8=\n      S: !!set {a, b}\n      T: !!timestamp 2001-12-14\n    steps: !list\n      - run: !sh echo\n")},
		{name: "complex-keys", src: s("on: push\njobs:\n  ? [a, b]\n  : runs-on: ubuntu-latest\n    steps:\n      - run: echo\n" + job("c", "env:\n      ? {x: 1}\n      : d"))},
		{name: "anchor-alias-keys", src: s("on: push\nx: &k a\njobs:\n  &j b:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo\n  c:\n    needs: [*j, *k]\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo\n")},
		{name: "wrong-types", src: s("on: 5\nenv: [a]\ndefaults: 5\nconcurrency: [x]\npermissions: 5\njobs:\n  a:\n    runs-on: {group: x, labels: [a, {b: c}]}\n    needs: {x: 1}\n    env: x\n    strategy:\n      matrix: 5\n    steps:\n      run: echo\n  b:\n    runs-on: [[[x]]]\n    steps: echo\n  c:\n    runs-on: ubuntu-latest\n    outputs: [a]\n    container: [x]\n    services: [y]\n    steps:\n      -\n      - ~\n      - []\n      - uses: a/b@v1\n        with: [a]\n      - run: echo\n        uses: a/b@v1\n      - if: {a: b}\n        run: echo\n")},
		{name: "jobs-wrong-types", src: s("on:\n  push:\n  schedule:\n  workflow_dispatch:\n    inputs: 5\njobs: [a, b]\n")},
		{name: "documents-not-mappings", src: s("just a string\n---\n- a\n---\n~\n")},
		{name: "huge-numbers", src: s(jobHead + job("a", "timeout-minutes: 99999999999999999999999999999999999999", "env:\n      X: 1e999999\n      Y: 0x"+strings.Repeat("f", 1000)+"\n      Z: -.inf\n      W: .nan") + "  b:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo\n        timeout-minutes: 1e308\n      - run: echo\n        timeout-minutes: 4294967297\n")},
		{name: "env-10000", src: func() []byte {
			var b strings.Builder
			b.WriteString(jobHead + "  a:\n    runs-on: ubuntu-latest\n    env:\n")
			for i := range 10000 {
				fmt.Fprintf(&b, "      V%d: ${{ github.sha }}-%d\n", i, i)
			}
			b.WriteString("    steps:\n      - run: echo\n")
			return []byte(b.String())
		}, wantOutput: true},
		{name: "with-10000", src: func() []byte {
			var b strings.Builder
			b.WriteString(jobHead + "  a:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: some/action@v1\n        with:\n")
			for i := range 10000 {
				fmt.Fprintf(&b, "          i%d: ${{ github.sha }}%d\n", i, i)
			}
			return []byte(b.String())
		}, wantOutput: true},
		{name: "long-names-1MiB", src: s("name: " + strings.Repeat("W", 1<<20) + "\n" + jobHead + job("a", "name: "+strings.Repeat("J", 1<<20)) + "      - name: " + strings.Repeat("S", 1<<20) + "\n        run: echo\n"), wantOutput: true},
		{name: "run-script-1MiB", src: s(jobHead + "  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: |\n" + strings.Repeat("          echo "+strings.Repeat("x", 60)+" ${{ github.sha }} \"$X\" 'y' `z`\n", 12000)), wantOutput: true},
		{name: "nested-expr-in-strings", src: s(jobHead + "  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo \"${{ format('${{ ${{ ${{ {0} }} }} }}', '${{') }}\"\n        env:\n          X: ${{ '${{' }}${{ '}}' }}\n          Y: \"${{ '}}' }} }} ${{\"\n")},
		{name: "unterminated-expr-5000", src: func() []byte {
			var b strings.Builder
			b.WriteString(jobHead + "  a:\n    runs-on: ubuntu-latest\n    if: ${{ \n    env:\n")
			for i := range 5000 {
				fmt.Fprintf(&b, "      V%d: ${{ a%d\n", i, i)
			}
			b.WriteString("    steps:\n      - run: echo ${{\n")
			return []byte(b.String())
		}},
		{name: "unicode-ids", src: s("name: \"\u202eevil\u200b\"\n" + jobHead + job("\u0430\u200db", "name: \"\u202e\ufeff\"") + job("b\u200b", "needs: [\u0430\u200db]") + job("\u00e9") + job("\u05d0\u05d1"))},
		{name: "traversal-names", src: s("name: ../../../etc/passwd\n" + jobHead + job("..") + job(".") + job("../../etc", "name: ../../x") + job("a\\b") + job("a/b") +
			job("m", "strategy:\n      matrix:\n        v: ['../../x', '..', '.', '/', 'a/../../b', '\\0', 'a\\\\b', \"\\x00\"]") +
			"  up:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/upload-artifact@v4\n        with:\n          name: ../../evil\n          path: ../../../etc\n  down:\n    needs: up\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/download-artifact@v4\n        with:\n          name: ../../evil\n          path: /etc\n")},
		{name: "utf16", src: func() []byte {
			u := []byte{0xff, 0xfe}
			for _, r := range jobHead + job("a") {
				u = append(u, byte(r), 0)
			}
			return u
		}},
		{name: "yaml-directives", src: s("%YAML 1.1\n%TAG ! tag:evil.com,2000:\n---\n" + jobHead + job("a"))},
		{name: "schedule-weird", src: s("on:\n  schedule:\n    - cron: '*/0 * * * *'\n    - cron: '99 99 99 99 99'\n    - cron: ''\n    - cron: '* * * * * * * * *'\n    - cron: 5\n    - {}\n    - cron: '" + strings.Repeat("1,", 20000) + "1 * * * *'\njobs:\n" + job("a"))},
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
	if filepath.Base(path) == shell.RuntimeFileName { // the same file for every workflow
		if !bytes.Equal(data, shell.RuntimeFile()) {
			return fmt.Errorf("the step runtime file differs from shell.RuntimeFile")
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

// localFile is a file of a hostile repository: its content, or a special file.
type localFile struct {
	data    string
	fifo    bool   // a named pipe
	dir     bool   // a directory
	symlink string // a symbolic link to this target
}

// makeFiles creates files (below root, or the working directory when root
// is ""); the test is skipped when the system cannot make one (a named pipe
// on some systems).
func makeFiles(t *testing.T, root string, files map[string]localFile) {
	t.Helper()
	for p, f := range files {
		p = filepath.Join(root, p)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		var err error
		switch {
		case f.fifo:
			err = mkfifo(p)
		case f.dir:
			err = os.Mkdir(p, 0o755)
		case f.symlink != "":
			err = os.Symlink(f.symlink, p)
		default:
			err = os.WriteFile(p, []byte(f.data), 0o644)
		}
		if err != nil {
			t.Skipf("creating %q: %v", p, err)
		}
	}
}

// composite is an action.yml of a composite action with the given steps.
func composite(steps ...string) localFile {
	return localFile{data: "runs:\n  using: composite\n  steps:\n" + strings.Join(steps, "")}
}

// usesStep is a composite-action step using the local action ./a/<name>.
func usesStep(name string) string { return "    - uses: ./a/" + name + "\n" }

const runStep = "    - run: echo hi\n      shell: bash\n"

// inputFanOut is a chain of composite actions a/l1..a/l5 where each passes
// refs (its input x, thirty times over) to the one below, l1 echoing it;
// def is the default of x.
func inputFanOut(def, refs string) map[string]localFile {
	head := "inputs:\n  x: {default: \"" + def + "\"}\n"
	fs := map[string]localFile{"a/l1/action.yml": {data: head + "runs:\n  using: composite\n  steps:\n    - run: echo \"" + refs + "\"\n      shell: bash\n"}}
	for i := 2; i <= 5; i++ {
		fs[fmt.Sprintf("a/l%d/action.yml", i)] = localFile{data: head + fmt.Sprintf("runs:\n  using: composite\n  steps:\n    - uses: ./a/l%d\n      with:\n        x: \"%s\"\n", i-1, refs)}
	}
	return fs
}

// Local composite actions (uses: ./path) are read and inlined: cycles,
// fan-out and deep chains, bombs and special files in action.yml, paths out
// of the repository. Each ends quickly with a diagnostic at the calling step
// that says why the action was not inlined, and valid output.
func TestHostileLocalActions(t *testing.T) {
	fanOut := func(leaf string) map[string]localFile {
		fs := map[string]localFile{"a/l0/action.yml": composite(strings.Repeat(leaf, 30))}
		for i := 1; i <= 5; i++ {
			fs[fmt.Sprintf("a/l%d/action.yml", i)] = composite(strings.Repeat(usesStep(fmt.Sprintf("l%d", i-1)), 30))
		}
		return fs
	}
	chain := map[string]localFile{}
	for i := range 50 {
		chain[fmt.Sprintf("a/c%d/action.yml", i)] = composite(usesStep(fmt.Sprintf("c%d", i+1)))
	}
	chain["a/c50/action.yml"] = composite(runStep)
	tests := []struct {
		name  string
		files map[string]localFile
		uses  []string // the workflow's steps use these (default ./a/x)
		want  []string // substrings of error diagnostics
	}{
		{name: "uses-itself", files: map[string]localFile{"a/x/action.yml": composite(usesStep("x"), runStep)}, want: []string{"uses itself (./a/x -> ./a/x)"}},
		{name: "cycle", files: map[string]localFile{"a/x/action.yml": composite(usesStep("y")), "a/y/action.yml": composite(usesStep("z")), "a/z/action.yml": composite(usesStep("x"))},
			want: []string{"uses itself (./a/x -> ./a/y -> ./a/z -> ./a/x)"}},
		// 30^6 steps: hung (exponential) before the expansion was bounded.
		{name: "fan-out", files: fanOut(runStep), uses: []string{"./a/l5"}, want: []string{"more than 20000 steps"}},
		{name: "fan-out-absorbed-leaves", files: fanOut("    - uses: actions/checkout@v4\n"), uses: []string{"./a/l5"}, want: []string{"more than 20000 steps"}},
		// Each level passes its input thirty times to the next: 30^5 parts
		// (1.6 GB, hung) or 30 copies of a 1 MiB default per level.
		{name: "input-multiplication", files: inputFanOut("y", strings.Repeat("${{ inputs.x }}", 30)), uses: []string{"./a/l5\n        with:\n          x: ${{ github.sha }}"}, want: []string{"references to inputs", "past 1000000 parts"}},
		{name: "input-multiplication-bytes", files: inputFanOut(strings.Repeat("A", 1<<20), strings.Repeat("${{ inputs.x }}", 30)), uses: []string{"./a/l5"}, want: []string{"references to inputs", "16 MiB"}},
		{name: "input-multiplication-format", files: inputFanOut("y", "${{ format('"+strings.Repeat("{0}", 30)+"', inputs.x) }}"), uses: []string{"./a/l5\n        with:\n          x: ${{ github.sha }}"}, want: []string{"references to inputs", "past 1000000 parts"}},
		{name: "input-multiplication-condition", files: map[string]localFile{"a/x/action.yml": {data: "inputs:\n  x: {default: y}\nruns:\n  using: composite\n  steps:\n    - run: echo\n      shell: bash\n      if: format('" + strings.Repeat("{0}", 40000) + "', inputs.x) == 'a'\n"}},
			uses: []string{"./a/x\n        with:\n          x: " + strings.Repeat("${{ github.sha }}", 30)}, want: []string{"references to inputs"}},
		{name: "chain-50", files: chain, uses: []string{"./a/c0"}, want: []string{"nest deeper than 5 levels"}},
		{name: "many-uses", files: map[string]localFile{"a/x/action.yml": composite(runStep)}, uses: slices.Repeat([]string{"./a/x"}, translate.MaxInlinedActions+10), want: []string{"inlined 5000 local actions, the limit"}},
		{name: "alias-bomb", files: map[string]localFile{"a/x/action.yml": {data: strings.Replace(laughs(9), "jobs:", "runs:\n  using: composite\n  steps:\n    - run: echo\n      shell: bash\n      env:\n        X: *a8\njobs:", 1)}}, want: []string{"alias"}},
		{name: "node-bomb", files: map[string]localFile{"a/x/action.yml": composite(runStep + "      env: {" + strings.Repeat("a,", 1<<20) + "a}\n")}, want: []string{"more than 250000 nodes"}},
		{name: "too-large", files: map[string]localFile{"a/x/action.yml": composite(runStep + "# " + strings.Repeat("x", 5<<20) + "\n")}, want: []string{"too large"}},
		{name: "deep", files: map[string]localFile{"a/x/action.yml": composite(runStep + "      env:\n        X: " + strings.Repeat("[", 20000) + strings.Repeat("]", 20000) + "\n")}, want: []string{"max depth"}},
		{name: "wrong-types", files: map[string]localFile{"a/x/action.yml": {data: "inputs: [a]\nruns: 5\n"}, "a/y/action.yml": composite("    - 5\n"), "a/z/action.yml": {data: "runs:\n  using: composite\n  steps: 5\n"}, "a/w/action.yml": {data: "\x00\xff"}},
			uses: []string{"./a/x", "./a/y", "./a/z", "./a/w"}, want: []string{"cannot unmarshal", "mapping node is expected", "must be sequence", "control characters"}},
		{name: "outside", uses: []string{"./../../etc", "./..", "../x", "./a/../../.."}, want: []string{"outside the repository"}},
		{name: "symlink-out", files: map[string]localFile{"a/x": {symlink: "/etc"}, "a/y": {symlink: "../../.."}}, uses: []string{"./a/x", "./a/y"}, want: []string{"leads outside the repository"}},
		{name: "special-files", files: map[string]localFile{"a/x/action.yml": {fifo: true}, "a/y/action.yml": {symlink: "/dev/zero"}, "a/z/action.yml": {dir: true}},
			uses: []string{"./a/x", "./a/y", "./a/z"}, want: []string{"named pipe", "character device", "a directory"}},
		{name: "symlink-loop", files: map[string]localFile{"a/x/action.yml": {symlink: "action.yml"}, "a/y": {symlink: "y"}}, uses: []string{"./a/x", "./a/y"}, want: []string{"too many levels of symbolic links"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			root := t.TempDir()
			makeFiles(t, root, tc.files)
			uses := tc.uses
			if uses == nil {
				uses = []string{"./a/x"}
			}
			var wf strings.Builder
			wf.WriteString(jobHead + "  a:\n    runs-on: ubuntu-latest\n    steps:\n")
			for _, u := range uses {
				fmt.Fprintf(&wf, "      - uses: %s\n", u)
			}
			path := filepath.Join(root, ".github", "workflows", "ci.yml")
			if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(path, []byte(wf.String()), 0o644); err != nil {
				t.Fatal(err)
			}
			for _, em := range []struct {
				name string
				fn   cli.Emitter
			}{{"codecatalyst", cli.CodeCatalyst}, {"codepipeline", codePipelineEmitter}} {
				within(t, "cli.ConvertFile "+em.name, func() {
					res := cli.ConvertFile(path, config.Default(), em.fn)
					if hasRule(res.Diags, "internal") || res.Err != nil {
						t.Fatalf("internal or I/O error: %v %v", res.Err, res.Diags)
					}
					checkFiles(t, res.Files)
					if res.Files == nil {
						t.Errorf("no output: %v", res.Diags)
					}
					var errs []string
					for _, d := range res.Diags {
						if d.Severity == diag.Error && d.Rule == "local-action" {
							if d.Pos.File != path || d.Pos.Line < 6 {
								t.Errorf("diagnostic not at the calling step: %s", d)
							}
							errs = append(errs, d.Message)
						}
						if len(d.Message) > 4096 {
							t.Errorf("diagnostic message of %d bytes", len(d.Message))
						}
					}
					all := strings.Join(errs, "\n")
					for _, w := range tc.want {
						if !strings.Contains(all, w) {
							t.Errorf("no local-action error containing %q in:\n%s", w, all)
						}
					}
				})
			}
		})
	}
}

// pipelineJSON is a pipeline.json with stages of actions, each action taking
// the previous action's output artifact.
func pipelineJSON(stages, actions int) []byte {
	var b strings.Builder
	b.WriteString(`{"pipeline": {"name": "p", "roleArn": "arn:aws:iam::123456789012:role/r", "pipelineType": "V2", "artifactStore": {"type": "S3", "location": "b"}, "stages": [`)
	for s := range stages {
		if s > 0 {
			b.WriteString(",")
		}
		fmt.Fprintf(&b, `{"name": "S%d", "actions": [`, s)
		for a := range actions {
			if a > 0 {
				b.WriteString(",")
			}
			fmt.Fprintf(&b, `{"name": "a%d", "runOrder": %d, "actionTypeId": {"category": "Build", "owner": "AWS", "provider": "CodeBuild", "version": "1"}, "inputArtifacts": [{"name": "x%d_%d"}], "outputArtifacts": [{"name": "x%d_%d"}]}`, a, a+1, s, a-1, s, a)
		}
		b.WriteString("]}")
	}
	b.WriteString("]}}\n")
	return []byte(b.String())
}

// convert lint on hostile files: special files, unreadable and huge files,
// files of many tiny nodes, deep nesting, alias bombs and large pipelines.
// Each ends quickly, within the memory budget, with findings or an error
// naming the file; a file that cannot be read does not stop the others.
func TestHostileLint(t *testing.T) {
	lintBomb := strings.Replace(laughs(9), "on: push\nenv:\n", "version: 0.2\nenv:\n  variables:\n", 1)
	tests := []struct {
		name  string
		files map[string]localFile // relative to a temporary directory; "" is the directory
		args  []string             // paths relative to the directory (default: the directory)
		code  int
		want  []string // substrings of stdout+stderr
	}{
		{name: "named-pipe", files: map[string]localFile{"buildspec.yml": {fifo: true}}, args: []string{"buildspec.yml"}, code: 2, want: []string{"buildspec.yml: not a regular file: a named pipe"}},
		{name: "dev-zero", args: []string{"/dev/zero"}, code: 2, want: []string{"/dev/zero: not a regular file: a character device"}},
		{name: "bad-files-do-not-stop-others", files: map[string]localFile{
			"a/buildspec.yml": {fifo: true}, "b/buildspec.yml": {symlink: "nowhere.yml"}, "c/buildspec.yml": {symlink: "buildspec.yml"},
			"d/pipeline.json": {symlink: "/dev/zero"}, "e/buildspec.yml": {data: "version: 0.1\nphases:\n  build:\n    commands: [make]\n"},
			"f/loop": {symlink: "."}, "g/x.yml": {dir: true},
		}, code: 2, want: []string{"a/buildspec.yml: not a regular file", "b/buildspec.yml: no such file", "c/buildspec.yml: too many levels", "d/pipeline.json: not a regular file", "e/buildspec.yml:1:10: warning"}},
		{name: "too-large", files: map[string]localFile{"buildspec.yml": {data: "version: 0.2\n# " + strings.Repeat("x", 9<<20) + "\n"}}, code: 2, want: []string{"buildspec.yml: file is too large"}},
		{name: "many-nodes", files: map[string]localFile{"pipeline.json": {data: `{"pipeline": {"name": "p", "stages": [` + strings.Repeat("1,", 3<<20) + "1]}}"}}, code: 1, want: []string{"pipeline.json:1:", "more than 500000 YAML nodes"}},
		{name: "many-nodes-yaml", files: map[string]localFile{"wf.yaml": {data: "Name: x\nSchemaVersion: \"1.0\"\nActions:\n" + strings.Repeat("a:\n", 2<<20)}}, args: []string{"wf.yaml"}, code: 1, want: []string{"wf.yaml:", "more than 500000 YAML nodes"}},
		// Unparsable (too deep): reported, not passed over as unrecognized.
		{name: "deep-json-100000", files: map[string]localFile{"pipeline.json": {data: `{"pipeline": {"name": "p", "stages": ` + strings.Repeat("[", 100000) + strings.Repeat("]", 100000) + "}}"}}, code: 1, want: []string{"pipeline.json:1:", "max depth"}},
		{name: "deep-buildspec", files: map[string]localFile{"buildspec.yml": {data: "version: 0.2\nphases:\n  build:\n    commands: " + strings.Repeat("{a: ", 20000) + "1" + strings.Repeat("}", 20000) + "\n"}}, code: 1, want: []string{"buildspec.yml:4:", "max depth"}},
		{name: "huge-numbers", files: map[string]localFile{"pipeline.json": {data: `{"pipeline": {"name": "x", "version": 1` + strings.Repeat("0", 1<<20) + `, "roleArn": 1e99999999, "stages": [{"name": "S", "actions": [{"name": "a", "runOrder": 1e400, "timeoutInMinutes": -1e400, "actionTypeId": {"category": "Build", "owner": "AWS", "provider": "CodeBuild", "version": "1"}}]}]}}`}}, code: 1, want: []string{"pipeline.json:1:"}},
		{name: "alias-bomb-buildspec", files: map[string]localFile{"buildspec.yml": {data: lintBomb + "phases:\n  build:\n    commands: *a8\n    finally: *a8\n"}}, code: 1, want: []string{"buildspec.yml:"}},
		{name: "alias-bomb-codecatalyst", files: map[string]localFile{".codecatalyst/workflows/w.yaml": {data: strings.Replace(laughs(9), "on: push\nenv:", "Name: x\nSchemaVersion: \"1.0\"\nX:", 1) + "Actions:\n  a:\n    Identifier: aws/build@v1\n    DependsOn: *a8\n    Configuration:\n      Steps: *a8\n"}}, code: 1, want: []string{"w.yaml:"}},
		// 15,000 actions (480,000 nodes, under the limit): the input
		// artifact check scanned every action per input (1.4 s here; 25,000
		// actions took 10 s before the node limit).
		{name: "pipeline-15000-actions", files: map[string]localFile{"pipeline.json": {data: string(pipelineJSON(300, 50))}}, code: 1, want: []string{"pipeline.json:1:"}},
		{name: "codecatalyst-20000-actions", files: map[string]localFile{".codecatalyst/workflows/w.yaml": {data: func() string {
			var b strings.Builder
			b.WriteString("Name: x\nSchemaVersion: \"1.0\"\nActions:\n")
			for i := range 20000 {
				fmt.Fprintf(&b, "  a%d:\n    Identifier: aws/build@v1\n    DependsOn: [a%d]\n    Configuration:\n      Steps:\n        - Run: echo\n", i, (i+1)%20000)
			}
			return b.String()
		}()}}, code: 1, want: []string{"dependency cycle"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			makeFiles(t, dir, tc.files)
			args := []string{"lint", "--format", "text"}
			if tc.args == nil {
				args = append(args, dir)
			}
			for _, a := range tc.args {
				if !filepath.IsAbs(a) {
					a = filepath.Join(dir, a)
				} else if _, err := os.Stat(a); err != nil {
					t.Skipf("%s: %v", a, err)
				}
				args = append(args, a)
			}
			var stdout, stderr bytes.Buffer
			code := -1
			within(t, "lint", func() { code = cli.Run(args, &stdout, &stderr) })
			out := stdout.String() + stderr.String()
			if code != tc.code {
				t.Errorf("exit %d, want %d:\n%.2000s", code, tc.code, out)
			}
			if strings.Contains(out, "panic") || strings.Contains(out, "goroutine ") {
				t.Errorf("panic:\n%.2000s", out)
			}
			for _, w := range tc.want {
				if !strings.Contains(out, w) {
					t.Errorf("output lacks %q:\n%.2000s", w, out)
				}
			}
		})
	}
}

const okWorkflow = "on: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo hi\n"

// fsCase is a hostile file-system situation for the convert and audit
// commands: files set up in a temporary directory (the working directory
// of the run), the arguments, and what must come of it.
type fsCase struct {
	name  string
	files map[string]localFile // relative to the directory
	args  []string             // the subcommand and its arguments
	code  int
	// stderr holds each of these.
	stderr []string
	// exist and absent are paths (relative) that must exist or not after
	// the run; same are files (relative) whose content must not change.
	exist, absent, same []string
}

// Hostile file-system inputs: special files and links among the inputs,
// file names that give unsafe or colliding output names, output paths that
// are links, directories or special files, and an --out that is a file.
// Each ends quickly with valid output or an error naming the file; nothing is
// written outside --out, no temporary file is left behind, and no file that
// actionport did not generate is replaced without --force.
func TestHostileFileSystem(t *testing.T) {
	hand := localFile{data: "# my own file\nversion: 0.2\n"}
	tests := []fsCase{
		{name: "fifo-path", files: map[string]localFile{"f.yml": {fifo: true}}, args: []string{"codecatalyst", "--out", "out", "f.yml"}, code: 2,
			stderr: []string{"reading f.yml: not a regular file: a named pipe"}, absent: []string{"out"}},
		{name: "fifo-in-dir", files: map[string]localFile{"w/f.yml": {fifo: true}, "w/ok.yml": {data: okWorkflow}}, args: []string{"codecatalyst", "--out", "out", "w"}, code: 2,
			stderr: []string{"w/f.yml: not a regular file: a named pipe"}, exist: []string{"out/ok.yaml"}},
		{name: "dev-zero", args: []string{"codepipeline", "--out", "out", "/dev/zero"}, code: 2, stderr: []string{"/dev/zero: not a regular file: a character device"}, absent: []string{"out"}},
		{name: "directory-named-yml", files: map[string]localFile{"w/x.yml": {dir: true}, "w/ok.yml": {data: okWorkflow}}, args: []string{"codecatalyst", "--out", "out", "w"}, code: 0,
			exist: []string{"out/ok.yaml"}, absent: []string{"out/x.yaml"}},
		{name: "links-in-dir", files: map[string]localFile{"w/ok.yml": {data: okWorkflow}, "w/dangling.yml": {symlink: "nowhere.yml"}, "w/loop.yml": {symlink: "loop.yml"},
			"w/up": {symlink: ".."}, "w/dirlink.yml": {symlink: "."}, "w/zero.yml": {symlink: "/dev/zero"}}, args: []string{"codecatalyst", "--out", "out", "w"}, code: 2,
			stderr: []string{"w/dangling.yml: no such file", "w/loop.yml: too many levels of symbolic links", "w/dirlink.yml: not a regular file: a directory", "w/zero.yml: not a regular file: a character device"},
			exist:  []string{"out/ok.yaml"}},
		{name: "odd-names", files: map[string]localFile{"w/sp ace.yml": {data: okWorkflow}, "w/-dash.yml": {data: okWorkflow}, "w/" + strings.Repeat("L", 240) + ".yml": {data: okWorkflow}, "w/\u05d0\u202e.yml": {data: okWorkflow}},
			args: []string{"codepipeline", "--out", "out", "w"}, code: 0,
			exist: []string{"out/sp ace/template.yaml", "out/-dash/pipeline.json", "out/" + strings.Repeat("L", 240) + "/buildspec-build.yml", "out/\u05d0\u202e/template.yaml"}},
		{name: "long-name", files: map[string]localFile{"w/" + strings.Repeat("L", 250) + ".yml": {data: okWorkflow}}, args: []string{"codecatalyst", "--out", "out", "w"}, code: 0,
			exist: []string{"out/" + strings.Repeat("L", 250) + ".yaml"}},
		{name: "too-long-name", files: map[string]localFile{"w/" + strings.Repeat("L", 251) + ".yml": {data: okWorkflow}}, args: []string{"codecatalyst", "--out", "out", "w"}, code: 2,
			stderr: []string{strings.Repeat("L", 251) + ".yaml"}},
		{name: "yml-and-yaml", files: map[string]localFile{"w/a.yml": {data: okWorkflow}, "w/a.yaml": {data: okWorkflow}, "w/b.yml": {data: okWorkflow}}, args: []string{"codecatalyst", "--out", "out", "w"}, code: 2,
			stderr: []string{"w/a.yaml and w/a.yml would be converted to the same output"}, absent: []string{"out"}},
		{name: "case-only", files: map[string]localFile{"w/CI.yml": {data: okWorkflow}, "v/ci.yml": {data: okWorkflow}}, args: []string{"codepipeline", "--out", "out", "w", "v"}, code: 2,
			stderr: []string{"v/ci.yml and w/CI.yml would be converted to the same output"}, absent: []string{"out"}},
		{name: "same-file-twice", files: map[string]localFile{"w/ci.yml": {data: okWorkflow}}, args: []string{"codecatalyst", "--out", "out", "w", "w/ci.yml", "./w/ci.yml"}, code: 0, exist: []string{"out/ci.yaml"}},
		// "...yml" made codepipeline write out/../template.yaml.
		{name: "dot-names", files: map[string]localFile{"w/...yml": {data: okWorkflow}, "w/..yml": {data: okWorkflow}, "w/.yml": {data: okWorkflow}}, args: []string{"codepipeline", "--out", "sub/out", "w"}, code: 2,
			stderr: []string{`w/...yml: the base name ".." gives no usable output name`, `w/..yml: the base name "."`, `w/.yml: the base name ""`}, absent: []string{"sub", "template.yaml"}},
		{name: "unsafe-path-text", files: map[string]localFile{"w/new\nline.yml": {data: okWorkflow}, "w/bad\xff.yml": {data: okWorkflow}, "w/ls\u2028x.yml": {data: okWorkflow}, "w/nel\u0085.yml": {data: okWorkflow}},
			args: []string{"codecatalyst", "--out", "out", "w"}, code: 2,
			stderr: []string{`"w/new\nline.yml": the path holds the character U+000A`, `"w/bad\xff.yml": the path is not valid UTF-8`, `the path holds the character U+2028`, `the path holds the character U+0085`}, absent: []string{"out"}},
		{name: "out-is-a-file", files: map[string]localFile{"ci.yml": {data: okWorkflow}, "outfile": {data: "mine\n"}}, args: []string{"codecatalyst", "--out", "outfile", "ci.yml"}, code: 2,
			stderr: []string{"outfile"}, same: []string{"outfile"}},
		{name: "out-file-for-codepipeline", files: map[string]localFile{"ci.yml": {data: okWorkflow}, "out/ci": {data: "mine\n"}}, args: []string{"codepipeline", "--out", "out", "ci.yml"}, code: 2,
			stderr: []string{"out/ci"}, same: []string{"out/ci"}},
		{name: "output-is-symlink-to-hand-written", files: map[string]localFile{"ci.yml": {data: okWorkflow}, "elsewhere.yaml": hand, "out/ci.yaml": {symlink: "../elsewhere.yaml"}}, args: []string{"codecatalyst", "--out", "out", "ci.yml"}, code: 2,
			stderr: []string{"out/ci.yaml", "--force"}, same: []string{"elsewhere.yaml"}},
		{name: "output-is-symlink-forced", files: map[string]localFile{"ci.yml": {data: okWorkflow}, "elsewhere.yaml": hand, "out/ci.yaml": {symlink: "../elsewhere.yaml"}}, args: []string{"codecatalyst", "--force", "--out", "out", "ci.yml"}, code: 0,
			same: []string{"elsewhere.yaml"}, exist: []string{"out/ci.yaml"}},
		{name: "output-is-directory", files: map[string]localFile{"ci.yml": {data: okWorkflow}, "out/ci.yaml": {dir: true}}, args: []string{"codecatalyst", "--force", "--out", "out", "ci.yml"}, code: 2,
			stderr: []string{"out/ci.yaml"}},
		{name: "output-is-fifo", files: map[string]localFile{"ci.yml": {data: okWorkflow}, "out/ci.yaml": {fifo: true}}, args: []string{"codecatalyst", "--out", "out", "ci.yml"}, code: 2,
			stderr: []string{"out/ci.yaml: not a regular file: a named pipe", "--force"}},
		{name: "hand-written-buildspec", files: map[string]localFile{"ci.yml": {data: okWorkflow}, "out/ci/buildspec-build.yml": hand}, args: []string{"codepipeline", "--out", "out", "ci.yml"}, code: 2,
			stderr: []string{"out/ci/buildspec-build.yml", "--force"}, same: []string{"out/ci/buildspec-build.yml"}},
		{name: "check-output-is-directory", files: map[string]localFile{"ci.yml": {data: okWorkflow}, "out/ci.yaml": {dir: true}}, args: []string{"codecatalyst", "--check", "--out", "out", "ci.yml"}, code: 1},
		{name: "audit-hand-written-report", files: map[string]localFile{"r/.github/workflows/ok.yml": {data: okWorkflow}, "out/audit.json": {data: "{\"mine\": 1}\n"}}, args: []string{"audit", "--out", "out", "r"}, code: 2,
			stderr: []string{"out/audit.json exists and was not written by convert audit"}, same: []string{"out/audit.json"}, absent: []string{"out/audit_summary.md"}},
		{name: "audit-out-is-a-file", files: map[string]localFile{"r/.github/workflows/ok.yml": {data: okWorkflow}, "outfile": {data: "mine\n"}}, args: []string{"audit", "--out", "outfile", "r"}, code: 2,
			stderr: []string{"outfile"}, same: []string{"outfile"}},
		{name: "audit-special-files", files: map[string]localFile{"r/.github/workflows/f.yml": {fifo: true}, "r/.github/workflows/z.yml": {symlink: "/dev/zero"}, "r/.github/workflows/ok.yml": {data: okWorkflow},
			"r/.github/workflows/loop": {symlink: "."}, "r/sub/up": {symlink: "../.."}, "r/.github/workflows/d.yml": {dir: true}}, args: []string{"audit", "--out", "out", "r"}, code: 0,
			exist: []string{"out/audit.json", "out/audit_summary.md", "out/workflow_usage.csv"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			t.Chdir(dir)
			makeFiles(t, "", tc.files)
			before := map[string][]byte{}
			for _, p := range tc.same {
				before[p], _ = os.ReadFile(p)
			}
			var args []string
			for _, a := range tc.args {
				if strings.HasPrefix(a, "/") {
					if _, err := os.Stat(a); err != nil {
						t.Skipf("%s: %v", a, err)
					}
				}
				args = append(args, strings.ReplaceAll(a, "out", "out"))
			}
			var stdout, stderr bytes.Buffer
			code := -1
			within(t, "cli.Run", func() { code = cli.Run(args, &stdout, &stderr) })
			if code != tc.code {
				t.Errorf("exit %d, want %d:\n%.3000s", code, tc.code, stderr.String())
			}
			if strings.Contains(stderr.String(), "panic") || strings.Contains(stderr.String(), "internal error") {
				t.Errorf("panic or internal error:\n%.3000s", stderr.String())
			}
			for _, w := range tc.stderr {
				if !strings.Contains(stderr.String(), strings.ReplaceAll(w, "out", "out")) {
					t.Errorf("stderr lacks %q:\n%.3000s", w, stderr.String())
				}
			}
			for _, p := range tc.exist {
				if _, err := os.Lstat(strings.ReplaceAll(p, "out", "out")); err != nil {
					t.Errorf("missing: %v", err)
				}
			}
			for _, p := range tc.absent {
				if _, err := os.Lstat(strings.ReplaceAll(p, "out", "out")); err == nil {
					t.Errorf("%s was written", p)
				}
			}
			for _, p := range tc.same {
				if got, _ := os.ReadFile(p); !bytes.Equal(got, before[p]) {
					t.Errorf("%s changed:\n%s", p, got)
				}
			}
			// Nothing but the inputs outside the output directory; no
			// temporary file, and only whole generated files, inside.
			_ = filepath.WalkDir(".", func(p string, d os.DirEntry, err error) error {
				if err != nil || p == "." {
					return nil
				}
				if !setUpOrOut(filepath.ToSlash(p), tc.files) {
					t.Errorf("written outside --out: %s", p)
				}
				if strings.Contains(d.Name(), ".tmp-") {
					t.Errorf("temporary file left behind: %s", p)
				}
				return nil
			})
			if st, err := os.Lstat("out"); err == nil && st.IsDir() && tc.args[0] != "audit" {
				checkOutTree(t, "out", tc.files)
			}
		})
	}
}

// setUpOrOut reports whether p is in the output directory ("out") or is
// one of the files a case set up, or a directory of them.
func setUpOrOut(p string, files map[string]localFile) bool {
	if p == "out" || strings.HasPrefix(p, "out/") {
		return true
	}
	for k := range files {
		if k == p || strings.HasPrefix(k, p+"/") || strings.HasPrefix(p, k+"/") {
			return true
		}
	}
	return false
}

// checkOutTree is checkOutDir for an output directory that may hold special
// files and hand-written files the case set up (those are not checked).
func checkOutTree(t *testing.T, out string, setup map[string]localFile) {
	t.Helper()
	_ = filepath.WalkDir(out, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return nil
		}
		if _, ok := setup[filepath.ToSlash(p)]; ok || !d.Type().IsRegular() {
			return nil
		}
		data, err := os.ReadFile(p)
		if err != nil {
			t.Errorf("%s: %v", p, err)
			return nil
		}
		if err := validDocument(p, data); err != nil {
			t.Errorf("%s: %v", p, err)
		}
		return nil
	})
}
