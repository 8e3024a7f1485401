package translate

import (
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"
)

// dumpValue writes a deterministic, complete rendering of v: every field
// (exported or not), map entries in sorted order, and pointers followed once
// (a pointer seen again is written as a back reference, so that a change in
// sharing between IR nodes shows up as well as a change in values).
func dumpValue(b *strings.Builder, v reflect.Value, seen map[uintptr]int, indent string) {
	switch v.Kind() {
	case reflect.Invalid:
		b.WriteString("<invalid>")
	case reflect.Pointer:
		if v.IsNil() {
			b.WriteString("nil")
			return
		}
		if id, ok := seen[v.Pointer()]; ok {
			fmt.Fprintf(b, "<same as #%d>", id)
			return
		}
		id := len(seen) + 1
		seen[v.Pointer()] = id
		fmt.Fprintf(b, "#%d&", id)
		dumpValue(b, v.Elem(), seen, indent)
	case reflect.Interface:
		if v.IsNil() {
			b.WriteString("nil")
			return
		}
		fmt.Fprintf(b, "(%s)", v.Elem().Type())
		dumpValue(b, v.Elem(), seen, indent)
	case reflect.Struct:
		fmt.Fprintf(b, "%s{\n", v.Type())
		for i := 0; i < v.NumField(); i++ {
			fmt.Fprintf(b, "%s  %s: ", indent, v.Type().Field(i).Name)
			dumpValue(b, v.Field(i), seen, indent+"  ")
			b.WriteString("\n")
		}
		b.WriteString(indent + "}")
	case reflect.Slice, reflect.Array:
		if v.Kind() == reflect.Slice && v.IsNil() {
			b.WriteString("nil")
			return
		}
		if v.Type().Elem().Kind() == reflect.Uint8 {
			fmt.Fprintf(b, "bytes%q", v.Bytes())
			return
		}
		fmt.Fprintf(b, "[%d]{\n", v.Len())
		for i := 0; i < v.Len(); i++ {
			b.WriteString(indent + "  ")
			dumpValue(b, v.Index(i), seen, indent+"  ")
			b.WriteString("\n")
		}
		b.WriteString(indent + "}")
	case reflect.Map:
		if v.IsNil() {
			b.WriteString("nil")
			return
		}
		type kv struct{ k, v string }
		var entries []kv
		for it := v.MapRange(); it.Next(); {
			var kb, vb strings.Builder
			dumpValue(&kb, it.Key(), map[uintptr]int{}, "")
			dumpValue(&vb, it.Value(), seen, indent+"  ")
			entries = append(entries, kv{kb.String(), vb.String()})
		}
		sort.Slice(entries, func(i, j int) bool { return entries[i].k < entries[j].k })
		b.WriteString("map{\n")
		for _, e := range entries {
			fmt.Fprintf(b, "%s  %s: %s\n", indent, e.k, e.v)
		}
		b.WriteString(indent + "}")
	case reflect.String:
		fmt.Fprintf(b, "%q", v.String())
	case reflect.Bool:
		fmt.Fprintf(b, "%t", v.Bool())
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		fmt.Fprintf(b, "%d", v.Int())
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		fmt.Fprintf(b, "%d", v.Uint())
	case reflect.Float32, reflect.Float64:
		fmt.Fprintf(b, "%v", v.Float())
	case reflect.Func:
		fmt.Fprintf(b, "func(nil=%t)", v.IsNil())
	default:
		fmt.Fprintf(b, "<%s>", v.Kind())
	}
}

// dumpTranslation renders Translate's whole result for one file.
func dumpTranslation(path string, src []byte, opts Options) string {
	w, ds := Translate(path, src, opts)
	var b strings.Builder
	seen := map[uintptr]int{}
	b.WriteString("== " + path + "\n")
	dumpValue(&b, reflect.ValueOf(w), seen, "")
	b.WriteString("\n")
	dumpValue(&b, reflect.ValueOf(ds), seen, "")
	b.WriteString("\n")
	return b.String()
}

