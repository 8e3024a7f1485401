package shell

import (
	"strings"
	"testing"

	"github.com/actionport/actionport/internal/ir"
	"github.com/actionport/actionport/internal/translate"
)

// psUnquote reads a PowerShell single-quoted string as PowerShell's
// tokenizer does: the string ends at a quote (any of the typographic
// single quotes too) that is not doubled; a doubled quote is one quote.
// ok is false when s is not exactly one such string.
func psUnquote(s string) (string, bool) {
	rs := []rune(s)
	if len(rs) < 2 || rs[0] != '\'' {
		return "", false
	}
	var b strings.Builder
	for i := 1; i < len(rs); i++ {
		if !isPSSingle(rs[i]) {
			b.WriteRune(rs[i])
			continue
		}
		if i+1 < len(rs) && isPSSingle(rs[i+1]) {
			b.WriteRune(rs[i+1])
			i++
			continue
		}
		return b.String(), i == len(rs)-1 // the closing quote ends s
	}
	return "", false // never closed
}

func TestPSQuote(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"", "''"},
		{"plain", "'plain'"},
		{"it's", "'it''s'"},
		{"''", "''''''"},
		{"$HOME and ${env:PATH}", "'$HOME and ${env:PATH}'"},
		{"$(whoami)", "'$(whoami)'"},
		{"back`tick `n", "'back`tick `n'"},
		{"two\nlines\r\n", "'two\nlines\r\n'"},
		{"smart \u2018quotes\u2019 \u201Adone\u201B", "'smart \u2018\u2018quotes\u2019\u2019 \u201A\u201Adone\u201B\u201B'"},
		{`"double" @' '@`, `'"double" @'' ''@'`},
		{"'; Remove-Item -Recurse C:\\ ; '", "'''; Remove-Item -Recurse C:\\ ; '''"},
	} {
		got := PSQuote(tc.in)
		if got != tc.want {
			t.Errorf("PSQuote(%q) = %q, want %q", tc.in, got, tc.want)
		}
		back, ok := psUnquote(got)
		if !ok || back != tc.in {
			t.Errorf("PSQuote(%q) = %q reads back as %q (one string: %v)", tc.in, got, back, ok)
		}
		// Nothing in a single-quoted string is code: the lexer stays in
		// the string until its end.
		l := psLex{}
		l.feed(got)
		if l.context() != psCode {
			t.Errorf("PSQuote(%q) = %q leaves the lexer in mode %d", tc.in, got, l.mode)
		}
	}
}

func TestPSLexContext(t *testing.T) {
	for _, tc := range []struct {
		before string
		want   int
	}{
		{"Write-Host ", psCode},
		{"Write-Host '", psSingle},
		{"Write-Host 'it''s ", psSingle},
		{"Write-Host 'done'", psCode},
		{"Write-Host 'done' ", psCode},
		{`Write-Host "`, psDouble},
		{"Write-Host \"a`\" ", psDouble},
		{`Write-Host "a "" b `, psDouble},
		{`Write-Host "a" `, psCode},
		{"$x = @'\nline ", psHereSingle},
		{"$x = @'\nline\n'@\n", psCode},
		{"$x = @\"\nline ", psHereDouble},
		{"$x = @\"\nline\n\"@ ", psCode},
		{"# comment ", psLineComment},
		{"# it's a comment\n", psCode},
		{"<# block 'x\n", psBlockComment},
		{"<# block #> ", psCode},
		{"a#b ", psCode},
		{"Write-Host \u2018smart ", psSingle},
		{"$h = @{ a = 1 }; ", psCode},
		{"echo `' ", psCode},
	} {
		l := psLex{}
		l.feed(tc.before)
		if got := l.context(); got != tc.want {
			t.Errorf("after %q: mode %d, want %d", tc.before, got, tc.want)
		}
	}
}

func TestPSText(t *testing.T) {
	if got := psText("a\nb"); got != "@'\na\nb\n'@" {
		t.Errorf("psText: %q", got)
	}
	// A line that would end the here-string: a quoted string instead.
	for _, s := range []string{"x = @'\nin\n'@", "  '@", "\u2019@"} {
		got := psText(s)
		back, ok := psUnquote(got)
		if !ok || back != s {
			t.Errorf("psText(%q) = %q", s, got)
		}
	}
}

