package referee

import (
	"fmt"
	"io"
	"testing"

	"github.com/rhysd/actionlint"
)

// Actionlint lints one GitHub Actions workflow with the actionlint library
// (the version pinned in go.mod) and returns its findings as
// "name:line:col: message [rule]" strings; nil means clean. name is only used
// in the messages. The check is hermetic: no config file, no project lookup
// on disk (so local actions and reusable workflows are not resolved), no
// shellcheck or pyflakes, no network.
func Actionlint(t testing.TB, name string, src []byte) []string {
	t.Helper()
	errs := ActionlintErrors(t, src)
	var out []string
	for _, e := range errs {
		out = append(out, fmt.Sprintf("%s:%d:%d: %s [%s]", name, e.Line, e.Column, e.Message, e.Kind))
	}
	return out
}

// ActionlintErrors is Actionlint returning actionlint's own errors (with
// Line, Column and Kind, the rule name; Filepath is "<stdin>").
func ActionlintErrors(t testing.TB, src []byte) []*actionlint.Error {
	t.Helper()
	l, err := actionlint.NewLinter(io.Discard, &actionlint.LinterOptions{
		Color: actionlint.ColorOptionKindNever,
		// Shellcheck and Pyflakes left empty: those rules are disabled.
	})
	if err != nil {
		t.Fatalf("referee: actionlint.NewLinter: %v", err)
	}
	// "<stdin>" makes Lint skip the project lookup (and its config file).
	errs, err := l.Lint("<stdin>", src, nil)
	if err != nil {
		t.Fatalf("referee: actionlint: %v", err)
	}
	return errs
}