// TestDumpIR writes the full IR and diagnostics of every corpus file to
// $IR_DUMP, for diffing the front end's results before and after a change
// that must not alter them.
func TestDumpIR(t *testing.T) {
	out := os.Getenv("IR_DUMP")
	if out == "" {
		t.Skip("set IR_DUMP=file to write the dump")
	}
	var b strings.Builder
	for _, f := range corpusFiles(t) {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		b.WriteString(dumpTranslation(f, src, Options{}))
	}
	for _, glob := range []string{"../../testdata/*/*.y*ml", "../lint/testdata/*.y*ml", "../emit/*/testdata/*.y*ml", "../../examples/*/*.y*ml", "../../examples/*/*/*.y*ml"} {
		files, _ := filepath.Glob(glob)
		for _, f := range files {
			src, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			b.WriteString(dumpTranslation(f, src, Options{RepoRoot: "../.."}))
		}
	}
	for i, src := range exprWorkflows() {
		b.WriteString(dumpTranslation(fmt.Sprintf("synthetic-%d.yml", i), []byte(src), Options{}))
	}
	if err := os.WriteFile(out, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
}

// exprEdgeCases are expressions whose parse must not change: paths in every
// spelling the lexer accepts, and near misses that it rejects or parses as
// something else.
var exprEdgeCases = []string{
	"a.b", "a['b']", "a.*", "a.b-c", "a-b.c_d", "_a.b", " a . b ", "a .b", "a. b", "\ta.b\n", "a.b ", "  a.b",
	"1", "'x'", "''", "'it''s'", "a.b == 'c'", "fromJSON(x)", "fromJSON(x).y", "a.", ".a", "a..b", "a.1", "a.-b",
	"a.b.c.d.e.f", "SECRETS.Npm_Token", "secrets.NPM_TOKEN", "Secrets.npm_token", "github.event.inputs.Name",
	"github.Event.Inputs.NAME", "matrix.os", "matrix.OS", "matrix.node-version", "matrix.include", "matrix.a.b",
	"needs.build.outputs.VERSION", "needs.Build.result", "steps.s1.outputs.x", "steps.s1.Outcome", "steps.s1.conclusion",
	"env.FOO", "vars.Region", "inputs.x", "runner.os", "job.status", "strategy.job-index", "github.ref",
	"true", "false", "null", "true.x", "null.a", "TRUE", "Null.x", "x", "X", "a.b.*", "a[0]", "a.b[1]",
	"a.b}", "a.b } }", "a.b}x}", "a.b ||", "a.b && c.d", "!a.b", "(a.b)", "a.b()", "a (b)", "a.b c.d",
	"é.b", "a.é", "a.b\u00e9", "a.b\x00", "\ufeffa.b", "a\u00a0.b", "0x1F", "-1", "1.5e3", "a.b'", "'a.b",
	"a.b-", "a.b--c", "a-.b", "a.b\r\n", "}}", "", " ",
}

// exprWorkflows places every edge case in values and conditions, followed by
// text of several kinds (the character after }} is read by the lexer).
func exprWorkflows() []string {
	var out []string
	for _, tail := range []string{"", " x", "\u00e9", "\x00", "\xff", "}}", "${{ github.sha }}"} {
		var b strings.Builder
		b.WriteString("on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    strategy:\n      matrix:\n        os: [linux, mac]\n        node-version: [20]\n        a: [{b: 1}]\n    steps:\n")
		for i, e := range exprEdgeCases {
			v := fmt.Sprintf("${{ %s }}%s", e, tail)
			fmt.Fprintf(&b, "      - id: s%d\n        run: %q\n        if: %q\n        env:\n          A: %q\n          B: %q\n", i, v, e+tail, "${{"+e+"}}", "x ${{ "+e+" }} y ${{ "+e+" }}"+tail)
		}
		out = append(out, b.String())
	}
	return out
}