// psJob translates a workflow and renders its first job for PowerShell,
// with every reference but env a variable of the same name.
func psJob(t *testing.T, wf string) (*Renderer, [][]Command) {
	t.Helper()
	w, ds := translate.Translate("t.yml", []byte(wf), translate.Options{})
	if w == nil {
		t.Fatal(ds)
	}
	r := &Renderer{Job: w.Jobs[0], Windows: true, PS: func(ref *ir.Ref) (PSRef, bool) {
		switch ref.Kind {
		case ir.RefContext:
			if ref.Name == "runner.os" {
				return PSRef{Lit: "Windows", IsLit: true}, true
			}
			return PSRef{Env: "CTX_" + envName(ref.Name)}, true
		case ir.RefSecret:
			return PSRef{Env: "AP_SECRET_" + ref.Name}, true
		}
		return PSRef{}, false
	}}
	steps := r.PowerShell(nil)
	// Every command leaves no string or here-string open.
	for i, cmds := range steps {
		for _, c := range cmds {
			l := psLex{}
			l.feed(c.Text)
			if m := l.context(); m != psCode {
				t.Errorf("step %d: the command ends in lexer mode %d:\n%s", i, m, c.Text)
			}
		}
	}
	return r, steps
}

func TestPowerShellSteps(t *testing.T) {
	r, steps := psJob(t, `on:
  push:
    branches: [main, dev]
jobs:
  j:
    runs-on: windows-latest
    steps:
      - name: refs
        env:
          TOKEN: ${{ secrets.T }}
          LIT: it's $(whoami)
        run: |
          Write-Host "sha ${{ github.sha }} on ${{ runner.os }}"
          Write-Host 'os ${{ runner.os }}'
          Write-Host 'sha ${{ github.sha }}'
          # comment ${{ github.sha }}
      - if: runner.os == 'Linux'
        run: never
      - if: github.ref_name == 'main'
        continue-on-error: true
        run: Write-Host main
      - if: failure()
        run: Write-Host failed
      - run: |
          echo "a=1" >> $env:GITHUB_ENV
          $x = @'
          '@
      - shell: cmd
        run: echo ${{ github.sha }} ${{ runner.os }}
`)
	if len(steps) != 6 {
		t.Fatalf("%d steps", len(steps))
	}
	refs := steps[0][0].Text
	for _, want := range []string{
		`$env:TOKEN = "$env:AP_SECRET_T"`,
		`$env:LIT = 'it''s $(whoami)'`,
		`Write-Host "sha ${env:CTX_github_sha} on Windows"`,
		`Write-Host 'os Windows'`,
		`# comment ${env:CTX_github_sha}`,
		`& $ap_shell -command ". '$ap_script'"`,
		`throw "actionport: the step failed`,
	} {
		if !strings.Contains(refs, want) {
			t.Errorf("step refs lacks %q:\n%s", want, refs)
		}
	}
	if steps[1] != nil {
		t.Errorf("a step whose condition is false here is rendered: %v", steps[1])
	}
	main := steps[2][0].Text
	if !strings.HasPrefix(main, `if (("$env:CTX_github_ref_name") -eq ('main')) {`) || !strings.Contains(main, "continue-on-error") || strings.Contains(main, "throw") {
		t.Errorf("conditional continue-on-error step:\n%s", main)
	}
	if steps[3] != nil {
		t.Errorf("a failure() step is rendered: %v", steps[3])
	}
	// The script has a line that ends a here-string: a quoted string.
	if env := steps[4][0].Text; !strings.Contains(env, "WriteAllText($ap_script, '$ErrorActionPreference = ''stop''") || !strings.Contains(env, "$env:GITHUB_ENV = [IO.Path]::GetTempFileName()") {
		t.Errorf("GITHUB_ENV step:\n%s", env)
	}
	if cmd := steps[5][0].Text; !strings.Contains(cmd, "echo %AP_EXPR_1% Windows") || !strings.Contains(cmd, `$env:AP_EXPR_1 = "$env:CTX_github_sha"`) {
		t.Errorf("cmd step:\n%s", cmd)
	}
	var msgs []string
	for _, is := range r.Issues {
		if is.Error {
			msgs = append(msgs, is.Msg)
		}
	}
	all := strings.Join(msgs, "\n")
	for _, want := range []string{"${{ github.sha }} is inside single quotes", "failure()", "writes GITHUB_ENV"} {
		if !strings.Contains(all, want) {
			t.Errorf("no error about %q in:\n%s", want, all)
		}
	}
	if len(msgs) != 3 {
		t.Errorf("%d errors, want 3:\n%s", len(msgs), all)
	}
}

func TestPSCond(t *testing.T) {
	r := &Renderer{Job: &ir.Job{}, PS: func(ref *ir.Ref) (PSRef, bool) {
		if ref.Name == "runner.os" {
			return PSRef{Lit: "Windows", IsLit: true}, true
		}
		return PSRef{Env: "X"}, true
	}}
	ctx := func(name string) ir.Operand { return ir.Operand{Ref: &ir.Ref{Kind: ir.RefContext, Name: name}} }
	lit := func(s string) ir.Operand { return ir.Operand{Lit: s} }
	for _, tc := range []struct {
		c            *ir.Cond
		expr         string
		value, known bool
	}{
		{&ir.Cond{Op: ir.CondEq, Left: ctx("runner.os"), Right: lit("windows")}, "", true, true},
		{&ir.Cond{Op: ir.CondNe, Left: ctx("runner.os"), Right: lit("Windows")}, "", false, true},
		{&ir.Cond{Op: ir.CondEq, Left: ctx("github.ref"), Right: lit("it's")}, `("$env:X") -eq ('it''s')`, false, false},
		{&ir.Cond{Op: ir.CondStartsWith, Left: ctx("github.ref"), Right: lit("refs/tags/")}, `("$env:X").StartsWith('refs/tags/', [StringComparison]::OrdinalIgnoreCase)`, false, false},
		{&ir.Cond{Op: ir.CondContains, Left: ctx("github.ref"), Right: lit("$(x)")}, `("$env:X").IndexOf('$(x)', [StringComparison]::OrdinalIgnoreCase) -ge 0`, false, false},
		{&ir.Cond{Op: ir.CondTruthy, Left: ctx("github.ref")}, `("$env:X") -cnotin @('', 'false', '0')`, false, false},
		// A configuration variable is a string: 'false' is true, as on GitHub.
		{&ir.Cond{Op: ir.CondTruthy, Left: ir.Operand{Ref: &ir.Ref{Kind: ir.RefVar, Name: "V"}}}, `("$env:X") -cne ''`, false, false},
		{&ir.Cond{Op: ir.CondAnd, Args: []*ir.Cond{{Op: ir.CondSuccess}, {Op: ir.CondTruthy, Left: ctx("github.ref")}}}, `(("$env:X") -cnotin @('', 'false', '0'))`, false, false},
		{&ir.Cond{Op: ir.CondOr, Args: []*ir.Cond{{Op: ir.CondEq, Left: ctx("runner.os"), Right: lit("Windows")}, {Op: ir.CondTruthy, Left: ctx("github.ref")}}}, "", true, true},
		{&ir.Cond{Op: ir.CondNot, Args: []*ir.Cond{{Op: ir.CondTruthy, Left: ctx("github.ref")}}}, `-not (("$env:X") -cnotin @('', 'false', '0'))`, false, false},
	} {
		e, v, k := r.psCond(tc.c, true, false)
		if e != tc.expr || v != tc.value || k != tc.known {
			t.Errorf("psCond(%s) = %q, %v, %v; want %q, %v, %v", tc.c.Expr(), e, v, k, tc.expr, tc.value, tc.known)
		}
	}
	if len(r.Issues) != 0 {
		t.Errorf("issues: %v", r.Issues)
	}
	// A step after a failure: reported, decided as if no step failed.
	for _, c := range []*ir.Cond{{Op: ir.CondAlways}, {Op: ir.CondFailure}, {Op: ir.CondNot, Args: []*ir.Cond{{Op: ir.CondCancelled}}}} {
		r.Issues = nil
		r.psCond(c, true, false)
		if len(r.Issues) != 1 || !r.Issues[0].Error {
			t.Errorf("%s: issues %v", c.Expr(), r.Issues)
		}
		r.Issues = nil
		r.psCond(c, false, false) // a job's condition: its needs succeeded
		if len(r.Issues) != 0 {
			t.Errorf("job condition %s: issues %v", c.Expr(), r.Issues)
		}
	}
}
